//! The outbox: side effects (e-mails first) are written as jobs in the same
//! transaction as the change that causes them; workers claim and run them.
//! A job is claimed by one worker at a time (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, the single writer on SQLite); a claim expires after a lease
//! so that a crashed worker's job runs again.

use domain::AdminCap;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{Backend, Db, StoreError, Tx, from_micros, micros};

pub const EMAIL: &str = "email";
const MAX_ATTEMPTS: i64 = 8;

#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The template it was made from, for the log.
    pub template: String,
}

/// A file attached to an e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Queues an e-mail; returns the e-mail's id.
pub async fn enqueue_email(
    tx: &mut Tx,
    now: Timestamp,
    email: &OutgoingEmail,
) -> Result<Uuid, StoreError> {
    enqueue_email_with(tx, now, email, &[]).await
}

/// Queues an e-mail with attachments (kept until it is sent).
pub async fn enqueue_email_with(
    tx: &mut Tx,
    now: Timestamp,
    email: &OutgoingEmail,
    attachments: &[Attachment],
) -> Result<Uuid, StoreError> {
    let email_id = Uuid::now_v7();
    let payload =
        json!({"email_id": email_id, "to": email.to, "subject": email.subject, "body": email.body});
    let job_id = enqueue(tx, now, EMAIL, &payload).await?;
    write!(tx, c => {
        sqlx::query(
            "INSERT INTO emails (id, job_id, to_address, subject, template, status, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
        )
        .bind(email_id)
        .bind(job_id)
        .bind(&email.to)
        .bind(&email.subject)
        .bind(&email.template)
        .bind(micros(now))
        .execute(c)
        .await?.rows_affected()
    });
    for (position, a) in attachments.iter().enumerate() {
        write!(tx, c => {
            sqlx::query("INSERT INTO email_attachments (id, email_id, position, file_name, content_type, content) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(Uuid::now_v7())
                .bind(email_id)
                .bind(i64::try_from(position).unwrap_or(0))
                .bind(&a.file_name)
                .bind(&a.content_type)
                .bind(&a.content)
                .execute(c)
                .await?.rows_affected()
        });
    }
    Ok(email_id)
}

/// The attachments of a queued e-mail, in order.
pub async fn attachments(db: &Db, email_id: Uuid) -> Result<Vec<Attachment>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        file_name: String,
        content_type: String,
        content: Vec<u8>,
    }
    let rows: Vec<Row> = read!(db, c => {
        sqlx::query_as("SELECT file_name, content_type, content FROM email_attachments WHERE email_id = $1 ORDER BY position")
            .bind(email_id)
            .fetch_all(c)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| Attachment {
            file_name: r.file_name,
            content_type: r.content_type,
            content: r.content,
        })
        .collect())
}

/// The names of the files attached to an e-mail (for the e-mail log).
pub async fn attachment_names(db: &Db, email_id: Uuid) -> Result<Vec<String>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar("SELECT file_name FROM email_attachments WHERE email_id = $1 ORDER BY position")
            .bind(email_id)
            .fetch_all(c)
            .await?
    }))
}

pub async fn enqueue(
    tx: &mut Tx,
    now: Timestamp,
    kind: &str,
    payload: &Value,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    write!(tx, c => {
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, status, run_at, attempts, max_attempts, created_at) VALUES ($1, $2, $3, 'pending', $4, 0, $5, $4)",
        )
        .bind(id)
        .bind(kind)
        .bind(payload.to_string())
        .bind(micros(now))
        .bind(MAX_ATTEMPTS)
        .execute(c)
        .await?.rows_affected()
    });
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: Uuid,
    pub kind: String,
    pub payload: Value,
    pub attempts: i64,
    pub max_attempts: i64,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: Uuid,
    kind: String,
    payload: String,
    attempts: i64,
    max_attempts: i64,
}

/// Claims the next due job, if any, for `lease`.
pub async fn claim(
    db: &Db,
    now: Timestamp,
    lease: SignedDuration,
) -> Result<Option<Job>, StoreError> {
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $2
         WHERE id = (SELECT id FROM jobs
                     WHERE (status = 'pending' AND run_at <= $1) OR (status = 'running' AND locked_until < $1)
                     ORDER BY run_at, id LIMIT 1 {lock})
         RETURNING id, kind, payload, attempts, max_attempts"
    );
    let mut tx = db.begin().await?;
    let row: Option<JobRow> = write!(&mut tx, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(micros(now))
            .bind(micros(now.checked_add(lease).unwrap_or(now)))
            .fetch_optional(c)
            .await?
    });
    tx.commit().await?;
    Ok(row.map(|r| Job {
        id: r.id,
        kind: r.kind,
        payload: serde_json::from_str(&r.payload).unwrap_or(Value::Null),
        attempts: r.attempts,
        max_attempts: r.max_attempts,
    }))
}

/// The id of the e-mail a job sends, if it sends one.
pub fn email_id(job: &Job) -> Option<Uuid> {
    job.payload
        .get("email_id")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
}

