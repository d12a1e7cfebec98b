//! Audition slots of a module: a date, a time, a place or a video link,
//! given to at most one application, and when its invitation was sent.

use domain::CallStaffCap;
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    from_micros, micros,
};

#[derive(Debug, Clone)]
pub struct Slot {
    pub id: Uuid,
    pub call_id: Uuid,
    pub module_code: String,
    pub starts_at: Timestamp,
    pub duration_minutes: i64,
    pub place: String,
    pub video_link: String,
    pub application_id: Option<Uuid>,
    pub structure_name: Option<String>,
    pub invited_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    call_id: Uuid,
    module_code: String,
    starts_at: i64,
    duration_minutes: i64,
    place: String,
    video_link: String,
    application_id: Option<Uuid>,
    structure_name: Option<String>,
    invited_at: Option<i64>,
    created_at: i64,
}

impl Row {
    fn into_slot(self) -> Slot {
        Slot {
            id: self.id,
            call_id: self.call_id,
            module_code: self.module_code,
            starts_at: from_micros(self.starts_at),
            duration_minutes: self.duration_minutes,
            place: self.place,
            video_link: self.video_link,
            application_id: self.application_id,
            structure_name: self.structure_name,
            invited_at: self.invited_at.map(from_micros),
            created_at: from_micros(self.created_at),
        }
    }
}

const SELECT: &str =
    "SELECT t.id, t.call_id, t.module_code, t.starts_at, t.duration_minutes, t.place,
    t.video_link, t.application_id, s.name AS structure_name, t.invited_at, t.created_at
    FROM audition_slots t LEFT JOIN applications a ON a.id = t.application_id
    LEFT JOIN structures s ON s.id = a.structure_id";

/// The slots of a module, in time order.
pub async fn slots(db: &Db, call_id: Uuid, module_code: &str) -> Result<Vec<Slot>, StoreError> {
    let sql =
        format!("{SELECT} WHERE t.call_id = $1 AND t.module_code = $2 ORDER BY t.starts_at, t.id");
    let rows: Vec<Row> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(call_id).bind(module_code).fetch_all(c).await?
    });
    Ok(rows.into_iter().map(Row::into_slot).collect())
}

pub async fn slot(db: &Db, id: Uuid) -> Result<Option<Slot>, StoreError> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    let row: Option<Row> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await?
    });
    Ok(row.map(Row::into_slot))
}

/// The slot given to an application, if any.
pub async fn slot_of(db: &Db, application_id: Uuid) -> Result<Option<Slot>, StoreError> {
    let sql = format!("{SELECT} WHERE t.application_id = $1");
    let row: Option<Row> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(application_id).fetch_optional(c).await?
    });
    Ok(row.map(Row::into_slot))
}

#[derive(Debug, Clone)]
pub struct NewSlot<'a> {
    pub call_id: Uuid,
    pub module_code: &'a str,
    pub starts_at: Timestamp,
    pub duration_minutes: i64,
    pub place: &'a str,
    pub video_link: &'a str,
}

pub async fn create(
    tx: &mut Tx,
    cap: &CallStaffCap,
    actor: &Actor,
    now: Timestamp,
    s: &NewSlot<'_>,
) -> Result<Uuid, StoreError> {
    crate::staff::check_call(tx, cap, s.call_id, true).await?;
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO audition_slots (id, call_id, module_code, starts_at, duration_minutes, place, video_link, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id)
            .bind(s.call_id)
            .bind(s.module_code)
            .bind(micros(s.starts_at))
            .bind(s.duration_minutes)
            .bind(s.place)
            .bind(s.video_link)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "create",
        "audition_slot",
        id,
        Some(cap.department().as_str()),
        json!({"call_id": s.call_id, "module": s.module_code, "starts_at": s.starts_at.to_string(),
               "duration_minutes": s.duration_minutes, "place": s.place, "video_link": s.video_link}),
    )
    .await?;
    Ok(id)
}

/// Gives the slot to an application (or frees it). The invitation is to
/// be sent again. `Conflict("assigned")` when the application already has
/// another slot.
pub async fn assign(
    tx: &mut Tx,
    cap: &CallStaffCap,
    actor: &Actor,
    now: Timestamp,
    slot_id: Uuid,
    application_id: Option<Uuid>,
) -> Result<(), StoreError> {
    crate::staff::check_slot(tx, cap, slot_id).await?;
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE audition_slots SET application_id = $2, invited_at = NULL WHERE id = $1")
            .bind(slot_id)
            .bind(application_id)
            .execute(c)
            .await
            .map_err(|e| StoreError::from(e).unique_as("assigned"))?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::log(
        tx,
        actor,
        now,
        "assign",
        "audition_slot",
        slot_id,
        Some(cap.department().as_str()),
        json!({"application_id": application_id}),
    )
    .await
}

pub async fn delete(
    tx: &mut Tx,
    cap: &CallStaffCap,
    actor: &Actor,
    now: Timestamp,
    slot_id: Uuid,
) -> Result<(), StoreError> {
    crate::staff::check_slot(tx, cap, slot_id).await?;
    let n = write!(&mut *tx, c => {
        sqlx::query("DELETE FROM audition_slots WHERE id = $1").bind(slot_id).execute(c).await?.rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::log(
        tx,
        actor,
        now,
        "delete",
        "audition_slot",
        slot_id,
        Some(cap.department().as_str()),
        json!({}),
    )
    .await
}

/// Records that the invitation of a slot was queued to `recipients`, with
/// its audit entry.
pub async fn mark_invited(
    tx: &mut Tx,
    cap: &CallStaffCap,
    actor: &Actor,
    now: Timestamp,
    slot: &Slot,
    recipients: &[String],
) -> Result<(), StoreError> {
    crate::staff::check_slot(tx, cap, slot.id).await?;
    write!(&mut *tx, c => {
        sqlx::query("UPDATE audition_slots SET invited_at = $2 WHERE id = $1")
            .bind(slot.id)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "send_invitation",
        "audition_slot",
        slot.id,
        Some(cap.department().as_str()),
        json!({"call_id": slot.call_id, "module": slot.module_code,
               "application_id": slot.application_id, "starts_at": slot.starts_at.to_string(),
               "recipients": recipients}),
    )
    .await
}
