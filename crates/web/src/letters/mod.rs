//! Result letters and conventions: their pages and their API, and the PDF
//! answer both serve.

pub mod api;
pub mod pages;

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use services::letters;
use uuid::Uuid;

use crate::{AppError, AppState, calls::exports::attachment};

/// A letter as a PDF attachment (pages and API).
pub async fn pdf_response(
    state: &AppState,
    p: &domain::Principal,
    id: Uuid,
    kind: &str,
) -> Result<Response, AppError> {
    let bytes = letters::document(state, p, id, kind).await?;
    let name = if kind == letters::CONVENTION {
        "convention.pdf"
    } else {
        "courrier.pdf"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, attachment(name)),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
