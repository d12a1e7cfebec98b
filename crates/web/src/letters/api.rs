//! Result letters and conventions over the API.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use store::letters::Letter;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::json::{Page, rfc3339};
use utoipa_axum::{router::OpenApiRouter, routes};

use services::letters;

use crate::http::Id;
use crate::{AppError, AppState, auth::CurrentUser};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(generate, list))
        .routes(routes!(send))
        .routes(routes!(letter_pdf))
        .routes(routes!(convention_pdf))
        .routes(routes!(template, set_template))
        .routes(routes!(export_letters))
}

#[derive(Serialize, ToSchema)]
pub struct LetterOut {
    id: String,
    application_id: String,
    structure_name: String,
    /// `result` or `convention`.
    kind: String,
    /// `retained`, `not_retained` or `module_unsuccessful`.
    outcome: String,
    size: i64,
    created_at: String,
    queued_at: Option<String>,
    /// `pending`, `sent` or `failed` once queued.
    email_status: Option<String>,
}

fn out(l: Letter) -> LetterOut {
    LetterOut {
        id: l.id.to_string(),
        application_id: l.application_id.to_string(),
        structure_name: l.structure_name,
        kind: l.kind,
        outcome: l.outcome,
        size: l.size,
        created_at: rfc3339(l.created_at),
        queued_at: l.queued_at.map(rfc3339),
        email_status: l.email_status,
    }
}

#[derive(Serialize, ToSchema)]
pub struct GeneratedOut {
    /// Documents made by this run (0 when all were made before).
    generated: usize,
    items: Vec<LetterOut>,
}

#[utoipa::path(post, operation_id = "generate_letters", path = "/api/v1/calls/{id}/modules/{code}/letters", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")),
    responses((status = 200, body = GeneratedOut), (status = 403), (status = 404),
              (status = 409, description = "not_decided : des décisions attendent la validation des Caf"), (status = 422)))]
pub async fn generate(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((call, code)): Id<(Uuid, String)>,
) -> Result<Json<GeneratedOut>, AppError> {
    let generated = letters::generate(&state, &p, call, &code).await?;
    let items = letters::letters(&state, &p, call, &code)
        .await?
        .into_iter()
        .map(out)
        .collect();
    Ok(Json(GeneratedOut { generated, items }))
}

#[utoipa::path(get, operation_id = "list_letters", path = "/api/v1/calls/{id}/modules/{code}/letters", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")),
    responses((status = 200, body = Page<LetterOut>), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Json<Page<LetterOut>>, AppError> {
    let items: Vec<LetterOut> = letters::letters(&state, &p, id, &code)
        .await?
        .into_iter()
        .map(out)
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

#[derive(Serialize, ToSchema)]
#[schema(as = LettersSent)]
pub struct SentOut {
    /// Applicants written to by this run (0 on a second run).
    sent: usize,
}

#[utoipa::path(post, operation_id = "send_letters", path = "/api/v1/calls/{id}/modules/{code}/letters/send", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")),
    responses((status = 200, body = SentOut), (status = 403), (status = 404), (status = 409)))]
pub async fn send(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Json<SentOut>, AppError> {
    let sent = letters::send_all(&state, &p, id, &code).await?;
    Ok(Json(SentOut { sent }))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/letter.pdf", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de la candidature")),
    responses((status = 200, content_type = "application/pdf"), (status = 404, description = "Pas encore envoyé")))]
pub async fn letter_pdf(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    crate::letters::pdf_response(&state, &p, id, letters::RESULT).await
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/convention.pdf", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de la candidature")),
    responses((status = 200, content_type = "application/pdf"), (status = 404)))]
pub async fn convention_pdf(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    crate::letters::pdf_response(&state, &p, id, letters::CONVENTION).await
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TemplateIo {
    /// Typst markup; the data is read with `json("data.json")`. `null`
    /// goes back to the built-in template.
    source: Option<String>,
    /// Whether the built-in template is in use (answers only).
    builtin: bool,
}

#[utoipa::path(get, operation_id = "letter_template", path = "/api/v1/letter-templates/{kind}", tag = "committee", params(("kind" = crate::api::doc::TemplateKind, Path, description = "Le modèle")),
    responses((status = 200, body = TemplateIo), (status = 403), (status = 404)))]
pub async fn template(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Path(kind): Path<String>,
) -> Result<Json<TemplateIo>, AppError> {
    if p.admin().is_none() {
        return Err(AppError::forbidden("Réservé aux administrateurs."));
    }
    let (source, builtin) = letters::current_template(&state, &kind).await?;
    Ok(Json(TemplateIo {
        source: Some(source),
        builtin,
    }))
}

#[utoipa::path(put, path = "/api/v1/letter-templates/{kind}", tag = "committee", params(("kind" = crate::api::doc::TemplateKind, Path, description = "Le modèle")), request_body = TemplateIo,
    responses((status = 204), (status = 403), (status = 404), (status = 422, description = "Le modèle ne se compose pas : la ligne de l'erreur")))]
pub async fn set_template(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Path(kind): Path<String>,
    Json(input): Json<TemplateIo>,
) -> Result<StatusCode, AppError> {
    letters::set_template(&state, &p, &kind, input.source.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The letters of a module and their dispatch as a spreadsheet: one row
/// per document of the caller's départements, made, queued and sent when,
/// to whom, and the e-mail's status.
#[utoipa::path(get, operation_id = "export_letters", path = "/api/v1/calls/{id}/modules/{code}/letters/export", tag = "committee",
    params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module"), crate::http::sheet::FormatQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet"))), (status = 404), (status = 422, description = "Format inconnu")))]
pub async fn export_letters(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    axum::extract::Query(f): axum::extract::Query<crate::http::sheet::FormatQuery>,
) -> Result<axum::response::Response, AppError> {
    let format = crate::http::sheet::format_of(&f)?;
    let sheet = letters::letters_sheet(&state, &p, id, &code).await?;
    crate::http::sheet::send(
        sheet,
        format,
        &format!("courriers-{code}-{}", state.today()),
    )
    .await
}
