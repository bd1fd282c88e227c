//! Builds the application — store, sessions, router — and runs it until it is told to stop.

use crate::config::Settings;
use crate::jobs::dispatcher::{Dispatcher, Settings as DispatchSettings};
use crate::jobs::vapid::Vapid;
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
    #[error("push keys: {0}")]
    Vapid(#[from] crate::jobs::vapid::Error),
    #[error("reminder dispatcher: {0}")]
    Dispatcher(#[from] crate::jobs::dispatcher::Error),
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    store: Store,
    dispatcher: Option<Dispatcher>,
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
        let vapid = Vapid::load(&store, settings.vapid_private_key.as_deref()).await?;
        let dispatcher = if settings.dispatch {
            let dispatch = DispatchSettings::new(settings.vapid_subject.clone());
            dispatch.check_lease()?;
            Some(Dispatcher::new(store.clone(), vapid.private_key(), dispatch)?)
        } else {
            None
        };
        let router = router(settings, store.clone(), local, public_url, &vapid.public);
        Ok(Application {
            listener,
            router,
            store,
            dispatcher,
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
        let (stopping, stopped) = tokio::sync::watch::channel(false);
        let stop = move || {
            let mut stopped = stopped.clone();
            async move {
                let _ = stopped.wait_for(|s| *s).await;
            }
        };
        let mut jobs = Vec::new();
        if let Some(dispatcher) = self.dispatcher {
            jobs.push(tokio::spawn(dispatcher.run(std::time::Duration::from_secs(2), stop())));
            jobs.push(tokio::spawn(crate::jobs::replan::run(
                self.store.clone(),
                std::time::Duration::from_secs(3600),
                stop(),
            )));
        }
        tracing::info!(addr = %self.listener.local_addr()?, "listening");
        axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await?;
        let _ = stopping.send(true);
        for job in jobs {
            let _ = job.await;
        }
        sweeper.abort();
        self.store.close().await;
        Ok(())
    }
}

pub fn router(
    settings: &Settings,
    store: Store,
    addr: SocketAddr,
    public_url: String,
    vapid_public_key: &str,
) -> Router {
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
        vapid_public_key: vapid_public_key.to_owned(),
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
        .route("/staff/figures.csv", get(crate::routes::figures::csv))
        .with_state(store);

    let router = pages.merge(plain).layer(sessions).layer(CompressionLayer::new());
    security_headers(router, settings.secure_cookies())
}

/// Headers every response carries: no sniffing, no framing, no referrer beyond our origin, no
/// powerful features; and HSTS when the app is served over https.
fn security_headers(router: Router, https: bool) -> Router {
    use axum::http::{HeaderName, HeaderValue, header};
    use tower_http::set_header::SetResponseHeaderLayer;
    let fixed: [(HeaderName, &'static str); 4] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
    ];
    let mut router = router;
    for (name, value) in fixed {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    if https {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    router
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

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    async fn headers_of(https: bool) -> axum::http::HeaderMap {
        let router = security_headers(Router::new().route("/", get(|| async { "ok" })), https);
        let request = axum::http::Request::builder()
            .uri("/")
            .body(axum::body::Body::empty())
            .unwrap();
        router.oneshot(request).await.unwrap().headers().clone()
    }

    #[tokio::test]
    async fn hsts_is_sent_only_when_served_over_https() {
        let https = headers_of(true).await;
        assert_eq!(
            https["strict-transport-security"],
            "max-age=31536000; includeSubDomains"
        );
        assert_eq!(https["x-frame-options"], "DENY");
        assert!(!headers_of(false).await.contains_key("strict-transport-security"));
    }
}
