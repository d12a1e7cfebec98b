//! The database handle: SQLite (a file in the data directory, WAL, writes
//! serialised through a one-connection pool) or PostgreSQL, with the
//! migrations of each backend and the macros that run one query on either.

use std::{fmt, path::Path, str::FromStr, time::Duration};

use jiff::Timestamp;
use sqlx::{
    Executor, PgPool, SqlitePool,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("invalid data: {0}")]
    Invalid(String),
}

impl StoreError {
    /// Turns a unique-constraint violation into `Conflict(what)`.
    #[must_use]
    pub fn unique_as(self, what: &'static str) -> Self {
        match &self {
            StoreError::Database(e)
                if e.as_database_error()
                    .is_some_and(sqlx::error::DatabaseError::is_unique_violation) =>
            {
                StoreError::Conflict(what)
            }
            _ => self,
        }
    }
}

/// A database URL whose `Debug` and `Display` hide the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The default: a SQLite file inside the data directory.
    pub fn sqlite_in(data_dir: &Path) -> Self {
        Self(format!(
            "sqlite://{}",
            data_dir.join("promeneurs.sqlite").display()
        ))
    }

    pub fn backend(&self) -> Backend {
        if self.0.starts_with("postgres://") || self.0.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    fn redacted(&self) -> String {
        match (self.0.find("://"), self.0.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &self.0[s + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &self.0[..s + 3], &self.0[at..]),
                    None => self.0.clone(),
                }
            }
            _ => self.0.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// A write transaction. Audit entries and outbox jobs are written in the
/// same transaction as the change they belong to.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs `$body` with `$c` bound to a pool of the current backend (reads).
macro_rules! read {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { read: $c, .. } => $body,
            $crate::db::Db::Postgres($c) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the connection of a write transaction.
macro_rules! write {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
    ),
    (
        2,
        "network",
        include_str!("../migrations/sqlite/0002_network.sql"),
    ),
    (
        3,
        "calls",
        include_str!("../migrations/sqlite/0003_calls.sql"),
    ),
    (
        4,
        "committee",
        include_str!("../migrations/sqlite/0004_committee.sql"),
    ),
    (
        5,
        "trust",
        include_str!("../migrations/sqlite/0005_trust.sql"),
    ),
    (
        6,
        "revisions",
        include_str!("../migrations/sqlite/0006_revisions.sql"),
    ),
    (
        7,
        "list_order",
        include_str!("../migrations/sqlite/0007_list_order.sql"),
    ),
    (
        8,
        "public_info",
        include_str!("../migrations/sqlite/0008_public_info.sql"),
    ),
    (
        9,
        "conversation",
        include_str!("../migrations/sqlite/0009_conversation.sql"),
    ),
    (
        10,
        "trainings",
        include_str!("../migrations/sqlite/0010_trainings.sql"),
    ),
    (
        11,
        "training_reminders",
        include_str!("../migrations/sqlite/0011_training_reminders.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "network",
        include_str!("../migrations/postgres/0002_network.sql"),
    ),
    (
        3,
        "calls",
        include_str!("../migrations/postgres/0003_calls.sql"),
    ),
    (
        4,
        "committee",
        include_str!("../migrations/postgres/0004_committee.sql"),
    ),
    (
        5,
        "trust",
        include_str!("../migrations/postgres/0005_trust.sql"),
    ),
    (
        6,
        "revisions",
        include_str!("../migrations/postgres/0006_revisions.sql"),
    ),
    (
        7,
        "list_order",
        include_str!("../migrations/postgres/0007_list_order.sql"),
    ),
    (
        8,
        "public_info",
        include_str!("../migrations/postgres/0008_public_info.sql"),
    ),
    (
        9,
        "conversation",
        include_str!("../migrations/postgres/0009_conversation.sql"),
    ),
    (
        10,
        "trainings",
        include_str!("../migrations/postgres/0010_trainings.sql"),
    ),
    (
        11,
        "training_reminders",
        include_str!("../migrations/postgres/0011_training_reminders.sql"),
    ),
];

impl Db {
    /// Connects; for SQLite, creates the file (and its directory) if missing.
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, StoreError> {
        match url.backend() {
            Backend::Postgres => {
                let opts = PgConnectOptions::from_str(url.expose())?;
                Self::connect_postgres(opts).await
            }
            Backend::Sqlite => {
                let opts = SqliteConnectOptions::from_str(url.expose())?;
                if let Some(dir) = opts.get_filename().parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir).map_err(|e| StoreError::Invalid(e.to_string()))?;
                }
                Self::connect_sqlite(opts).await
            }
        }
    }

    pub async fn connect_sqlite(opts: SqliteConnectOptions) -> Result<Self, StoreError> {
        let opts = opts
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite { read, write })
    }

    pub async fn connect_postgres(opts: PgConnectOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Db::Postgres(pool))
    }

    /// A PostgreSQL database confined to its own schema (created if
    /// missing): each test gets one.
    pub async fn connect_postgres_schema(
        url: &DatabaseUrl,
        schema: &str,
    ) -> Result<Self, StoreError> {
        if !schema
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(StoreError::Invalid(format!("schema name {schema:?}")));
        }
        let opts = PgConnectOptions::from_str(url.expose())?;
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}"
            )))
            .await?;
        admin.close().await;
        Self::connect_postgres(opts.options([("search_path", schema)])).await
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite { write, .. } => Tx::Sqlite(write.begin().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// `SELECT 1`: for readiness probes.
    pub async fn ping(&self) -> Result<(), StoreError> {
        read!(self, c => { c.execute("SELECT 1").await?; });
        Ok(())
    }

    /// Applies the migrations not yet applied, each in its own transaction.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        let migrations = match self.backend() {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        let mut tx = self.begin().await?;
        write!(&mut tx, c => {
            c.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            )
            .await?;
        });
        tx.commit().await?;
        let mut applied = Vec::new();
        for &(version, name, sql) in migrations {
            let mut tx = self.begin().await?;
            // On PostgreSQL several instances may start together: the lock
            // makes the second wait for the first, then skip.
            if let Tx::Postgres(t) = &mut tx {
                t.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                    .await?;
            }
            let done: Option<(i64,)> = write!(&mut tx, c => {
                sqlx::query_as("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(version)
                    .fetch_optional(c)
                    .await?
            });
            if done.is_none() {
                write!(&mut tx, c => { sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *c).await?; });
                write!(&mut tx, c => {
                    sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                        .bind(version)
                        .bind(name)
                        .bind(micros(Timestamp::now()))
                        .execute(c)
                        .await?.rows_affected();
                });
                applied.push(version);
            }
            tx.commit().await?;
        }
        Ok(applied)
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                write.close().await;
                read.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Instants are stored as microseconds since the Unix epoch.
