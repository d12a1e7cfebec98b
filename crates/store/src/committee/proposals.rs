//! The committee's proposals per module and département, and their
//! validation by the CAF, which settles the applications once every
//! département of a module is decided.

use std::collections::{BTreeMap, BTreeSet};

use domain::{
    CallStaffCap, DepartmentCap, DepartmentCode, ReviewerCap,
    decision::{ProposalStatus, Reason},
};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    decode::decode,
    from_micros, micros,
};

#[derive(Debug, Clone)]
pub struct Proposal {
    pub id: Uuid,
    pub call_id: Uuid,
    pub module_code: String,
    pub department: DepartmentCode,
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
            department: decode("proposals", "department", self.id, &self.department)?,
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

/// Who proposes for a call's committee: one of its members, or its staff
/// (then only in the départements the capability covers).
#[derive(Debug, Clone, Copy)]
pub enum Proposer<'a> {
    Member(&'a ReviewerCap),
    Staff(&'a CallStaffCap),
}

/// Records the committee's proposal; `Conflict("proposal_pending")` while
/// another one for the same module and département is pending or
/// validated, `NotFound` outside the proposer's call (or, for staff,
/// départements).
pub async fn propose(
    tx: &mut Tx,
    by: Proposer<'_>,
    actor: &Actor,
    now: Timestamp,
    p: &NewProposal<'_>,
) -> Result<Uuid, StoreError> {
    match by {
        Proposer::Member(cap) => crate::staff::check_seat(tx, cap, p.call_id).await?,
        Proposer::Staff(cap) => {
            if !cap.departments.iter().any(|d| d.as_str() == p.department) {
                return Err(StoreError::NotFound);
            }
            crate::staff::check_call(tx, cap, p.call_id, false).await?;
        }
    }
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
