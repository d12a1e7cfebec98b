//! Registrations to a session: a seat while one is free, else the waiting
//! list in the order people came; a cancellation or a larger capacity
//! promotes the first in line. Attendance per half-day, the certificate's
//! code, and the initial training's date that attendance proves.

use domain::training::{self as rules, RegistrationStatus};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use super::sessions::{Session, lock_session};
use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    from_micros, micros,
};

use domain::training::Attendance;

#[derive(Debug, Clone)]
pub struct Registration {
    pub id: Uuid,
    pub session_id: Uuid,
    pub promeneur_id: Uuid,
    pub promeneur_name: String,
    pub promeneur_user_id: Option<Uuid>,
    pub structure_id: Uuid,
    pub structure_name: String,
    pub department: String,
    pub status: RegistrationStatus,
    /// Rank on the waiting list (1: next in line), while waitlisted.
    pub position: Option<i64>,
    pub certificate_code: Option<String>,
    /// Per half-day of the session, in order: its id and what was marked.
    pub attendance: Vec<(Uuid, Option<Attendance>)>,
    pub created_at: Timestamp,
}

impl Registration {
    /// Attended every half-day (present or late).
    pub fn earned_certificate(&self) -> bool {
        self.status == RegistrationStatus::Registered
            && rules::earns_certificate(
                &self.attendance.iter().map(|(_, a)| *a).collect::<Vec<_>>(),
            )
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    session_id: Uuid,
    promeneur_id: Uuid,
    promeneur_name: String,
    promeneur_user_id: Option<Uuid>,
    structure_id: Uuid,
    structure_name: String,
    department: String,
    status: String,
    position: Option<i64>,
    certificate_code: Option<String>,
    created_at: i64,
}

const SELECT: &str = "SELECT r.id, r.session_id, r.promeneur_id,
    p.first_name || ' ' || p.last_name AS promeneur_name, p.user_id AS promeneur_user_id,
    p.structure_id, st.name AS structure_name, p.department, r.status,
    CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM training_registrations w
        WHERE w.session_id = r.session_id AND w.status = 'waitlisted' AND w.waitlist_position <= r.waitlist_position)
    END AS position,
    r.certificate_code, r.created_at
    FROM training_registrations r JOIN promeneurs p ON p.id = r.promeneur_id
    JOIN structures st ON st.id = p.structure_id";

async fn assemble(db: &Db, rows: Vec<Row>) -> Result<Vec<Registration>, StoreError> {
    let mut sessions: Vec<Uuid> = rows.iter().map(|r| r.session_id).collect();
    sessions.sort();
    sessions.dedup();
    let parts: Vec<(Uuid, Uuid)> = if sessions.is_empty() {
        Vec::new()
    } else {
        let mut sql =
            crate::query::Sql::new("SELECT session_id, id FROM training_session_parts WHERE ");
        let inl = sql.in_list("session_id", &sessions);
        sql.push(&inl);
        sql.push(" ORDER BY position");
        sql.fetch_all(db).await?
    };
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let marks: Vec<(Uuid, Uuid, String)> = if ids.is_empty() {
        Vec::new()
    } else {
        let mut sql = crate::query::Sql::new(
            "SELECT registration_id, part_id, status FROM training_attendance WHERE ",
        );
        let inl = sql.in_list("registration_id", &ids);
        sql.push(&inl);
        sql.fetch_all(db).await?
    };
    rows.into_iter()
        .map(|r| {
            let status = RegistrationStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Invalid(format!("registration status {}", r.status)))?;
            let attendance = parts
                .iter()
                .filter(|(s, _)| *s == r.session_id)
                .map(|(_, part)| {
                    let mark = marks
                        .iter()
                        .find(|(reg, p, _)| *reg == r.id && p == part)
                        .and_then(|(_, _, s)| Attendance::parse(s));
                    (*part, mark)
                })
                .collect();
            Ok(Registration {
                id: r.id,
                session_id: r.session_id,
                promeneur_id: r.promeneur_id,
                promeneur_name: r.promeneur_name,
                promeneur_user_id: r.promeneur_user_id,
                structure_id: r.structure_id,
                structure_name: r.structure_name,
                department: r.department,
                status,
                position: r.position,
                certificate_code: r.certificate_code,
                attendance,
                created_at: from_micros(r.created_at),
            })
        })
        .collect()
}

