//! `POST|GET|DELETE /session`: cookie login for scripts and the tests.

use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use utoipa_axum::{router::OpenApiRouter, routes};

use services::accounts;

use crate::{
    AppError, AppState,
    auth::{ClientAddress, CurrentUser, MaybeUser, SESSION_COOKIE, Via, set_cookie},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create, show, delete))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionUser {
    id: String,
    email: String,
    name: String,
    roles: Vec<String>,
    /// Départements of the caller's departmental roles.
    departments: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    user: SessionUser,
    /// To send as `X-CSRF-Token` with state-changing calls made with the
    /// cookie; `null` when authenticated by a token.
    csrf_token: Option<String>,
}

/// Logs in: 204 and the session cookie.
#[utoipa::path(post, operation_id = "create_session", path = "/api/v1/session", tag = "session", request_body = Credentials,
    responses((status = 204, description = "Connecté"), (status = 401, description = "Identifiants incorrects"), (status = 429, description = "Trop de tentatives")))]
pub async fn create(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    ClientAddress(address): ClientAddress,
    Json(c): Json<Credentials>,
) -> Result<Response, AppError> {
    let session = accounts::login(
        &state,
        &c.email,
        &c.password,
        &address,
        auth.session_digest.as_deref(),
    )
    .await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, &session.secret, None),
    );
    Ok(res)
}

/// The caller (by cookie or by token).
#[utoipa::path(get, operation_id = "show_session", path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionInfo), (status = 401, description = "Non connecté")))]
pub async fn show(CurrentUser(p, auth): CurrentUser) -> Json<SessionInfo> {
    let csrf_token = (auth.via == Some(Via::Session)).then(|| auth.csrf_value());
    let mut departments: Vec<String> = p
        .grants
        .iter()
        .filter_map(|g| g.department.as_ref().map(ToString::to_string))
        .collect();
    departments.sort();
    departments.dedup();
    Json(SessionInfo {
        user: SessionUser {
            id: p.user_id.to_string(),
            email: p.email.clone(),
            name: p.name.clone(),
            roles: p
                .roles()
                .into_iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
            departments,
        },
        csrf_token,
    })
}

/// Logs out.
#[utoipa::path(delete, operation_id = "delete_session", path = "/api/v1/session", tag = "session", responses((status = 204, description = "Déconnecté")))]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(_, auth): CurrentUser,
) -> Result<Response, AppError> {
    if let Some(d) = &auth.session_digest {
        accounts::logout(&state, d).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    Ok(res)
}
