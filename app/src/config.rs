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
    /// Answers of the public directory kept in memory per data version
    /// (0: compute every request).
    #[arg(long, global = true, env = "PROMENEURS_DIRECTORY_CACHE", default_value_t = web::network::directory::CACHE_ENTRIES)]
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

    pub fn web_config(&self) -> web::WebConfig {
        let mut c =
            web::WebConfig::new(self.base_url.as_deref().unwrap_or("http://127.0.0.1:8080"));
        c.trust_proxy = self.trust_proxy;
        c.directory_cache_entries = self.directory_cache;
        c.files_dir = self.data_dir.join("files");
        c.upload_limit = self.upload_limit_mb.saturating_mul(1_000_000);
        c.handover_months = self.handover_months.clamp(1, 12);
        c
    }
}
