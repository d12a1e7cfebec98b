//! Auditions over the API: slots of a module, given to applications, and
//! the invitations e-mailed with an .ics file.

use axum::{Json, extract::State, http::StatusCode, response::Response};
use serde::{Deserialize, Serialize};
use store::auditions::Slot;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::json::{Page, rfc3339};
use utoipa_axum::{router::OpenApiRouter, routes};

use services::auditions::{self, SlotDraft};

use crate::http::Id;
use crate::{AppError, AppState, auth::CurrentUser};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(invite))
        .routes(routes!(assign, delete))
        .routes(routes!(ics))
        .routes(routes!(export_auditions))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SlotIn {
    /// `YYYY-MM-DD`; the module's audition day when absent.
    date: String,
    /// `HH:MM`, Paris time.
    time: String,
    /// 45 when absent.
    duration_minutes: Option<i64>,
    place: String,
    video_link: String,
}

#[derive(Serialize, ToSchema)]
pub struct SlotOut {
    id: String,
    starts_at: String,
    /// "jeudi 21 mars 2024 à 9 h 30".
    starts_label: String,
    duration_minutes: i64,
    place: String,
    video_link: String,
    application_id: Option<String>,
    structure_name: Option<String>,
    invited_at: Option<String>,
}

fn slot_out(s: Slot) -> SlotOut {
    SlotOut {
        id: s.id.to_string(),
        starts_at: rfc3339(s.starts_at),
        starts_label: auditions::french_start(s.starts_at),
        duration_minutes: s.duration_minutes,
        place: s.place,
        video_link: s.video_link,
        application_id: s.application_id.map(|a| a.to_string()),
        structure_name: s.structure_name,
        invited_at: s.invited_at.map(rfc3339),
    }
}

#[utoipa::path(post, operation_id = "create_audition_slot", path = "/api/v1/calls/{id}/modules/{code}/auditions", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")), request_body = SlotIn,
    responses((status = 201, body = SlotOut), (status = 403), (status = 404), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Json(input): Json<SlotIn>,
) -> Result<(StatusCode, Json<SlotOut>), AppError> {
    let draft = SlotDraft {
        date: input.date,
        time: input.time,
        duration_minutes: input
            .duration_minutes
            .map(|m| m.to_string())
            .unwrap_or_default(),
        place: input.place,
        video_link: input.video_link,
    };
    let sid = auditions::create_slot(&state, &p, id, &code, &draft).await?;
    let slot = auditions::slot(&state, &p, sid).await?;
    Ok((StatusCode::CREATED, Json(slot_out(slot))))
}

#[utoipa::path(get, operation_id = "list_audition_slots", path = "/api/v1/calls/{id}/modules/{code}/auditions", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")),
    responses((status = 200, body = Page<SlotOut>), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Json<Page<SlotOut>>, AppError> {
    let items: Vec<SlotOut> = auditions::module_auditions(&state, &p, id, &code)
        .await?
        .slots
        .into_iter()
        .map(slot_out)
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AssignIn {
    /// `null` frees the slot.
    application_id: Option<String>,
}

#[utoipa::path(put, operation_id = "assign_audition_slot", path = "/api/v1/auditions/{id}", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant du créneau d'audition")), request_body = AssignIn,
    responses((status = 200, body = SlotOut), (status = 404), (status = 409), (status = 422)))]
pub async fn assign(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<AssignIn>,
) -> Result<Json<SlotOut>, AppError> {
    let slot_id = id;
    let application = match input.application_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(Uuid::parse_str(a).map_err(|_| {
            AppError::invalid_field("application_id", "Identifiant de candidature invalide.")
        })?),
    };
    auditions::assign(&state, &p, slot_id, application).await?;
    let slot = auditions::slot(&state, &p, slot_id).await?;
    Ok(Json(slot_out(slot)))
}

#[utoipa::path(delete, operation_id = "delete_audition_slot", path = "/api/v1/auditions/{id}", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant du créneau d'audition")),
    responses((status = 204), (status = 404)))]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    auditions::delete_slot(&state, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
#[schema(as = InvitationsSent)]
pub struct SentOut {
    /// Slots whose invitation was queued now.
    sent: usize,
}

#[utoipa::path(post, operation_id = "invite_to_auditions", path = "/api/v1/calls/{id}/modules/{code}/auditions/invitations", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")),
    responses((status = 200, body = SentOut), (status = 403), (status = 404)))]
pub async fn invite(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Json<SentOut>, AppError> {
    let sent = auditions::invite(&state, &p, id, &code).await?;
    Ok(Json(SentOut { sent }))
}

#[utoipa::path(get, operation_id = "audition_ics", path = "/api/v1/applications/{id}/audition.ics", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de la candidature")),
    responses((status = 200, content_type = "text/calendar"), (status = 404)))]
pub async fn ics(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    crate::auditions::ics_response(&state, &p, id).await
}

/// The auditions of a module as a spreadsheet, in time order: day, time,
/// place or link, application, structure, invitation (staff read the slots
/// of their départements' applications and the free ones).
#[utoipa::path(get, operation_id = "export_auditions", path = "/api/v1/calls/{id}/modules/{code}/auditions/export", tag = "committee",
    params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module"), crate::http::sheet::FormatQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet"))), (status = 403, description = "Agent d'une structure candidate : conflit d'intérêts"), (status = 404), (status = 422, description = "Format inconnu")))]
pub async fn export_auditions(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    axum::extract::Query(f): axum::extract::Query<crate::http::sheet::FormatQuery>,
) -> Result<axum::response::Response, AppError> {
    let format = crate::http::sheet::format_of(&f)?;
    let sheet = auditions::auditions_sheet(&state, &p, id, &code).await?;
    crate::http::sheet::send(
        sheet,
        format,
        &format!("auditions-{code}-{}", state.today()),
    )
    .await
}
