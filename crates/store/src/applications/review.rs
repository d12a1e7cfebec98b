//! The review of a filed application: its start, the thread between staff
//! and the applicant (complement requests and answers), and the withdrawal.

use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use domain::{
    ApplicantCap, CallStaffCap,
    call::{ApplicationStatus, Transition},
};

use super::{check_applicant, sources_of};
use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    from_micros, micros,
};

/// `UPDATE applications SET status = <target>, <also> WHERE id = $1 AND
/// status IN (<sources>)`: both states from the domain's rules.
fn transition_sql(t: Transition, also: &str) -> String {
    format!(
        "UPDATE applications SET status = '{}', {also} WHERE id = $1 AND {}",
        t.target().as_str(),
        sources_of(t)
    )
}

/// A message of the thread between staff and the applicant.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: Uuid,
    /// `staff` or `applicant`.
    pub side: String,
    /// `message`, `complement_request` or `complement_answer`.
    pub kind: String,
    pub author: String,
    pub body: String,
    pub created_at: Timestamp,
}

pub async fn messages(db: &Db, application_id: Uuid) -> Result<Vec<Message>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: Uuid,
        side: String,
        kind: String,
        author: String,
        body: String,
        created_at: i64,
    }
    let rows: Vec<Row> = read!(db, c => {
        sqlx::query_as("SELECT m.id, m.side, m.kind, u.name AS author, m.body, m.created_at FROM application_messages m
                        JOIN users u ON u.id = m.author_id WHERE m.application_id = $1 ORDER BY m.created_at, m.id")
            .bind(application_id)
            .fetch_all(c)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| Message {
            id: r.id,
            side: r.side,
            kind: r.kind,
            author: r.author,
            body: r.body,
            created_at: from_micros(r.created_at),
        })
        .collect())
}

/// Adds a message of `kind` to the thread from `side`, with its audit
/// entry `action`.
async fn post(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    (side, kind): (&str, &str),
    action: &str,
    body: &str,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO application_messages (id, application_id, author_id, side, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(application_id)
            .bind(actor.id)
            .bind(side)
            .bind(kind)
            .bind(body)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        action,
        "application",
        application_id,
        None,
        json!({"message_id": id}),
    )
    .await?;
    Ok(id)
}

/// Staff of the application's call ask for a complement: the status moves
/// and the message is kept (`Conflict("status")` when the application is
/// not filed).
pub async fn request_complement(
    tx: &mut Tx,
    cap: &CallStaffCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    message: &str,
) -> Result<Uuid, StoreError> {
    crate::staff::check_application(tx, cap, application_id).await?;
    let n = write!(&mut *tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(transition_sql(Transition::RequestComplement, "updated_at = $2")))
            .bind(application_id)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("status"));
    }
    post(
        tx,
        actor,
        now,
        application_id,
        ("staff", "complement_request"),
        "request_complement",
        message,
    )
    .await
}

/// The applicant's answer in the thread (while a complement is asked).
pub async fn answer(
    tx: &mut Tx,
    cap: &ApplicantCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    message: &str,
) -> Result<Uuid, StoreError> {
    check_applicant(tx, cap, application_id).await?;
    let asked: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM applications WHERE id = $1 AND status = '{}'", ApplicationStatus::ComplementRequested.as_str())))
            .bind(application_id)
            .fetch_one(c)
            .await?
    });
    if asked == 0 {
        return Err(StoreError::Conflict("status"));
    }
    post(
        tx,
        actor,
        now,
        application_id,
        ("applicant", "complement_answer"),
        "answer",
        message,
    )
    .await
}

/// What became of a message asked to be posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    /// Added to the thread: tell the other side.
    New(Uuid),
    /// The same author sent the same text a moment ago (a double click, a
    /// form sent twice): that message, not a second one.
    Repeated(Uuid),
}

/// A second identical message within this many microseconds is the first.
const REPEAT_WINDOW_MICROS: i64 = 10 * 60 * 1_000_000;
/// At most this many messages from one side of one application in 24 h.
pub const DAILY_MESSAGES: i64 = 30;

