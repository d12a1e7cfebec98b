//! Promeneurs: their status in the scheme, their mandate (hours a week
//! online, between two dates), and the rule that decides whether the public
//! directory shows them.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::text::search_key;

/// Where a promeneur stands in the scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromeneurStatus {
    Candidate,
    InTraining,
    Active,
    Suspended,
    Left,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
#[error(
    "Statut inconnu : « {0} ». Statuts possibles : Candidat, En formation, Actif, Suspendu ou Parti."
)]
pub struct UnknownStatus(pub String);

impl PromeneurStatus {
    pub const ALL: [PromeneurStatus; 5] = [
        PromeneurStatus::Candidate,
        PromeneurStatus::InTraining,
        PromeneurStatus::Active,
        PromeneurStatus::Suspended,
        PromeneurStatus::Left,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PromeneurStatus::Candidate => "candidate",
            PromeneurStatus::InTraining => "in_training",
            PromeneurStatus::Active => "active",
            PromeneurStatus::Suspended => "suspended",
            PromeneurStatus::Left => "left",
        }
    }

    /// The French label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            PromeneurStatus::Candidate => "Candidat",
            PromeneurStatus::InTraining => "En formation",
            PromeneurStatus::Active => "Actif",
            PromeneurStatus::Suspended => "Suspendu",
            PromeneurStatus::Left => "Parti",
        }
    }

    fn feminine(self) -> &'static str {
        match self {
            PromeneurStatus::Candidate => "Candidate",
            PromeneurStatus::InTraining => "En formation",
            PromeneurStatus::Active => "Active",
            PromeneurStatus::Suspended => "Suspendue",
            PromeneurStatus::Left => "Partie",
        }
    }

    /// Accepts the code or the French label, masculine or feminine, in any
    /// case and with or without accents.
    pub fn parse(input: &str) -> Result<Self, UnknownStatus> {
        let key = search_key(input);
        PromeneurStatus::ALL
            .into_iter()
            .find(|s| {
                !key.is_empty()
                    && [s.as_str(), s.label(), s.feminine()]
                        .iter()
                        .any(|name| search_key(name) == key)
            })
            .ok_or_else(|| UnknownStatus(input.trim().to_owned()))
    }

    /// Whether a promeneur may go from `self` to `next`. Staying in the
    /// same status is not a move.
    ///
    /// - A candidate starts training, or becomes active directly when
    ///   already trained elsewhere, or leaves.
    /// - A promeneur in training becomes active, leaves, or is suspended
    ///   (training paused).
    /// - An active promeneur is suspended or leaves.
    /// - A suspended promeneur comes back to active, or leaves.
    /// - Someone who left may only re-join as a candidate: the charter,
    ///   training and mandate are then checked again.
    pub fn can_move_to(self, next: PromeneurStatus) -> bool {
        use PromeneurStatus::{Active, Candidate, InTraining, Left, Suspended};
        matches!(
            (self, next),
            (Candidate, InTraining | Active | Left)
                | (InTraining, Active | Left | Suspended)
                | (Active, Suspended | Left)
                | (Suspended, Active | Left)
                | (Left, Candidate)
        )
    }
}

impl fmt::Display for PromeneurStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum MandateError {
    #[error("Le temps de présence doit être un nombre entier d'heures par semaine, de 1 à 35.")]
    Hours,
    #[error("La fin du mandat doit être après son début.")]
    EndsBeforeStart,
}

/// The agreement under which a promeneur is online: hours a week, from a
/// first day to an optional last day (both included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawMandate")]
pub struct Mandate {
    hours_per_week: u8,
    starts_on: Date,
    ends_on: Option<Date>,
}

#[derive(Deserialize)]
struct RawMandate {
    hours_per_week: u8,
    starts_on: Date,
    #[serde(default)]
    ends_on: Option<Date>,
}

impl TryFrom<RawMandate> for Mandate {
    type Error = MandateError;
    fn try_from(raw: RawMandate) -> Result<Self, Self::Error> {
        Self::new(raw.hours_per_week, raw.starts_on, raw.ends_on)
    }
}

impl Mandate {
    pub const MAX_HOURS_PER_WEEK: u8 = 35;

