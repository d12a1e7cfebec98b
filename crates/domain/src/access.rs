//! Who may do what. A `Principal` is a user with its grants; capabilities
//! (`AdminCap`, `DepartmentCap`) can only be minted here, from a principal
//! that holds the right grant. Store functions that write take a capability,
//! so code that lacks the permission cannot reach the write path.

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::{DepartmentCode, Role};

mod calls;

pub use calls::{CallStaffCap, ReviewerCap, SeatFacts};

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
    /// Départements where this user's coordinator role only reads: an
    /// outgoing coordinator during the handover (tuilage).
    pub read_only: BTreeSet<DepartmentCode>,
}

/// Proof that the holder is a platform administrator.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AdminCap {
    pub actor: Uuid,
}

/// Proof that the holder acts for one applicant structure (its referent):
/// the only way to start, change, file or withdraw that structure's
/// applications. Only [`Principal::applicant_for`] makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApplicantCap {
    pub structure_id: Uuid,
}

impl ApplicantCap {
    /// The operator at the command line (demo data): it acts for any
    /// structure it names.
    pub fn for_console(structure_id: Uuid) -> Self {
        Self { structure_id }
    }
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

    /// The right to act for `structure_id` as an applicant: its referents.
    pub fn applicant_for(&self, structure_id: Uuid) -> Option<ApplicantCap> {
        self.referent_structures()
            .contains(&structure_id)
            .then_some(ApplicantCap { structure_id })
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

    /// The structures this principal is a referent of.
    pub fn referent_structures(&self) -> BTreeSet<Uuid> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::StructureReferent)
            .filter_map(|g| g.structure_id)
            .collect()
    }

    /// The calls whose committee this principal sits on.
    pub fn seated_calls(&self) -> BTreeSet<Uuid> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::CommitteeMember)
            .filter_map(|g| g.call_id)
            .collect()
    }

    /// The applications this principal reads: those covering its staff
    /// départements, and its structures' own (a promeneur has none).
    pub fn application_scope(&self) -> NetworkScope {
        NetworkScope {
            own_user: None,
            ..self.network_scope()
        }
    }

    /// The structures and conventions this principal reads: staff their
    /// départements, referents their structures. A promeneur's account
    /// reads its own profile, not its employer's paperwork (SIRET,
    /// contacts, conventions).
    pub fn structure_scope(&self) -> NetworkScope {
        NetworkScope {
            own_user: None,
            ..self.network_scope()
        }
    }

    /// What of the network this principal reads: staff their départements,
    /// referents their structures, a promeneur its own record.
    pub fn network_scope(&self) -> NetworkScope {
        NetworkScope {
            departments: self.staff_scope(),
            structures: self.referent_structures(),
            own_user: self.has_role(Role::Promeneur).then_some(self.user_id),
        }
    }

    /// Staff of `department` who may change its data (not an outgoing
    /// coordinator during the handover, who only reads).
    pub fn staff_writes(&self, department: &DepartmentCode) -> bool {
        self.staff_scope().contains(department)
            && (self.pilot(department).is_some() || !self.read_only.contains(department))
    }

    /// The right to edit network data (structures, promeneurs) of a
    /// structure in `department`: staff of that département, or a referent
    /// of that very structure. `structure` is `None` when creating one.
    pub fn network_editor(
        &self,
        department: &DepartmentCode,
        structure: Option<Uuid>,
    ) -> Option<NetworkCap> {
        let staff = self.staff_writes(department);
        let referent = structure.is_some_and(|s| self.referent_structures().contains(&s));
        (staff || referent).then(|| NetworkCap {
            actor: self.user_id,
            department: department.clone(),
            structure,
            staff,
            signup: false,
        })
    }

    /// Who may change a promeneur's record: the one rule the pages, the API
    /// and the services apply. Staff of its `department` and the referents
    /// of its `structure` edit it all; else the promeneur itself (its
    /// `account`) edits its public profile and its photo; anyone else reads.
    pub fn promeneur_right(
        &self,
        department: &DepartmentCode,
        structure: Uuid,
        account: Option<Uuid>,
    ) -> PromeneurRight {
        match self.network_editor(department, Some(structure)) {
            Some(cap) => PromeneurRight::Edit(cap),
            None if account == Some(self.user_id) => PromeneurRight::OwnProfile,
            None => PromeneurRight::Read,
        }
    }
}

