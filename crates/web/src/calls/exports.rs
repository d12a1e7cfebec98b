//! Downloads of calls and applications: stored files streamed as
//! attachments, the list of applications as a spreadsheet, and a ZIP of
//! every document of a module. What they hold is made by
//! `services::applications::exports`; here, the HTTP answers.

use std::fmt::Write as _;

use axum::{
    body::Body,
    http::header,
    response::{IntoResponse, Response},
};
use documents::export::ExportFormat;
use futures_util::stream;
use services::applications::exports;
use store::applications::{Application, Document};
use tokio::io::AsyncReadExt;

use crate::{AppError, AppState, http::sheet::send};

/// `attachment; filename="ascii"; filename*=UTF-8''…`: never shown inline.
pub fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            let _ = write!(encoded, "%{b:02X}");
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Streams an open file as an attachment, in 64 kB chunks.
pub fn stream_file(file: tokio::fs::File, size: u64, content_type: &str, name: &str) -> Response {
    let body = Body::from_stream(stream::unfold(file, |mut f| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(buf)), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    }));
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_LENGTH, size.to_string()),
            (header::CONTENT_DISPOSITION, attachment(name)),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// A stored file by digest, as an attachment.
pub async fn stored(
    state: &AppState,
    sha256: &str,
    size: i64,
    file_type: &str,
    name: &str,
) -> Result<Response, AppError> {
    let file = state.blobs.open(sha256).await.map_err(AppError::internal)?;
    let mime = documents::filetype::FileType::parse(file_type).map_or(
        "application/octet-stream",
        documents::filetype::FileType::mime,
    );
    Ok(stream_file(
        file,
        u64::try_from(size).unwrap_or(0),
        mime,
        name,
    ))
}

/// A file offered with a call `p` may see, as an attachment.
pub async fn call_file(
    state: &AppState,
    p: Option<&domain::Principal>,
    call_id: uuid::Uuid,
    file_id: uuid::Uuid,
) -> Result<Response, AppError> {
    let v = crate::calls::call(state, p, call_id).await?;
    let f = v
        .files
        .iter()
        .find(|f| f.id == file_id)
        .ok_or_else(AppError::not_found)?;
    stored(state, &f.sha256, f.size, &f.file_type, &f.file_name).await
}

/// The ZIP of a module for the call's staff: the filed documents of the
/// filed applications `p` may see, withdrawn ones left out.
pub async fn module_zip(
    state: &AppState,
    p: &domain::Principal,
    call_id: uuid::Uuid,
    code: &str,
) -> Result<Response, AppError> {
    let m = exports::module_documents(state, p, call_id, code).await?;
    bundle(state, &m.applications, &m.documents, &m.stem).await
}

/// A receipt as a PDF attachment (made on a blocking thread).
pub async fn receipt_pdf(
    state: &AppState,
    p: &domain::Principal,
    id: uuid::Uuid,
    receipt_id: uuid::Uuid,
) -> Result<Response, AppError> {
    let v = crate::calls::receipt(state, p, id, receipt_id).await?;
    let name = format!("accuse-de-reception-{}.pdf", v.receipt.number);
    let pdf = tokio::task::spawn_blocking(move || {
        crate::calls::receipt_pdf(&v.application, &v.module, &v.receipt, &v.departments)
    })
    .await
    .map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, attachment(&name)),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

/// The applications of a call as a spreadsheet.
pub async fn applications_sheet(
    items: &[Application],
    docs: &[Document],
    format: ExportFormat,
    stem: &str,
) -> Result<Response, AppError> {
    send(exports::applications_sheet(items, docs), format, stem).await
}

/// A ZIP of the documents of these applications, one folder per
/// structure (`services::applications::exports::bundle`), streamed.
pub async fn bundle(
    state: &AppState,
    items: &[Application],
    docs: &[Document],
    stem: &str,
) -> Result<Response, AppError> {
    let (file, size) = exports::bundle(state, items, docs).await?;
    Ok(stream_file(
        file,
        size,
        "application/zip",
        &format!("{stem}.zip"),
    ))
}
