//! The committee of a call: its members, their conflicts of interest and
//! reviews, and the proposals per module and département with their
//! validation by the CAF. The rules (score formula, infructueux, who may
//! do what) are the domain's and the service's; this module keeps the
//! records and makes each change atomic.

use std::collections::{BTreeMap, BTreeSet};

use domain::{
    DepartmentCap, Grant, Role,
    decision::{ProposalStatus, Reason},
};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    from_micros, micros,
    query::Sql,
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

/// The structures these accounts are tied to, in two queries: a role
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
    let mut rows: Vec<(Uuid, Uuid)> = sql.fetch_all(db).await?;
    let mut sql = Sql::new("SELECT user_id, structure_id FROM promeneurs WHERE ");
    let inl = sql.in_list("user_id", users);
    sql.push(&inl);
    let more: Vec<(Uuid, Uuid)> = sql.fetch_all(db).await?;
    rows.extend(more);
    Ok(rows)
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

/// Seats a member on the committee of a call (and gives the account the
/// role `committee_member` for that call). `Conflict("member")` when
/// already seated.
#[allow(clippy::too_many_arguments)]
pub async fn add_member(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    call_id: Uuid,
    user_id: Uuid,
    institution: &str,
    structure_id: Option<Uuid>,
) -> Result<Uuid, StoreError> {
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
        Some(cap.department.as_str()),
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

/// Declares a conflict (`Conflict("conflict")` when already declared).
pub async fn declare_conflict(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    member_id: Uuid,
    reason: &str,
) -> Result<(), StoreError> {
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

/// One member's review of one application in one round.
#[derive(Debug, Clone)]
pub struct Review {
    pub application_id: Uuid,
    pub member_id: Uuid,
    pub member_name: String,
    pub institution: String,
    pub round: i64,
    pub scores: BTreeMap<String, u32>,
    pub comment: String,
    /// Hundredths, 0..=10 000.
    pub score: u32,
    pub submitted_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    application_id: Uuid,
    member_id: Uuid,
    member_name: String,
    institution: String,
    round: i64,
    scores: String,
    comment: String,
    score: i64,
    submitted_at: i64,
}

impl ReviewRow {
    fn into_review(self) -> Result<Review, StoreError> {
        Ok(Review {
            application_id: self.application_id,
            member_id: self.member_id,
            member_name: self.member_name,
            institution: self.institution,
            round: self.round,
            scores: serde_json::from_str(&self.scores)
                .map_err(|e| StoreError::Invalid(e.to_string()))?,
            comment: self.comment,
            score: u32::try_from(self.score).unwrap_or(0),
            submitted_at: from_micros(self.submitted_at),
        })
    }
}

const REVIEW_SELECT: &str =
    "SELECT r.application_id, r.member_id, u.name AS member_name, m.institution,
    r.round, r.scores, r.comment, r.score, r.submitted_at
    FROM reviews r JOIN committee_members m ON m.id = r.member_id JOIN users u ON u.id = m.user_id";

/// The reviews of a call (optionally of one module), every round.
pub async fn reviews(
    db: &Db,
    call_id: Uuid,
    module_code: Option<&str>,
) -> Result<Vec<Review>, StoreError> {
    let mut sql = Sql::new(REVIEW_SELECT);
    sql.push(" JOIN applications a ON a.id = r.application_id WHERE ");
    let c = sql.arg(call_id);
    sql.push(&format!("a.call_id = {c}"));
    if let Some(code) = module_code {
        let m = sql.arg(code);
        sql.push(&format!(" AND a.module_code = {m}"));
    }
    sql.push(" ORDER BY r.submitted_at");
    let rows: Vec<ReviewRow> = sql.fetch_all(db).await?;
    rows.into_iter().map(ReviewRow::into_review).collect()
}

/// The reviews of one application, every round.
pub async fn reviews_of(db: &Db, application_id: Uuid) -> Result<Vec<Review>, StoreError> {
    let sql =
        format!("{REVIEW_SELECT} WHERE r.application_id = $1 ORDER BY r.round, r.submitted_at");
    let rows: Vec<ReviewRow> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(application_id).fetch_all(c).await?
    });
    rows.into_iter().map(ReviewRow::into_review).collect()
}

