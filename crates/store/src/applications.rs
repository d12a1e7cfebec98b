//! Applications to a module of a call: their départements, documents,
//! messages (complement requests and answers) and receipts. Every read is
//! scoped: staff see the applications covering one of their départements,
//! referents those of their structures.

use std::collections::BTreeMap;

use domain::{NetworkScope, call::ApplicationStatus};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    from_micros, micros,
    query::Sql,
};

#[derive(Debug, Clone)]
pub struct Application {
    pub id: Uuid,
    pub call_id: Uuid,
    pub call_title: String,
    pub module_code: String,
    /// The module version the application is filed under.
    pub module_id: Uuid,
    pub module_version: i64,
    pub structure_id: Uuid,
    pub structure_name: String,
    pub structure_siret: Option<String>,
    pub status: ApplicationStatus,
    pub summary: String,
    pub answers: BTreeMap<String, String>,
    pub departments: Vec<String>,
    pub created_by: Uuid,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
    pub withdrawn_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    call_id: Uuid,
    call_title: String,
    module_code: String,
    module_id: Uuid,
    module_version: i64,
    structure_id: Uuid,
    structure_name: String,
    structure_siret: Option<String>,
    status: String,
    summary: String,
    answers: String,
    created_by: Uuid,
    created_at: i64,
    updated_at: i64,
    submitted_at: Option<i64>,
    withdrawn_at: Option<i64>,
}

const SELECT: &str = "SELECT a.id, a.call_id, c.title AS call_title, a.module_code, a.module_id,
    m.version AS module_version, a.structure_id, s.name AS structure_name, s.siret AS structure_siret,
    a.status, a.summary, a.answers, a.created_by, a.created_at, a.updated_at, a.submitted_at, a.withdrawn_at
    FROM applications a JOIN calls c ON c.id = a.call_id JOIN call_modules m ON m.id = a.module_id
    JOIN structures s ON s.id = a.structure_id";

fn parse_status(s: &str) -> Result<ApplicationStatus, StoreError> {
    ApplicationStatus::parse(s).ok_or_else(|| StoreError::Invalid(format!("status {s}")))
}

impl Row {
    fn into_application(self, departments: Vec<String>) -> Result<Application, StoreError> {
        Ok(Application {
            id: self.id,
            call_id: self.call_id,
            call_title: self.call_title,
            module_code: self.module_code,
            module_id: self.module_id,
            module_version: self.module_version,
            structure_id: self.structure_id,
            structure_name: self.structure_name,
            structure_siret: self.structure_siret,
            status: parse_status(&self.status)?,
            summary: self.summary,
            answers: serde_json::from_str(&self.answers).unwrap_or_default(),
            departments,
            created_by: self.created_by,
            created_at: from_micros(self.created_at),
            updated_at: from_micros(self.updated_at),
            submitted_at: self.submitted_at.map(from_micros),
            withdrawn_at: self.withdrawn_at.map(from_micros),
        })
    }
}

/// The condition that an application `a` is visible: it covers one of
/// the staff's départements, or belongs to one of the referent's
/// structures.
fn scope_condition(sql: &mut Sql, scope: &NetworkScope) -> String {
    let mut parts = Vec::new();
    match scope.departments.codes() {
        None => return "1 = 1".to_owned(),
        Some(codes) if !codes.is_empty() => {
            let inl = sql.in_list("x.department", &codes);
            parts.push(format!(
                "EXISTS (SELECT 1 FROM application_departments x WHERE x.application_id = a.id AND {inl})"
            ));
        }
        Some(_) => {}
    }
    if !scope.structures.is_empty() {
        let ids: Vec<Uuid> = scope.structures.iter().copied().collect();
        parts.push(sql.in_list("a.structure_id", &ids));
    }
    if parts.is_empty() {
        "1 = 0".to_owned()
    } else {
        format!("({})", parts.join(" OR "))
    }
}

async fn departments_of(db: &Db, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT application_id, department FROM application_departments WHERE ");
    let inl = sql.in_list("application_id", ids);
    sql.push(&inl);
    sql.push(" ORDER BY department");
    sql.fetch_all(db).await
}

