//! Promeneurs over the API: list, file, status, proposal, account,
//! history, photo; and the themes.

use axum::{
    Json,
    body::Bytes,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use domain::access::PromeneurRight;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::json::{Page, rfc3339};

use super::promeneur_io::{PromeneurIn, PromeneurOut, promeneur_out};
use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    network::{input::PromeneurDraft, photo::photo_response, query::PromeneurQuery},
};
use services::network::draft_of;
use services::network::{lists, promeneurs};

#[utoipa::path(get, path = "/api/v1/promeneurs", tag = "network", params(PromeneurQuery),
    responses((status = 200, body = Page<PromeneurOut>)))]
pub async fn list_promeneurs(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(q): Query<PromeneurQuery>,
) -> Result<Json<Page<PromeneurOut>>, AppError> {
    if p.network_scope().is_empty() {
        return Err(AppError::not_found());
    }
    let (items, total) = lists::promeneurs(&state, &p, &q.filter(true)?).await?;
    Ok(Json(Page {
        items: items
            .into_iter()
            .map(|x| promeneur_out(&state, x))
            .collect(),
        total,
    }))
}

fn status_of(outcome: promeneurs::Outcome, written: StatusCode) -> StatusCode {
    match outcome {
        promeneurs::Outcome::Written => written,
        promeneurs::Outcome::Proposed => StatusCode::ACCEPTED,
    }
}

/// Creates a promeneur. A referent's status `active`, mandate, charter or
/// training dates become a proposal (202) that staff confirm; consent is
/// the promeneur's own (422 when sent `true`).
#[utoipa::path(post, path = "/api/v1/promeneurs", tag = "network", request_body = PromeneurIn,
    responses((status = 201, body = PromeneurOut), (status = 202, body = PromeneurOut, description = "Créé, avec une proposition à confirmer par la Caf ou la coordination"),
        (status = 422, description = "Champs invalides")))]
pub async fn create_promeneur(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Json(input): Json<PromeneurIn>,
) -> Result<(StatusCode, Json<PromeneurOut>), AppError> {
    if input.public_consent == Some(true) {
        return Err(promeneurs::consent_refused().into());
    }
    let mut d = PromeneurDraft::default();
    input.apply(&mut d);
    let (id, outcome) = promeneurs::create_promeneur(&state, &p, &d).await?;
    let out = promeneurs::promeneur(&state, &p, id).await?;
    Ok((
        status_of(outcome, StatusCode::CREATED),
        Json(promeneur_out(&state, out)),
    ))
}

#[utoipa::path(get, path = "/api/v1/promeneurs/{id}", tag = "network", params(("id" = Uuid, Path, description = "Identifiant du promeneur")),
    responses((status = 200, body = PromeneurOut), (status = 404)))]
pub async fn show_promeneur(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<PromeneurOut>, AppError> {
    let x = promeneurs::promeneur(&state, &p, id).await?;
    Ok(Json(promeneur_out(&state, x)))
}

/// Changes some fields. A promeneur may change its own public profile
/// (networks, themes, presence, bio, consent) and nothing else.
#[utoipa::path(patch, path = "/api/v1/promeneurs/{id}", tag = "network", params(("id" = Uuid, Path, description = "Identifiant du promeneur")), request_body = PromeneurIn,
    responses((status = 200, body = PromeneurOut), (status = 202, body = PromeneurOut, description = "Proposition à confirmer par la Caf ou la coordination"),
        (status = 403), (status = 404), (status = 422)))]
