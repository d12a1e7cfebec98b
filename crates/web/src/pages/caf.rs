//! "Ma Caf": each CAF's own details (name, address, contact), used on
//! letters and public pages; edited by the CAF's agents.

use askama::Template;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use domain::{DepartmentCap, DepartmentCode, Principal};
use serde::Deserialize;
use store::reference::{CafSettings, Department};

use super::form::Errs;
use crate::{
    AppError, AppState,
    accounts::actor,
    auth::CurrentUser,
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/caf", get(list))
        .route("/caf/{code}", get(edit_page).post(save))
}

/// The capability to pilot `code`, or a 404 as if it did not exist.
pub fn pilot(p: &Principal, code: &str) -> Result<DepartmentCap, AppError> {
    DepartmentCode::parse(code)
        .ok()
        .and_then(|d| p.pilot(&d))
        .ok_or_else(AppError::not_found)
}

#[derive(Template)]
#[template(path = "caf_list.html")]
struct List {
    layout: Layout,
    departments: Vec<Department>,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Html<String>, AppError> {
    let departments: Vec<Department> = store::reference::departments(&state.db)
        .await?
        .into_iter()
        .filter(|d| pilot(&p, &d.code).is_ok())
        .collect();
    if departments.is_empty() {
        return Err(AppError::not_found());
    }
    render(&List {
        layout: Layout::new(&auth, "Ma Caf"),
        departments,
    })
}

#[derive(Template)]
#[template(path = "caf_edit.html")]
struct Edit {
    layout: Layout,
    d: Department,
    errors: Errs,
}

#[derive(Deserialize)]
struct MessageQuery {
    message: Option<String>,
}

async fn edit_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let cap = pilot(&p, &code)?;
    let d = store::reference::department(&state.db, cap.department.as_str())
        .await?
        .ok_or_else(AppError::not_found)?;
    let layout = Layout::new(&auth, d.caf_name.clone()).with_message(q.message.as_deref());
    render(&Edit {
        layout,
        d,
        errors: Errs::default(),
    })
}

#[derive(Deserialize, Clone, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CafForm {
    #[serde(default)]
    pub caf_name: Option<String>,
    #[serde(default)]
    pub caf_address: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub csrf_token: Option<String>,
}

/// Checks and normalises the fields; shared with the API.
pub fn parse_caf_form(f: &CafForm) -> Result<CafSettings, AppError> {
    let clean = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_owned());
    let email = clean(&f.contact_email);
    if let Some(e) = email.as_deref().filter(|e| !e.is_empty())
        && domain::Email::parse(e).is_err()
    {
        return Err(AppError::invalid_field(
            "contact_email",
            "Adresse e-mail invalide.",
        ));
    }
    if clean(&f.caf_name).is_some_and(|n| n.is_empty()) {
        return Err(AppError::invalid_field(
            "caf_name",
            "Le nom de la Caf ne peut pas être vide.",
        ));
    }
    for v in [
        &f.caf_name,
        &f.caf_address,
        &f.contact_name,
        &f.contact_email,
        &f.contact_phone,
    ]
    .into_iter()
    .flatten()
    {
        if v.chars().count() > 500 {
            return Err(AppError::bad_request("Un champ dépasse 500 caractères."));
        }
    }
    Ok(CafSettings {
        caf_name: clean(&f.caf_name),
        caf_address: clean(&f.caf_address),
        contact_name: clean(&f.contact_name),
        contact_email: email.map(|e| e.to_lowercase()),
        contact_phone: clean(&f.contact_phone),
    })
}

pub async fn update(
    state: &AppState,
    p: &Principal,
    cap: &DepartmentCap,
    form: &CafForm,
) -> Result<(), AppError> {
    let settings = parse_caf_form(form)?;
    let mut tx = state.db.begin().await?;
    store::reference::update_caf_settings(&mut tx, cap, &actor(p), state.now(), &settings).await?;
    tx.commit().await?;
    Ok(())
}

async fn save(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<CafForm>,
) -> Result<Response, AppError> {
    let cap = pilot(&p, &code)?;
    match update(&state, &p, &cap, &form).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/caf/{}?message=enregistre", cap.department)).into_response(),
        ),
        Err(e) => {
            let errors = Errs::from_error(e)?;
            let mut d = store::reference::department(&state.db, cap.department.as_str())
                .await?
                .ok_or_else(AppError::not_found)?;
            d.contact_email = form.contact_email.unwrap_or_default();
            let page = Edit {
                layout: Layout::new(&auth, d.caf_name.clone()),
                d,
                errors,
            };
            super::form::rejected(&page)
        }
    }
}
