//! The committee over the API (API.md "Calls for applications"): members
//! and their progress, conflicts, reviews, results per module and
//! département, proposals and their validation.

use std::collections::BTreeMap;

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use store::committee::{Proposal, Review};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::json::{Page, rfc3339};
use utoipa_axum::{router::OpenApiRouter, routes};

use services::committee::{self, ProposalDraft};

use crate::http::Id;
use crate::{AppError, AppState, auth::CurrentUser};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_member, members))
        .routes(routes!(declare_conflict))
        .routes(routes!(put_review))
        .routes(routes!(reviews))
        .routes(routes!(results))
        .routes(routes!(results_export))
        .routes(routes!(decisions_export))
        .routes(routes!(propose, proposals))
        .routes(routes!(validate))
}

fn optional_id(s: Option<&str>, field: &str) -> Result<Option<Uuid>, AppError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => Uuid::parse_str(v)
            .map(Some)
            .map_err(|_| AppError::invalid_field(field, "Identifiant invalide.")),
    }
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct MemberIn {
    user_id: String,
    /// "Caf 03", "Conseil départemental", "DSDEN", "MSA", "SDJES"…
    institution: String,
    /// The structure the member belongs to, if any (automatic conflict
    /// with its applications).
    structure_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    id: String,
    user_id: String,
    name: String,
    institution: String,
    structure_id: Option<String>,
    structure_name: Option<String>,
    reviewed: usize,
    to_review: usize,
    /// "3 sur 5 évaluées".
    progress: String,
}

#[utoipa::path(post, path = "/api/v1/calls/{id}/committee", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel")), request_body = MemberIn,
    responses((status = 201, description = "`{id}`"), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn add_member(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<MemberIn>,
) -> Result<(StatusCode, Json<serde_json::Value>), AppError> {
    let user_id = Uuid::parse_str(input.user_id.trim())
        .map_err(|_| AppError::invalid_field("user_id", "Identifiant de compte invalide."))?;
    let structure_id = optional_id(input.structure_id.as_deref(), "structure_id")?;
    let member =
        committee::add_member(&state, &p, id, user_id, &input.institution, structure_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"id": member.to_string()})),
    ))
}

#[utoipa::path(get, path = "/api/v1/calls/{id}/committee", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel")),
    responses((status = 200, body = Page<MemberOut>), (status = 404)))]
pub async fn members(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<Page<MemberOut>>, AppError> {
    let items: Vec<MemberOut> = committee::members(&state, &p, id)
        .await?
        .into_iter()
        .map(|g| MemberOut {
            id: g.member.id.to_string(),
            user_id: g.member.user_id.to_string(),
            name: g.member.name,
            institution: g.member.institution,
            structure_id: g.member.structure_id.map(|s| s.to_string()),
            structure_name: g.member.structure_name,
            progress: format!("{} sur {} évaluées", g.reviewed, g.to_review),
            reviewed: g.reviewed,
            to_review: g.to_review,
        })
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ConflictIn {
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/conflict", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de la candidature")), request_body = ConflictIn,
    responses((status = 201), (status = 404), (status = 409), (status = 422)))]
pub async fn declare_conflict(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<ConflictIn>,
) -> Result<StatusCode, AppError> {
    committee::declare_conflict(&state, &p, id, &input.reason).await?;
    Ok(StatusCode::CREATED)
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReviewIn {
    /// An integer from 0 to the criterion's maximum, for every criterion of
    /// the module.
    scores: BTreeMap<String, i64>,
    comment: String,
    /// 1 (before the audition) or 2 (after); by default 2 from the
    /// audition day.
    round: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ScoreOut {
    /// 0 to 100, two decimals.
    score: f64,
}

#[utoipa::path(put, path = "/api/v1/applications/{id}/review", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de la candidature")), request_body = ReviewIn,
    responses((status = 200, body = ScoreOut), (status = 403, description = "Conflit d'intérêts"), (status = 404), (status = 409), (status = 422)))]
