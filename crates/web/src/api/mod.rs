//! The JSON API of API.md under `/api/v1`, and its OpenAPI description
//! generated from the handlers' annotations.

mod admin;
mod auditions;
pub mod calls;
mod committee;
mod handovers;
mod letters;
pub mod network;
mod reference;
mod session;

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
use serde::Serialize;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

pub mod doc;

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
        .merge(session::router())
        .merge(reference::router())
        .merge(admin::router())
        .merge(network::router())
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

/// An instant as RFC 3339 with the Paris offset.
pub fn rfc3339(t: jiff::Timestamp) -> String {
    domain::clock::in_paris(t)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `{"items": [...], "total": N}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// `?limit=` (default 50, max 500) and `?offset=`.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl Paging {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 500)
    }

    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
}
