//! The HTTP layer: server-rendered French pages (work without JavaScript)
//! and the JSON API of API.md, over the same services. One folder per area
//! holds its pages and its API side by side; `http/` holds what they share.
//! Handlers read the request, call a service, render; no SQL here.

mod accounts;
mod admin;
mod api;
pub mod applications;
mod assets;
pub mod auditions;
pub mod calls;
pub mod committee;
mod directory;
pub mod handover;
pub mod home;
pub mod http;
pub mod letters;
pub use services::mail;
pub mod network;
pub mod pages;
mod public_info;
mod reference;
mod trainings;
pub use services::sandbox;
mod view;

use std::sync::Arc;

use axum::{Router, middleware};
use domain::Clock;
use store::Db;

// `crate::auth::…` and `crate::AppError` are named in some forty page and
// API modules: these two re-exports keep those paths rather than touch them.
pub use http::auth;
pub use http::error::AppError;
pub use http::security::HSTS;
pub use services::Ctx;

/// Settings of the web layer: its own, and the services' settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (on when the base url is https).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (behind a proxy).
    pub trust_proxy: bool,
    /// Behind `trust_proxy`: the number of proxies of ours, each appending
    /// to `X-Forwarded-For`; the client is that many entries from the right.
    pub proxy_hops: usize,
    /// What the services need (base url, lifetimes, files, sandbox...).
    pub services: services::Settings,
}

impl WebConfig {
    pub fn new(base_url: &str) -> Self {
        let services = services::Settings::new(base_url);
        Self {
            secure_cookies: services.base_url.starts_with("https://"),
            trust_proxy: false,
            proxy_hops: 1,
            services,
        }
    }
}

/// What every handler shares; cloned per request, so kept behind one
/// `Arc` (one counter to touch instead of one per field). It dereferences
/// to the services' context: `state.db`, `state.settings`, and a handler
/// passes `&state` to a service taking `&Ctx`.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub ctx: Ctx,
    pub config: Arc<WebConfig>,
    /// Spreadsheet imports running in this process.
    pub import_progress: Arc<http::ImportProgress>,
}

impl std::ops::Deref for Shared {
    type Target = Ctx;

    fn deref(&self) -> &Ctx {
        &self.ctx
    }
}

impl AppState {
    pub fn new(db: Db, config: WebConfig, clock: Arc<dyn Clock>) -> Self {
        Self(Arc::new(Shared {
            ctx: Ctx::with_settings(db, clock, config.services.clone()),
            import_progress: Arc::default(),
            config: Arc::new(config),
        }))
    }
}

/// The whole application: pages, API, assets, with the security layers.
pub fn router(state: AppState) -> Router {
    let https = state.settings.base_url.starts_with("https://");
    let app = Router::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(assets::router())
        .fallback(http::error::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn(http::error::render_errors))
        .with_state(state);
    http::security::apply(app, https)
}