pub async fn put_review(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<ReviewIn>,
) -> Result<Json<ScoreOut>, AppError> {
    let score =
        committee::put_review(&state, &p, id, &input.scores, &input.comment, input.round).await?;
    Ok(Json(ScoreOut {
        score: score.as_f64(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    member_id: String,
    member_name: String,
    institution: String,
    round: i64,
    scores: BTreeMap<String, u32>,
    comment: String,
    score: f64,
    submitted_at: String,
}

fn review_out(r: Review) -> ReviewOut {
    ReviewOut {
        member_id: r.member_id.to_string(),
        member_name: r.member_name,
        institution: r.institution,
        round: r.round,
        scores: r.scores,
        comment: r.comment,
        score: f64::from(r.score) / 100.0,
        submitted_at: rfc3339(r.submitted_at),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReviewsOut {
    own: Vec<ReviewOut>,
    /// `null` until the caller submitted its own review.
    others: Option<Vec<ReviewOut>>,
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/reviews", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de la candidature")),
    responses((status = 200, body = ReviewsOut), (status = 403), (status = 404)))]
pub async fn reviews(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<ReviewsOut>, AppError> {
    let v = committee::reviews(&state, &p, id).await?;
    Ok(Json(ReviewsOut {
        own: v.own.into_iter().map(review_out).collect(),
        others: v.others.map(|o| o.into_iter().map(review_out).collect()),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct RankedOut {
    application_id: String,
    structure_name: String,
    /// 0–100 with two decimals; `null` without a review, or hidden from a
    /// member (in conflict, or before its own review).
    score: Option<f64>,
    /// Reviews counted (members not in conflict, latest round each).
    reviews: u32,
    min: Option<f64>,
    max: Option<f64>,
    /// 25 points or more between the lowest and the highest review.
    disagreement: bool,
    /// The scores are hidden from the caller: a committee member sees them
    /// once it filed its own review, never when in conflict.
    scores_hidden: bool,
    /// Reviews expected: the seated members not in conflict.
    reviews_expected: u32,
    /// Every member not in conflict has reviewed this application.
    review_complete: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalOut {
    id: String,
    department: String,
    application_id: Option<String>,
    structure_name: Option<String>,
    unsuccessful: bool,
    reason: Option<String>,
    motivation: String,
    status: String,
    proposed_by: String,
    proposed_at: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
    comment: String,
}

fn proposal_out(p: Proposal) -> ProposalOut {
    ProposalOut {
        id: p.id.to_string(),
        department: p.department.to_string(),
        application_id: p.application_id.map(|a| a.to_string()),
        structure_name: p.structure_name,
        unsuccessful: p.unsuccessful,
        reason: p.reason.map(|r| r.as_str().to_owned()),
        motivation: p.motivation,
        status: p.status.as_str().to_owned(),
        proposed_by: p.proposed_by,
        proposed_at: rfc3339(p.proposed_at),
        decided_by: p.decided_by,
        decided_at: p.decided_at.map(rfc3339),
        comment: p.decision_comment,
    }
}

#[derive(Serialize, ToSchema)]
pub struct OutcomeOut {
    department: String,
    /// `pending`, `unsuccessful` or `awardable`.
    status: String,
    /// `too_few_applications` or `insufficient_quality`.
    reason: Option<String>,
    /// The rule, in words.
    rule: String,
    ranking: Vec<RankedOut>,
    /// The latest proposal for this département, if any.
    proposal: Option<ProposalOut>,
    /// The committee's review is complete: every application reviewed by
    /// every member not in conflict ("awardable" waits for it).
    review_complete: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ResultsOut {
    outcomes: Vec<OutcomeOut>,
}

/// The results of a module as a spreadsheet: one row per application and
/// département, in the ranking's order.
#[utoipa::path(get, operation_id = "export_results", path = "/api/v1/calls/{id}/modules/{code}/results/export", tag = "committee",
    params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module"), crate::http::sheet::FormatQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet"))), (status = 404)))]
pub async fn results_export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    axum::extract::Query(f): axum::extract::Query<crate::http::sheet::FormatQuery>,
) -> Result<axum::response::Response, AppError> {
    let format = crate::http::sheet::format_of(&f)?;
    let sheet = committee::results_sheet(&state, &p, id, &code).await?;
    crate::http::sheet::send(
        sheet,
        format,
        &format!("resultats-{code}-{}", state.today()),
    )
    .await
}

/// The proposals and decisions of a call as a spreadsheet: one row per
/// module and département (the caller's départements; every one for the
/// committee), with the latest proposal and the CAF's validation.
#[utoipa::path(get, operation_id = "export_decisions", path = "/api/v1/calls/{id}/decisions/export", tag = "committee",
    params(("id" = Uuid, Path, description = "Identifiant de l'appel"), crate::http::sheet::FormatQuery),
    responses((status = 200, description = "Le tableur, en pièce jointe", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet"))), (status = 403, description = "Agent d'une structure candidate : conflit d'intérêts"), (status = 404), (status = 422, description = "Format inconnu")))]
pub async fn decisions_export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    axum::extract::Query(f): axum::extract::Query<crate::http::sheet::FormatQuery>,
) -> Result<axum::response::Response, AppError> {
    let format = crate::http::sheet::format_of(&f)?;
    let sheet = committee::decisions_sheet(&state, &p, id).await?;
    crate::http::sheet::send(sheet, format, &format!("decisions-{}", state.today())).await
}

#[utoipa::path(get, path = "/api/v1/calls/{id}/modules/{code}/results", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")),
    responses((status = 200, body = ResultsOut), (status = 403, description = "Structure candidate à l'appel : conflit d'intérêts"), (status = 404)))]
pub async fn results(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Json<ResultsOut>, AppError> {
    let (_, _, list) = committee::results(&state, &p, id, &code).await?;
    let score = |s: domain::scoring::Score| s.as_f64();
    Ok(Json(ResultsOut {
        outcomes: list
            .into_iter()
            .map(|d| OutcomeOut {
                status: d.outcome.status().to_owned(),
                reason: d.outcome.reason().map(|r| r.as_str().to_owned()),
                rule: d.rule,
                ranking: d
                    .ranking
                    .into_iter()
                    .map(|r| RankedOut {
                        application_id: r.application.id.to_string(),
                        structure_name: r.application.structure_name,
                        score: r.aggregate.map(|g| score(g.mean)),
                        reviews: r.done.reviews,
                        scores_hidden: r.hidden,
                        reviews_expected: r.done.expected,
                        review_complete: r.done.complete(),
                        min: r.aggregate.map(|g| score(g.min)),
                        max: r.aggregate.map(|g| score(g.max)),
                        disagreement: r
                            .aggregate
                            .is_some_and(domain::scoring::Aggregate::disagreement),
                    })
                    .collect(),
                proposal: d.proposal.map(proposal_out),
                review_complete: d.complete,
                department: d.department.to_string(),
            })
            .collect(),
    }))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ProposalIn {
    department: String,
    application_id: Option<String>,
    unsuccessful: bool,
    motivation: String,
}

#[utoipa::path(post, path = "/api/v1/calls/{id}/modules/{code}/proposals", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")), request_body = ProposalIn,
    responses((status = 201, body = ProposalOut), (status = 403, description = "Conflit d'intérêts"), (status = 404), (status = 409, description = "`proposal_pending`, or `deadline_not_passed` before the module's deadline"), (status = 422)))]
pub async fn propose(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Json(input): Json<ProposalIn>,
) -> Result<(StatusCode, Json<ProposalOut>), AppError> {
    let draft = ProposalDraft {
        department: input.department,
        application_id: optional_id(input.application_id.as_deref(), "application_id")?,
        unsuccessful: input.unsuccessful,
        motivation: input.motivation,
    };
    let pid = committee::propose(&state, &p, id, &code, &draft).await?;
    let made = committee::proposal(&state, &p, pid).await?;
    Ok((StatusCode::CREATED, Json(proposal_out(made))))
}

#[utoipa::path(get, path = "/api/v1/calls/{id}/modules/{code}/proposals", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")),
    responses((status = 200, body = Page<ProposalOut>, description = "Staff read the proposals of their départements only"), (status = 403), (status = 404)))]
pub async fn proposals(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Json<Page<ProposalOut>>, AppError> {
    let items: Vec<ProposalOut> = committee::proposals(&state, &p, id, &code)
        .await?
        .into_iter()
        .map(proposal_out)
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ValidationIn {
    approve: bool,
    comment: String,
}

#[utoipa::path(post, path = "/api/v1/proposals/{id}/validation", tag = "committee", params(("id" = Uuid, Path, description = "Identifiant de la proposition")), request_body = ValidationIn,
    responses((status = 200, body = ProposalOut), (status = 403, description = "Caf d'un autre département, auteur de la proposition, ou conflit d'intérêts"), (status = 404), (status = 409)))]
pub async fn validate(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<ValidationIn>,
) -> Result<Json<ProposalOut>, AppError> {
    let done = committee::validate(&state, &p, id, input.approve, &input.comment).await?;
    Ok(Json(proposal_out(done)))
}
