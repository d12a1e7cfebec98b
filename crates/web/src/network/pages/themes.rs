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
use services::accounts::actor;

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
        themes: store::promeneurs::themes(&state.db).await?,
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
    let cap = p.admin().ok_or_else(AppError::not_found)?;
    let label = fields.get("label").trim().to_owned();
    let slug = match fields.get("slug").trim() {
        "" => domain::text::search_key(&label).replace(' ', "_"),
        s => s.to_owned(),
    };
    let bad = |m: &str| -> Result<Response, AppError> { Err(AppError::invalid_field("label", m)) };
    let outcome = if label.is_empty() || label.chars().count() > 80 {
        bad("Le libellé doit compter de 1 à 80 caractères.")
    } else if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        bad(
            "Le code ne peut contenir que des lettres minuscules sans accent, des chiffres et « _ ».",
        )
    } else {
        let position = fields.get("position").trim().parse().unwrap_or(100);
        let theme = Theme {
            slug,
            label,
            position,
            archived: fields.checked("archived"),
        };
        let mut tx = state.db.begin().await?;
        store::promeneurs::save_theme(&mut tx, &cap, &actor(&p), state.now(), &theme).await?;
        tx.commit().await?;
        state.directory.invalidate();
        Ok(Redirect::to("/admin/themes?message=enregistre").into_response())
    };
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
