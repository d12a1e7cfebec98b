//! Claims of new referents on a structure already registered: someone
//! signs up with the SIRET of a known structure, and staff of the
//! structure's département approve (the account becomes one of its
//! referents) or refuse. Every read is scoped by the département of the
//! structure.

use domain::{DepartmentCode, Email, NetworkCap, Role, access::DepartmentScope};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    decode::decode,
    from_micros, micros,
    query::Sql,
};

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStatus {
    Pending,
    Approved,
    Refused,
}

impl ClaimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Refused]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "En attente",
            Self::Approved => "Acceptée",
            Self::Refused => "Refusée",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Claim {
    pub id: Uuid,
    pub user_id: Uuid,
    pub user_name: String,
    pub user_email: Email,
    pub structure_id: Uuid,
    pub structure_name: String,
    pub department: DepartmentCode,
    pub status: ClaimStatus,
    pub created_at: Timestamp,
    pub decided_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    user_id: Uuid,
    user_name: String,
    user_email: String,
    structure_id: Uuid,
    structure_name: String,
    department: String,
    status: String,
    created_at: i64,
    decided_at: Option<i64>,
}

impl Row {
    fn into_claim(self) -> Result<Claim, StoreError> {
        Ok(Claim {
            id: self.id,
            user_id: self.user_id,
            user_name: self.user_name,
            user_email: decode("users", "email", self.user_id, &self.user_email)?,
            structure_id: self.structure_id,
            structure_name: self.structure_name,
            department: decode(
                "structures",
                "department",
                self.structure_id,
                &self.department,
            )?,
            status: ClaimStatus::parse(&self.status)
                .ok_or_else(|| StoreError::Invalid(format!("claim status {}", self.status)))?,
            created_at: from_micros(self.created_at),
            decided_at: self.decided_at.map(from_micros),
        })
    }
}

const SELECT: &str = "SELECT k.id, k.user_id, u.name AS user_name, u.email AS user_email, k.structure_id,
    s.name AS structure_name, s.department, k.status, k.created_at, k.decided_at
    FROM structure_claims k JOIN users u ON u.id = k.user_id JOIN structures s ON s.id = k.structure_id";

fn scope_condition(sql: &mut Sql, scope: &DepartmentScope) -> String {
    match scope.codes() {
        None => "1 = 1".to_owned(),
        Some(codes) => sql.in_list("s.department", &codes),
    }
}

async fn fetch(db: &Db, sql: &Sql) -> Result<Vec<Claim>, StoreError> {
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    rows.into_iter().map(Row::into_claim).collect()
}

/// Asks to join `structure_id` for the account `user_id`: at sign-up
/// (`NetworkCap::for_signup`) or by staff, within the capability's
/// département. `Conflict("claim_exists")` for a second claim of the same
/// account on the same structure.
pub async fn create(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    user_id: Uuid,
    structure_id: Uuid,
) -> Result<Uuid, StoreError> {
    if !(cap.signup || cap.staff) {
        return Err(StoreError::NotFound);
    }
    let id = Uuid::now_v7();
    let n = write!(&mut *tx, c => {
        sqlx::query(
            "INSERT INTO structure_claims (id, user_id, structure_id, status, created_at)
             SELECT $1, $2, s.id, 'pending', $4 FROM structures s WHERE s.id = $3 AND s.department = $5",
        )
        .bind(id)
        .bind(user_id)
        .bind(structure_id)
        .bind(micros(now))
        .bind(cap.department.as_str())
        .execute(c)
        .await
        .map_err(|e| StoreError::from(e).unique_as("claim_exists"))?
        .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::log(
        tx,
        actor,
        now,
        "claim",
        "structure",
        structure_id,
        Some(cap.department.as_str()),
        json!({"claim_id": id, "user_id": user_id}),
    )
    .await?;
    Ok(id)
}

/// Pending claims on structures of `scope`'s départements (of one
/// structure, or all), oldest first.
pub async fn pending(
    db: &Db,
    scope: &DepartmentScope,
    structure_id: Option<Uuid>,
) -> Result<Vec<Claim>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let cond = scope_condition(&mut sql, scope);
    sql.push(&format!(" WHERE k.status = 'pending' AND {cond}"));
    if let Some(id) = structure_id {
        let m = sql.arg(id);
        sql.push(&format!(" AND k.structure_id = {m}"));
    }
    sql.push(" ORDER BY k.created_at, k.id");
    fetch(db, &sql).await
}

/// The claims made by an account (its own, whatever their state).
pub async fn of_user(db: &Db, user_id: Uuid) -> Result<Vec<Claim>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let m = sql.arg(user_id);
    sql.push(&format!(
        " WHERE k.user_id = {m} ORDER BY k.created_at, k.id"
    ));
    fetch(db, &sql).await
}

/// A claim on a structure of `scope`'s départements, or `None`.
pub async fn find(db: &Db, scope: &DepartmentScope, id: Uuid) -> Result<Option<Claim>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let cond = scope_condition(&mut sql, scope);
    let m = sql.arg(id);
    sql.push(&format!(" WHERE k.id = {m} AND {cond}"));
    Ok(fetch(db, &sql).await?.pop())
}

/// Approves or refuses a pending claim, by staff of the structure's
/// département. On approval the account becomes a referent of the
/// structure (its referent role without a structure is replaced).
/// `Conflict("claim_decided")` when it was already decided.
pub async fn decide(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    approve: bool,
) -> Result<(), StoreError> {
    if !cap.staff {
        return Err(StoreError::NotFound);
    }
    let status = if approve {
        ClaimStatus::Approved
    } else {
        ClaimStatus::Refused
    };
    let found: Option<(Uuid, Uuid, String)> = write!(&mut *tx, c => {
        sqlx::query_as(
            "SELECT k.user_id, k.structure_id, k.status FROM structure_claims k JOIN structures s ON s.id = k.structure_id
             WHERE k.id = $1 AND s.department = $2",
        )
        .bind(id)
        .bind(cap.department.as_str())
        .fetch_optional(c)
        .await?
    });
    let Some((user_id, structure_id, _)) = found else {
        return Err(StoreError::NotFound);
    };
    let n = write!(&mut *tx, c => {
        sqlx::query(
            "UPDATE structure_claims SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(actor.id)
        .bind(micros(now))
        .execute(c)
        .await?
        .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("claim_decided"));
    }
    if approve {
        write!(&mut *tx, c => {
            sqlx::query(
                "DELETE FROM user_roles WHERE user_id = $1 AND role = 'structure_referent' AND structure_id IS NULL",
            )
            .bind(user_id)
            .execute(c)
            .await?
            .rows_affected()
        });
        crate::users::grant_role(
            tx,
            actor,
            now,
            user_id,
            &domain::Grant {
                role: Role::StructureReferent,
                department: None,
                structure_id: Some(structure_id),
                call_id: None,
            },
        )
        .await?;
    }
    audit::log(
        tx,
        actor,
        now,
        if approve {
            "approve_claim"
        } else {
            "refuse_claim"
        },
        "structure",
        structure_id,
        Some(cap.department.as_str()),
        json!({"claim_id": id, "user_id": user_id}),
    )
    .await
}
