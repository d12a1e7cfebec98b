//! The satisfaction survey over the pages and the API: a participant's
//! form (once the session is over, once), and the results of a session or
//! a training for those who run it and the staff of its départements —
//! only the count below three answers. The rules are in
//! `services::trainings::survey`.

use askama::Template;
use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use domain::Principal;
use serde::{Deserialize, Serialize};
use services::{
    auditions::french_start,
    trainings::{
        self,
        survey::{self, MIN_ANSWERS, QUESTIONS, SurveyDraft, SurveyResults, SurveyState},
    },
};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

pub use services::trainings::survey::{SessionLinks, session_links};

use crate::http::Id;
use crate::http::form::{ErrorLink, Errs, Fields, error_links};
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    view::{Layout, render},
};

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(answer))
        .routes(routes!(session_results))
        .routes(routes!(training_results))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/formations/inscriptions/{id}/avis", get(form).post(submit))
        .route("/formations/sessions/{id}/avis", get(results_page))
        .route(
            "/formations/catalogue/{id}/avis",
            get(training_results_page),
        )
}

// ------------------------------------------------------------------- API

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SurveyIn {
    /// 1 (pas du tout satisfait) to 5 (très satisfait).
    content_score: Option<i64>,
    facilitation_score: Option<i64>,
    usefulness_score: Option<i64>,
    /// At most 2 000 characters.
    comment: String,
}

#[utoipa::path(post, operation_id = "answer_training_survey", path = "/api/v1/registrations/{id}/survey", tag = "trainings",
    params(("id" = Uuid, Path, description = "Identifiant de l'inscription")), request_body = SurveyIn,
    responses((status = 204, description = "Réponse enregistrée, sans lien avec son auteur"), (status = 404, description = "Pas un participant"),
        (status = 409, description = "Session pas terminée, ou déjà répondu"), (status = 422)))]
pub async fn answer(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<SurveyIn>,
) -> Result<StatusCode, AppError> {
    let draft = SurveyDraft {
        content_score: input.content_score,
        facilitation_score: input.facilitation_score,
        usefulness_score: input.usefulness_score,
        comment: input.comment,
    };
    survey::answer(&state, &p, id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MeansOut {
    content: f64,
    facilitation: f64,
    usefulness: f64,
}

#[derive(Serialize, ToSchema)]
pub struct SurveyOut {
    answers: usize,
    /// The number of answers from which scores and comments are shown.
    threshold: usize,
    /// Null below the threshold.
    means: Option<MeansOut>,
    /// Sorted by their text; empty below the threshold.
    comments: Vec<String>,
    /// For a training: the sessions counted, those with at least
    /// `threshold` answers (the others would be told apart).
    sessions: Option<usize>,
}

fn survey_out(r: SurveyResults, sessions: Option<usize>) -> SurveyOut {
    SurveyOut {
        answers: r.answers,
        threshold: MIN_ANSWERS,
        means: r.means.map(|m| MeansOut {
            content: m.content,
            facilitation: m.facilitation,
            usefulness: m.usefulness,
        }),
        comments: r.comments,
        sessions,
    }
}

#[utoipa::path(get, operation_id = "training_session_survey", path = "/api/v1/sessions/{id}/survey", tag = "trainings",
    params(("id" = Uuid, Path, description = "Identifiant de la session")),
    responses((status = 200, body = SurveyOut), (status = 403), (status = 404)))]
pub async fn session_results(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<SurveyOut>, AppError> {
    let (_, r) = survey::session_results(&state, &p, id).await?;
    Ok(Json(survey_out(r, None)))
}

#[utoipa::path(get, operation_id = "training_survey", path = "/api/v1/trainings/{id}/survey", tag = "trainings",
    params(("id" = Uuid, Path, description = "Identifiant de la formation")),
    responses((status = 200, body = SurveyOut), (status = 403), (status = 404)))]
pub async fn training_results(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<SurveyOut>, AppError> {
    let (_, n, r) = survey::training_results(&state, &p, id).await?;
    Ok(Json(survey_out(r, Some(n))))
}

// ----------------------------------------------------------------- pages

struct Question {
    name: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "trainings/survey.html")]
