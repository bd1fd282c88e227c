//! What every server function needs from the request: the store, the session and the viewer.

use crate::error::AppError;
use axum::extract::ConnectInfo;
use chrono::{DateTime, NaiveDate, Utc};
use domain::account::{Role, Viewer};
use domain::ids::AccountId;
use leptos::prelude::use_context;
use std::net::SocketAddr;
use store::Store;
use tower_sessions::Session;

/// Provided once per request by the server (for pages and server functions alike).
#[derive(Clone, Debug)]
pub struct ServerContext {
    pub store: Store,
    /// The public origin, e.g. `https://yorisoi.example.jp`, for links handed to people.
    pub public_url: String,
    /// The VAPID public key (base64url) that browsers subscribe with.
    pub vapid_public_key: String,
    /// Whether reminders can go by e-mail (an SMTP server is configured).
    pub email_reminders: bool,
    /// Sends e-mail (reset links) when an SMTP server is configured.
    pub mail: Option<std::sync::Arc<dyn SendMail>>,
}

/// Sends one plain-text e-mail; the server implements it over SMTP.
pub trait SendMail: Send + Sync + std::fmt::Debug {
    fn send<'a>(
        &'a self,
        to: &'a str,
        subject: &'a str,
        body: String,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>>;
}

const ACCOUNT_KEY: &str = "account";

/// What one request has read already of who is asking and of their municipality, so the header,
/// the page and each server function it runs share one read. Provided afresh for every request
/// (`server::startup::page_context`); a sign-in or sign-out in the request forgets the viewer.
#[derive(Clone, Default)]
pub struct RequestMemo(std::sync::Arc<std::sync::Mutex<Memo>>);

#[derive(Default)]
struct Memo {
    viewer: Option<Option<Viewer>>,
    municipality: Option<store::municipalities::Municipality>,
}

impl RequestMemo {
    fn with<T>(&self, f: impl FnOnce(&mut Memo) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

fn memo() -> Option<RequestMemo> {
    use_context::<RequestMemo>()
}

pub fn server_context() -> Result<ServerContext, AppError> {
    use_context::<ServerContext>().ok_or_else(|| {
        tracing::error!("ServerContext missing from the Leptos context");
        AppError::Internal
    })
}

pub fn use_store() -> Result<Store, AppError> {
    server_context().map(|c| c.store)
}

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "session layer missing");
        AppError::Internal
    })
}

/// Whether the request is the browser's own form post — the page's client had not started yet, or
/// runs without it: the browser asks for HTML, where the client asks for the function's JSON.
pub async fn posted_without_client() -> bool {
    leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .ok()
        .and_then(|headers| {
            headers
                .get(axum::http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .map(|accept| accept.contains("text/html"))
        })
        .unwrap_or(false)
}

/// Something shown once when it is made (a new calendar address, an invitation code), when the
/// form that made it was posted without the client: the server function answers with a redirect
/// back to the page, which [`take_shown_once`] lets show it, once. Kept in the server-side session
/// only — never in the address, where history and logs would keep it.
pub async fn show_on_next_page<T: serde::Serialize>(key: &str, value: &T) -> Result<(), AppError> {
    session().await?.insert(key, value).await.map_err(session_error)
}

/// What [`show_on_next_page`] kept under `key`, removed as it is read.
pub async fn take_shown_once<T: serde::de::DeserializeOwned>(key: &str) -> Result<Option<T>, AppError> {
    let session = session().await?;
    // Removing marks the session changed (a write to the session store and a new cookie), so it
    // is only done when there is something to remove: pages that ask on every view stay reads.
    if session.get_value(key).await.map_err(session_error)?.is_none() {
        return Ok(None);
    }
    session.remove(key).await.map_err(session_error)
}

/// The client's network address, for throttling and the audit log.
pub async fn client_address() -> Option<String> {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// Appends to the audit log who (the viewer) did what to which record, from where and when.
pub async fn audit(viewer: &Viewer, action: &str, subject: &str) -> Result<(), AppError> {
    let address = client_address().await;
    use_store()?
        .audit(
            viewer.municipality,
            viewer.account,
            action,
            subject,
            address.as_deref(),
            now(),
        )
        .await?;
    Ok(())
}

/// Starts a signed-in session, with a fresh session id so that a planted cookie cannot be reused.
pub async fn sign_in(account: AccountId) -> Result<(), AppError> {
    if let Some(memo) = memo() {
        memo.with(|m| m.viewer = None);
    }
    let session = session().await?;
    session.cycle_id().await.map_err(session_error)?;
    session.insert(ACCOUNT_KEY, account.0).await.map_err(session_error)?;
    Ok(())
}

pub async fn sign_out() -> Result<(), AppError> {
    if let Some(memo) = memo() {
        memo.with(|m| m.viewer = None);
    }
    session().await?.flush().await.map_err(session_error)
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store");
    AppError::Internal
}

/// The signed-in person, if any. The account is re-read each time, so a disabled account loses access at once.
pub async fn viewer() -> Result<Option<Viewer>, AppError> {
    let memo = memo();
    if let Some(known) = memo.as_ref().and_then(|m| m.with(|m| m.viewer.clone())) {
        return Ok(known);
    }
    let viewer = viewer_of(&session().await?, &use_store()?).await?;
    if let Some(memo) = memo {
        memo.with(|m| m.viewer = Some(viewer.clone()));
    }
    Ok(viewer)
}

/// The signed-in person of a session, for routes outside Leptos (e.g. the CSV export).
pub async fn viewer_of(session: &Session, store: &Store) -> Result<Option<Viewer>, AppError> {
    let Some(account) = session.get::<i64>(ACCOUNT_KEY).await.map_err(session_error)? else {
        return Ok(None);
    };
    Ok(store.viewer(AccountId(account)).await?)
}

pub async fn require_viewer() -> Result<Viewer, AppError> {
    viewer().await?.ok_or(AppError::NotSignedIn)
}

pub async fn require_staff() -> Result<Viewer, AppError> {
    let viewer = require_viewer().await?;
    if viewer.is_staff() {
        Ok(viewer)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn require_admin() -> Result<Viewer, AppError> {
    let viewer = require_viewer().await?;
    if viewer.role == Role::Admin {
        Ok(viewer)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Today in the viewer's municipality (dates on records are the municipality's calendar dates).
pub async fn today_for(viewer: &Viewer) -> Result<NaiveDate, AppError> {
    Ok(municipality_of(viewer).await?.today(now()))
}

/// The viewer's municipality's offset from UTC now, for showing stored instants in its time.
pub async fn utc_offset_for(viewer: &Viewer) -> Result<i32, AppError> {
    use chrono::Offset;
    let tz = municipality_of(viewer).await?.time_zone;
    Ok(now().with_timezone(&tz).offset().fix().local_minus_utc())
}

/// The viewer's municipality, read once per request (see [`RequestMemo`]).
async fn municipality_of(viewer: &Viewer) -> Result<store::municipalities::Municipality, AppError> {
    let memo = memo();
    let known = memo
        .as_ref()
        .and_then(|m| m.with(|m| m.municipality.clone()))
        .filter(|m| m.id == viewer.municipality);
    let municipality = match known {
        Some(municipality) => municipality,
        None => {
            let municipality = use_store()?.municipality(viewer.municipality).await?;
            if let Some(memo) = memo {
                memo.with(|m| m.municipality = Some(municipality.clone()));
            }
            municipality
        }
    };
    Ok(municipality)
}
