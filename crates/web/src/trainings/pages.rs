//! The trainings' pages, first the promeneur's journey: the sessions to
//! come, one session with its half-days and seats, registering oneself
//! (a seat or the waiting list) and cancelling. Every read and write goes
//! through `services::trainings`.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use domain::{
    Principal,
    training::{RegistrationStatus, TrainingKind},
};
use serde::Deserialize;
use services::{
    auditions::french_start,
    trainings::{
        self, SessionQuery,
        words::{self, SessionLine},
    },
};
use uuid::Uuid;

use crate::http::Id;
use crate::http::form::Fields;
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/formations", get(list))
        .route("/formations/sessions/{id}", get(show))
        .route("/formations/sessions/{id}/inscription", post(register))
        .route("/formations/inscriptions/{id}/annulation", post(cancel))
        .route("/formations/sessions/{id}/inscrire", post(register_other))
        .route("/formations/sessions/{id}/capacite", post(capacity))
        .route("/formations/inscriptions/{id}/accord", post(approval))
        .merge(super::documents::router())
        .merge(super::survey::router())
}

#[derive(Template)]
#[template(path = "trainings/sessions.html")]
struct List {
    layout: Layout,
    rows: Vec<SessionLine>,
    kinds: Vec<(&'static str, &'static str)>,
    departments: Vec<super::manage::DepOption>,
    q: ListQuery,
    runs: bool,
    referent: bool,
    promeneur: bool,
}

/// The list's filters, as the form sends them.
#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(rename = "departement", default)]
    department: String,
    #[serde(rename = "passees", default)]
    past: String,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let query = SessionQuery {
        department: domain::DepartmentCode::parse(&q.department).ok(),
        kind: TrainingKind::parse(&q.kind),
        past: !q.past.is_empty(),
        ..Default::default()
    };
    let (sessions, visible) = trainings::sessions_and_scope(&state, &p, &query).await?;
    let rows = sessions.iter().map(words::session_line).collect();
    let codes = match visible {
        Some(v) => v,
        None => services::reference::departments(&state)
            .await?
            .into_iter()
            .map(|d| d.code)
            .collect(),
    };
    let departments = if codes.len() > 1 {
        super::manage::dep_options(&state, &codes, std::slice::from_ref(&q.department)).await?
    } else {
        Vec::new()
    };
    Ok(render(&List {
        layout: Layout::new(&auth, "Formations"),
        rows,
        kinds: words::kinds(),
        departments,
        runs: !p.training_departments().is_empty() || p.is_admin(),
        referent: !p.referent_structures().is_empty(),
        promeneur: p.has_role(domain::Role::Promeneur),
        q,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "trainings/session.html")]
struct Show {
    layout: Layout,
    id: Uuid,
    title: String,
    kind: &'static str,
    provider: Option<String>,
    half_days: Vec<String>,
    place: String,
    seats: String,
    closes: String,
    alert: Option<String>,
    /// The caller's registration, told in words.
    mine: Option<String>,
    cancel_id: Option<Uuid>,
    can_register: bool,
    full: bool,
    /// The list of registrations, for those who run the session.
    runner: Option<Runner>,
    /// Promeneurs the caller may register (staff, referent), while open.
    others: Vec<Choice>,
    back: &'static str,
    /// The survey to answer; the documents for those who run it.
    links: super::survey::SessionLinks,
}

/// One registration as those who run the session see it.
struct RegRow {
    id: Uuid,
    name: String,
    structure: String,
    status: String,
    live: bool,
    pending: bool,
}

struct Runner {
    capacity: i64,
    rows: Vec<RegRow>,
}

struct Choice {
    id: Uuid,
    label: String,
}

#[derive(Deserialize, Default)]
struct MessageQuery {
    message: Option<String>,
}

fn flash(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "inscrit" => "Ton inscription est enregistrée : un e-mail te le confirme.",
        "annulee" => {
            "Ton inscription est annulée : la place revient à la première personne de la liste d'attente."
        }
        "programmee" => "La session est programmée : elle est ouverte aux inscriptions.",
        "inscription" => "L'inscription est enregistrée ; le promeneur reçoit un e-mail.",
        "annulation" => {
            "L'inscription est annulée ; la première personne de la liste d'attente a la place."
        }
        "capacite" => "Le nombre de places est changé.",
        "accord" => "Votre réponse est enregistrée ; le promeneur reçoit un e-mail.",
        _ => return None,
    })
}