async fn assemble(db: &Db, rows: Vec<Row>) -> Result<Vec<Application>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut deps = departments_of(db, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let mine = deps
                .extract_if(.., |(id, _)| *id == r.id)
                .map(|(_, d)| d)
                .collect();
            r.into_application(mine)
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub call_id: Option<Uuid>,
    pub module_code: Option<String>,
    pub structure_id: Option<Uuid>,
    pub department: Option<String>,
    pub status: Option<ApplicationStatus>,
    /// Leave out drafts (staff lists: a draft is the applicant's own).
    pub filed_only: bool,
    pub limit: i64,
    pub offset: i64,
}

pub async fn list(
    db: &Db,
    scope: &NetworkScope,
    f: &Filter,
) -> Result<(Vec<Application>, i64), StoreError> {
    let mut w = Sql::default();
    let mut conds = vec![scope_condition(&mut w, scope)];
    if let Some(id) = f.call_id {
        conds.push(format!("a.call_id = {}", w.arg(id)));
    }
    if let Some(m) = &f.module_code {
        conds.push(format!("a.module_code = {}", w.arg(m.as_str())));
    }
    if let Some(id) = f.structure_id {
        conds.push(format!("a.structure_id = {}", w.arg(id)));
    }
    if let Some(d) = &f.department {
        let m = w.arg(d.as_str());
        conds.push(format!(
            "EXISTS (SELECT 1 FROM application_departments y WHERE y.application_id = a.id AND y.department = {m})"
        ));
    }
    if let Some(s) = f.status {
        conds.push(format!("a.status = {}", w.arg(s.as_str())));
    }
    if f.filed_only {
        conds.push("a.status <> 'draft'".to_owned());
    }
    let where_ = format!(" WHERE {}", conds.join(" AND "));
    let mut count = Sql::new("SELECT COUNT(*) FROM applications a");
    count.push(&where_);
    count.args.clone_from(&w.args);
    let mut sql = Sql::new(SELECT);
    sql.push(&where_);
    sql.args = w.args;
    sql.push(&format!(
        " ORDER BY c.created_at DESC, a.module_code, s.search_key LIMIT {} OFFSET {}",
        f.limit.clamp(1, 10_000),
        f.offset.max(0)
    ));
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    Ok((assemble(db, rows).await?, count.count(db).await?))
}

pub async fn find(
    db: &Db,
    scope: &NetworkScope,
    id: Uuid,
) -> Result<Option<Application>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let cond = scope_condition(&mut sql, scope);
    let m = sql.arg(id);
    sql.push(&format!(" WHERE a.id = {m} AND {cond}"));
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    Ok(assemble(db, rows).await?.pop())
}

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub call_id: Uuid,
    pub module_code: String,
    pub module_id: Uuid,
    pub structure_id: Uuid,
    pub departments: Vec<String>,
    pub summary: String,
    pub answers: BTreeMap<String, String>,
    pub created_by: Uuid,
}

/// Starts a draft. A structure has one live application per module:
/// `Conflict("application_exists")` otherwise.
pub async fn create(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    a: &NewApplication,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    let answers =
        serde_json::to_string(&a.answers).map_err(|e| StoreError::Invalid(e.to_string()))?;
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO applications (id, call_id, module_code, module_id, structure_id, status, summary, answers, created_by, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $9)")
            .bind(id)
            .bind(a.call_id)
            .bind(&a.module_code)
            .bind(a.module_id)
            .bind(a.structure_id)
            .bind(&a.summary)
            .bind(&answers)
            .bind(a.created_by)
            .bind(micros(now))
            .execute(c)
            .await
            .map_err(|e| StoreError::from(e).unique_as("application_exists"))?
            .rows_affected()
    });
    write_departments(tx, id, &a.departments).await?;
    audit::log(
        tx,
        actor,
        now,
        "create",
        "application",
        id,
        a.departments.first().map(String::as_str),
        json!({"call_id": a.call_id, "module": a.module_code, "structure_id": a.structure_id,
               "departments": a.departments}),
    )
    .await?;
    Ok(id)
}

