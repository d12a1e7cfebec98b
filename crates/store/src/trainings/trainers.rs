//! Who trains: the structure retained for module 2 of a call in a
//! département (a validated, successful proposal) is that département's
//! training provider for the module's service period; its referent
//! designates trainers, `trainer` grants scoped to the structure and a
//! département, ending with the service period (`user_roles.expires_on`).

use domain::{DepartmentCode, Email, Role};
use jiff::{Timestamp, civil::Date};
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    decode::decode,
    users::{NewUser, User},
};

/// The code of the module that pays a structure to train the promeneurs.
pub const TRAINING_MODULE: &str = "M2";

/// A structure retained for module 2 in one département.
#[derive(Debug, Clone)]
pub struct Provision {
    pub department: DepartmentCode,
    pub call_id: Uuid,
    pub call_title: String,
    pub starts_on: Date,
    pub ends_on: Date,
}

#[derive(sqlx::FromRow)]
struct ProvisionRow {
    department: String,
    call_id: Uuid,
    call_title: String,
    service_starts_on: String,
    service_ends_on: String,
}

fn day(table: &'static str, id: Uuid, s: &str) -> Result<Date, StoreError> {
    s.parse::<Date>()
        .map_err(|_| StoreError::Invalid(format!("{table} {id}: date « {s} »")))
}

/// The départements where `structure_id` is the retained module 2
/// provider for a service period not ended on `today` (the latest period
/// per département).
pub async fn provisions(
    db: &Db,
    structure_id: Uuid,
    today: Date,
) -> Result<Vec<Provision>, StoreError> {
    let rows: Vec<ProvisionRow> = read!(db, c => {
        sqlx::query_as(
            "SELECT p.department, c.id AS call_id, c.title AS call_title, m.service_starts_on, m.service_ends_on
             FROM proposals p JOIN applications a ON a.id = p.application_id
             JOIN call_modules m ON m.call_id = p.call_id AND m.code = p.module_code AND m.is_current = TRUE
             JOIN calls c ON c.id = p.call_id
             WHERE p.module_code = $1 AND p.status = 'validated' AND p.unsuccessful = FALSE
               AND a.structure_id = $2 AND m.service_ends_on >= $3
             ORDER BY p.department, m.service_ends_on DESC",
        )
        .bind(TRAINING_MODULE)
        .bind(structure_id)
        .bind(today.to_string())
        .fetch_all(c)
        .await?
    });
    let mut out: Vec<Provision> = Vec::new();
    for r in rows {
        let department: DepartmentCode =
            decode("proposals", "department", r.call_id, &r.department)?;
        if out.iter().any(|p| p.department == department) {
            continue;
        }
        out.push(Provision {
            department,
            call_id: r.call_id,
            call_title: r.call_title,
            starts_on: day("call_modules", r.call_id, &r.service_starts_on)?,
            ends_on: day("call_modules", r.call_id, &r.service_ends_on)?,
        });
    }
    Ok(out)
}

