//! "Ma Caf": each CAF's own details (name, address, contact), used on
//! letters and public pages; edited by the CAF's agents.

use askama::Template;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use services::network::caf::{CafDraft, pilot, update};
use store::reference::Department;

use crate::http::form::Errs;
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/caf", get(list))
        .route("/caf/{code}", get(edit_page).post(save))
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
        .filter(|d| p.pilot(&d.code).is_some())
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

/// The form of the page (its CSRF token included).
#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
struct CafForm {
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
    #[serde(default)]
    #[allow(dead_code)]
    pub csrf_token: Option<String>,
}

impl From<CafForm> for CafDraft {
    fn from(f: CafForm) -> Self {
        Self {
            caf_name: f.caf_name,
            caf_address: f.caf_address,
            contact_name: f.contact_name,
            contact_email: f.contact_email,
            contact_phone: f.contact_phone,
        }
    }
}

async fn save(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<CafForm>,
) -> Result<Response, AppError> {
    let cap = pilot(&p, &code)?;
    match update(&state, &p, &cap, &form.clone().into()).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/caf/{}?message=enregistre", cap.department)).into_response(),
        ),
        Err(e) => {
            let errors = Errs::from_error(e.into())?;
            let mut d = store::reference::department(&state.db, cap.department.as_str())
                .await?
                .ok_or_else(AppError::not_found)?;
            d.contact_email = form.contact_email.unwrap_or_default();
            let page = Edit {
                layout: Layout::new(&auth, d.caf_name.clone()),
                d,
                errors,
            };
            crate::http::form::rejected(&page)
        }
    }
}
