//! The outcome of a module in one département (DESIGN §4, "infructueux"),
//! always computed from the current data, and the committee's proposal
//! validated by the CAF of that département.

use uuid::Uuid;

use crate::{DepartmentCode, scoring::Score};

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

/// A validated decision of a (module, département), as the verdicts read
/// it: the application retained there, or the module declared
/// infructueux there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validated<'a> {
    pub department: &'a str,
    /// The application retained, when not infructueux.
    pub application_id: Option<Uuid>,
    /// Why infructueux, when it is.
    pub unsuccessful: Option<Reason>,
}

/// What the decision of one département is for one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Retained in this département.
    Retained,
    /// Not retained: another application was retained there.
    OtherRetained,
    /// The module is infructueux there (with the reason when recorded).
    Unsuccessful(Option<Reason>),
    /// No validated decision there yet.
    Undecided,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Retained => "retained",
            Self::OtherRetained => "other_retained",
            Self::Unsuccessful(_) => "unsuccessful",
            Self::Undecided => "undecided",
        }
    }
}

/// The verdict of each of an application's départements, in its order,
/// from the validated decisions of its module. A département with two
/// validated decisions (never the case: one validated proposal per
/// département) reads the first one.
pub fn verdicts<'d>(
    application_id: Uuid,
    departments: &'d [DepartmentCode],
    validated: &[Validated<'_>],
) -> Vec<(&'d str, Verdict)> {
    departments
        .iter()
        .map(|d| {
            let verdict = match validated.iter().find(|v| v.department == d.as_str()) {
                None => Verdict::Undecided,
                Some(v) if v.application_id == Some(application_id) => Verdict::Retained,
                Some(v) if v.application_id.is_some() => Verdict::OtherRetained,
                Some(v) => Verdict::Unsuccessful(v.unsuccessful),
            };
            (d.as_str(), verdict)
        })
        .collect()
}

/// What one application's result letter says, overall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overall {
    /// Retained in at least one of its départements.
    Retained,
    /// Decided everywhere, retained nowhere, and another application was
    /// retained in at least one département.
    NotRetained,
    /// The module is infructueux in every département of the application.
    Unsuccessful,
    /// A département is not decided yet.
    Undecided,
}

/// The overall outcome of per-département verdicts.
pub fn overall(verdicts: &[(&str, Verdict)]) -> Overall {
    if verdicts.is_empty() || verdicts.iter().any(|(_, v)| *v == Verdict::Undecided) {
        Overall::Undecided
    } else if verdicts.iter().any(|(_, v)| *v == Verdict::Retained) {
        Overall::Retained
    } else if verdicts
        .iter()
        .all(|(_, v)| matches!(v, Verdict::Unsuccessful(_)))
    {
        Overall::Unsuccessful
    } else {
        Overall::NotRetained
    }
}

/// An application of a structure as a convention plan reads it: its
/// module code, its id, and its verdict in each of its départements.
pub type ApplicationVerdicts<'a> = (&'a str, Uuid, Vec<(&'a str, Verdict)>);

/// One module of a convention, with the départements it is retained for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedModule {
    pub module_code: String,
    pub application_id: Uuid,
    pub departments: Vec<String>,
}

/// The one convention of a structure on a call: the modules it is
/// retained for (each with its départements), and the départements whose
/// CAF signs (the union, in code order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConventionPlan {
    pub modules: Vec<PlannedModule>,
    pub departments: Vec<String>,
}