/// A trainer of a provider structure, with the départements of its grants.
#[derive(Debug, Clone)]
pub struct Trainer {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    /// A password was set (the activation link was used).
    pub activated: bool,
    pub departments: Vec<DepartmentCode>,
    /// The last day of its grants (`None`: no end).
    pub ends_on: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct TrainerRow {
    user_id: Uuid,
    name: String,
    email: String,
    activated: bool,
    department: Option<String>,
    expires_on: Option<String>,
}

/// The trainers of `structure_id` whose grants have not ended on `today`,
/// by name.
pub async fn trainers(
    db: &Db,
    structure_id: Uuid,
    today: Date,
) -> Result<Vec<Trainer>, StoreError> {
    let rows: Vec<TrainerRow> = read!(db, c => {
        sqlx::query_as(
            "SELECT u.id AS user_id, u.name, u.email, (u.password_hash IS NOT NULL) AS activated,
                    r.department, r.expires_on
             FROM user_roles r JOIN users u ON u.id = r.user_id
             WHERE r.role = $1 AND r.structure_id = $2 AND u.active = $3
               AND (r.expires_on IS NULL OR r.expires_on >= $4)
             ORDER BY u.name, u.id, r.department",
        )
        .bind(Role::Trainer.as_str())
        .bind(structure_id)
        .bind(true)
        .bind(today.to_string())
        .fetch_all(c)
        .await?
    });
    let mut out: Vec<Trainer> = Vec::new();
    for r in rows {
        let ends_on = r
            .expires_on
            .as_deref()
            .map(|s| day("user_roles", r.user_id, s))
            .transpose()?;
        let department = r
            .department
            .as_deref()
            .map(|d| decode::<DepartmentCode>("user_roles", "department", r.user_id, d))
            .transpose()?;
        if out.last().is_none_or(|t| t.user_id != r.user_id) {
            out.push(Trainer {
                user_id: r.user_id,
                name: r.name,
                email: r.email,
                activated: r.activated,
                departments: Vec::new(),
                ends_on,
            });
        }
        let t = out.last_mut().expect("pushed above");
        t.departments.extend(department);
        t.ends_on = match (t.ends_on, ends_on) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    Ok(out)
}

/// Opens the account of a trainer, without a password nor a role (the
/// designation gives its grants; the activation link sets a password). A
/// duplicate e-mail is `Conflict("email")`.
pub async fn create_trainer_account(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    email: Email,
    name: String,
) -> Result<User, StoreError> {
    crate::users::insert(
        tx,
        actor,
        now,
        NewUser {
            email,
            name,
            grants: Vec::new(),
            password_hash: None,
        },
    )
    .await
}

/// Makes `user_id` a trainer of `structure_id` in exactly those
/// départements, each grant ending on its day (`None`: no end): its
/// earlier grants for that structure are replaced.
pub async fn designate(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    (user_id, structure_id): (Uuid, Uuid),
    grants: &[(DepartmentCode, Option<Date>)],
) -> Result<(), StoreError> {
    remove(tx, user_id, structure_id).await?;
    for (d, ends_on) in grants {
        write!(&mut *tx, c => {
            sqlx::query(
                "INSERT INTO user_roles (id, user_id, role, department, structure_id, expires_on)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::now_v7())
            .bind(user_id)
            .bind(Role::Trainer.as_str())
            .bind(d.as_str())
            .bind(structure_id)
            .bind(ends_on.map(|e| e.to_string()))
            .execute(c)
            .await?
            .rows_affected()
        });
    }
    audit::log(
        tx,
        actor,
        now,
        "grant_role",
        "user",
        user_id,
        grants.first().map(|(d, _)| d.as_str()),
        json!({
            "role": Role::Trainer.as_str(),
            "structure_id": structure_id,
            "departments": grants.iter().map(|(d, _)| d.as_str()).collect::<Vec<_>>(),
            "ends_on": grants.iter().filter_map(|(_, e)| *e).max().map(|e| e.to_string()),
        }),
    )
    .await
}

async fn remove(tx: &mut Tx, user_id: Uuid, structure_id: Uuid) -> Result<u64, StoreError> {
    Ok(write!(&mut *tx, c => {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role = $2 AND structure_id = $3")
            .bind(user_id)
            .bind(Role::Trainer.as_str())
            .bind(structure_id)
            .execute(c)
            .await?
            .rows_affected()
    }))
}

/// Ends the designation of `user_id` as a trainer of `structure_id`
/// (its grants removed); `NotFound` when it was none.
pub async fn end(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    user_id: Uuid,
    structure_id: Uuid,
) -> Result<(), StoreError> {
    if remove(tx, user_id, structure_id).await? == 0 {
        return Err(StoreError::NotFound);
    }
    audit::log(
        tx,
        actor,
        now,
        "revoke",
        "user",
        user_id,
        None,
        json!({"role": Role::Trainer.as_str(), "structure_id": structure_id}),
    )
    .await
}
