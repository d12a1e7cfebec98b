//! The reminder two days before a session, claimed once per registration
//! (`training_registrations.reminded_at`) in the transaction that queues
//! its e-mail: several workers never send it twice.

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::{StoreError, Tx, micros};

/// How long before a session its participants are reminded.
pub const REMIND_BEFORE: SignedDuration = SignedDuration::from_hours(48);

/// A registration to remind.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueReminder {
    pub registration_id: Uuid,
    pub session_id: Uuid,
    pub promeneur_id: Uuid,
}

/// Claims the reminders due at `now`: the registrations (seat confirmed)
/// to a session starting within [`REMIND_BEFORE`] and not started, not
/// reminded yet.
pub async fn claim_session_reminders(
    tx: &mut Tx,
    now: Timestamp,
) -> Result<Vec<DueReminder>, StoreError> {
    let limit = micros(now) + i64::try_from(REMIND_BEFORE.as_micros()).unwrap_or(i64::MAX);
    let rows: Vec<DueReminder> = write!(&mut *tx, c => {
        sqlx::query_as(
            "SELECT r.id AS registration_id, r.session_id, r.promeneur_id
             FROM training_registrations r JOIN training_sessions s ON s.id = r.session_id
             WHERE r.status = 'registered' AND r.reminded_at IS NULL
               AND s.starts_at > $1 AND s.starts_at <= $2
             ORDER BY s.starts_at, r.id",
        )
        .bind(micros(now))
        .bind(limit)
        .fetch_all(c)
        .await?
    });
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let n = write!(&mut *tx, c => {
            sqlx::query("UPDATE training_registrations SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL")
                .bind(micros(now))
                .bind(r.registration_id)
                .execute(c)
                .await?
                .rows_affected()
        });
        if n == 1 {
            out.push(r);
        }
    }
    Ok(out)
}
