//! The JSON API of API.md under `/api/v1`, and its OpenAPI description
//! generated from the handlers' annotations.

use std::sync::LazyLock;

use axum::{
    Router,
    http::header,
    response::{IntoResponse, Response},
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

pub mod doc;

#[derive(OpenApi)]
#[openapi(
    info(title = "Promeneurs API", version = "1", description = "API JSON de la plateforme Promeneurs du Net. Voir API.md.",
         license(name = "AGPL-3.0-or-later")),
    tags((name = "session"), (name = "reference"), (name = "admin"), (name = "network"), (name = "calls"), (name = "committee"), (name = "trainings"), (name = "public"))
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
        .merge(crate::calls::api::router())
        .merge(crate::applications::api::router())
        .merge(crate::committee::api::router())
        .merge(crate::auditions::api::router())
        .merge(crate::handover::api::router())
        .merge(crate::home::api::router())
        .merge(crate::letters::api::router())
        .merge(crate::trainings::api::router())
        .merge(crate::trainings::trainers::api_router())
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