async fn write_departments(
    tx: &mut Tx,
    id: Uuid,
    departments: &[String],
) -> Result<(), StoreError> {
    write!(&mut *tx, c => {
        sqlx::query("DELETE FROM application_departments WHERE application_id = $1").bind(id).execute(c).await?.rows_affected()
    });
    for d in departments {
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO application_departments (application_id, department) VALUES ($1, $2)")
                .bind(id)
                .bind(d)
                .execute(c)
                .await?
                .rows_affected()
        });
    }
    Ok(())
}

const EDITABLE: &str = "status IN ('draft', 'complement_requested')";

/// Saves the form while the applicant may still change it
/// (`Conflict("not_editable")` otherwise). The départements change only in
/// a draft.
pub async fn update_form(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    summary: &str,
    answers: &BTreeMap<String, String>,
    departments: Option<&[String]>,
) -> Result<(), StoreError> {
    let answers_json =
        serde_json::to_string(answers).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let n = write!(&mut *tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE applications SET summary = $2, answers = $3, updated_at = $4 WHERE id = $1 AND {EDITABLE}")))
            .bind(id)
            .bind(summary)
            .bind(&answers_json)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("not_editable"));
    }
    if let Some(deps) = departments {
        let draft: i64 = write!(&mut *tx, c => {
            sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE id = $1 AND status = 'draft'").bind(id).fetch_one(c).await?
        });
        if draft == 0 {
            return Err(StoreError::Conflict("not_editable"));
        }
        write_departments(tx, id, deps).await?;
    }
    audit::log(
        tx,
        actor,
        now,
        "update",
        "application",
        id,
        None,
        json!({"summary_chars": summary.chars().count(), "answers": answers.keys().collect::<Vec<_>>(),
               "departments": departments}),
    )
    .await
}

/// A document of an application.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Document {
    pub id: Uuid,
    pub application_id: Uuid,
    pub kind: String,
    pub file_name: String,
    pub file_type: String,
    pub size: i64,
    pub sha256: String,
    pub filed: bool,
    pub uploaded_at: i64,
}

const DOC_COLUMNS: &str =
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
    sql.fetch_all(db).await
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
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    d: &NewDocument<'_>,
) -> Result<Uuid, StoreError> {
    let editable: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM applications WHERE id = $1 AND {EDITABLE}")))
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
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    document_id: Uuid,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM application_documents WHERE id = $1 AND application_id = $2 AND filed = FALSE
             AND EXISTS (SELECT 1 FROM applications WHERE id = $2 AND {EDITABLE})")))
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
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    module_id: Uuid,
    required_kinds: &[String],
    number: impl FnOnce(i64) -> String,
) -> Result<SubmitOutcome, StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE applications SET status = 'submitted', module_id = $2, submitted_at = COALESCE(submitted_at, $3), updated_at = $3
             WHERE id = $1 AND {EDITABLE}")))
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
    let docs: Vec<Document> = write!(&mut *tx, c => {
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

/// A message of the thread between staff and the applicant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: Uuid,
    pub side: String,
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

pub async fn messages(db: &Db, application_id: Uuid) -> Result<Vec<Message>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_as("SELECT m.id, m.side, u.name AS author, m.body, m.created_at FROM application_messages m
                        JOIN users u ON u.id = m.author_id WHERE m.application_id = $1 ORDER BY m.created_at, m.id")
            .bind(application_id)
            .fetch_all(c)
            .await?
    }))
}

async fn add_message(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    side: &str,
    body: &str,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    write!(tx, c => {
        sqlx::query("INSERT INTO application_messages (id, application_id, author_id, side, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(application_id)
            .bind(actor.id)
            .bind(side)
            .bind(body)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    Ok(id)
}

/// Staff ask for a complement: the status moves and the message is kept
/// (`Conflict("status")` when the application is not filed).
pub async fn request_complement(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    message: &str,
) -> Result<Uuid, StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE applications SET status = 'complement_requested', updated_at = $2
                     WHERE id = $1 AND status IN ('submitted', 'under_review', 'complement_requested')")
            .bind(application_id)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("status"));
    }
    let id = add_message(tx, actor, now, application_id, "staff", message).await?;
    audit::log(
        tx,
        actor,
        now,
        "request_complement",
        "application",
        application_id,
        None,
        json!({"message_id": id}),
    )
    .await?;
    Ok(id)
}

