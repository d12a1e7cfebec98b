//! Applications to a module of a call: their départements, documents,
//! messages (complement requests and answers) and receipts. Every read is
//! scoped: staff see the applications covering one of their départements,
//! referents those of their structures.
//!
//! Here: the application itself (scoped reads, the draft and its form).
//! Its documents, filing and receipts, review and thread, and the draft
//! reminders are in the submodules, re-exported below.

mod documents;
mod reminders;
mod review;
mod submit;

use std::collections::BTreeMap;

use domain::{
    ApplicantCap, DepartmentCode, NetworkScope, Siret,
    call::{ApplicationStatus, Transition},
};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

pub use documents::{
    Document, NewDocument, add_document, delete_document, documents, documents_of,
};
pub use reminders::{DraftReminder, claim_draft_reminders};
pub use review::{
    DAILY_MESSAGES, Message, Posted, answer, applicant_message, awaiting_answer, messages,
    request_complement, staff_emails, staff_message, start_review, withdraw,
};
pub use submit::{Receipt, ReceiptDocument, SubmitOutcome, receipts, submit};

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    decode::{decode, decode_opt},
    from_micros, micros,
    query::Sql,
};

#[derive(Debug, Clone)]
pub struct Application {
    pub id: Uuid,
    pub call_id: Uuid,
    pub call_title: String,
    pub module_code: String,
    /// The module version the application is filed under.
    pub module_id: Uuid,
    pub module_version: i64,
    pub structure_id: Uuid,
    pub structure_name: String,
    pub structure_siret: Option<Siret>,
    pub status: ApplicationStatus,
    pub summary: String,
    pub answers: BTreeMap<String, String>,
    pub departments: Vec<DepartmentCode>,
    pub created_by: Uuid,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
    pub withdrawn_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    call_id: Uuid,
    call_title: String,
    module_code: String,
    module_id: Uuid,
    module_version: i64,
    structure_id: Uuid,
    structure_name: String,
    structure_siret: Option<String>,
    status: String,
    summary: String,
    answers: String,
    created_by: Uuid,
    created_at: i64,
    updated_at: i64,
    submitted_at: Option<i64>,
    withdrawn_at: Option<i64>,
}

const SELECT: &str = "SELECT a.id, a.call_id, c.title AS call_title, a.module_code, a.module_id,
    m.version AS module_version, a.structure_id, s.name AS structure_name, s.siret AS structure_siret,
    a.status, a.summary, a.answers, a.created_by, a.created_at, a.updated_at, a.submitted_at, a.withdrawn_at
    FROM applications a JOIN calls c ON c.id = a.call_id JOIN call_modules m ON m.id = a.module_id
    JOIN structures s ON s.id = a.structure_id";

fn parse_status(s: &str) -> Result<ApplicationStatus, StoreError> {
    ApplicationStatus::parse(s).ok_or_else(|| StoreError::Invalid(format!("status {s}")))
}

impl Row {
    fn into_application(self, departments: &[String]) -> Result<Application, StoreError> {
        Ok(Application {
            id: self.id,
            call_id: self.call_id,
            call_title: self.call_title,
            module_code: self.module_code,
            module_id: self.module_id,
            module_version: self.module_version,
            structure_id: self.structure_id,
            structure_name: self.structure_name,
            structure_siret: decode_opt(
                "structures",
                "siret",
                self.structure_id,
                self.structure_siret.as_deref(),
            )?,
            status: parse_status(&self.status)?,
            summary: self.summary,
            answers: serde_json::from_str(&self.answers).unwrap_or_default(),
            departments: departments
                .iter()
                .map(|d| decode("application_departments", "department", self.id, d))
                .collect::<Result<_, _>>()?,
            created_by: self.created_by,
            created_at: from_micros(self.created_at),
            updated_at: from_micros(self.updated_at),
            submitted_at: self.submitted_at.map(from_micros),
            withdrawn_at: self.withdrawn_at.map(from_micros),
        })
    }
}

