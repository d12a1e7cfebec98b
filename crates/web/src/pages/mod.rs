//! Server-rendered pages, grouped by area.

mod account;
mod admin;
mod applications;
mod auditions;
pub mod caf;
mod calls;
mod calls_applications;
mod calls_form;
mod calls_manage;
mod calls_modules;
mod committee;
mod committee_members;
mod committee_results;
mod directory;
pub mod form;
mod handover;
pub mod import;
mod letters;
mod promeneurs;
mod public;
mod signup;
mod structures;
mod themes;

use axum::{Router, routing::get};

use crate::{AppState, network::exports};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(public::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(caf::router())
        .merge(calls::router())
        .merge(committee::router())
        .merge(committee_members::router())
        .merge(committee_results::router())
        .merge(auditions::router())
        .merge(handover::router())
        .merge(letters::router())
        .merge(directory::router())
        .merge(structures::router())
        .merge(promeneurs::router())
        .merge(import::router())
        .merge(themes::router())
        .merge(applications::router())
        .merge(signup::router())
        .route("/reseau/structures/export", get(exports::structures))
        .route("/reseau/promeneurs/export", get(exports::promeneurs))
        .route("/reseau/conventions/export", get(exports::conventions))
        .route("/reseau/import/modele/{kind}", get(exports::template))
}

/// A form's error messages by field name, from a 422 `AppError`.
#[derive(Default)]
pub struct FieldErrors {
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
    pub departments: Option<String>,
    pub password: Option<String>,
    pub password_confirm: Option<String>,
    pub current_password: Option<String>,
    pub contact_email: Option<String>,
}

impl FieldErrors {
    /// Splits an error into field messages; other errors pass through.
    pub fn from_error(e: crate::AppError) -> Result<Self, crate::AppError> {
        if e.status != axum::http::StatusCode::UNPROCESSABLE_ENTITY {
            return Err(e);
        }
        let mut f = FieldErrors::default();
        for (k, v) in e.fields {
            let slot = match k.as_str() {
                "email" => &mut f.email,
                "name" => &mut f.name,
                "role" => &mut f.role,
                "departments" => &mut f.departments,
                "password" => &mut f.password,
                "password_confirm" => &mut f.password_confirm,
                "current_password" => &mut f.current_password,
                "contact_email" => &mut f.contact_email,
                _ => continue,
            };
            *slot = Some(v);
        }
        Ok(f)
    }

    pub fn any(&self) -> bool {
        self.email.is_some()
            || self.name.is_some()
            || self.role.is_some()
            || self.departments.is_some()
            || self.password.is_some()
            || self.password_confirm.is_some()
            || self.current_password.is_some()
            || self.contact_email.is_some()
    }
}