/// The applicant's answer in the thread (while a complement is asked).
pub async fn answer(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    message: &str,
) -> Result<Uuid, StoreError> {
    let asked: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE id = $1 AND status = 'complement_requested'")
            .bind(application_id)
            .fetch_one(c)
            .await?
    });
    if asked == 0 {
        return Err(StoreError::Conflict("status"));
    }
    let id = add_message(tx, actor, now, application_id, "applicant", message).await?;
    audit::log(
        tx,
        actor,
        now,
        "answer",
        "application",
        application_id,
        None,
        json!({"message_id": id}),
    )
    .await?;
    Ok(id)
}

/// The applicant withdraws (`Conflict("status")` once final).
pub async fn withdraw(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE applications SET status = 'withdrawn', withdrawn_at = $2, updated_at = $2
                     WHERE id = $1 AND status NOT IN ('retained', 'not_retained', 'withdrawn')")
            .bind(application_id)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("status"));
    }
    audit::log(
        tx,
        actor,
        now,
        "withdraw",
        "application",
        application_id,
        None,
        json!({}),
    )
    .await
}

/// A reminder to send to the author of a draft.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftReminder {
    pub application_id: Uuid,
    pub email: String,
    pub name: String,
    pub call_title: String,
    pub module_code: String,
    pub module_title: String,
    pub deadline: i64,
    #[sqlx(skip)]
    pub days: i64,
}

/// Claims the reminders due at `now`: drafts whose module closes within 7
/// days, then within 1 day. Each is marked in `tx`, so it is queued once
/// even with several workers; a draft past both thresholds gets one.
pub async fn claim_draft_reminders(
    tx: &mut Tx,
    now: Timestamp,
) -> Result<Vec<DraftReminder>, StoreError> {
    let mut out = Vec::new();
    for (days, flag) in [(1_i64, "reminded_1"), (7, "reminded_7")] {
        let limit = micros(now) + days * 24 * 3600 * 1_000_000;
        let select = format!(
            "SELECT a.id AS application_id, u.email, u.name, c.title AS call_title, m.code AS module_code,
                    m.title AS module_title, m.deadline
             FROM applications a JOIN call_modules m ON m.call_id = a.call_id AND m.code = a.module_code AND m.is_current = TRUE
             JOIN calls c ON c.id = a.call_id JOIN users u ON u.id = a.created_by
             WHERE a.status = 'draft' AND a.{flag} = FALSE AND m.deadline > $1 AND m.deadline <= $2"
        );
        let rows: Vec<DraftReminder> = write!(&mut *tx, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(select.as_str()))
                .bind(micros(now))
                .bind(limit)
                .fetch_all(c)
                .await?
        });
        for mut r in rows {
            // The 1-day reminder also settles the 7-day one.
            let set = if days == 1 {
                "reminded_1 = TRUE, reminded_7 = TRUE"
            } else {
                "reminded_7 = TRUE"
            };
            let n = write!(&mut *tx, c => {
                sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE applications SET {set} WHERE id = $1 AND {flag} = FALSE")))
                    .bind(r.application_id)
                    .execute(c)
                    .await?
                    .rows_affected()
            });
            if n == 1 {
                r.days = days;
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// Who to tell about an application: the referents of the structure, or
/// else the account that started it.
pub async fn referent_emails(
    db: &Db,
    structure_id: Uuid,
    created_by: Uuid,
) -> Result<Vec<String>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar("SELECT DISTINCT u.email FROM users u
                            WHERE u.active = $3 AND (u.id = $2 OR EXISTS (SELECT 1 FROM user_roles r
                              WHERE r.user_id = u.id AND r.role = 'structure_referent' AND r.structure_id = $1))
                            ORDER BY u.email")
            .bind(structure_id)
            .bind(created_by)
            .bind(true)
            .fetch_all(c)
            .await?
    }))
}

/// Staff start examining a filed application (`submitted → under_review`).
pub async fn start_review(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE applications SET status = 'under_review', updated_at = $2 WHERE id = $1 AND status = 'submitted'")
            .bind(application_id)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("status"));
    }
    audit::log(
        tx,
        actor,
        now,
        "start_review",
        "application",
        application_id,
        None,
        json!({}),
    )
    .await
}
