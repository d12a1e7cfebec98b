//! Reference data: départements (with each CAF's settings) and communes.

use axum::{
    Json,
    extract::{Path, Query, State},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::json::{Page, Paging};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::CafForm;
use crate::{AppError, AppState, auth::CurrentUser};
use services::network::caf::{pilot, update};
use services::reference;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(departments))
        .routes(routes!(department, update_department))
        .routes(routes!(communes))
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentOut {
    code: String,
    name: String,
    caf_name: String,
    caf_address: String,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    publication_director: String,
    host: String,
}

impl From<store::reference::Department> for DepartmentOut {
    fn from(d: store::reference::Department) -> Self {
        Self {
            code: d.code.into(),
            name: d.name,
            caf_name: d.caf_name,
            caf_address: d.caf_address,
            contact_name: d.contact_name,
            contact_email: d.contact_email,
            contact_phone: d.contact_phone,
            publication_director: d.publication_director,
            host: d.host,
        }
    }
}

/// The départements served, with their CAF.
#[utoipa::path(get, path = "/api/v1/departments", tag = "reference", responses((status = 200, body = Page<DepartmentOut>)))]
pub async fn departments(
    State(state): State<AppState>,
) -> Result<Json<Page<DepartmentOut>>, AppError> {
    let items: Vec<DepartmentOut> = reference::departments(&state)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

#[utoipa::path(get, path = "/api/v1/departments/{code}", tag = "reference",
    params(("code" = String, Path, description = "Code INSEE du département")),
    responses((status = 200, body = DepartmentOut), (status = 404, description = "Inconnu")))]
pub async fn department(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<DepartmentOut>, AppError> {
    let d = reference::department(&state, &code).await?;
    Ok(Json(d.into()))
}

/// Updates a CAF's details (CAF agents of that département, administrators).
#[utoipa::path(patch, path = "/api/v1/departments/{code}", tag = "reference", request_body = CafForm,
    params(("code" = String, Path, description = "Code INSEE du département")),
    responses((status = 200, body = DepartmentOut), (status = 404, description = "Inconnu ou hors de votre périmètre"), (status = 422, description = "Champ invalide")))]
pub async fn update_department(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Path(code): Path<String>,
    Json(form): Json<CafForm>,
) -> Result<Json<DepartmentOut>, AppError> {
    let cap = pilot(&p, &code)?;
    update(&state, &p, &cap, &form.into()).await?;
    let d = reference::department(&state, cap.department.as_str()).await?;
    Ok(Json(d.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommuneQuery {
    /// Name (any case, any accents) or postal code.
    #[serde(default)]
    q: String,
    #[serde(default)]
    department: String,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CommuneOut {
    insee: String,
    name: String,
    postal_codes: Vec<String>,
    department: String,
    lat: f64,
    lon: f64,
    population: i64,
    epci: Option<String>,
}

/// Communes by name or postal code.
#[utoipa::path(get, path = "/api/v1/communes", tag = "reference", params(CommuneQuery),
    responses((status = 200, body = Page<CommuneOut>)))]
pub async fn communes(
    State(state): State<AppState>,
    Query(q): Query<CommuneQuery>,
) -> Result<Json<Page<CommuneOut>>, AppError> {
    let paging = Paging {
        limit: q.limit,
        offset: q.offset,
    };
    let (list, total) =
        reference::communes(&state, &q.q, &q.department, paging.limit(), paging.offset()).await?;
    let items = list
        .into_iter()
        .map(|c| CommuneOut {
            postal_codes: c.postal_code_list(),
            insee: c.insee,
            name: c.name,
            department: c.department.into(),
            lat: c.lat,
            lon: c.lon,
            population: c.population,
            epci: c.epci_name,
        })
        .collect();
    Ok(Json(Page { items, total }))
}
