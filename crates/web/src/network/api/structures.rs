//! Structures and their conventions over the API.

use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::json::{Page, rfc3339};

use super::set;
use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    network::{
        input::StructureDraft,
        query::{ConventionQuery, StructureQuery},
    },
};
use services::network::{conventions, lists, structures};

#[derive(Serialize, ToSchema)]
pub struct StructureOut {
    id: String,
    name: String,
    kind: String,
    kind_label: String,
    siret: Option<String>,
    commune_insee: String,
    commune_name: String,
    department: String,
    address: String,
    contact_name: String,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    archived: bool,
    /// `false` while a structure that signed itself up waits for the CAF:
    /// nothing of it is public.
    approved: bool,
    approved_at: Option<String>,
    promeneur_count: i64,
    created_at: String,
    updated_at: String,
}

fn structure_out(s: store::structures::Structure) -> StructureOut {
    StructureOut {
        id: s.id.to_string(),
        kind: s.kind.as_str().to_owned(),
        kind_label: s.kind.label().to_owned(),
        name: s.name,
        siret: s.siret.map(String::from),
        commune_insee: s.commune_insee,
        commune_name: s.commune_name,
        department: s.department.into(),
        address: s.address,
        contact_name: s.contact_name,
        email: s.email.map(String::from),
        phone: s.phone,
        website: s.website,
        archived: s.archived_at.is_some(),
        approved: s.approved_at.is_some(),
        approved_at: s.approved_at.map(rfc3339),
        promeneur_count: s.promeneur_count,
        created_at: rfc3339(s.created_at),
        updated_at: rfc3339(s.updated_at),
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct StructureIn {
    name: Option<String>,
    kind: Option<String>,
    siret: Option<String>,
    commune_insee: Option<String>,
    address: Option<String>,
    contact_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    /// PATCH only: archive (true) or restore (false).
    archived: Option<bool>,
}

impl StructureIn {
    fn apply(self, d: &mut StructureDraft) {
        set(&mut d.name, self.name);
        set(&mut d.kind, self.kind);
        set(&mut d.siret, self.siret);
        set(
            &mut d.commune,
            self.commune_insee.map(|c| format!("insee:{c}")),
        );
        set(&mut d.address, self.address);
        set(&mut d.contact_name, self.contact_name);
        set(&mut d.email, self.email);
        set(&mut d.phone, self.phone);
        set(&mut d.website, self.website);
    }
}

/// Structures in the caller's scope.
#[utoipa::path(get, path = "/api/v1/structures", tag = "network", params(StructureQuery),
    responses((status = 200, body = Page<StructureOut>)))]
pub async fn list_structures(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(q): Query<StructureQuery>,
) -> Result<Json<Page<StructureOut>>, AppError> {
    if p.structure_scope().is_empty() {
        return Err(AppError::not_found());
    }
    let (items, total) = lists::structures(&state, &p, &q.filter(true)?).await?;
    Ok(Json(Page {
        items: items.into_iter().map(structure_out).collect(),
        total,
    }))
}

#[utoipa::path(post, path = "/api/v1/structures", tag = "network", request_body = StructureIn,
    responses((status = 201, body = StructureOut), (status = 422, description = "Champs invalides")))]
pub async fn create_structure(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Json(input): Json<StructureIn>,
) -> Result<(StatusCode, Json<StructureOut>), AppError> {
    let mut d = StructureDraft::default();
    input.apply(&mut d);
    let id = structures::create_structure(&state, &p, &d).await?;
    let s = structures::structure(&state, &p, id).await?;
    Ok((StatusCode::CREATED, Json(structure_out(s))))
}

#[utoipa::path(get, path = "/api/v1/structures/{id}", tag = "network", params(("id" = Uuid, Path, description = "Identifiant de la structure")),
    responses((status = 200, body = StructureOut), (status = 404)))]
pub async fn show_structure(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<StructureOut>, AppError> {
    let s = structures::structure(&state, &p, id).await?;
    Ok(Json(structure_out(s)))
}

#[utoipa::path(patch, path = "/api/v1/structures/{id}", tag = "network", params(("id" = Uuid, Path, description = "Identifiant de la structure")), request_body = StructureIn,
    responses((status = 200, body = StructureOut), (status = 404), (status = 422)))]
pub async fn patch_structure(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(mut input): Json<StructureIn>,
) -> Result<Json<StructureOut>, AppError> {
    let current = structures::structure(&state, &p, id).await?;
    let archived = input.archived.take();
    let mut d = StructureDraft::from_structure(&current);
    input.apply(&mut d);
    structures::update_structure(&state, &p, id, &d).await?;
    if let Some(a) = archived
        && a != current.archived_at.is_some()
    {
        structures::archive_structure(&state, &p, id, a).await?;
    }
    Ok(Json(structure_out(
        structures::structure(&state, &p, id).await?,
    )))
}

