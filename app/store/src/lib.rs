//! The one storage façade over sqlx: SQLite (a file, the default) or PostgreSQL, chosen by URL.
//!
//! Queries are written once with `$n` placeholders and run through sqlx's `Any` driver. `Any` cannot
//! carry chrono types, so dates travel as ISO text and instants as sortable UTC text (see [`time`]).

pub mod accounts;
pub mod audit;
pub mod benefits;
pub mod caseload;
pub mod consultations;
pub mod demo;
mod error;
pub mod families;
pub mod interviews;
pub mod invitations;
pub mod municipalities;
pub mod network;
pub mod overview;
pub mod password_resets;
pub mod plans;
pub mod push;
pub mod scale;
pub mod search;
pub mod sessions;
pub mod tasks;
pub mod throttle;
pub mod time;
pub mod timeline;
mod value;
pub mod visits;

pub use error::Error;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::str::FromStr;

/// Which engine a store runs on; the only place where the two differ is the migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of_url(url: &str) -> Result<Self, Error> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Engine::Postgres)
        } else {
            Err(Error::Config(
                "DATABASE_URL must start with sqlite: or postgres:".into(),
            ))
        }
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Why [`Store::backup_to`] refuses a PostgreSQL database.
pub const BACKUP_NEEDS_SQLITE: &str =
    "backup copies SQLite databases; back up PostgreSQL with pg_dump (see the README)";

impl Store {
    /// Opens the database (creating an SQLite file and its folder on first start) and migrates it.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, Error> {
        install_default_drivers();
        let engine = Engine::of_url(url)?;
        let options = AnyPoolOptions::new().max_connections(max_connections);
        let pool = match engine {
            Engine::Sqlite => {
                create_sqlite_folder(url)?;
                options
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets readers work while one writer writes; foreign keys are off by
                            // default in SQLite; the busy timeout queues writers instead of failing.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 5000").await?;
                            Ok(())
                        })
                    })
                    .connect(&sqlite_url_with_create(url))
                    .await?
            }
            Engine::Postgres => options.connect(url).await?,
        };
        let store = Store { pool, engine };
        store.migrate().await?;
        // Families from before the name index (or seeded in bulk) get their entries.
        store.index_missing_names().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<(), Error> {
        let migrator = match self.engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| Error::Migrate(e.to_string()))
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that reads before it writes. On SQLite it takes the write lock at `BEGIN`:
    /// a deferred transaction that has read cannot wait for the lock (the busy timeout does not
    /// apply to that upgrade) and fails at once with "database is locked" while another writes.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, Error> {
        Ok(match self.engine() {
            Engine::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool().begin().await?,
        })
    }

    /// Writes a consistent copy of an SQLite database to a new file while the server runs
    /// (`VACUUM INTO`: one read transaction, so it sees every committed write and none in
    /// progress, and writers are not held up). The file must not exist yet. PostgreSQL is backed
    /// up with its own tools (`pg_dump`), so this refuses it.
    pub async fn backup_to(&self, file: &std::path::Path) -> Result<(), Error> {
        if self.engine != Engine::Sqlite {
            return Err(Error::Config(BACKUP_NEEDS_SQLITE.into()));
        }
        if file.exists() {
            return Err(Error::Conflict("backup_file_exists"));
        }
        let path = file
            .to_str()
            .ok_or_else(|| Error::Config("the backup path is not valid UTF-8".into()))?;
        sqlx::query("VACUUM INTO ?").bind(path).execute(self.pool()).await?;
        Ok(())
    }

    /// Cheap liveness probe for the health endpoint.
    pub async fn ping(&self) -> Result<(), Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn sqlite_path(url: &str) -> &str {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split('?').next().unwrap_or(rest)
}

fn create_sqlite_folder(url: &str) -> Result<(), Error> {
    let path = sqlite_path(url);
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::Config(format!("cannot create {}: {e}", parent.display())))?;
    }
    Ok(())
}

/// The file is created on first start: `mode=rwc` unless the URL already says otherwise.
fn sqlite_url_with_create(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl FromStr for Engine {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Engine::of_url(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_follows_the_url_scheme() {
        assert_eq!(Engine::of_url("sqlite://data/y.db").unwrap(), Engine::Sqlite);
        assert_eq!(Engine::of_url("postgres://u@h/db").unwrap(), Engine::Postgres);
        assert_eq!(Engine::of_url("postgresql://u@h/db").unwrap(), Engine::Postgres);
        assert!(Engine::of_url("mysql://u@h/db").is_err());
    }

    #[test]
    fn sqlite_urls_gain_create_mode_once() {
        assert_eq!(
            sqlite_url_with_create("sqlite://data/y.db"),
            "sqlite://data/y.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_with_create("sqlite://y.db?cache=shared"),
            "sqlite://y.db?cache=shared&mode=rwc"
        );
        assert_eq!(sqlite_url_with_create("sqlite://y.db?mode=ro"), "sqlite://y.db?mode=ro");
        assert_eq!(sqlite_path("sqlite://data/y.db?mode=rwc"), "data/y.db");
    }
}
