//! Network pages: promeneurs (list, file, status, photo) for staff and
//! referents, and "Mon profil" for a promeneur's own public profile. Here:
//! the routes, the list and the choices the forms offer; the form, the file
//! and the own profile are in the submodules.

mod file;
mod form;
mod profile;

use askama::Template;

use super::pager::{PAGE_ROWS, Pager, offset_of, page_number};
use axum::{
    Router,
    extract::{DefaultBodyLimit, Query, State},
    response::Html,
    routing::{get, post},
};
use domain::{Platform, Weekday, promeneur::PromeneurStatus};
use serde::Deserialize;
use store::{promeneurs::Promeneur, reference::Department};

use crate::network::query::PromeneurQuery;
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    network::gate,
    view::{Layout, render},
};
use file::{decide_proposal, open_account, qr, save, set_photo, set_status, show};
use form::{create, new_page};
use profile::{my_profile, save_my_profile};
use services::network::{departments_of, lists, promeneurs};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reseau/promeneurs", get(list))
        .route("/reseau/promeneurs/nouveau", get(new_page).post(create))
        .route("/reseau/promeneurs/{id}", get(show).post(save))
        .route("/reseau/promeneurs/{id}/statut", post(set_status))
        .route("/reseau/promeneurs/{id}/proposition", post(decide_proposal))
        .route(
            "/reseau/promeneurs/{id}/photo",
            post(set_photo).layer(DefaultBodyLimit::max(
                promeneurs::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/reseau/promeneurs/{id}/qr.svg", get(qr))
        .route("/reseau/promeneurs/{id}/compte", post(open_account))
        .route("/mon-profil", get(my_profile).post(save_my_profile))
}

/// A choice of a select list.
pub struct Opt {
    pub value: String,
    pub label: String,
}

fn platforms() -> Vec<Opt> {
    Platform::ALL
        .iter()
        .map(|p| Opt {
            value: p.as_str().into(),
            label: p.label().into(),
        })
        .collect()
}

fn weekdays() -> Vec<Opt> {
    Weekday::ALL
        .iter()
        .map(|d| Opt {
            value: d.number().to_string(),
            label: capitalise(d.name()),
        })
        .collect()
}

fn statuses() -> Vec<Opt> {
    PromeneurStatus::ALL
        .iter()
        .map(|s| Opt {
            value: s.as_str().into(),
            label: s.label().into(),
        })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub(super) struct MessageQuery {
    message: Option<String>,
}

fn saved_message(outcome: promeneurs::Outcome) -> &'static str {
    match outcome {
        promeneurs::Outcome::Written => "enregistre",
        promeneurs::Outcome::Proposed => "propose",
    }
}

// ---------------------------------------------------------------- list

pub struct Row {
    pub p: Promeneur,
    pub status_label: &'static str,
    pub in_directory: bool,
}

#[derive(Template)]
#[template(path = "network/promeneurs.html")]
pub(super) struct List {
    layout: Layout,
    items: Vec<Row>,
    total: i64,
    departments: Vec<Department>,
    statuses: Vec<Opt>,
    q: String,
    department: String,
    status: String,
    to_confirm: bool,
    /// Promeneurs with a referent's proposal waiting (staff only).
    to_confirm_count: i64,
    can_create: bool,
    export_query: String,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub(super) struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    structure_id: String,
    #[serde(default)]
    to_confirm: String,
    #[serde(default)]
    page: String,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(f): Query<ListParams>,
) -> Result<Html<String>, AppError> {
    // Nothing in scope: not found, whatever the filter says.
    if p.network_scope().is_empty() {
        return Err(AppError::not_found());
    }
    let page = page_number(&f.page);
    let query = PromeneurQuery {
        department: Some(f.department.clone()),
        status: Some(f.status.clone()),
        structure_id: Some(f.structure_id.clone()),
        q: Some(f.q.clone()),
        to_confirm: Some(f.to_confirm == "on"),
        limit: Some(PAGE_ROWS),
        offset: Some(offset_of(page)),
    };
    let (items, total) = lists::promeneurs(&state, &p, &query.filter(true)?).await?;
    let pager = Pager::new(
        "/reseau/promeneurs",
        &[
            ("q", f.q.as_str()),
            ("department", f.department.as_str()),
            ("status", f.status.as_str()),
            ("structure_id", f.structure_id.as_str()),
            ("to_confirm", f.to_confirm.as_str()),
        ],
        page,
        items.len(),
        total,
    );
    let today = state.today();
    let to_confirm_count = lists::to_confirm(&state, &p).await?;
    let export_query = serde_urlencoded::to_string([
        ("q", f.q.as_str()),
        ("department", f.department.as_str()),
        ("status", f.status.as_str()),
        ("structure_id", f.structure_id.as_str()),
    ])
    .unwrap_or_default();
    render(&List {
        layout: Layout::new(&auth, "Promeneurs"),
        items: items
            .into_iter()
            .map(|x| Row {
                status_label: x.status.label(),
                in_directory: gate::visible(&x, today),
                p: x,
            })
            .collect(),
        total,
        departments: departments_of(&state, &p).await?,
        statuses: statuses(),
        q: f.q,
        department: f.department,
        status: f.status,
        to_confirm: f.to_confirm == "on",
        to_confirm_count,
        can_create: lists::may_add_promeneur(&state, &p).await?,
        export_query,
        pager,
    })
}
