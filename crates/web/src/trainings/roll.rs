//! The roll call of a session (one half-day at a time, radio buttons and
//! one button: a tablet without JavaScript does it), the approvals an
//! employer gives, and a promeneur's own training passport with its
//! certificates. Every read and write goes through `services::trainings`.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use domain::{
    clock::{french_date, in_paris},
    training::Attendance,
};
use serde::Deserialize;
use services::{
    auditions::french_start,
    trainings::{self, words},
};
use uuid::Uuid;

use crate::http::Id;
use crate::http::form::Fields;
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/formations/sessions/{id}/appel", get(roll).post(mark))
        .route("/formations/accords", get(approvals))
        .route("/formations/parcours", get(my_passport))
        .route(
            "/formations/inscriptions/{id}/attestation.pdf",
            get(certificate),
        )
}

#[derive(Deserialize, Default)]
struct RollQuery {
    /// The half-day, from 1.
    demi: Option<usize>,
    message: Option<String>,
}

struct Mark {
    value: &'static str,
    label: &'static str,
}

struct Person {
    id: Uuid,
    name: String,
    structure: String,
    /// The mark already given for this half-day.
    current: &'static str,
}

struct Tab {
    n: usize,
    label: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "trainings/roll.html")]
struct Roll {
    layout: Layout,
    id: Uuid,
    title: String,
    n: usize,
    tabs: Vec<Tab>,
    part_label: String,
    people: Vec<Person>,
    marks: Vec<Mark>,
    /// Before the half-day's day: when the roll call opens.
    opens: Option<String>,
}

async fn roll(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<RollQuery>,
) -> Result<Response, AppError> {
    let (s, seated) = trainings::manage::roll_call(&state, &p, id).await?;
    let n = q.demi.unwrap_or(1).clamp(1, s.parts.len().max(1));
    let part = s.parts.get(n - 1).ok_or_else(AppError::not_found)?;
    let people = seated
        .iter()
        .map(|r| Person {
            id: r.id,
            name: r.promeneur_name.clone(),
            structure: r.structure_name.clone(),
            current: r
                .attendance
                .iter()
                .find(|(pid, _)| *pid == part.id)
                .and_then(|(_, a)| a.map(Attendance::as_str))
                .unwrap_or(""),
        })
        .collect();
    let tabs = s
        .parts
        .iter()
        .enumerate()
        .map(|(i, x)| Tab {
            n: i + 1,
            label: french_start(x.starts_at),
            current: i + 1 == n,
        })
        .collect();
    let mut layout = Layout::new(&auth, format!("Appel — {}", s.training_title));
    if q.message.as_deref() == Some("enregistre") {
        layout = layout.with_flash("success", "L'appel est enregistré.");
    }
    Ok(render(&Roll {
        layout,
        id,
        title: s.training_title.clone(),
        n,
        tabs,
        part_label: french_start(part.starts_at),
        opens: (in_paris(part.starts_at).date() > state.today())
            .then(|| french_date(in_paris(part.starts_at).date())),
        people,
        marks: Attendance::ALL
            .iter()
            .map(|a| Mark {
                value: a.as_str(),
                label: a.label(),
            })
            .collect(),
    })?
    .into_response())
}

async fn mark(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    form: Fields,
) -> Result<Redirect, AppError> {
    let n: usize = form.get("demi").parse().unwrap_or(1);
    let (s, _) = trainings::manage::roll_call(&state, &p, id).await?;
    let part = s
        .parts
        .get(n.saturating_sub(1))
        .ok_or_else(AppError::not_found)?;
    let mut marks = Vec::new();
    for (k, v) in &form.0 {
        let Some(rid) = k.strip_prefix("mark.") else {
            continue;
        };
        let rid = rid
            .parse::<Uuid>()
            .map_err(|_| AppError::bad_request("Inscription inconnue."))?;
        let a = Attendance::parse(v)
            .ok_or_else(|| AppError::bad_request("Présent, en retard, absent ou excusé."))?;
        marks.push((rid, a));
    }
    trainings::manage::mark_roll(&state, &p, id, part.id, &marks).await?;
    Ok(Redirect::to(&format!(
        "/formations/sessions/{id}/appel?demi={n}&message=enregistre"
    )))
}

struct Pending {
    id: Uuid,
    session_id: Uuid,
    name: String,
    training: String,
    when: String,
}

#[derive(Template)]
#[template(path = "trainings/approvals.html")]
struct Approvals {
    layout: Layout,
    rows: Vec<Pending>,
}

#[derive(Deserialize, Default)]
struct MessageQuery {
    message: Option<String>,
}

async fn approvals(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<MessageQuery>,
) -> Result<Response, AppError> {
    if p.referent_structures().is_empty() {
        return Err(AppError::not_found());
    }
    let rows = trainings::manage::pending_approvals(&state, &p)
        .await?
        .into_iter()
        .map(|(r, s)| Pending {
            id: r.id,
            session_id: s.id,
            name: r.promeneur_name,
            training: s.training_title,
            when: french_start(s.starts_at),
        })
        .collect();
    let mut layout = Layout::new(&auth, "Inscriptions à confirmer");
    if q.message.as_deref() == Some("accord") {
        layout = layout.with_flash(
            "success",
            "Votre réponse est enregistrée ; le promeneur reçoit un e-mail.",
        );
    }
    Ok(render(&Approvals { layout, rows })?.into_response())
}

#[derive(Template)]
#[template(path = "trainings/passport.html")]
struct PassportPage {
    layout: Layout,
    lines: Vec<words::PassportLine>,
}

async fn my_passport(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Response, AppError> {
    let items = trainings::manage::my_passport(&state, &p).await?;
    Ok(render(&PassportPage {
        layout: Layout::new(&auth, "Mon parcours de formation"),
        lines: words::passport_lines(&items),
    })?
    .into_response())
}

async fn certificate(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let pdf = trainings::certificate_pdf(&state, &p, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"attestation-formation.pdf\"",
            ),
        ],
        pdf,
    )
        .into_response())
}