/// The condition that an application `a` is visible: it covers one of
/// the staff's départements, or belongs to one of the referent's
/// structures.
fn scope_condition(sql: &mut Sql, scope: &NetworkScope) -> String {
    let mut parts = Vec::new();
    match scope.departments.codes() {
        None => return "1 = 1".to_owned(),
        Some(codes) if !codes.is_empty() => {
            let inl = sql.in_list("x.department", &codes);
            parts.push(format!(
                "EXISTS (SELECT 1 FROM application_departments x WHERE x.application_id = a.id AND {inl})"
            ));
        }
        Some(_) => {}
    }
    if !scope.structures.is_empty() {
        let ids: Vec<Uuid> = scope.structures.iter().copied().collect();
        parts.push(sql.in_list("a.structure_id", &ids));
    }
    if parts.is_empty() {
        "1 = 0".to_owned()
    } else {
        format!("({})", parts.join(" OR "))
    }
}

async fn departments_of(db: &Db, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT application_id, department FROM application_departments WHERE ");
    let inl = sql.in_list("application_id", ids);
    sql.push(&inl);
    sql.push(" ORDER BY department");
    sql.fetch_all(db).await
}

async fn assemble(db: &Db, rows: Vec<Row>) -> Result<Vec<Application>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    // Each application's départements, in the order read (by code).
    let mut deps: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
    for (id, d) in departments_of(db, &ids).await? {
        deps.entry(id).or_default().push(d);
    }
    rows.into_iter()
        .map(|r| {
            let mine = deps.remove(&r.id).unwrap_or_default();
            r.into_application(&mine)
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub call_id: Option<Uuid>,
    pub module_code: Option<String>,
    pub structure_id: Option<Uuid>,
    pub department: Option<String>,
    pub status: Option<ApplicationStatus>,
    /// Leave out drafts (staff lists: a draft is the applicant's own).
    pub filed_only: bool,
    pub limit: i64,
    pub offset: i64,
}

pub async fn list(
    db: &Db,
    scope: &NetworkScope,
    f: &Filter,
) -> Result<(Vec<Application>, i64), StoreError> {
    let mut w = Sql::default();
    let mut conds = vec![scope_condition(&mut w, scope)];
    if let Some(id) = f.call_id {
        conds.push(format!("a.call_id = {}", w.arg(id)));
    }
    if let Some(m) = &f.module_code {
        conds.push(format!("a.module_code = {}", w.arg(m.as_str())));
    }
    if let Some(id) = f.structure_id {
        conds.push(format!("a.structure_id = {}", w.arg(id)));
    }
    if let Some(d) = &f.department {
        let m = w.arg(d.as_str());
        conds.push(format!(
            "EXISTS (SELECT 1 FROM application_departments y WHERE y.application_id = a.id AND y.department = {m})"
        ));
    }
    if let Some(s) = f.status {
        conds.push(format!("a.status = {}", w.arg(s.as_str())));
    }
    if f.filed_only {
        conds.push("a.status <> 'draft'".to_owned());
    }
    let where_ = format!(" WHERE {}", conds.join(" AND "));
    let mut count = Sql::new("SELECT COUNT(*) FROM applications a");
    count.push(&where_);
    count.args.clone_from(&w.args);
    let mut sql = Sql::new(SELECT);
    sql.push(&where_);
    sql.args = w.args;
    sql.push(&format!(
        " ORDER BY c.created_at DESC, a.module_code, s.search_key LIMIT {} OFFSET {}",
        f.limit.clamp(1, 10_000),
        f.offset.max(0)
    ));
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    Ok((assemble(db, rows).await?, count.count(db).await?))
}

pub async fn find(
    db: &Db,
    scope: &NetworkScope,
    id: Uuid,
) -> Result<Option<Application>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let cond = scope_condition(&mut sql, scope);
    let m = sql.arg(id);
    sql.push(&format!(" WHERE a.id = {m} AND {cond}"));
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    Ok(assemble(db, rows).await?.pop())
}

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub call_id: Uuid,
    pub module_code: String,
    pub module_id: Uuid,
    pub structure_id: Uuid,
    pub departments: Vec<String>,
    pub summary: String,
    pub answers: BTreeMap<String, String>,
    pub created_by: Uuid,
}

