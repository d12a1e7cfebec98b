//! Settings shared by every subcommand: flags and `PROMENEURS_*` variables,
//! with defaults that run at once.

use std::path::PathBuf;

use clap::Args;
use store::DatabaseUrl;

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Data directory (SQLite file, stored files).
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_DATA_DIR",
        default_value = "./promeneurs-data"
    )]
    pub data_dir: PathBuf,
    /// Database: a SQLite file in the data directory by default, or postgres://…
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Public address of the site, for links in e-mails.
    #[arg(long, global = true, env = "PROMENEURS_BASE_URL")]
    pub base_url: Option<String>,
    /// SMTP server (smtp://host:port); without it, e-mails are written to the log.
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_SMTP_URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// Sender of e-mails.
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_MAIL_FROM",
        default_value = "Promeneurs du Net <ne-pas-repondre@promeneurs.invalid>"
    )]
    pub mail_from: String,
    /// Trust X-Forwarded-For (only behind a reverse proxy).
    #[arg(long, global = true, env = "PROMENEURS_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// With --trust-proxy: how many proxies of ours stand in front of the
    /// server, each appending the address it saw to X-Forwarded-For. The
    /// client's address is that many entries from the right; entries further
    /// left were written by the client and are ignored.
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_PROXY_HOPS",
        default_value_t = 1,
        value_parser = clap::value_parser!(u8).range(1..=8)
    )]
    pub proxy_hops: u8,
    /// How long an API token stays valid after it is made, in days.
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_TOKEN_DAYS",
        default_value_t = 180,
        value_parser = clap::value_parser!(u16).range(1..=3650)
    )]
    pub token_days: u16,
    /// The longest a login session lasts, active or not, in hours.
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_SESSION_MAX_HOURS",
        default_value_t = 24,
        value_parser = clap::value_parser!(u16).range(1..=720)
    )]
    pub session_max_hours: u16,
    /// Answers of the public directory kept in memory per data version
    /// (0: compute every request).
    #[arg(long, global = true, env = "PROMENEURS_DIRECTORY_CACHE", default_value_t = services::directory::CACHE_ENTRIES)]
    pub directory_cache: usize,
    /// Largest document accepted in an application, in megabytes (413
    /// beyond).
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_UPLOAD_LIMIT_MB",
        default_value_t = 200
    )]
    pub upload_limit_mb: u64,
    /// How long an outgoing coordinator keeps read access after the new
    /// one starts (the handover), in months.
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_HANDOVER_MONTHS",
        default_value_t = 1
    )]
    pub handover_months: u32,
    /// Memory of the child process that reads spreadsheets and photos and
    /// typesets letters, in MB (beyond: the document is refused, 422).
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_SANDBOX_MEMORY_MB",
        default_value_t = services::sandbox::DEFAULT_MEMORY_MB,
        value_parser = clap::value_parser!(u64).range(64..=65536)
    )]
    pub sandbox_memory_mb: u64,
    /// CPU time of that child process, in seconds (beyond: the document is
    /// refused, 422).
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_SANDBOX_SECONDS",
        default_value_t = services::sandbox::DEFAULT_SECONDS,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub sandbox_seconds: u64,
    /// Log format: text or json.
    #[arg(
        long,
        global = true,
        env = "PROMENEURS_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: String,
}

impl Settings {
    pub fn database_url(&self) -> DatabaseUrl {
        match &self.database_url {
            Some(u) if !u.is_empty() => DatabaseUrl::new(u.clone()),
            _ => DatabaseUrl::sqlite_in(&self.data_dir),
        }
    }

    /// The settings of the services: what the worker, the import and the
    /// web layer share.
    pub fn services(&self) -> services::Settings {
        let mut s =
            services::Settings::new(self.base_url.as_deref().unwrap_or("http://127.0.0.1:8080"));
        s.token_lifetime = jiff::SignedDuration::from_hours(24 * i64::from(self.token_days));
        s.session_max = jiff::SignedDuration::from_hours(i64::from(self.session_max_hours));
        s.directory_cache_entries = self.directory_cache;
        s.files_dir = self.data_dir.join("files");
        s.upload_limit = self.upload_limit_mb.saturating_mul(1_000_000);
        s.handover_months = self.handover_months.clamp(1, 12);
        s.sandbox = self.sandbox_config();
        s
    }

    /// The settings of `serve`: the services' and the web layer's own.
    pub fn web_config(&self) -> web::WebConfig {
        let mut c =
            web::WebConfig::new(self.base_url.as_deref().unwrap_or("http://127.0.0.1:8080"));
        c.trust_proxy = self.trust_proxy;
        c.proxy_hops = usize::from(self.proxy_hops);
        c.services = self.services();
        c
    }

    /// The child process for untrusted documents: this very binary. When
    /// its path cannot be read, the work runs in process, unprotected: say
    /// so loudly rather than silently.
    pub fn sandbox_config(&self) -> services::sandbox::SandboxConfig {
        let binary = std::env::current_exe()
            .inspect_err(|e| {
                tracing::error!(error = %e, "no path to this binary: untrusted documents are read in process, without limits");
            })
            .ok();
        services::sandbox::SandboxConfig {
            binary,
            memory_mb: self.sandbox_memory_mb,
            seconds: self.sandbox_seconds,
        }
    }
}
