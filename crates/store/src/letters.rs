//! Result letters and conventions of a module's applications, kept as
//! stored files, and the templates administrators edit.

use domain::{AdminCap, ApplicantCap, CallStaffCap};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    from_micros, micros,
};

#[derive(Debug, Clone)]
pub struct Letter {
    pub id: Uuid,
    pub application_id: Uuid,
    pub structure_name: String,
    /// `result` or `convention`.
    pub kind: String,
    /// `retained`, `not_retained` or `module_unsuccessful`.
    pub outcome: String,
    pub file_id: Uuid,
    pub size: i64,
    pub created_at: Timestamp,
    pub queued_at: Option<Timestamp>,
    /// The status of the e-mail that carried it (`pending`, `sent`,
    /// `failed`).
    pub email_status: Option<String>,
    /// The address of that e-mail (the first referent written to).
    pub email_to: Option<String>,
    /// When that e-mail left.
    pub email_sent_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    application_id: Uuid,
    structure_name: String,
    kind: String,
    outcome: String,
    file_id: Uuid,
    size: i64,
    created_at: i64,
    queued_at: Option<i64>,
    email_status: Option<String>,
    email_to: Option<String>,
    email_sent_at: Option<i64>,
}

impl Row {
    fn into_letter(self) -> Letter {
        Letter {
            id: self.id,
            application_id: self.application_id,
            structure_name: self.structure_name,
            kind: self.kind,
            outcome: self.outcome,
            file_id: self.file_id,
            size: self.size,
            created_at: from_micros(self.created_at),
            queued_at: self.queued_at.map(from_micros),
            email_status: self.email_status,
            email_to: self.email_to,
            email_sent_at: self.email_sent_at.map(from_micros),
        }
    }
}

const SELECT: &str = "SELECT l.id, l.application_id, s.name AS structure_name, l.kind, l.outcome,
    l.file_id, f.size, l.created_at, l.queued_at, e.status AS email_status,
    e.to_address AS email_to, e.sent_at AS email_sent_at
    FROM letters l JOIN applications a ON a.id = l.application_id
    JOIN structures s ON s.id = a.structure_id JOIN stored_files f ON f.id = l.file_id
    LEFT JOIN emails e ON e.id = l.email_id";

/// The letters of a module, by structure.
pub async fn of_module(
    db: &Db,
    call_id: Uuid,
    module_code: &str,
) -> Result<Vec<Letter>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE a.call_id = $1 AND a.module_code = $2 ORDER BY s.search_key, l.kind DESC"
    );
    let rows: Vec<Row> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(call_id).bind(module_code).fetch_all(c).await?
    });
    Ok(rows.into_iter().map(Row::into_letter).collect())
}

/// The letters of one application.
pub async fn of_application(db: &Db, application_id: Uuid) -> Result<Vec<Letter>, StoreError> {
    let sql = format!("{SELECT} WHERE l.application_id = $1 ORDER BY l.kind DESC");
    let rows: Vec<Row> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(application_id).fetch_all(c).await?
    });
    Ok(rows.into_iter().map(Row::into_letter).collect())
}

/// Who records a letter: the staff of the application's call and
/// départements (the CAF's run) or, when it first downloads the letter of
/// its decided application, the applicant.
#[derive(Debug, Clone, Copy)]
pub enum LetterWriter<'a> {
    Staff(&'a CallStaffCap),
    Applicant(&'a ApplicantCap),
}

/// Records a letter made (`NotFound` for an application `by` does not
/// reach); a second one of the same kind for the same application is
/// ignored (a run made twice keeps the first). Returns whether it was
/// recorded.
pub async fn insert(
    tx: &mut Tx,
    by: LetterWriter<'_>,
    application_id: Uuid,
    kind: &str,
    outcome: &str,
    file_id: Uuid,
    now: Timestamp,
) -> Result<bool, StoreError> {
    match by {
        LetterWriter::Staff(cap) => {
            crate::staff::check_application(tx, cap, application_id).await?;
        }
        LetterWriter::Applicant(cap) => {
            crate::applications::check_applicant(tx, cap, application_id).await?;
        }
    }
    let n = write!(tx, c => {
        sqlx::query("INSERT INTO letters (id, application_id, kind, outcome, file_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (application_id, kind) DO NOTHING")
            .bind(Uuid::now_v7())
            .bind(application_id)
            .bind(kind)
            .bind(outcome)
            .bind(file_id)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    Ok(n == 1)
}

/// Marks the letters of an application of `cap`'s call and départements
/// as queued with `email_id`, unless they already were (returns false
/// then: nothing is sent twice).
pub async fn mark_queued(
    tx: &mut Tx,
    cap: &CallStaffCap,
    application_id: Uuid,
    email_id: Uuid,
    now: Timestamp,
) -> Result<bool, StoreError> {
    crate::staff::check_application(tx, cap, application_id).await?;
    let n = write!(tx, c => {
        sqlx::query("UPDATE letters SET queued_at = $2, email_id = $3 WHERE application_id = $1 AND queued_at IS NULL")
            .bind(application_id)
            .bind(micros(now))
            .bind(email_id)
            .execute(c)
            .await?
            .rows_affected()
    });
    Ok(n > 0)
}

/// An administrator's template of `kind`, if any.
pub async fn template(db: &Db, kind: &str) -> Result<Option<String>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar("SELECT source FROM letter_templates WHERE kind = $1")
            .bind(kind)
            .fetch_optional(c)
            .await?
    }))
}

/// Saves an administrator's template (`None`: back to the built-in one).
pub async fn set_template(
    tx: &mut Tx,
    _cap: &AdminCap,
    actor: &Actor,
    now: Timestamp,
    kind: &str,
    source: Option<&str>,
) -> Result<(), StoreError> {
    write!(&mut *tx, c => {
        sqlx::query("DELETE FROM letter_templates WHERE kind = $1").bind(kind).execute(c).await?.rows_affected()
    });
    if let Some(source) = source {
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO letter_templates (kind, source, updated_at, updated_by) VALUES ($1, $2, $3, $4)")
                .bind(kind)
                .bind(source)
                .bind(micros(now))
                .bind(actor.id)
                .execute(c)
                .await?
                .rows_affected()
        });
    }
    audit::log(
        tx,
        actor,
        now,
        "set_template",
        "letter_template",
        kind,
        None,
        json!({"chars": source.map(|s| s.chars().count()), "default": source.is_none()}),
    )
    .await
}
