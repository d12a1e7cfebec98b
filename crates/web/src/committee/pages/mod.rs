//! The committee member's pages: "Mon comité" (the calls one sits on, the
//! applications to score and one's progress) and the scoring page of an
//! application (its file, the grid, the others' reviews once one's own is
//! in, the declaration of a conflict of interest). Every read and write
//! goes through `services::committee`.

mod results;

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use domain::{Principal, clock::french_instant, scoring::Score};
use serde::Deserialize;
use store::committee::Review;
use uuid::Uuid;

use crate::calls::pages::french_size;
use crate::http::form::{ErrorLink, Errs, Fields, error_links};
use services::committee::{self, BoardItem, MemberApplication};

use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    calls::{self, exports},
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(results::router())
        .route("/comite", get(mine))
        .route("/comite/candidatures/{id}", get(show).post(review))
        .route("/comite/candidatures/{id}/conflit", post(conflict))
        .route("/comite/candidatures/{id}/pieces/{doc}", get(download))
}

/// "66,25 / 100" from hundredths.
pub fn out_of_100(hundredths: u32) -> String {
    Score::from_hundredths(hundredths).map_or_else(String::new, |s| format!("{s} / 100"))
}

/// "Tour 1 (avant l'audition)".
fn round_label(round: i64) -> &'static str {
    if round >= 2 {
        "Tour 2 (après l'audition)"
    } else {
        "Tour 1 (avant l'audition)"
    }
}

#[derive(Deserialize, Default)]
struct MessageQuery {
    message: Option<String>,
}

fn with_message(layout: Layout, code: Option<&str>) -> Layout {
    let text = match code {
        Some("evaluation-enregistree") => "Votre évaluation est enregistrée.",
        Some("conflit-declare") => {
            "Le conflit d'intérêts est déclaré : vous n'évaluez pas cette candidature et ne voyez pas ses notes."
        }
        _ => return layout.with_message(code),
    };
    layout.with_flash("success", text)
}

// "Mon comité".

/// Where the member's own review of an application stands.
fn my_status(item: &BoardItem) -> (&'static str, &'static str) {
    if item.conflict.is_some() {
        return ("conflit d'intérêts", "badge badge-error");
    }
    match (item.rounds.contains(&1), item.rounds.contains(&2)) {
        (true, true) => ("révisée (tour 2)", "badge badge-success"),
        (false, true) => ("évaluée (tour 2)", "badge badge-success"),
        (true, false) => ("évaluée (tour 1)", "badge badge-success"),
        (false, false) => ("à évaluer", "badge badge-warning"),
    }
}

struct BoardRow {
    id: Uuid,
    structure: String,
    departments: String,
    status: &'static str,
    status_class: &'static str,
}

struct ModuleBoard {
    code: String,
    title: String,
    rows: Vec<BoardRow>,
}

struct CallBoard {
    id: Uuid,
    title: String,
    institution: String,
    /// "3 sur 5 évaluées".
    progress: String,
    modules: Vec<ModuleBoard>,
}

#[derive(Template)]
#[template(path = "committee/mine.html")]
struct Mine {
    layout: Layout,
    calls: Vec<CallBoard>,
}

