//! A session's sign-in sheet (PDF) and the trainings' spreadsheets
//! (sessions, a session's registrations and attendance), each one handler
//! mounted under the pages and the API alike. The documents are built by
//! `services::trainings::{documents, exports}`.

use axum::{
    Router,
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use services::trainings::{documents, exports};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::http::Id;
use crate::http::sheet::{FormatQuery, format_of, send};
use crate::{AppError, AppState, auth::CurrentUser, calls::exports::attachment};

/// The API's routes.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in_sheet))
        .routes(routes!(sessions_export))
        .routes(routes!(registrations_export))
        .routes(routes!(attendance_export))
}

/// The pages' routes (the same handlers).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/formations/sessions/{id}/emargement.pdf",
            get(sign_in_sheet),
        )
        .route("/formations/sessions/export", get(sessions_export))
        .route(
            "/formations/sessions/{id}/inscriptions/export",
            get(registrations_export),
        )
        .route(
            "/formations/sessions/{id}/presences/export",
            get(attendance_export),
        )
}

/// The sign-in sheet of a session: its participants by name, a signature
/// box per half-day.
#[utoipa::path(get, operation_id = "training_sign_in_sheet", path = "/api/v1/sessions/{id}/sign-in-sheet.pdf", tag = "trainings",
    params(("id" = Uuid, Path, description = "Identifiant de la session")),
    responses((status = 200, content_type = "application/pdf"), (status = 403, description = "Réservée à ceux qui animent la session"), (status = 404)))]
pub async fn sign_in_sheet(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let bytes = documents::sign_in_sheet_pdf(&state, &p, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                attachment("feuille-emargement.pdf"),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SessionsExportQuery {
    /// `03`, `63`… (the page's `departement`).
    #[serde(alias = "departement")]
    department: Option<String>,
    /// `initial`, `continuing` or `analysis` (the page's `type`).
    #[serde(alias = "type")]
    kind: Option<String>,
    training_id: Option<Uuid>,
    /// Past sessions too: `true` (the page's `passees=oui`).
    #[serde(alias = "passees")]
    past: Option<String>,
}

/// The sessions of the list, as a spreadsheet (the list's filters).
#[utoipa::path(get, operation_id = "export_training_sessions", path = "/api/v1/sessions/export", tag = "trainings", params(FormatQuery, SessionsExportQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet"))), (status = 422)))]
pub async fn sessions_export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(f): Query<FormatQuery>,
    Query(q): Query<SessionsExportQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let q = exports::session_query(
        q.department.as_deref(),
        q.kind.as_deref(),
        q.training_id,
        matches!(q.past.as_deref(), Some("true" | "oui" | "1")),
    )?;
    let sheet = exports::sessions_sheet(&state, &p, &q).await?;
    send(sheet, format, &format!("sessions-{}", state.today())).await
}

/// The registrations of a session, as a spreadsheet.
#[utoipa::path(get, operation_id = "export_training_registrations", path = "/api/v1/sessions/{id}/registrations/export", tag = "trainings",
    params(("id" = Uuid, Path, description = "Identifiant de la session"), FormatQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet"))), (status = 403), (status = 404)))]
pub async fn registrations_export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let sheet = exports::registrations_sheet(&state, &p, id).await?;
    send(sheet, format, &format!("inscriptions-{}", state.today())).await
}

/// The attendance of a session, as a spreadsheet: one column per half-day.
#[utoipa::path(get, operation_id = "export_training_attendance", path = "/api/v1/sessions/{id}/attendance/export", tag = "trainings",
    params(("id" = Uuid, Path, description = "Identifiant de la session"), FormatQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet"))), (status = 403), (status = 404)))]
pub async fn attendance_export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let sheet = exports::attendance_sheet(&state, &p, id).await?;
    send(sheet, format, &format!("presences-{}", state.today())).await
}
