//! The conventions of structures: add one, sign one, list them, download
//! a signed scan.

use askama::Template;
use axum::{
    extract::{Multipart, Query, State},
    http::header,
    response::{Html, IntoResponse, Redirect, Response},
};
use domain::clock::french_date;
use serde::Deserialize;
use store::{conventions::Convention, reference::Department};

use super::file::show_page;
use crate::http::Id;
use crate::http::form::{Errs, redisplay};
use crate::network::pages::read_multipart;
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    network::query::ConventionQuery,
    view::{Layout, render},
};
use services::network::{conventions as convention_service, departments_of, lists};

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

/// A new convention, with its signed scan (multipart: the CSRF token is in
/// the action's query string).
pub(super) async fn add_convention(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    form: Multipart,
) -> Result<Response, AppError> {
    let (f, file) = read_multipart(form, "document").await?;
    let file = file.map(|bytes| (f.get("file_name").to_owned(), bytes));
    let result = convention_service::create_convention(
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
        Err(e) => {
            redisplay(e, |errors| {
                show_page(&state, &p, &auth, id, None, Errs::default(), errors, None)
            })
            .await
        }
    }
}

/// Records the signature of a convention (date and scan).
pub(super) async fn sign_convention(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    form: Multipart,
) -> Result<Redirect, AppError> {
    let (f, file) = read_multipart(form, "document").await?;
    let name = f.get("file_name").to_owned();
    convention_service::sign_convention(
        &state,
        &p,
        id,
        f.get("signed_on"),
        file.as_ref().map(|b| (name.as_str(), b.as_slice())),
    )
    .await?;
    let c = lists::convention(&state, &p, id).await?;
    Ok(Redirect::to(&format!(
        "/reseau/structures/{}?message=convention-enregistree",
        c.structure_id
    )))
}

#[derive(Template)]
#[template(path = "network/conventions.html")]
pub(super) struct Conventions {
    layout: Layout,
    items: Vec<ConventionRow>,
    total: i64,
    departments: Vec<Department>,
    department: String,
    to_renew: bool,
    export_query: String,
}

#[derive(Deserialize, Default)]
pub(super) struct ConventionParams {
    #[serde(default)]
    department: String,
    #[serde(default)]
    a_renouveler: String,
}

pub(super) async fn conventions(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(f): Query<ConventionParams>,
) -> Result<Html<String>, AppError> {
    // Nothing in scope: not found, whatever the filter says.
    if p.structure_scope().is_empty() {
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
    let (items, total) = lists::conventions(&state, &p, &q.filter(today, true)?).await?;
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
pub(super) async fn document(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let file = lists::convention_document(&state, &p, id).await?;
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
