//! The roles of DESIGN.md §2. A user may hold several, each with its scope.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    CafAgent,
    Coordinator,
    CommitteeMember,
    Trainer,
    StructureReferent,
    Promeneur,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("rôle inconnu : « {0} »")]
pub struct UnknownRole(pub String);

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::CafAgent,
        Role::Coordinator,
        Role::CommitteeMember,
        Role::Trainer,
        Role::StructureReferent,
        Role::Promeneur,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CafAgent => "caf_agent",
            Role::Coordinator => "coordinator",
            Role::CommitteeMember => "committee_member",
            Role::Trainer => "trainer",
            Role::StructureReferent => "structure_referent",
            Role::Promeneur => "promeneur",
        }
    }

    pub fn parse(s: &str) -> Result<Self, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }

    /// The French label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrateur",
            Role::CafAgent => "Agent de Caf",
            Role::Coordinator => "Coordinateur",
            Role::CommitteeMember => "Membre de comité",
            Role::Trainer => "Formateur",
            Role::StructureReferent => "Référent de structure",
            Role::Promeneur => "Promeneur du Net",
        }
    }

    /// Roles whose scope is a set of départements.
    pub fn is_departmental(self) -> bool {
        matches!(self, Role::CafAgent | Role::Coordinator)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert!(Role::parse("superuser").is_err());
    }
}