async fn select(
    db: &Db,
    cond: &str,
    id: impl Into<crate::query::Arg>,
) -> Result<Vec<Registration>, StoreError> {
    let mut sql = crate::query::Sql::new(SELECT);
    let a = sql.arg(id);
    sql.push(&format!(
        " WHERE {} ORDER BY CASE r.status WHEN 'waitlisted' THEN 1 WHEN 'cancelled' THEN 2 WHEN 'refused' THEN 2 ELSE 0 END,
          CASE WHEN r.status = 'waitlisted' THEN r.waitlist_position END, p.last_name, p.first_name, r.id",
        cond.replace("{}", &a)
    ));
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    assemble(db, rows).await
}

pub async fn registration(db: &Db, id: Uuid) -> Result<Option<Registration>, StoreError> {
    Ok(select(db, "r.id = {}", id).await?.pop())
}

/// A promeneur's live registration to a session (seat, approval or
/// waiting list), if any: one row, where `session_registrations` reads
/// them all.
pub async fn live_registration(
    db: &Db,
    session_id: Uuid,
    promeneur_id: Uuid,
) -> Result<Option<Registration>, StoreError> {
    let mut sql = crate::query::Sql::new(SELECT);
    let a = sql.arg(session_id);
    let b = sql.arg(promeneur_id);
    sql.push(&format!(
        " WHERE r.session_id = {a} AND r.promeneur_id = {b} AND r.status IN ('pending_approval', 'registered', 'waitlisted')"
    ));
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    Ok(assemble(db, rows).await?.pop())
}

/// A session's registrations: seats first (by name), the waiting list in
/// order, then cancelled ones.
pub async fn session_registrations(
    db: &Db,
    session_id: Uuid,
) -> Result<Vec<Registration>, StoreError> {
    select(db, "r.session_id = {}", session_id).await
}

/// The registrations waiting for the employer's approval, of the
/// promeneurs of `structures`, oldest first.
pub async fn pending_approvals(
    db: &Db,
    structures: &[Uuid],
) -> Result<Vec<Registration>, StoreError> {
    if structures.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::query::Sql::new(SELECT);
    let inl = sql.in_list("p.structure_id", structures);
    sql.push(&format!(
        " WHERE r.status = 'pending_approval' AND {inl} ORDER BY r.created_at, r.id"
    ));
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    assemble(db, rows).await
}

/// One line of a promeneur's training passport.
#[derive(Debug, Clone)]
pub struct Passport {
    pub registration: Registration,
    pub session: Session,
}

/// Every registration of a promeneur with its session, latest first (two
/// reads, whatever the number of sessions).
pub async fn promeneur_registrations(
    db: &Db,
    promeneur_id: Uuid,
) -> Result<Vec<Passport>, StoreError> {
    let regs = select(db, "r.promeneur_id = {}", promeneur_id).await?;
    let filter = super::SessionFilter {
        ids: Some(regs.iter().map(|r| r.session_id).collect()),
        ..Default::default()
    };
    let sessions = super::sessions(db, &filter).await?;
    let mut out: Vec<Passport> = regs
        .into_iter()
        .filter_map(|r| {
            let session = sessions.iter().find(|s| s.id == r.session_id)?.clone();
            Some(Passport {
                registration: r,
                session,
            })
        })
        .collect();
    out.sort_by_key(|x| std::cmp::Reverse(x.session.starts_at));
    Ok(out)
}

/// The certificate a code names.
pub async fn certificate(db: &Db, code: &str) -> Result<Option<Passport>, StoreError> {
    let Some(r) = select(db, "r.certificate_code = {}", code.to_owned())
        .await?
        .pop()
    else {
        return Ok(None);
    };
    Ok(super::find_session(db, r.session_id)
        .await?
        .map(|session| Passport {
            registration: r,
            session,
        }))
}

/// Seats held in a session (inside the transaction that locked it).
pub(crate) async fn held(tx: &mut Tx, session_id: Uuid) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM training_registrations WHERE session_id = $1 AND status IN ({})",
        RegistrationStatus::sql_list(&[
            RegistrationStatus::Registered,
            RegistrationStatus::PendingApproval
        ])
    );
    Ok(write!(&mut *tx, c => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).bind(session_id).fetch_one(c).await?
    }))
}

