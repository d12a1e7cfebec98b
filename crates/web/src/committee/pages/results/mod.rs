//! The results of a module per département, for the call's staff and its
//! committee: the outcome in words (computed from the current data), the
//! ranking, the committee's proposal and its validation by the CAF of that
//! département. Every read and write goes through `services::committee`.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use domain::{
    DepartmentCode, Principal,
    clock::french_instant,
    decision::{Outcome, ProposalStatus, Reason},
    scoring::{Aggregate, DISAGREEMENT},
};
use serde::Deserialize;
use store::committee::Proposal;
use uuid::Uuid;

use super::out_of_100;
use crate::http::form::Fields;
use services::committee::{self, DepartmentResult, ProposalDraft, Seat};

use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    view::{Layout, render},
};

mod decisions;
mod export;

use decisions::{propose, relaunch, validate};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/appels/{id}/modules/{code}/resultats", get(show))
        .route(
            "/gestion/appels/{id}/modules/{code}/resultats/export",
            get(export::export),
        )
        .route(
            "/gestion/appels/{id}/decisions/export",
            get(export::decisions),
        )
        .route(
            "/gestion/appels/{id}/modules/{code}/propositions",
            post(propose),
        )
        .route("/gestion/propositions/{id}/validation", post(validate))
        .route(
            "/gestion/appels/{id}/modules/{code}/relance",
            post(relaunch),
        )
}

#[derive(Deserialize, Default)]
struct MessageQuery {
    message: Option<String>,
}

fn with_message(layout: Layout, code: Option<&str>) -> Layout {
    let text = match code {
        Some("proposition-enregistree") => {
            "La proposition est enregistrée : elle attend la validation de la Caf du département."
        }
        Some("proposition-validee") => "La proposition est validée.",
        Some("proposition-rejetee") => {
            "La proposition est rejetée : le comité peut en faire une nouvelle."
        }
        _ => return layout.with_message(code),
    };
    layout.with_flash("success", text)
}

/// The outcome of a (module, département), in words.
fn outcome_label(o: Outcome) -> (&'static str, &'static str) {
    match o {
        Outcome::Awardable => ("Attribuable", "badge badge-success"),
        Outcome::Unsuccessful(Reason::TooFewApplications) => (
            "Infructueux : trop peu de candidatures",
            "badge badge-error",
        ),
        Outcome::Unsuccessful(Reason::InsufficientQuality) => (
            "Infructueux : aucune candidature n'atteint le seuil de qualité",
            "badge badge-error",
        ),
        Outcome::Pending => ("En attente des évaluations", "badge badge-warning"),
    }
}

fn reason_label(r: Reason) -> &'static str {
    match r {
        Reason::TooFewApplications => "trop peu de candidatures",
        Reason::InsufficientQuality => "aucune candidature n'atteint le seuil de qualité",
    }
}

struct RankRow {
    /// "1", or "—" without a score.
    rank: String,
    id: Uuid,
    structure: String,
    departments: String,
    hidden: bool,
    /// Why the scores are hidden from the member who reads.
    hidden_reason: &'static str,
    aggregate: Option<AggregateView>,
    /// "1 sur 3": reviews filed by the members not in conflict, and
    /// expected.
    progress: String,
    complete: bool,
}

struct AggregateView {
    mean: String,
    min: String,
    max: String,
    disagreement: bool,
}

impl AggregateView {
    fn new(g: Aggregate) -> Self {
        Self {
            mean: out_of_100(g.mean.hundredths()),
            min: out_of_100(g.min.hundredths()),
            max: out_of_100(g.max.hundredths()),
            disagreement: g.disagreement(),
        }
    }
}

struct ProposalView {
    id: Uuid,
    /// "Candidature retenue : Centre A", "Module infructueux (…)".
    what: String,
    motivation: String,
    status: &'static str,
    status_label: &'static str,
    status_class: &'static str,
    proposed: String,
    decided: Option<String>,
    comment: String,
}

impl ProposalView {
    fn new(p: &Proposal) -> Self {
        let what = match (&p.structure_name, p.reason) {
            (Some(s), _) => format!("Candidature retenue : {s}"),
            (None, Some(r)) => format!(
                "Module infructueux dans ce département ({})",
                reason_label(r)
            ),
            (None, None) => "Module infructueux dans ce département".to_owned(),
        };
        Self {
            id: p.id,
            what,
            motivation: p.motivation.clone(),
            status: p.status.as_str(),
            status_label: p.status.label(),
            status_class: match p.status {
                ProposalStatus::Proposed => "badge badge-warning",
                ProposalStatus::Validated => "badge badge-success",
                ProposalStatus::Rejected => "badge badge-error",
            },
            proposed: format!("{}, le {}", p.proposed_by, french_instant(p.proposed_at)),
            decided: p.decided_at.map(|at| {
                format!(
                    "{}, le {}",
                    p.decided_by.clone().unwrap_or_default(),
                    french_instant(at)
                )
            }),
            comment: p.decision_comment.clone(),
        }
    }
}

