//! Accounts and their roles. Creating accounts takes an `AdminCap`; the
//! accounts of the network (promeneurs, structure referents) are opened in
//! the submodule `network`, re-exported below.

mod network;

use std::collections::BTreeSet;

use domain::{AdminCap, DepartmentCode, Email, Grant, Principal, Role};
use jiff::{Timestamp, civil::Date};
use serde_json::json;
use uuid::Uuid;

pub use network::{Referent, create_promeneur_account, create_referent_account, referents};

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor, Change},
    decode::{decode, decode_opt},
    from_micros, micros,
};

#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub email: Email,
    pub name: String,
    pub active: bool,
    pub has_password: bool,
    pub created_at: Timestamp,
    pub grants: Vec<Grant>,
}

#[derive(Debug)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub grants: Vec<Grant>,
    /// An argon2 hash; `None` leaves the account to be activated by e-mail.
    pub password_hash: Option<String>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    password_hash: Option<String>,
    active: bool,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    user_id: Uuid,
    role: String,
    department: Option<String>,
    structure_id: Option<Uuid>,
    call_id: Option<Uuid>,
}

impl GrantRow {
    fn into_grant(self) -> Result<Grant, StoreError> {
        let role = Role::parse(&self.role).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let department = decode_opt(
            "user_roles",
            "department",
            self.user_id,
            self.department.as_deref(),
        )?;
        Ok(Grant {
            role,
            department,
            structure_id: self.structure_id,
            call_id: self.call_id,
        })
    }
}

/// Creates an account with its grants. A duplicate e-mail is
/// `Conflict("email")`.
pub async fn create(
    tx: &mut Tx,
    _cap: &AdminCap,
    actor: &Actor,
    now: Timestamp,
    new: NewUser,
) -> Result<User, StoreError> {
    insert(tx, actor, now, new).await
}

pub(crate) async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    new: NewUser,
) -> Result<User, StoreError> {
    let id = Uuid::now_v7();
    let at = micros(now);
    write!(&mut *tx, c => {
        sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id)
        .bind(new.email.as_str())
        .bind(&new.name)
        .bind(&new.password_hash)
        .bind(true)
        .bind(at)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })
    .map_err(|e| StoreError::from(e).unique_as("email"))?;
    for g in &new.grants {
        insert_grant(tx, id, g).await?;
    }
    let roles: Vec<String> = new
        .grants
        .iter()
        .map(|g| match &g.department {
            Some(d) => format!("{}:{d}", g.role),
            None => g.role.to_string(),
        })
        .collect();
    audit::record(
        tx,
        actor,
        now,
        Change {
            action: "create",
            entity: "user",
            entity_id: id.to_string(),
            department: None,
            fields: json!({"email": new.email.as_str(), "name": new.name, "roles": roles}),
        },
    )
    .await?;
    Ok(User {
        id,
        email: new.email,
        name: new.name,
        active: true,
        has_password: new.password_hash.is_some(),
        created_at: now,
        grants: new.grants,
    })
}

pub(crate) async fn insert_grant(tx: &mut Tx, user_id: Uuid, g: &Grant) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query(
            "INSERT INTO user_roles (id, user_id, role, department, structure_id, call_id) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::now_v7())
        .bind(user_id)
        .bind(g.role.as_str())
        .bind(g.department.as_ref().map(DepartmentCode::as_str))
        .bind(g.structure_id)
        .bind(g.call_id)
        .execute(c)
        .await?.rows_affected()
    });
    Ok(())
}

/// What a login needs: the id, the hash (if a password was ever set) and
/// whether the account is active.
#[derive(Debug)]
pub struct Credentials {
    pub id: Uuid,
    pub password_hash: Option<String>,
    pub active: bool,
}

