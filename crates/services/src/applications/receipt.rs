//! The receipt of a filed application, and its PDF.

use domain::{DepartmentCode, Principal};
use store::{
    applications::{Application, Receipt},
    calls::{Call, Module},
};
use uuid::Uuid;

use super::{application, modules_of};
use crate::{
    Ctx, ServiceError,
    calls::{call, french_instant_seconds},
};

/// One receipt of an application, with what it is shown with.
#[derive(Debug)]
pub struct ReceiptView {
    pub application: Application,
    /// The module version the application is filed under.
    pub module: Module,
    pub receipt: Receipt,
    /// "Allier (03) et Puy-de-Dôme (63)".
    pub departments: String,
}

/// A receipt `p` may read: the applicant's and the call's staff.
pub async fn receipt(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    receipt_id: Uuid,
) -> Result<ReceiptView, ServiceError> {
    let a = application(ctx, p, id).await?;
    let receipt = store::applications::receipts(&ctx.db, a.id)
        .await?
        .into_iter()
        .find(|r| r.id == receipt_id)
        .ok_or(ServiceError::NotFound)?;
    let (module, _) = modules_of(ctx, &a).await?;
    let v = call(ctx, Some(p), a.call_id).await?;
    let departments = departments_label(&v.call, &a.departments);
    Ok(ReceiptView {
        application: a,
        module,
        receipt,
        departments,
    })
}

/// The receipt PDF of one filing.
pub fn receipt_pdf(a: &Application, module: &Module, r: &Receipt, departments: &str) -> Vec<u8> {
    documents::receipt::receipt_pdf(&documents::receipt::Receipt {
        number: r.number.clone(),
        call_title: a.call_title.clone(),
        module: format!("{} — {}", module.spec.code, module.spec.title),
        structure: match &a.structure_siret {
            Some(s) => format!("{} (SIRET {s})", a.structure_name),
            None => a.structure_name.clone(),
        },
        departments: departments.to_owned(),
        submitted_at: french_instant_seconds(r.issued_at),
        submitted_by: r.submitted_by.clone(),
        documents: r
            .documents
            .iter()
            .map(|d| documents::receipt::ReceiptDocument {
                kind: module.spec.document_label(&d.kind),
                filename: d.filename.clone(),
                size: d.size,
                sha256: d.sha256.clone(),
            })
            .collect(),
    })
}

/// "Allier (03) et Puy-de-Dôme (63)".
pub fn departments_label(call: &Call, codes: &[DepartmentCode]) -> String {
    let names: Vec<String> = codes
        .iter()
        .map(|c| {
            call.departments
                .iter()
                .find(|d| &d.department == c)
                .map_or_else(|| c.to_string(), |d| format!("{} ({})", d.name, c))
        })
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    }
}
