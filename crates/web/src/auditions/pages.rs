//! The auditions of a module: its slots in time order, for the call's
//! staff and its committee. A CAF agent of the call adds slots (the
//! module's audition day by default), gives each to a filed application
//! of the module or frees it, deletes slots and sends the invitations.
//! Every read and write goes through `services::auditions`.

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
    Principal,
    clock::{french_date_with_weekday, french_instant},
};
use serde::Deserialize;
use store::auditions::Slot;
use uuid::Uuid;

use crate::http::form::{ErrorLink, Errs, Fields, error_links};
use services::auditions::{self, ModuleAuditions, SlotDraft};

use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    calls,
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/gestion/appels/{id}/modules/{code}/auditions",
            get(show).post(create),
        )
        .route(
            "/gestion/appels/{id}/modules/{code}/auditions/export",
            get(export),
        )
        .route(
            "/gestion/appels/{id}/modules/{code}/auditions/convocations",
            post(invite),
        )
        .route(
            "/gestion/appels/{id}/modules/{code}/auditions/{slot}/attribution",
            post(assign),
        )
        .route(
            "/gestion/appels/{id}/modules/{code}/auditions/{slot}/suppression",
            post(delete),
        )
}

#[derive(Deserialize, Default)]
struct MessageQuery {
    message: Option<String>,
    /// How many invitations were just sent (a number, never text).
    envoyees: Option<usize>,
}

fn with_message(layout: Layout, q: &MessageQuery) -> Layout {
    if let Some(n) = q.envoyees {
        let text = match n {
            0 => "Aucune convocation à envoyer : chaque créneau attribué a déjà reçu la sienne."
                .to_owned(),
            1 => "1 convocation envoyée.".to_owned(),
            n => format!("{n} convocations envoyées."),
        };
        return layout.with_flash("success", text);
    }
    let text = match q.message.as_deref() {
        Some("creneau-ajoute") => "Le créneau est ajouté.",
        Some("creneau-attribue") => {
            "Le créneau est attribué. Envoyez les convocations quand le planning est prêt."
        }
        Some("creneau-libere") => "Le créneau est libéré.",
        Some("creneau-supprime") => "Le créneau est supprimé.",
        other => return layout.with_message(other),
    };
    layout.with_flash("success", text)
}

/// "jeudi 18 mars 2027 à 9 h 30", with the structure it is given to.
fn slot_label(s: &Slot) -> String {
    auditions::french_start(s.starts_at)
}

struct SlotRow {
    id: Uuid,
    when: String,
    duration: i64,
    place: String,
    video_link: String,
    structure: Option<String>,
    /// The application it is given to ("" when free).
    application_id: String,
    /// "Envoyée le …", "À envoyer", or nothing for a free slot.
    invitation: Option<String>,
    invited: bool,
    /// Why the last assignment of this slot was refused.
    error: Option<String>,
}

struct AppOption {
    id: String,
    label: String,
}

/// The slot form, as typed.
struct SlotForm {
    date: String,
    time: String,
    duration_minutes: String,
    place: String,
    video_link: String,
    errors: Errs,
    summary: Vec<ErrorLink>,
}

impl Default for SlotForm {
    fn default() -> Self {
        Self {
            date: String::new(),
            time: String::new(),
            duration_minutes: "45".to_owned(),
            place: String::new(),
            video_link: String::new(),
            errors: Errs::default(),
            summary: Vec::new(),
        }
    }
}

const SLOT_FIELDS: &[&str] = &["date", "time", "duration_minutes", "place", "video_link"];

impl SlotForm {
    fn from_fields(f: &Fields) -> Self {
        Self {
            date: f.get("date").trim().to_owned(),
            time: f.get("time").trim().to_owned(),
            duration_minutes: f.get("duration_minutes").trim().to_owned(),
            place: f.get("place").to_owned(),
            video_link: f.get("video_link").trim().to_owned(),
            ..Self::default()
        }
    }

    fn draft(&self) -> SlotDraft {
        SlotDraft {
            date: self.date.clone(),
            time: self.time.clone(),
            duration_minutes: self.duration_minutes.clone(),
            place: self.place.clone(),
            video_link: self.video_link.clone(),
        }
    }

    fn with_errors(mut self, errors: Errs) -> Self {
        self.summary = error_links(&errors, SLOT_FIELDS, &[]);
        self.errors = errors;
        self
    }
}

