//! Pages anyone may open: home, commune search, health probes.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use store::reference::{Commune, Department};

use crate::{
    AppError, AppState,
    auth::MaybeUser,
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/communes", get(communes))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    layout: Layout,
    departments: Vec<Department>,
}

async fn home(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
) -> Result<Html<String>, AppError> {
    let departments = services::reference::departments(&state).await?;
    render(&Home {
        layout: Layout::new(&auth, "Accueil"),
        departments,
    })
}

#[derive(Deserialize)]
struct CommuneQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    department: String,
}

#[derive(Template)]
#[template(path = "communes.html")]
struct Communes {
    layout: Layout,
    q: String,
    department: String,
    departments: Vec<Department>,
    communes: Vec<Commune>,
    total: i64,
}

async fn communes(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Query(query): Query<CommuneQuery>,
) -> Result<Html<String>, AppError> {
    let q = query.q.trim().chars().take(100).collect::<String>();
    let departments = services::reference::departments(&state).await?;
    let department = if departments.iter().any(|d| d.code == query.department) {
        query.department
    } else {
        String::new()
    };
    let (communes, total) = if q.is_empty() {
        (Vec::new(), 0)
    } else {
        services::reference::communes(&state, &q, &department, 100, 0).await?
    };
    let title = if q.is_empty() {
        "Rechercher une commune".to_owned()
    } else {
        format!("Communes : « {q} »")
    };
    render(&Communes {
        layout: Layout::new(&auth, title),
        q,
        department,
        departments,
        communes,
        total,
    })
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [("content-type", "application/json")],
                r#"{"error":{"code":"unavailable","message":"La base de données ne répond pas."}}"#,
            )
                .into_response()
        }
    }
}
