//! The handover (tuilage) pages: the list for the staff of a département
//! and for the two coordinators, the form a CAF agent opens one with, and
//! one handover with its period and its checklist, where each coordinator
//! ticks its own column. Every read and write goes through
//! `services::handover`.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use domain::{
    Principal, Role,
    clock::{french_date, french_instant},
};
use jiff::{ToSpan, civil::Date};
use serde::Deserialize;
use uuid::Uuid;

use crate::http::form::{ErrorLink, Errs, Fields, error_links};
use services::handover::{self, HandoverDraft, progress};

use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/tuilages", get(list))
        .route("/gestion/tuilages/export", get(export))
        .route("/gestion/tuilages/nouveau", get(new_page).post(create))
        .route("/gestion/tuilages/{id}", get(show))
        .route("/gestion/tuilages/{id}/elements/{item}", post(tick))
}

#[derive(Deserialize, Default)]
struct MessageQuery {
    message: Option<String>,
}

fn with_message(layout: Layout, code: Option<&str>) -> Layout {
    let text = match code {
        Some("tuilage-cree") => {
            "Le tuilage est organisé : le nouveau coordinateur a ses droits dans le département, et le coordinateur sortant passera en lecture seule à la date prévue."
        }
        _ => return layout.with_message(code),
    };
    layout.with_flash("success", text)
}

/// CAF agents (and administrators) open handovers.
fn organises(p: &Principal) -> bool {
    p.is_admin() || p.has_role(Role::CafAgent)
}

/// "Allier (03)", from the reference data.
async fn department_label(state: &AppState, code: &str) -> Result<String, AppError> {
    Ok(services::reference::departments(state)
        .await?
        .into_iter()
        .find(|d| d.code.as_str() == code)
        .map_or_else(|| code.to_owned(), |d| format!("{} ({})", d.name, d.code)))
}

struct Row {
    id: Uuid,
    department: String,
    outgoing: String,
    incoming: String,
    starts_on: String,
    read_until: String,
    outgoing_progress: String,
    incoming_progress: String,
}

