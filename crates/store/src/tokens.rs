//! Secrets handed to people: single-use links (password reset, account
//! activation) and API tokens. Only SHA-256 digests are stored.

use domain::{AdminCap, Email};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor, Change},
    decode::decode,
    from_micros, micros,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Reset,
    Activation,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Reset => "reset",
            Purpose::Activation => "activation",
        }
    }
}

pub async fn create_link(
    tx: &mut Tx,
    user_id: Uuid,
    purpose: Purpose,
    token_hash: &str,
    now: Timestamp,
    ttl: SignedDuration,
) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query(
            "INSERT INTO password_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(purpose.as_str())
        .bind(micros(now))
        .bind(micros(now.checked_add(ttl).unwrap_or(now)))
        .execute(c)
        .await?.rows_affected()
    });
    Ok(())
}

/// Whether a link is still usable (not used, not expired).
pub async fn link_is_valid(db: &Db, token_hash: &str, now: Timestamp) -> Result<bool, StoreError> {
    let n: i64 = read!(db, c => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM password_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(micros(now))
        .fetch_one(c)
        .await?
    });
    Ok(n > 0)
}

/// Marks a link used and returns its user, atomically: of two concurrent
/// uses, one wins. Also voids the user's other open links.
pub async fn consume_link(
    tx: &mut Tx,
    token_hash: &str,
    now: Timestamp,
) -> Result<Option<Uuid>, StoreError> {
    let user: Option<Uuid> = write!(&mut *tx, c => {
        sqlx::query_scalar(
            "UPDATE password_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(micros(now))
        .bind(token_hash)
        .fetch_optional(c)
        .await?
    });
    if let Some(u) = user {
        write!(&mut *tx, c => {
            sqlx::query("UPDATE password_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                .bind(micros(now))
                .bind(u)
                .execute(c)
                .await?.rows_affected()
        });
    }
    Ok(user)
}

#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub user_email: Email,
    pub label: String,
    pub prefix: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct ApiTokenRow {
    id: Uuid,
    user_id: Uuid,
    user_email: String,
    label: String,
    prefix: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "one row's columns, named at the call site"
)]
pub async fn create_api_token(
    tx: &mut Tx,
    _cap: &AdminCap,
    actor: &Actor,
    now: Timestamp,
    user_id: Uuid,
    label: &str,
    token_hash: &str,
    prefix: &str,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, label, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(user_id)
        .bind(label)
        .bind(token_hash)
        .bind(prefix)
        .bind(micros(now))
        .execute(c)
        .await?.rows_affected()
    });
    audit::record(
        tx,
        actor,
        now,
        Change {
            action: "create",
            entity: "api_token",
            entity_id: id.to_string(),
            department: None,
            fields: json!({"user_id": user_id, "label": label, "prefix": prefix}),
        },
    )
    .await?;
    Ok(id)
}

/// The user of a live token (not revoked, made after `made_after`) whose
/// account is active, and when the token was last used.
pub async fn api_token_user(
    db: &Db,
    token_hash: &str,
    made_after: Timestamp,
) -> Result<Option<(Uuid, Option<Timestamp>)>, StoreError> {
    let row: Option<(Uuid, Option<i64>)> = read!(db, c => {
        sqlx::query_as(
            "SELECT t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = $2 AND t.created_at > $3",
        )
        .bind(token_hash)
        .bind(true)
        .bind(micros(made_after))
        .fetch_optional(c)
        .await?
    });
    Ok(row.map(|(u, last)| (u, last.map(from_micros))))
}

pub async fn mark_api_token_used(
    db: &Db,
    token_hash: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    write!(&mut tx, c => {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(micros(now))
            .bind(token_hash)
            .execute(c)
            .await?.rows_affected()
    });
    tx.commit().await
}

pub async fn list_api_tokens(db: &Db, _cap: &AdminCap) -> Result<Vec<ApiToken>, StoreError> {
    let rows: Vec<ApiTokenRow> = read!(db, c => {
        sqlx::query_as(
            "SELECT t.id, t.user_id, u.email AS user_email, t.label, t.prefix, t.created_at, t.last_used_at, t.revoked_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.created_at DESC",
        )
        .fetch_all(c)
        .await?
    });
    rows.into_iter()
        .map(|r| {
            Ok(ApiToken {
                user_email: decode("users", "email", r.user_id, &r.user_email)?,
                id: r.id,
                user_id: r.user_id,
                label: r.label,
                prefix: r.prefix,
                created_at: from_micros(r.created_at),
                last_used_at: r.last_used_at.map(from_micros),
                revoked_at: r.revoked_at.map(from_micros),
            })
        })
        .collect()
}

pub async fn revoke_api_token(
    tx: &mut Tx,
    _cap: &AdminCap,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
) -> Result<(), StoreError> {
    let done = write!(&mut *tx, c => {
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(micros(now))
            .bind(id)
            .execute(c)
            .await?.rows_affected()
    });
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        tx,
        actor,
        now,
        Change {
            action: "revoke",
            entity: "api_token",
            entity_id: id.to_string(),
            department: None,
            fields: json!({}),
        },
    )
    .await
}

/// Revokes every live token of an account (its password was reset by
/// e-mail: whoever held the old secrets loses them all). Returns how many.
pub async fn revoke_all_of(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    user_id: Uuid,
) -> Result<u64, StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(micros(now))
            .bind(user_id)
            .execute(c)
            .await?.rows_affected()
    });
    if n > 0 {
        audit::record(
            tx,
            actor,
            now,
            Change {
                action: "revoke_all",
                entity: "api_token",
                entity_id: user_id.to_string(),
                department: None,
                fields: json!({"count": n, "reason": "password_reset"}),
            },
        )
        .await?;
    }
    Ok(n)
}
