//! The accounts of the network, opened without a password (activated by
//! e-mail): a promeneur's own account, a structure referent's; and the
//! referents of a structure.

use domain::{Email, Grant, Role};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use super::{NewUser, User, insert};
use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
};

/// Opens an account for a promeneur, with that one role and no password
/// (activated by e-mail), and links it to the promeneur's record. Whoever
/// edits the record may do it: the account can do no more than edit that
/// record's public profile.
pub async fn create_promeneur_account(
    tx: &mut Tx,
    cap: &domain::NetworkCap,
    actor: &Actor,
    now: Timestamp,
    promeneur_id: Uuid,
    email: Email,
    name: String,
) -> Result<User, StoreError> {
    let user = insert(
        tx,
        actor,
        now,
        NewUser {
            email,
            name,
            grants: vec![Grant::platform(Role::Promeneur)],
            password_hash: None,
        },
    )
    .await?;
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE promeneurs SET user_id = $1 WHERE id = $2 AND user_id IS NULL AND department = $3")
            .bind(user.id)
            .bind(promeneur_id)
            .bind(cap.department.as_str())
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("promeneur_account"));
    }
    audit::log(
        tx,
        actor,
        now,
        "open_account",
        "promeneur",
        promeneur_id,
        Some(cap.department.as_str()),
        json!({"user_id": user.id}),
    )
    .await?;
    Ok(user)
}

/// Opens the account of a structure referent, without a password (the
/// activation link e-mailed to it sets one). With `Some(structure)`, the
/// role covers that structure: staff of its département or one of its
/// referents invite someone (`cap` for that structure), and the sign-up
/// (`NetworkCap::for_signup`) gives its visitor the structure it has just
/// registered, which has no referent yet. With `None`, only at sign-up:
/// the visitor's structure is already registered and the role waits for
/// staff to approve its claim (`claims::decide`).
#[allow(clippy::too_many_arguments)]
pub async fn create_referent_account(
    tx: &mut Tx,
    cap: &domain::NetworkCap,
    actor: &Actor,
    now: Timestamp,
    email: Email,
    name: String,
    structure: Option<Uuid>,
) -> Result<User, StoreError> {
    match structure {
        Some(id) => {
            if !(cap.staff || cap.signup || cap.structure == Some(id)) {
                return Err(StoreError::NotFound);
            }
            let found: i64 = write!(&mut *tx, c => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM structures s WHERE s.id = $1 AND s.department = $2 AND s.archived_at IS NULL
                     AND ($3 = FALSE OR NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.structure_id = s.id AND r.role = 'structure_referent'))",
                )
                .bind(id)
                .bind(cap.department.as_str())
                .bind(cap.signup && !cap.staff)
                .fetch_one(c)
                .await?
            });
            if found == 0 {
                return Err(StoreError::NotFound);
            }
        }
        None if !cap.signup => return Err(StoreError::NotFound),
        None => {}
    }
    insert(
        tx,
        actor,
        now,
        NewUser {
            email,
            name,
            grants: vec![Grant {
                role: Role::StructureReferent,
                department: None,
                structure_id: structure,
                call_id: None,
            }],
            password_hash: None,
        },
    )
    .await
}

/// A referent of a structure, as its page lists them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Referent {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    /// A password was set (the activation link was used).
    pub activated: bool,
}

/// The referents of a structure (active accounts), by name.
pub async fn referents(db: &Db, structure_id: Uuid) -> Result<Vec<Referent>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_as(
            "SELECT DISTINCT u.id, u.name, u.email, (u.password_hash IS NOT NULL) AS activated
             FROM users u JOIN user_roles r ON r.user_id = u.id
             WHERE r.role = 'structure_referent' AND r.structure_id = $1 AND u.active = $2
             ORDER BY u.name, u.email",
        )
        .bind(structure_id)
        .bind(true)
        .fetch_all(c)
        .await?
    }))
}
