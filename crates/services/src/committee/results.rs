//! The results of a module per département (the infructueux rule computed
//! from the current data), the committee's proposals and their validation
//! by the CAF of each département.

use std::collections::HashMap;

use domain::{
    DepartmentCode, Principal,
    committee::{RankKey, RoundScore},
    decision::{Outcome, Reason, Rule},
    independence::{self, Completeness},
    scoring::{Aggregate, Score},
};
use store::{
    applications::Application,
    committee::{Member, Proposal},
};
use uuid::Uuid;

use super::{Seat, conflict_of, reviewer_cap, seat, seat_state, state::CallState};
use crate::{Ctx, ServiceError, accounts::actor, calls::CallView};

/// One application in a département's ranking.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub application: Application,
    /// `None` without a review, or hidden from the member (in conflict,
    /// or before its own review).
    pub aggregate: Option<Aggregate>,
    /// The scores are hidden from the member who reads.
    pub hidden: bool,
    /// Why hidden, in French.
    pub hidden_reason: Option<&'static str>,
    /// Reviews filed and expected (seated members not in conflict).
    pub done: Completeness,
}

/// A module in one département.
#[derive(Debug, Clone)]
pub struct DepartmentResult {
    pub department: DepartmentCode,
    pub outcome: Outcome,
    pub rule: String,
    pub ranking: Vec<Ranked>,
    pub proposal: Option<Proposal>,
    /// Every application has the review of every member not in conflict.
    pub complete: bool,
    /// The member who reads is in conflict with an application in lice
    /// here: it neither proposes nor validates for this département.
    pub member_conflicted: bool,
}

/// The score of each application: for each member without a conflict,
/// its latest round; then the mean (`domain::committee::aggregate`).
fn aggregates(
    apps: &[&Application],
    members: &[Member],
    state: &CallState,
) -> HashMap<Uuid, Aggregate> {
    apps.iter()
        .filter_map(|a| {
            let of_a = state.scores_of(a.id).iter().map(|r| RoundScore {
                member_id: r.member_id,
                round: r.round,
                score: u32::try_from(r.score).unwrap_or(0),
            });
            let counts = |member_id: Uuid| {
                members
                    .iter()
                    .find(|m| m.id == member_id)
                    .is_some_and(|m| conflict_of(m, a, &state.conflicts).is_none())
            };
            domain::committee::aggregate(of_a, counts).map(|agg| (a.id, agg))
        })
        .collect()
}

