//! The network's pages: structures and their conventions, promeneurs, the
//! spreadsheet import and the themes; the exports' downloads.

mod import;
mod pager;
mod promeneurs;
mod structures;
mod themes;

use axum::{Router, extract::Multipart, http::StatusCode, routing::get};

use crate::{AppError, AppState, http::form::Fields, network::exports};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(structures::router())
        .merge(promeneurs::router())
        .merge(import::router())
        .merge(themes::router())
        .route("/reseau/structures/export", get(exports::structures))
        .route("/reseau/promeneurs/export", get(exports::promeneurs))
        .route("/reseau/conventions/export", get(exports::conventions))
        .route("/reseau/import/modele/{kind}", get(exports::template))
}

/// Reads a multipart form: text fields and at most one file.
pub(super) async fn read_multipart(
    mut form: Multipart,
    file_field: &str,
) -> Result<(Fields, Option<Vec<u8>>), AppError> {
    let mut fields = Vec::new();
    let mut file = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::bad_request("Formulaire illisible."))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            if let Some(n) = field.file_name() {
                fields.push(("file_name".to_owned(), n.to_owned()));
            }
            let bytes = field.bytes().await.map_err(|_| {
                AppError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "Ce fichier est trop lourd.",
                )
            })?;
            if !bytes.is_empty() {
                file = Some(bytes.to_vec());
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|_| AppError::bad_request("Formulaire illisible."))?;
            fields.push((name, text));
        }
    }
    Ok((Fields(fields), file))
}
