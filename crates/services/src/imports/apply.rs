//! Writing a valid plan, in one transaction: structures and promeneurs
//! created or updated, a referent's gating fields turned into proposals.

use std::collections::HashMap;

use domain::{
    Principal,
    promeneur::PromeneurStatus,
    trust::{Editor, GatingDecision, gating_decision, status_without_proposal},
};
use jiff::{Timestamp, civil::Date};
use serde::Serialize;
use store::{Db, StoreError, audit::Actor};
use uuid::Uuid;

use super::{Action, Payload, Plan};
use crate::ServiceError;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
}

/// Writes a valid plan in one transaction. `progress` is told how many rows
/// are done, for large files.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    now: Timestamp,
    today: Date,
    plan: &Plan,
    batch: Option<Uuid>,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<Option<Summary>, ServiceError> {
    if !plan.is_valid() {
        return Err(StoreError::Invalid("plan with errors".into()).into());
    }
    // An import from an account (pages, API) never sets consent (the
    // promeneur's own), and a referent's gating fields (status active,
    // mandate, charter, training) become proposals that staff confirm. The
    // console (`promeneurs import`, the demo) writes every column.
    let console = principal.user_id.is_nil();
    let mut before: HashMap<Uuid, store::promeneurs::Promeneur> = HashMap::new();
    if !console {
        for payload in &plan.payloads {
            if let Payload::Promeneur(Some(current), _) = payload
                && let Some(x) = store::promeneurs::find_any(db, current.id).await?
            {
                before.insert(current.id, x);
            }
        }
    }
    let mut tx = db.begin().await?;
    let mut summary = Summary::default();
    for (i, (row, payload)) in plan.rows.iter().zip(&plan.payloads).enumerate() {
        match payload {
            Payload::Structure(existing, input) => {
                let cap = principal
                    .network_editor(&input.department, *existing)
                    .ok_or(StoreError::NotFound)?;
                match existing {
                    Some(id) => {
                        store::structures::update(&mut tx, &cap, actor, now, *id, input).await?;
                    }
                    None => {
                        store::structures::create(&mut tx, &cap, actor, now, input).await?;
                    }
                }
            }
            Payload::Promeneur(existing, valid) => {
                let cap = principal
                    .network_editor(&valid.input.department, Some(valid.input.structure_id))
                    .ok_or(StoreError::NotFound)?;
                let mut input = valid.input.clone();
                let mut status = valid.status;
                let mut proposal = None;
                if !console {
                    let prior = existing.as_ref().and_then(|c| before.get(&c.id));
                    input.profile.public_consent = prior.is_some_and(|x| x.public_consent);
                    let now_values = prior.map(crate::network::gating_of).unwrap_or_default();
                    let wanted =
                        crate::network::gating_of_input(&input, status == PromeneurStatus::Active);
                    let editor = if cap.staff {
                        Editor::Staff
                    } else {
                        Editor::Referent
                    };
                    if let GatingDecision::Propose(_) =
                        gating_decision(editor, &now_values, &wanted)
                    {
                        crate::network::set_gating(&mut input, &now_values);
                        let from = prior.map_or(PromeneurStatus::Candidate, |x| x.status);
                        status = status_without_proposal(from, status);
                        proposal = Some(store::promeneurs::Proposal {
                            active: wanted.active && from != PromeneurStatus::Active,
                            mandate_hours: wanted.mandate_hours,
                            mandate_starts_on: wanted.mandate_starts_on,
                            mandate_ends_on: wanted.mandate_ends_on,
                            charter_signed_on: wanted.charter_signed_on,
                            initial_training_on: wanted.initial_training_on,
                            proposed_by: actor.label.clone(),
                            proposed_at: now,
                        });
                    }
                }
                let input = &input;
                let id = match existing {
                    Some(current) => {
                        store::promeneurs::update(&mut tx, &cap, actor, now, current, input)
                            .await?;
                        if current.status != status {
                            // As updated: its employer may have changed.
                            let updated = store::promeneurs::Current {
                                structure_id: input.structure_id,
                                department: input.department.clone(),
                                ..current.clone()
                            };
                            store::promeneurs::set_status(
                                &mut tx,
                                &cap,
                                actor,
                                now,
                                &updated,
                                status,
                                today,
                                "Import d'un tableur",
                            )
                            .await?;
                        }
                        current.id
                    }
                    None => {
                        store::promeneurs::create(&mut tx, &cap, actor, now, input, status, today)
                            .await?
                    }
                };
                if let Some(proposal) = &proposal {
                    let current = store::promeneurs::Current {
                        id,
                        structure_id: input.structure_id,
                        department: input.department.clone(),
                        status,
                    };
                    store::promeneurs::propose(&mut tx, &cap, actor, now, &current, proposal)
                        .await?;
                }
            }
        }
        match row.action {
            Action::Create => summary.created += 1,
            Action::Update => summary.updated += 1,
        }
        if i % 100 == 99 {
            progress(i + 1);
        }
    }
    if let Some(batch) = batch {
        let text = format!(
            "{} créé(s), {} mis à jour",
            summary.created, summary.updated
        );
        if !store::imports::mark_applied(&mut tx, now, batch, &text).await? {
            // Already applied (a second click): write nothing.
            drop(tx);
            return Ok(None);
        }
    }
    store::audit::log(
        &mut tx,
        actor,
        now,
        "import",
        plan.kind.as_str(),
        batch.map_or_else(|| "console".to_owned(), |b| b.to_string()),
        None,
        serde_json::json!({"created": summary.created, "updated": summary.updated}),
    )
    .await?;
    tx.commit().await?;
    progress(plan.rows.len());
    Ok(Some(summary))
}