#[derive(Template)]
#[template(path = "decision/auditions.html")]
struct AuditionsPage {
    layout: Layout,
    call_id: Uuid,
    call_title: String,
    code: String,
    module_title: String,
    /// (link, label) of the page one comes from.
    back: (String, String),
    /// "jeudi 18 mars 2027", the module's audition day.
    audition_day: Option<String>,
    /// The label and hint of the day field: empty means the audition day.
    date_label: &'static str,
    date_hint: String,
    manages: bool,
    slots: Vec<SlotRow>,
    options: Vec<AppOption>,
    /// Assigned slots whose invitation is not sent yet.
    to_invite: usize,
    form: SlotForm,
    /// A refused assignment: its link and message.
    assign_summary: Vec<ErrorLink>,
}

/// A refused assignment: the slot and the message.
struct AssignError {
    slot: Uuid,
    /// The application chosen, shown again in the slot's list.
    chosen: String,
    message: String,
}

fn page(
    p: &Principal,
    auth: &Auth,
    m: &ModuleAuditions,
    code: &str,
    form: SlotForm,
    refused: Option<AssignError>,
    q: &MessageQuery,
) -> Result<AuditionsPage, AppError> {
    let module = m.view.module(code).ok_or_else(AppError::not_found)?;
    // Which slot each application already has.
    let given: BTreeMap<Uuid, String> = m
        .slots
        .iter()
        .filter_map(|s| s.application_id.map(|a| (a, slot_label(s))))
        .collect();
    let mut options: Vec<AppOption> = m
        .applications
        .iter()
        .map(|a| {
            let label = format!(
                "{} ({})",
                a.structure_name,
                domain::DepartmentCode::join(&a.departments, ", ")
            );
            let label = match given.get(&a.id) {
                Some(when) => format!("{label} — a le créneau du {when}"),
                None => label,
            };
            AppOption {
                id: a.id.to_string(),
                label,
            }
        })
        .collect();
    // A slot keeps showing its application even when it is no longer one
    // to choose (withdrawn, decided).
    for s in &m.slots {
        if let Some(a) = s.application_id
            && !m.applications.iter().any(|x| x.id == a)
            && !options.iter().any(|o| o.id == a.to_string())
        {
            options.push(AppOption {
                id: a.to_string(),
                label: s.structure_name.clone().unwrap_or_default(),
            });
        }
    }
    let slots: Vec<SlotRow> = m
        .slots
        .iter()
        .map(|s| SlotRow {
            id: s.id,
            when: slot_label(s),
            duration: s.duration_minutes,
            place: s.place.clone(),
            video_link: s.video_link.clone(),
            structure: s.structure_name.clone(),
            application_id: refused.as_ref().filter(|r| r.slot == s.id).map_or_else(
                || s.application_id.map(|a| a.to_string()).unwrap_or_default(),
                |r| r.chosen.clone(),
            ),
            invitation: s.application_id.map(|_| {
                s.invited_at.map_or_else(
                    || "À envoyer".to_owned(),
                    |t| format!("Envoyée le {}", french_instant(t)),
                )
            }),
            invited: s.invited_at.is_some(),
            error: refused
                .as_ref()
                .filter(|r| r.slot == s.id)
                .map(|r| r.message.clone()),
        })
        .collect();
    let to_invite = m
        .slots
        .iter()
        .filter(|s| s.application_id.is_some() && s.invited_at.is_none())
        .count();
    let assign_summary: Vec<ErrorLink> = refused
        .map(|r| ErrorLink {
            href: format!("#slot-{}-application", r.slot),
            text: r.message,
        })
        .into_iter()
        .collect();
    let failed = form.errors.any() || !assign_summary.is_empty();
    let title = format!(
        "{}Auditions du module {} — {}",
        if failed { "Erreur : " } else { "" },
        module.spec.code,
        m.view.call.title
    );
    let back = if calls::is_call_staff(p, &m.view.call) {
        (
            format!("/gestion/appels/{}", m.view.call.id),
            m.view.call.title.clone(),
        )
    } else {
        ("/comite".to_owned(), "Mon comité".to_owned())
    };
    let audition_day = module.spec.audition_on.map(french_date_with_weekday);
    let (date_label, date_hint) = match &audition_day {
        Some(d) => (
            "Jour (facultatif)",
            format!("Laissez vide pour le jour d'audition du module : {d}."),
        ),
        None => (
            "Jour",
            "Le module n'a pas de jour d'audition : indiquez celui du créneau.".to_owned(),
        ),
    };
    Ok(AuditionsPage {
        layout: with_message(Layout::new(auth, title), q),
        call_id: m.view.call.id,
        call_title: m.view.call.title.clone(),
        code: module.spec.code.clone(),
        module_title: module.spec.title.clone(),
        back,
        audition_day,
        date_label,
        date_hint,
        manages: m.manages,
        slots,
        options,
        to_invite,
        form,
        assign_summary,
    })
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let m = auditions::module_auditions(&state, &p, id, &code).await?;
    render(&page(&p, &auth, &m, &code, SlotForm::default(), None, &q)?)
}