async fn board(state: &AppState, p: &Principal, call_id: Uuid) -> Result<CallBoard, AppError> {
    let (view, member, items) = committee::member_board(state, p, call_id).await?;
    // The member's own progress: the applications it is not in conflict
    // with, and those it reviewed.
    let mine = items.iter().filter(|i| i.conflict.is_none());
    let progress = format!(
        "{} sur {} évaluées",
        mine.clone().filter(|i| !i.rounds.is_empty()).count(),
        mine.count()
    );
    let modules = view
        .modules
        .iter()
        .map(|m| ModuleBoard {
            code: m.spec.code.clone(),
            title: m.spec.title.clone(),
            rows: items
                .iter()
                .filter(|i| i.application.module_code == m.spec.code)
                .map(|i| {
                    let (status, status_class) = my_status(i);
                    BoardRow {
                        id: i.application.id,
                        structure: i.application.structure_name.clone(),
                        departments: calls::departments_label(
                            &view.call,
                            &i.application.departments,
                        ),
                        status,
                        status_class,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(CallBoard {
        id: view.call.id,
        title: view.call.title.clone(),
        institution: member.institution,
        progress,
        modules,
    })
}

async fn mine(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Html<String>, AppError> {
    let mut boards = Vec::new();
    for id in p.seated_calls() {
        match board(&state, &p, id).await {
            Ok(b) => boards.push(b),
            // A seat on a call one no longer sees (withdrawn): left out.
            Err(e) if e.status == StatusCode::NOT_FOUND => {}
            Err(e) => return Err(e),
        }
    }
    render(&Mine {
        layout: Layout::new(&auth, "Mon comité"),
        calls: boards,
    })
}

// The scoring page.

/// One criterion of the grid, as an input.
struct CriterionField {
    /// `scores.<key>`: the field's name and id, and its error's key.
    name: String,
    /// "Qualité du projet (sur 20, coefficient 3)".
    label: String,
    max: u32,
    value: String,
    error: Option<String>,
}

struct ReviewView {
    member: String,
    institution: String,
    round: &'static str,
    score: String,
    /// "Qualité du projet : 15 / 20".
    details: Vec<String>,
    comment: String,
    at: String,
}

struct DocLink {
    id: Uuid,
    file_name: String,
    about: String,
}

struct Answer {
    label: String,
    value: String,
}

/// What a refused form leaves on the page.
#[derive(Default)]
struct Feedback {
    /// The scores as typed, by criterion key.
    scores: Option<BTreeMap<String, String>>,
    comment: Option<String>,
    round: Option<String>,
    errors: Errs,
    alert: Option<String>,
    reason: String,
    reason_error: Option<String>,
    message: Option<String>,
}

#[derive(Template)]
#[template(path = "committee/review.html")]
struct ReviewPage {
    layout: Layout,
    id: Uuid,
    call_id: Uuid,
    call_title: String,
    module_code: String,
    module_title: String,
    structure: String,
    departments: String,
    status_label: &'static str,
    submitted_at: String,
    conflict: Option<String>,
    summary_text: String,
    answers: Vec<Answer>,
    documents: Vec<DocLink>,
    own: Vec<ReviewView>,
    others: Option<Vec<ReviewView>>,
    /// The decision is taken: reviews are closed.
    closed: bool,
    fields: Vec<CriterionField>,
    comment: String,
    round: String,
    errors: Errs,
    summary: Vec<ErrorLink>,
    alert: Option<String>,
    reason: String,
    reason_error: Option<String>,
}

fn review_view(r: &Review, v: &MemberApplication) -> ReviewView {
    ReviewView {
        member: r.member_name.clone(),
        institution: r.institution.clone(),
        round: round_label(r.round),
        score: out_of_100(r.score),
        details: v
            .module
            .spec
            .criteria
            .iter()
            .filter_map(|c| {
                r.scores
                    .get(&c.key)
                    .map(|s| format!("{} : {s} / {}", c.label, c.max_score))
            })
            .collect(),
        comment: r.comment.clone(),
        at: french_instant(r.submitted_at),
    }
}

async fn review_page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    fb: Feedback,
) -> Result<ReviewPage, AppError> {
    let v = committee::member_view(state, p, id).await?;
    let a = &v.application;
    let call = calls::call(state, Some(p), a.call_id).await?;
    // A conflicted member sees no score at all: not even its own page asks.
    let (own, others) = if v.conflict.is_some() {
        (Vec::new(), None)
    } else {
        let r = committee::reviews(state, p, id).await?;
        (r.own, r.others)
    };
    // The form starts from the member's review of the default round, or
    // its latest one.
    let start = own
        .iter()
        .find(|r| r.round == v.default_round)
        .or_else(|| own.iter().max_by_key(|r| r.round));
    let typed = fb.scores.unwrap_or_default();
    let fields = v
        .module
        .spec
        .criteria
        .iter()
        .map(|c| {
            let name = format!("scores.{}", c.key);
            CriterionField {
                label: format!(
                    "{} (sur {}, coefficient {})",
                    c.label, c.max_score, c.weight
                ),
                max: c.max_score,
                value: typed.get(&c.key).cloned().unwrap_or_else(|| {
                    start
                        .and_then(|r| r.scores.get(&c.key))
                        .map(u32::to_string)
                        .unwrap_or_default()
                }),
                error: fb.errors.on(&name).map(str::to_owned),
                name,
            }
        })
        .collect();
    // Errors of criteria the grid does not have go to the grid itself.
    let mut ids: Vec<(String, String)> = vec![("round".to_owned(), "round-1".to_owned())];
    for k in fb.errors.0.keys() {
        let known = v
            .module
            .spec
            .criteria
            .iter()
            .any(|c| k == &format!("scores.{}", c.key));
        if k.starts_with("scores.") && !known {
            ids.push((k.clone(), "grille".to_owned()));
        }
    }
    let id_refs: Vec<(&str, &str)> = ids.iter().map(|(k, i)| (k.as_str(), i.as_str())).collect();
    let summary = error_links(&fb.errors, &["scores", "comment", "round"], &id_refs);
    let answers = v
        .module
        .spec
        .questions
        .iter()
        .map(|q| Answer {
            label: q.label.clone(),
            value: a.answers.get(&q.key).cloned().unwrap_or_default(),
        })
        .collect();
    let documents = v
        .documents
        .iter()
        .map(|d| DocLink {
            id: d.id,
            file_name: d.file_name.clone(),
            about: format!(
                "{}, {}",
                documents::filetype::FileType::parse(&d.file_type)
                    .map_or("fichier", documents::filetype::FileType::label),
                french_size(d.size)
            ),
        })
        .collect();
    let failed = fb.errors.any() || fb.alert.is_some() || fb.reason_error.is_some();
    let title = format!(
        "{}Évaluer la candidature {} — {}",
        if failed { "Erreur : " } else { "" },
        a.module_code,
        a.structure_name
    );
    Ok(ReviewPage {
        layout: with_message(Layout::new(auth, title), fb.message.as_deref()),
        id: a.id,
        call_id: a.call_id,
        call_title: call.call.title.clone(),
        module_code: a.module_code.clone(),
        module_title: v.module.spec.title.clone(),
        structure: a.structure_name.clone(),
        departments: calls::departments_label(&call.call, &a.departments),
        status_label: a.status.label(),
        submitted_at: a
            .submitted_at
            .map(calls::french_instant_weekday)
            .unwrap_or_default(),
        conflict: v.conflict.clone(),
        summary_text: a.summary.clone(),
        answers,
        documents,
        own: own.iter().map(|r| review_view(r, &v)).collect(),
        others: others.map(|o| o.iter().map(|r| review_view(r, &v)).collect()),
        closed: a.status.is_final(),
        fields,
        comment: fb
            .comment
            .unwrap_or_else(|| start.map(|r| r.comment.clone()).unwrap_or_default()),
        round: fb.round.unwrap_or_else(|| v.default_round.to_string()),
        errors: fb.errors,
        summary,
        alert: fb.alert,
        reason: fb.reason,
        reason_error: fb.reason_error,
    })
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let fb = Feedback {
        message: q.message,
        ..Feedback::default()
    };
    render(&review_page(&state, &p, &auth, id, fb).await?)
}

/// The scores typed in the form, by criterion key. A value that is not a
/// whole number is passed on as -1, so that the service refuses it with
/// its message ("La note est un entier de 0 à 20.").
fn typed_scores(f: &Fields) -> (BTreeMap<String, String>, BTreeMap<String, i64>) {
    let mut typed = BTreeMap::new();
    let mut scores = BTreeMap::new();
    for (k, v) in &f.0 {
        let Some(key) = k.strip_prefix("scores.") else {
            continue;
        };
        let v = v.trim();
        typed.insert(key.to_owned(), v.to_owned());
        if !v.is_empty() {
            scores.insert(key.to_owned(), v.parse::<i64>().unwrap_or(-1));
        }
    }
    (typed, scores)
}

async fn review(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let (typed, scores) = typed_scores(&f);
    let round = match f.get("round").trim() {
        "" => None,
        r => Some(r.parse::<i64>().unwrap_or(0)),
    };
    match committee::put_review(&state, &p, id, &scores, f.get("comment"), round)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/comite/candidatures/{id}?message=evaluation-enregistree#mon-evaluation"
        ))
        .into_response()),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            let status = e.status;
            let mut fb = Feedback {
                scores: Some(typed),
                comment: Some(f.get("comment").to_owned()),
                round: Some(f.get("round").to_owned()),
                ..Feedback::default()
            };
            if status == StatusCode::CONFLICT {
                fb.alert = Some(e.message);
            } else {
                fb.errors = Errs(e.fields);
            }
            let page = review_page(&state, &p, &auth, id, fb).await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn conflict(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let reason = f.get("reason");
    // The declaration is final: the page asks for an explicit confirmation
    // (a box to tick), unlike the evaluation's save button beside it.
    let declared = if f.get("confirm") == "oui" {
        committee::declare_conflict(&state, &p, id, reason)
            .await
            .map_err(AppError::from)
    } else {
        Err(AppError::invalid_field(
            "reason",
            "Cochez la case de confirmation : la déclaration d'un conflit d'intérêts est définitive.",
        ))
    };
    match declared {
        Ok(()) => Ok(Redirect::to(&format!(
            "/comite/candidatures/{id}?message=conflit-declare"
        ))
        .into_response()),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            let status = e.status;
            let fb = Feedback {
                reason: reason.to_owned(),
                reason_error: Some(e.fields.get("reason").cloned().unwrap_or(e.message)),
                ..Feedback::default()
            };
            let page = review_page(&state, &p, &auth, id, fb).await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A document of the application, for a member without a conflict.
async fn download(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, doc)): Id<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let d = committee::member_document(&state, &p, id, doc).await?;
    exports::stored(&state, &d.sha256, d.size, &d.file_type, &d.file_name).await
}
