//! Persistence: one [`Store`] over SQLite (embedded) or PostgreSQL (several
//! app instances), through sqlx's Any driver and portable SQL.
//!
//! Conventions that keep one SQL text valid on both engines:
//! - `$1` placeholders; ids are made by the application (random text);
//! - integers are `BIGINT`/`INTEGER` and read as `i64`; flags are 0/1;
//! - timestamps are UTC text in one fixed, sortable format ([`ts`]);
//! - money is decimal text parsed into `rust_decimal::Decimal`.
//!
//! Every write runs in a transaction that begins with `BEGIN IMMEDIATE` on
//! SQLite (so concurrent writers queue instead of failing half-way), and the
//! audit row of a change is written in the same transaction as the change.

mod audit;
mod cases;
mod catalogues;
mod copies;
mod directory;
mod handovers;
mod organisations;
mod sessions;
mod shares;
mod throttle;
mod users;

pub use audit::{AuditEntry, AuditEvent, AuditOutcome, AuditPage, AuditQuery, NewAuditEvent};
pub use cases::{
    CaseNow, CasePage, CaseQuery, CaseRecord, CaseSummary, NewCase, SaveOutcome, SectionRecord,
};
pub use catalogues::IndicatorListRow;
pub use copies::Inventory;
pub use directory::{
    DirectorySave, DirectoryVersion, ImportCounts, ImportOutcome, Suggestion, SuggestionDecision,
};
pub use handovers::{
    HandoverChange, HandoverMessage, HandoverRecord, InboxPage, InboxQuery, MoveOutcome,
    NewHandover, SnapshotMeta,
};
pub use organisations::{NewOrganisation, Organisation};
pub use sessions::{Challenge, SessionActor, SessionRecord};
pub use shares::{NewShareLink, ShareLink};
pub use users::{
    normalise_username, AccountSetup, NewUser, SecondFactor, SetupReason, User, UserChange,
    UserCredentials, NO_PASSWORD,
};

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../server/migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("../server/migrations/postgres");

/// The database engine behind a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// Which engine a database URL names, or `None` for anything else.
    pub fn from_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value (named) is already taken.
    #[error("{0} is already taken")]
    Taken(&'static str),
    #[error("not found")]
    NotFound,
    /// The case is closed (its `closed_on` is set): it takes no change
    /// but the moves that end its handover.
    #[error("the case is closed")]
    Closed,
    #[error("invalid stored value in {0}")]
    Corrupt(&'static str),
    /// The database URL names no supported engine or an unusable database.
    #[error("unsupported database URL: {0}")]
    BadUrl(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Pool settings.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// SQLite only: how long a writer waits for the lock before failing.
    pub busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("engine", &self.engine)
            .finish()
    }
}

impl Store {
    /// Opens a pool. For SQLite the file (and its folder) is created when
    /// missing, and every connection gets the durability pragmas.
    pub async fn connect(url: &str, options: StoreOptions) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let engine =
            Engine::from_url(url).ok_or(StoreError::BadUrl("use sqlite:// or postgres://"))?;
        let url = match engine {
            Engine::Sqlite => prepare_sqlite_url(url)?,
            Engine::Postgres => url.to_string(),
        };
        let connect = AnyConnectOptions::from_str(&url)?;
        let busy_ms = options.busy_timeout.as_millis() as u64;
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if conn.backend_name().eq_ignore_ascii_case("sqlite") {
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA secure_delete = ON",
                        ] {
                            conn.execute(pragma).await?;
                        }
                        conn.execute(sqlx::AssertSqlSafe(format!(
                            "PRAGMA busy_timeout = {busy_ms}"
                        )))
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(connect)
            .await?;
        Ok(Store { pool, engine })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The connection pool, for bulk writes outside the store's API.
    // Bench data generator only (tests/src/bin/plan_gen.rs): the
    // application goes through the store's methods.
    #[doc(hidden)]
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies the migrations of this engine that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        let migrator = match self.engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Whether the database answers (for readiness checks).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Reads one pragma-like value (for tests and diagnostics).
    pub async fn sqlite_pragma(&self, name: &str) -> Result<Option<String>> {
        if self.engine != Engine::Sqlite
            || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        {
            return Ok(None);
        }
        use sqlx::Row;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA {name}")))
            .fetch_one(&self.pool)
            .await?;
        let value = row
            .try_get::<String, _>(0)
            .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))?;
        Ok(Some(value))
    }

    /// The tables and their columns, sorted (for the schema-parity test).
    pub async fn schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        let sql = match self.engine {
            Engine::Sqlite => {
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' \
                 ORDER BY m.name, p.name"
            }
            Engine::Postgres => {
                "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
                 ORDER BY table_name, column_name"
            }
        };
        let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&self.pool).await?;
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for (table, column) in rows {
            match out.last_mut() {
                Some((t, cols)) if *t == table => cols.push(column),
                _ => out.push((table, vec![column])),
            }
        }
        Ok(out)
    }

    /// Begins a write transaction: `BEGIN IMMEDIATE` on SQLite.
    async fn write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file of a SQLite database URL (`sqlite://PATH?options`); None for
/// another engine or an in-memory database.
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    (!path.is_empty() && path != ":memory:").then(|| path.into())
}

/// Makes sure the SQLite file's folder exists and that the file is created
/// when missing (`mode=rwc`).
fn prepare_sqlite_url(url: &str) -> Result<String> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if sqlite_path(url).is_none() {
        // An in-memory database exists once per connection: useless for a pool.
        return Err(StoreError::BadUrl(
            "in-memory SQLite loses everything at exit; give a file path",
        ));
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
    }
    let query = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".to_string()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

/// Timestamps are stored as UTC text in one fixed-width format, so that
/// comparing the text compares the times on both engines.
pub mod ts {
    use super::*;

    pub fn to_db(t: DateTime<Utc>) -> String {
        t.to_rfc3339_opts(SecondsFormat::Micros, true)
    }

    pub fn from_db(s: &str) -> Result<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| StoreError::Corrupt("timestamp"))
    }
}

/// A new random id: 128 bits, hex.
pub fn new_id() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Maps a unique-constraint violation to [`StoreError::Taken`].
fn taken(e: sqlx::Error, what: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Taken(what),
        _ => StoreError::Database(e),
    }
}
