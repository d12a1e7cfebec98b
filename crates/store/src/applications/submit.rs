//! Filing an application: the receipt numbered in the call, with its
//! documents frozen, and the receipts of an application.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use domain::{ApplicantCap, call::Transition};

use super::{
    check_applicant,
    documents::{DOC_COLUMNS, DocumentRow},
    sources_of,
};
use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    from_micros, micros,
};

/// A file as listed on a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptDocument {
    pub kind: String,
    pub filename: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone)]
pub struct Receipt {
    pub id: Uuid,
    pub application_id: Uuid,
    pub number: String,
    pub issued_at: Timestamp,
    pub submitted_by: String,
    pub documents: Vec<ReceiptDocument>,
}

#[derive(sqlx::FromRow)]
struct ReceiptRow {
    id: Uuid,
    application_id: Uuid,
    number: String,
    issued_at: i64,
    submitted_by: String,
    documents: String,
}

impl ReceiptRow {
    fn into_receipt(self) -> Result<Receipt, StoreError> {
        Ok(Receipt {
            id: self.id,
            application_id: self.application_id,
            number: self.number,
            issued_at: from_micros(self.issued_at),
            submitted_by: self.submitted_by,
            documents: serde_json::from_str(&self.documents)
                .map_err(|e| StoreError::Invalid(e.to_string()))?,
        })
    }
}

/// Receipts of an application, newest first.
pub async fn receipts(db: &Db, application_id: Uuid) -> Result<Vec<Receipt>, StoreError> {
    let rows: Vec<ReceiptRow> = read!(db, c => {
        sqlx::query_as("SELECT r.id, r.application_id, r.number, r.issued_at, u.name AS submitted_by, r.documents
                        FROM receipts r JOIN users u ON u.id = r.submitted_by
                        WHERE r.application_id = $1 ORDER BY r.issued_at DESC, r.number DESC")
            .bind(application_id)
            .fetch_all(c)
            .await?
    });
    rows.into_iter().map(ReceiptRow::into_receipt).collect()
}

/// Why a filing was refused inside its transaction.
#[derive(Debug)]
pub enum SubmitOutcome {
    Filed(Receipt),
    /// Another request filed it first (a double click): nothing changed.
    AlreadyFiled,
    /// These required kinds have no document: nothing changed.
    Missing(Vec<String>),
}

/// Files the application at `now`, at once: status, the module version it
/// is filed under, the documents frozen, a receipt numbered in the call.
/// The caller checked the deadline. Required kinds are checked here, in
/// the same transaction, so no document can go missing in between.
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    tx: &mut Tx,
    cap: &ApplicantCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    module_id: Uuid,
    required_kinds: &[String],
    number: impl FnOnce(i64) -> String,
) -> Result<SubmitOutcome, StoreError> {
    check_applicant(tx, cap, application_id).await?;
    let n = write!(&mut *tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE applications SET status = '{}', module_id = $2, submitted_at = COALESCE(submitted_at, $3), updated_at = $3
             WHERE id = $1 AND {}", Transition::Submit.target().as_str(), sources_of(Transition::Submit))))
            .bind(application_id)
            .bind(module_id)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Ok(SubmitOutcome::AlreadyFiled);
    }
    let docs: Vec<DocumentRow> = write!(&mut *tx, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {DOC_COLUMNS} FROM application_documents WHERE application_id = $1 ORDER BY uploaded_at, id")))
            .bind(application_id)
            .fetch_all(c)
            .await?
    });
    let missing: Vec<String> = required_kinds
        .iter()
        .filter(|k| !docs.iter().any(|d| &d.kind == *k))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Ok(SubmitOutcome::Missing(missing));
    }
    write!(&mut *tx, c => {
        sqlx::query("UPDATE application_documents SET filed = TRUE WHERE application_id = $1").bind(application_id).execute(c).await?.rows_affected()
    });
    let call_id: Uuid = write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT call_id FROM applications WHERE id = $1").bind(application_id).fetch_one(c).await?
    });
    let seq = crate::calls::next_receipt_seq(tx, call_id).await?;
    let number = number(seq);
    let documents: Vec<ReceiptDocument> = docs
        .iter()
        .map(|d| ReceiptDocument {
            kind: d.kind.clone(),
            filename: d.file_name.clone(),
            size: u64::try_from(d.size).unwrap_or(0),
            sha256: d.sha256.clone(),
        })
        .collect();
    let id = Uuid::now_v7();
    let docs_json =
        serde_json::to_string(&documents).map_err(|e| StoreError::Invalid(e.to_string()))?;
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO receipts (id, application_id, call_id, number, issued_at, submitted_by, documents) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(application_id)
            .bind(call_id)
            .bind(&number)
            .bind(micros(now))
            .bind(actor.id)
            .bind(&docs_json)
            .execute(c)
            .await?
            .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "submit",
        "application",
        application_id,
        None,
        json!({"receipt": number, "module_id": module_id, "documents": documents.len()}),
    )
    .await?;
    Ok(SubmitOutcome::Filed(Receipt {
        id,
        application_id,
        number,
        issued_at: now,
        submitted_by: actor.label.clone(),
        documents,
    }))
}
