//! Trainings (module 2 of the call, and the coordinators' own): the kinds
//! of training, a registration's states and the seat rule that never
//! overbooks, attendance per half-day and what earns a certificate.

use std::fmt;

use jiff::Timestamp;

use crate::{DepartmentCode, Principal, Role};

/// What a training is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrainingKind {
    /// The training every new promeneur follows before being listed in the
    /// directory.
    Initial,
    Continuing,
    /// "Analyse de pratiques" through the year.
    Analysis,
}

impl TrainingKind {
    pub const ALL: [Self; 3] = [Self::Initial, Self::Continuing, Self::Analysis];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Continuing => "continuing",
            Self::Analysis => "analysis",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Initial => "Formation initiale",
            Self::Continuing => "Formation continue",
            Self::Analysis => "Analyse de pratiques",
        }
    }
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegistrationStatus {
    /// Asked by the promeneur, waiting for its employer's approval: the
    /// seat is held meanwhile (so that an approval never overbooks).
    PendingApproval,
    Registered,
    Waitlisted,
    Cancelled,
    /// The employer did not give the working time.
    Refused,
}

impl RegistrationStatus {
    pub const ALL: [Self; 5] = [
        Self::PendingApproval,
        Self::Registered,
        Self::Waitlisted,
        Self::Cancelled,
        Self::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingApproval => "pending_approval",
            Self::Registered => "registered",
            Self::Waitlisted => "waitlisted",
            Self::Cancelled => "cancelled",
            Self::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PendingApproval => "En attente de l'accord de l'employeur",
            Self::Registered => "Inscrit",
            Self::Waitlisted => "En liste d'attente",
            Self::Cancelled => "Annulée",
            Self::Refused => "Refusée par l'employeur",
        }
    }

    /// Holds one of the session's seats.
    pub fn holds_seat(self) -> bool {
        matches!(self, Self::PendingApproval | Self::Registered)
    }

    /// Still counts: a second registration to the same session is refused.
    pub fn is_live(self) -> bool {
        !matches!(self, Self::Cancelled | Self::Refused)
    }

    /// The states a live registration was in, as SQL text (`'a', 'b'`).
    pub fn sql_list(states: &[Self]) -> String {
        states
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for RegistrationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a new registration goes, given the session's capacity and the
/// seats already held: a seat while one is free, else the waiting list. A
/// promeneur asking for itself on a session that needs its employer's
/// approval holds the seat while it waits.
pub fn place(capacity: i64, held: i64, needs_approval: bool) -> RegistrationStatus {
    if held >= capacity {
        RegistrationStatus::Waitlisted
    } else if needs_approval {
        RegistrationStatus::PendingApproval
    } else {
        RegistrationStatus::Registered
    }
}

/// Whether a session's capacity may become `capacity` while `held` seats
/// are taken: never under the people already registered.
pub fn capacity_fits(capacity: i64, held: i64) -> Result<(), String> {
    if capacity < 1 {
        return Err("La capacité est d'au moins une place.".to_owned());
    }
    if capacity < held {
        return Err(format!(
            "{held} personnes sont déjà inscrites : la capacité ne peut pas descendre sous {held} places."
        ));
    }
    Ok(())
}

/// Presence at one half-day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attendance {
    Present,
    Absent,
    Late,
    Excused,
}

impl Attendance {
    pub const ALL: [Self; 4] = [Self::Present, Self::Late, Self::Absent, Self::Excused];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Absent => "absent",
            Self::Late => "late",
            Self::Excused => "excused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Present => "Présent",
            Self::Absent => "Absent",
            Self::Late => "En retard",
            Self::Excused => "Excusé",
        }
    }

    /// Followed that half-day (a late arrival counts).
    pub fn attended(self) -> bool {
        matches!(self, Self::Present | Self::Late)
    }
}

/// A certificate is earned by attending every half-day of the session
/// (present or late); a half-day not marked is not attended.
pub fn earns_certificate(parts: &[Option<Attendance>]) -> bool {
    !parts.is_empty() && parts.iter().all(|a| a.is_some_and(Attendance::attended))
}

/// One half-day of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// Checks a session's half-days and its closing instant: each part ends
/// after it starts, parts follow each other, registrations close before
/// the last part ends. Errors name the field, in French.
pub fn check_schedule(parts: &[Part], closes_at: Timestamp) -> Result<(), (&'static str, String)> {
    let Some(last) = parts.last() else {
        return Err((
            "parts",
            "Indiquez au moins une demi-journée (date, heure de début et de fin).".to_owned(),
        ));
    };
    for (i, p) in parts.iter().enumerate() {
        if p.ends_at <= p.starts_at {
            return Err((
                "ends_at",
                format!(
                    "La demi-journée {} finit avant de commencer : vérifiez les heures.",
                    i + 1
                ),
            ));
        }
        if i > 0 && p.starts_at < parts[i - 1].ends_at {
            return Err((
                "parts",
                format!(
                    "La demi-journée {} commence avant la fin de la précédente.",
                    i + 1
                ),
            ));
        }
    }
    if closes_at > last.ends_at {
        return Err((
            "registration_closes_at",
            "Les inscriptions doivent fermer avant la fin de la session.".to_owned(),
        ));
    }
    Ok(())
}

/// The right to run trainings in some départements: staff who write there
/// (CAF agents, coordinators not in a handover's read-only period), or a
/// trainer of a provider structure for the départements of its grants.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrainingCap {
    pub actor: uuid::Uuid,
    pub departments: Vec<DepartmentCode>,
    /// Set for a trainer: the provider structure it trains for.
    pub provider: Option<uuid::Uuid>,
}