pub fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub fn from_micros(us: i64) -> Timestamp {
    Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_hide_their_password() {
        let u = DatabaseUrl::new("postgres://app:s3cret@db.example:5432/pdn");
        assert_eq!(
            format!("{u:?}"),
            "DatabaseUrl(postgres://app:***@db.example:5432/pdn)"
        );
        assert!(!u.to_string().contains("s3cret"));
        assert_eq!(u.backend(), Backend::Postgres);
        assert_eq!(DatabaseUrl::new("sqlite://x.db").backend(), Backend::Sqlite);
    }

    /// The PostgreSQL migrations are the SQLite ones with PostgreSQL column
    /// types (`scripts/pg-migrations` writes them); the first one was written
    /// by hand and differs only in its booleans. Triggers differ by dialect:
    /// from the line `TRIGGERS` on, the two files need only put triggers on
    /// the same events of the same tables.
    #[test]
    fn postgres_migrations_follow_sqlite() {
        assert_eq!(SQLITE_MIGRATIONS.len(), POSTGRES_MIGRATIONS.len());
        for (lite, pg) in SQLITE_MIGRATIONS.iter().zip(POSTGRES_MIGRATIONS) {
            assert_eq!((lite.0, lite.1), (pg.0, pg.1));
            let (lite_schema, lite_triggers) = lite.2.split_once(TRIGGERS).unwrap_or((lite.2, ""));
            let (pg_schema, pg_triggers) = pg.2.split_once(TRIGGERS).unwrap_or((pg.2, ""));
            assert_eq!(
                triggered(lite_triggers),
                triggered(pg_triggers),
                "migration {}: triggers differ",
                lite.1
            );
            let text = lite_schema.replace(
                "INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))",
                "BOOLEAN NOT NULL DEFAULT TRUE",
            );
            let postgres_type = |w: &str| match w {
                "BLOB" => "UUID".to_owned(),
                "INTEGER" => "BIGINT".to_owned(),
                "REAL" => "DOUBLE PRECISION".to_owned(),
                other => other.to_owned(),
            };
            let mut converted = String::new();
            let mut word = String::new();
            for c in text.chars() {
                if c.is_ascii_alphanumeric() || c == '_' {
                    word.push(c);
                } else {
                    converted.push_str(&postgres_type(&word));
                    word.clear();
                    converted.push(c);
                }
            }
            converted.push_str(&postgres_type(&word));
            assert_eq!(converted, pg_schema, "migration {} differs", lite.1);
        }
    }

    /// The line after which a migration's triggers are written per dialect.
    const TRIGGERS: &str = "-- TRIGGERS\n";

    /// (table, event) of every `CREATE TRIGGER … AFTER E1 OR E2 ON table`.
    fn triggered(sql: &str) -> std::collections::BTreeSet<(String, String)> {
        let mut out = std::collections::BTreeSet::new();
        for line in sql.lines().filter(|l| l.starts_with("CREATE TRIGGER ")) {
            let (_, after) = line.split_once(" AFTER ").expect("AFTER triggers only");
            let (events, rest) = after.split_once(" ON ").expect("ON table");
            let table = rest.split_whitespace().next().unwrap_or_default();
            for e in events.split(" OR ") {
                out.insert((table.to_owned(), e.to_owned()));
            }
        }
        out
    }
}
