//! Promeneurs: identity, employer, mandate, social-network accounts,
//! presence slots, themes, status history, and what the public directory
//! reads. Values arrive parsed by the domain types; this module stores
//! them as plain columns and decodes them back into those types.
//!
//! `rows` decodes the rows, `reads` lists and finds, `writes` creates and
//! changes records, `proposals` holds what referents propose for staff,
//! `themes` the theme catalogue, `codes` the verification codes.

mod codes;
mod proposals;
mod reads;
mod rows;
mod themes;
mod writes;

use domain::{DepartmentCode, Email, Siret, promeneur::PromeneurStatus};
use jiff::{Timestamp, civil::Date};
use uuid::Uuid;

pub use codes::{new_verification_code, normalise_code};
pub use proposals::{decide_proposal, propose};
pub use reads::{
    Filter, StatusChange, count_to_confirm, current_by_email, directory_candidates, find, find_any,
    find_by_code, find_by_email, find_by_user, list, status_history,
};
pub use themes::{Theme, directory_version, save_theme, themes};
pub use writes::{create, link_user, set_photo, set_status, update, update_profile};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkRow {
    pub platform: String,
    pub handle: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresenceRow {
    pub weekday: i64,
    pub start_minute: i64,
    pub end_minute: i64,
}

#[derive(Debug, Clone)]
pub struct Promeneur {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub phone: Option<String>,
    pub structure_id: Uuid,
    pub structure_name: String,
    pub structure_siret: Option<Siret>,
    pub structure_commune: String,
    pub department: DepartmentCode,
    pub job_title: String,
    pub commune_insee: String,
    pub commune_name: String,
    pub lat: f64,
    pub lon: f64,
    pub status: PromeneurStatus,
    pub mandate_hours: Option<i64>,
    pub mandate_starts_on: Option<Date>,
    pub mandate_ends_on: Option<Date>,
    pub charter_signed_on: Option<Date>,
    pub initial_training_on: Option<Date>,
    pub public_consent: bool,
    pub public_bio: String,
    pub photo_id: Option<Uuid>,
    pub verification_code: String,
    pub user_id: Option<Uuid>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub networks: Vec<NetworkRow>,
    pub presence: Vec<PresenceRow>,
    pub themes: Vec<String>,
    /// Whether its structure was approved by staff (a structure that
    /// signed itself up waits): nothing of it is public before.
    pub structure_approved: bool,
    /// What a referent proposed for the fields that open the directory,
    /// waiting for staff.
    pub proposal: Option<Proposal>,
}

/// The values of the gating fields a referent proposed (all of them, as
/// they would be once confirmed) and whether it asks for `active`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub active: bool,
    pub mandate_hours: Option<i64>,
    pub mandate_starts_on: Option<Date>,
    pub mandate_ends_on: Option<Date>,
    pub charter_signed_on: Option<Date>,
    pub initial_training_on: Option<Date>,
    pub proposed_by: String,
    pub proposed_at: Timestamp,
}

/// What a change needs to know of the record it changes.
#[derive(Debug, Clone)]
pub struct Current {
    pub id: Uuid,
    pub structure_id: Uuid,
    pub department: DepartmentCode,
    pub status: PromeneurStatus,
}

impl From<&Promeneur> for Current {
    fn from(p: &Promeneur) -> Self {
        Self {
            id: p.id,
            structure_id: p.structure_id,
            department: p.department.clone(),
            status: p.status,
        }
    }
}

/// Everything staff (or a referent) set on a promeneur.
#[derive(Debug, Clone)]
pub struct PromeneurInput {
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub phone: Option<String>,
    pub structure_id: Uuid,
    /// The structure's département (resolved by the caller).
    pub department: DepartmentCode,
    pub job_title: String,
    pub commune_insee: String,
    pub mandate_hours: Option<i64>,
    pub mandate_starts_on: Option<Date>,
    pub mandate_ends_on: Option<Date>,
    pub charter_signed_on: Option<Date>,
    pub initial_training_on: Option<Date>,
    pub profile: ProfileInput,
}

/// What a promeneur edits on its own public profile.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub public_consent: bool,
    pub public_bio: String,
    pub networks: Vec<NetworkRow>,
    pub presence: Vec<PresenceRow>,
    pub themes: Vec<String>,
}
