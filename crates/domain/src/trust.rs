//! Who may open the public directory. A promeneur appears in the directory
//! when its status is active, its mandate current, its charter signed and
//! its initial training done (and it consented, from its own account).
//! Those "gating" fields are set by staff of the département (coordinator
//! or CAF agent), never by the employer alone: a referent proposes them and
//! staff confirm. Consent belongs to the promeneur's own account only.

use jiff::civil::Date;

use crate::promeneur::PromeneurStatus;

/// A field that opens the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GatingField {
    /// The status `active` (other statuses close the directory: anyone
    /// who edits the record may set them).
    Active,
    Mandate,
    CharterSignedOn,
    InitialTrainingOn,
}

impl GatingField {
    pub fn as_str(self) -> &'static str {
        match self {
            GatingField::Active => "status",
            GatingField::Mandate => "mandate",
            GatingField::CharterSignedOn => "charter_signed_on",
            GatingField::InitialTrainingOn => "initial_training_on",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GatingField::Active => "statut « Actif »",
            GatingField::Mandate => "mandat (heures et dates)",
            GatingField::CharterSignedOn => "date de signature de la charte",
            GatingField::InitialTrainingOn => "date de la formation initiale",
        }
    }
}

/// The values of the gating fields of one promeneur.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GatingValues {
    pub active: bool,
    pub mandate_hours: Option<i64>,
    pub mandate_starts_on: Option<Date>,
    pub mandate_ends_on: Option<Date>,
    pub charter_signed_on: Option<Date>,
    pub initial_training_on: Option<Date>,
}

impl GatingValues {
    /// The gating fields `wanted` changes from `self`. Leaving `active`
    /// is not a gating change (it closes the directory).
    pub fn changes(&self, wanted: &GatingValues) -> Vec<GatingField> {
        let mut out = Vec::new();
        if wanted.active && !self.active {
            out.push(GatingField::Active);
        }
        if (
            wanted.mandate_hours,
            wanted.mandate_starts_on,
            wanted.mandate_ends_on,
        ) != (
            self.mandate_hours,
            self.mandate_starts_on,
            self.mandate_ends_on,
        ) {
            out.push(GatingField::Mandate);
        }
        if wanted.charter_signed_on != self.charter_signed_on {
            out.push(GatingField::CharterSignedOn);
        }
        if wanted.initial_training_on != self.initial_training_on {
            out.push(GatingField::InitialTrainingOn);
        }
        out
    }
}

/// Who changes a promeneur record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editor {
    /// Coordinator, CAF agent of the département, or administrator.
    Staff,
    /// A referent of the promeneur's structure (its employer).
    Referent,
    /// The promeneur itself, from its own account.
    Own,
}

/// What becomes of a change of gating fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatingDecision {
    /// Nothing gating changes, or staff change it: written at once.
    Write,
    /// A referent: stored as a proposal that staff confirm.
    Propose(Vec<GatingField>),
    /// Nobody else sets them.
    Refuse(Vec<GatingField>),
}

/// The rule: staff set gating fields directly, a referent proposes them,
/// anyone else is refused.
pub fn gating_decision(
    editor: Editor,
    current: &GatingValues,
    wanted: &GatingValues,
) -> GatingDecision {
    let changes = current.changes(wanted);
    if changes.is_empty() || editor == Editor::Staff {
        GatingDecision::Write
    } else if editor == Editor::Referent {
        GatingDecision::Propose(changes)
    } else {
        GatingDecision::Refuse(changes)
    }
}

/// Consent to appear in the directory is the promeneur's own: only its
/// account changes it.
pub fn may_set_consent(editor: Editor) -> bool {
    editor == Editor::Own
}

/// The status a record keeps when `wanted` is a proposal: a referent may
/// move a promeneur to any status but `active` directly.
pub fn status_without_proposal(
    current: PromeneurStatus,
    wanted: PromeneurStatus,
) -> PromeneurStatus {
    if wanted == PromeneurStatus::Active && current != PromeneurStatus::Active {
        current
    } else {
        wanted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn open() -> GatingValues {
        GatingValues {
            active: true,
            mandate_hours: Some(6),
            mandate_starts_on: Some(d("2025-09-01")),
            mandate_ends_on: None,
            charter_signed_on: Some(d("2025-09-15")),
            initial_training_on: Some(d("2025-10-10")),
        }
    }

    #[test]
    fn changes_list_every_gating_field() {
        let none = GatingValues::default();
        assert_eq!(
            none.changes(&open()),
            vec![
                GatingField::Active,
                GatingField::Mandate,
                GatingField::CharterSignedOn,
                GatingField::InitialTrainingOn
            ]
        );
        assert!(open().changes(&open()).is_empty());
        // Leaving `active` closes the directory: not a gating change.
        let closed = GatingValues {
            active: false,
            ..open()
        };
        assert!(open().changes(&closed).is_empty());
        let longer = GatingValues {
            mandate_ends_on: Some(d("2027-08-31")),
            ..open()
        };
        assert_eq!(open().changes(&longer), vec![GatingField::Mandate]);
    }

    #[test]
    fn staff_write_referents_propose_others_are_refused() {
        let none = GatingValues::default();
        assert_eq!(
            gating_decision(Editor::Staff, &none, &open()),
            GatingDecision::Write
        );
        assert!(matches!(
            gating_decision(Editor::Referent, &none, &open()),
            GatingDecision::Propose(f) if f.len() == 4
        ));
        assert!(matches!(
            gating_decision(Editor::Own, &none, &open()),
            GatingDecision::Refuse(_)
        ));
        // Unchanged gating fields: anyone writes the rest.
        assert_eq!(
            gating_decision(Editor::Referent, &open(), &open()),
            GatingDecision::Write
        );
    }

    #[test]
    fn consent_is_the_promeneurs_own() {
        assert!(may_set_consent(Editor::Own));
        assert!(!may_set_consent(Editor::Staff));
        assert!(!may_set_consent(Editor::Referent));
    }

    #[test]
    fn a_referent_sets_any_status_but_active() {
        use PromeneurStatus::*;
        assert_eq!(status_without_proposal(Candidate, Active), Candidate);
        assert_eq!(status_without_proposal(Candidate, InTraining), InTraining);
        assert_eq!(status_without_proposal(Active, Suspended), Suspended);
        assert_eq!(status_without_proposal(Active, Active), Active);
    }
}
