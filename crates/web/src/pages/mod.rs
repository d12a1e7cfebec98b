//! Server-rendered pages, grouped by area.

// Some page modules name `super::form::…`: kept by this re-export.
pub use crate::http::form;
mod public;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(public::router())
        .merge(crate::public_info::router())
        .merge(crate::accounts::pages::router())
        .merge(crate::admin::pages::router())
        .merge(crate::reference::pages::router())
        .merge(crate::calls::pages::router())
        .merge(crate::committee::pages::router())
        .merge(crate::auditions::pages::router())
        .merge(crate::handover::pages::router())
        .merge(crate::home::pages::router())
        .merge(crate::letters::pages::router())
        .merge(crate::directory::pages::router())
        .merge(crate::network::pages::router())
        .merge(crate::applications::pages::router())
        .merge(crate::trainings::pages::router())
        .merge(crate::trainings::manage::router())
        .merge(crate::trainings::roll::router())
        .merge(crate::trainings::trainers::router())
}
