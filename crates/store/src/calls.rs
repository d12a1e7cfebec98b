//! Calls for applications and their modules. A module has one row per
//! version: publication freezes the current version, and a later change
//! writes a new one, so that each application keeps the definition it was
//! filed under.

use domain::{
    DepartmentCap,
    call::{CallStatus, DecisionWindow, ModuleSpec},
    deadline::Deadline,
};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    conventions::date,
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
    pub fn department_codes(&self) -> Vec<String> {
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
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallDepartment {
    #[sqlx(skip)]
    pub call_id: Uuid,
    pub department: String,
    pub name: String,
    pub caf_name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

/// One version of a module.
#[derive(Debug, Clone)]
pub struct Module {
    pub id: Uuid,
    pub call_id: Uuid,
    pub version: i64,
    pub is_current: bool,
    pub frozen: bool,
    pub position: i64,
    pub spec: ModuleSpec,
}

/// A file staff offer for download with the call (cahier des charges,
/// application form).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallFile {
    pub id: Uuid,
    pub call_id: Uuid,
    pub label: String,
    pub file_name: String,
    pub file_type: String,
    pub size: i64,
    pub sha256: String,
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

#[derive(sqlx::FromRow)]
struct ModuleRow {
    id: Uuid,
    call_id: Uuid,
    code: String,
    version: i64,
    is_current: bool,
    frozen: bool,
    position: i64,
    title: String,
    description: String,
    service_starts_on: String,
    service_ends_on: String,
    deadline: i64,
    audition_on: Option<String>,
    decision_window: Option<String>,
    min_applications: i64,
    quality_threshold: Option<i64>,
    criteria: String,
    required_documents: String,
    questions: String,
}

#[expect(clippy::needless_pass_by_value, reason = "a `map_err` adapter")]
fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Invalid(format!("json: {e}"))
}

impl ModuleRow {
    fn into_module(self) -> Result<Module, StoreError> {
        Ok(Module {
            id: self.id,
            call_id: self.call_id,
            version: self.version,
            is_current: self.is_current,
            frozen: self.frozen,
            position: self.position,
            spec: ModuleSpec {
                code: self.code,
                title: self.title,
                description: self.description,
                service_starts_on: date(&self.service_starts_on)?,
                service_ends_on: date(&self.service_ends_on)?,
                deadline: Deadline::from_instant(from_micros(self.deadline)),
                audition_on: self.audition_on.as_deref().map(date).transpose()?,
                decision_window: self
                    .decision_window
                    .as_deref()
                    .and_then(DecisionWindow::parse),
                min_applications: u32::try_from(self.min_applications).unwrap_or(2),
                quality_threshold: self.quality_threshold.and_then(|q| u32::try_from(q).ok()),
                criteria: serde_json::from_str(&self.criteria).map_err(json_err)?,
                required_documents: serde_json::from_str(&self.required_documents)
                    .map_err(json_err)?,
                questions: serde_json::from_str(&self.questions).map_err(json_err)?,
            },
        })
    }
}

const MODULE_COLUMNS: &str =
    "id, call_id, code, version, is_current, frozen, position, title, description,
    service_starts_on, service_ends_on, deadline, audition_on, decision_window, min_applications,
    quality_threshold, criteria, required_documents, questions";

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
    Ok(rows
        .into_iter()
        .map(|r| CallDepartment {
            call_id: r.call_id,
            department: r.department,
            name: r.name,
            caf_name: r.caf_name,
            contact_name: r.contact_name,
            contact_email: r.contact_email,
            contact_phone: r.contact_phone,
        })
        .collect())
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

/// The current version of each module of a call, in order.
pub async fn modules(db: &Db, call_id: Uuid) -> Result<Vec<Module>, StoreError> {
    let sql = format!(
        "SELECT {MODULE_COLUMNS} FROM call_modules WHERE call_id = $1 AND is_current = TRUE ORDER BY position"
    );
    let rows: Vec<ModuleRow> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(call_id).fetch_all(c).await?
    });
    rows.into_iter().map(ModuleRow::into_module).collect()
}