async fn page(
    state: &AppState,
    (p, auth): (&Principal, &Auth),
    id: Uuid,
    (status, alert, message): (StatusCode, Option<String>, Option<&'static str>),
) -> Result<Response, AppError> {
    let (s, me) = trainings::registrations::session_with_mine(state, p, id).await?;
    let now = state.now();
    let (mine, cancel_id) = match me.as_ref().and_then(|(_, r)| r.as_ref()) {
        None => (None, None),
        Some(r) => {
            let words = match (r.status, r.position) {
                (RegistrationStatus::Waitlisted, Some(n)) => {
                    format!("Tu es sur la liste d'attente, en position {n}.")
                }
                (status, _) => format!("{}.", status.label()),
            };
            (Some(words), (now < s.starts_at).then_some(r.id))
        }
    };
    let open = s.open_at(now);
    let closes = if open {
        format!(
            "ouvertes jusqu'au {}",
            french_start(s.registration_closes_at)
        )
    } else {
        format!(
            "closes depuis le {}",
            french_start(s.registration_closes_at)
        )
    };
    let mut layout = Layout::new(auth, s.training_title.clone());
    if let Some(m) = message {
        layout = layout.with_flash("success", m);
    }
    let runs = trainings::runs(p, &s) || p.is_admin();
    let runner = if runs {
        let (_, regs) = trainings::session_registrations(state, p, id).await?;
        let rows = regs
            .iter()
            .map(|r| RegRow {
                id: r.id,
                name: r.promeneur_name.clone(),
                structure: r.structure_name.clone(),
                status: words::status(r),
                live: r.status.is_live(),
                pending: r.status == RegistrationStatus::PendingApproval,
            })
            .collect();
        let runner = Runner {
            capacity: s.capacity,
            rows,
        };
        Some(runner)
    } else {
        None
    };
    let others = if open {
        trainings::manage::registrable(state, p, &s)
            .await?
            .into_iter()
            .map(|x| Choice {
                id: x.id,
                label: format!("{} {} — {}", x.first_name, x.last_name, x.structure_name),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mine_reg = me.as_ref().and_then(|(_, r)| r.as_ref());
    let links = super::survey::session_links(state, p, &s, mine_reg).await?;
    let view = Show {
        links,
        layout,
        id,
        title: s.training_title.clone(),
        kind: s.kind.label(),
        provider: s.provider_name.clone(),
        half_days: s.parts.iter().map(|x| french_start(x.starts_at)).collect(),
        place: words::place(&s),
        seats: words::seats(&s),
        closes,
        alert,
        mine,
        cancel_id,
        can_register: open && me.is_some(),
        full: s.seats_left() == 0,
        runner,
        others,
        back: if runs {
            "/formations/catalogue"
        } else {
            "/formations"
        },
    };
    Ok((status, render(&view)?).into_response())
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<MessageQuery>,
) -> Result<Response, AppError> {
    let message = flash(q.message.as_deref());
    page(&state, (&p, &auth), id, (StatusCode::OK, None, message)).await
}

/// A refusal the page shows in place (closed, twice, wrong département).
fn in_place(e: &AppError) -> bool {
    matches!(
        e.status,
        StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
    )
}

async fn register(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    _f: Fields,
) -> Result<Response, AppError> {
    let Some((me, _)) = trainings::my_registration(&state, &p, id).await? else {
        return Err(AppError::forbidden(
            "Seul un promeneur s'inscrit lui-même ; son employeur ou la Caf peuvent l'inscrire depuis sa fiche.",
        ));
    };
    match trainings::register(&state, &p, id, me.id).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/formations/sessions/{id}?message=inscrit")).into_response())
        }
        Err(e) => refused(&state, (&p, &auth), id, e).await,
    }
}

async fn cancel(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    _f: Fields,
) -> Result<Redirect, AppError> {
    let (r, _) = trainings::registration(&state, &p, id).await?;
    trainings::cancel(&state, &p, id).await?;
    let said = if r.promeneur_user_id == Some(p.user_id) {
        "annulee"
    } else {
        "annulation"
    };
    Ok(Redirect::to(&format!(
        "/formations/sessions/{}?message={said}",
        r.session_id
    )))
}

/// The session's page again with a refusal in place, or the error as it is.
async fn refused(
    state: &AppState,
    (p, auth): (&Principal, &Auth),
    id: Uuid,
    e: services::ServiceError,
) -> Result<Response, AppError> {
    let e = AppError::from(e);
    if in_place(&e) {
        let status = e.status;
        page(state, (p, auth), id, (status, Some(e.message), None)).await
    } else {
        Err(e)
    }
}

/// A referent, CAF agent or coordinator registers one of its promeneurs.
async fn register_other(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let Ok(who) = f.get("promeneur_id").trim().parse::<Uuid>() else {
        let e = services::ServiceError::invalid_field(
            "promeneur_id",
            "Choisissez le promeneur à inscrire.",
        );
        return refused(&state, (&p, &auth), id, e).await;
    };
    match trainings::register(&state, &p, id, who).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/formations/sessions/{id}?message=inscription")).into_response(),
        ),
        Err(e) => refused(&state, (&p, &auth), id, e).await,
    }
}

/// Those who run the session change its number of seats.
async fn capacity(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let Ok(n) = f.get("capacity").trim().parse::<i64>() else {
        let e = services::ServiceError::invalid_field(
            "capacity",
            "Le nombre de places est un nombre entier.",
        );
        return refused(&state, (&p, &auth), id, e).await;
    };
    match trainings::set_capacity(&state, &p, id, n).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/formations/sessions/{id}?message=capacite")).into_response(),
        ),
        Err(e) => refused(&state, (&p, &auth), id, e).await,
    }
}

/// The employer (or the CAF) gives or refuses its approval; back to where
/// the form was.
async fn approval(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Redirect, AppError> {
    let yes = match f.get("decision") {
        "oui" => true,
        "non" => false,
        _ => return Err(AppError::bad_request("Répondez par oui ou par non.")),
    };
    let (r, _) = trainings::registration(&state, &p, id).await?;
    trainings::approve(&state, &p, id, yes).await?;
    Ok(Redirect::to(
        if f.get("back") == "accords" {
            "/formations/accords?message=accord".to_owned()
        } else {
            format!("/formations/sessions/{}?message=accord", r.session_id)
        }
        .as_str(),
    ))
}
