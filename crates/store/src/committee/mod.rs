//! The committee of a call: its members, their conflicts of interest and
//! reviews (`reviews`), and the proposals per module and département with
//! their validation by the CAF (`proposals`). The rules (score formula,
//! infructueux, who may do what) are the domain's and the service's; this
//! module keeps the records and makes each change atomic. Members write
//! with a `ReviewerCap`, the call's staff with a `CallStaffCap`.

mod proposals;
mod reviews;

use std::collections::BTreeSet;

use domain::{CallStaffCap, Grant, ReviewerCap, Role};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

pub use proposals::{NewProposal, Proposal, Proposer, decide, proposal, proposals, propose};
pub use reviews::{Review, ReviewScore, put_review, reviews_of, scores};

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    micros,
    query::Sql,
    staff,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    pub id: Uuid,
    pub call_id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub institution: String,
    pub structure_id: Option<Uuid>,
    pub structure_name: Option<String>,
    /// The structures the member's account is tied to (see
    /// `account_ties`): a conflict with their applications, as with
    /// `structure_id`.
    #[sqlx(skip)]
    pub account_ties: BTreeSet<Uuid>,
}

/// The structures these accounts are tied to, in one query: a role
/// granted with a structure (referent, coordinator of a structure…) or a
/// promeneur profile of it.
async fn ties_of(db: &Db, users: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT user_id, structure_id FROM user_roles WHERE structure_id IS NOT NULL AND ",
    );
    let inl = sql.in_list("user_id", users);
    sql.push(&inl);
    sql.push(" UNION ALL SELECT user_id, structure_id FROM promeneurs WHERE ");
    let inl = sql.in_list("user_id", users);
    sql.push(&inl);
    sql.fetch_all(db).await
}

/// The structures an account belongs to: those of its roles granted with
/// a structure, and those it works for as a promeneur.
pub async fn account_ties(db: &Db, user_id: Uuid) -> Result<BTreeSet<Uuid>, StoreError> {
    Ok(ties_of(db, &[user_id])
        .await?
        .into_iter()
        .map(|(_, s)| s)
        .collect())
}

/// The structures applying to a call (any module, drafts included,
/// withdrawn applications excluded).
pub async fn applicant_structures(db: &Db, call_id: Uuid) -> Result<BTreeSet<Uuid>, StoreError> {
    let rows: Vec<Uuid> = read!(db, c => {
        sqlx::query_scalar("SELECT DISTINCT structure_id FROM applications WHERE call_id = $1 AND status <> 'withdrawn'")
            .bind(call_id)
            .fetch_all(c)
            .await?
    });
    Ok(rows.into_iter().collect())
}

/// Fills `account_ties` for these members.
async fn with_ties(db: &Db, mut members: Vec<Member>) -> Result<Vec<Member>, StoreError> {
    let users: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
    let rows = ties_of(db, &users).await?;
    for m in &mut members {
        m.account_ties = rows
            .iter()
            .filter(|(u, _)| *u == m.user_id)
            .map(|(_, s)| *s)
            .collect();
    }
    Ok(members)
}

const MEMBER_SELECT: &str = "SELECT m.id, m.call_id, m.user_id, u.name, u.email, m.institution,
    m.structure_id, s.name AS structure_name
    FROM committee_members m JOIN users u ON u.id = m.user_id
    LEFT JOIN structures s ON s.id = m.structure_id";

/// Seats a member on the committee of a call `cap` manages (and gives the
/// account the role `committee_member` for that call). `Conflict("member")`
/// when already seated.
pub async fn add_member(
    tx: &mut Tx,
    cap: &CallStaffCap,
    actor: &Actor,
    now: Timestamp,
    user_id: Uuid,
    institution: &str,
    structure_id: Option<Uuid>,
) -> Result<Uuid, StoreError> {
    let call_id = cap.call_id;
    staff::check_call(tx, cap, call_id, true).await?;
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO committee_members (id, call_id, user_id, institution, structure_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(call_id)
            .bind(user_id)
            .bind(institution)
            .bind(structure_id)
            .bind(micros(now))
            .execute(c)
            .await
            .map_err(|e| StoreError::from(e).unique_as("member"))?
            .rows_affected()
    });
    crate::users::grant_role(
        tx,
        actor,
        now,
        user_id,
        &Grant {
            role: Role::CommitteeMember,
            department: None,
            structure_id: None,
            call_id: Some(call_id),
        },
    )
    .await?;
    audit::log(
        tx,
        actor,
        now,
        "add_member",
        "call",
        call_id,
        Some(cap.department().as_str()),
        json!({"member_id": id, "user_id": user_id, "institution": institution, "structure_id": structure_id}),
    )
    .await?;
    Ok(id)
}

pub async fn members(db: &Db, call_id: Uuid) -> Result<Vec<Member>, StoreError> {
    let sql = format!("{MEMBER_SELECT} WHERE m.call_id = $1 ORDER BY u.name");
    let members: Vec<Member> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(call_id).fetch_all(c).await?
    });
    with_ties(db, members).await
}

/// The seat of `user_id` on the committee of `call_id`, if any.
pub async fn member_of(
    db: &Db,
    call_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Member>, StoreError> {
    let sql = format!("{MEMBER_SELECT} WHERE m.call_id = $1 AND m.user_id = $2");
    let member: Option<Member> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(call_id).bind(user_id).fetch_optional(c).await?
    });
    Ok(with_ties(db, member.into_iter().collect()).await?.pop())
}

/// A declared conflict of interest.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Conflict {
    pub application_id: Uuid,
    pub member_id: Uuid,
    pub reason: String,
}

/// The member of `cap` declares a conflict with an application of its
/// call (`Conflict("conflict")` when already declared).
pub async fn declare_conflict(
    tx: &mut Tx,
    cap: &ReviewerCap,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    reason: &str,
) -> Result<(), StoreError> {
    staff::check_reviewer(tx, cap, application_id).await?;
    let member_id = cap.member_id;
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO conflicts (id, application_id, member_id, reason, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(Uuid::now_v7())
            .bind(application_id)
            .bind(member_id)
            .bind(reason)
            .bind(micros(now))
            .execute(c)
            .await
            .map_err(|e| StoreError::from(e).unique_as("conflict"))?
            .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "declare_conflict",
        "application",
        application_id,
        None,
        json!({"member_id": member_id, "reason": reason}),
    )
    .await
}

/// Declared conflicts of the applications of a call.
pub async fn conflicts(db: &Db, call_id: Uuid) -> Result<Vec<Conflict>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_as("SELECT x.application_id, x.member_id, x.reason FROM conflicts x
                        JOIN applications a ON a.id = x.application_id WHERE a.call_id = $1")
            .bind(call_id)
            .fetch_all(c)
            .await?
    }))
}
