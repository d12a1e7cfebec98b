//! Calls for applications and their modules. A module has one row per
//! version: publication freezes the current version, and a later change
//! writes a new one, so that each application keeps the definition it was
//! filed under.
//!
//! Here: the call itself (its départements and contacts, publication,
//! receipt numbers, relaunches). Its modules and its files are in the
//! submodules, re-exported below.

mod files;
mod modules;

use domain::{DepartmentCap, DepartmentCode, call::CallStatus};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

pub use files::{CallFile, NewFile, add_file, files, files_of, remove_file};
pub use modules::{
    Module, current_module_in, module, module_version_dates, module_versions, modules, modules_of,
    put_module, remove_module,
};

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    decode::decode,
    from_micros, micros,
    query::Sql,
};

#[derive(Debug, Clone)]
pub struct Call {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub status: CallStatus,
    pub departments: Vec<CallDepartment>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub published_at: Option<Timestamp>,
    /// The call this one relaunches (an unsuccessful module).
    pub relaunch_of: Option<Uuid>,
}

impl Call {
    pub fn department_codes(&self) -> Vec<DepartmentCode> {
        self.departments
            .iter()
            .map(|d| d.department.clone())
            .collect()
    }

    pub fn covers(&self, department: &str) -> bool {
        self.departments.iter().any(|d| d.department == department)
    }
}

/// A département of a call, with the contact at its CAF.
#[derive(Debug, Clone)]
pub struct CallDepartment {
    pub call_id: Uuid,
    pub department: DepartmentCode,
    pub name: String,
    pub caf_name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

#[derive(sqlx::FromRow)]
struct CallRow {
    id: Uuid,
    title: String,
    description: String,
    status: String,
    created_at: i64,
    updated_at: i64,
    published_at: Option<i64>,
    relaunch_of: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct DepRow {
    call_id: Uuid,
    department: String,
    name: String,
    caf_name: String,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
}

fn status(s: &str) -> Result<CallStatus, StoreError> {
    CallStatus::parse(s).ok_or_else(|| StoreError::Invalid(format!("call status {s}")))
}

/// What staff write about a call.
#[derive(Debug, Clone)]
pub struct CallInput {
    pub title: String,
    pub description: String,
    pub departments: Vec<DepartmentContact>,
}

#[derive(Debug, Clone, Default)]
pub struct DepartmentContact {
    pub department: String,
    /// Empty: the CAF's contact from the reference data.
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

/// Filter of `list`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only published calls.
    pub published_only: bool,
    /// Only calls covering one of these départements (`None`: all).
    pub departments: Option<Vec<String>>,
}

/// Calls, newest first, with their départements.
pub async fn list(db: &Db, f: &Filter) -> Result<Vec<Call>, StoreError> {
    let mut sql = Sql::new(
        "SELECT id, title, description, status, created_at, updated_at, published_at, relaunch_of FROM calls c",
    );
    let mut conds = Vec::new();
    if f.published_only {
        conds.push("c.status = 'published'".to_owned());
    }
    if let Some(codes) = &f.departments {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let inl = sql.in_list("d.department", codes);
        conds.push(format!(
            "EXISTS (SELECT 1 FROM call_departments d WHERE d.call_id = c.id AND {inl})"
        ));
    }
    if !conds.is_empty() {
        sql.push(&format!(" WHERE {}", conds.join(" AND ")));
    }
    sql.push(" ORDER BY c.created_at DESC");
    let rows: Vec<CallRow> = sql.fetch_all(db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut deps = departments_of(db, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let mine = deps.extract_if(.., |d| d.call_id == r.id).collect();
            into_call(r, mine)
        })
        .collect()
}

fn into_call(r: CallRow, deps: Vec<CallDepartment>) -> Result<Call, StoreError> {
    Ok(Call {
        id: r.id,
        title: r.title,
        description: r.description,
        status: status(&r.status)?,
        departments: deps,
        created_at: from_micros(r.created_at),
        updated_at: from_micros(r.updated_at),
        published_at: r.published_at.map(from_micros),
        relaunch_of: r.relaunch_of,
    })
}

async fn departments_of(db: &Db, ids: &[Uuid]) -> Result<Vec<CallDepartment>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT cd.call_id, cd.department, d.name, d.caf_name,
         CASE WHEN cd.contact_name = '' THEN d.contact_name ELSE cd.contact_name END AS contact_name,
         CASE WHEN cd.contact_email = '' THEN d.contact_email ELSE cd.contact_email END AS contact_email,
         CASE WHEN cd.contact_phone = '' THEN d.contact_phone ELSE cd.contact_phone END AS contact_phone
         FROM call_departments cd JOIN departments d ON d.code = cd.department WHERE ",
    );
    let inl = sql.in_list("cd.call_id", ids);
    sql.push(&inl);
    sql.push(" ORDER BY cd.department");
    let rows: Vec<DepRow> = sql.fetch_all(db).await?;
    rows.into_iter()
        .map(|r| {
            Ok(CallDepartment {
                department: decode("call_departments", "department", r.call_id, &r.department)?,
                call_id: r.call_id,
                name: r.name,
                caf_name: r.caf_name,
                contact_name: r.contact_name,
                contact_email: r.contact_email,
                contact_phone: r.contact_phone,
            })
        })
        .collect()
}