/// What a new registration became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    pub id: Uuid,
    pub status: RegistrationStatus,
    /// Rank on the waiting list when waitlisted.
    pub position: Option<i64>,
}

/// A waitlisted person moved into a seat: to be told at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Promotion {
    pub registration_id: Uuid,
    pub promeneur_id: Uuid,
    pub session_id: Uuid,
}

/// Registers a promeneur (the caller's right to was checked by the
/// service): a seat while one is free, else the waiting list. The
/// session's row is locked first, so that simultaneous registrations for
/// the last seat never overbook. `Conflict("closed")` after the closing
/// instant, `Conflict("already")` for a second live registration,
/// `NotFound` for no such session. `myself`: the promeneur asks for itself
/// (its employer's approval is then needed where the session says so).
pub async fn register(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    session_id: Uuid,
    promeneur_id: Uuid,
    myself: bool,
) -> Result<Registered, StoreError> {
    let (capacity, needs_approval, closes) = lock_session(tx, session_id).await?;
    if now >= closes {
        return Err(StoreError::Conflict("closed"));
    }
    let live = RegistrationStatus::sql_list(
        &RegistrationStatus::ALL
            .into_iter()
            .filter(|s| s.is_live())
            .collect::<Vec<_>>(),
    );
    let sql = format!(
        "SELECT COUNT(*) FROM training_registrations WHERE session_id = $1 AND promeneur_id = $2 AND status IN ({live})"
    );
    let twice: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(session_id)
            .bind(promeneur_id)
            .fetch_one(c)
            .await?
    });
    if twice > 0 {
        return Err(StoreError::Conflict("already"));
    }
    let status = rules::place(
        capacity,
        held(tx, session_id).await?,
        needs_approval && myself,
    );
    let waitlist_position = if status == RegistrationStatus::Waitlisted {
        let next: i64 = write!(&mut *tx, c => {
            sqlx::query_scalar("UPDATE training_sessions SET next_waitlist_position = next_waitlist_position + 1
                                WHERE id = $1 RETURNING next_waitlist_position - 1")
                .bind(session_id)
                .fetch_one(c)
                .await?
        });
        Some(next)
    } else {
        None
    };
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO training_registrations (id, session_id, promeneur_id, status, waitlist_position,
                     registered_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
            .bind(id)
            .bind(session_id)
            .bind(promeneur_id)
            .bind(status.as_str())
            .bind(waitlist_position)
            .bind(actor.id)
            .bind(micros(now))
            .execute(c)
            .await
            .map_err(|e| StoreError::from(e).unique_as("already"))?
            .rows_affected()
    });
    let position = match waitlist_position {
        None => None,
        Some(mine) => Some(write!(&mut *tx, c => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM training_registrations WHERE session_id = $1
                                          AND status = 'waitlisted' AND waitlist_position <= $2")
                .bind(session_id)
                .bind(mine)
                .fetch_one(c)
                .await?
        })),
    };
    let department = department_of(tx, id).await?;
    audit::log(
        tx,
        actor,
        now,
        "register",
        "training_registration",
        id,
        department.as_deref(),
        json!({"session_id": session_id, "promeneur_id": promeneur_id, "status": status.as_str()}),
    )
    .await?;
    Ok(Registered {
        id,
        status,
        position,
    })
}

