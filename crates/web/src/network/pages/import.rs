//! Spreadsheet import in the browser: upload, a preview with every error
//! by row and column (nothing written), confirmation, progress for large
//! files, the result.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use domain::Principal;
use services::imports::{self as import, Kind, Plan, PlannedRow, RowError, batch::Confirmed};
use uuid::Uuid;

use super::read_multipart;
use crate::http::Id;
use crate::http::form::Fields;
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    network::import_file_error,
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/reseau/import",
            get(form_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(import::MAX_BYTES + 64 * 1024)),
        )
        .route("/reseau/import/{id}", get(status_page).post(confirm))
}

fn staff(p: &Principal) -> Result<(), AppError> {
    if p.is_staff() {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

#[derive(Template)]
#[template(path = "network/import.html")]
struct FormPage {
    layout: Layout,
    kind: String,
    error: Option<String>,
    columns_structures: Vec<(&'static str, &'static str)>,
    columns_promeneurs: Vec<(&'static str, &'static str)>,
}

fn columns(kind: Kind) -> Vec<(&'static str, &'static str)> {
    kind.columns()
        .iter()
        .map(|(h, _, help)| (*h, *help))
        .collect()
}

fn form(auth: &Auth, kind: &str, error: Option<String>) -> FormPage {
    FormPage {
        layout: Layout::new(
            auth,
            if error.is_some() {
                "Erreur : importer un tableur"
            } else {
                "Importer un tableur"
            },
        ),
        kind: kind.to_owned(),
        error,
        columns_structures: columns(Kind::Structures),
        columns_promeneurs: columns(Kind::Promeneurs),
    }
}

async fn form_page(CurrentUser(p, auth): CurrentUser) -> Result<Html<String>, AppError> {
    staff(&p)?;
    render(&form(&auth, "promeneurs", None))
}

#[derive(Template)]
#[template(path = "network/import_report.html")]
struct Report {
    layout: Layout,
    kind: &'static str,
    file_name: String,
    batch: Option<Uuid>,
    errors: Vec<RowError>,
    rows: Vec<PlannedRow>,
    creates: usize,
    updates: usize,
    ignored: Vec<String>,
}

fn report(auth: &Auth, plan: &Plan, file_name: &str, batch: Option<Uuid>) -> Report {
    let title = if plan.is_valid() {
        "Vérification du fichier : prêt à importer"
    } else {
        "Erreur : le fichier contient des erreurs"
    };
    Report {
        layout: Layout::new(auth, title),
        kind: plan.kind.as_str(),
        file_name: file_name.to_owned(),
        batch,
        errors: plan.errors.clone(),
        rows: plan.rows.iter().take(200).cloned().collect(),
        creates: plan.creates(),
        updates: plan.updates(),
        ignored: plan.ignored_columns.clone(),
    }
}

async fn upload(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    form_data: Multipart,
) -> Result<Response, AppError> {
    staff(&p)?;
    let (f, file) = read_multipart(form_data, "file").await?;
    let kind_text = f.get("kind").to_owned();
    let Some(kind) = Kind::parse(&kind_text) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&form(
                &auth,
                "promeneurs",
                Some("Choisissez ce que contient le fichier.".into()),
            ))?,
        )
            .into_response());
    };
    let Some(bytes) = file else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&form(
                &auth,
                &kind_text,
                Some("Choisissez un fichier.".into()),
            ))?,
        )
            .into_response());
    };
    let communes = state.communes().await?;
    let plan = match import::plan(
        &state.db,
        &p,
        &communes,
        kind,
        &bytes,
        &state.settings.sandbox,
    )
    .await
    {
        Ok(plan) => plan,
        Err(e) => {
            let err = import_file_error(e);
            return Ok((
                err.status,
                render(&form(&auth, &kind_text, Some(err.message)))?,
            )
                .into_response());
        }
    };
    let file_name = f.get("file_name").to_owned();
    if !plan.is_valid() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&report(&auth, &plan, &file_name, None))?,
        )
            .into_response());
    }
    let batch = import::keep_batch(&state, p.user_id, kind, &file_name, &bytes).await?;
    render(&report(&auth, &plan, &file_name, Some(batch))).map(IntoResponse::into_response)
}

async fn confirm(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    _f: Fields,
) -> Result<Response, AppError> {
    staff(&p)?;
    match import::batch::confirm(&state, &p, id, &state.import_progress).await? {
        Confirmed::Invalid(plan, file_name) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&report(&auth, &plan, &file_name, None))?,
        )
            .into_response()),
        Confirmed::Started => Ok(Redirect::to(&format!("/reseau/import/{id}")).into_response()),
    }
}

#[derive(Template)]
#[template(path = "network/import_status.html")]
struct StatusPage {
    layout: Layout,
    file_name: String,
    kind: String,
    done: usize,
    total: usize,
    running: bool,
    summary: String,
    pending: bool,
    id: Uuid,
}

async fn status_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Html<String>, AppError> {
    staff(&p)?;
    let batch = import::batch(&state, p.user_id, id).await?;
    let progress = state.import_progress.of(id);
    let running = progress.is_some();
    let (done, total) = progress.unwrap_or((0, 0));
    let title = if running {
        "Import en cours"
    } else if batch.status == "applied" {
        "Import terminé"
    } else {
        "Import non confirmé"
    };
    let mut layout = Layout::new(&auth, title);
    if running {
        layout.refresh = Some(2);
    }
    render(&StatusPage {
        layout,
        file_name: batch.file_name,
        kind: batch.kind,
        done,
        total,
        running,
        summary: batch.summary,
        pending: batch.status == "pending" && !running,
        id,
    })
}
