//! The JSON API of API.md under `/api/v1`, and its OpenAPI description
//! generated from the handlers' annotations.

mod auditions;
pub mod calls;
mod committee;
mod handovers;
mod letters;

/// The .ics of an application's audition, also served by the pages.
pub use auditions::ics_response as audition_ics;
/// A letter or convention as a PDF, also served by the pages.
pub use letters::pdf_response as letter_pdf;

use std::sync::LazyLock;

use axum::{
    Router,
    http::header,
    response::{IntoResponse, Response},
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

pub mod common;
pub mod doc;

/// What every area's API handlers share (`crate::api::common::…`, so
/// that an area's API does not import this module, which imports it).
pub use common::{Page, Paging, rfc3339};

#[derive(OpenApi)]
#[openapi(
    info(title = "Promeneurs API", version = "1", description = "API JSON de la plateforme Promeneurs du Net. Voir API.md.",
         license(name = "AGPL-3.0-or-later")),
    tags((name = "session"), (name = "reference"), (name = "admin"), (name = "network"), (name = "calls"), (name = "committee"), (name = "public"))
)]
struct ApiDoc;

/// Every route of the API with its description: a route is registered
/// with `routes!` from its `#[utoipa::path]`, so none goes undescribed.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(openapi))
        .merge(crate::accounts::api::router())
        .merge(crate::reference::api::router())
        .merge(crate::admin::api::router())
        .merge(crate::network::api::router())
        .merge(crate::directory::api::router())
        .merge(calls::router())
        .merge(committee::router())
        .merge(auditions::router())
        .merge(handovers::router())
        .merge(letters::router())
}

/// The OpenAPI description of the API, as served at `/api/v1/openapi.json`.
pub fn description() -> utoipa::openapi::OpenApi {
    let mut api = routes().split_for_parts().1;
    doc::finish(&mut api);
    api
}

static DESCRIPTION: LazyLock<String> = LazyLock::new(|| {
    description()
        .to_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
});

/// This description (OpenAPI 3.1).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "reference",
    responses((status = 200, content_type = "application/json", body = Object, description = "La description OpenAPI 3.1 de l'API")))]
async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DESCRIPTION.as_str(),
    )
        .into_response()
}

/// The API's routes, with their full `/api/v1/...` paths.
pub fn router() -> Router<AppState> {
    routes().split_for_parts().0
}
