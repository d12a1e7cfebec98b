//! The handover (tuilage) over the API.

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use store::handovers::Handover;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::json::{Page, rfc3339};
use utoipa_axum::{router::OpenApiRouter, routes};

use services::handover::{self, HandoverDraft};

use crate::http::Id;
use crate::{AppError, AppState, auth::CurrentUser};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(tick))
        .routes(routes!(export_handovers))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct HandoverIn {
    department: String,
    outgoing_email: String,
    incoming_email: String,
    /// The first day of the new coordinator (`YYYY-MM-DD`).
    starts_on: String,
}

#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    id: String,
    label: String,
    outgoing_done_at: Option<String>,
    incoming_done_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HandoverOut {
    id: String,
    department: String,
    outgoing_user_id: String,
    outgoing_name: String,
    incoming_user_id: String,
    incoming_name: String,
    starts_on: String,
    /// The last day the outgoing coordinator reads.
    read_until: String,
    items: Vec<ItemOut>,
}

fn out(h: Handover) -> HandoverOut {
    HandoverOut {
        id: h.id.to_string(),
        department: h.department.into(),
        outgoing_user_id: h.outgoing_user_id.to_string(),
        outgoing_name: h.outgoing_name,
        incoming_user_id: h.incoming_user_id.to_string(),
        incoming_name: h.incoming_name,
        starts_on: h.starts_on.to_string(),
        read_until: h.read_until.to_string(),
        items: h
            .items
            .into_iter()
            .map(|i| ItemOut {
                id: i.id.to_string(),
                label: i.label,
                outgoing_done_at: i.outgoing_done_at.map(rfc3339),
                incoming_done_at: i.incoming_done_at.map(rfc3339),
            })
            .collect(),
    }
}

#[utoipa::path(post, operation_id = "create_handover", path = "/api/v1/handovers", tag = "committee", request_body = HandoverIn,
    responses((status = 201, body = HandoverOut), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Json(input): Json<HandoverIn>,
) -> Result<(StatusCode, Json<HandoverOut>), AppError> {
    let id = handover::create(
        &state,
        &p,
        &HandoverDraft {
            department: input.department,
            outgoing_email: input.outgoing_email,
            incoming_email: input.incoming_email,
            starts_on: input.starts_on,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(out(handover::handover(&state, &p, id).await?)),
    ))
}

#[utoipa::path(get, operation_id = "list_handovers", path = "/api/v1/handovers", tag = "committee",
    responses((status = 200, body = Page<HandoverOut>)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
) -> Result<Json<Page<HandoverOut>>, AppError> {
    let items: Vec<HandoverOut> = handover::handovers(&state, &p)
        .await?
        .into_iter()
        .map(out)
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

#[utoipa::path(get, operation_id = "show_handover", path = "/api/v1/handovers/{id}", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant du tuilage")),
    responses((status = 200, body = HandoverOut), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<HandoverOut>, AppError> {
    Ok(Json(out(handover::handover(&state, &p, id).await?)))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TickIn {
    done: bool,
}

#[utoipa::path(put, operation_id = "tick_handover_item", path = "/api/v1/handovers/{id}/items/{item}", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant du tuilage"), ("item" = Uuid, Path, description = "Identifiant de l'étape")), request_body = TickIn,
    responses((status = 200, body = HandoverOut), (status = 403), (status = 404), (status = 409)))]
pub async fn tick(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, item)): Id<(Uuid, Uuid)>,
    Json(input): Json<TickIn>,
) -> Result<Json<HandoverOut>, AppError> {
    let h = handover::tick(&state, &p, id, item, input.done).await?;
    Ok(Json(out(h)))
}

/// The handovers the caller reads as a spreadsheet: département, the two
/// coordinators, the period, the checklist ticked on each side, and when
/// it was completed.
#[utoipa::path(get, operation_id = "export_handovers", path = "/api/v1/handovers/export", tag = "committee",
    params(crate::http::sheet::FormatQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet"))), (status = 404), (status = 422, description = "Format inconnu")))]
pub async fn export_handovers(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    axum::extract::Query(f): axum::extract::Query<crate::http::sheet::FormatQuery>,
) -> Result<axum::response::Response, AppError> {
    let format = crate::http::sheet::format_of(&f)?;
    let sheet = handover::handovers_sheet(&state, &p).await?;
    crate::http::sheet::send(sheet, format, &format!("tuilages-{}", state.today())).await
}