/// The convention of a structure from the verdicts of its applications
/// on one call (`(module code, application, verdicts)`): the modules where
/// it is retained somewhere, in module order, naming only the départements
/// it is retained in. `None` when it is retained nowhere.
pub fn convention_plan(applications: &[ApplicationVerdicts<'_>]) -> Option<ConventionPlan> {
    let mut modules: Vec<PlannedModule> = applications
        .iter()
        .filter_map(|(code, id, verdicts)| {
            let departments: Vec<String> = verdicts
                .iter()
                .filter(|(_, v)| *v == Verdict::Retained)
                .map(|(d, _)| (*d).to_owned())
                .collect();
            (!departments.is_empty()).then(|| PlannedModule {
                module_code: (*code).to_owned(),
                application_id: *id,
                departments,
            })
        })
        .collect();
    if modules.is_empty() {
        return None;
    }
    modules.sort_by(|a, b| a.module_code.cmp(&b.module_code));
    let mut departments: Vec<String> = modules
        .iter()
        .flat_map(|m| m.departments.iter().cloned())
        .collect();
    departments.sort();
    departments.dedup();
    Some(ConventionPlan {
        modules,
        departments,
    })
}

/// "1" for "M1" (the call says "modules 1 et 2"), the code otherwise.
pub fn module_number(code: &str) -> &str {
    match code.strip_prefix(['M', 'm']) {
        Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => n,
        _ => code,
    }
}

/// "sur le module 1", "sur les modules 1 et 2".
pub fn modules_phrase(codes: &[&str]) -> String {
    let numbers: Vec<&str> = codes.iter().map(|c| module_number(c)).collect();
    match numbers.as_slice() {
        [] => String::new(),
        [one] => format!("sur le module {one}"),
        [init @ .., last] => format!("sur les modules {} et {last}", init.join(", ")),
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

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|d| (*d).to_owned()).collect()
    }

    fn deps(list: &[&str]) -> Vec<DepartmentCode> {
        list.iter()
            .map(|d| DepartmentCode::parse(d).unwrap())
            .collect()
    }

    #[test]
    fn each_department_has_its_own_verdict() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let both = deps(&["03", "63"]);
        let validated = [
            Validated {
                department: "03",
                application_id: Some(a),
                unsuccessful: None,
            },
            Validated {
                department: "63",
                application_id: Some(b),
                unsuccessful: None,
            },
        ];
        let v = verdicts(a, &both, &validated);
        assert_eq!(
            v,
            vec![("03", Verdict::Retained), ("63", Verdict::OtherRetained)]
        );
        assert_eq!(overall(&v), Overall::Retained);
        // B applied in 63 only: retained there.
        let only63 = deps(&["63"]);
        let v = verdicts(b, &only63, &validated);
        assert_eq!(v, vec![("63", Verdict::Retained)]);
        // Retained in 03, infructueux in 63.
        let validated = [
            validated[0],
            Validated {
                department: "63",
                application_id: None,
                unsuccessful: Some(Reason::TooFewApplications),
            },
        ];
        let v = verdicts(a, &both, &validated);
        assert_eq!(
            v[1],
            (
                "63",
                Verdict::Unsuccessful(Some(Reason::TooFewApplications))
            )
        );
        assert_eq!(overall(&v), Overall::Retained);
        // Undecided while one département waits.
        let v = verdicts(a, &both, &validated[..1]);
        assert_eq!(v[1], ("63", Verdict::Undecided));
        assert_eq!(overall(&v), Overall::Undecided);
    }

    #[test]
    fn overall_outcome_without_retention() {
        let other = [
            ("03", Verdict::OtherRetained),
            ("63", Verdict::Unsuccessful(None)),
        ];
        assert_eq!(overall(&other), Overall::NotRetained);
        let none = [
            (
                "03",
                Verdict::Unsuccessful(Some(Reason::InsufficientQuality)),
            ),
            ("63", Verdict::Unsuccessful(None)),
        ];
        assert_eq!(overall(&none), Overall::Unsuccessful);
        assert_eq!(overall(&[]), Overall::Undecided);
    }

    #[test]
    fn one_convention_covers_every_module_retained_and_only_its_departments() {
        let m1 = Uuid::from_u128(1);
        let m2 = Uuid::from_u128(2);
        let plan = convention_plan(&[
            (
                "M2",
                m2,
                vec![("03", Verdict::Retained), ("63", Verdict::Retained)],
            ),
            (
                "M1",
                m1,
                vec![("03", Verdict::Retained), ("63", Verdict::OtherRetained)],
            ),
        ])
        .unwrap();
        assert_eq!(
            plan.modules,
            vec![
                PlannedModule {
                    module_code: "M1".into(),
                    application_id: m1,
                    departments: codes(&["03"]),
                },
                PlannedModule {
                    module_code: "M2".into(),
                    application_id: m2,
                    departments: codes(&["03", "63"]),
                },
            ]
        );
        assert_eq!(plan.departments, codes(&["03", "63"]));
        // Retained in 03 for M1 only: the convention names 03 only.
        let plan = convention_plan(&[
            (
                "M1",
                m1,
                vec![("03", Verdict::Retained), ("63", Verdict::OtherRetained)],
            ),
            ("M2", m2, vec![("03", Verdict::Unsuccessful(None))]),
        ])
        .unwrap();
        assert_eq!(plan.modules.len(), 1);
        assert_eq!(plan.departments, codes(&["03"]));
        assert_eq!(
            convention_plan(&[("M1", m1, vec![("03", Verdict::OtherRetained)])]),
            None
        );
    }

    #[test]
    fn modules_are_named_as_the_call_does() {
        assert_eq!(module_number("M1"), "1");
        assert_eq!(module_number("Mx"), "Mx");
        assert_eq!(modules_phrase(&["M1"]), "sur le module 1");
        assert_eq!(modules_phrase(&["M1", "M2"]), "sur les modules 1 et 2");
        assert_eq!(
            modules_phrase(&["M1", "M2", "M3"]),
            "sur les modules 1, 2 et 3"
        );
    }
}
