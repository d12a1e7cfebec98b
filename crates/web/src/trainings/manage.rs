//! The catalogue's pages for those who run trainings (staff of a
//! département, a provider's trainers): the trainings, one training with
//! its sessions, and the forms that add a training and schedule a session
//! (half-days typed as a day and two hours). Every read and write goes
//! through `services::trainings`.

use askama::Template;
use axum::{
    Router,
    extract::State,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use domain::{DepartmentCode, Principal};
use services::{
    auditions::french_start,
    trainings::{
        self, SessionQuery, TrainingDraft,
        manage::{HalfDayRow, SessionForm},
        words,
    },
};
use uuid::Uuid;

use crate::http::Id;
use crate::http::form::{ErrorLink, Errs, Fields, error_links, form_page, form_title};
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/formations/catalogue", get(catalogue))
        .route(
            "/formations/catalogue/nouvelle",
            get(new_training).post(create_training),
        )
        .route("/formations/catalogue/{id}", get(show_training))
        .route(
            "/formations/catalogue/{id}/sessions/nouvelle",
            get(new_session).post(create_session),
        )
}

/// A checkbox of the départements a form may open to.
pub(super) struct DepOption {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

/// "Allier (03)" for each of `codes`, `checked` those in `chosen`.
pub(super) async fn dep_options(
    state: &AppState,
    codes: &[DepartmentCode],
    chosen: &[String],
) -> Result<Vec<DepOption>, AppError> {
    let all = services::reference::departments(state).await?;
    Ok(codes
        .iter()
        .map(|c| DepOption {
            code: c.as_str().to_owned(),
            label: all
                .iter()
                .find(|d| &d.code == c)
                .map_or_else(|| c.as_str().to_owned(), |d| format!("{} ({})", d.name, c)),
            checked: chosen.iter().any(|x| x == c.as_str()) || codes.len() == 1,
        })
        .collect())
}

/// 404 for those who run no training anywhere.
fn runner(p: &Principal) -> Result<Vec<DepartmentCode>, AppError> {
    let deps = p.training_departments();
    if deps.is_empty() && !p.is_admin() {
        return Err(AppError::not_found());
    }
    Ok(deps)
}

struct TrainingRow {
    id: Uuid,
    title: String,
    kind: &'static str,
    provider: Option<String>,
}

#[derive(Template)]
#[template(path = "trainings/catalogue.html")]
struct Catalogue {
    layout: Layout,
    rows: Vec<TrainingRow>,
    can_add: bool,
}

async fn catalogue(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Response, AppError> {
    let rows = trainings::trainings(&state, &p)
        .await?
        .into_iter()
        .map(|t| TrainingRow {
            id: t.id,
            title: t.title,
            kind: t.kind.label(),
            provider: t.provider_name,
        })
        .collect();
    Ok(render(&Catalogue {
        layout: Layout::new(&auth, "Catalogue des formations"),
        rows,
        can_add: !p.training_departments().is_empty(),
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "trainings/training_new.html")]
struct NewTraining {
    layout: Layout,
    d: TrainingDraft,
    duration: String,
    kinds: Vec<(&'static str, &'static str)>,
    departments: Vec<DepOption>,
    errors: Errs,
    summary: Vec<ErrorLink>,
}

const TRAINING_FIELDS: &[&str] = &[
    "title",
    "kind",
    "theme",
    "objectives",
    "description",
    "duration_minutes",
    "departments",
];

async fn training_page(
    state: &AppState,
    auth: &Auth,
    deps: &[DepartmentCode],
    (d, duration): (TrainingDraft, String),
    errors: Errs,
) -> Result<Response, AppError> {
    let summary = error_links(&errors, TRAINING_FIELDS, &[("departments", "dep-0")]);
    let page = NewTraining {
        layout: Layout::new(auth, form_title(&errors, "Ajouter une formation")),
        departments: dep_options(state, deps, &d.departments).await?,
        d,
        duration,
        kinds: words::kinds(),
        summary,
        errors,
    };
    form_page(&page, page.errors.any())
}

async fn new_training(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Response, AppError> {
    let deps = runner(&p)?;
    let d = TrainingDraft {
        kind: "continuing".into(),
        ..Default::default()
    };
    training_page(&state, &auth, &deps, (d, String::new()), Errs::default()).await
}

async fn create_training(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    f: Fields,
) -> Result<Response, AppError> {
    let deps = runner(&p)?;
    let duration = f.get("duration_hours").trim().to_owned();
    let mut d = TrainingDraft {
        title: f.get("title").to_owned(),
        theme: f.get("theme").to_owned(),
        objectives: f.get("objectives").to_owned(),
        description: f.get("description").to_owned(),
        kind: f.get("kind").to_owned(),
        departments: f.all("departments"),
        ..Default::default()
    };
    match trainings::manage::duration_minutes(&duration) {
        Ok(m) => d.duration_minutes = m,
        Err(e) => {
            let e = Errs::from_error(e.into())?;
            return training_page(&state, &auth, &deps, (d, duration), e).await;
        }
    }
    match trainings::create_training(&state, &p, &d).await {
        Ok(id) => Ok(Redirect::to(&format!("/formations/catalogue/{id}")).into_response()),
        Err(e) => {
            let e = Errs::from_error(e.into())?;
            training_page(&state, &auth, &deps, (d, duration), e).await
        }
    }
}

struct SessionRow {
    id: Uuid,
    when: String,
    seats: String,
}

#[derive(Template)]
#[template(path = "trainings/training.html")]
struct ShowTraining {
    layout: Layout,
    id: Uuid,
    kind: &'static str,
    theme: String,
    objectives: String,
    description: String,
    duration: String,
    provider: Option<String>,
    sessions: Vec<SessionRow>,
    can_schedule: bool,
}

/// Whether `p` schedules sessions of a training of `deps` given by
/// `provider` (staff there, or a trainer of that provider).
fn schedules(p: &Principal, deps: &[DepartmentCode], provider: Option<Uuid>) -> bool {
    p.training_staff(deps)
        .is_some_and(|c| c.provider.is_none() || c.provider == provider)
}

async fn show_training(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let t = trainings::training(&state, &p, id).await?;
    let q = SessionQuery {
        training_id: Some(id),
        past: true,
        ..Default::default()
    };
    let sessions = trainings::sessions(&state, &p, &q)
        .await?
        .iter()
        .map(|s| SessionRow {
            id: s.id,
            when: french_start(s.starts_at),
            seats: words::seats(s),
        })
        .collect();
    Ok(render(&ShowTraining {
        layout: Layout::new(&auth, t.title.clone()),
        id,
        kind: t.kind.label(),
        can_schedule: schedules(&p, &t.departments, t.provider_structure_id),
        theme: t.theme,
        objectives: t.objectives,
        description: t.description,
        duration: words::hours(t.duration_minutes),
        provider: t.provider_name,
        sessions,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "trainings/session_new.html")]
struct NewSession {
    layout: Layout,
    id: Uuid,
    title: String,
    f: SessionForm,
    departments: Vec<DepOption>,
    errors: Errs,
    summary: Vec<ErrorLink>,
}

const SESSION_FIELDS: &[&str] = &[
    "parts",
    "ends_at",
    "place",
    "online_url",
    "departments",
    "capacity",
    "closes_date",
    "registration_closes_at",
];

/// Four half-days to fill without JavaScript; more after a first save
/// (the API takes up to twenty).
const ROWS: usize = 4;

async fn session_page(
    state: &AppState,
    (p, auth): (&Principal, &Auth),
    id: Uuid,
    mut f: SessionForm,
    errors: Errs,
) -> Result<Response, AppError> {
    let t = trainings::training(state, p, id).await?;
    if !schedules(p, &t.departments, t.provider_structure_id) {
        return Err(AppError::forbidden(
            "Seuls les agents de Caf, les coordinateurs et les formateurs de la formation programment ses sessions.",
        ));
    }
    while f.rows.len() < ROWS {
        f.rows.push(HalfDayRow::default());
    }
    let summary = error_links(
        &errors,
        SESSION_FIELDS,
        &[
            ("parts", "parts-0-date"),
            ("ends_at", "parts-0-end"),
            ("departments", "dep-0"),
            ("registration_closes_at", "closes_date"),
        ],
    )
    .into_iter()
    .map(|mut l| {
        // "parts.1.date" is the control "parts-1-date".
        l.href = l.href.replace('.', "-");
        l
    })
    .collect();
    let page = NewSession {
        layout: Layout::new(auth, form_title(&errors, "Programmer une session")),
        id,
        title: t.title.clone(),
        departments: dep_options(state, &t.departments, &f.departments).await?,
        f,
        summary,
        errors,
    };
    form_page(&page, page.errors.any())
}

async fn new_session(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let f = SessionForm {
        capacity: "12".into(),
        ..Default::default()
    };
    session_page(&state, (&p, &auth), id, f, Errs::default()).await
}

async fn create_session(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    fields: Fields,
) -> Result<Response, AppError> {
    let f = SessionForm {
        rows: fields
            .rows("parts", &["date", "start", "end"])
            .into_iter()
            .map(|r| HalfDayRow {
                date: r[0].clone(),
                start: r[1].clone(),
                end: r[2].clone(),
            })
            .collect(),
        place: fields.get("place").to_owned(),
        online_url: fields.get("online_url").to_owned(),
        departments: fields.all("departments"),
        capacity: fields.get("capacity").to_owned(),
        needs_approval: fields.checked("needs_approval"),
        closes_date: fields.get("closes_date").to_owned(),
        closes_time: fields.get("closes_time").to_owned(),
    };
    match trainings::manage::create_session_from_form(&state, &p, id, &f).await {
        Ok(sid) => Ok(
            Redirect::to(&format!("/formations/sessions/{sid}?message=programmee")).into_response(),
        ),
        Err(e) => {
            let e = Errs::from_error(e.into())?;
            session_page(&state, (&p, &auth), id, f, e).await
        }
    }
}
