//! Conventions between a structure and the CAF of a département, and the
//! e-mail reminders before they end.

use domain::{
    DepartmentCap, DepartmentCode, NetworkScope,
    convention::{ConventionStatus, REMINDER_DAYS},
};
use jiff::{Timestamp, ToSpan, civil::Date};
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    decode::decode,
    query::{Sql, scope_condition},
    structures::{SCOPE, bump_directory},
};

#[derive(Debug, Clone)]
pub struct Convention {
    pub id: Uuid,
    pub structure_id: Uuid,
    pub structure_name: String,
    pub department: DepartmentCode,
    pub starts_on: Date,
    pub ends_on: Date,
    pub signed_on: Option<Date>,
    pub document_id: Option<Uuid>,
    pub document_name: Option<String>,
}

impl Convention {
    pub fn status(&self, today: Date) -> ConventionStatus {
        ConventionStatus::of(self.starts_on, self.ends_on, self.signed_on, today)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    structure_id: Uuid,
    structure_name: String,
    department: String,
    starts_on: String,
    ends_on: String,
    signed_on: Option<String>,
    document_id: Option<Uuid>,
    document_name: Option<String>,
}

pub(crate) fn date(s: &str) -> Result<Date, StoreError> {
    s.parse()
        .map_err(|e| StoreError::Invalid(format!("date {s}: {e}")))
}

impl Row {
    fn into_convention(self) -> Result<Convention, StoreError> {
        Ok(Convention {
            id: self.id,
            structure_id: self.structure_id,
            structure_name: self.structure_name,
            department: decode("conventions", "department", self.id, &self.department)?,
            starts_on: date(&self.starts_on)?,
            ends_on: date(&self.ends_on)?,
            signed_on: self.signed_on.as_deref().map(date).transpose()?,
            document_id: self.document_id,
            document_name: self.document_name,
        })
    }
}

const SELECT: &str =
    "SELECT v.id, v.structure_id, s.name AS structure_name, v.department, v.starts_on, v.ends_on,
    v.signed_on, v.document_id, f.file_name AS document_name
    FROM conventions v JOIN structures s ON s.id = v.structure_id
    LEFT JOIN stored_files f ON f.id = v.document_id";

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub structure_id: Option<Uuid>,
    pub department: Option<DepartmentCode>,
    /// Only conventions ending before this date (the "to renew" list).
    pub ending_before: Option<Date>,
    pub limit: i64,
    pub offset: i64,
}

pub async fn list(
    db: &Db,
    scope: &NetworkScope,
    f: &Filter,
) -> Result<(Vec<Convention>, i64), StoreError> {
    let mut w = Sql::default();
    let mut conds = vec![scope_condition(&mut w, scope, &SCOPE)];
    if let Some(id) = f.structure_id {
        conds.push(format!("v.structure_id = {}", w.arg(id)));
    }
    if let Some(d) = &f.department {
        conds.push(format!("v.department = {}", w.arg(d.as_str())));
    }
    if let Some(d) = f.ending_before {
        conds.push(format!("v.ends_on < {}", w.arg(d.to_string())));
    }
    let where_ = format!(" WHERE {}", conds.join(" AND "));
    let mut count =
        Sql::new("SELECT COUNT(*) FROM conventions v JOIN structures s ON s.id = v.structure_id");
    count.push(&where_);
    count.args.clone_from(&w.args);
    let mut sql = Sql::new(SELECT);
    sql.push(&where_);
    sql.args = w.args;
    sql.push(&format!(
        " ORDER BY v.ends_on, s.search_key LIMIT {} OFFSET {}",
        f.limit.clamp(1, 10_000),
        f.offset.max(0)
    ));
    let items = sql
        .fetch_all::<Row>(db)
        .await?
        .into_iter()
        .map(Row::into_convention)
        .collect::<Result<_, _>>()?;
    Ok((items, count.count(db).await?))
}

pub async fn find(
    db: &Db,
    scope: &NetworkScope,
    id: Uuid,
) -> Result<Option<Convention>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let cond = scope_condition(&mut sql, scope, &SCOPE);
    let m = sql.arg(id);
    sql.push(&format!(" WHERE v.id = {m} AND {cond}"));
    sql.fetch_optional::<Row>(db)
        .await?
        .map(Row::into_convention)
        .transpose()
}

#[derive(Debug, Clone)]
pub struct ConventionInput {
    pub structure_id: Uuid,
    pub starts_on: Date,
    pub ends_on: Date,
    pub signed_on: Option<Date>,
    pub document_id: Option<Uuid>,
}

