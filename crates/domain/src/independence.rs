//! The committee's independence (DESIGN §4): who is in conflict with an
//! application, who may see its scores, who may propose and validate, and
//! when the committee's review of a module is complete. Pure rules; the
//! web layer gathers the facts (seats, account ties, declared conflicts,
//! reviews) and asks here.

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::decision::{Outcome, Rule};
use crate::scoring::Score;

/// What ties a person to structures: the structure it was seated for on
/// the committee, if any, and the structures its account is tied to (a
/// role granted with that structure, such as referent or coordinator, or a
/// promeneur of it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ties {
    pub seated_for: Option<Uuid>,
    pub account: BTreeSet<Uuid>,
}

impl Ties {
    /// The person belongs to `structure`.
    pub fn belongs_to(&self, structure: Uuid) -> bool {
        self.seated_for == Some(structure) || self.account.contains(&structure)
    }

    /// The person belongs to one of these structures.
    pub fn belongs_to_any<'a>(&self, structures: impl IntoIterator<Item = &'a Uuid>) -> bool {
        structures.into_iter().any(|s| self.belongs_to(*s))
    }
}

/// Why a committee member may not review an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The member belongs to the applicant structure.
    Applicant,
    /// The member declared a conflict, for this reason.
    Declared(String),
}

impl Conflict {
    /// In French, for the pages and the messages.
    pub fn french(&self) -> String {
        match self {
            Self::Applicant => "Membre de la structure candidate".to_owned(),
            Self::Declared(r) => r.clone(),
        }
    }
}

/// A member's conflict with an application of `applicant`, if any.
pub fn member_conflict(ties: &Ties, applicant: Uuid, declared: Option<&str>) -> Option<Conflict> {
    if ties.belongs_to(applicant) {
        return Some(Conflict::Applicant);
    }
    declared.map(|r| Conflict::Declared(r.to_owned()))
}

/// Staff (CAF agent, coordinator) are in conflict for a whole call when a
/// structure they belong to applies to it: module 1 picks the next
/// coordinator, so a coordinator whose structure applies judges its own
/// case and reads its competitors.
pub fn staff_conflicted<'a>(ties: &Ties, applicants: impl IntoIterator<Item = &'a Uuid>) -> bool {
    ties.belongs_to_any(applicants)
}

/// Whether a committee member sees an application's scores (mean, min,
/// max, other reviews): never when in conflict, and only once it filed
/// its own review.
pub fn member_sees_scores(conflicted: bool, reviewed: bool) -> bool {
    !conflicted && reviewed
}

/// The person who proposed never validates its own proposal.
pub fn may_validate(proposed_by: Uuid, validator: Uuid) -> bool {
    proposed_by != validator
}

/// How far the committee got with one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completeness {
    /// Reviews filed by seated members not in conflict.
    pub reviews: u32,
    /// Seated members not in conflict.
    pub expected: u32,
}

impl Completeness {
    /// Every seated member without a conflict has reviewed (and there is
    /// at least one review).
    pub fn complete(self) -> bool {
        self.reviews > 0 && self.reviews >= self.expected
    }
}

/// The outcome of a module in one département once the committee's work
/// is taken into account: too few applications is known at once; anything
/// else ("attribuable", or no application reaching the threshold) waits
/// until every application has its complete review.
pub fn committee_outcome(rule: Rule, scores: &[Option<Score>], done: &[Completeness]) -> Outcome {
    let outcome = rule.outcome(scores);
    match outcome {
        Outcome::Unsuccessful(crate::decision::Reason::TooFewApplications) => outcome,
        _ if done.iter().all(|c| c.complete()) => outcome,
        _ => Outcome::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::Reason;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn a_member_belongs_to_a_structure_by_its_seat_or_its_account() {
        let seated = Ties {
            seated_for: Some(id(1)),
            account: BTreeSet::new(),
        };
        assert_eq!(
            member_conflict(&seated, id(1), None),
            Some(Conflict::Applicant)
        );
        let referent = Ties {
            seated_for: None,
            account: [id(2)].into(),
        };
        assert_eq!(
            member_conflict(&referent, id(2), None),
            Some(Conflict::Applicant)
        );
        assert_eq!(member_conflict(&referent, id(3), None), None);
        assert_eq!(
            member_conflict(&referent, id(3), Some("Ancien salarié")),
            Some(Conflict::Declared("Ancien salarié".into()))
        );
        assert_eq!(
            Conflict::Applicant.french(),
            "Membre de la structure candidate"
        );
    }

    #[test]
    fn staff_whose_structure_applies_are_in_conflict_for_the_call() {
        let coordinator = Ties {
            seated_for: None,
            account: [id(7)].into(),
        };
        assert!(staff_conflicted(&coordinator, &[id(5), id(7)]));
        assert!(!staff_conflicted(&coordinator, &[id(5)]));
        assert!(!staff_conflicted(&Ties::default(), &[id(5)]));
    }

    #[test]
    fn scores_show_only_after_ones_own_review_and_never_in_conflict() {
        assert!(!member_sees_scores(false, false));
        assert!(member_sees_scores(false, true));
        assert!(!member_sees_scores(true, true));
    }

    #[test]
    fn the_proposer_never_validates() {
        assert!(!may_validate(id(1), id(1)));
        assert!(may_validate(id(1), id(2)));
    }

    #[test]
    fn awardable_only_once_every_member_without_conflict_reviewed() {
        let rule = Rule {
            min_applications: 2,
            quality_threshold: None,
        };
        let s = Score::whole(70);
        let half = Completeness {
            reviews: 1,
            expected: 2,
        };
        let full = Completeness {
            reviews: 2,
            expected: 2,
        };
        assert_eq!(
            committee_outcome(rule, &[s, s], &[full, half]),
            Outcome::Pending
        );
        assert_eq!(
            committee_outcome(rule, &[s, s], &[full, full]),
            Outcome::Awardable
        );
        assert_eq!(
            committee_outcome(rule, &[s], &[half]),
            Outcome::Unsuccessful(Reason::TooFewApplications)
        );
        let none = Completeness {
            reviews: 0,
            expected: 0,
        };
        assert!(!none.complete());
    }
}
