//! The HTTP layer: server-rendered French pages (work without JavaScript)
//! and the JSON API of API.md, over the same services. Handlers extract,
//! authorise, call the store, render; no SQL here.

pub mod accounts;
mod api;
mod assets;
pub mod auditions;
pub mod auth;
pub mod calls;
pub mod committee;
mod error;
pub mod handover;
pub mod letters;
pub mod mail;
pub mod network;
pub mod pages;
pub mod relaunch;
pub use services::sandbox;
mod security;
mod view;

use std::sync::Arc;

use axum::{Router, middleware};
use domain::Clock;
use jiff::SignedDuration;
use store::Db;
use tokio::sync::Notify;

pub use error::AppError;
pub use security::HSTS;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The public address, used in e-mailed links ("https://pdn.caf03.fr").
    pub base_url: String,
    /// Mark cookies `Secure` (on when `base_url` is https).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (behind a proxy).
    pub trust_proxy: bool,
    /// Behind `trust_proxy`: the number of proxies of ours, each appending
    /// to `X-Forwarded-For`; the client is that many entries from the right.
    pub proxy_hops: usize,
    /// A session ends after this long without a request...
    pub session_ttl: SignedDuration,
    /// ...and after this long in any case (an absolute limit).
    pub session_max: SignedDuration,
    /// An API token stops working this long after it was made.
    pub token_lifetime: SignedDuration,
    pub reset_link_ttl: SignedDuration,
    pub activation_link_ttl: SignedDuration,
    /// Answers of the public directory kept per data version (0: none).
    pub directory_cache_entries: usize,
    /// Where documents of calls and applications are stored.
    pub files_dir: std::path::PathBuf,
    /// The largest document accepted, in bytes (413 beyond).
    pub upload_limit: u64,
    /// How long an outgoing coordinator keeps read access, in months.
    pub handover_months: u32,
    /// The child process that reads and typesets untrusted documents.
    pub sandbox: sandbox::SandboxConfig,
}

impl WebConfig {
    pub fn new(base_url: &str) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        Self {
            secure_cookies: base_url.starts_with("https://"),
            base_url,
            trust_proxy: false,
            proxy_hops: 1,
            session_ttl: SignedDuration::from_hours(12),
            session_max: SignedDuration::from_hours(24),
            token_lifetime: SignedDuration::from_hours(24 * 180),
            reset_link_ttl: SignedDuration::from_hours(1),
            activation_link_ttl: SignedDuration::from_hours(24 * 7),
            directory_cache_entries: network::directory::CACHE_ENTRIES,
            files_dir: std::path::PathBuf::from("promeneurs-data/files"),
            upload_limit: calls::DEFAULT_UPLOAD_LIMIT,
            handover_months: 1,
            sandbox: sandbox::SandboxConfig::default(),
        }
    }
}

/// What every handler shares; cloned per request, so kept behind one
/// `Arc` (one counter to touch instead of one per field).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub clock: Arc<dyn Clock>,
    /// Wakes the in-process worker when a job is queued.
    pub jobs_queued: Arc<Notify>,
    /// The public directory, served from memory.
    pub directory: Arc<network::directory::Directory>,
    communes: Arc<tokio::sync::OnceCell<Arc<network::input::CommuneIndex>>>,
    /// Spreadsheet imports running in this process.
    pub import_progress: Arc<pages::import::Progress>,
    /// Documents of calls and applications.
    pub blobs: store::blobs::BlobStore,
}

impl AppState {
    pub fn new(db: Db, config: WebConfig, clock: Arc<dyn Clock>) -> Self {
        let directory = Arc::new(network::directory::Directory::with_cache(
            config.directory_cache_entries,
        ));
        Self(Arc::new(Shared {
            db,
            clock,
            jobs_queued: Arc::new(Notify::new()),
            directory,
            communes: Arc::default(),
            import_progress: Arc::default(),
            blobs: store::blobs::BlobStore::new(config.files_dir.clone()),
            config: Arc::new(config),
        }))
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Today in Europe/Paris.
    pub fn today(&self) -> jiff::civil::Date {
        domain::clock::in_paris(self.now()).date()
    }

    /// The communes served (reference data: loaded once).
    pub async fn communes(&self) -> Result<Arc<network::input::CommuneIndex>, store::StoreError> {
        self.communes
            .get_or_try_init(|| async {
                let all = store::reference::all_communes(&self.db).await?;
                Ok(Arc::new(network::input::CommuneIndex::new(all)))
            })
            .await
            .cloned()
    }
}

/// The whole application: pages, API, assets, with the security layers.
pub fn router(state: AppState) -> Router {
    let https = state.config.base_url.starts_with("https://");
    let app = Router::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(assets::router())
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn(error::render_errors))
        .with_state(state);
    security::apply(app, https)
}