/// Marks a job done. An e-mail's body (it may hold a one-time link) and
/// its attachments are dropped from the queue once sent.
pub async fn succeed(db: &Db, job: &Job, now: Timestamp) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let scrubbed = match email_id(job) {
        Some(id) => json!({"email_id": id}),
        None => job.payload.clone(),
    };
    write!(&mut tx, c => {
        sqlx::query("UPDATE jobs SET status = 'done', finished_at = $1, locked_until = NULL, last_error = NULL, payload = $2 WHERE id = $3")
            .bind(micros(now))
            .bind(scrubbed.to_string())
            .bind(job.id)
            .execute(c)
            .await?.rows_affected()
    });
    if let Some(id) = email_id(job) {
        write!(&mut tx, c => {
            sqlx::query("UPDATE emails SET status = 'sent', sent_at = $1, error = NULL WHERE id = $2")
                .bind(micros(now))
                .bind(id)
                .execute(c)
                .await?.rows_affected()
        });
        write!(&mut tx, c => {
            sqlx::query("DELETE FROM email_attachments WHERE email_id = $1").bind(id).execute(c).await?.rows_affected()
        });
    }
    tx.commit().await
}

/// Records a failure: the job is retried with exponential backoff (30 s,
/// 1 min, 2 min… capped at 1 h) until its attempts run out. Returns whether
/// it will be retried.
pub async fn fail(db: &Db, job: &Job, now: Timestamp, error: &str) -> Result<bool, StoreError> {
    let retry = job.attempts < job.max_attempts;
    let exp = u32::try_from(job.attempts.clamp(1, 8) - 1).unwrap_or(0);
    let delay = SignedDuration::from_secs((30_i64 * 2_i64.pow(exp)).min(3600));
    let mut tx = db.begin().await?;
    write!(&mut tx, c => {
        sqlx::query("UPDATE jobs SET status = $1, run_at = $2, locked_until = NULL, last_error = $3, finished_at = $4 WHERE id = $5")
            .bind(if retry { "pending" } else { "failed" })
            .bind(micros(now.checked_add(delay).unwrap_or(now)))
            .bind(error)
            .bind(if retry { None } else { Some(micros(now)) })
            .bind(job.id)
            .execute(c)
            .await?.rows_affected()
    });
    if let Some(id) = email_id(job) {
        write!(&mut tx, c => {
            sqlx::query("UPDATE emails SET status = $1, error = $2 WHERE id = $3")
                .bind(if retry { "pending" } else { "failed" })
                .bind(error)
                .bind(id)
                .execute(c)
                .await?.rows_affected()
        });
    }
    tx.commit().await?;
    Ok(retry)
}

#[derive(Debug, Clone)]
pub struct EmailLog {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub template: String,
    pub status: String,
    pub error: Option<String>,
    pub attempts: i64,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct EmailRow {
    id: Uuid,
    to_address: String,
    subject: String,
    template: String,
    status: String,
    error: Option<String>,
    attempts: i64,
    created_at: i64,
    sent_at: Option<i64>,
}

/// The e-mail log for administrators, newest first, optionally by status.
pub async fn list_emails(
    db: &Db,
    _cap: &AdminCap,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<EmailLog>, i64), StoreError> {
    let where_ = if status.is_some() {
        "WHERE e.status = $1"
    } else {
        "WHERE $1 = $1"
    };
    let sql = format!(
        "SELECT e.id, e.to_address, e.subject, e.template, e.status, e.error, j.attempts, e.created_at, e.sent_at
         FROM emails e JOIN jobs j ON j.id = e.job_id {where_} ORDER BY e.created_at DESC, e.id DESC LIMIT {} OFFSET {}",
        limit.clamp(1, 500),
        offset.max(0)
    );
    let count_sql = format!("SELECT COUNT(*) FROM emails e {where_}");
    let s = status.unwrap_or("");
    let (rows, total): (Vec<EmailRow>, i64) = read!(db, c => {
        (
            sqlx::query_as::<_, EmailRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(s).fetch_all(c).await?,
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql.as_str())).bind(s).fetch_one(c).await?,
        )
    });
    Ok((
        rows.into_iter()
            .map(|r| EmailLog {
                id: r.id,
                to: r.to_address,
                subject: r.subject,
                template: r.template,
                status: r.status,
                error: r.error,
                attempts: r.attempts,
                created_at: from_micros(r.created_at),
                sent_at: r.sent_at.map(from_micros),
            })
            .collect(),
        total,
    ))
}

/// Jobs not finished yet (pending or running), for tests and health pages.
pub async fn unfinished(db: &Db) -> Result<i64, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running')").fetch_one(c).await?
    }))
}

/// The body of a queued e-mail while it is still in the outbox (for tests
/// and diagnostics; it is dropped once sent).
pub async fn peek_email_body(db: &Db, email_id: Uuid) -> Result<Option<String>, StoreError> {
    let payload: Option<String> = read!(db, c => {
        sqlx::query_scalar("SELECT j.payload FROM jobs j JOIN emails e ON e.job_id = j.id WHERE e.id = $1")
            .bind(email_id)
            .fetch_optional(c)
            .await?
    });
    Ok(payload
        .and_then(|p| serde_json::from_str::<Value>(&p).ok())
        .and_then(|v| v.get("body").and_then(Value::as_str).map(str::to_owned)))
}
