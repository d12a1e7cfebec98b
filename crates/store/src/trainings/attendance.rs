//! What a session's roll call writes: attendance per half-day, the
//! certificate's code once every half-day was attended, and the initial
//! training's date that this attendance proves for the directory.

use domain::training::{RegistrationStatus, TrainingCap};
use jiff::{Timestamp, civil::Date};
use serde_json::json;
use uuid::Uuid;

use super::registrations::state_of;
use super::sessions::check_session;
use crate::{
    StoreError, Tx,
    audit::{self, Actor},
    micros,
};

pub use domain::training::Attendance;

/// Marks one half-day of a registration (staff or a trainer of the
/// session). `NotFound` when the registration holds no seat, or the
/// half-day is not the session's.
pub async fn set_attendance(
    tx: &mut Tx,
    cap: &TrainingCap,
    actor: &Actor,
    now: Timestamp,
    registration_id: Uuid,
    part_id: Uuid,
    mark: Attendance,
) -> Result<(), StoreError> {
    let (session_id, status) = state_of(tx, registration_id).await?;
    check_session(tx, cap, session_id).await?;
    if status != RegistrationStatus::Registered {
        return Err(StoreError::NotFound);
    }
    let ours: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT COUNT(*) FROM training_session_parts WHERE id = $1 AND session_id = $2")
            .bind(part_id)
            .bind(session_id)
            .fetch_one(c)
            .await?
    });
    if ours == 0 {
        return Err(StoreError::NotFound);
    }
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO training_attendance (registration_id, part_id, status, marked_by, marked_at)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (registration_id, part_id) DO UPDATE SET status = excluded.status,
                     marked_by = excluded.marked_by, marked_at = excluded.marked_at")
            .bind(registration_id)
            .bind(part_id)
            .bind(mark.as_str())
            .bind(actor.id)
            .bind(micros(now))
            .execute(c)
            .await?
                .rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "mark_attendance",
        "training_registration",
        registration_id,
        cap.departments.first().map(domain::DepartmentCode::as_str),
        json!({"part_id": part_id, "status": mark.as_str()}),
    )
    .await
}

/// Gives a registration its certificate's code, once (the first code
/// stays): returns the code it has.
pub async fn set_certificate_code(
    tx: &mut Tx,
    registration_id: Uuid,
    code: &str,
) -> Result<String, StoreError> {
    write!(&mut *tx, c => {
        sqlx::query("UPDATE training_registrations SET certificate_code = $2 WHERE id = $1 AND certificate_code IS NULL")
            .bind(registration_id)
            .bind(code)
            .execute(c)
            .await?
                .rows_affected()
    });
    Ok(write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT certificate_code FROM training_registrations WHERE id = $1")
            .bind(registration_id)
            .fetch_one(c)
            .await?
    }))
}

/// Sets the date of a promeneur's initial training from the attendance
/// that proves it: the earliest such date is kept.
pub async fn set_initial_training(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    promeneur_id: Uuid,
    on: Date,
) -> Result<bool, StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE promeneurs SET initial_training_on = $2, updated_at = $3
                     WHERE id = $1 AND (initial_training_on IS NULL OR initial_training_on > $2)")
            .bind(promeneur_id)
            .bind(on.to_string())
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    if n > 0 {
        crate::structures::bump_directory(tx).await?;
        audit::log(
            tx,
            actor,
            now,
            "update",
            "promeneur",
            promeneur_id,
            None,
            json!({"initial_training_on": on.to_string(), "source": "attendance"}),
        )
        .await?;
    }
    Ok(n > 0)
}
