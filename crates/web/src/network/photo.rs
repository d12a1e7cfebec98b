//! A stored photo as an HTTP response: shared by the network API and the
//! public directory pages.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use store::files::StoredFile;

/// A stored photo as a JPEG response.
pub fn photo_response(file: StoredFile, cache: &'static str) -> Response {
    (
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
        .into_response()
}
