//! Result letters and conventions, server-rendered: the staff of a call
//! reviews the documents of a module once its decisions are validated,
//! downloads them and sends them all at once; the applicant downloads its
//! own once sent; administrators edit the two Typst templates. Every read
//! and write goes through `services::letters`.

use std::collections::BTreeSet;

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use documents::receipt::french_size;
use domain::Principal;
use serde::Deserialize;
use store::letters::Letter;
use uuid::Uuid;

use crate::http::form::{ErrorLink, Fields};
use services::letters;

use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    calls,
    view::{Layout, render},
};

mod templates;

use templates::{save_template, template_list, template_page};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/gestion/appels/{id}/modules/{code}/courriers",
            get(show).post(generate),
        )
        .route(
            "/gestion/appels/{id}/modules/{code}/courriers/export",
            get(export),
        )
        .route(
            "/gestion/appels/{id}/modules/{code}/courriers/envoi",
            post(send),
        )
        .route("/candidatures/{id}/courrier.pdf", get(letter_pdf))
        .route("/candidatures/{id}/convention.pdf", get(convention_pdf))
        .route("/admin/modeles-de-courrier", get(template_list))
        .route(
            "/admin/modeles-de-courrier/{kind}",
            get(template_page).post(save_template),
        )
}

// ---------------------------------------------------------------------
// The letters of a module (staff of the call).

#[derive(Deserialize, Default)]
struct ModuleQuery {
    /// How many documents were just made (a number, never text).
    prepares: Option<usize>,
    /// How many applicants were just written to.
    envoyes: Option<usize>,
}

fn with_counts(layout: Layout, q: &ModuleQuery) -> Layout {
    if let Some(n) = q.prepares {
        let text = match n {
            0 => "Aucun nouveau document : les courriers de ce module étaient déjà préparés."
                .to_owned(),
            1 => "1 document préparé.".to_owned(),
            n => format!("{n} documents préparés."),
        };
        return layout.with_flash("success", text);
    }
    if let Some(n) = q.envoyes {
        let text = match n {
            0 => "Aucun courrier à envoyer : chaque structure a déjà reçu le sien.".to_owned(),
            1 => "1 courrier envoyé.".to_owned(),
            n => format!("{n} courriers envoyés."),
        };
        return layout.with_flash("success", text);
    }
    layout
}

struct DocRow {
    structure: String,
    application_id: Uuid,
    /// "Courrier" or "Convention".
    kind: &'static str,
    /// `courrier` or `convention`: the file of the download route.
    file: &'static str,
    outcome: &'static str,
    outcome_class: &'static str,
    size: String,
    status: &'static str,
    status_class: &'static str,
}

#[derive(Template)]
#[template(path = "letters/module.html")]
struct ModulePage {
    layout: Layout,
    call_id: Uuid,
    call_title: String,
    code: String,
    module_title: String,
    /// A CAF agent of the call: prepares and sends.
    manages: bool,
    /// Why the letters cannot be made yet.
    waiting: Option<String>,
    /// A refusal of the last action, shown at the top.
    alert: Option<String>,
    rows: Vec<DocRow>,
    /// Applications with documents, and how many of them were sent.
    applications: usize,
    queued: usize,
    pending: usize,
    failed: usize,
    to_send: usize,
}

/// The label of an outcome, with the class of its badge.
fn outcome_label(code: &str) -> (&'static str, &'static str) {
    let class = match code {
        "retained" => "badge badge-success",
        "module_unsuccessful" => "badge badge-warning",
        _ => "badge badge-error",
    };
    (letters::outcome_label(code), class)
}

/// The sending status of a letter, from its e-mail, with its badge.
fn sending(l: &Letter) -> (&'static str, &'static str) {
    let class = if l.queued_at.is_none() {
        "badge"
    } else {
        match l.email_status.as_deref() {
            Some("pending") => "badge badge-warning",
            Some("failed") => "badge badge-error",
            _ => "badge badge-success",
        }
    };
    (letters::sending_label(l), class)
}