// ---------------------------------------------------------------- conventions

#[derive(Serialize, ToSchema)]
pub struct ConventionOut {
    id: String,
    structure_id: String,
    structure_name: String,
    department: String,
    starts_on: String,
    ends_on: String,
    signed_on: Option<String>,
    status: String,
    status_label: String,
    document_url: Option<String>,
}

pub fn convention_out(
    c: store::conventions::Convention,
    today: jiff::civil::Date,
) -> ConventionOut {
    let status = c.status(today);
    ConventionOut {
        id: c.id.to_string(),
        structure_id: c.structure_id.to_string(),
        structure_name: c.structure_name,
        department: c.department.into(),
        starts_on: c.starts_on.to_string(),
        ends_on: c.ends_on.to_string(),
        signed_on: c.signed_on.map(|d| d.to_string()),
        status: status.as_str().to_owned(),
        status_label: status.label().to_owned(),
        document_url: c
            .document_id
            .map(|_| format!("/reseau/conventions/{}/document", c.id)),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionIn {
    department: String,
    starts_on: String,
    ends_on: String,
    signed_on: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/structures/{id}/conventions", tag = "network", params(("id" = Uuid, Path, description = "Identifiant de la structure")), request_body = ConventionIn,
    responses((status = 201, body = ConventionOut), (status = 404), (status = 422)))]
pub async fn create_convention(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<ConventionIn>,
) -> Result<(StatusCode, Json<ConventionOut>), AppError> {
    let cid = conventions::create_convention(
        &state,
        &p,
        id,
        &input.department,
        &input.starts_on,
        &input.ends_on,
        input.signed_on.as_deref().unwrap_or(""),
        None,
    )
    .await?;
    let c = lists::convention(&state, &p, cid).await?;
    Ok((StatusCode::CREATED, Json(convention_out(c, state.today()))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureIn {
    signed_on: String,
}

/// Records the date a convention was signed (the scan is sent from the
/// structure's page).
#[utoipa::path(post, path = "/api/v1/conventions/{id}/signature", tag = "network", params(("id" = Uuid, Path, description = "Identifiant de la convention")), request_body = SignatureIn,
    responses((status = 200, body = ConventionOut), (status = 403), (status = 404), (status = 422)))]
pub async fn sign_convention(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<SignatureIn>,
) -> Result<Json<ConventionOut>, AppError> {
    conventions::sign_convention(&state, &p, id, &input.signed_on, None).await?;
    let c = lists::convention(&state, &p, id).await?;
    Ok(Json(convention_out(c, state.today())))
}

#[utoipa::path(get, path = "/api/v1/conventions", tag = "network", params(ConventionQuery),
    responses((status = 200, body = Page<ConventionOut>)))]
pub async fn list_conventions(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(q): Query<ConventionQuery>,
) -> Result<Json<Page<ConventionOut>>, AppError> {
    if p.structure_scope().is_empty() {
        return Err(AppError::not_found());
    }
    let today = state.today();
    let (items, total) = lists::conventions(&state, &p, &q.filter(today, true)?).await?;
    Ok(Json(Page {
        items: items
            .into_iter()
            .map(|c| convention_out(c, today))
            .collect(),
        total,
    }))
}

#[utoipa::path(get, path = "/api/v1/structures/{id}/conventions", tag = "network", params(("id" = Uuid, Path, description = "Identifiant de la structure")),
    responses((status = 200, body = Page<ConventionOut>)))]
pub async fn structure_conventions(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<Page<ConventionOut>>, AppError> {
    let s = structures::structure(&state, &p, id).await?;
    let today = state.today();
    let (items, total) = lists::conventions_of(&state, &p, &s, 500).await?;
    Ok(Json(Page {
        items: items
            .into_iter()
            .map(|c| convention_out(c, today))
            .collect(),
        total,
    }))
}

/// Approves a structure that signed itself up (CAF agent or coordinator
/// of its département): its promeneurs may then be public.
#[utoipa::path(post, path = "/api/v1/structures/{id}/approval", tag = "network", params(("id" = Uuid, Path, description = "Identifiant de la structure")),
    responses((status = 200, body = StructureOut), (status = 404), (status = 409)))]
pub async fn approve_structure(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<StructureOut>, AppError> {
    structures::approve_structure(&state, &p, id).await?;
    Ok(Json(structure_out(
        structures::structure(&state, &p, id).await?,
    )))
}