struct Form {
    layout: Layout,
    id: Uuid,
    session_id: Uuid,
    title: String,
    /// Why no form (`success` or `warning`, text): already answered, not
    /// over yet, or a refusal.
    note: Option<(&'static str, String)>,
    open: bool,
    questions: Vec<Question>,
    comment: String,
    comment_error: Option<String>,
    links: Vec<ErrorLink>,
}

fn questions(f: Option<&Fields>, errors: &Errs) -> Vec<Question> {
    QUESTIONS
        .iter()
        .map(|(name, label)| Question {
            name,
            label,
            value: f.map(|f| f.get(name).to_owned()).unwrap_or_default(),
            error: errors.on(name).map(str::to_owned),
        })
        .collect()
}

async fn form_page(
    state: &AppState,
    (p, auth): (&Principal, &Auth),
    id: Uuid,
    (f, errors, alert): (Option<&Fields>, Errs, Option<String>),
) -> Result<Form, AppError> {
    let (_, s, st) = survey::survey_of(state, p, id).await?;
    let note = match (alert, st) {
        (Some(a), _) => Some(("warning", a)),
        (None, SurveyState::Answered) => Some((
            "success",
            "Merci : votre réponse est enregistrée. Elle reste anonyme.".to_owned(),
        )),
        (None, SurveyState::NotYet) => Some((
            "warning",
            format!(
                "Le questionnaire ouvre à la fin de la session, le {}.",
                french_start(s.ends_at)
            ),
        )),
        (None, SurveyState::Open) => None,
    };
    let ids: Vec<(&str, &str)> = QUESTIONS.iter().map(|(n, _)| (*n, *n)).collect();
    Ok(Form {
        layout: Layout::new(auth, format!("Votre avis — {}", s.training_title)),
        id,
        session_id: s.id,
        title: s.training_title,
        note,
        open: st == SurveyState::Open,
        questions: questions(f, &errors),
        comment: f.map(|f| f.get("comment").to_owned()).unwrap_or_default(),
        comment_error: errors.on("comment").map(str::to_owned),
        links: error_links(
            &errors,
            &[
                "content_score",
                "facilitation_score",
                "usefulness_score",
                "comment",
            ],
            &ids,
        ),
    })
}

async fn form(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let page = form_page(&state, (&p, &auth), id, (None, Errs::default(), None)).await?;
    Ok(render(&page)?.into_response())
}

fn score(f: &Fields, name: &str) -> Option<i64> {
    f.get(name).trim().parse().ok()
}

async fn submit(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let draft = SurveyDraft {
        content_score: score(&f, "content_score"),
        facilitation_score: score(&f, "facilitation_score"),
        usefulness_score: score(&f, "usefulness_score"),
        comment: f.get("comment").to_owned(),
    };
    let e = match survey::answer(&state, &p, id, &draft).await {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/formations/inscriptions/{id}/avis")).into_response());
        }
        Err(e) => AppError::from(e),
    };
    let status = e.status;
    let page = match status {
        StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = Errs::from_error(e)?;
            form_page(&state, (&p, &auth), id, (Some(&f), errors, None)).await?
        }
        StatusCode::CONFLICT => {
            let mut page = form_page(
                &state,
                (&p, &auth),
                id,
                (None, Errs::default(), Some(e.message)),
            )
            .await?;
            page.open = false;
            page
        }
        _ => return Err(e),
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "trainings/survey_results.html")]
struct Results {
    layout: Layout,
    /// Back to the session or the training.
    back: String,
    title: String,
    when: String,
    answers: usize,
    threshold: usize,
    /// (label, "4,3") per question, above the threshold.
    means: Vec<(&'static str, String)>,
    comments: Vec<String>,
}

/// "4,3 / 5".
fn french_mean(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

fn results(
    auth: &Auth,
    (back, title, when): (String, String, String),
    r: SurveyResults,
) -> Results {
    let means = r
        .means
        .map(|m| {
            let values = [m.content, m.facilitation, m.usefulness];
            QUESTIONS
                .iter()
                .zip(values)
                .map(|((_, label), x)| (*label, french_mean(x)))
                .collect()
        })
        .unwrap_or_default();
    Results {
        layout: Layout::new(auth, format!("Avis des participants — {title}")),
        back,
        title,
        when,
        answers: r.answers,
        threshold: MIN_ANSWERS,
        means,
        comments: r.comments,
    }
}

async fn results_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let (s, r) = survey::session_results(&state, &p, id).await?;
    let head = (
        format!("/formations/sessions/{}", s.id),
        s.training_title.clone(),
        trainings::documents::session_dates(&s),
    );
    Ok(render(&results(&auth, head, r))?.into_response())
}

/// Every session of a training together (those with enough answers).
async fn training_results_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let (t, n, r) = survey::training_results(&state, &p, id).await?;
    let when = match n {
        0 => "Aucune session n'a encore assez de réponses.".to_owned(),
        1 => "1 session prise en compte".to_owned(),
        n => format!("{n} sessions prises en compte"),
    };
    let head = (format!("/formations/catalogue/{}", t.id), t.title, when);
    Ok(render(&results(&auth, head, r))?.into_response())
}
