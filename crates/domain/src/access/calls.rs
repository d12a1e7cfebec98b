//! The capabilities of a call's committee members and staff, and the
//! `Principal` methods that make them.

use std::collections::BTreeSet;

use uuid::Uuid;

use super::Principal;
use crate::DepartmentCode;

/// Proof that the holder sits on the committee of one call (its member
/// row `member_id`): the only way to review one of that call's
/// applications or declare a conflict with it. Only
/// [`Principal::reviewer`] makes one, from the seat the service loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReviewerCap {
    pub actor: Uuid,
    pub member_id: Uuid,
    pub call_id: Uuid,
}

impl ReviewerCap {
    /// The operator at the command line (demo data, in `app` only): it
    /// reviews for any member it names.
    pub fn for_console(member_id: Uuid, call_id: Uuid) -> Self {
        Self {
            actor: Uuid::nil(),
            member_id,
            call_id,
        }
    }
}

/// A seat on a call's committee, as the service loaded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatFacts {
    pub member_id: Uuid,
    pub call_id: Uuid,
    /// The account seated.
    pub user_id: Uuid,
}

/// Proof that the holder is staff of one call in some of its départements:
/// the only way to act on that call's applications (start their review,
/// ask a complement), to propose for its committee and, when `manages`,
/// to seat members and run its auditions. Only [`Principal::call_staff`]
/// and [`Principal::call_manager`] make one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallStaffCap {
    pub actor: Uuid,
    pub call_id: Uuid,
    /// The call's départements the holder acts in (never empty).
    pub departments: BTreeSet<DepartmentCode>,
    /// A CAF agent (or an administrator) of those départements: it manages
    /// the call, not only follows its applications.
    pub manages: bool,
}

impl CallStaffCap {
    /// The operator at the command line (demo data, in `app` only): it
    /// manages the call in every département it names.
    pub fn for_console(call_id: Uuid, departments: &[DepartmentCode]) -> Option<Self> {
        (!departments.is_empty()).then(|| Self {
            actor: Uuid::nil(),
            call_id,
            departments: departments.iter().cloned().collect(),
            manages: true,
        })
    }

    /// The first of its départements (the one its audit entries name).
    pub fn department(&self) -> &DepartmentCode {
        self.departments
            .first()
            .expect("a call staff capability has a département")
    }

    pub fn covers(&self, department: &DepartmentCode) -> bool {
        self.departments.contains(department)
    }
}

impl Principal {
    /// The right to review for the committee seat `seat` (a member row of
    /// a call): the account seated, and no one else.
    pub fn reviewer(&self, seat: SeatFacts) -> Option<ReviewerCap> {
        (seat.user_id == self.user_id).then_some(ReviewerCap {
            actor: self.user_id,
            member_id: seat.member_id,
            call_id: seat.call_id,
        })
    }

    /// The right to act as staff on call `call_id`, whose départements are
    /// `call_departments`: in those this principal writes as staff of
    /// ([`Principal::staff_writes`]).
    pub fn call_staff(
        &self,
        call_id: Uuid,
        call_departments: &[DepartmentCode],
    ) -> Option<CallStaffCap> {
        let departments: BTreeSet<DepartmentCode> = call_departments
            .iter()
            .filter(|d| self.staff_writes(d))
            .cloned()
            .collect();
        (!departments.is_empty()).then_some(CallStaffCap {
            actor: self.user_id,
            call_id,
            departments,
            manages: false,
        })
    }

    /// The right to manage call `call_id`: in those of `call_departments`
    /// this principal pilots ([`Principal::pilot`]).
    pub fn call_manager(
        &self,
        call_id: Uuid,
        call_departments: &[DepartmentCode],
    ) -> Option<CallStaffCap> {
        let departments: BTreeSet<DepartmentCode> = call_departments
            .iter()
            .filter(|d| self.pilot(d).is_some())
            .cloned()
            .collect();
        (!departments.is_empty()).then_some(CallStaffCap {
            actor: self.user_id,
            call_id,
            departments,
            manages: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Grant, Role};

    fn dep(s: &str) -> DepartmentCode {
        DepartmentCode::parse(s).unwrap()
    }

    fn principal(user_id: Uuid, grants: Vec<Grant>) -> Principal {
        Principal {
            user_id,
            email: "x@y.fr".into(),
            name: "X".into(),
            grants,
            read_only: BTreeSet::new(),
        }
    }

    #[test]
    fn only_the_seated_account_reviews() {
        let (me, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let seat = SeatFacts {
            member_id: Uuid::from_u128(10),
            call_id: Uuid::from_u128(20),
            user_id: me,
        };
        let cap = principal(me, vec![]).reviewer(seat).unwrap();
        assert_eq!(
            (cap.member_id, cap.call_id, cap.actor),
            (seat.member_id, seat.call_id, me)
        );
        assert!(principal(other, vec![]).reviewer(seat).is_none());
    }

    #[test]
    fn call_staff_covers_only_the_calls_departements_it_writes_in() {
        let call = Uuid::from_u128(5);
        let agent03 = principal(
            Uuid::nil(),
            vec![Grant::departmental(Role::CafAgent, dep("03"))],
        );
        let cap = agent03.call_staff(call, &[dep("03"), dep("63")]).unwrap();
        assert!(cap.covers(&dep("03")) && !cap.covers(&dep("63")) && !cap.manages);
        assert_eq!(cap.call_id, call);
        assert!(agent03.call_staff(call, &[dep("63")]).is_none());
        assert!(agent03.call_manager(call, &[dep("63")]).is_none());
        let managed = agent03.call_manager(call, &[dep("03"), dep("63")]).unwrap();
        assert!(managed.manages && managed.department() == &dep("03"));

        // A coordinator follows the call but does not manage it; an
        // outgoing one does neither.
        let mut coordinator = principal(
            Uuid::nil(),
            vec![Grant::departmental(Role::Coordinator, dep("63"))],
        );
        assert!(
            coordinator
                .call_staff(call, &[dep("03"), dep("63")])
                .is_some()
        );
        assert!(coordinator.call_manager(call, &[dep("63")]).is_none());
        coordinator.read_only.insert(dep("63"));
        assert!(coordinator.call_staff(call, &[dep("63")]).is_none());

        let admin = principal(Uuid::nil(), vec![Grant::platform(Role::Admin)]);
        assert_eq!(
            admin
                .call_manager(call, &[dep("03"), dep("63")])
                .unwrap()
                .departments
                .len(),
            2
        );
        assert!(CallStaffCap::for_console(call, &[]).is_none());
    }
}
