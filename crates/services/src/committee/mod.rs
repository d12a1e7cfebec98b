//! The committee of a call, shared by the pages and the API: seats,
//! conflicts of interest, reviews in two rounds with independence, the
//! results per module and département (the infructueux rule computed from
//! the current data), the committee's proposals and their validation by
//! the CAF of each département. The rules (conflicts, aggregation,
//! ranking) are `domain::committee`'s; here, the rows and the checks of
//! who may do what.

mod board;
mod decisions_sheet;
mod results;
mod results_sheet;
mod seating;
mod state;

use std::{collections::BTreeMap, sync::Arc};

use domain::{
    NetworkScope, Principal, ReviewerCap, SeatFacts,
    call::ApplicationStatus,
    committee::{Candidate, Declared, Seated},
    independence::Ties,
    scoring::{Score, check_scores, review_score},
};
use store::{
    applications::Application,
    committee::{Member, Review},
};
use uuid::Uuid;

pub use board::{BoardItem, MemberApplication, member_board, member_document, member_view};
pub use decisions_sheet::decisions_sheet;
pub use results::{
    DepartmentResult, ProposalDraft, Ranked, proposal, proposals, propose, results, validate,
};
pub use results_sheet::results_sheet;
pub use seating::{SeatDraft, seat_from_form};
use state::CallState;
pub use state::CommitteeCache;

use crate::{
    Ctx, ServiceError,
    accounts::actor,
    applications,
    calls::{self, CallView},
};

/// Statuses of a filed application that the committee examines.
pub(crate) const EXAMINED: [ApplicationStatus; 5] = [
    ApplicationStatus::Submitted,
    ApplicationStatus::ComplementRequested,
    ApplicationStatus::UnderReview,
    ApplicationStatus::Retained,
    ApplicationStatus::NotRetained,
];

/// Who looks at a call's committee work.
#[derive(Debug, Clone)]
pub enum Seat {
    /// CAF agent or coordinator of one of the call's départements.
    Staff,
    Member(Member),
}

/// The call and `p`'s seat: its staff, or a member of its committee (404
/// for anyone else).
pub async fn seat(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
) -> Result<(CallView, Seat), ServiceError> {
    let (state, seat) = seat_state(ctx, p, call_id).await?;
    Ok((state.view.clone(), seat))
}

/// [`seat`], with the call's committee data it was read from.
pub(crate) async fn seat_state(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
) -> Result<(Arc<CallState>, Seat), ServiceError> {
    let state = state::state(ctx, call_id).await?;
    if !calls::visible(Some(p), &state.view.call) {
        return Err(ServiceError::NotFound);
    }
    let member = state.member_of(p.user_id).cloned();
    let seat = seat_on(ctx, p, &state.view, member).await?;
    Ok((state, seat))
}

/// `p`'s seat on a call already loaded, `member` its row on the committee.
async fn seat_on(
    ctx: &Ctx,
    p: &Principal,
    view: &CallView,
    member: Option<Member>,
) -> Result<Seat, ServiceError> {
    if let Some(m) = member {
        return Ok(Seat::Member(m));
    }
    if calls::is_call_staff(p, &view.call) {
        if calls::staff_conflicted(ctx, p, view.call.id).await? {
            return Err(calls::staff_conflict_error());
        }
        return Ok(Seat::Staff);
    }
    Err(ServiceError::NotFound)
}

