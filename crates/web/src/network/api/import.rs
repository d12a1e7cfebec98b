//! The spreadsheet import over the API.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use services::imports::{self, Kind};

use crate::{AppError, AppState, auth::CurrentUser};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check only; write nothing.
    dry_run: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    valid: bool,
    dry_run: bool,
    creates: usize,
    updates: usize,
    rows: Vec<PlannedRow>,
    errors: Vec<RowError>,
    ignored_columns: Vec<String>,
    /// What was written (absent on a dry run or with errors).
    summary: Option<Summary>,
}

// The report's parts, as the API shows and describes them (the service's
// types carry no OpenAPI schema: services know nothing of HTTP).

#[derive(Serialize, ToSchema)]
pub struct RowError {
    /// The row number as the spreadsheet shows it (the header is row 1).
    line: usize,
    /// The column's header in the template.
    column: String,
    message: String,
}

impl From<&imports::RowError> for RowError {
    fn from(e: &imports::RowError) -> Self {
        Self {
            line: e.line,
            column: e.column.clone(),
            message: e.message.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
}

#[derive(Serialize, ToSchema)]
pub struct PlannedRow {
    line: usize,
    action: Action,
    label: String,
}

impl From<&imports::PlannedRow> for PlannedRow {
    fn from(r: &imports::PlannedRow) -> Self {
        Self {
            line: r.line,
            action: match r.action {
                imports::Action::Create => Action::Create,
                imports::Action::Update => Action::Update,
            },
            label: r.label.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Summary {
    created: usize,
    updated: usize,
}

impl From<imports::Summary> for Summary {
    fn from(s: imports::Summary) -> Self {
        Self {
            created: s.created,
            updated: s.updated,
        }
    }
}

/// The 422 of an import: the report of a file with invalid rows, or the
/// error JSON of a file that cannot be read. Only described, never built.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ImportRefusal {
    Rows(ImportOut),
    File(crate::http::error::ErrorBody),
}

/// Imports a CSV, XLSX or ODS file (the request body). Nothing is written
/// unless every row is valid: otherwise 422 with every error by row.
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "network", params(("kind" = crate::api::doc::ImportKind, Path, description = "Ce qui est importé"), ImportQuery),
    request_body(description = "Le fichier CSV, XLSX ou ODS", content(
        (Vec<u8> = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (Vec<u8> = "application/vnd.oasis.opendocument.spreadsheet"))),
    responses((status = 200, body = ImportOut, description = "Importé, ou vérifié (`dry_run`)"),
              (status = 413), (status = 415),
              (status = 422, body = ImportRefusal, description = "Des lignes invalides (le rapport, rien d'écrit), ou un fichier illisible (l'erreur JSON)")))]
pub async fn import_file(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Path(kind): Path<String>,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let kind = Kind::parse(&kind).ok_or_else(AppError::not_found)?;
    if !p.is_staff() {
        return Err(AppError::not_found());
    }
    let communes = state.communes().await?;
    let plan = imports::plan(
        &state.db,
        &p,
        &communes,
        kind,
        &body,
        &state.settings.sandbox,
    )
    .await
    .map_err(crate::network::import_file_error)?;
    let dry_run = q.dry_run.unwrap_or(false);
    let summary = if plan.is_valid() && !dry_run {
        let summary = imports::apply(
            &state.db,
            &p,
            &services::accounts::actor(&p),
            state.now(),
            state.today(),
            &plan,
            None,
            &|_| {},
        )
        .await
        .map_err(|e| match e {
            services::ServiceError::NotFound => {
                AppError::forbidden("Une ligne sort de vos droits.")
            }
            other => other.into(),
        })?;
        state.directory.invalidate();
        summary
    } else {
        None
    };
    let out = ImportOut {
        valid: plan.is_valid(),
        dry_run,
        creates: plan.creates(),
        updates: plan.updates(),
        rows: plan.rows.iter().map(PlannedRow::from).collect(),
        errors: plan.errors.iter().map(RowError::from).collect(),
        ignored_columns: plan.ignored_columns.clone(),
        summary: summary.map(Summary::from),
    };
    let status = if plan.is_valid() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(out)).into_response())
}
