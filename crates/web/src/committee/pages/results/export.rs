//! The results of a module as a spreadsheet, from its results page.

use axum::{
    extract::{Query, State},
    response::Response,
};
use services::committee;
use uuid::Uuid;

use crate::{
    AppError, AppState,
    auth::CurrentUser,
    http::{
        Id,
        sheet::{FormatQuery, format_of, send},
    },
};

pub(super) async fn export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let sheet = committee::results_sheet(&state, &p, id, &code).await?;
    send(
        sheet,
        format,
        &format!("resultats-{code}-{}", state.today()),
    )
    .await
}

/// The proposals and decisions of a call as a spreadsheet, from its
/// management page.
pub(super) async fn decisions(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let sheet = committee::decisions_sheet(&state, &p, id).await?;
    send(sheet, format, &format!("decisions-{}", state.today())).await
}
