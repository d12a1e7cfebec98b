//! Accounts, audit log, e-mail log and tokens over the API.

use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::json::{Page, Paging};
use utoipa_axum::{router::OpenApiRouter, routes};

use services::accounts::{self, actor};
use services::admin::{self, admin};

use crate::http::Id;
use crate::{AppError, AppState, auth::CurrentUser};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(audit))
        .routes(routes!(emails))
        .routes(routes!(revoke_token))
}

/// What an administrator fills in to create an account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub email: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub departments: Vec<String>,
}

impl From<UserInput> for accounts::UserInput {
    fn from(u: UserInput) -> Self {
        Self {
            email: u.email,
            name: u.name,
            role: u.role,
            departments: u.departments,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GrantOut {
    role: String,
    department: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    id: String,
    email: String,
    name: String,
    active: bool,
    activated: bool,
    roles: Vec<GrantOut>,
    created_at: String,
}

fn user_out(u: store::users::User) -> UserOut {
    UserOut {
        id: u.id.to_string(),
        email: u.email.into(),
        name: u.name,
        active: u.active,
        activated: u.has_password,
        roles: u
            .grants
            .into_iter()
            .map(|g| GrantOut {
                role: g.role.to_string(),
                department: g.department.map(|d| d.to_string()),
            })
            .collect(),
        created_at: domain::clock::in_paris(u.created_at)
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
    }
}

/// Every account (administrators).
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", params(Paging), responses((status = 200, body = Page<UserOut>)))]
pub async fn list_users(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(pg): Query<Paging>,
) -> Result<Json<Page<UserOut>>, AppError> {
    let cap = admin(&p)?;
    let (list, total) = admin::users(&state, &cap, pg.limit(), pg.offset()).await?;
    Ok(Json(Page {
        items: list.into_iter().map(user_out).collect(),
        total,
    }))
}

/// Creates an account; the person receives an activation link.
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = UserInput,
    responses((status = 201, body = UserOut), (status = 422, description = "Champs invalides")))]
pub async fn create_user(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Json(input): Json<UserInput>,
) -> Result<(StatusCode, Json<UserOut>), AppError> {
    let cap = admin(&p)?;
    let user = accounts::create_user(&state, &cap, &actor(&p), &input.into()).await?;
    Ok((StatusCode::CREATED, Json(user_out(user))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    entity: Option<String>,
    entity_id: Option<String>,
    action: Option<String>,
    actor: Option<String>,
    /// RFC 3339 instant.
    from: Option<String>,
    to: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    id: String,
    at: String,
    actor_id: Option<String>,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    department: Option<String>,
    #[schema(value_type = Object)]
    changes: serde_json::Value,
}

fn instant(field: &str, v: Option<&String>) -> Result<Option<jiff::Timestamp>, AppError> {
    v.map(|s| s.parse::<jiff::Timestamp>())
        .transpose()
        .map_err(|_| {
            AppError::invalid_field(
                field,
                "Instant invalide : utilisez le format RFC 3339 (2024-03-17T23:59:59+01:00).",
            )
        })
}

/// The audit log: everything for administrators, their départements for CAF
/// agents and coordinators.
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditQuery), responses((status = 200, body = Page<AuditOut>)))]
pub async fn audit(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Page<AuditOut>>, AppError> {
    admin::journal_reader(&p)?;
    let paging = Paging {
        limit: q.limit,
        offset: q.offset,
    };
    let filter = store::audit::Filter {
        departments: None,
        entity: q.entity.clone(),
        entity_id: q.entity_id.clone(),
        action: q.action.clone(),
        actor: q.actor.clone(),
        from: instant("from", q.from.as_ref())?,
        to: instant("to", q.to.as_ref())?,
        limit: paging.limit(),
        offset: paging.offset(),
    };
    let (list, total) = admin::journal(&state, &p, filter).await?;
    let items = list
        .into_iter()
        .map(|e| AuditOut {
            id: e.id.to_string(),
            at: domain::clock::in_paris(e.at)
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
            actor_id: e.actor_id.map(|u| u.to_string()),
            actor: e.actor_label,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            department: e.department,
            changes: e.changes,
        })
        .collect();
    Ok(Json(Page { items, total }))
}

#[derive(Serialize, ToSchema)]
pub struct EmailOut {
    id: String,
    to: String,
    subject: String,
    template: String,
    status: String,
    error: Option<String>,
    attempts: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmailQuery {
    status: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The e-mail log (administrators).
#[utoipa::path(get, path = "/api/v1/emails", tag = "admin", params(EmailQuery), responses((status = 200, body = Page<EmailOut>)))]
pub async fn emails(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(q): Query<EmailQuery>,
) -> Result<Json<Page<EmailOut>>, AppError> {
    let cap = admin(&p)?;
    let paging = Paging {
        limit: q.limit,
        offset: q.offset,
    };
    let (list, total) = admin::emails(
        &state,
        &cap,
        q.status.as_deref(),
        paging.limit(),
        paging.offset(),
    )
    .await?;
    let items = list
        .into_iter()
        .map(|e| EmailOut {
            id: e.id.to_string(),
            to: e.to,
            subject: e.subject,
            template: e.template,
            status: e.status,
            error: e.error,
            attempts: e.attempts,
        })
        .collect();
    Ok(Json(Page { items, total }))
}

/// Revokes an API token (administrators).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 204, description = "Révoqué"), (status = 404, description = "Inconnu ou déjà révoqué")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    let cap = admin(&p)?;
    admin::revoke_token(&state, &p, &cap, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
