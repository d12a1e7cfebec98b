//! The committee of a call, shared by the pages and the API: seats,
//! conflicts of interest, reviews in two rounds with independence, the
//! results per module and département (the infructueux rule computed from
//! the current data), the committee's proposals and their validation by
//! the CAF of each département.

use std::collections::BTreeMap;

use domain::{
    DepartmentCode, NetworkScope, Principal,
    call::ApplicationStatus,
    decision::{Outcome, Reason, Rule},
    independence::{self, Completeness, Ties},
    scoring::{Aggregate, Score, check_scores, review_score},
};
use store::{
    applications::Application,
    committee::{Member, Proposal, Review},
};
use uuid::Uuid;

use crate::{
    AppError, AppState,
    accounts::actor,
    calls::{self, CallView},
};

/// Statuses of a filed application that the committee examines.
const EXAMINED: [ApplicationStatus; 5] = [
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
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
) -> Result<(CallView, Seat), AppError> {
    let member = store::committee::member_of(&state.db, call_id, p.user_id).await?;
    let view = calls::call(state, Some(p), call_id).await?;
    if let Some(m) = member {
        return Ok((view, Seat::Member(m)));
    }
    if calls::is_call_staff(p, &view.call) {
        if calls::staff_conflicted(state, p, call_id).await? {
            return Err(calls::staff_conflict_error().into());
        }
        return Ok((view, Seat::Staff));
    }
    Err(AppError::not_found())
}

