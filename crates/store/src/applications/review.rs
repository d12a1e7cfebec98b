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
    pub side: String,
    pub author: String,
    pub body: String,
    pub created_at: Timestamp,
}

pub async fn messages(db: &Db, application_id: Uuid) -> Result<Vec<Message>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: Uuid,
        side: String,
        author: String,
        body: String,
        created_at: i64,
    }
    let rows: Vec<Row> = read!(db, c => {
        sqlx::query_as("SELECT m.id, m.side, u.name AS author, m.body, m.created_at FROM application_messages m
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
            author: r.author,
            body: r.body,
            created_at: from_micros(r.created_at),
        })
        .collect())
}

/// Adds a message to the thread from `side`, with its audit entry
/// `action`.
async fn post(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    side: &str,
    action: &str,
    body: &str,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
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
        "staff",
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
        "applicant",
        "answer",
        message,
    )
    .await
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
