//! Applications to calls, as the applicant structure and the staff of the
//! call see them: start an application, fill the form, upload the pieces,
//! file it and read the receipt, answer a complement request, withdraw.
//! Every check is in `calls::*`; these handlers read forms and render.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use documents::{filetype::FileType, receipt::french_size};
use domain::{DepartmentCode, Principal, call::ApplicationStatus, clock::french_instant};
use serde::Deserialize;
use store::{
    applications::{Application, Document},
    calls::{Call, Module},
    claims::ClaimStatus,
};
use uuid::Uuid;

mod apply;
mod receipts;
mod show;
mod thread;
mod withdraw;

use apply::{apply, apply_page};
use receipts::{audition_ics, receipt, receipt_pdf};
use show::{delete_document, download, save, show, submit, upload};
use thread::{complement, converse};
use withdraw::{withdraw, withdraw_page};

use crate::http::Id;
use crate::http::form::{ErrorLink, Errs, Fields, error_links};
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser, MaybeUser},
    calls::{self, ApplicationDraft, CallView, exports},
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/candidatures", get(mine))
        .route("/appels/{id}/candidater", get(apply_page).post(apply))
        .route("/candidatures/{id}", get(show).post(save))
        .route(
            "/candidatures/{id}/pieces",
            // The size limit is enforced while streaming (`calls::upload`).
            post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/candidatures/{id}/pieces/{doc}", get(download))
        .route(
            "/candidatures/{id}/pieces/{doc}/suppression",
            post(delete_document),
        )
        .route("/candidatures/{id}/depot", post(submit))
        .route("/candidatures/{id}/complement", post(complement))
        .route("/candidatures/{id}/messages", post(converse))
        .route(
            "/candidatures/{id}/retrait",
            get(withdraw_page).post(withdraw),
        )
        .route("/candidatures/{id}/accuses/{receipt}", get(receipt))
        .route("/candidatures/{id}/accuses/{receipt}/pdf", get(receipt_pdf))
        .route("/candidatures/{id}/audition.ics", get(audition_ics))
}

fn status_class(s: ApplicationStatus) -> &'static str {
    match s {
        ApplicationStatus::Submitted | ApplicationStatus::Retained => "badge badge-success",
        ApplicationStatus::ComplementRequested | ApplicationStatus::UnderReview => {
            "badge badge-warning"
        }
        ApplicationStatus::NotRetained | ApplicationStatus::Withdrawn => "badge badge-error",
        ApplicationStatus::Draft => "badge",
    }
}

/// Messages chosen by a code in the query string (never text from the URL).
fn message(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "creee" => {
            "La candidature est commencée : complétez le formulaire, déposez les pièces puis envoyez-la."
        }
        "enregistree" => "Le formulaire est enregistré.",
        "piece-deposee" => "La pièce est déposée.",
        "piece-supprimee" => "La pièce est supprimée.",
        "complement-demande" => {
            "La demande de complément est enregistrée : la structure est prévenue par e-mail."
        }
        "retiree" => "La candidature est retirée.",
        "message-envoye" => "Le message est envoyé : l'autre partie est prévenue par e-mail.",
        _ => return None,
    })
}

#[derive(Deserialize, Default)]
struct MessageQuery {
    message: Option<String>,
}

/// "Allier (03) et Puy-de-Dôme (63)" from the reference data.
async fn departments_names(state: &AppState, codes: &[DepartmentCode]) -> Result<String, AppError> {
    let all = services::reference::departments(state).await?;
    let names: Vec<String> = codes
        .iter()
        .map(|c| {
            all.iter()
                .find(|d| &d.code == c)
                .map_or_else(|| c.to_string(), |d| format!("{} ({c})", d.name))
        })
        .collect();
    Ok(match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    })
}

/// Why an account with no structure cannot apply yet.
async fn pending_claim(state: &AppState, p: &Principal) -> Result<Option<String>, AppError> {
    Ok(services::network::signup::my_claims(state, p)
        .await?
        .into_iter()
        .find(|c| c.status == ClaimStatus::Pending)
        .map(|c| c.structure_name))
}

// ---------- "Mes candidatures" ----------

struct MineRow {
    id: Uuid,
    call_title: String,
    module_code: String,
    structure_name: String,
    departments: String,
    status_label: &'static str,
    status_class: &'static str,
    updated: String,
}

#[derive(Template)]
#[template(path = "applications/mine.html")]
struct Mine {
    layout: Layout,
    rows: Vec<MineRow>,
    has_structure: bool,
    pending_claim: Option<String>,
}

async fn mine(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Response, AppError> {
    let structures = p.referent_structures();
    if structures.is_empty() && p.is_staff() {
        return Ok(Redirect::to("/gestion/appels").into_response());
    }
    let listed = calls::own_applications(
        &state,
        &p,
        &store::applications::Filter {
            limit: 500,
            ..Default::default()
        },
    )
    .await?;
    let mut rows = Vec::new();
    for a in listed.items {
        rows.push(MineRow {
            departments: departments_names(&state, &a.departments).await?,
            status_label: a.status.label(),
            status_class: status_class(a.status),
            updated: french_instant(a.updated_at),
            id: a.id,
            call_title: a.call_title,
            module_code: a.module_code,
            structure_name: a.structure_name,
        });
    }
    let pending_claim = if structures.is_empty() {
        pending_claim(&state, &p).await?
    } else {
        None
    };
    Ok(render(&Mine {
        layout: Layout::new(&auth, "Mes candidatures"),
        rows,
        has_structure: !structures.is_empty(),
        pending_claim,
    })?
    .into_response())
}
