//! The home over the API: the same parts, counts and links as the page.

use axum::{Json, extract::State};
use serde::Serialize;
use services::home::{self, Home, Section, Task};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{AppError, AppState, auth::CurrentUser};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show))
}

#[derive(Serialize, ToSchema)]
pub struct TaskOut {
    label: String,
    /// How many, when the task is a count.
    count: Option<i64>,
    /// The page where it is done.
    href: String,
    detail: Option<String>,
    /// Something waits for the caller.
    pending: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SectionOut {
    title: String,
    tasks: Vec<TaskOut>,
    note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HomeOut {
    sections: Vec<SectionOut>,
}

fn task(t: Task) -> TaskOut {
    TaskOut {
        label: t.label,
        count: t.count,
        href: t.href,
        detail: t.detail,
        pending: t.pending,
    }
}

fn section(s: Section) -> SectionOut {
    SectionOut {
        title: s.title,
        tasks: s.tasks.into_iter().map(task).collect(),
        note: s.note,
    }
}

fn out(h: Home) -> HomeOut {
    HomeOut {
        sections: h.sections.into_iter().map(section).collect(),
    }
}

/// What the caller has to do next, by role (the home page's content).
#[utoipa::path(get, operation_id = "home", path = "/api/v1/home", tag = "session",
    responses((status = 200, body = HomeOut), (status = 401)))]
pub async fn show(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
) -> Result<Json<HomeOut>, AppError> {
    Ok(Json(out(home::home(&state, &p).await?)))
}
