//! The list of themes promeneurs choose from, kept by administrators.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use store::promeneurs::Theme;

use crate::http::form::Fields;
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    view::{Layout, render},
};
use services::network::themes::{self, ThemeDraft};

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/themes", get(page).post(save))
}

#[derive(Template)]
#[template(path = "admin/themes.html")]
struct Page {
    layout: Layout,
    themes: Vec<Theme>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct MessageQuery {
    message: Option<String>,
}

async fn render_page(
    state: &AppState,
    auth: &Auth,
    error: Option<String>,
    message: Option<&str>,
) -> Result<Html<String>, AppError> {
    let title = if error.is_some() {
        "Erreur : thèmes"
    } else {
        "Thèmes"
    };
    render(&Page {
        layout: Layout::new(auth, title).with_message(message),
        themes: themes::themes(state).await?,
        error,
    })
}

async fn page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    p.admin().ok_or_else(AppError::not_found)?;
    render_page(&state, &auth, None, q.message.as_deref()).await
}

/// Adds a theme (a new code) or changes one (label, order, archived).
async fn save(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    fields: Fields,
) -> Result<Response, AppError> {
    p.admin().ok_or_else(AppError::not_found)?;
    let d = ThemeDraft {
        slug: fields.get("slug").to_owned(),
        label: fields.get("label").to_owned(),
        position: fields.get("position").to_owned(),
        archived: fields.checked("archived"),
    };
    let outcome = themes::save_theme(&state, &p, &d)
        .await
        .map(|()| Redirect::to("/admin/themes?message=enregistre").into_response())
        .map_err(AppError::from);
    match outcome {
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let msg = e.fields.values().next().cloned().unwrap_or(e.message);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render_page(&state, &auth, Some(msg), None).await?,
            )
                .into_response())
        }
        other => other,
    }
}