async fn module_page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    call_id: Uuid,
    code: &str,
    alert: Option<String>,
    q: &ModuleQuery,
) -> Result<ModulePage, AppError> {
    let view = calls::staff_call(state, p, call_id).await?;
    let module = view.module(code).ok_or_else(AppError::not_found)?.clone();
    let manages = calls::manager(p, &view.call).is_some();
    let waiting = if manages {
        letters::waiting(state, p, call_id, code)
            .await?
            .map(AppError::from)
            .map(|e| match e.code {
                "not_decided" => "Les décisions de ce module ne sont pas toutes validées : les courriers attendent.".to_owned(),
                _ => e.message,
            })
    } else {
        None
    };
    let mut list = letters::letters(state, p, call_id, code).await?;
    list.sort_by(|a, b| {
        (
            &a.structure_name,
            a.application_id,
            a.kind != letters::RESULT,
        )
            .cmp(&(
                &b.structure_name,
                b.application_id,
                b.kind != letters::RESULT,
            ))
    });
    let mut apps = BTreeSet::new();
    let (mut queued, mut pending, mut failed) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for l in &list {
        apps.insert(l.application_id);
        if l.queued_at.is_some() {
            queued.insert(l.application_id);
        }
        match l.email_status.as_deref() {
            Some("pending") => {
                pending.insert(l.application_id);
            }
            Some("failed") => {
                failed.insert(l.application_id);
            }
            _ => {}
        }
    }
    let rows = list
        .iter()
        .map(|l| {
            let (outcome, outcome_class) = outcome_label(&l.outcome);
            let (status, status_class) = sending(l);
            let convention = l.kind == letters::CONVENTION;
            DocRow {
                structure: l.structure_name.clone(),
                application_id: l.application_id,
                kind: if convention { "Convention" } else { "Courrier" },
                file: if convention { "convention" } else { "courrier" },
                outcome,
                outcome_class,
                size: french_size(u64::try_from(l.size).unwrap_or(0)),
                status,
                status_class,
            }
        })
        .collect();
    let title = format!(
        "{}Courriers du module {} — {}",
        if alert.is_some() { "Erreur : " } else { "" },
        module.spec.code,
        view.call.title
    );
    Ok(ModulePage {
        layout: with_counts(Layout::new(auth, title), q),
        call_id,
        call_title: view.call.title.clone(),
        code: module.spec.code.clone(),
        module_title: module.spec.title.clone(),
        manages,
        waiting,
        alert,
        rows,
        applications: apps.len(),
        queued: queued.len(),
        pending: pending.len(),
        failed: failed.len(),
        to_send: apps.len() - queued.len(),
    })
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Query(q): Query<ModuleQuery>,
) -> Result<Html<String>, AppError> {
    render(&module_page(&state, &p, &auth, id, &code, None, &q).await?)
}

/// The page again with a refusal (409: not decided; 422: a template that
/// does not compile); other errors go to the error page.
async fn refused(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    call_id: Uuid,
    code: &str,
    e: AppError,
) -> Result<Response, AppError> {
    if !matches!(
        e.status,
        StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
    ) {
        return Err(e);
    }
    let status = e.status;
    let message = e.fields.values().next().cloned().unwrap_or(e.message);
    let page = module_page(
        state,
        p,
        auth,
        call_id,
        code,
        Some(message),
        &ModuleQuery::default(),
    )
    .await?;
    Ok((status, render(&page)?).into_response())
}

fn back_to(call_id: Uuid, code: &str, query: &str) -> Redirect {
    Redirect::to(&format!(
        "/gestion/appels/{call_id}/modules/{code}/courriers?{query}"
    ))
}

async fn generate(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Response, AppError> {
    let call_id = id;
    match letters::generate(&state, &p, call_id, &code)
        .await
        .map_err(AppError::from)
    {
        Ok(n) => Ok(back_to(call_id, &code, &format!("prepares={n}")).into_response()),
        Err(e) => refused(&state, &p, &auth, call_id, &code, e).await,
    }
}

async fn send(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Response, AppError> {
    let call_id = id;
    match letters::send_all(&state, &p, call_id, &code)
        .await
        .map_err(AppError::from)
    {
        Ok(n) => Ok(back_to(call_id, &code, &format!("envoyes={n}")).into_response()),
        Err(e) => refused(&state, &p, &auth, call_id, &code, e).await,
    }
}

/// The letters of a module and their dispatch as a spreadsheet.
async fn export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Query(f): Query<crate::http::sheet::FormatQuery>,
) -> Result<Response, AppError> {
    let format = crate::http::sheet::format_of(&f)?;
    let sheet = letters::letters_sheet(&state, &p, id, &code).await?;
    crate::http::sheet::send(
        sheet,
        format,
        &format!("courriers-{code}-{}", state.today()),
    )
    .await
}

/// The result letter of an application (staff once made, the applicant
/// once sent; 404 before).
async fn letter_pdf(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    crate::letters::pdf_response(&state, &p, id, letters::RESULT).await
}

/// The convention of a retained application.
async fn convention_pdf(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    crate::letters::pdf_response(&state, &p, id, letters::CONVENTION).await
}
