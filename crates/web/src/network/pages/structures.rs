//! Network pages for staff and referents: structures and their
//! conventions.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Query, State},
    http::header,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use domain::{DepartmentCode, Principal, clock::french_date};
use serde::Deserialize;
use store::{
    conventions::Convention, promeneurs::Promeneur, reference::Department, structures::Structure,
};
use uuid::Uuid;

use crate::http::Id;
use crate::http::form::{Errs, Fields};
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    network::{KindOption, kinds},
    network::{
        input::StructureDraft,
        query::{ConventionQuery, StructureQuery},
    },
    view::{Layout, render},
};
use services::network::departments_of;
use services::network::{conventions, signup, structures};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reseau/structures", get(list))
        .route("/reseau/structures/nouvelle", get(new_page).post(create))
        .route("/reseau/structures/a-valider", get(pending))
        .route("/reseau/structures/{id}/validation", post(approve))
        .route("/reseau/structures/{id}", get(show).post(save))
        .route("/reseau/structures/{id}/archivage", post(archive))
        .route(
            "/reseau/structures/{id}/conventions",
            post(add_convention).layer(DefaultBodyLimit::max(
                conventions::MAX_CONVENTION_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/reseau/conventions/{id}/signature",
            post(sign_convention).layer(DefaultBodyLimit::max(
                conventions::MAX_CONVENTION_BYTES + 64 * 1024,
            )),
        )
        .route("/reseau/structures/{id}/referents", post(invite_referent))
        .route("/reseau/rattachements/{id}", post(decide_claim))
        .route("/reseau/conventions", get(conventions))
        .route("/reseau/conventions/{id}/document", get(document))
}

#[derive(Template)]
#[template(path = "network/structures.html")]
struct List {
    layout: Layout,
    items: Vec<Structure>,
    total: i64,
    departments: Vec<Department>,
    kinds: Vec<KindOption>,
    q: String,
    department: String,
    kind: String,
    archived: bool,
    can_create: bool,
    export_query: String,
    claims: Vec<ClaimRow>,
    pending: usize,
}

#[derive(Deserialize, Default)]
struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    archived: String,
    message: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(f): Query<ListParams>,
) -> Result<Html<String>, AppError> {
    let scope = p.structure_scope();
    if scope.is_empty() {
        return Err(AppError::not_found());
    }
    let archived = f.archived == "on";
    let query = StructureQuery {
        department: Some(f.department.clone()),
        kind: Some(f.kind.clone()),
        q: Some(f.q.clone()),
        archived: Some(archived),
        approval: None,
        limit: Some(500),
        offset: Some(0),
    };
    let (items, total) = store::structures::list(&state.db, &scope, &query.filter(true)?).await?;
    let export_query = serde_urlencoded::to_string([
        ("q", f.q.as_str()),
        ("department", f.department.as_str()),
        ("kind", f.kind.as_str()),
        ("archived", if archived { "true" } else { "false" }),
    ])
    .unwrap_or_default();
    render(&List {
        layout: Layout::new(&auth, "Structures").with_message(f.message.as_deref()),
        items,
        total,
        departments: departments_of(&state, &p).await?,
        kinds: kinds(),
        q: f.q,
        department: f.department,
        kind: f.kind,
        archived,
        can_create: p.is_staff(),
        export_query,
        claims: claim_rows(signup::all_pending_claims(&state, &p).await?),
        pending: structures::pending_structures(&state, &p).await?.len(),
    })
}

#[derive(Template)]
#[template(path = "network/structures_pending.html")]
struct Pending {
    layout: Layout,
    items: Vec<PendingRow>,
}

struct PendingRow {
    s: Structure,
    at: String,
    referents: Vec<store::users::Referent>,
}

/// The structures that signed themselves up and wait for staff of their
/// département (404 for anyone else).
async fn pending(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<ListParams>,
) -> Result<Html<String>, AppError> {
    if !p.is_staff() {
        return Err(AppError::not_found());
    }
    let mut items = Vec::new();
    for s in structures::pending_structures(&state, &p).await? {
        items.push(PendingRow {
            at: domain::clock::french_instant(s.created_at),
            referents: store::users::referents(&state.db, s.id).await?,
            s,
        });
    }
    render(&Pending {
        layout: Layout::new(&auth, "Structures à valider").with_message(q.message.as_deref()),
        items,
    })
}

