//! The documents of an application: listed, added and deleted while the
//! applicant may still change it.

use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use domain::ApplicantCap;

use super::{check_applicant, editable};
use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    from_micros, micros,
    query::Sql,
};

/// A document of an application.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: Uuid,
    pub application_id: Uuid,
    pub kind: String,
    pub file_name: String,
    pub file_type: String,
    pub size: i64,
    pub sha256: String,
    pub filed: bool,
    pub uploaded_at: Timestamp,
}

/// A document as stored (`DOC_COLUMNS`).
#[derive(sqlx::FromRow)]
pub(super) struct DocumentRow {
    pub(super) id: Uuid,
    pub(super) application_id: Uuid,
    pub(super) kind: String,
    pub(super) file_name: String,
    pub(super) file_type: String,
    pub(super) size: i64,
    pub(super) sha256: String,
    pub(super) filed: bool,
    pub(super) uploaded_at: i64,
}

impl From<DocumentRow> for Document {
    fn from(r: DocumentRow) -> Self {
        Self {
            id: r.id,
            application_id: r.application_id,
            kind: r.kind,
            file_name: r.file_name,
            file_type: r.file_type,
            size: r.size,
            sha256: r.sha256,
            filed: r.filed,
            uploaded_at: from_micros(r.uploaded_at),
        }
    }
}

pub(super) const DOC_COLUMNS: &str =
    "id, application_id, kind, file_name, file_type, size, sha256, filed, uploaded_at";

pub async fn documents(db: &Db, application_id: Uuid) -> Result<Vec<Document>, StoreError> {
    documents_of(db, &[application_id]).await
}

/// Documents of several applications (lists, bundles), in upload order.
pub async fn documents_of(db: &Db, ids: &[Uuid]) -> Result<Vec<Document>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!(
        "SELECT {DOC_COLUMNS} FROM application_documents WHERE "
    ));
    let inl = sql.in_list("application_id", ids);
    sql.push(&inl);
    sql.push(" ORDER BY uploaded_at, id");
    let rows: Vec<DocumentRow> = sql.fetch_all(db).await?;
    Ok(rows.into_iter().map(Document::from).collect())
}

#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub kind: &'a str,
    pub file_name: &'a str,
    pub file_type: &'a str,
    pub size: u64,
    pub sha256: &'a str,
    /// Replace the documents of this kind not yet filed.
    pub replace: bool,
}

/// Adds a document while the application is editable
/// (`Conflict("not_editable")` otherwise).
pub async fn add_document(
    tx: &mut Tx,
    cap: &ApplicantCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    d: &NewDocument<'_>,
) -> Result<Uuid, StoreError> {
    check_applicant(tx, cap, application_id).await?;
    let editable: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM applications WHERE id = $1 AND {}", editable())))
            .bind(application_id)
            .fetch_one(c)
            .await?
    });
    if editable == 0 {
        return Err(StoreError::Conflict("not_editable"));
    }
    if d.replace {
        write!(&mut *tx, c => {
            sqlx::query("DELETE FROM application_documents WHERE application_id = $1 AND kind = $2 AND filed = FALSE")
                .bind(application_id)
                .bind(d.kind)
                .execute(c)
                .await?
                .rows_affected()
        });
    }
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO application_documents (id, application_id, kind, file_name, file_type, size, sha256, filed, uploaded_by, uploaded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $9)")
            .bind(id)
            .bind(application_id)
            .bind(d.kind)
            .bind(d.file_name)
            .bind(d.file_type)
            .bind(i64::try_from(d.size).unwrap_or(i64::MAX))
            .bind(d.sha256)
            .bind(actor.id)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    write!(&mut *tx, c => {
        sqlx::query("UPDATE applications SET updated_at = $2 WHERE id = $1").bind(application_id).bind(micros(now)).execute(c).await?.rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "add_document",
        "application",
        application_id,
        None,
        json!({"document_id": id, "kind": d.kind, "file_name": d.file_name, "size": d.size, "sha256": d.sha256}),
    )
    .await?;
    Ok(id)
}

/// Deletes a document not yet filed, while the application is editable.
pub async fn delete_document(
    tx: &mut Tx,
    cap: &ApplicantCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    document_id: Uuid,
) -> Result<(), StoreError> {
    check_applicant(tx, cap, application_id).await?;
    let n = write!(&mut *tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM application_documents WHERE id = $1 AND application_id = $2 AND filed = FALSE
             AND EXISTS (SELECT 1 FROM applications WHERE id = $2 AND {})", editable())))
            .bind(document_id)
            .bind(application_id)
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("not_editable"));
    }
    audit::log(
        tx,
        actor,
        now,
        "delete_document",
        "application",
        application_id,
        None,
        json!({"document_id": document_id}),
    )
    .await
}
