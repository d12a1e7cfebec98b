//! Who is calling: the session cookie or a Bearer token, resolved once per
//! request into `Auth`; the CSRF guard on every state-changing request; and
//! the extractors handlers use (`CurrentUser`, `MaybeUser`).

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{HeaderMap, HeaderValue, Method, header, request::Parts},
    middleware::Next,
    response::Response,
};
use domain::Principal;

pub use services::accounts::{digest, new_secret};

use crate::{AppError, AppState};

pub const SESSION_COOKIE: &str = "promeneurs_session";
pub const CSRF_COOKIE: &str = "promeneurs_csrf";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
}

/// The caller, resolved by `authenticate`.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    pub principal: Option<Principal>,
    pub via: Option<Via>,
    /// The digest of the session id, when logged in by cookie.
    pub session_digest: Option<String>,
    /// The token a form of this response must carry.
    pub csrf: Option<CsrfToken>,
    /// The CAFs named in the pages' wordmark (empty for the API, the
    /// assets, or when the database does not answer).
    pub cafs: Arc<str>,
}

/// The CSRF token of this response. For a visitor without a session it is a
/// cookie value (double submit); `used` tells the middleware to set it.
#[derive(Debug, Clone)]
pub struct CsrfToken {
    pub value: String,
    fresh: bool,
    used: Arc<AtomicBool>,
}

impl CsrfToken {
    pub fn value(&self) -> &str {
        self.used.store(true, Ordering::Relaxed);
        &self.value
    }
}

impl Auth {
    pub fn csrf_value(&self) -> String {
        self.csrf
            .as_ref()
            .map(|c| c.value().to_owned())
            .unwrap_or_default()
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c = format!("{c}; Max-Age={age}");
    }
    if state.config.secure_cookies {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are URL-safe")
}

/// The client's address, for throttling. Behind `trust_proxy`, each of our
/// `proxy_hops` proxies appended the address it saw to `X-Forwarded-For`:
/// the client is that many entries from the right. What stands further left
/// was written by the client itself, so it is never read (rotating it must
/// not escape the per-address throttles).
pub fn client_address(
    state: &AppState,
    parts_headers: &HeaderMap,
    connect: Option<&ConnectInfo<std::net::SocketAddr>>,
) -> String {
    if state.config.trust_proxy
        && let Some(ip) = forwarded_client(parts_headers, state.config.proxy_hops)
    {
        return ip.to_string();
    }
    connect.map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// The entry `hops` from the right of all `X-Forwarded-For` headers taken
/// as one list, when it is an IP address.
fn forwarded_client(headers: &HeaderMap, hops: usize) -> Option<std::net::IpAddr> {
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let index = entries.len().checked_sub(hops.max(1))?;
    entries[index].parse().ok()
}

/// Resolves the caller once per request.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let mut auth = Auth::default();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_owned);
    if let Some(token) = bearer {
        match services::accounts::token_caller(&state, &token).await {
            Ok(Some(p)) => {
                auth.principal = Some(p);
                auth.via = Some(Via::Token);
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).into_response_with(&auth),
        }
        if auth.principal.is_none() {
            // A wrong or revoked token is an error, not an anonymous call.
            return AppError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "invalid_token",
                "Jeton d'accès invalide, expiré ou révoqué.",
            )
            .into_response_with(&auth);
        }
    } else if let Some(sid) = cookie(headers, SESSION_COOKIE) {
        match services::accounts::session_caller(&state, sid).await {
            Ok(Some(s)) => {
                auth.principal = Some(s.principal);
                auth.via = Some(Via::Session);
                auth.csrf = Some(CsrfToken {
                    value: s.csrf_token,
                    fresh: false,
                    used: Arc::default(),
                });
                auth.session_digest = Some(s.digest);
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).into_response_with(&auth),
        }
    }
    if auth.csrf.is_none() && auth.via.is_none() {
        let (value, fresh) = match cookie(req.headers(), CSRF_COOKIE) {
            Some(v) if v.len() >= 32 => (v.to_owned(), false),
            _ => (new_secret(), true),
        };
        auth.csrf = Some(CsrfToken {
            value,
            fresh,
            used: Arc::default(),
        });
    }
    let path = req.uri().path();
    if !path.starts_with("/api/") && !path.starts_with("/static/") {
        auth.cafs = services::reference::cafs_label(&state)
            .await
            .unwrap_or_default();
    }
    req.extensions_mut().insert(auth.clone());
    let mut res = next.run(req).await;
    if let Some(c) = &auth.csrf
        && c.fresh
        && c.used.load(Ordering::Relaxed)
    {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&state, CSRF_COOKIE, &c.value, None),
        );
    }
    res.extensions_mut().insert(auth);
    res
}

