//! Downloads of calls and applications: stored files streamed as
//! attachments, the list of applications as a spreadsheet, and a ZIP of
//! every document of a module.

use std::{collections::HashSet, fmt::Write as _};

use axum::{
    body::Body,
    http::header,
    response::{IntoResponse, Response},
};
use documents::{
    bundle::{BundleEntry, write_zip},
    export::{Cell, ExportFormat, Sheet},
    filename::unique,
};
use futures_util::stream;
use store::applications::{Application, Document};
use tokio::io::AsyncReadExt;

use crate::{AppError, AppState, network::exports::send};

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
    let v = crate::calls::staff_call(state, p, call_id).await?;
    let m = v.module(code).ok_or_else(AppError::not_found)?;
    let scope = p.application_scope();
    let (mut items, _) = store::applications::list(
        &state.db,
        &scope,
        &store::applications::Filter {
            call_id: Some(v.call.id),
            module_code: Some(m.spec.code.clone()),
            filed_only: true,
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    items.retain(|a| a.status != domain::call::ApplicationStatus::Withdrawn);
    let ids: Vec<uuid::Uuid> = items.iter().map(|a| a.id).collect();
    let mut docs = store::applications::documents_of(&state.db, &ids).await?;
    docs.retain(|d| d.filed);
    bundle(
        state,
        &items,
        &docs,
        &format!("pieces-{}", m.spec.code.to_lowercase()),
    )
    .await
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
pub fn applications_sheet(
    items: &[Application],
    docs: &[Document],
    format: ExportFormat,
    stem: &str,
) -> Result<Response, AppError> {
    let sheet = Sheet {
        title: "Candidatures".into(),
        headers: [
            "module",
            "structure",
            "siret",
            "departements",
            "statut",
            "deposee_le",
            "pieces",
            "resume",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: items
            .iter()
            .map(|a| {
                let n = docs.iter().filter(|d| d.application_id == a.id).count();
                vec![
                    Cell::Text(a.module_code.clone()),
                    Cell::Text(a.structure_name.clone()),
                    a.structure_siret.clone().map_or(Cell::Empty, Cell::Text),
                    Cell::Text(a.departments.join(" ")),
                    Cell::Text(a.status.label().to_owned()),
                    a.submitted_at.map_or(Cell::Empty, |t| {
                        Cell::Text(crate::calls::french_instant_seconds(t))
                    }),
                    Cell::Int(i64::try_from(n).unwrap_or(0)),
                    Cell::Text(a.summary.clone()),
                ]
            })
            .collect(),
    };
    send(&sheet, format, stem)
}

/// A ZIP of the documents of these applications, one folder per
/// structure, written to a temporary file (stored, not compressed: PDFs
/// and office files already are) and streamed; the file is unlinked once
/// open, so nothing is left behind.
pub async fn bundle(
    state: &AppState,
    items: &[Application],
    docs: &[Document],
    stem: &str,
) -> Result<Response, AppError> {
    let mut folders = HashSet::new();
    let mut entries = Vec::new();
    for a in items {
        let folder = unique(
            &mut folders,
            documents::filename::safe_filename(&a.structure_name, "d")
                .trim_end_matches(".d")
                .to_owned(),
        );
        let mut names = HashSet::new();
        for d in docs.iter().filter(|d| d.application_id == a.id) {
            let Some(source) = state.blobs.path_of(&d.sha256) else {
                continue;
            };
            let name = unique(&mut names, format!("{}-{}", d.kind, d.file_name));
            entries.push(BundleEntry {
                name: format!("{folder}/{name}"),
                source,
            });
        }
    }
    let dir = state.blobs.root().join("tmp");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(AppError::internal)?;
    let path = dir.join(format!("{}.zip.part", uuid::Uuid::new_v4().simple()));
    let p2 = path.clone();
    let written = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::create(&p2)?;
        write_zip(std::io::BufWriter::new(file), &entries)
            .map_err(std::io::Error::other)
            .and_then(|w| w.into_inner().map_err(std::io::Error::other))
            .map(|_| ())
    })
    .await
    .map_err(AppError::internal)?;
    if let Err(e) = written {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(AppError::internal(e));
    }
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(AppError::internal)?;
    let size = file.metadata().await.map_err(AppError::internal)?.len();
    let _ = tokio::fs::remove_file(&path).await;
    Ok(stream_file(
        file,
        size,
        "application/zip",
        &format!("{stem}.zip"),
    ))
}