#[derive(Template)]
#[template(path = "decision/handovers.html")]
struct List {
    layout: Layout,
    rows: Vec<Row>,
    can_create: bool,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Html<String>, AppError> {
    let items = handover::handovers(&state, &p).await?;
    if !p.is_staff() && items.is_empty() {
        return Err(AppError::not_found());
    }
    let mut rows = Vec::new();
    for h in items {
        rows.push(Row {
            id: h.id,
            department: department_label(&state, h.department.as_str()).await?,
            outgoing_progress: progress(&h, true),
            incoming_progress: progress(&h, false),
            starts_on: french_date(h.starts_on),
            read_until: french_date(h.read_until),
            outgoing: h.outgoing_name,
            incoming: h.incoming_name,
        });
    }
    render(&List {
        layout: Layout::new(&auth, "Tuilage des coordinateurs"),
        rows,
        can_create: organises(&p),
    })
}

struct DepartmentOption {
    code: String,
    label: String,
}

/// The form, as typed.
#[derive(Default)]
struct HandoverForm {
    department: String,
    outgoing_email: String,
    incoming_email: String,
    starts_on: String,
    errors: Errs,
    summary: Vec<ErrorLink>,
}

const FIELDS: &[&str] = &[
    "department",
    "outgoing_email",
    "incoming_email",
    "starts_on",
];

#[derive(Template)]
#[template(path = "decision/handover_new.html")]
struct NewPage {
    layout: Layout,
    departments: Vec<DepartmentOption>,
    form: HandoverForm,
    months: u32,
}

/// The départements whose CAF `p` is an agent of (404 for anyone else
/// than staff, 403 for coordinators).
async fn pilot_departments(
    state: &AppState,
    p: &Principal,
) -> Result<Vec<DepartmentOption>, AppError> {
    if !p.is_staff() {
        return Err(AppError::not_found());
    }
    if !organises(p) {
        return Err(AppError::forbidden(
            "Seul un agent de la Caf du département organise le tuilage.",
        ));
    }
    Ok(services::network::departments_of(state, p)
        .await?
        .into_iter()
        .filter(|d| p.pilot(&d.code).is_some())
        .map(|d| DepartmentOption {
            label: format!("{} ({})", d.name, d.code),
            code: d.code.into(),
        })
        .collect())
}

async fn new_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Html<String>, AppError> {
    let departments = pilot_departments(&state, &p).await?;
    let form = HandoverForm {
        department: match departments.as_slice() {
            [only] => only.code.clone(),
            _ => String::new(),
        },
        ..HandoverForm::default()
    };
    render(&NewPage {
        layout: Layout::new(&auth, "Organiser un tuilage"),
        departments,
        form,
        months: state.settings.handover_months,
    })
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    f: Fields,
) -> Result<Response, AppError> {
    let departments = pilot_departments(&state, &p).await?;
    let draft = HandoverDraft {
        department: f.get("department").trim().to_owned(),
        outgoing_email: f.get("outgoing_email").trim().to_owned(),
        incoming_email: f.get("incoming_email").trim().to_owned(),
        starts_on: f.get("starts_on").trim().to_owned(),
    };
    match handover::create(&state, &p, &draft)
        .await
        .map_err(AppError::from)
    {
        Ok(id) => Ok(
            Redirect::to(&format!("/gestion/tuilages/{id}?message=tuilage-cree")).into_response(),
        ),
        Err(e) => {
            // A département the agent does not pilot: said on its field.
            let errors = if e.status == axum::http::StatusCode::FORBIDDEN {
                Errs(std::collections::BTreeMap::from([(
                    "department".to_owned(),
                    e.message,
                )]))
            } else {
                Errs::from_error(e)?
            };
            let form = HandoverForm {
                department: draft.department,
                outgoing_email: draft.outgoing_email,
                incoming_email: draft.incoming_email,
                starts_on: draft.starts_on,
                summary: error_links(&errors, FIELDS, &[]),
                errors,
            };
            crate::http::form::rejected(&NewPage {
                layout: Layout::new(&auth, "Erreur : organiser un tuilage"),
                departments,
                form,
                months: state.settings.handover_months,
            })
        }
    }
}

/// One side of an item: done or not, and whether `p` ticks it.
struct Side {
    /// "coordinateur sortant", "nouveau coordinateur".
    who: &'static str,
    done: bool,
    /// "le 2 décembre 2026 à 9 h".
    when: Option<String>,
    mine: bool,
}

struct ItemRow {
    id: Uuid,
    label: String,
    /// The outgoing coordinator's, then the incoming one's.
    sides: [Side; 2],
}

#[derive(Template)]
#[template(path = "decision/handover.html")]
struct Show {
    layout: Layout,
    id: Uuid,
    department: String,
    outgoing: String,
    incoming: String,
    starts_on: String,
    /// The last day before the new coordinator starts.
    eve: String,
    read_until: String,
    started: bool,
    items: Vec<ItemRow>,
    outgoing_progress: String,
    incoming_progress: String,
    /// `p` is one of the two coordinators (it ticks its column).
    party: bool,
}

fn side(who: &'static str, done_at: Option<jiff::Timestamp>, mine: bool) -> Side {
    Side {
        who,
        done: done_at.is_some(),
        when: done_at.map(|t| format!("le {}", french_instant(t))),
        mine,
    }
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let h = handover::handover(&state, &p, id).await?;
    let department = department_label(&state, h.department.as_str()).await?;
    let is_outgoing = p.user_id == h.outgoing_user_id;
    let is_incoming = p.user_id == h.incoming_user_id;
    let items = h
        .items
        .iter()
        .map(|i| ItemRow {
            id: i.id,
            label: i.label.clone(),
            sides: [
                side("coordinateur sortant", i.outgoing_done_at, is_outgoing),
                side("nouveau coordinateur", i.incoming_done_at, is_incoming),
            ],
        })
        .collect();
    let eve: Date = h.starts_on.checked_sub(1.day()).unwrap_or(h.starts_on);
    render(&Show {
        layout: with_message(
            Layout::new(&auth, format!("Tuilage — {department}")),
            q.message.as_deref(),
        ),
        id: h.id,
        outgoing_progress: progress(&h, true),
        incoming_progress: progress(&h, false),
        department,
        outgoing: h.outgoing_name.clone(),
        incoming: h.incoming_name.clone(),
        starts_on: french_date(h.starts_on),
        eve: french_date(eve),
        read_until: french_date(h.read_until),
        started: state.today() >= h.starts_on,
        items,
        party: is_outgoing || is_incoming,
    })
}

/// Ticks or unticks an item on `p`'s own side (403 for anyone else than
/// the two coordinators).
async fn tick(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, item)): Id<(Uuid, Uuid)>,
    f: Fields,
) -> Result<Redirect, AppError> {
    let done = match f.get("done") {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::bad_request("Cochez ou décochez l'élément.")),
    };
    handover::tick(&state, &p, id, item, done).await?;
    Ok(Redirect::to(&format!(
        "/gestion/tuilages/{id}#element-{item}"
    )))
}

/// The handovers of the list as a spreadsheet.
async fn export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(f): Query<crate::http::sheet::FormatQuery>,
) -> Result<Response, AppError> {
    let format = crate::http::sheet::format_of(&f)?;
    let sheet = handover::handovers_sheet(&state, &p).await?;
    crate::http::sheet::send(sheet, format, &format!("tuilages-{}", state.today())).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::handovers::Handover;

    #[test]
    fn progress_counts_each_side() {
        let t: jiff::Timestamp = "2026-12-02T08:00:00Z".parse().unwrap();
        let item = |o: bool, i: bool| store::handovers::Item {
            id: Uuid::nil(),
            label: String::new(),
            outgoing_done_at: o.then_some(t),
            incoming_done_at: i.then_some(t),
        };
        let h = Handover {
            id: Uuid::nil(),
            department: domain::DepartmentCode::parse("63").unwrap(),
            outgoing_user_id: Uuid::nil(),
            outgoing_name: String::new(),
            incoming_user_id: Uuid::nil(),
            incoming_name: String::new(),
            starts_on: jiff::civil::date(2026, 12, 1),
            read_until: jiff::civil::date(2026, 12, 31),
            items: vec![item(true, false), item(true, true), item(false, false)],
        };
        assert_eq!(progress(&h, true), "2 sur 3");
        assert_eq!(progress(&h, false), "1 sur 3");
    }
}
