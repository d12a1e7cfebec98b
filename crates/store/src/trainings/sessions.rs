//! The sessions of a training: one or more half-days, the départements
//! they are open to, a capacity and the instant registrations close, with
//! the seats held and the waiting list counted.

use domain::{DepartmentCode, training::TrainingCap, training::TrainingKind};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use super::{dialect, is_sqlite, split_departments};
use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    from_micros, micros,
};

/// One half-day.
#[derive(Debug, Clone)]
pub struct Part {
    pub id: Uuid,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: Uuid,
    pub training_id: Uuid,
    pub training_title: String,
    pub kind: TrainingKind,
    pub provider_structure_id: Option<Uuid>,
    pub provider_name: Option<String>,
    pub place: String,
    pub online_url: String,
    pub capacity: i64,
    pub needs_approval: bool,
    pub registration_closes_at: Timestamp,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub departments: Vec<DepartmentCode>,
    pub parts: Vec<Part>,
    /// Seats held (registered, or waiting for the employer's approval).
    pub held: i64,
    pub waitlisted: i64,
}

impl Session {
    pub fn seats_left(&self) -> i64 {
        (self.capacity - self.held).max(0)
    }

    /// Registrations are open at `now`.
    pub fn open_at(&self, now: Timestamp) -> bool {
        now < self.registration_closes_at
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    training_id: Uuid,
    training_title: String,
    kind: String,
    provider_structure_id: Option<Uuid>,
    provider_name: Option<String>,
    place: String,
    online_url: String,
    capacity: i64,
    needs_approval: bool,
    registration_closes_at: i64,
    starts_at: i64,
    ends_at: i64,
    departments: String,
    held: i64,
    waitlisted: i64,
}

#[derive(sqlx::FromRow)]
struct PartRow {
    id: Uuid,
    session_id: Uuid,
    starts_at: i64,
    ends_at: i64,
}

const SELECT: &str = "SELECT s.id, s.training_id, t.title AS training_title, t.kind,
    t.provider_structure_id, p.name AS provider_name, s.place, s.online_url, s.capacity,
    s.needs_approval, s.registration_closes_at, s.starts_at, s.ends_at,
    COALESCE((SELECT STRING_AGG(d.department, ',') FROM training_session_departments d WHERE d.session_id = s.id), '') AS departments,
    (SELECT COUNT(*) FROM training_registrations r WHERE r.session_id = s.id AND r.status IN ('registered', 'pending_approval')) AS held,
    (SELECT COUNT(*) FROM training_registrations r WHERE r.session_id = s.id AND r.status = 'waitlisted') AS waitlisted
    FROM training_sessions s JOIN trainings t ON t.id = s.training_id
    LEFT JOIN structures p ON p.id = t.provider_structure_id";

async fn assemble(db: &Db, rows: Vec<Row>) -> Result<Vec<Session>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut parts: Vec<PartRow> = if ids.is_empty() {
        Vec::new()
    } else {
        let mut sql = crate::query::Sql::new(
            "SELECT id, session_id, starts_at, ends_at FROM training_session_parts WHERE ",
        );
        let inl = sql.in_list("session_id", &ids);
        sql.push(&inl);
        sql.push(" ORDER BY position");
        sql.fetch_all(db).await?
    };
    rows.into_iter()
        .map(|r| {
            let kind = TrainingKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Invalid(format!("training kind {}", r.kind)))?;
            Ok(Session {
                id: r.id,
                training_id: r.training_id,
                training_title: r.training_title,
                kind,
                provider_structure_id: r.provider_structure_id,
                provider_name: r.provider_name,
                place: r.place,
                online_url: r.online_url,
                capacity: r.capacity,
                needs_approval: r.needs_approval,
                registration_closes_at: from_micros(r.registration_closes_at),
                starts_at: from_micros(r.starts_at),
                ends_at: from_micros(r.ends_at),
                departments: split_departments("training_sessions", r.id, &r.departments)?,
                parts: parts
                    .extract_if(.., |p| p.session_id == r.id)
                    .map(|p| Part {
                        id: p.id,
                        starts_at: from_micros(p.starts_at),
                        ends_at: from_micros(p.ends_at),
                    })
                    .collect(),
                held: r.held,
                waitlisted: r.waitlisted,
            })
        })
        .collect()
}