/// The current modules of several calls, in order (lists).
pub async fn modules_of(db: &Db, call_ids: &[Uuid]) -> Result<Vec<Module>, StoreError> {
    if call_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!(
        "SELECT {MODULE_COLUMNS} FROM call_modules WHERE is_current = TRUE AND "
    ));
    let inl = sql.in_list("call_id", call_ids);
    sql.push(&inl);
    sql.push(" ORDER BY position");
    let rows: Vec<ModuleRow> = sql.fetch_all(db).await?;
    rows.into_iter().map(ModuleRow::into_module).collect()
}

/// The files of several calls (lists).
pub async fn files_of(db: &Db, call_ids: &[Uuid]) -> Result<Vec<CallFile>, StoreError> {
    if call_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT id, call_id, label, file_name, file_type, size, sha256 FROM call_files WHERE ",
    );
    let inl = sql.in_list("call_id", call_ids);
    sql.push(&inl);
    sql.push(" ORDER BY created_at");
    sql.fetch_all(db).await
}

/// Every version of one module, newest first.
pub async fn module_versions(
    db: &Db,
    call_id: Uuid,
    code: &str,
) -> Result<Vec<Module>, StoreError> {
    let sql = format!(
        "SELECT {MODULE_COLUMNS} FROM call_modules WHERE call_id = $1 AND code = $2 ORDER BY version DESC"
    );
    let rows: Vec<ModuleRow> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(call_id).bind(code).fetch_all(c).await?
    });
    rows.into_iter().map(ModuleRow::into_module).collect()
}

/// One version, by id.
pub async fn module(db: &Db, id: Uuid) -> Result<Option<Module>, StoreError> {
    let sql = format!("SELECT {MODULE_COLUMNS} FROM call_modules WHERE id = $1");
    let row: Option<ModuleRow> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await?
    });
    row.map(ModuleRow::into_module).transpose()
}

/// The current version of a module, read inside a transaction.
pub async fn current_module_in(
    tx: &mut Tx,
    call_id: Uuid,
    code: &str,
) -> Result<Option<Module>, StoreError> {
    let sql = format!(
        "SELECT {MODULE_COLUMNS} FROM call_modules WHERE call_id = $1 AND code = $2 AND is_current = TRUE"
    );
    let row: Option<ModuleRow> = write!(tx, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(call_id).bind(code).fetch_optional(c).await?
    });
    row.map(ModuleRow::into_module).transpose()
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

/// Writes a module: in place while its current version is not frozen, as
/// a new version otherwise. Returns the id of the version written.
pub async fn put_module(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    call_id: Uuid,
    spec: &ModuleSpec,
) -> Result<Uuid, StoreError> {
    let current = current_module_in(tx, call_id, &spec.code).await?;
    let published: bool = write!(&mut *tx, c => {
        sqlx::query_scalar::<_, String>("SELECT status FROM calls WHERE id = $1")
            .bind(call_id)
            .fetch_optional(c)
            .await?
    })
    .ok_or(StoreError::NotFound)?
        == "published";
    let criteria = serde_json::to_string(&spec.criteria).map_err(json_err)?;
    let required = serde_json::to_string(&spec.required_documents).map_err(json_err)?;
    let questions = serde_json::to_string(&spec.questions).map_err(json_err)?;
    let (id, version, position, action) = match &current {
        Some(m) if !m.frozen => {
            write!(&mut *tx, c => {
                sqlx::query("DELETE FROM call_modules WHERE id = $1").bind(m.id).execute(c).await?.rows_affected()
            });
            (m.id, m.version, m.position, "update")
        }
        Some(m) => {
            write!(&mut *tx, c => {
                sqlx::query("UPDATE call_modules SET is_current = FALSE WHERE id = $1").bind(m.id).execute(c).await?.rows_affected()
            });
            (Uuid::now_v7(), m.version + 1, m.position, "new_version")
        }
        None => {
            let position: i64 = write!(&mut *tx, c => {
                sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM call_modules WHERE call_id = $1")
                    .bind(call_id)
                    .fetch_one(c)
                    .await?
            });
            (Uuid::now_v7(), 1, position, "create")
        }
    };
    write!(&mut *tx, c => {
        sqlx::query(
            "INSERT INTO call_modules (id, call_id, code, version, is_current, frozen, position, title, description,
             service_starts_on, service_ends_on, deadline, audition_on, decision_window, min_applications,
             quality_threshold, criteria, required_documents, questions, created_at)
             VALUES ($1, $2, $3, $4, TRUE, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        )
        .bind(id)
        .bind(call_id)
        .bind(&spec.code)
        .bind(version)
        .bind(published)
        .bind(position)
        .bind(&spec.title)
        .bind(&spec.description)
        .bind(spec.service_starts_on.to_string())
        .bind(spec.service_ends_on.to_string())
        .bind(micros(spec.deadline.instant()))
        .bind(spec.audition_on.map(|d| d.to_string()))
        .bind(spec.decision_window.map(DecisionWindow::encode))
        .bind(i64::from(spec.min_applications))
        .bind(spec.quality_threshold.map(i64::from))
        .bind(&criteria)
        .bind(&required)
        .bind(&questions)
        .bind(micros(now))
        .execute(c)
        .await?
        .rows_affected()
    });
    touch(tx, call_id, now).await?;
    audit::log(
        tx,
        actor,
        now,
        action,
        "call_module",
        id,
        Some(cap.department.as_str()),
        json!({"call_id": call_id, "code": spec.code, "version": version,
               "deadline": spec.deadline.rfc3339()}),
    )
    .await?;
    Ok(id)
}