/// Seats a user on the committee (a CAF agent of the call).
pub async fn add_member(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    user_id: Uuid,
    institution: &str,
    structure_id: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let (_, cap) = calls::managed_call(state, p, call_id).await?;
    // API.md seats a member with its `user_id` alone: the institution is
    // optional there (the page asks for it).
    let institution = institution.trim();
    if institution.chars().count() > 200 {
        return Err(AppError::invalid_field(
            "institution",
            "L'institution s'écrit en 200 caractères au plus (Caf 03, Conseil départemental, DSDEN…).",
        ));
    }
    if store::users::find(&state.db, user_id).await?.is_none() {
        return Err(AppError::invalid_field(
            "user_id",
            "Ce compte n'existe pas.",
        ));
    }
    if let Some(s) = structure_id
        && store::structures::find(&state.db, &NetworkScope::everything(), s)
            .await?
            .is_none()
    {
        return Err(AppError::invalid_field(
            "structure_id",
            "Cette structure n'existe pas.",
        ));
    }
    let mut tx = state.db.begin().await?;
    let id = store::committee::add_member(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        call_id,
        user_id,
        institution,
        structure_id,
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict(_) => AppError::conflict(
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
async fn filed(state: &AppState, call_id: Uuid) -> Result<Vec<Application>, AppError> {
    let (items, _) = store::applications::list(
        &state.db,
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
    let reason = declared
        .iter()
        .find(|c| c.member_id == m.id && c.application_id == a.id)
        .map(|c| c.reason.as_str());
    independence::member_conflict(&ties_of(m), a.structure_id, reason).map(|c| c.french())
}

pub async fn members(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
) -> Result<Vec<Progress>, AppError> {
    seat(state, p, call_id).await?;
    let members = store::committee::members(&state.db, call_id).await?;
    let apps = filed(state, call_id).await?;
    let conflicts = store::committee::conflicts(&state.db, call_id).await?;
    let reviews = store::committee::reviews(&state.db, call_id, None).await?;
    Ok(members
        .into_iter()
        .map(|m| {
            let mine: Vec<&Application> = apps
                .iter()
                .filter(|a| conflict_of(&m, a, &conflicts).is_none())
                .collect();
            let reviewed = mine
                .iter()
                .filter(|a| {
                    reviews
                        .iter()
                        .any(|r| r.member_id == m.id && r.application_id == a.id)
                })
                .count();
            Progress {
                to_review: mine.len(),
                reviewed,
                member: m,
            }
        })
        .collect())
}

/// A filed application of a call whose committee `p` sits on (404 for
/// anyone else, drafts and withdrawn ones included).
async fn member_application(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> Result<(Application, Member), AppError> {
    let a = store::applications::find(&state.db, &NetworkScope::everything(), id)
        .await?
        .filter(|a| EXAMINED.contains(&a.status))
        .ok_or_else(AppError::not_found)?;
    let m = store::committee::member_of(&state.db, a.call_id, p.user_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok((a, m))
}

fn conflicted(reason: &str) -> AppError {
    AppError::forbidden(format!(
        "Vous avez un conflit d'intérêts avec cette candidature ({reason}) : vous ne l'évaluez pas et ne voyez pas ses notes."
    ))
}

/// Declares a conflict of interest with an application.
pub async fn declare_conflict(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    let (a, m) = member_application(state, p, id).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2_000 {
        return Err(AppError::invalid_field(
            "reason",
            "Indiquez la raison du conflit d'intérêts (2 000 caractères au plus).",
        ));
    }
    let mut tx = state.db.begin().await?;
    store::committee::declare_conflict(&mut tx, &actor(p), state.now(), a.id, m.id, reason)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => AppError::conflict(
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
async fn default_round(state: &AppState, a: &Application) -> Result<i64, AppError> {
    let (filed, _) = calls::modules_of(state, a).await?;
    Ok(match filed.spec.audition_on {
        Some(d) if state.today() >= d => 2,
        _ => 1,
    })
}

/// Submits or revises `p`'s review; returns its score.
pub async fn put_review(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    scores: &BTreeMap<String, i64>,
    comment: &str,
    round: Option<i64>,
) -> Result<Score, AppError> {
    let (a, m) = member_application(state, p, id).await?;
    let declared = store::committee::conflicts(&state.db, a.call_id).await?;
    if let Some(reason) = conflict_of(&m, &a, &declared) {
        return Err(conflicted(&reason));
    }
    if a.status.is_final() {
        return Err(AppError::conflict(
            "decided",
            "La décision sur cette candidature est prise : les évaluations sont closes.",
        ));
    }
    let round = match round {
        None => default_round(state, &a).await?,
        Some(r @ (1 | 2)) => r,
        Some(_) => {
            return Err(AppError::invalid_field(
                "round",
                "Le tour est 1 (avant l'audition) ou 2 (après).",
            ));
        }
    };
    if comment.chars().count() > 10_000 {
        return Err(AppError::invalid_field(
            "comment",
            "Le commentaire est trop long (10 000 caractères au plus).",
        ));
    }
    let (module, _) = calls::modules_of(state, &a).await?;
    let checked = check_scores(&module.spec.criteria, scores).map_err(|e| {
        AppError::invalid(
            e.into_iter()
                .map(|(k, v)| (format!("scores.{k}"), v))
                .collect(),
        )
    })?;
    let score = review_score(&module.spec.criteria, &checked);
    let mut tx = state.db.begin().await?;
    store::committee::put_review(
        &mut tx,
        &actor(p),
        state.now(),
        a.id,
        m.id,
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

pub async fn reviews(state: &AppState, p: &Principal, id: Uuid) -> Result<ReviewsView, AppError> {
    let a = store::applications::find(&state.db, &NetworkScope::everything(), id)
        .await?
        .filter(|a| EXAMINED.contains(&a.status))
        .ok_or_else(AppError::not_found)?;
    let (_, seat) = seat(state, p, a.call_id).await?;
    let all = store::committee::reviews_of(&state.db, id).await?;
    match seat {
        Seat::Staff => {
            // Staff of the call: only the applications of their
            // départements (404 otherwise, like everywhere).
            calls::application(state, p, id).await?;
            Ok(ReviewsView {
                own: Vec::new(),
                others: Some(all),
            })
        }
        Seat::Member(m) => {
            let declared = store::committee::conflicts(&state.db, a.call_id).await?;
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
    pub department: String,
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
/// its latest round; then the mean.
fn aggregates(
    apps: &[Application],
    members: &[Member],
    reviews: &[Review],
    declared: &[store::committee::Conflict],
) -> BTreeMap<Uuid, Aggregate> {
    let mut out = BTreeMap::new();
    for a in apps {
        let mut latest: BTreeMap<Uuid, &Review> = BTreeMap::new();
        for r in reviews.iter().filter(|r| r.application_id == a.id) {
            let excluded = members
                .iter()
                .find(|m| m.id == r.member_id)
                .is_none_or(|m| conflict_of(m, a, declared).is_some());
            if excluded {
                continue;
            }
            let keep = latest.get(&r.member_id).is_none_or(|l| l.round < r.round);
            if keep {
                latest.insert(r.member_id, r);
            }
        }
        let scores: Vec<Score> = latest
            .values()
            .filter_map(|r| Score::from_hundredths(r.score))
            .collect();
        if let Some(agg) = Aggregate::of(&scores) {
            out.insert(a.id, agg);
        }
    }
    out
}

/// The results of a module per département, from the current data.
pub async fn results(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<(CallView, Vec<DepartmentResult>), AppError> {
    let (view, seat) = seat(state, p, call_id).await?;
    let module = view.module(code).ok_or_else(AppError::not_found)?.clone();
    let apps: Vec<Application> = filed(state, call_id)
        .await?
        .into_iter()
        .filter(|a| a.module_code == module.spec.code)
        .collect();
    let members = store::committee::members(&state.db, call_id).await?;
    let reviews = store::committee::reviews(&state.db, call_id, Some(&module.spec.code)).await?;
    let declared = store::committee::conflicts(&state.db, call_id).await?;
    let proposals = store::committee::proposals(&state.db, call_id, &module.spec.code).await?;
    let aggs = aggregates(&apps, &members, &reviews, &declared);
    let done: BTreeMap<Uuid, Completeness> = apps
        .iter()
        .map(|a| {
            let fair: Vec<&Member> = members
                .iter()
                .filter(|m| conflict_of(m, a, &declared).is_none())
                .collect();
            let reviewed = fair
                .iter()
                .filter(|m| {
                    reviews
                        .iter()
                        .any(|r| r.member_id == m.id && r.application_id == a.id)
                })
                .count();
            (
                a.id,
                Completeness {
                    reviews: u32::try_from(reviewed).unwrap_or(u32::MAX),
                    expected: u32::try_from(fair.len()).unwrap_or(u32::MAX),
                },
            )
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
        if matches!(seat, Seat::Staff)
            && !DepartmentCode::parse(&d.department).is_ok_and(|c| staff_scope.contains(&c))
        {
            continue;
        }
        let mut ranking: Vec<Ranked> = apps
            .iter()
            .filter(|a| a.departments.contains(&d.department))
            .map(|a| {
                let hidden_reason = match &seat {
                    Seat::Member(m) => {
                        let conflicted = conflict_of(m, a, &declared).is_some();
                        let reviewed = reviews
                            .iter()
                            .any(|r| r.member_id == m.id && r.application_id == a.id);
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
                    application: a.clone(),
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
                .any(|r| conflict_of(m, &r.application, &declared).is_some()),
            Seat::Staff => false,
        };
        ranking.sort_by(|x, y| {
            let key = |r: &Ranked| r.aggregate.map(|g| g.mean);
            key(y)
                .cmp(&key(x))
                .then(x.application.submitted_at.cmp(&y.application.submitted_at))
        });
        let proposal = proposals
            .iter()
            .rev()
            .find(|p| p.department == d.department)
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
    Ok((view, out))
}

/// The proposals of a module `p` may read: the committee reads them all;
/// staff only those of their départements (each CAF its own decisions and
/// motivations).
pub async fn proposals(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<Vec<Proposal>, AppError> {
    let (view, seat) = seat(state, p, call_id).await?;
    let module = view.module(code).ok_or_else(AppError::not_found)?;
    let scope = p.staff_scope();
    Ok(
        store::committee::proposals(&state.db, view.call.id, &module.spec.code)
            .await?
            .into_iter()
            .filter(|x| {
                matches!(seat, Seat::Member(_))
                    || DepartmentCode::parse(&x.department).is_ok_and(|d| scope.contains(&d))
            })
            .collect(),
    )
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
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
    d: &ProposalDraft,
) -> Result<Uuid, AppError> {
    let (view, seat) = seat(state, p, call_id).await?;
    let department = d.department.trim();
    if !view.call.covers(department) {
        return Err(AppError::invalid_field(
            "department",
            "Ce département n'est pas couvert par l'appel.",
        ));
    }
    if matches!(seat, Seat::Staff)
        && !DepartmentCode::parse(department).is_ok_and(|c| p.staff_writes(&c))
    {
        return Err(AppError::forbidden(
            "Seuls le comité et la Caf de ce département font une proposition pour ce département.",
        ));
    }
    let motivation = d.motivation.trim();
    if motivation.is_empty() || motivation.chars().count() > 10_000 {
        return Err(AppError::invalid_field(
            "motivation",
            "Motivez la proposition (10 000 caractères au plus) : elle figure dans les courriers.",
        ));
    }
    let module = view.module(code).ok_or_else(AppError::not_found)?;
    if module.spec.deadline.accepts(state.now()) {
        return Err(AppError::conflict(
            "deadline_not_passed",
            format!(
                "Le dépôt des candidatures à ce module est ouvert jusqu'au {} : le comité propose après la date limite.",
                module.spec.deadline.french()
            ),
        ));
    }
    let (_, results) = results(state, p, call_id, code).await?;
    let here = results
        .iter()
        .find(|r| r.department == department)
        .ok_or_else(AppError::not_found)?;
    // A member tied to one of the applications in lice here does not
    // propose for this module and département (neither its structure nor a
    // competitor).
    if here.member_conflicted {
        return Err(AppError::forbidden(
            "Vous avez un conflit d'intérêts avec une candidature de ce module dans ce département : vous ne faites pas de proposition.",
        ));
    }
    let (application_id, reason) = match (d.application_id, d.unsuccessful) {
        (Some(_), true) | (None, false) => {
            return Err(AppError::invalid_field(
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
                return Err(AppError::invalid_field(
                    "application_id",
                    "Cette candidature n'est pas en lice pour ce module dans ce département.",
                ));
            }
            if let Outcome::Unsuccessful(r) = here.outcome {
                return Err(AppError::invalid_field(
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
    let mut tx = state.db.begin().await?;
    let id = store::committee::propose(
        &mut tx,
        &actor(p),
        state.now(),
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
        store::StoreError::Conflict(_) => AppError::conflict(
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
    state: &AppState,
    p: &Principal,
    id: Uuid,
    approve: bool,
    comment: &str,
) -> Result<Proposal, AppError> {
    let proposal = store::committee::proposal(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    // Seen by the call's staff and committee; 404 for anyone else.
    let (_, seat) = seat(state, p, proposal.call_id).await?;
    let dep = DepartmentCode::parse(&proposal.department).map_err(|_| AppError::not_found())?;
    let cap = p.pilot(&dep).ok_or_else(|| {
        AppError::forbidden(format!(
            "Seule la Caf de ce département ({}) valide cette proposition.",
            proposal.department
        ))
    })?;
    if !independence::may_validate(proposal.proposed_by_id, p.user_id) {
        return Err(AppError::forbidden(
            "Vous avez fait cette proposition : un autre agent de la Caf la valide.",
        ));
    }
    if let Seat::Member(m) = &seat {
        let declared = store::committee::conflicts(&state.db, proposal.call_id).await?;
        let apps = filed(state, proposal.call_id).await?;
        let conflicted = apps
            .iter()
            .filter(|a| {
                a.module_code == proposal.module_code
                    && a.departments.contains(&proposal.department)
            })
            .any(|a| conflict_of(m, a, &declared).is_some());
        if conflicted {
            return Err(AppError::forbidden(
                "Vous avez un conflit d'intérêts avec une candidature de ce module dans ce département : vous ne validez pas sa proposition.",
            ));
        }
    }
    let mut tx = state.db.begin().await?;
    store::committee::decide(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        &proposal,
        approve,
        comment.trim(),
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict(_) => AppError::conflict(
            "decided",
            "Cette proposition a déjà été validée ou rejetée.",
        ),
        other => other.into(),
    })?;
    tx.commit().await?;
    store::committee::proposal(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)
}

// The pages of a committee member ("Mon comité", the scoring page) read
// what follows: the member's view of the applications, with the same
// checks as the API (seat, conflicts).

/// A filed application in a member's list: its conflict, if any, and the
/// rounds the member reviewed.
#[derive(Debug, Clone)]
pub struct BoardItem {
    pub application: Application,
    pub conflict: Option<String>,
    /// The rounds of the member's own reviews, in order (none for a
    /// conflicted member).
    pub rounds: Vec<i64>,
}

/// The filed applications of a call, for `p` seated on its committee (404
/// for anyone else, staff included: they have their own pages).
pub async fn member_board(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
) -> Result<(CallView, Member, Vec<BoardItem>), AppError> {
    let (view, seat) = seat(state, p, call_id).await?;
    let Seat::Member(m) = seat else {
        return Err(AppError::not_found());
    };
    let apps = filed(state, call_id).await?;
    let declared = store::committee::conflicts(&state.db, call_id).await?;
    let reviews = store::committee::reviews(&state.db, call_id, None).await?;
    let items = apps
        .into_iter()
        .map(|a| {
            let conflict = conflict_of(&m, &a, &declared);
            let mut rounds: Vec<i64> = if conflict.is_some() {
                Vec::new()
            } else {
                reviews
                    .iter()
                    .filter(|r| r.member_id == m.id && r.application_id == a.id)
                    .map(|r| r.round)
                    .collect()
            };
            rounds.sort_unstable();
            rounds.dedup();
            BoardItem {
                application: a,
                conflict,
                rounds,
            }
        })
        .collect();
    Ok((view, m, items))
}

/// An application as a member of its committee reads it to score it.
#[derive(Debug, Clone)]
pub struct MemberApplication {
    pub application: Application,
    pub member: Member,
    /// Why the member may not review it; then `documents` is empty.
    pub conflict: Option<String>,
    /// The module version the application is filed under: its grid is the
    /// one the review follows.
    pub module: store::calls::Module,
    pub documents: Vec<store::applications::Document>,
    /// The round a review without one goes to (see `put_review`).
    pub default_round: i64,
}

/// A filed application for `p`, a member of its call's committee (404 for
/// anyone else).
pub async fn member_view(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> Result<MemberApplication, AppError> {
    let (a, m) = member_application(state, p, id).await?;
    let declared = store::committee::conflicts(&state.db, a.call_id).await?;
    let conflict = conflict_of(&m, &a, &declared);
    let (module, _) = calls::modules_of(state, &a).await?;
    let documents = if conflict.is_some() {
        Vec::new()
    } else {
        store::applications::documents(&state.db, a.id).await?
    };
    let default_round = default_round(state, &a).await?;
    Ok(MemberApplication {
        application: a,
        member: m,
        conflict,
        module,
        documents,
        default_round,
    })
}

/// A document of an application, for a member of its committee without a
/// conflict of interest (404 outside the committee, 403 when conflicted).
pub async fn member_document(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    document_id: Uuid,
) -> Result<store::applications::Document, AppError> {
    let (a, m) = member_application(state, p, id).await?;
    let declared = store::committee::conflicts(&state.db, a.call_id).await?;
    if let Some(reason) = conflict_of(&m, &a, &declared) {
        return Err(conflicted(&reason));
    }
    store::applications::documents(&state.db, a.id)
        .await?
        .into_iter()
        .find(|d| d.id == document_id)
        .ok_or_else(AppError::not_found)
}