pub async fn find_session(db: &Db, id: Uuid) -> Result<Option<Session>, StoreError> {
    let sql = format!("{} WHERE s.id = $1", dialect(is_sqlite(db), SELECT));
    let rows: Vec<Row> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_all(c).await?
    });
    Ok(assemble(db, rows).await?.pop())
}

/// Which sessions a list shows.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// Open to any of these départements (`None`: all).
    pub departments: Option<Vec<DepartmentCode>>,
    /// Ending after this instant (the sessions to come and running).
    pub ends_after: Option<Timestamp>,
    pub training_id: Option<Uuid>,
    pub kind: Option<TrainingKind>,
    /// Given by this provider (a trainer's own).
    pub provider: Option<Uuid>,
    /// Only these sessions.
    pub ids: Option<Vec<Uuid>>,
}

/// Sessions passing `f`, soonest first.
pub async fn sessions(db: &Db, f: &SessionFilter) -> Result<Vec<Session>, StoreError> {
    let mut sql = crate::query::Sql::new(&dialect(is_sqlite(db), SELECT));
    let mut conds: Vec<String> = Vec::new();
    if let Some(codes) = &f.departments {
        let codes: Vec<String> = codes.iter().map(ToString::to_string).collect();
        let inl = sql.in_list("d.department", &codes);
        conds.push(format!(
            "EXISTS (SELECT 1 FROM training_session_departments d WHERE d.session_id = s.id AND {inl})"
        ));
    }
    if let Some(t) = f.ends_after {
        let a = sql.arg(micros(t));
        conds.push(format!("s.ends_at > {a}"));
    }
    if let Some(id) = f.training_id {
        let a = sql.arg(id);
        conds.push(format!("s.training_id = {a}"));
    }
    if let Some(k) = f.kind {
        let a = sql.arg(k.as_str().to_owned());
        conds.push(format!("t.kind = {a}"));
    }
    if let Some(p) = f.provider {
        let a = sql.arg(p);
        conds.push(format!("t.provider_structure_id = {a}"));
    }
    if let Some(ids) = &f.ids {
        conds.push(sql.in_list("s.id", ids));
    }
    if !conds.is_empty() {
        sql.push(&format!(" WHERE {}", conds.join(" AND ")));
    }
    sql.push(" ORDER BY s.starts_at, s.id");
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    assemble(db, rows).await
}

/// What staff or a trainer type to schedule a session.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub training_id: Uuid,
    pub parts: &'a [domain::training::Part],
    pub place: &'a str,
    pub online_url: &'a str,
    pub departments: &'a [DepartmentCode],
    pub capacity: i64,
    pub needs_approval: bool,
    pub registration_closes_at: Timestamp,
}

