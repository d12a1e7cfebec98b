//! The receipts of an application (page and PDF) and its audition's .ics.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) struct ReceiptFile {
    label: String,
    filename: String,
    size: String,
    sha256: String,
}

#[derive(Template)]
#[template(path = "applications/receipt.html")]
pub(super) struct ReceiptPage {
    layout: Layout,
    a: Application,
    number: String,
    receipt_id: Uuid,
    at: String,
    by: String,
    module: String,
    departments: String,
    files: Vec<ReceiptFile>,
}

/// A receipt of an application `p` may read, with what its PDF needs.
pub(super) async fn receipt(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, receipt)): Id<(Uuid, Uuid)>,
) -> Result<Html<String>, AppError> {
    let calls::ReceiptView {
        application: a,
        module,
        receipt: r,
        departments,
    } = calls::receipt(&state, &p, id, receipt).await?;
    let files = r
        .documents
        .iter()
        .map(|d| ReceiptFile {
            label: module.spec.document_label(&d.kind),
            filename: d.filename.clone(),
            size: french_size(d.size),
            sha256: d.sha256.clone(),
        })
        .collect();
    render(&ReceiptPage {
        layout: Layout::new(&auth, format!("Accusé de réception n° {}", r.number)),
        number: r.number.clone(),
        receipt_id: r.id,
        at: calls::french_instant_weekday(r.issued_at),
        by: r.submitted_by.clone(),
        module: format!("{} — {}", module.spec.code, module.spec.title),
        departments,
        files,
        a,
    })
}

pub(super) async fn receipt_pdf(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, receipt)): Id<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    exports::receipt_pdf(&state, &p, id, receipt).await
}

/// The .ics of the application's audition (404 without one).
pub(super) async fn audition_ics(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    crate::auditions::ics_response(&state, &p, id).await
}