/// Starts a draft. A structure has one live application per module:
/// `Conflict("application_exists")` otherwise.
pub async fn create(
    tx: &mut Tx,
    cap: &ApplicantCap,
    actor: &Actor,
    now: Timestamp,
    a: &NewApplication,
) -> Result<Uuid, StoreError> {
    if a.structure_id != cap.structure_id {
        return Err(StoreError::NotFound);
    }
    let id = Uuid::now_v7();
    let answers =
        serde_json::to_string(&a.answers).map_err(|e| StoreError::Invalid(e.to_string()))?;
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO applications (id, call_id, module_code, module_id, structure_id, status, summary, answers, created_by, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $9)")
            .bind(id)
            .bind(a.call_id)
            .bind(&a.module_code)
            .bind(a.module_id)
            .bind(a.structure_id)
            .bind(&a.summary)
            .bind(&answers)
            .bind(a.created_by)
            .bind(micros(now))
            .execute(c)
            .await
            .map_err(|e| StoreError::from(e).unique_as("application_exists"))?
            .rows_affected()
    });
    write_departments(tx, id, &a.departments).await?;
    audit::log(
        tx,
        actor,
        now,
        "create",
        "application",
        id,
        a.departments.first().map(String::as_str),
        json!({"call_id": a.call_id, "module": a.module_code, "structure_id": a.structure_id,
               "departments": a.departments}),
    )
    .await?;
    Ok(id)
}

async fn write_departments(
    tx: &mut Tx,
    id: Uuid,
    departments: &[String],
) -> Result<(), StoreError> {
    write!(&mut *tx, c => {
        sqlx::query("DELETE FROM application_departments WHERE application_id = $1").bind(id).execute(c).await?.rows_affected()
    });
    for d in departments {
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO application_departments (application_id, department) VALUES ($1, $2)")
                .bind(id)
                .bind(d)
                .execute(c)
                .await?
                .rows_affected()
        });
    }
    Ok(())
}

/// Refuses (`NotFound`) a write on an application that is not of the
/// structure `cap` acts for.
pub(crate) async fn check_applicant(
    tx: &mut Tx,
    cap: &ApplicantCap,
    application_id: Uuid,
) -> Result<(), StoreError> {
    let n: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE id = $1 AND structure_id = $2")
            .bind(application_id)
            .bind(cap.structure_id)
            .fetch_one(c)
            .await?
    });
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// `status IN ('…', …)`: the states `t` starts from, as the domain's rules
/// say (never written here as literals).
pub(crate) fn sources_of(t: Transition) -> String {
    let states: Vec<String> = t
        .sources()
        .into_iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("status IN ({})", states.join(", "))
}

/// `status IN (…)`: while the applicant may still change its application
/// (the states it may be filed from).
pub(crate) fn editable() -> String {
    sources_of(Transition::Submit)
}

/// Saves the form while the applicant may still change it
/// (`Conflict("not_editable")` otherwise). The départements change only in
/// a draft.
#[allow(clippy::too_many_arguments)]
pub async fn update_form(
    tx: &mut Tx,
    cap: &ApplicantCap,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    summary: &str,
    answers: &BTreeMap<String, String>,
    departments: Option<&[String]>,
) -> Result<(), StoreError> {
    check_applicant(tx, cap, id).await?;
    let answers_json =
        serde_json::to_string(answers).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let n = write!(&mut *tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE applications SET summary = $2, answers = $3, updated_at = $4 WHERE id = $1 AND {}", editable())))
            .bind(id)
            .bind(summary)
            .bind(&answers_json)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("not_editable"));
    }
    if let Some(deps) = departments {
        let draft: i64 = write!(&mut *tx, c => {
            sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE id = $1 AND status = 'draft'").bind(id).fetch_one(c).await?
        });
        if draft == 0 {
            return Err(StoreError::Conflict("not_editable"));
        }
        write_departments(tx, id, deps).await?;
    }
    audit::log(
        tx,
        actor,
        now,
        "update",
        "application",
        id,
        None,
        json!({"summary_chars": summary.chars().count(), "answers": answers.keys().collect::<Vec<_>>(),
               "departments": departments}),
    )
    .await
}

/// Who to tell about an application: the referents of the structure, or
/// else the account that started it.
pub async fn referent_emails(
    db: &Db,
    structure_id: Uuid,
    created_by: Uuid,
) -> Result<Vec<String>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar("SELECT DISTINCT u.email FROM users u
                            WHERE u.active = $3 AND (u.id = $2 OR EXISTS (SELECT 1 FROM user_roles r
                              WHERE r.user_id = u.id AND r.role = 'structure_referent' AND r.structure_id = $1))
                            ORDER BY u.email")
            .bind(structure_id)
            .bind(created_by)
            .bind(true)
            .fetch_all(c)
            .await?
    }))
}