/// Approves a structure (staff of its département; 404 for anyone else).
async fn approve(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    _f: Fields,
) -> Result<Redirect, AppError> {
    structures::approve_structure(&state, &p, id).await?;
    Ok(Redirect::to(
        "/reseau/structures/a-valider?message=structure-validee",
    ))
}

#[derive(Template)]
#[template(path = "network/structure_new.html")]
struct NewPage {
    layout: Layout,
    d: StructureDraft,
    kinds: Vec<KindOption>,
    errors: Errs,
}

async fn new_page(CurrentUser(p, auth): CurrentUser) -> Result<Html<String>, AppError> {
    if !p.is_staff() {
        return Err(AppError::not_found());
    }
    render(&NewPage {
        layout: Layout::new(&auth, "Nouvelle structure"),
        d: StructureDraft::default(),
        kinds: kinds(),
        errors: Errs::default(),
    })
}

fn draft_from(f: &Fields) -> StructureDraft {
    StructureDraft {
        name: f.get("name").to_owned(),
        kind: f.get("kind").to_owned(),
        siret: f.get("siret").to_owned(),
        commune: f.get("commune_insee").to_owned(),
        address: f.get("address").to_owned(),
        contact_name: f.get("contact_name").to_owned(),
        email: f.get("email").to_owned(),
        phone: f.get("phone").to_owned(),
        website: f.get("website").to_owned(),
    }
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    f: Fields,
) -> Result<Response, AppError> {
    if !p.is_staff() {
        return Err(AppError::not_found());
    }
    let d = draft_from(&f);
    match structures::create_structure(&state, &p, &d).await {
        Ok(id) => Ok(
            Redirect::to(&format!("/reseau/structures/{id}?message=enregistre")).into_response(),
        ),
        Err(e) => {
            let errors = Errs::from_error(e.into())?;
            let page = NewPage {
                layout: Layout::new(&auth, "Erreur : nouvelle structure"),
                d,
                kinds: kinds(),
                errors,
            };
            crate::http::form::rejected(&page)
        }
    }
}

pub struct ConventionRow {
    pub c: Convention,
    pub status_label: &'static str,
    pub status: &'static str,
    pub starts: String,
    pub ends: String,
    pub signed: String,
}

pub fn convention_row(c: Convention, today: jiff::civil::Date) -> ConventionRow {
    let status = c.status(today);
    ConventionRow {
        status_label: status.label(),
        status: status.as_str(),
        starts: french_date(c.starts_on),
        ends: french_date(c.ends_on),
        signed: c.signed_on.map(french_date).unwrap_or_default(),
        c,
    }
}

/// A pending claim of a new referent on a structure, for staff.
pub struct ClaimRow {
    pub c: store::claims::Claim,
    pub at: String,
}

fn claim_rows(claims: Vec<store::claims::Claim>) -> Vec<ClaimRow> {
    claims
        .into_iter()
        .map(|c| ClaimRow {
            at: domain::clock::french_instant(c.created_at),
            c,
        })
        .collect()
}

/// Messages of the structure page about its referents.
fn referent_message(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "referent-invite" => {
            "Le référent est invité : il a reçu un e-mail pour choisir son mot de passe."
        }
        "rattachement-accepte" => {
            "La demande est acceptée : la personne est référente de la structure et en est prévenue par e-mail."
        }
        "rattachement-refuse" => "La demande est refusée : la personne en est prévenue par e-mail.",
        _ => return None,
    })
}

#[derive(Template)]
#[template(path = "network/structure.html")]
struct Show {
    layout: Layout,
    s: Structure,
    d: StructureDraft,
    kinds: Vec<KindOption>,
    errors: Errs,
    can_edit: bool,
    is_staff: bool,
    promeneurs: Vec<Promeneur>,
    conventions: Vec<ConventionRow>,
    pilot_departments: Vec<Department>,
    convention_errors: Errs,
    referents: Vec<store::users::Referent>,
    claims: Vec<ClaimRow>,
    invite_errors: Errs,
    invite_name: String,
    invite_email: String,
}

