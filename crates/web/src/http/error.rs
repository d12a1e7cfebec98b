//! The one error type of the web layer. Handlers return `AppError`; the
//! `render_errors` middleware turns it (and axum's own rejections) into the
//! JSON error shape of API.md under `/api`, and a French page elsewhere.

use std::collections::BTreeMap;

use axum::{
    Json,
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{http::auth::Auth, view};

#[derive(Debug, Clone)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: BTreeMap<String, String>,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Vous devez vous connecter.",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Cette page ou cette ressource n'existe pas.",
        )
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn too_many(message: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
    }

    /// 422 with a message per field.
    pub fn invalid(fields: BTreeMap<String, String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_fields",
            message: "Certains champs sont invalides.".to_owned(),
            fields,
        }
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(BTreeMap::from([(field.to_owned(), message.into())]))
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Une erreur interne est survenue. Réessayez plus tard.",
        )
    }

    fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message.clone(),
                fields: (!self.fields.is_empty()).then(|| self.fields.clone()),
            },
        }
    }
}

/// The body of every error answer of the API: `{"error": {...}}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `invalid_fields`, `not_found`, `conflict`…
    pub code: String,
    /// In French, for people.
    pub message: String,
    /// With `invalid_fields`: a French message per field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

impl From<store::StoreError> for AppError {
    fn from(e: store::StoreError) -> Self {
        services::ServiceError::from(e).into()
    }
}

/// A service's error in the shapes of API.md and of the French pages.
impl From<services::ServiceError> for AppError {
    fn from(e: services::ServiceError) -> Self {
        use services::ServiceError as E;
        match e {
            E::NotFound => AppError::not_found(),
            E::Unauthenticated { code, message } => {
                AppError::new(StatusCode::UNAUTHORIZED, code, message)
            }
            E::Forbidden(message) => AppError::forbidden(message),
            E::Conflict { code, message } => AppError::conflict(code, message),
            E::Invalid(fields) => AppError::invalid(fields),
            E::Unprocessable {
                code,
                message,
                fields,
            } => AppError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code,
                message,
                fields,
            },
            E::TooLarge(message) => {
                AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
            }
            E::UnsupportedType(message) => AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_type",
                message,
            ),
            E::TooMany(message) => AppError::too_many(message),
            E::BadRequest(message) => AppError::bad_request(message),
            E::Internal(e) => AppError::internal(e),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        // A provisional JSON body; `render_errors` picks the final form.
        let mut res = (self.status, Json(self.body())).into_response();
        res.extensions_mut().insert(self);
        res
    }
}

pub async fn not_found() -> AppError {
    AppError::not_found()
}

fn default_error(status: StatusCode) -> AppError {
    let (code, message) = match status.as_u16() {
        400 => ("bad_request", "La requête est mal formée."),
        401 => ("unauthorized", "Vous devez vous connecter."),
        403 => ("forbidden", "Vous n'avez pas accès à cette page."),
        404 => ("not_found", "Cette page ou cette ressource n'existe pas."),
        405 => ("method_not_allowed", "Cette méthode n'est pas permise ici."),
        408 => ("timeout", "La requête a pris trop de temps."),
        413 => ("too_large", "Le contenu envoyé est trop volumineux."),
        415 => (
            "unsupported_media_type",
            "Ce type de contenu n'est pas accepté.",
        ),
        422 => ("invalid_fields", "Certains champs sont invalides."),
        429 => (
            "too_many_requests",
            "Trop de requêtes. Réessayez plus tard.",
        ),
        _ => (
            "internal",
            "Une erreur interne est survenue. Réessayez plus tard.",
        ),
    };
    AppError::new(status, code, message)
}