    /// `ends_on` may equal `starts_on` (a one-day mandate).
    pub fn new(
        hours_per_week: u8,
        starts_on: Date,
        ends_on: Option<Date>,
    ) -> Result<Self, MandateError> {
        if !(1..=Self::MAX_HOURS_PER_WEEK).contains(&hours_per_week) {
            return Err(MandateError::Hours);
        }
        if ends_on.is_some_and(|end| end < starts_on) {
            return Err(MandateError::EndsBeforeStart);
        }
        Ok(Self {
            hours_per_week,
            starts_on,
            ends_on,
        })
    }

    /// Reads "4", "4 h", "4h", "4 heures", "4 h/semaine" as typed in forms
    /// and spreadsheets: a whole number from 1 to 35.
    pub fn parse_hours(input: &str) -> Result<u8, MandateError> {
        let s = input.trim().to_lowercase();
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (number, unit) = s.split_at(digits_end);
        let unit = unit.trim();
        let unit_ok = unit.is_empty()
            || [
                "h",
                "heure",
                "heures",
                "h/semaine",
                "h / semaine",
                "h par semaine",
                "heures par semaine",
            ]
            .contains(&unit);
        if number.is_empty() || number.len() > 2 || !unit_ok {
            return Err(MandateError::Hours);
        }
        let hours: u8 = number.parse().map_err(|_| MandateError::Hours)?;
        if (1..=Self::MAX_HOURS_PER_WEEK).contains(&hours) {
            Ok(hours)
        } else {
            Err(MandateError::Hours)
        }
    }

    pub fn hours_per_week(&self) -> u8 {
        self.hours_per_week
    }

    pub fn starts_on(&self) -> Date {
        self.starts_on
    }

    /// The last day of the mandate, if it has one.
    pub fn ends_on(&self) -> Option<Date> {
        self.ends_on
    }

    /// Whether `today` lies within the mandate, both ends included.
    pub fn is_current(&self, today: Date) -> bool {
        self.starts_on <= today && self.ends_on.is_none_or(|end| today <= end)
    }
}

/// What the directory rule looks at.
#[derive(Debug, Clone)]
pub struct GateInput {
    pub status: PromeneurStatus,
    pub mandate: Option<Mandate>,
    pub charter_signed_on: Option<Date>,
    pub initial_training_on: Option<Date>,
    pub public_consent: bool,
}

/// A reason why a promeneur is not shown in the public directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateBlock {
    NotActive,
    NoCurrentMandate,
    CharterNotSigned,
    TrainingNotDone,
    NoPublicConsent,
    /// Its structure signed itself up and waits for the CAF's approval
    /// (decided by the web layer, which knows the structure).
    StructurePending,
}

impl GateBlock {
    pub fn as_str(self) -> &'static str {
        match self {
            GateBlock::NotActive => "not_active",
            GateBlock::NoCurrentMandate => "no_current_mandate",
            GateBlock::CharterNotSigned => "charter_not_signed",
            GateBlock::TrainingNotDone => "training_not_done",
            GateBlock::NoPublicConsent => "no_public_consent",
            GateBlock::StructurePending => "structure_pending",
        }
    }

    /// The French label shown to staff.
    pub fn label(self) -> &'static str {
        match self {
            GateBlock::NotActive => "Statut autre que « Actif »",
            GateBlock::NoCurrentMandate => "Pas de mandat en cours",
            GateBlock::CharterNotSigned => "Charte non signée",
            GateBlock::TrainingNotDone => "Formation initiale non faite",
            GateBlock::NoPublicConsent => "Pas de consentement à la publication",
            GateBlock::StructurePending => "Structure en attente de validation par la Caf",
        }
    }
}