impl Show {
    fn can_pilot(&self, department: &DepartmentCode) -> bool {
        self.pilot_departments.iter().any(|d| &d.code == department)
    }
}

#[allow(clippy::too_many_arguments)]
async fn show_page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    draft: Option<StructureDraft>,
    errors: Errs,
    convention_errors: Errs,
    message: Option<&str>,
) -> Result<Show, AppError> {
    let s = structures::structure(state, p, id).await?;
    let cap = p.network_editor(&s.department, Some(s.id));
    let scope = p.network_scope();
    let (promeneurs, _) = store::promeneurs::list(
        &state.db,
        &scope,
        &store::promeneurs::Filter {
            structure_id: Some(s.id),
            limit: 500,
            ..Default::default()
        },
    )
    .await?;
    let today = state.today();
    let (conventions, _) = store::conventions::list(
        &state.db,
        &scope,
        &store::conventions::Filter {
            structure_id: Some(s.id),
            limit: 100,
            ..Default::default()
        },
    )
    .await?;
    let pilot_departments = store::reference::departments(&state.db)
        .await?
        .into_iter()
        .filter(|d| p.pilot(&d.code).is_some())
        .collect();
    let title = if errors.any() || convention_errors.any() {
        format!("Erreur : {}", s.name)
    } else {
        s.name.clone()
    };
    let layout = match referent_message(message) {
        Some(text) => Layout::new(auth, title).with_flash("success", text),
        None => Layout::new(auth, title).with_message(message),
    };
    let referents = store::users::referents(&state.db, s.id).await?;
    let claims = claim_rows(signup::pending_claims(state, p, s.id).await?);
    Ok(Show {
        layout,
        referents,
        claims,
        invite_errors: Errs::default(),
        invite_name: String::new(),
        invite_email: String::new(),
        d: draft.unwrap_or_else(|| StructureDraft::from_structure(&s)),
        kinds: kinds(),
        errors,
        can_edit: cap.is_some(),
        is_staff: cap.is_some_and(|c| c.staff),
        promeneurs,
        conventions: conventions
            .into_iter()
            .map(|c| convention_row(c, today))
            .collect(),
        pilot_departments,
        convention_errors,
        s,
    })
}

#[derive(Deserialize)]
struct MessageQuery {
    message: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let page = show_page(
        &state,
        &p,
        &auth,
        id,
        None,
        Errs::default(),
        Errs::default(),
        q.message.as_deref(),
    )
    .await?;
    render(&page)
}

async fn save(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let d = draft_from(&f);
    match structures::update_structure(&state, &p, id, &d).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/reseau/structures/{id}?message=enregistre")).into_response(),
        ),
        Err(e) => {
            let errors = Errs::from_error(e.into())?;
            let page = show_page(
                &state,
                &p,
                &auth,
                id,
                Some(d),
                errors,
                Errs::default(),
                None,
            )
            .await?;
            crate::http::form::rejected(&page)
        }
    }
}

async fn archive(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Redirect, AppError> {
    let archived = f.get("archived") == "1";
    structures::archive_structure(&state, &p, id, archived).await?;
    let message = if archived { "archivee" } else { "restauree" };
    Ok(Redirect::to(&format!(
        "/reseau/structures/{id}?message={message}"
    )))
}

/// A new convention, with its signed scan (multipart: the CSRF token is in
/// the action's query string).
async fn add_convention(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    form: Multipart,
) -> Result<Response, AppError> {
    let (f, file) = super::read_multipart(form, "document").await?;
    let file = file.map(|bytes| (f.get("file_name").to_owned(), bytes));
    let result = conventions::create_convention(
        &state,
        &p,
        id,
        f.get("department"),
        f.get("starts_on"),
        f.get("ends_on"),
        f.get("signed_on"),
        file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
    )
    .await
    .map_err(AppError::from);
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/reseau/structures/{id}?message=convention-enregistree"
        ))
        .into_response()),
        Err(e) if e.status == axum::http::StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = Errs::from_error(e)?;
            let page =
                show_page(&state, &p, &auth, id, None, Errs::default(), errors, None).await?;
            crate::http::form::rejected(&page)
        }
        Err(e) => Err(e),
    }
}