async fn touch(tx: &mut Tx, call_id: Uuid, now: Timestamp) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("UPDATE calls SET updated_at = $2 WHERE id = $1").bind(call_id).bind(micros(now)).execute(c).await?.rows_affected()
    });
    Ok(())
}

/// Removes a module never published.
pub async fn remove_module(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    call_id: Uuid,
    code: &str,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("DELETE FROM call_modules WHERE call_id = $1 AND code = $2 AND frozen = FALSE
                     AND NOT EXISTS (SELECT 1 FROM call_modules o WHERE o.call_id = $1 AND o.code = $2 AND o.frozen = TRUE)
                     AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.call_id = $1 AND a.module_code = $2)")
            .bind(call_id)
            .bind(code)
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("module_frozen"));
    }
    touch(tx, call_id, now).await?;
    audit::log(
        tx,
        actor,
        now,
        "delete",
        "call_module",
        call_id,
        Some(cap.department.as_str()),
        json!({"code": code}),
    )
    .await
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

/// Files offered with a call.
pub async fn files(db: &Db, call_id: Uuid) -> Result<Vec<CallFile>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_as("SELECT id, call_id, label, file_name, file_type, size, sha256 FROM call_files WHERE call_id = $1 ORDER BY created_at")
            .bind(call_id)
            .fetch_all(c)
            .await?
    }))
}

#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub label: &'a str,
    pub file_name: &'a str,
    pub file_type: &'a str,
    pub size: u64,
    pub sha256: &'a str,
}

pub async fn add_file(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    call_id: Uuid,
    f: &NewFile<'_>,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO call_files (id, call_id, label, file_name, file_type, size, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id)
            .bind(call_id)
            .bind(f.label)
            .bind(f.file_name)
            .bind(f.file_type)
            .bind(i64::try_from(f.size).unwrap_or(i64::MAX))
            .bind(f.sha256)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    touch(tx, call_id, now).await?;
    audit::log(
        tx,
        actor,
        now,
        "add_file",
        "call",
        call_id,
        Some(cap.department.as_str()),
        json!({"file_id": id, "label": f.label, "file_name": f.file_name, "sha256": f.sha256}),
    )
    .await?;
    Ok(id)
}

pub async fn remove_file(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    call_id: Uuid,
    file_id: Uuid,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("DELETE FROM call_files WHERE id = $1 AND call_id = $2").bind(file_id).bind(call_id).execute(c).await?.rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::log(
        tx,
        actor,
        now,
        "remove_file",
        "call",
        call_id,
        Some(cap.department.as_str()),
        json!({"file_id": file_id}),
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

/// When each version of a module was written (for a version still a
/// draft, its last save), newest first: `(version, instant)`.
pub async fn module_version_dates(
    db: &Db,
    call_id: Uuid,
    code: &str,
) -> Result<Vec<(i64, Timestamp)>, StoreError> {
    let rows: Vec<(i64, i64)> = read!(db, c => {
        sqlx::query_as("SELECT version, created_at FROM call_modules WHERE call_id = $1 AND code = $2 ORDER BY version DESC")
            .bind(call_id)
            .bind(code)
            .fetch_all(c)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|(v, at)| (v, from_micros(at)))
        .collect())
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