fn back_to(call_id: Uuid, code: &str, query: &str) -> Redirect {
    Redirect::to(&format!(
        "/gestion/appels/{call_id}/modules/{code}/auditions?{query}#creneaux"
    ))
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    f: Fields,
) -> Result<Response, AppError> {
    let call_id = id;
    let form = SlotForm::from_fields(&f);
    match auditions::create_slot(&state, &p, call_id, &code, &form.draft())
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(back_to(call_id, &code, "message=creneau-ajoute").into_response()),
        Err(e) => {
            let errors = Errs::from_error(e)?;
            let m = auditions::module_auditions(&state, &p, call_id, &code).await?;
            let form = form.with_errors(errors);
            crate::http::form::rejected(&page(
                &p,
                &auth,
                &m,
                &code,
                form,
                None,
                &MessageQuery::default(),
            )?)
        }
    }
}

async fn assign(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code, slot)): Id<(Uuid, String, Uuid)>,
    f: Fields,
) -> Result<Response, AppError> {
    let call_id = id;
    let slot_id = slot;
    let result = match f.get("application_id").trim() {
        "" => auditions::assign(&state, &p, slot_id, None)
            .await
            .map_err(AppError::from)
            .map(|()| "message=creneau-libere"),
        a => match Uuid::parse_str(a) {
            Ok(a) => auditions::assign(&state, &p, slot_id, Some(a))
                .await
                .map_err(AppError::from)
                .map(|()| "message=creneau-attribue"),
            Err(_) => Err(AppError::invalid_field(
                "application_id",
                "Choisissez une candidature de la liste.",
            )),
        },
    };
    match result {
        Ok(message) => Ok(back_to(call_id, &code, message).into_response()),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            let status = e.status;
            let m = auditions::module_auditions(&state, &p, call_id, &code).await?;
            let message = if e.code == "already_assigned" {
                already_assigned(&m, f.get("application_id").trim())
            } else {
                e.fields.get("application_id").cloned().unwrap_or(e.message)
            };
            let refused = AssignError {
                slot: slot_id,
                chosen: f.get("application_id").trim().to_owned(),
                message,
            };
            let page = page(
                &p,
                &auth,
                &m,
                &code,
                SlotForm::default(),
                Some(refused),
                &MessageQuery::default(),
            )?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The refusal of an application given a second slot, naming the slot it
/// already has.
fn already_assigned(m: &ModuleAuditions, application: &str) -> String {
    m.slots
        .iter()
        .find(|s| s.application_id.is_some_and(|a| a.to_string() == application))
        .map_or_else(
            || "Cette candidature a déjà un créneau d'audition : libérez-le d'abord.".to_owned(),
            |s| {
                format!(
                    "{} a déjà le créneau du {} : libérez-le d'abord, ou choisissez une autre candidature.",
                    s.structure_name.as_deref().unwrap_or("Cette structure"),
                    slot_label(s)
                )
            },
        )
}

async fn delete(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code, slot)): Id<(Uuid, String, Uuid)>,
) -> Result<Redirect, AppError> {
    let call_id = id;
    auditions::delete_slot(&state, &p, slot).await?;
    Ok(back_to(call_id, &code, "message=creneau-supprime"))
}

async fn invite(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Redirect, AppError> {
    let call_id = id;
    let sent = auditions::invite(&state, &p, call_id, &code).await?;
    Ok(back_to(call_id, &code, &format!("envoyees={sent}")))
}

/// The auditions of a module as a spreadsheet, from its page.
async fn export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Query(f): Query<crate::http::sheet::FormatQuery>,
) -> Result<Response, AppError> {
    let format = crate::http::sheet::format_of(&f)?;
    let sheet = auditions::auditions_sheet(&state, &p, id, &code).await?;
    crate::http::sheet::send(
        sheet,
        format,
        &format!("auditions-{code}-{}", state.today()),
    )
    .await
}
