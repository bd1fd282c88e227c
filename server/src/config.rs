//! Settings in layers: built-in defaults, then environment variables, then command-line flags.
//! `Settings` has no `Debug`: the database URL may hold a password.

use chrono::NaiveDate;
use std::net::SocketAddr;

#[derive(clap::Args, Clone)]
pub struct Settings {
    /// Where the data lives: `sqlite://path/to/file.db` (created on first start) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/yorisoi.db",
        hide_env_values = true,
        global = true
    )]
    pub database_url: String,

    /// Database connections in the pool.
    #[arg(long, env = "YORISOI_DB_CONNECTIONS", default_value_t = 10, global = true)]
    pub db_connections: u32,

    /// Address to listen on (cargo-leptos sets LEPTOS_SITE_ADDR from Cargo.toml).
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000", global = true)]
    pub addr: SocketAddr,

    /// The origin people reach the app at, for links in invitations; `https://…` turns on secure cookies.
    #[arg(long, env = "YORISOI_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Load the demo municipality (idempotent) and print its logins at start-up.
    #[arg(long, env = "YORISOI_DEMO", default_value_t = false, global = true)]
    pub demo: bool,

    /// Built site (WASM, JS, CSS, public files), as produced by cargo-leptos.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: String,

    /// The VAPID private key (base64url, P-256). Unset: one is made on first start and kept in the database.
    #[arg(long, env = "YORISOI_VAPID_PRIVATE_KEY", hide_env_values = true, global = true)]
    pub vapid_private_key: Option<String>,

    /// Contact for push services, sent with every push (`mailto:` or `https:`).
    #[arg(
        long,
        env = "YORISOI_VAPID_SUBJECT",
        default_value = "mailto:yorisoi@example.invalid",
        global = true
    )]
    pub vapid_subject: String,

    /// The SMTP server e-mail reminders go through: `smtp://host:port` (plain, a relay on this
    /// host), `smtp://host?tls=required` (STARTTLS) or `smtps://user:password@host`. Unset: parents
    /// are not offered e-mail reminders.
    #[arg(long, env = "YORISOI_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// The sender of e-mail reminders.
    #[arg(
        long,
        env = "YORISOI_MAIL_FROM",
        default_value = "よりそい <noreply@yorisoi.invalid>",
        global = true
    )]
    pub mail_from: String,

    /// Send reminders from this process (several processes may, against one PostgreSQL).
    #[arg(long, env = "YORISOI_DISPATCH", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub dispatch: bool,

    /// Whether the client files carry their hash in their name (cargo-leptos's `hash-files`).
    /// Unset: yes when the hash file lies beside this binary.
    #[arg(long, env = "LEPTOS_HASH_FILES", global = true, hide = true)]
    pub hash_files: Option<bool>,

    /// The hash file's name, beside this binary.
    #[arg(
        long,
        env = "LEPTOS_HASH_FILE_NAME",
        default_value = "hash.txt",
        global = true,
        hide = true
    )]
    pub hash_file_name: String,

    #[arg(long, env = "LEPTOS_SITE_PKG_DIR", default_value = "pkg", global = true, hide = true)]
    pub site_pkg_dir: String,

    #[arg(
        long,
        env = "LEPTOS_OUTPUT_NAME",
        default_value = "yorisoi",
        global = true,
        hide = true
    )]
    pub output_name: String,
}

impl Settings {
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
    }

    /// The hash file cargo-leptos wrote beside this binary, when files are hashed.
    pub fn hash_file(&self) -> Option<std::path::PathBuf> {
        let path = std::env::current_exe().ok()?.parent()?.join(&self.hash_file_name);
        match self.hash_files {
            Some(false) => None,
            _ => path.exists().then_some(path),
        }
    }

    /// Cookies are marked Secure whenever the app is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url().starts_with("https://")
    }
}

/// Today on the Japanese calendar, the default for commands that need a date.
pub fn today_in_japan() -> NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::Asia::Tokyo).date_naive()
}
