//! Builds the application — store, sessions, router — and runs it until it is told to stop.

use crate::config::Settings;
use app::api::context::ServerContext;
use app::app::{App, shell};
use axum::Router;
use axum::routing::get;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use store::Store;
use store::sessions::Sessions;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Store(#[from] store::Error),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    store: Store,
}

/// A signed-in session ends after this long without a request.
const SESSION_IDLE: time::Duration = time::Duration::hours(12);

impl Application {
    /// Opens (and migrates) the database, seeds the demo if asked, and binds the address.
    pub async fn build(settings: &Settings) -> Result<Self, Error> {
        let store = Store::open(&settings.database_url, settings.db_connections).await?;
        tracing::info!(engine = ?store.engine(), "database ready");
        if settings.demo {
            let now = chrono::Utc::now();
            let seeded = store.seed_demo(crate::config::today_in_japan(), now).await?;
            print_demo_logins(seeded);
        }
        let listener = TcpListener::bind(settings.addr).await?;
        let local = listener.local_addr()?;
        let public_url = settings.public_url.clone().unwrap_or_else(|| format!("http://{local}"));
        let router = router(settings, store.clone(), local, public_url);
        Ok(Application {
            listener,
            router,
            store,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub async fn run_until_stopped(self) -> Result<(), Error> {
        let sessions = Sessions::new(self.store.clone());
        let sweeper = tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every.tick().await;
                if let Err(e) = sessions.delete_expired().await {
                    tracing::warn!(error = %e, "could not delete expired sessions");
                }
            }
        });
        tracing::info!(addr = %self.listener.local_addr()?, "listening");
        axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await?;
        sweeper.abort();
        self.store.close().await;
        Ok(())
    }
}

pub fn router(settings: &Settings, store: Store, addr: SocketAddr, public_url: String) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name(settings.output_name.as_str())
        .site_root(settings.site_root.as_str())
        .site_pkg_dir(settings.site_pkg_dir.as_str())
        .site_addr(addr)
        .build();
    let routes = generate_route_list(App);
    let context = ServerContext {
        store: store.clone(),
        public_url,
    };
    let sessions = SessionManagerLayer::new(Sessions::new(store.clone()))
        .with_name("yorisoi_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies())
        .with_expiry(Expiry::OnInactivity(SESSION_IDLE));

    let pages = Router::new()
        .leptos_routes_with_context(&leptos_options, routes, move || provide_context(context.clone()), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos_options);
    let plain = Router::new()
        .route("/health", get(crate::routes::health::health))
        .route("/calendar/{file}", get(crate::routes::calendar::feed))
        .with_state(store);

    pages.merge(plain).layer(sessions).layer(CompressionLayer::new())
}

fn print_demo_logins(seeded: bool) {
    let state = if seeded { "loaded" } else { "already present" };
    println!(
        "\nDemo data {state}: {} ({})",
        store::demo::MUNICIPALITY_NAME,
        store::demo::MUNICIPALITY_CODE
    );
    println!("Demo logins (password for all: {}):", store::demo::PASSWORD);
    for login in store::demo::LOGINS {
        println!("  {:<28} {}", login.email, login.note);
    }
    println!();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("stopping");
}
