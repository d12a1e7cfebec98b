//! The network (structures, conventions, promeneurs): its use cases
//! (`structures`, `promeneurs`, `conventions`), called by the pages and the
//! API alike: authorise, check, write in one transaction, answer with French
//! errors. `input` turns drafts of strings into checked records (shared with
//! the spreadsheet import); the gating helpers read and set the fields only
//! staff confirm (status active, mandate, charter, training).

use domain::{Principal, promeneur::PromeneurStatus, trust::GatingValues};
use store::{
    promeneurs::{Promeneur, PromeneurInput},
    reference::Department,
};

pub mod caf;
pub mod conventions;
pub mod exports;
pub mod filters;
pub mod input;
pub mod lists;
pub mod place;
pub mod promeneurs;
pub mod signup;
pub mod structures;
pub mod themes;

use crate::{Ctx, ServiceError};

/// The départements a principal works in (for the filters and forms of
/// the network, calls and handovers).
pub async fn departments_of(ctx: &Ctx, p: &Principal) -> Result<Vec<Department>, ServiceError> {
    let scope = p.staff_scope();
    Ok(store::reference::departments(&ctx.db)
        .await?
        .into_iter()
        .filter(|d| scope.contains(&d.code))
        .collect())
}

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
        active: p.status == PromeneurStatus::Active,
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

pub(crate) fn conflict_message(what: &str) -> ServiceError {
    match what {
        "siret" => ServiceError::invalid_field("siret", "Une structure porte déjà ce SIRET."),
        "email" => {
            ServiceError::invalid_field("email", "Un promeneur a déjà cette adresse e-mail.")
        }
        "proposal" => ServiceError::conflict(
            "proposal_changed",
            "La proposition vient d'être traitée ou remplacée : rechargez la page.",
        ),
        "status" => ServiceError::conflict(
            "status_changed",
            "Le statut vient d'être modifié par quelqu'un d'autre : rechargez la page.",
        ),
        _ => ServiceError::conflict("conflict", "Conflit avec une donnée existante."),
    }
}

pub(crate) fn store_err(e: store::StoreError) -> ServiceError {
    match e {
        store::StoreError::Conflict(what) => conflict_message(what),
        other => other.into(),
    }
}

/// The draft of a stored promeneur (for a partial change).
pub fn draft_of(p: &store::promeneurs::Promeneur) -> input::PromeneurDraft {
    let slots = crate::directory::gate::slots_of(p);
    input::PromeneurDraft {
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        email: p.email.as_str().to_owned(),
        phone: p.phone.clone().unwrap_or_default(),
        structure: p.structure_id.to_string(),
        job_title: p.job_title.clone(),
        commune: format!("{} ({})", p.commune_name, p.commune_insee),
        networks: p
            .networks
            .iter()
            .map(|n| input::NetworkDraft {
                platform: n.platform.clone(),
                handle: n.handle.clone(),
                url: n.url.clone().unwrap_or_default(),
            })
            .collect(),
        themes: p.themes.clone(),
        presence: slots
            .iter()
            .map(|s| input::SlotDraft {
                weekday: s.weekday().number().to_string(),
                start: s.start().to_string(),
                end: s.end().to_string(),
            })
            .collect(),
        mandate_hours: p.mandate_hours.map(|h| h.to_string()).unwrap_or_default(),
        mandate_starts_on: p
            .mandate_starts_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        mandate_ends_on: p.mandate_ends_on.map(|d| d.to_string()).unwrap_or_default(),
        charter_signed_on: p
            .charter_signed_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        initial_training_on: p
            .initial_training_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        public_consent: p.public_consent,
        public_bio: p.public_bio.clone(),
        status: String::new(),
    }
}

/// A referent's proposal waiting for staff, line by line, in French.
pub fn proposal_lines(x: &store::promeneurs::Proposal) -> Vec<String> {
    use domain::clock::french_date;
    let day = |d: Option<jiff::civil::Date>| d.map_or_else(|| "aucune".to_owned(), french_date);
    let mut lines = Vec::new();
    if x.active {
        lines.push("Statut : Actif".to_owned());
    }
    lines.push(match (x.mandate_hours, x.mandate_starts_on) {
        (Some(h), Some(s)) => format!(
            "Mandat : {h} h par semaine, du {}{}",
            french_date(s),
            x.mandate_ends_on
                .map(|e| format!(" au {}", french_date(e)))
                .unwrap_or_default()
        ),
        _ => "Mandat : aucun".to_owned(),
    });
    lines.push(format!("Charte signée le : {}", day(x.charter_signed_on)));
    lines.push(format!(
        "Formation initiale le : {}",
        day(x.initial_training_on)
    ));
    lines
}