/// Moves the first of the waiting list into the seats free under
/// `capacity`, in order; returns who moved.
pub(crate) async fn fill_seats(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    session_id: Uuid,
    capacity: i64,
) -> Result<Vec<Promotion>, StoreError> {
    let mut free = capacity - held(tx, session_id).await?;
    let mut out = Vec::new();
    while free > 0 {
        let next: Option<(Uuid, Uuid)> = write!(&mut *tx, c => {
            sqlx::query_as("SELECT id, promeneur_id FROM training_registrations WHERE session_id = $1 AND status = 'waitlisted'
                            ORDER BY waitlist_position LIMIT 1")
                .bind(session_id)
                .fetch_optional(c)
                .await?
        });
        let Some((id, promeneur_id)) = next else {
            break;
        };
        write!(&mut *tx, c => {
            sqlx::query("UPDATE training_registrations SET status = 'registered', promoted_at = $2, updated_at = $2 WHERE id = $1")
                .bind(id)
                .bind(micros(now))
                .execute(c)
                .await?
                .rows_affected()
        });
        let department = department_of(tx, id).await?;
        audit::log(
            tx,
            actor,
            now,
            "promote",
            "training_registration",
            id,
            department.as_deref(),
            json!({"session_id": session_id}),
        )
        .await?;
        out.push(Promotion {
            registration_id: id,
            promeneur_id,
            session_id,
        });
        free -= 1;
    }
    Ok(out)
}

/// The session of a registration and its state, read in the transaction.
pub(super) async fn state_of(
    tx: &mut Tx,
    registration_id: Uuid,
) -> Result<(Uuid, RegistrationStatus), StoreError> {
    let row: Option<(Uuid, String)> = write!(&mut *tx, c => {
        sqlx::query_as("SELECT session_id, status FROM training_registrations WHERE id = $1")
            .bind(registration_id)
            .fetch_optional(c)
            .await?
    });
    let (session_id, status) = row.ok_or(StoreError::NotFound)?;
    let status = RegistrationStatus::parse(&status)
        .ok_or_else(|| StoreError::Invalid(format!("registration status {status}")))?;
    Ok((session_id, status))
}

/// The département of a registration's promeneur, for its audit entries
/// (so that each CAF reads its own in the journal).
async fn department_of(tx: &mut Tx, registration_id: Uuid) -> Result<Option<String>, StoreError> {
    Ok(write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT p.department FROM training_registrations r
                            JOIN promeneurs p ON p.id = r.promeneur_id WHERE r.id = $1")
            .bind(registration_id)
            .fetch_optional(c)
            .await?
    }))
}

async fn set_status(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    registration_id: Uuid,
    (status, action): (RegistrationStatus, &str),
) -> Result<(), StoreError> {
    write!(&mut *tx, c => {
        sqlx::query("UPDATE training_registrations SET status = $2, updated_at = $3,
                     cancelled_at = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancelled_at END WHERE id = $1")
            .bind(registration_id)
            .bind(status.as_str())
            .bind(micros(now))
            .execute(c)
            .await?
                .rows_affected()
    });
    let department = department_of(tx, registration_id).await?;
    audit::log(
        tx,
        actor,
        now,
        action,
        "training_registration",
        registration_id,
        department.as_deref(),
        json!({"status": status.as_str()}),
    )
    .await
}

/// Cancels a live registration (the caller's right was checked by the
/// service); a freed seat goes to the first in line, returned to be told.
/// `Conflict("status")` when already cancelled or refused.
pub async fn cancel(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    registration_id: Uuid,
) -> Result<Vec<Promotion>, StoreError> {
    let (session_id, _) = state_of(tx, registration_id).await?;
    let (capacity, _, _) = lock_session(tx, session_id).await?;
    let (_, status) = state_of(tx, registration_id).await?;
    if !status.is_live() {
        return Err(StoreError::Conflict("status"));
    }
    set_status(
        tx,
        actor,
        now,
        registration_id,
        (RegistrationStatus::Cancelled, "cancel"),
    )
    .await?;
    fill_seats(tx, actor, now, session_id, capacity).await
}

/// The employer gives (or refuses) the working time for a registration
/// waiting for it. `Conflict("status")` when it does not wait.
pub async fn approve(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    registration_id: Uuid,
    approve: bool,
) -> Result<Vec<Promotion>, StoreError> {
    let (session_id, _) = state_of(tx, registration_id).await?;
    let (capacity, _, _) = lock_session(tx, session_id).await?;
    let (_, status) = state_of(tx, registration_id).await?;
    if status != RegistrationStatus::PendingApproval {
        return Err(StoreError::Conflict("status"));
    }
    if approve {
        set_status(
            tx,
            actor,
            now,
            registration_id,
            (RegistrationStatus::Registered, "approve"),
        )
        .await?;
        Ok(Vec::new())
    } else {
        set_status(
            tx,
            actor,
            now,
            registration_id,
            (RegistrationStatus::Refused, "reject"),
        )
        .await?;
        fill_seats(tx, actor, now, session_id, capacity).await
    }
}