/// Counts, from `from_where` (ending with `= ` before the id, joined to
/// `trainings t` and to a départements table `d`), the rows `cap` covers:
/// `NotFound` when none.
async fn check_covered(
    tx: &mut Tx,
    cap: &TrainingCap,
    from_where: &str,
    id: Uuid,
) -> Result<(), StoreError> {
    let mut sql = crate::query::Sql::new(from_where);
    let id = sql.arg(id);
    sql.push(&id);
    let codes: Vec<String> = cap.departments.iter().map(ToString::to_string).collect();
    let inl = sql.in_list("d.department", &codes);
    sql.push(&format!(" AND {inl}"));
    if let Some(p) = cap.provider {
        let a = sql.arg(p);
        sql.push(&format!(" AND t.provider_structure_id = {a}"));
    }
    if sql.count_in(tx).await? == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Checks that `cap` runs the training `training_id` (given in one of its
/// départements, by its provider for a trainer): `NotFound` otherwise.
async fn check_training(
    tx: &mut Tx,
    cap: &TrainingCap,
    training_id: Uuid,
) -> Result<(), StoreError> {
    check_covered(
        tx,
        cap,
        "SELECT COUNT(*) FROM trainings t JOIN training_departments d ON d.training_id = t.id WHERE t.id = ",
        training_id,
    )
    .await
}

/// Checks that `cap` runs session `session_id`: `NotFound` otherwise.
pub(crate) async fn check_session(
    tx: &mut Tx,
    cap: &TrainingCap,
    session_id: Uuid,
) -> Result<(), StoreError> {
    check_covered(
        tx,
        cap,
        "SELECT COUNT(*) FROM training_sessions s JOIN trainings t ON t.id = s.training_id
         JOIN training_session_departments d ON d.session_id = s.id WHERE s.id = ",
        session_id,
    )
    .await
}

/// Schedules a session of a training `cap` runs, open to those of
/// `s.departments` it covers (all of them, or `NotFound`).
pub async fn create_session(
    tx: &mut Tx,
    cap: &TrainingCap,
    actor: &Actor,
    now: Timestamp,
    s: &NewSession<'_>,
) -> Result<Uuid, StoreError> {
    if s.departments.is_empty() || s.departments.iter().any(|d| !cap.departments.contains(d)) {
        return Err(StoreError::NotFound);
    }
    check_training(tx, cap, s.training_id).await?;
    let (Some(first), Some(last)) = (s.parts.first(), s.parts.last()) else {
        return Err(StoreError::Invalid(
            "a session without half-days".to_owned(),
        ));
    };
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO training_sessions (id, training_id, place, online_url, capacity, needs_approval,
                     registration_closes_at, starts_at, ends_at, created_by, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)")
            .bind(id)
            .bind(s.training_id)
            .bind(s.place)
            .bind(s.online_url)
            .bind(s.capacity)
            .bind(s.needs_approval)
            .bind(micros(s.registration_closes_at))
            .bind(micros(first.starts_at))
            .bind(micros(last.ends_at))
            .bind(actor.id)
            .bind(micros(now))
            .execute(c)
            .await?
                .rows_affected()
    });
    for d in s.departments {
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO training_session_departments (session_id, department) VALUES ($1, $2)")
                .bind(id)
                .bind(d.as_str())
                .execute(c)
                .await?
                .rows_affected()
        });
    }
    for (i, p) in s.parts.iter().enumerate() {
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO training_session_parts (id, session_id, position, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(Uuid::now_v7())
                .bind(id)
                .bind(i64::try_from(i).unwrap_or(i64::MAX))
                .bind(micros(p.starts_at))
                .bind(micros(p.ends_at))
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
        "training_session",
        id,
        s.departments.first().map(DepartmentCode::as_str),
        json!({"training_id": s.training_id, "capacity": s.capacity, "half_days": s.parts.len()}),
    )
    .await?;
    Ok(id)
}

/// Takes the session's row for the rest of the transaction, so that
/// registrations to it queue behind each other (PostgreSQL locks the row;
/// SQLite serialises writers anyway). Returns (capacity, needs_approval,
/// registration_closes_at), `NotFound` when there is no such session.
pub async fn lock_session(
    tx: &mut Tx,
    session_id: Uuid,
) -> Result<(i64, bool, Timestamp), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE training_sessions SET updated_at = updated_at WHERE id = $1")
            .bind(session_id)
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let (capacity, needs_approval, closes): (i64, bool, i64) = write!(&mut *tx, c => {
        sqlx::query_as("SELECT capacity, needs_approval, registration_closes_at FROM training_sessions WHERE id = $1")
            .bind(session_id)
            .fetch_one(c)
            .await?
    });
    Ok((capacity, needs_approval, from_micros(closes)))
}

/// Changes a session's capacity (never under the seats held:
/// `Invalid` with the number); a larger one promotes the first of the
/// waiting list into the new seats, returned to be told.
pub async fn set_capacity(
    tx: &mut Tx,
    cap: &TrainingCap,
    actor: &Actor,
    now: Timestamp,
    session_id: Uuid,
    capacity: i64,
) -> Result<Vec<super::Promotion>, StoreError> {
    check_session(tx, cap, session_id).await?;
    lock_session(tx, session_id).await?;
    let held = super::registrations::held(tx, session_id).await?;
    domain::training::capacity_fits(capacity, held).map_err(StoreError::Invalid)?;
    write!(&mut *tx, c => {
        sqlx::query("UPDATE training_sessions SET capacity = $2, updated_at = $3 WHERE id = $1")
            .bind(session_id)
            .bind(capacity)
            .bind(micros(now))
            .execute(c)
            .await?
                .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "update",
        "training_session",
        session_id,
        cap.departments.first().map(DepartmentCode::as_str),
        json!({"capacity": capacity}),
    )
    .await?;
    super::registrations::fill_seats(tx, actor, now, session_id, capacity).await
}
