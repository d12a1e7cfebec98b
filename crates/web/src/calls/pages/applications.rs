//! The applications to a call, for its staff: a table filtered by module,
//! département and status, its export as a spreadsheet, and the filed
//! documents of a module in one ZIP. Scoped like every read of
//! applications: a CAF 63 agent never sees an application for 03 alone.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::{Html, Response},
    routing::get,
};
use domain::{DepartmentCode, Principal, call::ApplicationStatus};
use serde::Deserialize;
use store::applications::{Application, Document, Filter};
use uuid::Uuid;

use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    calls::{self, CallView},
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/appels/{id}/candidatures", get(list))
        .route("/gestion/appels/{id}/candidatures/export", get(export))
        .route(
            "/gestion/appels/{id}/modules/{code}/pieces.zip",
            get(bundle),
        )
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    module: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    format: String,
}

/// The call, for its staff only (404 for anyone else).
async fn staff_call(state: &AppState, p: &Principal, id: Uuid) -> Result<CallView, AppError> {
    calls::staff_call(state, p, id)
        .await
        .map_err(AppError::from)
}

/// Filed applications `p` may see, with their documents.
async fn applications(
    state: &AppState,
    p: &Principal,
    v: &CallView,
    q: &ListQuery,
) -> Result<(Vec<Application>, Vec<Document>), AppError> {
    let known = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let filter = Filter {
        call_id: Some(v.call.id),
        module_code: known(&q.module).filter(|m| v.module(m).is_some()),
        department: known(&q.department).filter(|d| v.call.covers(d)),
        status: ApplicationStatus::parse(&q.status),
        filed_only: true,
        limit: 10_000,
        ..Default::default()
    };
    let listed = calls::filed_applications(state, p, v, filter).await?;
    Ok((listed.items, listed.documents))
}

struct Row {
    id: Uuid,
    structure: String,
    module: String,
    departments: String,
    status: &'static str,
    status_label: &'static str,
    submitted: String,
    documents: usize,
}

struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "calls/applications.html")]
struct List {
    layout: Layout,
    id: Uuid,
    title: String,
    rows: Vec<Row>,
    modules: Vec<Choice>,
    departments: Vec<Choice>,
    statuses: Vec<Choice>,
    module: String,
    department: String,
    status: String,
    export_query: String,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let v = staff_call(&state, &p, id).await?;
    let (items, docs) = applications(&state, &p, &v, &q).await?;
    let rows = items
        .iter()
        .map(|a| Row {
            id: a.id,
            structure: a.structure_name.clone(),
            module: a.module_code.clone(),
            departments: DepartmentCode::join(&a.departments, ", "),
            status: a.status.as_str(),
            status_label: a.status.label(),
            // To the minute; the receipt's PDF and the export keep the second.
            submitted: a
                .submitted_at
                .map(calls::french_instant_weekday)
                .unwrap_or_default(),
            documents: docs.iter().filter(|d| d.application_id == a.id).count(),
        })
        .collect();
    let export_query = serde_urlencoded::to_string([
        ("module", q.module.as_str()),
        ("department", q.department.as_str()),
        ("status", q.status.as_str()),
    ])
    .unwrap_or_default();
    render(&List {
        layout: Layout::new(&auth, format!("Candidatures — {}", v.call.title)),
        id: v.call.id,
        title: v.call.title.clone(),
        rows,
        modules: v
            .modules
            .iter()
            .map(|m| Choice {
                value: m.spec.code.clone(),
                label: format!("{} — {}", m.spec.code, m.spec.title),
            })
            .collect(),
        departments: v
            .call
            .departments
            .iter()
            .map(|d| Choice {
                value: d.department.to_string(),
                label: format!("{} ({})", d.name, d.department),
            })
            .collect(),
        statuses: ApplicationStatus::ALL
            .iter()
            .filter(|s| **s != ApplicationStatus::Draft)
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: s.label().to_owned(),
            })
            .collect(),
        module: q.module,
        department: q.department,
        status: q.status,
        export_query,
    })
}

/// The filtered table as CSV, XLSX or ODS.
async fn export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let v = staff_call(&state, &p, id).await?;
    let format = crate::http::sheet::parse_format(Some(&q.format))?;
    let (items, docs) = applications(&state, &p, &v, &q).await?;
    let stem = match v.module(&q.module) {
        Some(m) => format!("candidatures-{}", m.spec.code),
        None => "candidatures".to_owned(),
    };
    calls::exports::applications_sheet(&items, &docs, format, &stem).await
}

/// The filed documents of a module's applications, one folder per
/// structure; withdrawn applications are left out.
async fn bundle(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Response, AppError> {
    calls::exports::module_zip(&state, &p, id, &code).await
}