/// A message either way about a filed application (not a complement
/// request: [`request_complement`]). The application's row is touched
/// first, so that two sendings at once queue behind each other:
/// `Conflict("status")` when the application does not take messages
/// (a draft, withdrawn), `Conflict("too_many")` beyond
/// [`DAILY_MESSAGES`] from that side in a day.
async fn converse(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    side: &str,
    body: &str,
) -> Result<Posted, StoreError> {
    let closed = ApplicationStatus::ALL
        .iter()
        .filter(|s| s.conversation().is_err())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let n = write!(&mut *tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE applications SET updated_at = updated_at WHERE id = $1 AND status NOT IN ({closed})")))
            .bind(application_id)
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("status"));
    }
    let last: Option<(Uuid, Uuid, String, String, i64)> = write!(&mut *tx, c => {
        sqlx::query_as("SELECT id, author_id, kind, body, created_at FROM application_messages
                        WHERE application_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1")
            .bind(application_id)
            .fetch_optional(c)
            .await?
    });
    if let Some((id, author, kind, previous, at)) = last
        && Some(author) == actor.id
        && kind == "message"
        && previous == body
        && micros(now) - at < REPEAT_WINDOW_MICROS
    {
        return Ok(Posted::Repeated(id));
    }
    let today: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT COUNT(*) FROM application_messages WHERE application_id = $1 AND side = $2 AND created_at > $3")
            .bind(application_id)
            .bind(side)
            .bind(micros(now) - 24 * 3600 * 1_000_000)
            .fetch_one(c)
            .await?
    });
    if today >= DAILY_MESSAGES {
        return Err(StoreError::Conflict("too_many"));
    }
    post(
        tx,
        actor,
        now,
        application_id,
        (side, "message"),
        "message",
        body,
    )
    .await
    .map(Posted::New)
}

/// Staff of the application's call write to the applicant.
pub async fn staff_message(
    tx: &mut Tx,
    cap: &CallStaffCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    body: &str,
) -> Result<Posted, StoreError> {
    crate::staff::check_application(tx, cap, application_id).await?;
    converse(tx, actor, now, application_id, "staff", body).await
}

/// The applicant writes to the staff of its application's call.
pub async fn applicant_message(
    tx: &mut Tx,
    cap: &ApplicantCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    body: &str,
) -> Result<Posted, StoreError> {
    check_applicant(tx, cap, application_id).await?;
    converse(tx, actor, now, application_id, "applicant", body).await
}

/// Those of `ids` whose thread ends with a message from `side` (not a
/// complement request or answer): the other side has not answered it.
pub async fn awaiting_answer(db: &Db, ids: &[Uuid], side: &str) -> Result<Vec<Uuid>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::query::Sql::new(
        "SELECT m.application_id FROM application_messages m WHERE m.kind = 'message' AND m.side = ",
    );
    let side = sql.arg(side.to_owned());
    sql.push(&side);
    sql.push(
        " AND NOT EXISTS (SELECT 1 FROM application_messages later WHERE later.application_id = m.application_id
           AND (later.created_at > m.created_at OR (later.created_at = m.created_at AND later.id > m.id))) AND ",
    );
    let inl = sql.in_list("m.application_id", ids);
    sql.push(&inl);
    let rows: Vec<(Uuid,)> = sql.fetch_all(db).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The addresses of the CAF agents of an application's départements, but
/// none tied to the applicant structure (an agent who is also its
/// referent does not read the other side's mail as staff).
pub async fn staff_emails(db: &Db, application_id: Uuid) -> Result<Vec<String>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar(
            "SELECT DISTINCT u.email FROM users u
             JOIN user_roles r ON r.user_id = u.id AND r.role = 'caf_agent'
             JOIN application_departments d ON d.department = r.department AND d.application_id = $1
             JOIN applications a ON a.id = $1
             WHERE u.active = $2
               AND NOT EXISTS (SELECT 1 FROM user_roles s WHERE s.user_id = u.id AND s.structure_id = a.structure_id)
             ORDER BY u.email",
        )
        .bind(application_id)
        .bind(true)
        .fetch_all(c)
        .await?
    }))
}

/// The applicant withdraws (`Conflict("status")` once final).
pub async fn withdraw(
    tx: &mut Tx,
    cap: &ApplicantCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
) -> Result<(), StoreError> {
    check_applicant(tx, cap, application_id).await?;
    transition(
        tx,
        actor,
        now,
        application_id,
        (Transition::Withdraw, "withdrawn_at = $2, updated_at = $2"),
        "withdraw",
    )
    .await
}

/// Staff of the application's call start examining it (`submitted →
/// under_review`).
pub async fn start_review(
    tx: &mut Tx,
    cap: &CallStaffCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
) -> Result<(), StoreError> {
    crate::staff::check_application(tx, cap, application_id).await?;
    transition(
        tx,
        actor,
        now,
        application_id,
        (Transition::StartReview, "updated_at = $2"),
        "start_review",
    )
    .await
}

/// Moves an application along `t` (`also`: the other columns set, `$2`
/// being the instant), with its audit entry `action`;
/// `Conflict("status")` from a state `t` does not leave.
async fn transition(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    (t, also): (Transition, &str),
    action: &str,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(transition_sql(t, also)))
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
        action,
        "application",
        application_id,
        None,
        json!({}),
    )
    .await
}
