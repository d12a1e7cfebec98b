//! A promeneur's public profile and photo.

use askama::Template;
use axum::{
    extract::{Path, State},
    response::{Html, Response},
};
use uuid::Uuid;

use super::Card;
use crate::{
    AppError, AppState,
    auth::MaybeUser,
    network::photo::photo_response,
    view::{Layout, render},
};

#[derive(Template)]
#[template(path = "public/profile.html")]
struct ProfilePage<'a> {
    layout: Layout,
    p: Card<'a>,
}

/// The same 404 for an unknown id, a promeneur who is not public and a
/// malformed id: the page says nothing about who exists.
fn public_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::not_found())
}

pub(super) async fn profile(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let id = public_id(&id)?;
    let snapshot = state.directory.snapshot(&state.db, state.now()).await?;
    let entry = snapshot.get(id).ok_or_else(AppError::not_found)?;
    let p = Card::new(entry, snapshot.theme_labels(), state.now());
    render(&ProfilePage {
        layout: Layout::new(&auth, format!("{} — Promeneur du Net", p.name)),
        p,
    })
}

pub(super) async fn photo(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = public_id(&id)?;
    let file = services::directory::public::photo(&state, id).await?;
    Ok(photo_response(file, "public, max-age=300"))
}
