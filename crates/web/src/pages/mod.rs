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
// Some twenty page modules name `super::form::…`: kept by this re-export.
pub use crate::http::form;
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