struct Choice {
    value: String,
    label: String,
}

/// The form that was sent and refused, shown again with its errors.
enum Refused {
    Proposal(ProposalForm),
    Relaunch(RelaunchForm),
}

/// The relaunch form of a département, as typed after a refusal.
#[derive(Default, Clone)]
struct RelaunchForm {
    department: String,
    deadline: String,
    error: Option<String>,
    alert: Option<String>,
}

/// What the relaunch form of a département shows.
struct RelaunchView {
    deadline: String,
    error: Option<String>,
    alert: Option<String>,
}

/// The proposal form of a département, as typed after a refusal.
#[derive(Default, Clone)]
struct ProposalForm {
    department: String,
    choice: String,
    motivation: String,
    errors: BTreeMap<String, String>,
    alert: Option<String>,
}

struct DepView {
    code: String,
    name: String,
    status_label: &'static str,
    status_class: &'static str,
    rule: String,
    rows: Vec<RankRow>,
    proposal: Option<ProposalView>,
    /// No proposal waits for the CAF or stands validated.
    can_propose: bool,
    /// `p` is a CAF agent of this département, a proposal waits, and `p`
    /// did not make it.
    can_validate: bool,
    /// Said to a member in conflict with an application here.
    conflict_note: Option<&'static str>,
    /// Said when `p` made the pending proposal: another agent validates it.
    own_pending: Option<&'static str>,
    /// Whether every application is reviewed by every member not in
    /// conflict, in words.
    review_state: &'static str,
    /// Only "unsuccessful" may be proposed.
    unsuccessful: bool,
    choices: Vec<Choice>,
    choice: String,
    motivation: String,
    choice_error: Option<String>,
    motivation_error: Option<String>,
    /// Refusals without a field (409, département).
    alert: Option<String>,
    /// The module is declared unsuccessful here, validated, and `p` is a
    /// CAF agent of this département: it may relaunch it.
    relaunch: Option<RelaunchView>,
}

#[derive(Template)]
#[template(path = "committee/results.html")]
struct ResultsPage {
    layout: Layout,
    call_id: Uuid,
    call_title: String,
    code: String,
    module_title: String,
    is_member: bool,
    /// The module's deadline has passed: proposals are open.
    proposals_open: bool,
    deadline: String,
    disagreement_points: u32,
    departments: Vec<DepView>,
    /// The refusal of the form that was sent: (link, message).
    summary: Vec<(String, String)>,
    /// The heading of that refusal.
    summary_title: &'static str,
}

fn dep_view(
    p: &Principal,
    open: bool,
    d: DepartmentResult,
    name: String,
    form: Option<&ProposalForm>,
    typed: Option<&RelaunchForm>,
) -> DepView {
    let (status_label, status_class) = outcome_label(d.outcome);
    let mut n = 0;
    let rows: Vec<RankRow> = d
        .ranking
        .iter()
        .map(|r| {
            let rank = if r.aggregate.is_some() {
                n += 1;
                n.to_string()
            } else {
                "—".to_owned()
            };
            RankRow {
                rank,
                id: r.application.id,
                structure: r.application.structure_name.clone(),
                departments: DepartmentCode::join(&r.application.departments, ", "),
                hidden: r.hidden,
                hidden_reason: r.hidden_reason.unwrap_or_default(),
                aggregate: r.aggregate.map(AggregateView::new),
                progress: format!("{} sur {}", r.done.reviews, r.done.expected),
                complete: r.done.complete(),
            }
        })
        .collect();
    let unsuccessful = matches!(d.outcome, Outcome::Unsuccessful(_));
    let mut choices: Vec<Choice> = if unsuccessful {
        Vec::new()
    } else {
        rows.iter()
            .map(|r| Choice {
                value: r.id.to_string(),
                label: match &r.aggregate {
                    Some(g) if !r.hidden => format!("{} (moyenne {})", r.structure, g.mean),
                    _ => r.structure.clone(),
                },
            })
            .collect()
    };
    choices.push(Choice {
        value: "infructueux".to_owned(),
        label: "Déclarer le module infructueux dans ce département".to_owned(),
    });
    let pending = d
        .proposal
        .as_ref()
        .is_some_and(|p| p.status == ProposalStatus::Proposed);
    let standing = d
        .proposal
        .as_ref()
        .is_some_and(|p| p.status != ProposalStatus::Rejected);
    let pilot = p.pilot(&d.department).is_some();
    let own_proposal = d
        .proposal
        .as_ref()
        .is_some_and(|x| x.proposed_by_id == p.user_id);
    let can_validate = pending && pilot && !own_proposal;
    let form = form.filter(|f| d.department == f.department);
    let relaunch = d
        .proposal
        .as_ref()
        .is_some_and(|x| x.unsuccessful && x.status == ProposalStatus::Validated && pilot)
        .then(|| {
            let typed = typed.filter(|r| d.department == r.department);
            RelaunchView {
                deadline: typed.map(|r| r.deadline.clone()).unwrap_or_default(),
                error: typed.and_then(|r| r.error.clone()),
                alert: typed.and_then(|r| r.alert.clone()),
            }
        });
    DepView {
        relaunch,
        status_label,
        status_class,
        rule: d.rule,
        proposal: d.proposal.as_ref().map(ProposalView::new),
        can_propose: open && !d.member_conflicted && (!standing || form.is_some()),
        conflict_note: d.member_conflicted.then_some(
            "Vous avez un conflit d'intérêts avec une candidature de ce module dans ce département : vous ne faites pas de proposition.",
        ),
        can_validate,
        own_pending: (pending && pilot && own_proposal).then_some(
            "Vous avez fait cette proposition : un autre agent de la Caf du département la valide ou la rejette.",
        ),
        review_state: if d.complete {
            "Évaluation du comité complète : chaque membre sans conflit d'intérêts a évalué chaque candidature."
        } else {
            "Évaluation du comité incomplète : des membres sans conflit d'intérêts n'ont pas encore évalué toutes les candidatures. Le module n'est « attribuable » qu'une fois toutes les évaluations rendues."
        },
        unsuccessful,
        choices,
        choice: form.map_or_else(
            || {
                if unsuccessful {
                    "infructueux".to_owned()
                } else {
                    String::new()
                }
            },
            |f| f.choice.clone(),
        ),
        motivation: form.map(|f| f.motivation.clone()).unwrap_or_default(),
        choice_error: form.and_then(|f| f.errors.get("application_id").cloned()),
        motivation_error: form.and_then(|f| f.errors.get("motivation").cloned()),
        alert: form.and_then(|f| {
            f.alert
                .clone()
                .or_else(|| f.errors.get("department").cloned())
        }),
        rows,
        code: d.department.to_string(),
        name,
    }
}