impl Principal {
    /// The right to run trainings in those of `departments` this principal
    /// may, `None` when it may in none.
    pub fn training_staff(&self, departments: &[DepartmentCode]) -> Option<TrainingCap> {
        let staff: Vec<DepartmentCode> = departments
            .iter()
            .filter(|d| self.staff_writes(d))
            .cloned()
            .collect();
        if !staff.is_empty() {
            return Some(TrainingCap {
                actor: self.user_id,
                departments: staff,
                provider: None,
            });
        }
        self.trainer_cap(departments)
    }

    /// The trainer's own right: the départements of its trainer grants
    /// among `departments`, for its provider structure.
    pub fn trainer_cap(&self, departments: &[DepartmentCode]) -> Option<TrainingCap> {
        let grants: Vec<_> = self
            .grants
            .iter()
            .filter(|g| g.role == Role::Trainer)
            .filter(|g| {
                g.department
                    .as_ref()
                    .is_some_and(|d| departments.contains(d))
            })
            .collect();
        let provider = grants.iter().find_map(|g| g.structure_id)?;
        let departments = grants
            .iter()
            .filter(|g| g.structure_id == Some(provider))
            .filter_map(|g| g.department.clone())
            .collect();
        Some(TrainingCap {
            actor: self.user_id,
            departments,
            provider: Some(provider),
        })
    }

    /// The départements where this principal runs trainings (staff or
    /// trainer).
    pub fn training_departments(&self) -> Vec<DepartmentCode> {
        let mut out: Vec<DepartmentCode> = self
            .grants
            .iter()
            .filter_map(|g| match g.role {
                Role::CafAgent | Role::Coordinator => {
                    g.department.clone().filter(|d| self.staff_writes(d))
                }
                Role::Trainer => g.department.clone(),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Grant;
    use std::collections::BTreeSet;
    use uuid::Uuid;

    fn dep(s: &str) -> DepartmentCode {
        DepartmentCode::parse(s).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_full_session_waitlists_and_approval_holds_a_seat() {
        assert_eq!(place(2, 0, false), RegistrationStatus::Registered);
        assert_eq!(place(2, 1, true), RegistrationStatus::PendingApproval);
        assert_eq!(place(2, 2, true), RegistrationStatus::Waitlisted);
        assert_eq!(place(2, 5, false), RegistrationStatus::Waitlisted);
        assert!(RegistrationStatus::PendingApproval.holds_seat());
        assert!(!RegistrationStatus::Waitlisted.holds_seat());
        assert!(RegistrationStatus::Waitlisted.is_live());
        assert!(!RegistrationStatus::Cancelled.is_live());
    }

    #[test]
    fn capacity_never_goes_under_the_registered() {
        assert!(capacity_fits(20, 20).is_ok());
        let e = capacity_fits(12, 15).unwrap_err();
        assert!(e.contains("15 personnes"), "{e}");
        assert!(capacity_fits(0, 0).is_err());
    }

    #[test]
    fn a_certificate_needs_every_half_day_attended() {
        use Attendance::*;
        assert!(earns_certificate(&[Some(Present), Some(Late)]));
        assert!(!earns_certificate(&[Some(Present), Some(Absent)]));
        assert!(!earns_certificate(&[Some(Present), Some(Excused)]));
        assert!(!earns_certificate(&[Some(Present), None]));
        assert!(!earns_certificate(&[]));
    }

    #[test]
    fn a_schedule_runs_forward_and_closes_before_its_end() {
        let am = Part {
            starts_at: ts("2027-01-12T08:30:00Z"),
            ends_at: ts("2027-01-12T11:30:00Z"),
        };
        let pm = Part {
            starts_at: ts("2027-01-12T12:30:00Z"),
            ends_at: ts("2027-01-12T15:30:00Z"),
        };
        assert!(check_schedule(&[am, pm], ts("2027-01-05T23:00:00Z")).is_ok());
        assert_eq!(
            check_schedule(&[], ts("2027-01-05T23:00:00Z"))
                .unwrap_err()
                .0,
            "parts"
        );
        let backwards = Part {
            starts_at: pm.ends_at,
            ends_at: pm.starts_at,
        };
        assert_eq!(
            check_schedule(&[am, backwards], ts("2027-01-05T23:00:00Z"))
                .unwrap_err()
                .0,
            "ends_at"
        );
        assert_eq!(
            check_schedule(&[pm, am], ts("2027-01-05T23:00:00Z"))
                .unwrap_err()
                .0,
            "parts"
        );
        assert_eq!(
            check_schedule(&[am], ts("2027-01-13T00:00:00Z"))
                .unwrap_err()
                .0,
            "registration_closes_at"
        );
    }

    #[test]
    fn trainers_run_the_sessions_of_their_grants_and_staff_those_they_write_in() {
        let provider = Uuid::from_u128(9);
        let trainer = Principal {
            user_id: Uuid::from_u128(1),
            email: "f@x.fr".into(),
            name: "F".into(),
            grants: vec![Grant {
                role: Role::Trainer,
                department: Some(dep("63")),
                structure_id: Some(provider),
                call_id: None,
            }],
            read_only: BTreeSet::new(),
        };
        let cap = trainer.training_staff(&[dep("03"), dep("63")]).unwrap();
        assert_eq!(cap.departments, vec![dep("63")]);
        assert_eq!(cap.provider, Some(provider));
        assert!(trainer.training_staff(&[dep("03")]).is_none());
        let agent = Principal {
            grants: vec![Grant::departmental(Role::CafAgent, dep("03"))],
            ..trainer.clone()
        };
        let cap = agent.training_staff(&[dep("03"), dep("63")]).unwrap();
        assert_eq!((cap.departments, cap.provider), (vec![dep("03")], None));
        assert_eq!(agent.training_departments(), vec![dep("03")]);
        assert_eq!(trainer.training_departments(), vec![dep("63")]);
    }
}
