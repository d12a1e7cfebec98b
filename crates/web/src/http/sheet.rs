//! A spreadsheet as a download, in the format asked (CSV, XLSX, ODS), and
//! the `?format=` every export reads.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use documents::export::{ExportFormat, Sheet};

use serde::Deserialize;

use crate::AppError;

/// `sheet` rendered in `format`, as the attachment `{stem}.{extension}`.
/// Rendering 10 000 rows to XLSX takes a few hundred milliseconds of CPU:
/// it runs on the blocking pool, not on a thread serving other requests.
pub async fn send(sheet: Sheet, format: ExportFormat, stem: &str) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(move || format.render(&sheet))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let name = format!("{stem}.{}", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `csv` (by default), `xlsx` or `ods`.
    format: Option<String>,
}

pub fn format_of(q: &FormatQuery) -> Result<ExportFormat, AppError> {
    parse_format(q.format.as_deref())
}

/// `csv` (also when absent or empty), `xlsx` or `ods`; 422 otherwise.
pub fn parse_format(format: Option<&str>) -> Result<ExportFormat, AppError> {
    match format {
        None | Some("") => Ok(ExportFormat::Csv),
        Some(f) => ExportFormat::parse(f)
            .ok_or_else(|| AppError::invalid_field("format", "Format inconnu : csv, xlsx ou ods.")),
    }
}
