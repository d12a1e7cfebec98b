//! The network over the API (API.md "Network"): structures, conventions,
//! promeneurs, status, photo, themes, import and exports; and the public
//! directory endpoint.

use axum::{
    Json,
    body::Bytes,
    extract::DefaultBodyLimit,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use domain::{GateBlock, Platform, access::PromeneurRight, promeneur::PromeneurStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Page, Paging, rfc3339};
use utoipa_axum::{
    router::{OpenApiRouter, UtoipaMethodRouterExt},
    routes,
};

use services::imports::{self, Kind};

use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::{CurrentUser, MaybeUser},
    network::{
        directory::{DirectoryQuery, json_page},
        exports, gate,
        input::{NetworkDraft, PromeneurDraft, SlotDraft, StructureDraft},
        photo::photo_response,
        query::{ConventionQuery, PromeneurQuery, StructureQuery},
    },
};
use services::network::draft_of;
use services::network::{conventions, promeneurs, structures};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_structures, create_structure))
        .routes(routes!(exports::structures))
        .routes(routes!(approve_structure))
        .routes(routes!(show_structure, patch_structure))
        .routes(routes!(create_convention, structure_conventions))
        .routes(routes!(list_conventions))
        .routes(routes!(sign_convention))
        .routes(routes!(exports::conventions))
        .routes(routes!(list_promeneurs, create_promeneur))
        .routes(routes!(exports::promeneurs))
        .routes(routes!(show_promeneur, patch_promeneur))
        .routes(routes!(set_status))
        .routes(routes!(decide_proposal))
        .routes(routes!(open_account))
        .routes(routes!(history))
        .routes(
            routes!(put_photo, delete_photo, get_photo)
                .layer(DefaultBodyLimit::max(promeneurs::MAX_PHOTO_BYTES + 1)),
        )
        .routes(routes!(themes))
        .routes(routes!(import_file).layer(DefaultBodyLimit::max(imports::MAX_BYTES + 1)))
        .routes(routes!(exports::template))
        .routes(routes!(public_promeneurs))
}

/// A field of a partial change: replaced when given, kept otherwise.
fn set(slot: &mut String, value: Option<String>) {
    if let Some(v) = value {
        *slot = v;
    }
}

// ---------------------------------------------------------------- structures

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
        siret: s.siret,
        commune_insee: s.commune_insee,
        commune_name: s.commune_name,
        department: s.department,
        address: s.address,
        contact_name: s.contact_name,
        email: s.email,
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
    let scope = p.structure_scope();
    if scope.is_empty() {
        return Err(AppError::not_found());
    }
    let (items, total) = store::structures::list(&state.db, &scope, &q.filter(true)?).await?;
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
        department: c.department,
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
    let c = store::conventions::find(&state.db, &p.structure_scope(), cid)
        .await?
        .ok_or_else(AppError::not_found)?;
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
    let c = store::conventions::find(&state.db, &p.structure_scope(), id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(Json(convention_out(c, state.today())))
}

#[utoipa::path(get, path = "/api/v1/conventions", tag = "network", params(ConventionQuery),
    responses((status = 200, body = Page<ConventionOut>)))]
