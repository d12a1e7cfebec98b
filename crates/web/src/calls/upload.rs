//! Documents received in a multipart form, streamed to the file storage:
//! never whole in memory, the size limit enforced while reading (413), the
//! type decided by content once complete (415), the name made safe.

use axum::{extract::Multipart, http::StatusCode};
use documents::filename::safe_filename;
use store::blobs::{Upload, UploadError};

use crate::{AppError, AppState, http::form::Fields};

pub use services::files::Received;

pub fn too_large(limit: u64) -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "Ce fichier dépasse la taille maximale de {} Mo : réduisez-le (PDF compressé, images moins lourdes) ou découpez-le.",
            limit / 1_000_000
        ),
    )
}

pub fn unsupported() -> AppError {
    AppError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_type",
        "Ce type de fichier n'est pas accepté : déposez un PDF, un document (ODT, DOCX), un tableur (ODS, XLSX) ou une image (PNG, JPEG).",
    )
}

fn unreadable() -> AppError {
    AppError::bad_request("Formulaire illisible : l'envoi a peut-être été interrompu. Réessayez.")
}

/// Reads a multipart form whose field `file_field` is a document: the
/// other fields as text (at most 64 kB each), the file streamed.
pub async fn read(
    state: &AppState,
    mut form: Multipart,
    file_field: &str,
) -> Result<(Fields, Option<Received>), AppError> {
    let limit = state.settings.upload_limit;
    let mut fields = Vec::new();
    let mut received = None;
    while let Some(mut field) = form.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field && received.is_none() {
            let raw_name = field.file_name().unwrap_or_default().to_owned();
            let mut upload: Upload = state.blobs.begin(limit).await.map_err(AppError::internal)?;
            while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                match upload.write(&chunk).await {
                    Ok(()) => {}
                    Err(UploadError::TooLarge { limit }) => return Err(too_large(limit)),
                    Err(UploadError::Io(e)) => return Err(AppError::internal(e)),
                }
            }
            if upload.size() == 0 {
                // An empty file input: no file chosen.
                continue;
            }
            upload.finish_writing().await.map_err(AppError::internal)?;
            let path = upload.temp_path().to_owned();
            let detected = tokio::task::spawn_blocking(move || documents::filetype::detect(&path))
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?;
            let Some(file_type) = detected else {
                return Err(unsupported());
            };
            let file_name = safe_filename(&raw_name, file_type.extension());
            received = Some(Received::new(upload, file_name, file_type));
        } else {
            let mut text = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                text.extend_from_slice(&chunk);
                if text.len() > 64 * 1024 {
                    return Err(AppError::bad_request(
                        "Un champ du formulaire est trop long.",
                    ));
                }
            }
            fields.push((name, String::from_utf8_lossy(&text).into_owned()));
        }
    }
    Ok((Fields(fields), received))
}