/// The results of a module per département, from the current data, with
/// the call and the seat of `p` they were read for.
pub async fn results(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<(CallView, Seat, Vec<DepartmentResult>), ServiceError> {
    let (state, seat) = seat_state(ctx, p, call_id).await?;
    let view = &state.view;
    let module = view.module(code).ok_or(ServiceError::NotFound)?;
    let declared = &state.conflicts;
    let apps: Vec<&Application> = state
        .apps
        .iter()
        .filter(|a| a.module_code == module.spec.code)
        .collect();
    let members = &state.members;
    let proposals = store::committee::proposals(&ctx.db, call_id, &module.spec.code).await?;
    let aggs = aggregates(&apps, members, &state);
    let done: HashMap<Uuid, Completeness> = apps
        .iter()
        .map(|a| {
            let fair = members
                .iter()
                .filter(|m| conflict_of(m, a, declared).is_none())
                .map(|m| m.id);
            let reviewed = |member_id: Uuid| state.reviewed(member_id, a.id);
            (a.id, domain::committee::completeness(fair, reviewed))
        })
        .collect();
    let rule = Rule {
        min_applications: module.spec.min_applications,
        quality_threshold: module.spec.quality_threshold.and_then(Score::whole),
    };
    let staff_scope = p.staff_scope();
    let mut out = Vec::new();
    for d in &view.call.departments {
        // Staff see the départements of their scope; members all of them.
        if matches!(seat, Seat::Staff) && !staff_scope.contains(&d.department) {
            continue;
        }
        let mut ranking: Vec<Ranked> = apps
            .iter()
            .filter(|a| a.departments.contains(&d.department))
            .map(|a| {
                let hidden_reason = match &seat {
                    Seat::Member(m) => {
                        let conflicted = conflict_of(m, a, declared).is_some();
                        let reviewed = state.reviewed(m.id, a.id);
                        if conflicted {
                            Some("Notes masquées : vous avez un conflit d'intérêts avec cette candidature.")
                        } else if !independence::member_sees_scores(conflicted, reviewed) {
                            Some("Notes masquées jusqu'à votre propre évaluation")
                        } else {
                            None
                        }
                    }
                    Seat::Staff => None,
                };
                let hidden = hidden_reason.is_some();
                Ranked {
                    application: (*a).clone(),
                    aggregate: if hidden {
                        None
                    } else {
                        aggs.get(&a.id).copied()
                    },
                    hidden,
                    hidden_reason,
                    done: done.get(&a.id).copied().unwrap_or(Completeness {
                        reviews: 0,
                        expected: 0,
                    }),
                }
            })
            .collect();
        let scores: Vec<Option<Score>> = ranking
            .iter()
            .map(|r| aggs.get(&r.application.id).map(|g| g.mean))
            .collect();
        let progress: Vec<Completeness> = ranking.iter().map(|r| r.done).collect();
        let outcome = independence::committee_outcome(rule, &scores, &progress);
        let complete = progress.iter().all(|c| c.complete());
        let member_conflicted = match &seat {
            Seat::Member(m) => ranking
                .iter()
                .any(|r| conflict_of(m, &r.application, declared).is_some()),
            Seat::Staff => false,
        };
        domain::committee::rank(&mut ranking, |r| RankKey {
            score: r.aggregate.map(|g| g.mean),
            submitted_at: r.application.submitted_at,
        });
        let proposal = proposals
            .iter()
            .rev()
            .find(|p| d.department == p.department)
            .cloned();
        out.push(DepartmentResult {
            department: d.department.clone(),
            outcome,
            rule: rule.french(),
            ranking,
            proposal,
            complete,
            member_conflicted,
        });
    }
    Ok((view.clone(), seat, out))
}

/// The proposals of a module `p` may read: the committee reads them all;
/// staff only those of their départements (each CAF its own decisions and
/// motivations).
pub async fn proposals(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<Vec<Proposal>, ServiceError> {
    let (view, seat) = seat(ctx, p, call_id).await?;
    let module = view.module(code).ok_or(ServiceError::NotFound)?;
    let scope = p.staff_scope();
    Ok(
        store::committee::proposals(&ctx.db, view.call.id, &module.spec.code)
            .await?
            .into_iter()
            .filter(|x| matches!(seat, Seat::Member(_)) || scope.contains(&x.department))
            .collect(),
    )
}

/// One proposal, for the call's committee and the staff of its
/// département (404 for anyone else).
pub async fn proposal(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Proposal, ServiceError> {
    let proposal = store::committee::proposal(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (_, seat) = seat(ctx, p, proposal.call_id).await?;
    let readable =
        matches!(seat, Seat::Member(_)) || p.staff_scope().contains(&proposal.department);
    readable.then_some(proposal).ok_or(ServiceError::NotFound)
}

/// What the committee proposes for a module in one département.
#[derive(Debug, Clone, Default)]
pub struct ProposalDraft {
    pub department: String,
    pub application_id: Option<Uuid>,
    pub unsuccessful: bool,
    pub motivation: String,
}

/// Records the committee's proposal (a member of the committee, or staff
/// of that département).
pub async fn propose(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
    d: &ProposalDraft,
) -> Result<Uuid, ServiceError> {
    let (view, seat) = seat(ctx, p, call_id).await?;
    let department = d.department.trim();
    if !view.call.covers(department) {
        return Err(ServiceError::invalid_field(
            "department",
            "Ce département n'est pas couvert par l'appel.",
        ));
    }
    if matches!(seat, Seat::Staff)
        && !DepartmentCode::parse(department).is_ok_and(|c| p.staff_writes(&c))
    {
        return Err(ServiceError::forbidden(
            "Seuls le comité et la Caf de ce département font une proposition pour ce département.",
        ));
    }
    let motivation = d.motivation.trim();
    if motivation.is_empty() || motivation.chars().count() > 10_000 {
        return Err(ServiceError::invalid_field(
            "motivation",
            "Motivez la proposition (10 000 caractères au plus) : elle figure dans les courriers.",
        ));
    }
    let module = view.module(code).ok_or(ServiceError::NotFound)?;
    if module.spec.deadline.accepts(ctx.now()) {
        return Err(ServiceError::conflict(
            "deadline_not_passed",
            format!(
                "Le dépôt des candidatures à ce module est ouvert jusqu'au {} : le comité propose après la date limite.",
                module.spec.deadline.french()
            ),
        ));
    }
    let (_, _, results) = results(ctx, p, call_id, code).await?;
    let here = results
        .iter()
        .find(|r| r.department == department)
        .ok_or(ServiceError::NotFound)?;
    // A member tied to one of the applications in lice here does not
    // propose for this module and département (neither its structure nor a
    // competitor).
    if here.member_conflicted {
        return Err(ServiceError::forbidden(
            "Vous avez un conflit d'intérêts avec une candidature de ce module dans ce département : vous ne faites pas de proposition.",
        ));
    }
    let (application_id, reason) = match (d.application_id, d.unsuccessful) {
        (Some(_), true) | (None, false) => {
            return Err(ServiceError::invalid_field(
                "application_id",
                "Proposez soit une candidature, soit de déclarer le module infructueux.",
            ));
        }
        (None, true) => (
            None,
            Some(here.outcome.reason().unwrap_or(Reason::InsufficientQuality)),
        ),
        (Some(id), false) => {
            if !here.ranking.iter().any(|r| r.application.id == id) {
                return Err(ServiceError::invalid_field(
                    "application_id",
                    "Cette candidature n'est pas en lice pour ce module dans ce département.",
                ));
            }
            if let Outcome::Unsuccessful(r) = here.outcome {
                return Err(ServiceError::invalid_field(
                    "application_id",
                    format!(
                        "Le module est infructueux dans ce département ({}) : il ne peut être attribué.",
                        match r {
                            Reason::TooFewApplications => "trop peu de candidatures",
                            Reason::InsufficientQuality =>
                                "aucune candidature n'atteint le seuil de qualité",
                        }
                    ),
                ));
            }
            (Some(id), None)
        }
    };
    let (member_cap, staff_cap);
    let by = match &seat {
        Seat::Member(m) => {
            member_cap = reviewer_cap(p, m)?;
            store::committee::Proposer::Member(&member_cap)
        }
        Seat::Staff => {
            staff_cap = p
                .call_staff(call_id, &view.call.department_codes())
                .ok_or(ServiceError::NotFound)?;
            store::committee::Proposer::Staff(&staff_cap)
        }
    };
    let mut tx = ctx.db.begin().await?;
    let id = store::committee::propose(
        &mut tx,
        by,
        &actor(p),
        ctx.now(),
        &store::committee::NewProposal {
            call_id,
            module_code: code,
            department,
            application_id,
            reason,
            motivation,
            proposed_by: p.user_id,
        },
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict(_) => ServiceError::conflict(
            "proposal_pending",
            "Une proposition pour ce module et ce département attend déjà la Caf, ou a été validée.",
        ),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// The CAF of the proposal's département validates or rejects it.
pub async fn validate(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    approve: bool,
    comment: &str,
) -> Result<Proposal, ServiceError> {
    let proposal = store::committee::proposal(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // Seen by the call's staff and committee; 404 for anyone else.
    let (state, seat) = seat_state(ctx, p, proposal.call_id).await?;
    let cap = p.pilot(&proposal.department).ok_or_else(|| {
        ServiceError::forbidden(format!(
            "Seule la Caf de ce département ({}) valide cette proposition.",
            proposal.department
        ))
    })?;
    if !independence::may_validate(proposal.proposed_by_id, p.user_id) {
        return Err(ServiceError::forbidden(
            "Vous avez fait cette proposition : un autre agent de la Caf la valide.",
        ));
    }
    if let Seat::Member(m) = &seat {
        // The call's filed applications and conflicts, as the results
        // read them.
        let conflicted = state
            .apps
            .iter()
            .filter(|a| {
                a.module_code == proposal.module_code
                    && a.departments.contains(&proposal.department)
            })
            .any(|a| conflict_of(m, a, &state.conflicts).is_some());
        if conflicted {
            return Err(ServiceError::forbidden(
                "Vous avez un conflit d'intérêts avec une candidature de ce module dans ce département : vous ne validez pas sa proposition.",
            ));
        }
    }
    let mut tx = ctx.db.begin().await?;
    store::committee::decide(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        &proposal,
        approve,
        comment.trim(),
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict(_) => ServiceError::conflict(
            "decided",
            "Cette proposition a déjà été validée ou rejetée.",
        ),
        other => other.into(),
    })?;
    tx.commit().await?;
    store::committee::proposal(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}
