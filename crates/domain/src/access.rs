//! Who may do what. A `Principal` is a user with its grants; capabilities
//! (`AdminCap`, `DepartmentCap`) can only be minted here, from a principal
//! that holds the right grant. Store functions that write take a capability,
//! so code that lacks the permission cannot reach the write path.

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::{DepartmentCode, Role};

/// One role held by a user, with its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    /// For `caf_agent` and `coordinator`.
    pub department: Option<DepartmentCode>,
    /// For `structure_referent` (and the promeneur's employer).
    pub structure_id: Option<Uuid>,
    /// For `committee_member`.
    pub call_id: Option<Uuid>,
}

impl Grant {
    pub fn platform(role: Role) -> Self {
        Self {
            role,
            department: None,
            structure_id: None,
            call_id: None,
        }
    }

    pub fn departmental(role: Role, department: DepartmentCode) -> Self {
        Self {
            role,
            department: Some(department),
            structure_id: None,
            call_id: None,
        }
    }
}

/// An authenticated user, as seen by access rules.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub grants: Vec<Grant>,
}

/// Proof that the holder is a platform administrator.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AdminCap {
    pub actor: Uuid,
}

/// Proof that the holder pilots the scheme in one département (a CAF agent
/// of that département, or an administrator).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DepartmentCap {
    pub actor: Uuid,
    pub department: DepartmentCode,
}

impl AdminCap {
    /// The operator at the command line (`promeneurs user add`, demo data):
    /// whoever runs the binary on the server already holds the database.
    pub fn for_console() -> Self {
        Self { actor: Uuid::nil() }
    }

    /// An administrator pilots every département.
    pub fn pilot(&self, department: &DepartmentCode) -> DepartmentCap {
        DepartmentCap {
            actor: self.actor,
            department: department.clone(),
        }
    }
}

/// Which départements a principal may read staff data of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepartmentScope {
    All,
    Some(BTreeSet<DepartmentCode>),
}

impl DepartmentScope {
    pub fn contains(&self, d: &DepartmentCode) -> bool {
        match self {
            DepartmentScope::All => true,
            DepartmentScope::Some(set) => set.contains(d),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, DepartmentScope::Some(s) if s.is_empty())
    }

    /// The codes, or `None` for "every département".
    pub fn codes(&self) -> Option<Vec<String>> {
        match self {
            DepartmentScope::All => None,
            DepartmentScope::Some(s) => Some(s.iter().map(|d| d.as_str().to_owned()).collect()),
        }
    }
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn roles(&self) -> BTreeSet<Role> {
        self.grants.iter().map(|g| g.role).collect()
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }

    pub fn admin(&self) -> Option<AdminCap> {
        self.is_admin().then_some(AdminCap {
            actor: self.user_id,
        })
    }

    fn departments_of(&self, roles: &[Role]) -> BTreeSet<DepartmentCode> {
        self.grants
            .iter()
            .filter(|g| roles.contains(&g.role))
            .filter_map(|g| g.department.clone())
            .collect()
    }

    /// Départements whose staff data (network, audit, settings) this
    /// principal reads: CAF agents and coordinators in theirs, admins all.
    pub fn staff_scope(&self) -> DepartmentScope {
        if self.is_admin() {
            DepartmentScope::All
        } else {
            DepartmentScope::Some(self.departments_of(&[Role::CafAgent, Role::Coordinator]))
        }
    }

    /// The right to pilot the scheme in `department`.
    pub fn pilot(&self, department: &DepartmentCode) -> Option<DepartmentCap> {
        let allowed =
            self.is_admin() || self.departments_of(&[Role::CafAgent]).contains(department);
        allowed.then(|| DepartmentCap {
            actor: self.user_id,
            department: department.clone(),
        })
    }

    pub fn is_staff(&self) -> bool {
        !self.staff_scope().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(s: &str) -> DepartmentCode {
        DepartmentCode::parse(s).unwrap()
    }

    fn principal(grants: Vec<Grant>) -> Principal {
        Principal {
            user_id: Uuid::nil(),
            email: "x@y.fr".into(),
            name: "X".into(),
            grants,
        }
    }

    #[test]
    fn a_caf_agent_pilots_only_its_departement() {
        let p = principal(vec![Grant::departmental(Role::CafAgent, dep("03"))]);
        assert!(p.pilot(&dep("03")).is_some());
        assert!(p.pilot(&dep("63")).is_none());
        assert!(p.admin().is_none());
        assert!(p.staff_scope().contains(&dep("03")));
        assert!(!p.staff_scope().contains(&dep("63")));
    }

    #[test]
    fn a_coordinator_reads_but_does_not_pilot() {
        let p = principal(vec![Grant::departmental(Role::Coordinator, dep("63"))]);
        assert!(p.pilot(&dep("63")).is_none());
        assert!(p.staff_scope().contains(&dep("63")));
    }

    #[test]
    fn an_admin_pilots_everywhere() {
        let p = principal(vec![Grant::platform(Role::Admin)]);
        assert!(p.pilot(&dep("63")).is_some());
        assert_eq!(p.staff_scope(), DepartmentScope::All);
    }

    #[test]
    fn a_promeneur_has_no_staff_scope() {
        let p = principal(vec![Grant::platform(Role::Promeneur)]);
        assert!(p.staff_scope().is_empty());
        assert!(!p.is_staff());
    }
}