/// Records the signature of a convention (date and scan).
async fn sign_convention(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    form: Multipart,
) -> Result<Redirect, AppError> {
    let (f, file) = super::read_multipart(form, "document").await?;
    let name = f.get("file_name").to_owned();
    conventions::sign_convention(
        &state,
        &p,
        id,
        f.get("signed_on"),
        file.as_ref().map(|b| (name.as_str(), b.as_slice())),
    )
    .await?;
    let c = store::conventions::find(&state.db, &p.structure_scope(), id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(Redirect::to(&format!(
        "/reseau/structures/{}?message=convention-enregistree",
        c.structure_id
    )))
}

#[derive(Template)]
#[template(path = "network/conventions.html")]
struct Conventions {
    layout: Layout,
    items: Vec<ConventionRow>,
    total: i64,
    departments: Vec<Department>,
    department: String,
    to_renew: bool,
    export_query: String,
}

#[derive(Deserialize, Default)]
struct ConventionParams {
    #[serde(default)]
    department: String,
    #[serde(default)]
    a_renouveler: String,
}

async fn conventions(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(f): Query<ConventionParams>,
) -> Result<Html<String>, AppError> {
    let scope = p.structure_scope();
    if scope.is_empty() {
        return Err(AppError::not_found());
    }
    let to_renew = f.a_renouveler == "on";
    let q = ConventionQuery {
        department: Some(f.department.clone()),
        structure_id: None,
        to_renew: Some(to_renew),
        limit: Some(500),
        offset: Some(0),
    };
    let today = state.today();
    let (items, total) =
        store::conventions::list(&state.db, &scope, &q.filter(today, true)?).await?;
    let export_query = serde_urlencoded::to_string([
        ("department", f.department.as_str()),
        ("to_renew", if to_renew { "true" } else { "false" }),
    ])
    .unwrap_or_default();
    render(&Conventions {
        layout: Layout::new(
            &auth,
            if to_renew {
                "Conventions à renouveler"
            } else {
                "Conventions"
            },
        ),
        items: items
            .into_iter()
            .map(|c| convention_row(c, today))
            .collect(),
        total,
        departments: departments_of(&state, &p).await?,
        department: f.department,
        to_renew,
        export_query,
    })
}

/// The signed convention, always as an attachment.
async fn document(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let c = store::conventions::find(&state.db, &p.structure_scope(), id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let file = match c.document_id {
        Some(d) => store::files::get(&state.db, d).await?,
        None => None,
    }
    .ok_or_else(AppError::not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.file_name),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        file.content,
    )
        .into_response())
}

/// Invites a referent of the structure (staff, or one of its referents):
/// an account without password and the activation e-mail.
async fn invite_referent(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let name = f.get("referent_name").to_owned();
    let email = f.get("referent_email").to_owned();
    match signup::invite_referent(&state, &p, id, &name, &email)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/reseau/structures/{id}?message=referent-invite#referents"
        ))
        .into_response()),
        Err(e) if e.status == axum::http::StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = Errs::from_error(e)?;
            let mut page = show_page(
                &state,
                &p,
                &auth,
                id,
                None,
                Errs::default(),
                Errs::default(),
                None,
            )
            .await?;
            page.layout.title = format!("Erreur : {}", page.s.name);
            page.invite_errors = errors;
            page.invite_name = name;
            page.invite_email = email;
            crate::http::form::rejected(&page)
        }
        Err(e) => Err(e),
    }
}

/// Approves or refuses a claim on a structure (staff of its département).
async fn decide_claim(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Redirect, AppError> {
    let approve = match f.get("decision") {
        "accepter" => true,
        "refuser" => false,
        _ => return Err(AppError::bad_request("Décision inconnue.")),
    };
    let claim = signup::decide_claim(&state, &p, id, approve).await?;
    let message = if approve {
        "rattachement-accepte"
    } else {
        "rattachement-refuse"
    };
    Ok(Redirect::to(&format!(
        "/reseau/structures/{}?message={message}#referents",
        claim.structure_id
    )))
}