/// DESIGN rule: a promeneur is shown to the public only when active, with
/// a current mandate, the charter signed, the initial training done, and
/// public consent given. Nothing else is public.
///
/// Returns every unmet condition, in the order above. A charter or a
/// training dated after `today` counts as not done yet.
pub fn directory_gate(input: &GateInput, today: Date) -> Result<(), Vec<GateBlock>> {
    let done = |on: Option<Date>| on.is_some_and(|d| d <= today);
    let mut blocks = Vec::new();
    if input.status != PromeneurStatus::Active {
        blocks.push(GateBlock::NotActive);
    }
    if !input.mandate.is_some_and(|m| m.is_current(today)) {
        blocks.push(GateBlock::NoCurrentMandate);
    }
    if !done(input.charter_signed_on) {
        blocks.push(GateBlock::CharterNotSigned);
    }
    if !done(input.initial_training_on) {
        blocks.push(GateBlock::TrainingNotDone);
    }
    if !input.public_consent {
        blocks.push(GateBlock::NoPublicConsent);
    }
    if blocks.is_empty() {
        Ok(())
    } else {
        Err(blocks)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use PromeneurStatus::{Active, Candidate, InTraining, Left, Suspended};

    #[test]
    fn statuses_parse_from_codes_and_french_labels() {
        for s in PromeneurStatus::ALL {
            assert_eq!(PromeneurStatus::parse(s.as_str()), Ok(s));
            assert_eq!(PromeneurStatus::parse(s.label()), Ok(s));
        }
        for (input, status) in [
            ("candidate", Candidate),
            ("CANDIDAT", Candidate),
            ("en formation", InTraining),
            ("in training", InTraining),
            ("active", Active),
            ("Actif", Active),
            ("suspendue", Suspended),
            ("Partie", Left),
            (" parti ", Left),
        ] {
            assert_eq!(PromeneurStatus::parse(input), Ok(status), "{input}");
        }
        assert_eq!(
            PromeneurStatus::parse("retraité"),
            Err(UnknownStatus("retraité".into()))
        );
        assert!(PromeneurStatus::parse("").is_err());
    }

    #[test]
    fn statuses_cross_json_as_codes() {
        assert_eq!(
            serde_json::to_string(&InTraining).unwrap(),
            "\"in_training\""
        );
        assert_eq!(
            serde_json::from_str::<PromeneurStatus>("\"left\"").unwrap(),
            Left
        );
    }

    #[test]
    fn allowed_moves() {
        let allowed = [
            (Candidate, InTraining),
            (Candidate, Active),
            (Candidate, Left),
            (InTraining, Active),
            (InTraining, Left),
            (InTraining, Suspended),
            (Active, Suspended),
            (Active, Left),
            (Suspended, Active),
            (Suspended, Left),
            (Left, Candidate),
        ];
        for from in PromeneurStatus::ALL {
            for to in PromeneurStatus::ALL {
                assert_eq!(
                    from.can_move_to(to),
                    allowed.contains(&(from, to)),
                    "{from} → {to}"
                );
            }
            assert!(!from.can_move_to(from));
        }
    }

    #[test]
    fn hours_per_week_are_1_to_35() {
        for (input, hours) in [
            ("4", 4),
            (" 4 h", 4),
            ("4h", 4),
            ("35 heures", 35),
            ("1 h/semaine", 1),
            ("12 H", 12),
        ] {
            assert_eq!(Mandate::parse_hours(input), Ok(hours), "{input}");
        }
        for bad in [
            "", "0", "36", "100", "4,5", "4.5", "-4", "quatre", "4 jours", "h",
        ] {
            assert_eq!(Mandate::parse_hours(bad), Err(MandateError::Hours), "{bad}");
        }
        assert_eq!(
            Mandate::new(0, date(2024, 1, 1), None),
            Err(MandateError::Hours)
        );
        assert_eq!(
            Mandate::new(36, date(2024, 1, 1), None),
            Err(MandateError::Hours)
        );
    }

    #[test]
    fn a_mandate_ends_after_it_starts() {
        assert_eq!(
            Mandate::new(4, date(2024, 9, 1), Some(date(2024, 8, 31)))
                .unwrap_err()
                .to_string(),
            "La fin du mandat doit être après son début."
        );
        assert!(Mandate::new(4, date(2024, 9, 1), Some(date(2024, 9, 1))).is_ok());
    }

    #[test]
    fn a_mandate_is_current_between_its_days_included() {
        let m = Mandate::new(4, date(2024, 9, 1), Some(date(2025, 8, 31))).unwrap();
        assert!(!m.is_current(date(2024, 8, 31)));
        assert!(m.is_current(date(2024, 9, 1)));
        assert!(m.is_current(date(2025, 8, 31)));
        assert!(!m.is_current(date(2025, 9, 1)));
        let open = Mandate::new(4, date(2024, 9, 1), None).unwrap();
        assert!(open.is_current(date(2040, 1, 1)));
        assert!(!open.is_current(date(2024, 1, 1)));
    }

    #[test]
    fn mandates_cross_json_with_validation() {
        let m = Mandate::new(4, date(2024, 9, 1), None).unwrap();
        let json = serde_json::to_value(m).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"hours_per_week": 4, "starts_on": "2024-09-01", "ends_on": null})
        );
        assert_eq!(serde_json::from_value::<Mandate>(json).unwrap(), m);
        assert_eq!(
            serde_json::from_str::<Mandate>(r#"{"hours_per_week": 4, "starts_on": "2024-09-01"}"#)
                .unwrap(),
            m
        );
        for bad in [
            r#"{"hours_per_week": 0, "starts_on": "2024-09-01"}"#,
            r#"{"hours_per_week": 4, "starts_on": "2024-09-01", "ends_on": "2024-01-01"}"#,
        ] {
            assert!(serde_json::from_str::<Mandate>(bad).is_err(), "{bad}");
        }
    }

    fn public_ready() -> GateInput {
        GateInput {
            status: Active,
            mandate: Some(Mandate::new(4, date(2024, 9, 1), Some(date(2025, 8, 31))).unwrap()),
            charter_signed_on: Some(date(2024, 9, 1)),
            initial_training_on: Some(date(2024, 10, 15)),
            public_consent: true,
        }
    }

    #[test]
    fn the_directory_shows_only_fully_ready_promeneurs() {
        let today = date(2025, 1, 10);
        assert_eq!(directory_gate(&public_ready(), today), Ok(()));

        let nothing = GateInput {
            status: Candidate,
            mandate: None,
            charter_signed_on: None,
            initial_training_on: None,
            public_consent: false,
        };
        assert_eq!(
            directory_gate(&nothing, today),
            Err(vec![
                GateBlock::NotActive,
                GateBlock::NoCurrentMandate,
                GateBlock::CharterNotSigned,
                GateBlock::TrainingNotDone,
                GateBlock::NoPublicConsent,
            ])
        );

        for status in [Candidate, InTraining, Suspended, Left] {
            let input = GateInput {
                status,
                ..public_ready()
            };
            assert_eq!(
                directory_gate(&input, today),
                Err(vec![GateBlock::NotActive])
            );
        }
        let no_consent = GateInput {
            public_consent: false,
            ..public_ready()
        };
        assert_eq!(
            directory_gate(&no_consent, today),
            Err(vec![GateBlock::NoPublicConsent])
        );
    }

    #[test]
    fn expired_mandates_and_future_dates_block() {
        let ready = public_ready();
        assert_eq!(
            directory_gate(&ready, date(2025, 9, 1)),
            Err(vec![GateBlock::NoCurrentMandate])
        );
        // Training planned after today: not done yet; done on the day.
        assert_eq!(
            directory_gate(&ready, date(2024, 10, 14)),
            Err(vec![GateBlock::TrainingNotDone])
        );
        assert_eq!(directory_gate(&ready, date(2024, 10, 15)), Ok(()));
        let future_charter = GateInput {
            charter_signed_on: Some(date(2025, 2, 1)),
            ..public_ready()
        };
        assert_eq!(
            directory_gate(&future_charter, date(2025, 1, 10)),
            Err(vec![GateBlock::CharterNotSigned])
        );
    }

    #[test]
    fn blocks_have_french_labels() {
        assert_eq!(GateBlock::NotActive.label(), "Statut autre que « Actif »");
        assert_eq!(
            GateBlock::NoPublicConsent.label(),
            "Pas de consentement à la publication"
        );
        assert_eq!(
            serde_json::to_string(&GateBlock::NoCurrentMandate).unwrap(),
            "\"no_current_mandate\""
        );
        assert_eq!(GateBlock::TrainingNotDone.as_str(), "training_not_done");
    }
}
