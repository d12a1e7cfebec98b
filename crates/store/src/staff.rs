//! The checks behind the capabilities of a call's staff
//! ([`CallStaffCap`]) and of its committee's members ([`ReviewerCap`]):
//! a write on a row the capability does not cover finds nothing
//! (`NotFound`), as anything outside one's scope.

use domain::{CallStaffCap, ReviewerCap};
use uuid::Uuid;

use crate::{StoreError, Tx};

/// `department IN ('03', '63')` for the départements `cap` covers (codes
/// parsed by the domain: digits, `2A`, `2B`, nothing to escape).
fn departments_in(column: &str, cap: &CallStaffCap) -> String {
    let codes: Vec<String> = cap
        .departments
        .iter()
        .map(|d| format!("'{}'", d.as_str()))
        .collect();
    format!("{column} IN ({})", codes.join(", "))
}

fn found(n: i64) -> Result<(), StoreError> {
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Refuses a write on call `call_id` unless `cap` is its staff in one of
/// its départements (and manages it, when `manage`).
pub(crate) async fn check_call(
    tx: &mut Tx,
    cap: &CallStaffCap,
    call_id: Uuid,
    manage: bool,
) -> Result<(), StoreError> {
    if cap.call_id != call_id || (manage && !cap.manages) {
        return Err(StoreError::NotFound);
    }
    let sql = format!(
        "SELECT COUNT(*) FROM call_departments WHERE call_id = $1 AND {}",
        departments_in("department", cap)
    );
    let n: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).bind(call_id).fetch_one(c).await?
    });
    found(n)
}

/// Refuses a write on an application unless it belongs to `cap`'s call
/// and covers one of `cap`'s départements.
pub(crate) async fn check_application(
    tx: &mut Tx,
    cap: &CallStaffCap,
    application_id: Uuid,
) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM applications a WHERE a.id = $1 AND a.call_id = $2
         AND EXISTS (SELECT 1 FROM application_departments d WHERE d.application_id = a.id AND {})",
        departments_in("d.department", cap)
    );
    let n: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(application_id)
            .bind(cap.call_id)
            .fetch_one(c)
            .await?
    });
    found(n)
}

/// Refuses a write on an application unless `cap`'s seat is on the
/// committee of the application's call.
pub(crate) async fn check_reviewer(
    tx: &mut Tx,
    cap: &ReviewerCap,
    application_id: Uuid,
) -> Result<(), StoreError> {
    let n: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT COUNT(*) FROM committee_members m JOIN applications a ON a.call_id = m.call_id
                            WHERE m.id = $1 AND m.call_id = $2 AND a.id = $3")
            .bind(cap.member_id)
            .bind(cap.call_id)
            .bind(application_id)
            .fetch_one(c)
            .await?
    });
    found(n)
}

/// Refuses a write on call `call_id` unless `cap`'s seat is on its
/// committee.
pub(crate) async fn check_seat(
    tx: &mut Tx,
    cap: &ReviewerCap,
    call_id: Uuid,
) -> Result<(), StoreError> {
    let n: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT COUNT(*) FROM committee_members WHERE id = $1 AND call_id = $2")
            .bind(cap.member_id)
            .bind(call_id)
            .fetch_one(c)
            .await?
    });
    found(n)
}

/// Refuses a write on an audition slot unless `cap` manages its call.
pub(crate) async fn check_slot(
    tx: &mut Tx,
    cap: &CallStaffCap,
    slot_id: Uuid,
) -> Result<(), StoreError> {
    let call_id: Option<Uuid> = write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT call_id FROM audition_slots WHERE id = $1")
            .bind(slot_id)
            .fetch_optional(c)
            .await?
    });
    check_call(tx, cap, call_id.ok_or(StoreError::NotFound)?, true).await
}