/// Submits (or revises) a member's review of a round.
#[allow(clippy::too_many_arguments)]
pub async fn put_review(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    application_id: Uuid,
    member_id: Uuid,
    round: i64,
    scores: &BTreeMap<String, u32>,
    comment: &str,
    score: u32,
) -> Result<(), StoreError> {
    let scores_json =
        serde_json::to_string(scores).map_err(|e| StoreError::Invalid(e.to_string()))?;
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO reviews (id, application_id, member_id, round, scores, comment, score, submitted_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                     ON CONFLICT (application_id, member_id, round)
                     DO UPDATE SET scores = excluded.scores, comment = excluded.comment, score = excluded.score, updated_at = excluded.updated_at")
            .bind(Uuid::now_v7())
            .bind(application_id)
            .bind(member_id)
            .bind(round)
            .bind(&scores_json)
            .bind(comment)
            .bind(i64::from(score))
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "review",
        "application",
        application_id,
        None,
        json!({"member_id": member_id, "round": round, "scores": scores, "score": score}),
    )
    .await
}

#[derive(Debug, Clone)]
pub struct Proposal {
    pub id: Uuid,
    pub call_id: Uuid,
    pub module_code: String,
    pub department: String,
    pub application_id: Option<Uuid>,
    pub structure_name: Option<String>,
    pub unsuccessful: bool,
    pub reason: Option<Reason>,
    pub motivation: String,
    pub status: ProposalStatus,
    pub proposed_by: String,
    /// The account that proposed (it never validates its own proposal).
    pub proposed_by_id: Uuid,
    pub proposed_at: Timestamp,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
    pub decision_comment: String,
}

#[derive(sqlx::FromRow)]
struct ProposalRow {
    id: Uuid,
    call_id: Uuid,
    module_code: String,
    department: String,
    application_id: Option<Uuid>,
    structure_name: Option<String>,
    unsuccessful: bool,
    reason: Option<String>,
    motivation: String,
    status: String,
    proposed_by: String,
    proposed_by_id: Uuid,
    proposed_at: i64,
    decided_by: Option<String>,
    decided_at: Option<i64>,
    decision_comment: String,
}

impl ProposalRow {
    fn into_proposal(self) -> Result<Proposal, StoreError> {
        Ok(Proposal {
            id: self.id,
            call_id: self.call_id,
            module_code: self.module_code,
            department: self.department,
            application_id: self.application_id,
            structure_name: self.structure_name,
            unsuccessful: self.unsuccessful,
            reason: self.reason.as_deref().and_then(Reason::parse),
            motivation: self.motivation,
            status: ProposalStatus::parse(&self.status)
                .ok_or_else(|| StoreError::Invalid(format!("proposal status {}", self.status)))?,
            proposed_by: self.proposed_by,
            proposed_by_id: self.proposed_by_id,
            proposed_at: from_micros(self.proposed_at),
            decided_by: self.decided_by,
            decided_at: self.decided_at.map(from_micros),
            decision_comment: self.decision_comment,
        })
    }
}

const PROPOSAL_SELECT: &str = "SELECT p.id, p.call_id, p.module_code, p.department, p.application_id,
    s.name AS structure_name, p.unsuccessful, p.reason, p.motivation, p.status, u.name AS proposed_by,
    p.proposed_by AS proposed_by_id, p.proposed_at, d.name AS decided_by, p.decided_at, p.decision_comment
    FROM proposals p JOIN users u ON u.id = p.proposed_by LEFT JOIN users d ON d.id = p.decided_by
    LEFT JOIN applications a ON a.id = p.application_id LEFT JOIN structures s ON s.id = a.structure_id";

/// The proposals of a module, oldest first.
pub async fn proposals(
    db: &Db,
    call_id: Uuid,
    module_code: &str,
) -> Result<Vec<Proposal>, StoreError> {
    let sql = format!(
        "{PROPOSAL_SELECT} WHERE p.call_id = $1 AND p.module_code = $2 ORDER BY p.proposed_at, p.id"
    );
    let rows: Vec<ProposalRow> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(call_id).bind(module_code).fetch_all(c).await?
    });
    rows.into_iter().map(ProposalRow::into_proposal).collect()
}

pub async fn proposal(db: &Db, id: Uuid) -> Result<Option<Proposal>, StoreError> {
    let sql = format!("{PROPOSAL_SELECT} WHERE p.id = $1");
    let row: Option<ProposalRow> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await?
    });
    row.map(ProposalRow::into_proposal).transpose()
}

