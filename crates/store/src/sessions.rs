//! Server-side sessions (the cookie holds a random secret; the table holds
//! its SHA-256) and the failed-login counters behind throttling.

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::{Db, StoreError, Tx, from_micros, micros};

#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: Uuid,
    csrf_token: String,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
}

pub async fn create(
    tx: &mut Tx,
    id_hash: &str,
    user_id: Uuid,
    csrf_token: &str,
    now: Timestamp,
    ttl: SignedDuration,
) -> Result<(), StoreError> {
    let at = micros(now);
    let exp = micros(now.checked_add(ttl).unwrap_or(now));
    write!(tx, c => {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(id_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(at)
        .bind(exp)
        .execute(c)
        .await?.rows_affected()
    });
    Ok(())
}

/// A live session, if any.
pub async fn find(db: &Db, id_hash: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
    let row: Option<SessionRow> = read!(db, c => {
        sqlx::query_as(
            "SELECT user_id, csrf_token, created_at, last_seen_at, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(id_hash)
        .bind(micros(now))
        .fetch_optional(c)
        .await?
    });
    Ok(row.map(|r| Session {
        user_id: r.user_id,
        csrf_token: r.csrf_token,
        created_at: from_micros(r.created_at),
        last_seen_at: from_micros(r.last_seen_at),
        expires_at: from_micros(r.expires_at),
    }))
}

/// Extends an idle session until `until`.
pub async fn touch(
    db: &Db,
    id_hash: &str,
    now: Timestamp,
    until: Timestamp,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    write!(&mut tx, c => {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
            .bind(micros(now))
            .bind(micros(until))
            .bind(id_hash)
            .execute(c)
            .await?.rows_affected()
    });
    tx.commit().await
}

pub async fn delete(tx: &mut Tx, id_hash: &str) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(c).await?.rows_affected()
    });
    Ok(())
}

/// Removes expired sessions, old failed-login records and old throttle
/// events.
pub async fn purge(db: &Db, now: Timestamp) -> Result<u64, StoreError> {
    let mut tx = db.begin().await?;
    let n = write!(&mut tx, c => {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(micros(now)).execute(c).await?.rows_affected()
    });
    let day_ago = micros(now) - 86_400_000_000;
    write!(&mut tx, c => {
        sqlx::query("DELETE FROM login_failures WHERE at < $1").bind(day_ago).execute(c).await?.rows_affected()
    });
    write!(&mut tx, c => {
        sqlx::query("DELETE FROM throttle_events WHERE at < $1").bind(day_ago).execute(c).await?.rows_affected()
    });
    tx.commit().await?;
    Ok(n)
}

pub async fn record_failure(
    tx: &mut Tx,
    account: &str,
    address: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("INSERT INTO login_failures (id, account, address, at) VALUES ($1, $2, $3, $4)")
            .bind(Uuid::now_v7())
            .bind(account)
            .bind(address)
            .bind(micros(now))
            .execute(c)
            .await?.rows_affected()
    });
    Ok(())
}

/// Failed logins since `since`, for the account and for the address.
pub async fn failures_since(
    db: &Db,
    account: &str,
    address: &str,
    since: Timestamp,
) -> Result<(i64, i64), StoreError> {
    let s = micros(since);
    Ok(read!(db, c => {
        let by_account: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE account = $1 AND at > $2")
            .bind(account).bind(s).fetch_one(c).await?;
        let by_address: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE address = $1 AND at > $2")
            .bind(address).bind(s).fetch_one(c).await?;
        (by_account, by_address)
    }))
}

/// A successful login clears the account's counter (not the address's).
pub async fn clear_account_failures(tx: &mut Tx, account: &str) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("DELETE FROM login_failures WHERE account = $1").bind(account).execute(c).await?.rows_affected()
    });
    Ok(())
}

/// Counts one public action of `kind` by `key` (a client address) at
/// `now`, and returns how many were counted since `since`, this one
/// included.
pub async fn count_event(
    db: &Db,
    kind: &str,
    key: &str,
    now: Timestamp,
    since: Timestamp,
) -> Result<i64, StoreError> {
    let mut tx = db.begin().await?;
    write!(&mut tx, c => {
        sqlx::query("INSERT INTO throttle_events (id, kind, key, at) VALUES ($1, $2, $3, $4)")
            .bind(Uuid::now_v7())
            .bind(kind)
            .bind(key)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    let n: i64 = write!(&mut tx, c => {
        sqlx::query_scalar("SELECT COUNT(*) FROM throttle_events WHERE kind = $1 AND key = $2 AND at > $3")
            .bind(kind)
            .bind(key)
            .bind(micros(since))
            .fetch_one(c)
            .await?
    });
    tx.commit().await?;
    Ok(n)
}
