//! Network pages for staff and referents: structures and their
//! conventions. Here: the routes, the list, the structures waiting for
//! approval and the "new" page; a structure's file and the conventions are
//! in the submodules.

mod conventions;
mod file;

use askama::Template;

use super::pager::{PAGE_ROWS, Pager, offset_of, page_number};
use axum::{
    Router,
    extract::{DefaultBodyLimit, Query, State},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use store::{reference::Department, structures::Structure};

use crate::http::Id;
use crate::http::form::{Errs, Fields, redisplay};
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    network::{KindOption, kinds},
    network::{input::StructureDraft, query::StructureQuery},
    view::{Layout, render},
};
use conventions::{add_convention, conventions, document, sign_convention};
use file::{archive, decide_claim, invite_referent, save, show};
use services::network::{
    conventions as convention_service, departments_of, lists, signup, structures,
};

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
                convention_service::MAX_CONVENTION_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/reseau/conventions/{id}/signature",
            post(sign_convention).layer(DefaultBodyLimit::max(
                convention_service::MAX_CONVENTION_BYTES + 64 * 1024,
            )),
        )
        .route("/reseau/structures/{id}/referents", post(invite_referent))
        .route("/reseau/rattachements/{id}", post(decide_claim))
        .route("/reseau/conventions", get(conventions))
        .route("/reseau/conventions/{id}/document", get(document))
}

#[derive(Template)]
#[template(path = "network/structures.html")]
pub(super) struct List {
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
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub(super) struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    archived: String,
    message: Option<String>,
    #[serde(default)]
    page: String,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(f): Query<ListParams>,
) -> Result<Html<String>, AppError> {
    // Nothing in scope: not found, whatever the filter says.
    if p.structure_scope().is_empty() {
        return Err(AppError::not_found());
    }
    let archived = f.archived == "on";
    let page = page_number(&f.page);
    let query = StructureQuery {
        department: Some(f.department.clone()),
        kind: Some(f.kind.clone()),
        q: Some(f.q.clone()),
        archived: Some(archived),
        approval: None,
        limit: Some(PAGE_ROWS),
        offset: Some(offset_of(page)),
    };
    let (items, total) = lists::structures(&state, &p, &query.filter(true)?).await?;
    let pager = Pager::new(
        "/reseau/structures",
        &[
            ("q", f.q.as_str()),
            ("department", f.department.as_str()),
            ("kind", f.kind.as_str()),
            ("archived", f.archived.as_str()),
        ],
        page,
        items.len(),
        total,
    );
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
        pager,
    })
}

#[derive(Template)]
#[template(path = "network/structures_pending.html")]
pub(super) struct Pending {
    layout: Layout,
    items: Vec<PendingRow>,
}

pub(super) struct PendingRow {
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
            referents: lists::referents(&state, &s).await?,
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
pub(super) struct NewPage {
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
            redisplay(e, |errors| async move {
                Ok(NewPage {
                    layout: Layout::new(&auth, "Erreur : nouvelle structure"),
                    d,
                    kinds: kinds(),
                    errors,
                })
            })
            .await
        }
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

#[derive(Deserialize)]
pub(super) struct MessageQuery {
    message: Option<String>,
}
