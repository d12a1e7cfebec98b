//! The network (structures, conventions, promeneurs): what the web layer
//! and the spreadsheet import share. `input` turns drafts of strings into
//! checked records; the gating helpers read and set the fields only staff
//! confirm (status active, mandate, charter, training).

use domain::{promeneur::PromeneurStatus, trust::GatingValues};
use store::promeneurs::{Promeneur, PromeneurInput};

pub mod input;

/// The gating values of an input (`active`: the status it asks for).
pub fn gating_of_input(input: &PromeneurInput, active: bool) -> GatingValues {
    GatingValues {
        active,
        mandate_hours: input.mandate_hours,
        mandate_starts_on: input.mandate_starts_on,
        mandate_ends_on: input.mandate_ends_on,
        charter_signed_on: input.charter_signed_on,
        initial_training_on: input.initial_training_on,
    }
}

/// The gating values of a stored promeneur.
pub fn gating_of(p: &Promeneur) -> GatingValues {
    GatingValues {
        active: p.status == PromeneurStatus::Active.as_str(),
        mandate_hours: p.mandate_hours,
        mandate_starts_on: p.mandate_starts_on,
        mandate_ends_on: p.mandate_ends_on,
        charter_signed_on: p.charter_signed_on,
        initial_training_on: p.initial_training_on,
    }
}

/// Puts `values` in the gating fields of `input`.
pub fn set_gating(input: &mut PromeneurInput, values: &GatingValues) {
    input.mandate_hours = values.mandate_hours;
    input.mandate_starts_on = values.mandate_starts_on;
    input.mandate_ends_on = values.mandate_ends_on;
    input.charter_signed_on = values.charter_signed_on;
    input.initial_training_on = values.initial_training_on;
}
