//! What every service needs from its surroundings.

use std::{path::PathBuf, sync::Arc};

use domain::{Clock, clock::in_paris};
use jiff::{SignedDuration, Timestamp, civil::Date};
use store::{Db, blobs::BlobStore};
use tokio::sync::{Notify, OnceCell};

use crate::{
    committee::CommitteeCache, directory::Directory, network::input::CommuneIndex,
    sandbox::SandboxConfig,
};

/// The settings of the services (the web layer adds its own: cookies,
/// proxies).
#[derive(Debug, Clone)]
pub struct Settings {
    /// The public address, for links in e-mails ("https://pdn.caf03.fr",
    /// no trailing slash).
    pub base_url: String,
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
    pub files_dir: PathBuf,
    /// The largest document accepted, in bytes.
    pub upload_limit: u64,
    /// How long an outgoing coordinator keeps read access, in months.
    pub handover_months: u32,
    /// The child process that reads and typesets untrusted documents.
    pub sandbox: SandboxConfig,
}

/// The largest document accepted by default: 200 MB.
pub const DEFAULT_UPLOAD_LIMIT: u64 = 200_000_000;

impl Settings {
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            session_ttl: SignedDuration::from_hours(12),
            session_max: SignedDuration::from_hours(24),
            token_lifetime: SignedDuration::from_hours(24 * 180),
            reset_link_ttl: SignedDuration::from_hours(1),
            activation_link_ttl: SignedDuration::from_hours(24 * 7),
            directory_cache_entries: crate::directory::CACHE_ENTRIES,
            files_dir: PathBuf::from("promeneurs-data/files"),
            upload_limit: DEFAULT_UPLOAD_LIMIT,
            handover_months: 1,
            sandbox: SandboxConfig::default(),
        }
    }
}

/// The wordmark's CAF names and the moment they were read.
pub(crate) type CafsLabel = (std::time::Instant, Arc<str>);

/// The context of a service: the database, the clock, the settings, the
/// document store and what is shared in memory (the directory, the
/// communes). Cheap to clone.
#[derive(Clone)]
pub struct Ctx {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    /// Documents of calls and applications.
    pub blobs: BlobStore,
    /// The public directory, served from memory.
    pub directory: Arc<Directory>,
    /// Wakes the in-process worker when a job is queued.
    pub jobs_queued: Arc<Notify>,
    /// What the calls' committees read, per call revision.
    pub(crate) committee: Arc<CommitteeCache>,
    communes: Arc<OnceCell<Arc<CommuneIndex>>>,
    /// The CAFs' names of the wordmark, with when they were read.
    pub(crate) cafs_label: Arc<std::sync::RwLock<Option<CafsLabel>>>,
}

impl Ctx {
    /// A context with default settings but its base url.
    pub fn new(db: Db, clock: Arc<dyn Clock>, base_url: &str) -> Self {
        Self::with_settings(db, clock, Settings::new(base_url))
    }

    pub fn with_settings(db: Db, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Self {
            db,
            clock,
            blobs: BlobStore::new(settings.files_dir.clone()),
            directory: Arc::new(Directory::with_cache(settings.directory_cache_entries)),
            jobs_queued: Arc::new(Notify::new()),
            committee: Arc::default(),
            communes: Arc::default(),
            cafs_label: Arc::default(),
            settings: Arc::new(settings),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Today in Paris.
    pub fn today(&self) -> Date {
        in_paris(self.now()).date()
    }

    /// The communes served (reference data: loaded once).
    pub async fn communes(&self) -> Result<Arc<CommuneIndex>, store::StoreError> {
        self.communes
            .get_or_try_init(|| async {
                let all = store::reference::all_communes(&self.db).await?;
                Ok(Arc::new(CommuneIndex::new(all)))
            })
            .await
            .cloned()
    }
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}
