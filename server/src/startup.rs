//! Builds the application — store, sessions, router — and runs it until it is told to stop.

use crate::config::Settings;
use crate::jobs::dispatcher::{Dispatcher, Mailer, Settings as DispatchSettings};
use crate::jobs::vapid::Vapid;
use crate::routes::assets::SiteAssets;
use app::api::context::ServerContext;
use app::app::{App, ClientFiles, shell};
use axum::Router;
use axum::routing::get;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
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
    #[error("e-mail reminders: {0}")]
    Mail(#[from] crate::jobs::dispatcher::MailSetupError),
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
        let mailer = match &settings.smtp_url {
            Some(url) => Some(Mailer::new(
                url,
                &settings.mail_from,
                &public_url,
                std::time::Duration::from_secs(20),
            )?),
            None => None,
        };
        let dispatcher = if settings.dispatch {
            let dispatch = DispatchSettings::new(settings.vapid_subject.clone());
            dispatch.check_lease()?;
            let dispatcher = Dispatcher::new(store.clone(), vapid.private_key(), dispatch)?;
            Some(match mailer.clone() {
                Some(mailer) => dispatcher.with_mail(mailer),
                None => dispatcher,
            })
        } else {
            None
        };
        let mail = mailer.map(|m| std::sync::Arc::new(m) as std::sync::Arc<dyn app::api::context::SendMail>);
        let router = router(settings, store.clone(), local, public_url, &vapid.public, mail);
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
        let mut jobs = vec![tokio::spawn(crate::jobs::kept_tasks::run(
            self.store.clone(),
            std::time::Duration::from_secs(5),
            stop(),
        ))];
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
    mail: Option<std::sync::Arc<dyn app::api::context::SendMail>>,
) -> Router {
    let hashed = settings
        .hash_file()
        .and_then(|file| SiteAssets::load(&file, &settings.site_pkg_dir, &settings.output_name));
    let leptos_options = LeptosOptions::builder()
        .output_name(settings.output_name.as_str())
        .site_root(settings.site_root.as_str())
        .site_pkg_dir(settings.site_pkg_dir.as_str())
        .site_addr(addr)
        .build();
    let assets = Arc::new(hashed.unwrap_or_else(|| {
        SiteAssets::unhashed(
            std::time::SystemTime::now(),
            &settings.site_pkg_dir,
            &settings.output_name,
        )
    }));
    let routes = generate_route_list(App);
    let context = ServerContext {
        store: store.clone(),
        public_url,
        vapid_public_key: vapid_public_key.to_owned(),
        email_reminders: mail.is_some(),
        mail,
    };
    let contexts = page_context(context, assets.client.clone());
    let sessions = SessionManagerLayer::new(Sessions::new(store.clone()))
        .with_name("yorisoi_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies())
        .with_expiry(Expiry::OnInactivity(SESSION_IDLE));

    // The built client files, with the brotli and gzip copies `cargo leptos build --release
    // --precompress` made at the highest levels (a quarter smaller than compressing on the fly).
    let pkg = tower_http::services::ServeDir::new(format!("{}/{}", settings.site_root, settings.site_pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    let pages = Router::new()
        .nest_service(&format!("/{}", settings.site_pkg_dir), pkg)
        .leptos_routes_with_context(&leptos_options, routes, contexts.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(contexts, shell))
        .with_state(leptos_options);
    let plain = Router::new()
        .route("/health", get(crate::routes::health::health))
        .route("/calendar/{file}", get(crate::routes::calendar::feed))
        .route("/staff/figures.csv", get(crate::routes::figures::csv))
        .with_state(store);

    let service_worker = Router::new()
        .route("/sw-assets.js", get(crate::routes::assets::service_worker_assets))
        .with_state(assets);

    let router = pages
        .merge(plain)
        .merge(service_worker)
        .layer(axum::middleware::from_fn(crate::routes::errors::answer_with_status))
        .layer(sessions)
        .layer(axum::middleware::from_fn(crate::routes::assets::set_cache_policy))
        .layer(CompressionLayer::new());
    crate::security::layers(router, settings.secure_cookies())
}

/// What every page's render can use: the store and settings, this build's client files, and this
/// response's CSP nonce.
fn page_context(context: ServerContext, files: ClientFiles) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(context.clone());
        provide_context(files.clone());
        // Fresh for every request: what it has read of who is asking.
        provide_context(app::api::context::RequestMemo::default());
        crate::security::provide_page_nonce();
    }
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
