//! The outcome of a module in one département (DESIGN §4, "infructueux"),
//! always computed from the current data, and the committee's proposal
//! validated by the CAF of that département.

use crate::scoring::Score;

/// Why a (module, département) is unsuccessful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    TooFewApplications,
    InsufficientQuality,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooFewApplications => "too_few_applications",
            Self::InsufficientQuality => "insufficient_quality",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "too_few_applications" => Some(Self::TooFewApplications),
            "insufficient_quality" => Some(Self::InsufficientQuality),
            _ => None,
        }
    }
}

/// Where a (module, département) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Scores are still missing to decide.
    Pending,
    Unsuccessful(Reason),
    /// The committee may propose an application.
    Awardable,
}

impl Outcome {
    pub fn status(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Unsuccessful(_) => "unsuccessful",
            Self::Awardable => "awardable",
        }
    }

    pub fn reason(self) -> Option<Reason> {
        match self {
            Self::Unsuccessful(r) => Some(r),
            _ => None,
        }
    }
}

/// The settings of a module that the rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Fewer filed applications than this: unsuccessful (default 2, so
    /// "1 or fewer").
    pub min_applications: u32,
    /// No application reaching this score: unsuccessful.
    pub quality_threshold: Option<Score>,
}

impl Rule {
    /// The outcome for the filed, non-withdrawn applications covering the
    /// département, given their current scores (`None`: no completed
    /// review yet).
    pub fn outcome(self, scores: &[Option<Score>]) -> Outcome {
        let n = u32::try_from(scores.len()).unwrap_or(u32::MAX);
        if n < self.min_applications.max(1) {
            return Outcome::Unsuccessful(Reason::TooFewApplications);
        }
        match self.quality_threshold {
            Some(t) => {
                if scores.iter().flatten().any(|s| *s >= t) {
                    Outcome::Awardable
                } else if scores.iter().any(Option::is_none) {
                    Outcome::Pending
                } else {
                    Outcome::Unsuccessful(Reason::InsufficientQuality)
                }
            }
            None if scores.iter().any(Option::is_some) => Outcome::Awardable,
            None => Outcome::Pending,
        }
    }

    /// The rule in words, for the results page.
    pub fn french(self) -> String {
        let few = if self.min_applications <= 2 {
            "une candidature ou moins".to_owned()
        } else {
            format!("moins de {} candidatures", self.min_applications)
        };
        match self.quality_threshold {
            Some(t) => format!(
                "Le module est infructueux dans un département s'il y reçoit {few}, ou si aucune candidature n'atteint {t} sur 100."
            ),
            None => format!(
                "Le module est infructueux dans un département s'il y reçoit {few}. Il n'a pas de seuil de qualité."
            ),
        }
    }
}

/// Where a committee's proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProposalStatus {
    Proposed,
    Validated,
    Rejected,
}

impl ProposalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Validated => "validated",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "proposed" => Some(Self::Proposed),
            "validated" => Some(Self::Validated),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Proposed => "Proposée, en attente de la Caf",
            Self::Validated => "Validée par la Caf",
            Self::Rejected => "Rejetée par la Caf",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(points: u32) -> Option<Score> {
        Score::whole(points)
    }

    const DEFAULT: Rule = Rule {
        min_applications: 2,
        quality_threshold: None,
    };

    #[test]
    fn one_application_or_none_is_too_few() {
        assert_eq!(
            DEFAULT.outcome(&[]),
            Outcome::Unsuccessful(Reason::TooFewApplications)
        );
        assert_eq!(
            DEFAULT.outcome(&[s(95)]),
            Outcome::Unsuccessful(Reason::TooFewApplications)
        );
        let three = Rule {
            min_applications: 3,
            ..DEFAULT
        };
        assert_eq!(
            three.outcome(&[s(80), s(70)]),
            Outcome::Unsuccessful(Reason::TooFewApplications)
        );
    }

    #[test]
    fn without_threshold_two_applications_are_awardable_once_scored() {
        assert_eq!(DEFAULT.outcome(&[None, None]), Outcome::Pending);
        assert_eq!(DEFAULT.outcome(&[s(10), None]), Outcome::Awardable);
        assert_eq!(DEFAULT.outcome(&[s(10), s(0)]), Outcome::Awardable);
    }

    #[test]
    fn with_a_threshold_one_must_reach_it() {
        let rule = Rule {
            min_applications: 2,
            quality_threshold: Score::whole(60),
        };
        // Reaching it exactly is enough.
        assert_eq!(rule.outcome(&[s(60), s(20)]), Outcome::Awardable);
        assert_eq!(
            rule.outcome(&[Score::from_hundredths(5_999), s(20)]),
            Outcome::Unsuccessful(Reason::InsufficientQuality)
        );
        // Not yet reached, but a review is missing: not decided.
        assert_eq!(rule.outcome(&[s(40), None]), Outcome::Pending);
        assert_eq!(rule.outcome(&[s(70), None]), Outcome::Awardable);
        // Too few wins over the threshold.
        assert_eq!(
            rule.outcome(&[s(90)]),
            Outcome::Unsuccessful(Reason::TooFewApplications)
        );
    }

    #[test]
    fn the_rule_is_said_in_words() {
        assert!(DEFAULT.french().contains("une candidature ou moins"));
        let rule = Rule {
            min_applications: 3,
            quality_threshold: Score::whole(60),
        };
        assert!(rule.french().contains("moins de 3 candidatures"));
        assert!(rule.french().contains("60,00 sur 100"));
        for r in [Reason::TooFewApplications, Reason::InsufficientQuality] {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
        }
    }
}
