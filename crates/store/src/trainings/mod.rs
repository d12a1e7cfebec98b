//! Trainings: the catalogue (this file), sessions of half-days
//! ([`sessions`]), registrations with their waiting list, attendance and
//! certificates ([`registrations`]). Writes take a [`TrainingCap`] (staff
//! of the département or a trainer of the provider), checked against the
//! rows they change.

use domain::{DepartmentCode, training::TrainingCap, training::TrainingKind};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    decode::decode,
    micros,
};

pub mod attendance;
pub mod registrations;
pub mod reminders;
pub mod sessions;
pub mod survey;
pub mod trainers;

pub use attendance::{Attendance, set_attendance, set_certificate_code, set_initial_training};
pub use registrations::{
    Passport, Promotion, Registered, Registration, approve, cancel, certificate, pending_approvals,
    promeneur_registrations, register, registration, session_registrations,
};
pub use sessions::{
    NewSession, Part, Session, SessionFilter, create_session, find_session, lock_session, sessions,
    set_capacity,
};
pub use survey::{SurveyAnswer, answer_survey, answered, survey_answers};

/// A training of the catalogue.
#[derive(Debug, Clone)]
pub struct Training {
    pub id: Uuid,
    pub title: String,
    pub theme: String,
    pub objectives: String,
    pub description: String,
    pub kind: TrainingKind,
    pub duration_minutes: i64,
    pub provider_structure_id: Option<Uuid>,
    pub provider_name: Option<String>,
    pub departments: Vec<DepartmentCode>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    title: String,
    theme: String,
    objectives: String,
    description: String,
    kind: String,
    duration_minutes: i64,
    provider_structure_id: Option<Uuid>,
    provider_name: Option<String>,
    departments: String,
}

impl Row {
    fn into_training(self) -> Result<Training, StoreError> {
        let kind = TrainingKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Invalid(format!("training kind {}", self.kind)))?;
        let departments = split_departments("trainings", self.id, &self.departments)?;
        Ok(Training {
            id: self.id,
            title: self.title,
            theme: self.theme,
            objectives: self.objectives,
            description: self.description,
            kind,
            duration_minutes: self.duration_minutes,
            provider_structure_id: self.provider_structure_id,
            provider_name: self.provider_name,
            departments,
        })
    }
}

/// "03,63" as read by a grouped subquery, decoded.
pub(crate) fn split_departments(
    table: &'static str,
    id: Uuid,
    codes: &str,
) -> Result<Vec<DepartmentCode>, StoreError> {
    let mut out = codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| decode(table, "department", id, c))
        .collect::<Result<Vec<DepartmentCode>, StoreError>>()?;
    out.sort();
    Ok(out)
}

const SELECT: &str = "SELECT t.id, t.title, t.theme, t.objectives, t.description, t.kind,
    t.duration_minutes, t.provider_structure_id, s.name AS provider_name,
    COALESCE((SELECT STRING_AGG(d.department, ',') FROM training_departments d WHERE d.training_id = t.id), '') AS departments
    FROM trainings t LEFT JOIN structures s ON s.id = t.provider_structure_id";

/// `STRING_AGG` is PostgreSQL's; SQLite's `GROUP_CONCAT` takes the same
/// arguments.
pub(crate) fn dialect(db_is_sqlite: bool, sql: &str) -> String {
    if db_is_sqlite {
        sql.replace("STRING_AGG(", "GROUP_CONCAT(")
    } else {
        sql.to_owned()
    }
}

pub(crate) fn is_sqlite(db: &Db) -> bool {
    matches!(db, Db::Sqlite { .. })
}

/// The trainings given in any of `departments` (`None`: all), by title.
pub async fn trainings(
    db: &Db,
    departments: Option<&[DepartmentCode]>,
) -> Result<Vec<Training>, StoreError> {
    let mut sql = crate::query::Sql::new(&dialect(is_sqlite(db), SELECT));
    if let Some(codes) = departments {
        let codes: Vec<String> = codes.iter().map(ToString::to_string).collect();
        let inl = sql.in_list("d.department", &codes);
        sql.push(&format!(
            " WHERE EXISTS (SELECT 1 FROM training_departments d WHERE d.training_id = t.id AND {inl})"
        ));
    }
    sql.push(" ORDER BY t.title, t.id");
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    rows.into_iter().map(Row::into_training).collect()
}

pub async fn find_training(db: &Db, id: Uuid) -> Result<Option<Training>, StoreError> {
    let sql = format!("{} WHERE t.id = $1", dialect(is_sqlite(db), SELECT));
    let row: Option<Row> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await?
    });
    row.map(Row::into_training).transpose()
}

/// What staff or a trainer type to add a training.
#[derive(Debug, Clone)]
pub struct NewTraining<'a> {
    pub title: &'a str,
    pub theme: &'a str,
    pub objectives: &'a str,
    pub description: &'a str,
    pub kind: TrainingKind,
    pub duration_minutes: i64,
    pub provider_structure_id: Option<Uuid>,
    pub departments: &'a [DepartmentCode],
}

/// Adds a training to the catalogue, given in those of `t.departments`
/// the capability covers (a trainer's always has its provider).
pub async fn create_training(
    tx: &mut Tx,
    cap: &TrainingCap,
    actor: &Actor,
    now: Timestamp,
    t: &NewTraining<'_>,
) -> Result<Uuid, StoreError> {
    if t.departments.is_empty() || t.departments.iter().any(|d| !cap.departments.contains(d)) {
        return Err(StoreError::NotFound);
    }
    let provider = cap.provider.or(t.provider_structure_id);
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO trainings (id, title, theme, objectives, description, kind, duration_minutes,
                     provider_structure_id, created_by, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)")
            .bind(id)
            .bind(t.title)
            .bind(t.theme)
            .bind(t.objectives)
            .bind(t.description)
            .bind(t.kind.as_str())
            .bind(t.duration_minutes)
            .bind(provider)
            .bind(actor.id)
            .bind(micros(now))
            .execute(c)
            .await?
                .rows_affected()
    });
    for d in t.departments {
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO training_departments (training_id, department) VALUES ($1, $2)")
                .bind(id)
                .bind(d.as_str())
                .execute(c)
                .await?
                .rows_affected()
        });
    }
    audit::log(
        tx,
        actor,
        now,
        "create",
        "training",
        id,
        t.departments.first().map(DepartmentCode::as_str),
        json!({"title": t.title, "kind": t.kind.as_str(), "departments": t.departments.iter().map(DepartmentCode::as_str).collect::<Vec<_>>()}),
    )
    .await?;
    Ok(id)
}