pub async fn list_conventions(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(q): Query<ConventionQuery>,
) -> Result<Json<Page<ConventionOut>>, AppError> {
    let scope = p.structure_scope();
    if scope.is_empty() {
        return Err(AppError::not_found());
    }
    let today = state.today();
    let (items, total) =
        store::conventions::list(&state.db, &scope, &q.filter(today, true)?).await?;
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
    let (items, total) = store::conventions::list(
        &state.db,
        &p.structure_scope(),
        &store::conventions::Filter {
            structure_id: Some(s.id),
            limit: 500,
            ..Default::default()
        },
    )
    .await?;
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

// ---------------------------------------------------------------- promeneurs

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct NetworkIo {
    platform: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct SlotIo {
    /// 1 = Monday … 7 = Sunday.
    weekday: u8,
    /// "HH:MM".
    start: String,
    end: String,
}

#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct MandateIo {
    hours_per_week: i64,
    starts_on: String,
    #[serde(default)]
    ends_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StructureRef {
    id: String,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct PromeneurOut {
    id: String,
    first_name: String,
    last_name: String,
    email: String,
    phone: Option<String>,
    structure_id: String,
    structure: StructureRef,
    job_title: String,
    commune_insee: String,
    commune_name: String,
    department: String,
    status: String,
    status_label: String,
    networks: Vec<NetworkIo>,
    themes: Vec<String>,
    presence: Vec<SlotIo>,
    presence_text: String,
    mandate: Option<MandateIo>,
    charter_signed_on: Option<String>,
    initial_training_on: Option<String>,
    public_consent: bool,
    public_bio: String,
    photo_url: Option<String>,
    verification_code: String,
    verification_url: String,
    /// Whether the promeneur appears in the public directory today.
    in_directory: bool,
    /// Why not, when it does not.
    directory_blocks: Vec<String>,
    /// Whether the promeneur has its own account (to edit its profile).
    has_account: bool,
    /// What a referent proposed for the fields that open the directory,
    /// waiting for staff (`POST /promeneurs/{id}/proposal`).
    proposal: Option<ProposalOut>,
    created_at: String,
    updated_at: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = PromeneurProposal)]
pub struct ProposalOut {
    /// The status asked for (`active`), if any.
    status: Option<String>,
    mandate: Option<MandateIo>,
    charter_signed_on: Option<String>,
    initial_training_on: Option<String>,
    proposed_by: String,
    proposed_at: String,
}

fn proposal_out(x: &store::promeneurs::Proposal) -> ProposalOut {
    ProposalOut {
        status: x.active.then(|| "active".to_owned()),
        mandate: match (x.mandate_hours, x.mandate_starts_on) {
            (Some(h), Some(s)) => Some(MandateIo {
                hours_per_week: h,
                starts_on: s.to_string(),
                ends_on: x.mandate_ends_on.map(|d| d.to_string()),
            }),
            _ => None,
        },
        charter_signed_on: x.charter_signed_on.map(|d| d.to_string()),
        initial_training_on: x.initial_training_on.map(|d| d.to_string()),
        proposed_by: x.proposed_by.clone(),
        proposed_at: rfc3339(x.proposed_at),
    }
}

pub fn promeneur_out(state: &AppState, p: store::promeneurs::Promeneur) -> PromeneurOut {
    let blocks = gate::blocks(&p, state.today());
    let slots = gate::slots_of(&p);
    PromeneurOut {
        id: p.id.to_string(),
        structure_id: p.structure_id.to_string(),
        structure: StructureRef {
            id: p.structure_id.to_string(),
            name: p.structure_name.clone(),
        },
        status_label: PromeneurStatus::parse(&p.status)
            .map(PromeneurStatus::label)
            .unwrap_or_default()
            .to_owned(),
        networks: p
            .networks
            .iter()
            .map(|n| NetworkIo {
                platform: n.platform.clone(),
                handle: n.handle.clone(),
                url: n.url.clone(),
            })
            .collect(),
        presence: slots
            .iter()
            .map(|s| SlotIo {
                weekday: s.weekday().number(),
                start: s.start().to_string(),
                end: s.end().to_string(),
            })
            .collect(),
        presence_text: domain::presence::describe_all(&slots),
        mandate: match (p.mandate_hours, p.mandate_starts_on) {
            (Some(h), Some(s)) => Some(MandateIo {
                hours_per_week: h,
                starts_on: s.to_string(),
                ends_on: p.mandate_ends_on.map(|d| d.to_string()),
            }),
            _ => None,
        },
        charter_signed_on: p.charter_signed_on.map(|d| d.to_string()),
        initial_training_on: p.initial_training_on.map(|d| d.to_string()),
        photo_url: p
            .photo_id
            .map(|_| format!("/api/v1/promeneurs/{}/photo", p.id)),
        verification_url: format!(
            "{}/verifier/{}",
            state.settings.base_url, p.verification_code
        ),
        in_directory: blocks.is_empty(),
        directory_blocks: blocks
            .iter()
            .map(|b| GateBlock::label(*b).to_owned())
            .collect(),
        has_account: p.user_id.is_some(),
        proposal: p.proposal.as_ref().map(proposal_out),
        created_at: rfc3339(p.created_at),
        updated_at: rfc3339(p.updated_at),
        first_name: p.first_name,
        last_name: p.last_name,
        email: p.email,
        phone: p.phone,
        job_title: p.job_title,
        commune_insee: p.commune_insee,
        commune_name: p.commune_name,
        department: p.department,
        status: p.status,
        themes: p.themes,
        public_consent: p.public_consent,
        public_bio: p.public_bio,
        verification_code: p.verification_code,
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PromeneurIn {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    structure_id: Option<String>,
    job_title: Option<String>,
    commune_insee: Option<String>,
    networks: Option<Vec<NetworkIo>>,
    themes: Option<Vec<String>>,
    presence: Option<Vec<SlotIo>>,
    /// `null` removes the mandate.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<MandateIo>)]
    #[allow(clippy::option_option)] // absent (keep) versus null (remove)
    mandate: Option<Option<MandateIo>>,
    charter_signed_on: Option<String>,
    initial_training_on: Option<String>,
    public_consent: Option<bool>,
    public_bio: Option<String>,
    /// On creation only: the first status (default `candidate`).
    status: Option<String>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};

    #[allow(clippy::option_option)]
    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

impl PromeneurIn {
    fn touches_staff_fields(&self) -> bool {
        self.first_name.is_some()
            || self.last_name.is_some()
            || self.email.is_some()
            || self.phone.is_some()
            || self.structure_id.is_some()
            || self.job_title.is_some()
            || self.commune_insee.is_some()
            || self.mandate.is_some()
            || self.charter_signed_on.is_some()
            || self.initial_training_on.is_some()
            || self.status.is_some()
    }

    fn apply(self, d: &mut PromeneurDraft) {
        set(&mut d.first_name, self.first_name);
        set(&mut d.last_name, self.last_name);
        set(&mut d.email, self.email);
        set(&mut d.phone, self.phone);
        set(&mut d.structure, self.structure_id);
        set(&mut d.job_title, self.job_title);
        set(
            &mut d.commune,
            self.commune_insee.map(|c| format!("insee:{c}")),
        );
        set(&mut d.charter_signed_on, self.charter_signed_on);
        set(&mut d.initial_training_on, self.initial_training_on);
        set(&mut d.public_bio, self.public_bio);
        set(&mut d.status, self.status);
        if let Some(n) = self.networks {
            d.networks = n.into_iter().map(network_draft).collect();
        }
        if let Some(t) = self.themes {
            d.themes = t;
        }
        if let Some(s) = self.presence {
            d.presence = s.into_iter().map(slot_draft).collect();
        }
        match self.mandate {
            None => {}
            Some(None) => {
                d.mandate_hours.clear();
                d.mandate_starts_on.clear();
                d.mandate_ends_on.clear();
            }
            Some(Some(m)) => {
                d.mandate_hours = m.hours_per_week.to_string();
                d.mandate_starts_on = m.starts_on;
                d.mandate_ends_on = m.ends_on.unwrap_or_default();
            }
        }
        if let Some(c) = self.public_consent {
            d.public_consent = c;
        }
    }
}

fn network_draft(n: NetworkIo) -> NetworkDraft {
    NetworkDraft {
        platform: n.platform,
        handle: n.handle,
        url: n.url.unwrap_or_default(),
    }
}

fn slot_draft(s: SlotIo) -> SlotDraft {
    SlotDraft {
        weekday: s.weekday.to_string(),
        start: s.start,
        end: s.end,
    }
}

#[utoipa::path(get, path = "/api/v1/promeneurs", tag = "network", params(PromeneurQuery),
    responses((status = 200, body = Page<PromeneurOut>)))]
pub async fn list_promeneurs(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(q): Query<PromeneurQuery>,
) -> Result<Json<Page<PromeneurOut>>, AppError> {
    let scope = p.network_scope();
    if scope.is_empty() {
        return Err(AppError::not_found());
    }
    let (items, total) = store::promeneurs::list(&state.db, &scope, &q.filter(true)?).await?;
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
    let items: Vec<StatusChangeOut> = store::promeneurs::status_history(&state.db, x.id)
        .await?
        .into_iter()
        .map(|h| StatusChangeOut {
            status_label: PromeneurStatus::parse(&h.status)
                .map(PromeneurStatus::label)
                .unwrap_or_default()
                .to_owned(),
            status: h.status,
            on: h.on_date,
            reason: h.reason,
            by: h.actor_label,
            recorded_at: rfc3339(store::from_micros(h.recorded_at)),
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
    photo_response(&state, x.photo_id, "private, max-age=60").await
}

#[derive(Serialize, ToSchema)]
pub struct ThemeOut {
    slug: String,
    label: String,
}

#[utoipa::path(get, path = "/api/v1/themes", tag = "network", responses((status = 200, body = Page<ThemeOut>)))]
pub async fn themes(State(state): State<AppState>) -> Result<Json<Page<ThemeOut>>, AppError> {
    let items: Vec<ThemeOut> = store::promeneurs::themes(&state.db)
        .await?
        .into_iter()
        .filter(|t| !t.archived)
        .map(|t| ThemeOut {
            slug: t.slug,
            label: t.label,
        })
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(Json(Page { items, total }))
}

// ---------------------------------------------------------------- import

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check only; write nothing.
    dry_run: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    valid: bool,
    dry_run: bool,
    creates: usize,
    updates: usize,
    rows: Vec<PlannedRow>,
    errors: Vec<RowError>,
    ignored_columns: Vec<String>,
    /// What was written (absent on a dry run or with errors).
    summary: Option<Summary>,
}

// The report's parts, as the API shows and describes them (the service's
// types carry no OpenAPI schema: services know nothing of HTTP).

#[derive(Serialize, ToSchema)]
pub struct RowError {
    /// The row number as the spreadsheet shows it (the header is row 1).
    line: usize,
    /// The column's header in the template.
    column: String,
    message: String,
}

impl From<&imports::RowError> for RowError {
    fn from(e: &imports::RowError) -> Self {
        Self {
            line: e.line,
            column: e.column.clone(),
            message: e.message.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
}

#[derive(Serialize, ToSchema)]
pub struct PlannedRow {
    line: usize,
    action: Action,
    label: String,
}

impl From<&imports::PlannedRow> for PlannedRow {
    fn from(r: &imports::PlannedRow) -> Self {
        Self {
            line: r.line,
            action: match r.action {
                imports::Action::Create => Action::Create,
                imports::Action::Update => Action::Update,
            },
            label: r.label.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Summary {
    created: usize,
    updated: usize,
}

impl From<imports::Summary> for Summary {
    fn from(s: imports::Summary) -> Self {
        Self {
            created: s.created,
            updated: s.updated,
        }
    }
}

/// The 422 of an import: the report of a file with invalid rows, or the
/// error JSON of a file that cannot be read. Only described, never built.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ImportRefusal {
    Rows(ImportOut),
    File(crate::http::error::ErrorBody),
}

/// Imports a CSV, XLSX or ODS file (the request body). Nothing is written
/// unless every row is valid: otherwise 422 with every error by row.
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "network", params(("kind" = super::doc::ImportKind, Path, description = "Ce qui est importé"), ImportQuery),
    request_body(description = "Le fichier CSV, XLSX ou ODS", content(
        (Vec<u8> = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (Vec<u8> = "application/vnd.oasis.opendocument.spreadsheet"))),
    responses((status = 200, body = ImportOut, description = "Importé, ou vérifié (`dry_run`)"),
              (status = 413), (status = 415),
              (status = 422, body = ImportRefusal, description = "Des lignes invalides (le rapport, rien d'écrit), ou un fichier illisible (l'erreur JSON)")))]
pub async fn import_file(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Path(kind): Path<String>,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let kind = Kind::parse(&kind).ok_or_else(AppError::not_found)?;
    if !p.is_staff() {
        return Err(AppError::not_found());
    }
    let communes = state.communes().await?;
    let plan = imports::plan(
        &state.db,
        &p,
        &communes,
        kind,
        &body,
        &state.settings.sandbox,
    )
    .await
    .map_err(import_file_error)?;
    let dry_run = q.dry_run.unwrap_or(false);
    let summary = if plan.is_valid() && !dry_run {
        let summary = imports::apply(
            &state.db,
            &p,
            &crate::accounts::actor(&p),
            state.now(),
            state.today(),
            &plan,
            None,
            &|_| {},
        )
        .await
        .map_err(|e| match e {
            services::ServiceError::NotFound => {
                AppError::forbidden("Une ligne sort de vos droits.")
            }
            other => other.into(),
        })?;
        state.directory.invalidate();
        summary
    } else {
        None
    };
    let out = ImportOut {
        valid: plan.is_valid(),
        dry_run,
        creates: plan.creates(),
        updates: plan.updates(),
        rows: plan.rows.iter().map(PlannedRow::from).collect(),
        errors: plan.errors.iter().map(RowError::from).collect(),
        ignored_columns: plan.ignored_columns.clone(),
        summary: summary.map(Summary::from),
    };
    let status = if plan.is_valid() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(out)).into_response())
}

/// A refused file: too large (413), not a spreadsheet (415), else 422.
pub fn import_file_error(e: imports::FileError) -> AppError {
    let m = e.0;
    if m.contains("trop gros") {
        AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", m)
    } else if m.contains("tableur reconnu") {
        AppError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type", m)
    } else {
        AppError::invalid_field("file", m)
    }
}

// ---------------------------------------------------------------- public

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PublicQuery {
    /// INSEE code of the commune to sort by distance from.
    pub commune: Option<String>,
    pub department: Option<String>,
    pub network: Option<String>,
    pub theme: Option<String>,
    pub q: Option<String>,
    pub online_now: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl PublicQuery {
    /// The directory query; unknown values are 422 for the API.
    pub async fn to_query(&self, state: &AppState) -> Result<DirectoryQuery, AppError> {
        let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let origin = match nonempty(&self.commune) {
            Some(c) => {
                let communes = state.communes().await?;
                let c = communes
                    .get(c.trim())
                    .ok_or_else(|| AppError::invalid_field("commune", "Commune inconnue."))?;
                Some((c.lat, c.lon))
            }
            None => None,
        };
        Ok(DirectoryQuery {
            origin,
            department: nonempty(&self.department),
            network: match nonempty(&self.network) {
                Some(n) => Some(
                    Platform::parse(&n)
                        .map_err(|e| AppError::invalid_field("network", e.to_string()))?,
                ),
                None => None,
            },
            theme: nonempty(&self.theme),
            q: nonempty(&self.q),
            online_now: matches!(
                self.online_now.as_deref(),
                Some("true" | "1" | "on" | "oui")
            ),
        })
    }
}

/// The public directory: only promeneurs that pass the gating; never an
/// e-mail or a phone number.
#[utoipa::path(get, path = "/api/v1/public/promeneurs", tag = "public", params(PublicQuery),
    responses((status = 200, description = "`{items, total}` of public profiles")))]
pub async fn public_promeneurs(
    State(state): State<AppState>,
    MaybeUser(_): MaybeUser,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let now = state.now();
    let snapshot = state.directory.snapshot(&state.db, now).await?;
    let query = q.to_query(&state).await?;
    let pg = Paging {
        limit: q.limit,
        offset: q.offset,
    };
    let (offset, limit) = (
        usize::try_from(pg.offset()).unwrap_or(0),
        usize::try_from(pg.limit()).unwrap_or(50),
    );
    let key = format!("api:{offset}:{limit}:{}", query.cache_key(now, false));
    let body = if let Some(body) = snapshot.cached(&key) {
        body
    } else {
        let (total, hits) = snapshot.search(&query, now, offset, limit);
        let body = Bytes::from(json_page(total, &hits));
        snapshot.remember(key, body.clone());
        body
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=30"),
        ],
        body,
    )
        .into_response())
}
