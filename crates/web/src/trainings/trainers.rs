//! Who trains: a provider structure's trainers over the API
//! (`/api/v1/structures/{id}/trainers`) and on its page (« Formateurs »,
//! for its referent; staff of its département read it), and the
//! administrator's form that adds a trainer by hand. Every read and write
//! goes through `services::trainings::trainers`.

use askama::Template;
use axum::{
    Json, Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use domain::clock::french_date;
use serde::{Deserialize, Serialize};
use services::trainings::trainers::{self, TrainerInput, Trainers};
use store::{reference::Department, structures::Structure};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::http::Id;
use crate::http::form::{ErrorLink, Errs, Fields, error_links, redisplay};
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    view::{Layout, render},
};

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(trainers_list, trainers_designate))
        .routes(routes!(trainers_end))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/reseau/structures/{id}/formateurs",
            get(page).post(designate),
        )
        .route("/reseau/structures/{id}/formateurs/{user}/fin", post(end))
        .route("/admin/formateurs", get(admin_page).post(admin_designate))
}

#[derive(Serialize, ToSchema)]
pub struct ProvisionOut {
    department: String,
    call_id: String,
    call_title: String,
    service_starts_on: String,
    service_ends_on: String,
}

#[derive(Serialize, ToSchema)]
pub struct TrainerOut {
    user_id: String,
    name: String,
    email: String,
    activated: bool,
    departments: Vec<String>,
    /// The last day of the designation (`null`: no end).
    ends_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TrainersOut {
    structure_id: String,
    /// Where the structure is the retained module 2 provider.
    provisions: Vec<ProvisionOut>,
    items: Vec<TrainerOut>,
}

fn out(t: Trainers) -> TrainersOut {
    TrainersOut {
        structure_id: t.structure.id.to_string(),
        provisions: t
            .provisions
            .into_iter()
            .map(|p| ProvisionOut {
                department: p.department.to_string(),
                call_id: p.call_id.to_string(),
                call_title: p.call_title,
                service_starts_on: p.starts_on.to_string(),
                service_ends_on: p.ends_on.to_string(),
            })
            .collect(),
        items: t
            .trainers
            .into_iter()
            .map(|t| TrainerOut {
                user_id: t.user_id.to_string(),
                name: t.name,
                email: t.email,
                activated: t.activated,
                departments: t.departments.into_iter().map(String::from).collect(),
                ends_on: t.ends_on.map(|d| d.to_string()),
            })
            .collect(),
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TrainerIn {
    email: String,
    /// Needed when the address has no account yet.
    name: String,
    /// Default: where the structure is the retained provider.
    departments: Vec<String>,
    /// An administrator's end (`YYYY-MM-DD`).
    ends_on: String,
}

#[utoipa::path(get, path = "/api/v1/structures/{id}/trainers", tag = "trainings",
    params(("id" = Uuid, Path, description = "Identifiant de la structure")),
    responses((status = 200, body = TrainersOut), (status = 403), (status = 404)))]
pub async fn trainers_list(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<TrainersOut>, AppError> {
    Ok(Json(out(trainers::trainers(&state, &p, id).await?)))
}

#[utoipa::path(post, path = "/api/v1/structures/{id}/trainers", tag = "trainings",
    params(("id" = Uuid, Path, description = "Identifiant de la structure")), request_body = TrainerIn,
    responses((status = 201, body = TrainerOut), (status = 403), (status = 404), (status = 422)))]
pub async fn trainers_designate(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<TrainerIn>,
) -> Result<(StatusCode, Json<TrainerOut>), AppError> {
    let input = TrainerInput {
        email: input.email,
        name: input.name,
        departments: input.departments,
        ends_on: input.ends_on,
    };
    let user = trainers::designate(&state, &p, id, &input).await?;
    let all = out(trainers::trainers(&state, &p, id).await?);
    let one = all
        .items
        .into_iter()
        .find(|t| t.user_id == user.to_string())
        .ok_or_else(AppError::not_found)?;
    Ok((StatusCode::CREATED, Json(one)))
}