#[derive(Debug, Clone)]
pub struct NewProposal<'a> {
    pub call_id: Uuid,
    pub module_code: &'a str,
    pub department: &'a str,
    pub application_id: Option<Uuid>,
    pub reason: Option<Reason>,
    pub motivation: &'a str,
    pub proposed_by: Uuid,
}

/// Records the committee's proposal; `Conflict("proposal_pending")` while
/// another one for the same module and département is pending or
/// validated.
pub async fn propose(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    p: &NewProposal<'_>,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO proposals (id, call_id, module_code, department, application_id, unsuccessful, reason, motivation, status, proposed_by, proposed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'proposed', $9, $10)")
            .bind(id)
            .bind(p.call_id)
            .bind(p.module_code)
            .bind(p.department)
            .bind(p.application_id)
            .bind(p.application_id.is_none())
            .bind(p.reason.map(Reason::as_str))
            .bind(p.motivation)
            .bind(p.proposed_by)
            .bind(micros(now))
            .execute(c)
            .await
            .map_err(|e| StoreError::from(e).unique_as("proposal_pending"))?
            .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "propose",
        "proposal",
        id,
        Some(p.department),
        json!({"call_id": p.call_id, "module": p.module_code, "application_id": p.application_id,
               "reason": p.reason.map(Reason::as_str), "motivation": p.motivation}),
    )
    .await?;
    Ok(id)
}

/// The CAF of the proposal's département validates or rejects it
/// (`Conflict("decided")` when it is no longer pending). On validation,
/// the applications of the module whose every département is now decided
/// get their final status.
pub async fn decide(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    proposal: &Proposal,
    approve: bool,
    comment: &str,
) -> Result<(), StoreError> {
    let status = if approve { "validated" } else { "rejected" };
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE proposals SET status = $2, decided_by = $3, decided_at = $4, decision_comment = $5
                     WHERE id = $1 AND status = 'proposed' AND department = $6")
            .bind(proposal.id)
            .bind(status)
            .bind(actor.id)
            .bind(micros(now))
            .bind(comment)
            .bind(cap.department.as_str())
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("decided"));
    }
    audit::log(
        tx,
        actor,
        now,
        if approve { "validate" } else { "reject" },
        "proposal",
        proposal.id,
        Some(cap.department.as_str()),
        json!({"comment": comment}),
    )
    .await?;
    if approve {
        settle(tx, actor, now, proposal.call_id, &proposal.module_code).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Filed {
    id: Uuid,
    department: String,
}

/// Gives their final status to the filed applications of a module whose
/// every département has a validated proposal: retained when a validated
/// proposal names them, not retained otherwise.
async fn settle(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    call_id: Uuid,
    module_code: &str,
) -> Result<(), StoreError> {
    let filed: Vec<Filed> = write!(&mut *tx, c => {
        sqlx::query_as("SELECT a.id, d.department FROM applications a
                        JOIN application_departments d ON d.application_id = a.id
                        WHERE a.call_id = $1 AND a.module_code = $2
                        AND a.status IN ('submitted', 'complement_requested', 'under_review')")
            .bind(call_id)
            .bind(module_code)
            .fetch_all(c)
            .await?
    });
    #[derive(sqlx::FromRow)]
    struct Validated {
        department: String,
        application_id: Option<Uuid>,
    }
    let validated: Vec<Validated> = write!(&mut *tx, c => {
        sqlx::query_as("SELECT department, application_id FROM proposals
                        WHERE call_id = $1 AND module_code = $2 AND status = 'validated'")
            .bind(call_id)
            .bind(module_code)
            .fetch_all(c)
            .await?
    });
    let decided: BTreeSet<&str> = validated.iter().map(|v| v.department.as_str()).collect();
    let retained: BTreeSet<Uuid> = validated.iter().filter_map(|v| v.application_id).collect();
    let mut by_app: BTreeMap<Uuid, Vec<&str>> = BTreeMap::new();
    for f in &filed {
        by_app.entry(f.id).or_default().push(&f.department);
    }
    for (id, deps) in by_app {
        if !deps.iter().all(|d| decided.contains(d)) {
            continue;
        }
        let status = if retained.contains(&id) {
            "retained"
        } else {
            "not_retained"
        };
        write!(&mut *tx, c => {
            sqlx::query("UPDATE applications SET status = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(status)
                .bind(micros(now))
                .execute(c)
                .await?
                .rows_affected()
        });
        audit::log(
            tx,
            actor,
            now,
            "decide",
            "application",
            id,
            None,
            json!({"status": status}),
        )
        .await?;
    }
    Ok(())
}