pub async fn patch_promeneur(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<PromeneurIn>,
) -> Result<(StatusCode, Json<PromeneurOut>), AppError> {
    let current = promeneurs::promeneur(&state, &p, id).await?;
    let right = promeneurs::right(&p, &current)?;
    if input.status.is_some() {
        return Err(AppError::invalid_field(
            "status",
            "Le statut se change par POST /promeneurs/{id}/status.",
        ));
    }
    let mut d = draft_of(&current);
    let mut outcome = promeneurs::Outcome::Written;
    match right {
        PromeneurRight::Edit(_) => {
            if input
                .public_consent
                .is_some_and(|c| c != current.public_consent)
            {
                return Err(promeneurs::consent_refused().into());
            }
            input.apply(&mut d);
            outcome = promeneurs::update_promeneur(&state, &p, id, &d).await?;
        }
        PromeneurRight::OwnProfile => {
            if input.touches_staff_fields() {
                return Err(AppError::forbidden(
                    "Vous ne pouvez modifier que votre profil public (réseaux, thèmes, présences, présentation, consentement).",
                ));
            }
            input.apply(&mut d);
            promeneurs::update_own_profile(
                &state,
                &p,
                id,
                &d.networks,
                &d.presence,
                &d.themes,
                &d.public_bio,
                d.public_consent,
            )
            .await?;
        }
        PromeneurRight::Read => {
            return Err(AppError::forbidden(
                "Vous ne pouvez que consulter cette fiche.",
            ));
        }
    }
    let x = promeneurs::promeneur(&state, &p, id).await?;
    Ok((
        status_of(outcome, StatusCode::OK),
        Json(promeneur_out(&state, x)),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    status: String,
    /// The date of the change (default today).
    on: Option<String>,
    reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/promeneurs/{id}/status", tag = "network", params(("id" = Uuid, Path, description = "Identifiant du promeneur")), request_body = StatusIn,
    responses((status = 200, body = PromeneurOut), (status = 202, body = PromeneurOut, description = "Un référent demande « active » : proposition à confirmer"),
        (status = 404), (status = 409), (status = 422)))]
pub async fn set_status(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<StatusIn>,
) -> Result<(StatusCode, Json<PromeneurOut>), AppError> {
    let outcome = promeneurs::set_status(
        &state,
        &p,
        id,
        &input.status,
        input.on.as_deref().unwrap_or(""),
        input.reason.as_deref().unwrap_or(""),
    )
    .await?;
    let x = promeneurs::promeneur(&state, &p, id).await?;
    Ok((
        status_of(outcome, StatusCode::OK),
        Json(promeneur_out(&state, x)),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalDecisionIn {
    /// `accept` or `reject`.
    decision: String,
}

/// Staff of the département confirm or reject a referent's proposal.
#[utoipa::path(post, path = "/api/v1/promeneurs/{id}/proposal", tag = "network", params(("id" = Uuid, Path, description = "Identifiant du promeneur")), request_body = ProposalDecisionIn,
    responses((status = 200, body = PromeneurOut), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn decide_proposal(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<ProposalDecisionIn>,
) -> Result<Json<PromeneurOut>, AppError> {
    let accept = match input.decision.trim() {
        "accept" => true,
        "reject" => false,
        _ => {
            return Err(AppError::invalid_field(
                "decision",
                "Décision inconnue : accept (confirmer) ou reject (refuser).",
            ));
        }
    };
    promeneurs::decide_proposal(&state, &p, id, accept).await?;
    let x = promeneurs::promeneur(&state, &p, id).await?;
    Ok(Json(promeneur_out(&state, x)))
}

/// Opens the promeneur's own account (role `promeneur` only) and e-mails
/// it the activation link.
#[utoipa::path(post, path = "/api/v1/promeneurs/{id}/account", tag = "network", params(("id" = Uuid, Path, description = "Identifiant du promeneur")),
    responses((status = 200, body = PromeneurOut), (status = 404), (status = 409)))]
pub async fn open_account(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<PromeneurOut>, AppError> {
    promeneurs::invite_promeneur(&state, &p, id).await?;
    let x = promeneurs::promeneur(&state, &p, id).await?;
    Ok(Json(promeneur_out(&state, x)))
}

#[derive(Serialize, ToSchema)]
pub struct StatusChangeOut {
    status: String,
    status_label: String,
    on: String,
    reason: String,
    by: String,
    recorded_at: String,
}

#[utoipa::path(get, path = "/api/v1/promeneurs/{id}/history", tag = "network", params(("id" = Uuid, Path, description = "Identifiant du promeneur")),
    responses((status = 200, body = Page<StatusChangeOut>), (status = 404)))]
pub async fn history(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<Page<StatusChangeOut>>, AppError> {
    let x = promeneurs::promeneur(&state, &p, id).await?;
    let items: Vec<StatusChangeOut> = lists::status_history(&state, &x)
        .await?
        .into_iter()
        .map(|h| StatusChangeOut {
            status_label: h.status.label().to_owned(),
            status: h.status.as_str().to_owned(),
            on: h.on_date,
            reason: h.reason,
            by: h.actor_label,
            recorded_at: rfc3339(h.recorded_at),
        })
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(Page { items, total }))
}

/// Sets the photo: the body is the JPEG or PNG file itself.
#[utoipa::path(put, path = "/api/v1/promeneurs/{id}/photo", tag = "network", params(("id" = Uuid, Path, description = "Identifiant du promeneur")),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 204), (status = 404), (status = 413), (status = 415),
        (status = 422, description = "Photo trop grande (plus de 40 millions de pixels, ou trop de mémoire ou de temps pour la lire)")))]
pub async fn put_photo(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    promeneurs::set_photo(&state, &p, id, Some(&body)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/promeneurs/{id}/photo", tag = "network", params(("id" = Uuid, Path, description = "Identifiant du promeneur")),
    responses((status = 204), (status = 404)))]
pub async fn delete_photo(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    promeneurs::set_photo(&state, &p, id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/promeneurs/{id}/photo", tag = "network", params(("id" = Uuid, Path, description = "Identifiant du promeneur")),
    responses((status = 200, content_type = "image/jpeg"), (status = 404)))]
pub async fn get_photo(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let x = promeneurs::promeneur(&state, &p, id).await?;
    let file = services::files::stored(&state, x.photo_id).await?;
    Ok(photo_response(file, "private, max-age=60"))
}

#[derive(Serialize, ToSchema)]
pub struct ThemeOut {
    slug: String,
    label: String,
}

#[utoipa::path(get, path = "/api/v1/themes", tag = "network", responses((status = 200, body = Page<ThemeOut>)))]
pub async fn themes(State(state): State<AppState>) -> Result<Json<Page<ThemeOut>>, AppError> {
    let items: Vec<ThemeOut> = services::network::themes::active_themes(&state)
        .await?
        .into_iter()
        .map(|t| ThemeOut {
            slug: t.slug,
            label: t.label,
        })
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(Page { items, total }))
}
