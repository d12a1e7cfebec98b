//! The modules of a call, one row per version: read (current, by id, every
//! version), written (in place while not frozen, else as a new version)
//! and removed while never published.

use domain::{
    DepartmentCap,
    call::{DecisionWindow, ModuleSpec},
    deadline::Deadline,
};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use super::touch;
use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    conventions::date,
    from_micros, micros,
    query::Sql,
};

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
