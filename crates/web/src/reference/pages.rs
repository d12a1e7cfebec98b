//! "Ma Caf": each CAF's own details (name, address, contact), used on
//! letters and public pages; edited by the CAF's agents.

use super::CafForm;
use askama::Template;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use services::network::caf::{pilot, update};
use services::reference;
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
    let departments = reference::piloted(&state, &p).await?;
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
    let d = reference::department(&state, cap.department.as_str()).await?;
    let layout = Layout::new(&auth, d.caf_name.clone()).with_message(q.message.as_deref());
    render(&Edit {
        layout,
        d,
        errors: Errs::default(),
    })
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
            crate::http::form::redisplay(e, |errors| async move {
                let mut d = reference::department(&state, cap.department.as_str()).await?;
                d.contact_email = form.contact_email.unwrap_or_default();
                Ok::<_, AppError>(Edit {
                    layout: Layout::new(&auth, d.caf_name.clone()),
                    d,
                    errors,
                })
            })
            .await
        }
    }
}
