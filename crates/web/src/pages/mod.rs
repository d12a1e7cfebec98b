//! Server-rendered pages, grouped by area.

mod applications;
mod auditions;
mod calls;
mod calls_applications;
mod calls_form;
mod calls_manage;
mod calls_modules;
mod committee;
mod committee_members;
mod committee_results;
// Some twenty page modules name `super::form::…`: kept by this re-export.
pub use crate::http::form;
mod handover;
mod letters;
mod public;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(public::router())
        .merge(crate::accounts::pages::router())
        .merge(crate::admin::pages::router())
        .merge(crate::reference::pages::router())
        .merge(calls::router())
        .merge(committee::router())
        .merge(committee_members::router())
        .merge(committee_results::router())
        .merge(auditions::router())
        .merge(handover::router())
        .merge(letters::router())
        .merge(crate::directory::pages::router())
        .merge(crate::network::pages::router())
        .merge(applications::router())
}
