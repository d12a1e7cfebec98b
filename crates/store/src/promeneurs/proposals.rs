//! What a referent proposes for the fields that open the directory, and
//! staff's decision on it.

use domain::NetworkCap;
use jiff::Timestamp;
use serde_json::json;

use super::{Current, Proposal, writes::opt};
use crate::{
    StoreError, Tx,
    audit::{self, Actor},
    micros,
    structures::bump_directory,
};

/// Stores (or replaces) the proposal of a referent for the gating fields
/// of promeneur `id`; staff confirm it with [`decide_proposal`].
pub async fn propose(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    current: &Current,
    proposal: &Proposal,
) -> Result<(), StoreError> {
    if current.department != cap.department
        || !(cap.staff || cap.structure == Some(current.structure_id))
    {
        return Err(StoreError::NotFound);
    }
    let status = proposal.active.then_some("active".to_owned());
    write!(&mut *tx, c => {
        sqlx::query("DELETE FROM promeneur_proposals WHERE promeneur_id = $1")
            .bind(current.id).execute(&mut *c).await?;
        sqlx::query("INSERT INTO promeneur_proposals (promeneur_id, status, mandate_hours, mandate_starts_on, mandate_ends_on, charter_signed_on, initial_training_on, proposed_by, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(current.id)
            .bind(status.clone())
            .bind(proposal.mandate_hours)
            .bind(opt(proposal.mandate_starts_on))
            .bind(opt(proposal.mandate_ends_on))
            .bind(opt(proposal.charter_signed_on))
            .bind(opt(proposal.initial_training_on))
            .bind(&actor.label)
            .bind(micros(now))
            .execute(c).await?.rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "propose",
        "promeneur",
        current.id,
        Some(current.department.as_str()),
        json!({
            "status": status, "mandate_hours": proposal.mandate_hours,
            "mandate_starts_on": opt(proposal.mandate_starts_on),
            "mandate_ends_on": opt(proposal.mandate_ends_on),
            "charter_signed_on": opt(proposal.charter_signed_on),
            "initial_training_on": opt(proposal.initial_training_on),
        }),
    )
    .await
}

/// Staff confirm (write the gating fields of) or reject a proposal; the
/// status, if proposed, is moved by the caller through [`set_status`].
/// `NotFound` without a proposal or out of the capability.
pub async fn decide_proposal(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    current: &Current,
    proposal: &Proposal,
    accept: bool,
) -> Result<(), StoreError> {
    if current.department != cap.department || !cap.staff {
        return Err(StoreError::NotFound);
    }
    let n = write!(&mut *tx, c => {
        sqlx::query("DELETE FROM promeneur_proposals WHERE promeneur_id = $1 AND proposed_at = $2")
            .bind(current.id).bind(micros(proposal.proposed_at))
            .execute(c).await?.rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("proposal"));
    }
    if accept {
        write!(&mut *tx, c => {
            sqlx::query("UPDATE promeneurs SET mandate_hours = $1, mandate_starts_on = $2, mandate_ends_on = $3, charter_signed_on = $4, initial_training_on = $5, updated_at = $6 WHERE id = $7")
                .bind(proposal.mandate_hours)
                .bind(opt(proposal.mandate_starts_on))
                .bind(opt(proposal.mandate_ends_on))
                .bind(opt(proposal.charter_signed_on))
                .bind(opt(proposal.initial_training_on))
                .bind(micros(now))
                .bind(current.id)
                .execute(c).await?.rows_affected()
        });
    }
    audit::log(
        tx,
        actor,
        now,
        if accept {
            "confirm_proposal"
        } else {
            "reject_proposal"
        },
        "promeneur",
        current.id,
        Some(current.department.as_str()),
        json!({"proposed_by": proposal.proposed_by, "active": proposal.active}),
    )
    .await?;
    bump_directory(tx).await
}
