//! Spreadsheet exports of the network lists, with the lists' filters, as
//! CSV (for French Excel), XLSX or ODS; and the import templates. Mounted
//! under the pages and the API alike. The sheets are built by
//! `services::network::exports`; this module reads the query and answers.

use axum::{
    extract::{Path, Query, State},
    response::Response,
};

use services::{imports::Kind, network::exports};

use crate::{
    AppError, AppState,
    auth::CurrentUser,
    http::sheet::{FormatQuery, format_of, send},
    network::query::{ConventionQuery, PromeneurQuery, StructureQuery},
};

/// The structures of the list, as a spreadsheet (the list's filters).
#[utoipa::path(get, operation_id = "export_structures", path = "/api/v1/structures/export", tag = "network", params(FormatQuery, StructureQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet")))))]
pub async fn structures(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(f): Query<FormatQuery>,
    Query(q): Query<StructureQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let sheet = exports::structures(&state, &p, q.filter(false)).await?;
    send(sheet, format, &format!("structures-{}", state.today())).await
}

/// The promeneurs of the list, as a spreadsheet (the list's filters).
#[utoipa::path(get, operation_id = "export_promeneurs", path = "/api/v1/promeneurs/export", tag = "network", params(FormatQuery, PromeneurQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet")))))]
pub async fn promeneurs(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(f): Query<FormatQuery>,
    Query(q): Query<PromeneurQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let sheet = exports::promeneurs(&state, &p, q.filter(false)).await?;
    send(sheet, format, &format!("promeneurs-{}", state.today())).await
}

/// The conventions of the list, as a spreadsheet (the list's filters).
#[utoipa::path(get, operation_id = "export_conventions", path = "/api/v1/conventions/export", tag = "network", params(FormatQuery, ConventionQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet")))))]
pub async fn conventions(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(f): Query<FormatQuery>,
    Query(q): Query<ConventionQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&f)?;
    let today = state.today();
    let sheet = exports::conventions(&state, &p, q.filter(today, false)).await?;
    send(sheet, format, &format!("conventions-{today}")).await
}

/// The empty spreadsheet to fill for an import, with its columns.
#[utoipa::path(get, operation_id = "import_template", path = "/api/v1/imports/{kind}/template", tag = "network",
    params(("kind" = crate::api::doc::ImportKind, Path, description = "Ce qui est importé"), FormatQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet")))))]
pub async fn template(
    CurrentUser(_, _): CurrentUser,
    Path(kind): Path<String>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let kind = Kind::parse(&kind).ok_or_else(AppError::not_found)?;
    let format = format_of(&f)?;
    send(
        services::imports::template(kind),
        format,
        &format!("modele-{}", kind.as_str()),
    )
    .await
}