/// What a principal may change on one promeneur's record
/// ([`Principal::promeneur_right`]).
#[derive(Debug, Clone)]
pub enum PromeneurRight {
    /// Every field (a referent's gating fields become a proposal staff
    /// confirm), with the capability the store asks for.
    Edit(NetworkCap),
    /// The promeneur itself: its public profile and its photo only.
    OwnProfile,
    /// Nothing: the record is only read.
    Read,
}

impl PromeneurRight {
    /// The capability of a full editor.
    pub fn editor(&self) -> Option<&NetworkCap> {
        match self {
            Self::Edit(cap) => Some(cap),
            _ => None,
        }
    }

    /// The photo: a full editor or the promeneur itself.
    pub fn may_set_photo(&self) -> bool {
        !matches!(self, Self::Read)
    }
}

/// What part of the network a principal may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkScope {
    pub departments: DepartmentScope,
    pub structures: BTreeSet<Uuid>,
    /// A promeneur's own account: it reads the record linked to it.
    pub own_user: Option<Uuid>,
}

impl NetworkScope {
    /// Everything, for the platform's own reads (a committee member's
    /// application, letters, demo data) once access was checked otherwise.
    pub fn everything() -> Self {
        Self {
            departments: DepartmentScope::All,
            structures: BTreeSet::new(),
            own_user: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.departments.is_empty() && self.structures.is_empty() && self.own_user.is_none()
    }

    /// Whether a record of `department`, belonging to `structure` and
    /// linked to the account `user`, is visible.
    pub fn sees(&self, department: &DepartmentCode, structure: Uuid, user: Option<Uuid>) -> bool {
        self.departments.contains(department)
            || self.structures.contains(&structure)
            || (self.own_user.is_some() && self.own_user == user)
    }
}

/// Proof that the holder may edit network data of one structure (or create
/// one) in one département.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NetworkCap {
    pub actor: Uuid,
    pub department: DepartmentCode,
    pub structure: Option<Uuid>,
    /// Staff of the département (not only a referent): may change what
    /// referents may not, such as moving a promeneur to another structure.
    pub staff: bool,
    /// Minted by [`NetworkCap::for_signup`]: the public sign-up of a
    /// structure referent, with no principal yet.
    pub signup: bool,
}

