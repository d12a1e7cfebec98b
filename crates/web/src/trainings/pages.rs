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
use domain::{Principal, training::RegistrationStatus};
use serde::Deserialize;
use services::{
    auditions::french_start,
    trainings::{self, SessionQuery},
};
use store::trainings::Session;
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
}

fn place(s: &Session) -> String {
    match (s.place.is_empty(), s.online_url.is_empty()) {
        (false, _) => s.place.clone(),
        (true, false) => "en visioconférence".to_owned(),
        (true, true) => "lieu à préciser".to_owned(),
    }
}

/// "3 places libres sur 12", "Complet : 2 personnes en liste d'attente".
fn seats(s: &Session) -> String {
    match s.seats_left() {
        0 if s.waitlisted == 0 => "Complet : inscription sur liste d'attente".to_owned(),
        0 => format!(
            "Complet : {} {} en liste d'attente",
            s.waitlisted,
            if s.waitlisted == 1 {
                "personne"
            } else {
                "personnes"
            }
        ),
        1 => format!("1 place libre sur {}", s.capacity),
        n => format!("{n} places libres sur {}", s.capacity),
    }
}

struct Row {
    id: Uuid,
    title: String,
    kind: &'static str,
    when: String,
    place: String,
    seats: String,
}

#[derive(Template)]
#[template(path = "trainings/sessions.html")]
struct List {
    layout: Layout,
    rows: Vec<Row>,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Response, AppError> {
    let rows = trainings::sessions(&state, &p, &SessionQuery::default())
        .await?
        .iter()
        .map(|s| Row {
            id: s.id,
            title: s.training_title.clone(),
            kind: s.kind.label(),
            when: french_start(s.starts_at),
            place: place(s),
            seats: seats(s),
        })
        .collect();
    Ok(render(&List {
        layout: Layout::new(&auth, "Formations"),
        rows,
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
            (Some(words), Some(r.id))
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
    let view = Show {
        layout,
        id,
        title: s.training_title.clone(),
        kind: s.kind.label(),
        provider: s.provider_name.clone(),
        half_days: s.parts.iter().map(|x| french_start(x.starts_at)).collect(),
        place: place(&s),
        seats: seats(&s),
        closes,
        alert,
        mine,
        cancel_id,
        can_register: open && me.is_some(),
        full: s.seats_left() == 0,
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
        Err(e) => {
            let e = AppError::from(e);
            if in_place(&e) {
                let status = e.status;
                page(&state, (&p, &auth), id, (status, Some(e.message), None)).await
            } else {
                Err(e)
            }
        }
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
    Ok(Redirect::to(&format!(
        "/formations/sessions/{}?message=annulee",
        r.session_id
    )))
}
