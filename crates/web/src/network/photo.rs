//! A stored photo as an HTTP response: shared by the network API and the
//! public directory pages.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use crate::{AppError, AppState};

/// A stored photo as a JPEG response.
pub async fn photo_response(
    state: &AppState,
    photo: Option<Uuid>,
    cache: &'static str,
) -> Result<Response, AppError> {
    let file = match photo {
        Some(id) => store::files::get(&state.db, id).await?,
        None => None,
    }
    .ok_or_else(AppError::not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, cache),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"photo.jpg\"",
            ),
        ],
        file.content,
    )
        .into_response())
}