pub async fn credentials(db: &Db, email: &Email) -> Result<Option<Credentials>, StoreError> {
    let row: Option<UserRow> = read!(db, c => {
        sqlx::query_as("SELECT id, email, name, password_hash, active, created_at FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(c)
            .await?
    });
    Ok(row.map(|r| Credentials {
        id: r.id,
        password_hash: r.password_hash,
        active: r.active,
    }))
}

async fn grants_of(db: &Db, ids: &[Uuid]) -> Result<Vec<GrantRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT user_id, role, department, structure_id, call_id FROM user_roles WHERE user_id IN ({}) ORDER BY role, department",
        marks.join(", ")
    );
    Ok(read!(db, c => {
        let mut q = sqlx::query_as::<_, GrantRow>(sqlx::AssertSqlSafe(sql.as_str()));
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(c).await?
    }))
}

/// The active user behind a session or a token, with its grants on
/// `today`: a coordinator role limited by a handover reads only from its
/// `read_only_from` day and is gone after its `expires_on` day; a trainer
/// role (scoped to a provider structure) is gone after its `expires_on`
/// day, the end of the provider's service period.
pub async fn principal(db: &Db, id: Uuid, today: Date) -> Result<Option<Principal>, StoreError> {
    let Some(user) = find(db, id).await? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    #[derive(sqlx::FromRow)]
    struct Limit {
        role: String,
        department: Option<String>,
        structure_id: Option<Uuid>,
        read_only_from: Option<String>,
        expires_on: Option<String>,
    }
    let limits: Vec<Limit> = read!(db, c => {
        sqlx::query_as("SELECT role, department, structure_id, read_only_from, expires_on FROM user_roles
                        WHERE user_id = $1 AND (read_only_from IS NOT NULL OR expires_on IS NOT NULL)")
            .bind(id)
            .fetch_all(c)
            .await?
    });
    let mut grants = user.grants;
    let mut read_only = BTreeSet::new();
    for l in limits {
        let Some(dep) = l.department else {
            continue;
        };
        let dep: DepartmentCode = decode("user_roles", "department", id, &dep)?;
        let day = |s: Option<String>| s.and_then(|s| s.parse::<Date>().ok());
        let role = if l.role == Role::Trainer.as_str() {
            Role::Trainer
        } else {
            Role::Coordinator
        };
        if day(l.expires_on).is_some_and(|end| end < today) {
            grants.retain(|g| {
                !(g.role == role
                    && g.department.as_ref() == Some(&dep)
                    && (role != Role::Trainer || g.structure_id == l.structure_id))
            });
        } else if role == Role::Trainer {
            // A trainer has no read-only period.
        } else if day(l.read_only_from).is_some_and(|from| from <= today) {
            read_only.insert(dep);
        }
    }
    Ok(Some(Principal {
        user_id: user.id,
        email: user.email.into(),
        name: user.name,
        grants,
        read_only,
    }))
}

pub async fn find(db: &Db, id: Uuid) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = read!(db, c => {
        sqlx::query_as("SELECT id, email, name, password_hash, active, created_at FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
    });
    let Some(row) = row else { return Ok(None) };
    let grants = grants_of(db, &[id])
        .await?
        .into_iter()
        .map(GrantRow::into_grant)
        .collect::<Result<_, _>>()?;
    to_user(row, grants).map(Some)
}

fn to_user(r: UserRow, grants: Vec<Grant>) -> Result<User, StoreError> {
    Ok(User {
        email: decode("users", "email", r.id, &r.email)?,
        id: r.id,
        name: r.name,
        active: r.active,
        has_password: r.password_hash.is_some(),
        created_at: from_micros(r.created_at),
        grants,
    })
}

/// Every account, newest first (administrators only).
pub async fn list(
    db: &Db,
    _cap: &AdminCap,
    limit: i64,
    offset: i64,
) -> Result<(Vec<User>, i64), StoreError> {
    let sql = format!(
        "SELECT id, email, name, password_hash, active, created_at FROM users ORDER BY created_at DESC, id DESC LIMIT {} OFFSET {}",
        limit.clamp(1, 500),
        offset.max(0)
    );
    let (rows, total): (Vec<UserRow>, i64) = read!(db, c => {
        (
            sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(c).await?,
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(c).await?,
        )
    });
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut grants = grants_of(db, &ids).await?;
    let users = rows
        .into_iter()
        .map(|r| {
            let mine: Vec<Grant> = grants
                .extract_if(.., |g| g.user_id == r.id)
                .map(GrantRow::into_grant)
                .collect::<Result<_, _>>()?;
            to_user(r, mine)
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((users, total))
}

/// Sets a new password. `Some(keep)` keeps that one session and ends the
/// others; `None` ends every session of the account.
pub async fn set_password(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    user_id: Uuid,
    hash: &str,
    keep_session: Option<&str>,
) -> Result<(), StoreError> {
    let done = write!(&mut *tx, c => {
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(micros(now))
            .bind(user_id)
            .execute(c)
            .await?.rows_affected()
    });
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    write!(&mut *tx, c => {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(keep_session.unwrap_or(""))
            .execute(c)
            .await?.rows_affected()
    });
    audit::record(
        tx,
        actor,
        now,
        Change {
            action: "set_password",
            entity: "user",
            entity_id: user_id.to_string(),
            department: None,
            fields: json!({"password": "modifié"}),
        },
    )
    .await
}

/// Deactivates or reactivates an account; deactivation ends its sessions
/// and makes its API tokens useless.
pub async fn set_active(
    tx: &mut Tx,
    _cap: &AdminCap,
    actor: &Actor,
    now: Timestamp,
    user_id: Uuid,
    active: bool,
) -> Result<(), StoreError> {
    let done = write!(&mut *tx, c => {
        sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
            .bind(active)
            .bind(micros(now))
            .bind(user_id)
            .execute(c)
            .await?.rows_affected()
    });
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    if !active {
        write!(&mut *tx, c => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(c).await?.rows_affected()
        });
    }
    audit::record(
        tx,
        actor,
        now,
        Change {
            action: if active { "activate" } else { "deactivate" },
            entity: "user",
            entity_id: user_id.to_string(),
            department: None,
            fields: json!({"active": active}),
        },
    )
    .await
}

/// Deletes an account (its sessions, tokens and roles go with it).
pub async fn delete(
    tx: &mut Tx,
    _cap: &AdminCap,
    actor: &Actor,
    now: Timestamp,
    user_id: Uuid,
) -> Result<(), StoreError> {
    let done = write!(&mut *tx, c => {
        sqlx::query("DELETE FROM users WHERE id = $1").bind(user_id).execute(c).await?.rows_affected()
    });
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        tx,
        actor,
        now,
        Change {
            action: "delete",
            entity: "user",
            entity_id: user_id.to_string(),
            department: None,
            fields: json!({}),
        },
    )
    .await
}

/// The id of the account with this e-mail.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<Uuid>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(c)
            .await?
    }))
}