/// Records a convention of the CAF of `cap.department` with a structure.
/// Piloting (a CAF agent of that département) is required.
pub async fn create(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    input: &ConventionInput,
) -> Result<Uuid, StoreError> {
    if input.ends_on < input.starts_on {
        return Err(StoreError::Invalid("ends_on".into()));
    }
    let id = Uuid::now_v7();
    let department = cap.department.as_str();
    write!(&mut *tx, c => {
        sqlx::query(
            "INSERT INTO conventions (id, structure_id, department, starts_on, ends_on, signed_on, document_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(id)
        .bind(input.structure_id)
        .bind(department)
        .bind(input.starts_on.to_string())
        .bind(input.ends_on.to_string())
        .bind(input.signed_on.map(|d| d.to_string()))
        .bind(input.document_id)
        .bind(crate::micros(now))
        .execute(c)
        .await?
        .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "create",
        "convention",
        id,
        Some(department),
        json!({"structure_id": input.structure_id, "starts_on": input.starts_on.to_string(),
               "ends_on": input.ends_on.to_string(),
               "signed_on": input.signed_on.map(|d| d.to_string()),
               "document": input.document_id.is_some()}),
    )
    .await?;
    bump_directory(tx).await?;
    Ok(id)
}

/// Records the signature (date and, if given, the scanned document).
pub async fn sign(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    signed_on: Date,
    document_id: Option<Uuid>,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE conventions SET signed_on = $1, document_id = COALESCE($2, document_id), updated_at = $3 WHERE id = $4 AND department = $5")
            .bind(signed_on.to_string())
            .bind(document_id)
            .bind(crate::micros(now))
            .bind(id)
            .bind(cap.department.as_str())
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::log(
        tx,
        actor,
        now,
        "sign",
        "convention",
        id,
        Some(cap.department.as_str()),
        json!({"signed_on": signed_on.to_string(), "document": document_id.is_some()}),
    )
    .await
}

/// A reminder to send: the convention, how many days before its end, and
/// who to tell.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub convention: Convention,
    pub days: i32,
    pub structure_email: Option<String>,
    pub caf_email: String,
    pub caf_name: String,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: Uuid,
    structure_email: Option<String>,
    caf_email: String,
    caf_name: String,
}

/// Claims the reminders due on `today` (60 and 30 days before the end of
/// signed conventions): each is marked sent in `tx`, so that it is queued
/// once even with several workers, and returned for the caller to e-mail.
pub async fn claim_due_reminders(tx: &mut Tx, today: Date) -> Result<Vec<DueReminder>, StoreError> {
    let mut out = Vec::new();
    for days in REMINDER_DAYS {
        let flag = if days == 60 {
            "reminded_60"
        } else {
            "reminded_30"
        };
        let limit = today
            .checked_add(i64::from(days).days())
            .map_err(|e| StoreError::Invalid(e.to_string()))?
            .to_string();
        let select = format!(
            "SELECT v.id, s.email AS structure_email, d.contact_email AS caf_email, d.caf_name
             FROM conventions v JOIN structures s ON s.id = v.structure_id JOIN departments d ON d.code = v.department
             WHERE v.{flag} = FALSE AND v.signed_on IS NOT NULL AND v.ends_on <= $1 AND v.ends_on >= $2"
        );
        let rows: Vec<DueRow> = write!(&mut *tx, c => {
            sqlx::query_as::<_, DueRow>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(&limit)
                .bind(today.to_string())
                .fetch_all(c)
                .await?
        });
        let update =
            format!("UPDATE conventions SET {flag} = TRUE WHERE id = $1 AND {flag} = FALSE");
        for r in rows {
            let n = write!(&mut *tx, c => {
                sqlx::query(sqlx::AssertSqlSafe(update.as_str())).bind(r.id).execute(c).await?.rows_affected()
            });
            if n == 0 {
                continue;
            }
            // A convention past both thresholds at once gets one reminder.
            if days == 60 {
                write!(&mut *tx, c => {
                    sqlx::query("UPDATE conventions SET reminded_30 = TRUE WHERE id = $1 AND ends_on <= $2")
                        .bind(r.id)
                        .bind(today.checked_add(30.days()).map_err(|e| StoreError::Invalid(e.to_string()))?.to_string())
                        .execute(c)
                        .await?
                        .rows_affected()
                });
            }
            let mut sql = Sql::new(SELECT);
            let m = sql.arg(r.id);
            sql.push(&format!(" WHERE v.id = {m}"));
            let row: Row = write!(&mut *tx, c => {
                bind_args!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql.text.as_str())), &sql.args)
                    .fetch_one(c)
                    .await?
            });
            let convention = row.into_convention()?;
            out.push(DueReminder {
                convention,
                days,
                structure_email: r.structure_email,
                caf_email: r.caf_email,
                caf_name: r.caf_name,
            });
        }
    }
    Ok(out)
}