async fn results_page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    call_id: Uuid,
    code: &str,
    refused: Option<Refused>,
    message: Option<&str>,
) -> Result<ResultsPage, AppError> {
    let summary_title = match refused {
        Some(Refused::Relaunch(_)) => "Le module n'est pas relancé",
        _ => "La proposition n'est pas enregistrée",
    };
    let (form, typed) = match refused {
        Some(Refused::Proposal(f)) => (Some(f), None),
        Some(Refused::Relaunch(r)) => (None, Some(r)),
        None => (None, None),
    };
    let (view, seat, list) = committee::results(state, p, call_id, code).await?;
    let module = view.module(code).ok_or_else(AppError::not_found)?;
    // The committee proposes once the deadline has passed.
    let open = !module.spec.deadline.accepts(state.now());
    let departments = list
        .into_iter()
        .map(|d| {
            let name = view
                .call
                .departments
                .iter()
                .find(|c| c.department == d.department)
                .map_or_else(
                    || d.department.to_string(),
                    |c| format!("{} ({})", c.name, c.department),
                );
            dep_view(p, open, d, name, form.as_ref(), typed.as_ref())
        })
        .collect();
    let mut summary = form
        .as_ref()
        .map(|f| {
            let dep = &f.department;
            let mut links: Vec<(String, String)> = Vec::new();
            if let Some(a) = &f.alert {
                links.push((format!("#proposition-{dep}"), a.clone()));
            }
            for (k, v) in &f.errors {
                let href = match k.as_str() {
                    "application_id" => format!("#choice-{dep}"),
                    "motivation" => format!("#motivation-{dep}"),
                    _ => format!("#proposition-{dep}"),
                };
                links.push((href, v.clone()));
            }
            links
        })
        .unwrap_or_default();
    if let Some(r) = &typed {
        let dep = &r.department;
        if let Some(a) = &r.alert {
            summary.push((format!("#relance-{dep}"), a.clone()));
        }
        if let Some(e) = &r.error {
            summary.push((format!("#relance-{dep}-deadline"), e.clone()));
        }
    }
    let title = format!(
        "{}Résultats du module {} — {}",
        if summary.is_empty() { "" } else { "Erreur : " },
        module.spec.code,
        view.call.title
    );
    Ok(ResultsPage {
        layout: with_message(Layout::new(auth, title), message),
        call_id,
        call_title: view.call.title.clone(),
        code: module.spec.code.clone(),
        module_title: module.spec.title.clone(),
        is_member: matches!(seat, Seat::Member(_)),
        proposals_open: open,
        deadline: module.spec.deadline.french(),
        disagreement_points: DISAGREEMENT / 100,
        departments,
        summary,
        summary_title,
    })
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let page = results_page(&state, &p, &auth, id, &code, None, q.message.as_deref()).await?;
    render(&page)
}
