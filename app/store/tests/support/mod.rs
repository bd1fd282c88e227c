//! Fresh databases for contract tests: an SQLite file per test, and a PostgreSQL database per test
//! when `YORISOI_TEST_POSTGRES_URL` is set (CI always sets it; an unreachable server fails the run).

use store::Store;

pub const POSTGRES_URL_VAR: &str = "YORISOI_TEST_POSTGRES_URL";

/// A store on a fresh database, with its URL; keeps an SQLite file's folder alive for the test.
pub struct Db {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for Db {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

pub async fn sqlite() -> Db {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/test.db", dir.path().display());
    let store = Store::open(&url, 4).await.expect("open sqlite store");
    Db {
        store,
        url,
        _dir: Some(dir),
    }
}

/// A new, empty PostgreSQL database named for this test; `None` when no server URL is configured.
pub async fn postgres(test: &str) -> Option<Db> {
    let url = std::env::var(POSTGRES_URL_VAR).ok().filter(|u| !u.is_empty())?;
    let name = format!(
        "yorisoi_t_{}_{}",
        test.chars().take(30).collect::<String>(),
        rand_suffix()
    );
    sqlx::any::install_default_drivers();
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR} is set but PostgreSQL is unreachable: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let url = with_database(&url, &name);
    let store = Store::open(&url, 4).await.expect("open postgres store");
    Some(Db { store, url, _dir: None })
}

fn rand_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{}_{nanos}", std::process::id())
}

/// Replaces the database name in a URL: `postgres://u@h:5432/test?x=y` → `…/name?x=y`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

/// Runs SQL on its own connection, as someone with database access would, bypassing the store.
pub async fn execute(db: &Db, sql: &str) -> Result<(), sqlx::Error> {
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.url).await?;
    sqlx::query(sql).execute(&mut conn).await.map(|_| ())
}

#[macro_export]
macro_rules! contract_tests {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::support::sqlite().await).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    match $crate::support::postgres(stringify!($name)).await {
                        Some(db) => super::$name(db).await,
                        None => eprintln!("PostgreSQL not configured ({}): skipped", $crate::support::POSTGRES_URL_VAR),
                    }
                }
            )*
        }
    };
}
