//! Server-rendered pages, grouped by area.

mod account;
mod admin;
pub mod caf;
mod directory;
// Some twenty page modules name `super::form::…`: kept by this re-export.
pub use crate::http::form;
pub mod import;
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
        .merge(crate::calls::pages::router())
        .merge(crate::committee::pages::router())
        .merge(crate::auditions::pages::router())
        .merge(crate::handover::pages::router())
        .merge(crate::letters::pages::router())
        .merge(directory::router())
        .merge(structures::router())
        .merge(promeneurs::router())
        .merge(import::router())
        .merge(themes::router())
        .merge(crate::applications::pages::router())
        .merge(signup::router())
        .route("/reseau/structures/export", get(exports::structures))
        .route("/reseau/promeneurs/export", get(exports::promeneurs))
        .route("/reseau/conventions/export", get(exports::conventions))
        .route("/reseau/import/modele/{kind}", get(exports::template))
}
