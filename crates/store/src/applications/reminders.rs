//! The reminders to the authors of drafts whose module closes soon.

use jiff::Timestamp;
use uuid::Uuid;

use crate::{StoreError, Tx, micros};

/// A reminder to send to the author of a draft.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftReminder {
    pub application_id: Uuid,
    pub email: String,
    pub name: String,
    pub call_title: String,
    pub module_code: String,
    pub module_title: String,
    pub deadline: i64,
    #[sqlx(skip)]
    pub days: i64,
}

/// Claims the reminders due at `now`: drafts whose module closes within 7
/// days, then within 1 day. Each is marked in `tx`, so it is queued once
/// even with several workers; a draft past both thresholds gets one.
pub async fn claim_draft_reminders(
    tx: &mut Tx,
    now: Timestamp,
) -> Result<Vec<DraftReminder>, StoreError> {
    let mut out = Vec::new();
    for (days, flag) in [(1_i64, "reminded_1"), (7, "reminded_7")] {
        let limit = micros(now) + days * 24 * 3600 * 1_000_000;
        let select = format!(
            "SELECT a.id AS application_id, u.email, u.name, c.title AS call_title, m.code AS module_code,
                    m.title AS module_title, m.deadline
             FROM applications a JOIN call_modules m ON m.call_id = a.call_id AND m.code = a.module_code AND m.is_current = TRUE
             JOIN calls c ON c.id = a.call_id JOIN users u ON u.id = a.created_by
             WHERE a.status = 'draft' AND a.{flag} = FALSE AND m.deadline > $1 AND m.deadline <= $2"
        );
        let rows: Vec<DraftReminder> = write!(&mut *tx, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(select.as_str()))
                .bind(micros(now))
                .bind(limit)
                .fetch_all(c)
                .await?
        });
        for mut r in rows {
            // The 1-day reminder also settles the 7-day one.
            let set = if days == 1 {
                "reminded_1 = TRUE, reminded_7 = TRUE"
            } else {
                "reminded_7 = TRUE"
            };
            let n = write!(&mut *tx, c => {
                sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE applications SET {set} WHERE id = $1 AND {flag} = FALSE")))
                    .bind(r.application_id)
                    .execute(c)
                    .await?
                    .rows_affected()
            });
            if n == 1 {
                r.days = days;
                out.push(r);
            }
        }
    }
    Ok(out)
}