impl NetworkCap {
    /// The right of a visitor signing up as a structure referent (the
    /// public page `/inscription`, and nothing else): register a structure
    /// not yet known in `department`, open the visitor's own referent
    /// account (no password: activated by the link e-mailed to the address
    /// given) and ask to join a known structure. The store accepts it for
    /// those writes only: it is neither staff nor the referent of any
    /// structure, so it edits no existing record.
    pub fn for_signup(department: DepartmentCode) -> Self {
        Self {
            actor: Uuid::nil(),
            department,
            structure: None,
            staff: false,
            signup: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_referent_of_the_structure_acts_as_its_applicant() {
        let mine = Uuid::now_v7();
        let other = Uuid::now_v7();
        let referent = Principal {
            user_id: Uuid::now_v7(),
            email: "r@exemple.fr".into(),
            name: "Référente".into(),
            grants: vec![Grant {
                role: Role::StructureReferent,
                department: None,
                structure_id: Some(mine),
                call_id: None,
            }],
            read_only: BTreeSet::new(),
        };
        assert_eq!(
            referent.applicant_for(mine).map(|c| c.structure_id),
            Some(mine)
        );
        assert!(referent.applicant_for(other).is_none());
        let agent = Principal {
            grants: vec![Grant::departmental(
                Role::CafAgent,
                DepartmentCode::parse("03").unwrap(),
            )],
            ..referent.clone()
        };
        assert!(agent.applicant_for(mine).is_none());
    }

    fn dep(s: &str) -> DepartmentCode {
        DepartmentCode::parse(s).unwrap()
    }

    fn principal(grants: Vec<Grant>) -> Principal {
        Principal {
            user_id: Uuid::nil(),
            email: "x@y.fr".into(),
            name: "X".into(),
            grants,
            read_only: BTreeSet::new(),
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
    fn a_referent_edits_only_its_structure() {
        let mine = Uuid::from_u128(1);
        let p = principal(vec![Grant {
            role: Role::StructureReferent,
            department: None,
            structure_id: Some(mine),
            call_id: None,
        }]);
        assert!(p.network_editor(&dep("03"), Some(mine)).is_some());
        assert!(
            p.network_editor(&dep("03"), Some(Uuid::from_u128(2)))
                .is_none()
        );
        assert!(p.network_editor(&dep("03"), None).is_none());
        let scope = p.network_scope();
        assert!(scope.sees(&dep("63"), mine, None));
        assert!(!scope.sees(&dep("63"), Uuid::from_u128(2), None));
    }

    #[test]
    fn a_coordinator_edits_its_departement_network() {
        let p = principal(vec![Grant::departmental(Role::Coordinator, dep("63"))]);
        let cap = p.network_editor(&dep("63"), None).unwrap();
        assert!(cap.staff);
        assert!(p.network_editor(&dep("03"), None).is_none());
    }

    #[test]
    fn a_signup_capability_is_neither_staff_nor_referent() {
        let cap = NetworkCap::for_signup(dep("03"));
        assert!(cap.signup && !cap.staff && cap.structure.is_none());
        let p = principal(vec![Grant::departmental(Role::CafAgent, dep("03"))]);
        assert!(!p.network_editor(&dep("03"), None).unwrap().signup);
    }

    #[test]
    fn an_outgoing_coordinator_reads_but_no_longer_writes() {
        let mut p = principal(vec![Grant::departmental(Role::Coordinator, dep("63"))]);
        p.read_only.insert(dep("63"));
        assert!(p.staff_scope().contains(&dep("63")));
        assert!(!p.staff_writes(&dep("63")));
        assert!(p.network_editor(&dep("63"), None).is_none());
    }

    #[test]
    fn who_may_edit_a_promeneur() {
        let (mine, other, me) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::nil());
        let referent = principal(vec![Grant {
            role: Role::StructureReferent,
            department: None,
            structure_id: Some(mine),
            call_id: None,
        }]);
        let right = referent.promeneur_right(&dep("03"), mine, None);
        assert!(right.editor().is_some_and(|c| !c.staff) && right.may_set_photo());
        let right = referent.promeneur_right(&dep("03"), other, None);
        assert!(matches!(right, PromeneurRight::Read) && !right.may_set_photo());

        let coordinator = principal(vec![Grant::departmental(Role::Coordinator, dep("63"))]);
        let right = coordinator.promeneur_right(&dep("63"), other, Some(me));
        assert!(right.editor().is_some_and(|c| c.staff));
        assert!(matches!(
            coordinator.promeneur_right(&dep("03"), other, None),
            PromeneurRight::Read
        ));

        // The promeneur itself: its profile, whatever its structure.
        let promeneur = principal(vec![Grant::platform(Role::Promeneur)]);
        let right = promeneur.promeneur_right(&dep("63"), other, Some(me));
        assert!(matches!(right, PromeneurRight::OwnProfile));
        assert!(right.editor().is_none() && right.may_set_photo());
        assert!(matches!(
            promeneur.promeneur_right(&dep("63"), other, Some(Uuid::from_u128(9))),
            PromeneurRight::Read
        ));

        // An outgoing coordinator reads only.
        let mut outgoing = principal(vec![Grant::departmental(Role::Coordinator, dep("63"))]);
        outgoing.read_only.insert(dep("63"));
        assert!(matches!(
            outgoing.promeneur_right(&dep("63"), other, None),
            PromeneurRight::Read
        ));
    }

    #[test]
    fn a_promeneur_has_no_staff_scope() {
        let p = principal(vec![Grant::platform(Role::Promeneur)]);
        assert!(p.staff_scope().is_empty());
        assert!(!p.is_staff());
    }
}