/// Renders every error response in the caller's language: the JSON shape
/// under `/api`, a French page (or a redirect to the login page) elsewhere.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    // Kept for the login redirect of a 401 (a cheap, shared copy).
    let uri = req.uri().clone();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let auth = res_auth(&res);
    let err = if let Some(e) = res.extensions().get::<AppError>() {
        e.clone()
    } else {
        // Responses made by axum's extractors or by tower layers:
        // keep their status, give them our shape.
        let ct = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if ct.starts_with("application/json") || ct.starts_with("text/html") {
            return res;
        }
        let mut e = default_error(status);
        if status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::BAD_REQUEST {
            let text = axum::body::to_bytes(res.into_body(), 4096)
                .await
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&text);
            e = body_rejection(status, &text);
        }
        e
    };
    if api {
        let mut out = (err.status, Json(err.body())).into_response();
        if err.status == StatusCode::UNAUTHORIZED {
            out.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        return out;
    }
    if err.status == StatusCode::UNAUTHORIZED {
        let path_and_query = uri.path_and_query().map_or("", |p| p.as_str());
        let next = form_urlencoded_component(path_and_query);
        return Redirect::to(&format!("/connexion?suivant={next}")).into_response();
    }
    let page = view::ErrorPage::new(&auth, &err);
    (err.status, Html(page)).into_response()
}

fn res_auth(res: &Response) -> Auth {
    res.extensions().get::<Auth>().cloned().unwrap_or_default()
}

/// Explains a rejected JSON body in French, naming the field when serde does.
fn body_rejection(status: StatusCode, text: &str) -> AppError {
    // A query value of the wrong type (`?limit=abc`): 422 like a body field.
    if let Some(rest) = text.strip_prefix("Failed to deserialize query string") {
        let rest = rest.trim_start_matches(':').trim();
        let field = match rest.split_once(": ") {
            Some((field, _)) if !field.contains(' ') => field,
            _ => "query",
        };
        return AppError::invalid_field(field, "Valeur invalide dans l'adresse.");
    }
    // A path segment that cannot be an identifier names nothing.
    if text.starts_with("Invalid URL") {
        return AppError::not_found();
    }
    if let Some(rest) = text.split("unknown field `").nth(1) {
        let field = rest.split('`').next().unwrap_or("?");
        return AppError::invalid_field(field, "Champ inconnu.");
    }
    if let Some(rest) = text.split("missing field `").nth(1) {
        let field = rest.split('`').next().unwrap_or("?");
        return AppError::invalid_field(field, "Ce champ est obligatoire.");
    }
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        let mut e = default_error(status);
        "Certains champs ont une valeur invalide.".clone_into(&mut e.message);
        return e;
    }
    AppError::bad_request("Le contenu envoyé est mal formé (JSON invalide).")
}

fn form_urlencoded_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push_str(&hex::encode_upper([b]));
        }
    }
    out
}

#[cfg(test)]
mod service_error_tests {
    use std::collections::BTreeMap;

    use axum::http::StatusCode;
    use services::ServiceError;

    use super::AppError;

    #[test]
    fn service_errors_keep_the_shapes_of_the_api() {
        let e = AppError::from(ServiceError::NotFound);
        assert_eq!((e.status, e.code), (StatusCode::NOT_FOUND, "not_found"));
        let e = AppError::from(ServiceError::Forbidden("Non.".into()));
        assert_eq!(
            (e.status, e.code, e.message.as_str()),
            (StatusCode::FORBIDDEN, "forbidden", "Non.")
        );
        let e = AppError::from(ServiceError::conflict("already_relaunched", "Déjà."));
        assert_eq!(
            (e.status, e.code, e.message.as_str()),
            (StatusCode::CONFLICT, "already_relaunched", "Déjà.")
        );
        let e = AppError::from(ServiceError::invalid_field("deadline", "À venir."));
        assert_eq!(
            (e.status, e.code, e.message.as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_fields",
                "Certains champs sont invalides."
            )
        );
        assert_eq!(
            e.fields,
            BTreeMap::from([("deadline".to_owned(), "À venir.".to_owned())])
        );
        let e = AppError::from(ServiceError::internal("disk full"));
        assert_eq!(
            (e.status, e.code),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal")
        );
        // The store's conflicts read as before.
        let e = AppError::from(store::StoreError::Conflict("email"));
        assert_eq!(
            (e.status, e.code, e.message.as_str()),
            (
                StatusCode::CONFLICT,
                "conflict",
                "Un compte existe déjà avec cette adresse e-mail."
            )
        );
    }
}