impl AppError {
    fn into_response_with(self, auth: &Auth) -> Response {
        let mut res = axum::response::IntoResponse::into_response(self);
        res.extensions_mut().insert(auth.clone());
        res
    }
}

fn same(a: &str, b: &str) -> bool {
    // Constant time over the length of the expected token.
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

const FORM_LIMIT: usize = 1024 * 1024;

/// Refuses state-changing requests made with ambient credentials (cookies)
/// that do not carry the CSRF token: forms carry it in a hidden field,
/// scripts in `X-CSRF-Token`. Bearer-token calls carry no ambient
/// authority and need none; nor does a JSON call without a session (the
/// API login), which browsers cannot forge across sites.
pub async fn csrf_guard(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let auth = req.extensions().get::<Auth>().cloned().unwrap_or_default();
    if auth.via == Some(Via::Token) {
        return next.run(req).await;
    }
    let expected = auth.csrf.as_ref().map(|c| c.value.clone());
    let forbidden = || {
        AppError::forbidden(
            "Jeton de sécurité (CSRF) absent ou invalide. Rechargez la page et réessayez.",
        )
        .into_response_with(&auth)
    };
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return match &expected {
            Some(e) if same(h, e) => next.run(req).await,
            _ => forbidden(),
        };
    }
    let api = req.uri().path().starts_with("/api/");
    if api {
        if auth.via.is_none() && ct.starts_with("application/json") {
            return next.run(req).await;
        }
        return forbidden();
    }
    if ct.starts_with("application/x-www-form-urlencoded") {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
            return AppError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "Le formulaire envoyé est trop volumineux.",
            )
            .into_response_with(&auth);
        };
        let token = form_urlencoded_value(&bytes, CSRF_FIELD);
        let ok = matches!((&token, &expected), (Some(t), Some(e)) if same(t, e));
        if !ok {
            return forbidden();
        }
        return next
            .run(Request::from_parts(parts, axum::body::Body::from(bytes)))
            .await;
    }
    // Multipart forms carry the token in their first part, read before the
    // rest of the body (see `multipart_token`).
    let Some(boundary) = super::multipart_token::boundary(&ct).map(str::to_owned) else {
        return forbidden();
    };
    let (parts, body) = req.into_parts();
    let (prefix, body) = super::multipart_token::peek(body, &boundary).await;
    let token = super::multipart_token::first_field(&prefix, &boundary, CSRF_FIELD);
    match (token, &expected) {
        (Some(t), Some(e)) if same(t, e) => next.run(Request::from_parts(parts, body)).await,
        _ => forbidden(),
    }
}

fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The authenticated caller; 401 otherwise (a redirect to the login page
/// for HTML pages).
pub struct CurrentUser(pub Principal, pub Auth);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let auth = parts.extensions.get::<Auth>().cloned().unwrap_or_default();
        match auth.principal.clone() {
            Some(p) => Ok(CurrentUser(p, auth)),
            None => Err(AppError::unauthorized()),
        }
    }
}

/// The caller, logged in or not.
pub struct MaybeUser(pub Auth);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(
            parts.extensions.get::<Auth>().cloned().unwrap_or_default(),
        ))
    }
}

/// The client's address, for throttling (see `client_address`).
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let connect = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientAddress(client_address(
            state,
            &parts.headers,
            connect,
        )))
    }
}

/// A local path to go back to after login; anything else goes home. Only
/// a path of this site is accepted: one leading slash, then printable ASCII
/// without backslashes or spaces (browsers drop tabs and newlines and read
/// `\` as `/`, which would turn `/\t/evil.example` into another origin).
pub fn safe_next(next: &str) -> &str {
    let local = next.len() <= 2048
        && next.starts_with('/')
        && !next.starts_with("//")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if local { next } else { "/accueil" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_return_path_stays_on_this_site() {
        for ok in ["/compte", "/gestion/appels?page=2", "/promeneurs/abc#x"] {
            assert_eq!(safe_next(ok), ok);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "evil.example",
            "/\r\nSet-Cookie: x=1",
            "/caf\u{e9}",
            "",
        ] {
            assert_eq!(safe_next(bad), "/accueil", "{bad:?}");
        }
    }

    #[test]
    fn the_client_is_counted_from_the_right_of_x_forwarded_for() {
        let mut h = HeaderMap::new();
        h.append("x-forwarded-for", "6.6.6.6, 10.0.0.1".parse().unwrap());
        h.append("x-forwarded-for", "192.0.2.7".parse().unwrap());
        assert_eq!(forwarded_client(&h, 1), Some("192.0.2.7".parse().unwrap()));
        assert_eq!(forwarded_client(&h, 2), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(forwarded_client(&h, 4), None);
        let mut forged = HeaderMap::new();
        forged.append("x-forwarded-for", "not-an-ip".parse().unwrap());
        assert_eq!(forwarded_client(&forged, 1), None);
    }
}