/// Gives an existing account one more role.
pub async fn add_grant(
    tx: &mut Tx,
    _cap: &AdminCap,
    actor: &Actor,
    now: Timestamp,
    user_id: Uuid,
    grant: &Grant,
) -> Result<(), StoreError> {
    grant_role(tx, actor, now, user_id, grant).await
}

/// Gives an existing account one more role, with its audit entry: every
/// path that widens what an account may do (a seat on a committee, an
/// approved claim, a handover, an administrator) leaves a trace naming who
/// granted what to whom.
pub(crate) async fn grant_role(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    user_id: Uuid,
    g: &Grant,
) -> Result<(), StoreError> {
    insert_grant(tx, user_id, g).await?;
    audit::log(
        tx,
        actor,
        now,
        "grant_role",
        "user",
        user_id,
        g.department.as_ref().map(DepartmentCode::as_str),
        json!({
            "role": g.role.as_str(),
            "department": g.department.as_ref().map(DepartmentCode::as_str),
            "structure_id": g.structure_id,
            "call_id": g.call_id,
        }),
    )
    .await
}

/// The addresses of the active CAF agents of `department` (whom a
/// structure that signs itself up waits for).
pub async fn caf_agent_emails(db: &Db, department: &str) -> Result<Vec<String>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar(
            "SELECT DISTINCT u.email FROM users u JOIN user_roles r ON r.user_id = u.id
             WHERE r.role = 'caf_agent' AND r.department = $1 AND u.active = $2 ORDER BY u.email",
        )
        .bind(department)
        .bind(true)
        .fetch_all(c)
        .await?
    }))
}