/// Seats a user on the committee (a CAF agent of the call).
pub async fn add_member(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    user_id: Uuid,
    institution: &str,
    structure_id: Option<Uuid>,
) -> Result<Uuid, ServiceError> {
    let (_, cap) = calls::managed_call_staff(ctx, p, call_id).await?;
    // API.md seats a member with its `user_id` alone: the institution is
    // optional there (the page asks for it).
    let institution = institution.trim();
    if institution.chars().count() > 200 {
        return Err(ServiceError::invalid_field(
            "institution",
            "L'institution s'écrit en 200 caractères au plus (Caf 03, Conseil départemental, DSDEN…).",
        ));
    }
    if store::users::find(&ctx.db, user_id).await?.is_none() {
        return Err(ServiceError::invalid_field(
            "user_id",
            "Ce compte n'existe pas.",
        ));
    }
    if let Some(s) = structure_id
        && store::structures::find(&ctx.db, &NetworkScope::everything(), s)
            .await?
            .is_none()
    {
        return Err(ServiceError::invalid_field(
            "structure_id",
            "Cette structure n'existe pas.",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let id = store::committee::add_member(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        user_id,
        institution,
        structure_id,
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict(_) => ServiceError::conflict(
            "already_member",
            "Cette personne fait déjà partie du comité de cet appel.",
        ),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// A member and how far it got: "3 sur 5 évaluées".
#[derive(Debug, Clone)]
pub struct Progress {
    pub member: Member,
    pub reviewed: usize,
    pub to_review: usize,
}

/// The filed applications of a call (every module).
pub(crate) async fn filed(ctx: &Ctx, call_id: Uuid) -> Result<Vec<Application>, ServiceError> {
    let (items, _) = store::applications::list(
        &ctx.db,
        &NetworkScope::everything(),
        &store::applications::Filter {
            call_id: Some(call_id),
            filed_only: true,
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    Ok(items
        .into_iter()
        .filter(|a| EXAMINED.contains(&a.status))
        .collect())
}

/// What ties a member to structures: its seat and its account.
pub fn ties_of(m: &Member) -> Ties {
    Ties {
        seated_for: m.structure_id,
        account: m.account_ties.clone(),
    }
}

/// Why `m` may not review `a`, if it may not: a declared conflict, or the
/// member belongs to the applicant structure (seated for it, or tied to it
/// by its account: a role granted with it, a promeneur of it).
pub fn conflict_of(
    m: &Member,
    a: &Application,
    declared: &[store::committee::Conflict],
) -> Option<String> {
    let ties = ties_of(m);
    let seated = Seated {
        id: m.id,
        ties: &ties,
    };
    let candidate = Candidate {
        id: a.id,
        structure_id: a.structure_id,
    };
    let declared = declared.iter().map(|c| Declared {
        member_id: c.member_id,
        application_id: c.application_id,
        reason: &c.reason,
    });
    domain::committee::conflict_of(seated, candidate, declared).map(|c| c.french())
}

pub async fn members(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
) -> Result<Vec<Progress>, ServiceError> {
    let (state, _) = seat_state(ctx, p, call_id).await?;
    Ok(progress(&state))
}

/// The committee of a call already loaded for `p` (the management page),
/// with the checks of [`members`].
pub async fn members_in(
    ctx: &Ctx,
    p: &Principal,
    view: &CallView,
) -> Result<Vec<Progress>, ServiceError> {
    let state = state::state(ctx, view.call.id).await?;
    seat_on(ctx, p, view, state.member_of(p.user_id).cloned()).await?;
    Ok(progress(&state))
}

/// Each member of a call's committee and how far it got.
fn progress(state: &CallState) -> Vec<Progress> {
    state
        .members
        .iter()
        .map(|m| {
            let mine: Vec<&Application> = state
                .apps
                .iter()
                .filter(|a| conflict_of(m, a, &state.conflicts).is_none())
                .collect();
            let reviewed = mine.iter().filter(|a| state.reviewed(m.id, a.id)).count();
            Progress {
                to_review: mine.len(),
                reviewed,
                member: m.clone(),
            }
        })
        .collect()
}

/// A filed application of a call whose committee `p` sits on (404 for
/// anyone else, drafts and withdrawn ones included).
pub(crate) async fn member_application(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
) -> Result<(Application, Member), ServiceError> {
    let a = store::applications::find(&ctx.db, &NetworkScope::everything(), id)
        .await?
        .filter(|a| EXAMINED.contains(&a.status))
        .ok_or(ServiceError::NotFound)?;
    let m = store::committee::member_of(&ctx.db, a.call_id, p.user_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((a, m))
}

/// The capability of `p`'s seat `m` (the member row loaded for `p`).
pub(crate) fn reviewer_cap(p: &Principal, m: &Member) -> Result<ReviewerCap, ServiceError> {
    p.reviewer(SeatFacts {
        member_id: m.id,
        call_id: m.call_id,
        user_id: m.user_id,
    })
    .ok_or(ServiceError::NotFound)
}

pub(crate) fn conflicted(reason: &str) -> ServiceError {
    ServiceError::forbidden(format!(
        "Vous avez un conflit d'intérêts avec cette candidature ({reason}) : vous ne l'évaluez pas et ne voyez pas ses notes."
    ))
}

/// Declares a conflict of interest with an application.
pub async fn declare_conflict(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    reason: &str,
) -> Result<(), ServiceError> {
    let (a, m) = member_application(ctx, p, id).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2_000 {
        return Err(ServiceError::invalid_field(
            "reason",
            "Indiquez la raison du conflit d'intérêts (2 000 caractères au plus).",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let cap = reviewer_cap(p, &m)?;
    store::committee::declare_conflict(&mut tx, &cap, &actor(p), ctx.now(), a.id, reason)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => ServiceError::conflict(
                "already_declared",
                "Vous avez déjà déclaré un conflit d'intérêts pour cette candidature.",
            ),
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(())
}

/// The round a review belongs to when not said: the second once the
/// module's audition day has come.
pub(crate) async fn default_round(ctx: &Ctx, a: &Application) -> Result<i64, ServiceError> {
    let (filed, _) = applications::modules_of(ctx, a).await?;
    Ok(match filed.spec.audition_on {
        Some(d) if ctx.today() >= d => 2,
        _ => 1,
    })
}

/// Submits or revises `p`'s review; returns its score.
pub async fn put_review(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    scores: &BTreeMap<String, i64>,
    comment: &str,
    round: Option<i64>,
) -> Result<Score, ServiceError> {
    let (a, m) = member_application(ctx, p, id).await?;
    let declared = store::committee::conflicts(&ctx.db, a.call_id).await?;
    if let Some(reason) = conflict_of(&m, &a, &declared) {
        return Err(conflicted(&reason));
    }
    if a.status.is_final() {
        return Err(ServiceError::conflict(
            "decided",
            "La décision sur cette candidature est prise : les évaluations sont closes.",
        ));
    }
    let round = match round {
        None => default_round(ctx, &a).await?,
        Some(r @ (1 | 2)) => r,
        Some(_) => {
            return Err(ServiceError::invalid_field(
                "round",
                "Le tour est 1 (avant l'audition) ou 2 (après).",
            ));
        }
    };
    if comment.chars().count() > 10_000 {
        return Err(ServiceError::invalid_field(
            "comment",
            "Le commentaire est trop long (10 000 caractères au plus).",
        ));
    }
    let (module, _) = applications::modules_of(ctx, &a).await?;
    let checked = check_scores(&module.spec.criteria, scores).map_err(|e| {
        ServiceError::invalid(
            e.into_iter()
                .map(|(k, v)| (format!("scores.{k}"), v))
                .collect(),
        )
    })?;
    let score = review_score(&module.spec.criteria, &checked);
    let mut tx = ctx.db.begin().await?;
    store::committee::put_review(
        &mut tx,
        &reviewer_cap(p, &m)?,
        &actor(p),
        ctx.now(),
        a.id,
        round,
        &checked,
        comment.trim(),
        score.hundredths(),
    )
    .await?;
    tx.commit().await?;
    Ok(score)
}

/// The reviews `p` may read of an application.
#[derive(Debug, Clone)]
pub struct ReviewsView {
    pub own: Vec<Review>,
    /// `None` until `p` submitted its own (members); all for staff.
    pub others: Option<Vec<Review>>,
}

pub async fn reviews(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<ReviewsView, ServiceError> {
    let a = store::applications::find(&ctx.db, &NetworkScope::everything(), id)
        .await?
        .filter(|a| EXAMINED.contains(&a.status))
        .ok_or(ServiceError::NotFound)?;
    let (_, seat) = seat(ctx, p, a.call_id).await?;
    let all = store::committee::reviews_of(&ctx.db, id).await?;
    match seat {
        Seat::Staff => {
            // Staff of the call: only the applications of their
            // départements (404 otherwise, like everywhere).
            applications::application(ctx, p, id).await?;
            Ok(ReviewsView {
                own: Vec::new(),
                others: Some(all),
            })
        }
        Seat::Member(m) => {
            let declared = store::committee::conflicts(&ctx.db, a.call_id).await?;
            if let Some(reason) = conflict_of(&m, &a, &declared) {
                return Err(conflicted(&reason));
            }
            let (own, others): (Vec<Review>, Vec<Review>) =
                all.into_iter().partition(|r| r.member_id == m.id);
            let submitted = !own.is_empty();
            Ok(ReviewsView {
                own,
                others: submitted.then_some(others),
            })
        }
    }
}