#[utoipa::path(delete, path = "/api/v1/structures/{id}/trainers/{user_id}", tag = "trainings",
    params(("id" = Uuid, Path, description = "Identifiant de la structure"),
           ("user_id" = Uuid, Path, description = "Identifiant du compte du formateur")),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn trainers_end(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, user)): Id<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    trainers::end(&state, &p, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

struct Row {
    id: Uuid,
    name: String,
    email: String,
    activated: bool,
    departments: String,
    until: String,
}

#[derive(Template)]
#[template(path = "trainings/trainers.html")]
struct Page {
    layout: Layout,
    structure: Structure,
    provisions: Vec<String>,
    rows: Vec<Row>,
    can_manage: bool,
    by_hand: bool,
    departments: Vec<Department>,
    input: TrainerInput,
    errors: Errs,
    summary: Vec<ErrorLink>,
}

impl Page {
    fn checked(&self, code: &domain::DepartmentCode) -> bool {
        self.input.departments.iter().any(|d| d == code.as_str())
    }
}

#[derive(Deserialize, Default)]
struct MessageQuery {
    message: Option<String>,
}

const ORDER: &[&str] = &["email", "name", "departments", "ends_on"];

async fn view(
    state: &AppState,
    auth: &Auth,
    t: Trainers,
    input: TrainerInput,
    errors: Errs,
) -> Result<Page, AppError> {
    let departments = if t.by_hand {
        services::reference::departments(state).await?
    } else {
        Vec::new()
    };
    let summary = error_links(&errors, ORDER, &[("departments", "departments-legend")]);
    Ok(Page {
        layout: Layout::new(auth, format!("Formateurs — {}", t.structure.name)),
        provisions: t
            .provisions
            .iter()
            .map(|p| {
                format!(
                    "{} : {} (du {} au {})",
                    p.department,
                    p.call_title,
                    french_date(p.starts_on),
                    french_date(p.ends_on)
                )
            })
            .collect(),
        rows: t
            .trainers
            .iter()
            .map(|x| Row {
                id: x.user_id,
                name: x.name.clone(),
                email: x.email.clone(),
                activated: x.activated,
                departments: x
                    .departments
                    .iter()
                    .map(domain::DepartmentCode::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                until: x.ends_on.map_or_else(
                    || "sans fin".to_owned(),
                    |d| format!("jusqu'au {}", french_date(d)),
                ),
            })
            .collect(),
        structure: t.structure,
        can_manage: t.can_manage,
        by_hand: t.by_hand,
        departments,
        input,
        errors,
        summary,
    })
}

async fn page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<MessageQuery>,
) -> Result<Response, AppError> {
    let t = trainers::trainers(&state, &p, id).await?;
    let mut v = view(&state, &auth, t, TrainerInput::default(), Errs::default()).await?;
    let flash = match q.message.as_deref() {
        Some("designe") => Some("Le formateur est désigné : il a reçu un e-mail."),
        Some("fin") => {
            Some("La désignation est terminée : ce compte n'est plus formateur de la structure.")
        }
        _ => None,
    };
    if let Some(f) = flash {
        v.layout = v.layout.with_flash("success", f);
    }
    Ok(render(&v)?.into_response())
}

fn input_of(f: &Fields) -> TrainerInput {
    TrainerInput {
        email: f.get("email").to_owned(),
        name: f.get("name").to_owned(),
        departments: f.all("departments"),
        ends_on: f.get("ends_on").to_owned(),
    }
}

async fn designate(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let input = input_of(&f);
    match trainers::designate(&state, &p, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/reseau/structures/{id}/formateurs?message=designe"
        ))
        .into_response()),
        Err(e) => {
            redisplay(e, |errors| async {
                let t = trainers::trainers(&state, &p, id).await?;
                view(&state, &auth, t, input, errors).await
            })
            .await
        }
    }
}

async fn end(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, user)): Id<(Uuid, Uuid)>,
    _f: Fields,
) -> Result<Redirect, AppError> {
    trainers::end(&state, &p, id, user).await?;
    Ok(Redirect::to(&format!(
        "/reseau/structures/{id}/formateurs?message=fin"
    )))
}

#[derive(Template)]
#[template(path = "trainings/trainers_admin.html")]
struct AdminPage {
    layout: Layout,
    structures: Vec<Structure>,
    structure: String,
    departments: Vec<Department>,
    input: TrainerInput,
    errors: Errs,
    summary: Vec<ErrorLink>,
}

impl AdminPage {
    fn checked(&self, code: &domain::DepartmentCode) -> bool {
        self.input.departments.iter().any(|d| d == code.as_str())
    }
}

async fn admin_view(
    state: &AppState,
    (p, auth): (&domain::Principal, &Auth),
    structure: String,
    input: TrainerInput,
    errors: Errs,
) -> Result<AdminPage, AppError> {
    let structures = trainers::structures_for_admin(state, p).await?;
    let summary = error_links(
        &errors,
        &["structure", "email", "name", "departments", "ends_on"],
        &[("departments", "departments-legend")],
    );
    Ok(AdminPage {
        layout: Layout::new(auth, "Ajouter un formateur"),
        structures,
        structure,
        departments: services::reference::departments(state).await?,
        input,
        errors,
        summary,
    })
}

async fn admin_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Response, AppError> {
    let v = admin_view(
        &state,
        (&p, &auth),
        String::new(),
        TrainerInput::default(),
        Errs::default(),
    )
    .await?;
    Ok(render(&v)?.into_response())
}

async fn admin_designate(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    f: Fields,
) -> Result<Response, AppError> {
    let input = input_of(&f);
    let structure = f.get("structure").to_owned();
    let result = match structure.parse::<Uuid>() {
        Ok(id) => trainers::designate(&state, &p, id, &input)
            .await
            .map(|_| id)
            .map_err(AppError::from),
        Err(_) => Err(AppError::invalid_field(
            "structure",
            "Choisissez la structure du formateur.",
        )),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!(
            "/reseau/structures/{id}/formateurs?message=designe"
        ))
        .into_response()),
        Err(e) => {
            redisplay(e, |errors| {
                admin_view(&state, (&p, &auth), structure.clone(), input, errors)
            })
            .await
        }
    }
}