pub async fn find(db: &Db, id: Uuid) -> Result<Option<Call>, StoreError> {
    let row: Option<CallRow> = read!(db, c => {
        sqlx::query_as("SELECT id, title, description, status, created_at, updated_at, published_at, relaunch_of FROM calls WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
    });
    match row {
        None => Ok(None),
        Some(r) => {
            let deps = departments_of(db, &[id]).await?;
            into_call(r, deps).map(Some)
        }
    }
}

/// The revision of a call: a number that triggers increase with every
/// change of what its committee reads (migration 0006). `None`: no such
/// call.
pub async fn revision(db: &Db, id: Uuid) -> Result<Option<i64>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar("SELECT revision FROM call_revisions WHERE call_id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
    }))
}

async fn write_departments(
    tx: &mut Tx,
    id: Uuid,
    departments: &[DepartmentContact],
) -> Result<(), StoreError> {
    write!(&mut *tx, c => {
        sqlx::query("DELETE FROM call_departments WHERE call_id = $1").bind(id).execute(c).await?.rows_affected()
    });
    for d in departments {
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO call_departments (call_id, department, contact_name, contact_email, contact_phone) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(&d.department)
                .bind(d.contact_name.trim())
                .bind(d.contact_email.trim())
                .bind(d.contact_phone.trim())
                .execute(c)
                .await?
                .rows_affected()
        });
    }
    Ok(())
}

/// Creates a draft call. `cap` is the right to pilot one of its
/// départements.
pub async fn create(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    input: &CallInput,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO calls (id, title, description, status, created_at, updated_at) VALUES ($1, $2, $3, 'draft', $4, $4)")
            .bind(id)
            .bind(input.title.trim())
            .bind(input.description.trim())
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    write_departments(tx, id, &input.departments).await?;
    audit::log(
        tx,
        actor,
        now,
        "create",
        "call",
        id,
        Some(cap.department.as_str()),
        json!({"title": input.title,
               "departments": input.departments.iter().map(|d| d.department.clone()).collect::<Vec<_>>()}),
    )
    .await?;
    Ok(id)
}

/// Changes the title, description, départements and contacts.
pub async fn update(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    input: &CallInput,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE calls SET title = $2, description = $3, updated_at = $4 WHERE id = $1")
            .bind(id)
            .bind(input.title.trim())
            .bind(input.description.trim())
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    write_departments(tx, id, &input.departments).await?;
    audit::log(
        tx,
        actor,
        now,
        "update",
        "call",
        id,
        Some(cap.department.as_str()),
        json!({"title": input.title,
               "departments": input.departments.iter().map(|d| d.department.clone()).collect::<Vec<_>>()}),
    )
    .await
}

async fn touch(tx: &mut Tx, call_id: Uuid, now: Timestamp) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("UPDATE calls SET updated_at = $2 WHERE id = $1").bind(call_id).bind(micros(now)).execute(c).await?.rows_affected()
    });
    Ok(())
}

/// Publishes a draft call and freezes its modules.
pub async fn publish(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    call_id: Uuid,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE calls SET status = 'published', published_at = $2, updated_at = $2 WHERE id = $1 AND status = 'draft'")
            .bind(call_id)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("already_published"));
    }
    write!(&mut *tx, c => {
        sqlx::query("UPDATE call_modules SET frozen = TRUE WHERE call_id = $1").bind(call_id).execute(c).await?.rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "publish",
        "call",
        call_id,
        Some(cap.department.as_str()),
        json!({}),
    )
    .await
}

/// The next receipt number of a call (in the transaction of the filing).
pub async fn next_receipt_seq(tx: &mut Tx, call_id: Uuid) -> Result<i64, StoreError> {
    Ok(write!(tx, c => {
        sqlx::query_scalar("UPDATE calls SET receipt_seq = receipt_seq + 1 WHERE id = $1 RETURNING receipt_seq")
            .bind(call_id)
            .fetch_one(c)
            .await?
    }))
}

/// Marks `call_id` as the relaunch of `of`.
pub async fn set_relaunch_of(tx: &mut Tx, call_id: Uuid, of: Uuid) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("UPDATE calls SET relaunch_of = $2 WHERE id = $1").bind(call_id).bind(of).execute(c).await?.rows_affected()
    });
    Ok(())
}

/// The calls that relaunch `call_id`, oldest first.
pub async fn relaunches(db: &Db, call_id: Uuid) -> Result<Vec<(Uuid, String)>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_as("SELECT id, title FROM calls WHERE relaunch_of = $1 ORDER BY created_at")
            .bind(call_id)
            .fetch_all(c)
            .await?
    }))
}
