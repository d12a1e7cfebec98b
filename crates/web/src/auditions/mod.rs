//! The auditions of a module: its pages and its API, and the .ics of an
//! application's audition both serve.

pub mod api;
pub mod pages;

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use services::auditions;
use uuid::Uuid;

use crate::{AppError, AppState, calls};

/// The .ics of an application's audition, for the applicant and staff.
pub async fn ics_response(
    state: &AppState,
    p: &domain::Principal,
    id: Uuid,
) -> Result<Response, AppError> {
    let body = auditions::audition_ics(state, p, id).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                calls::exports::attachment("audition.ics"),
            ),
        ],
        body,
    )
        .into_response())
}
