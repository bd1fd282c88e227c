//! The yardsticks for the HTTP load benchmark (`scripts/bench-web`), with the same axum, tokio and
//! compression as the app:
//!
//! - `GET /`: a fixed small HTML page with no database, session or rendering;
//! - `GET /home` (when `DATABASE_URL` is set): the parent home written by hand — the same session
//!   layer and store, the same reads as the page (viewer, municipality, family, timeline records,
//!   schedule, timelines, calendar feed, consultations) and the same "now and soon" items, formatted
//!   with `format!` instead of Leptos. What Yorisoi's pages cost is read as a ratio to these.
//!
//! `DATABASE_URL=sqlite://… cargo run --release -p server --example bare_axum -- 127.0.0.1:3299`

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Days, Utc};
use domain::schedule::Status;
use std::fmt::Write;
use store::Store;
use store::consultations::Which;
use tower_http::compression::CompressionLayer;
use tower_sessions::{Session, SessionManagerLayer};

const PAGE: &str = "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>bare</title></head>\
<body><main><h1>よりそい</h1><p>axum only: no database, no session, no rendering.</p></main></body></html>";

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3299".to_owned());
    let mut app = Router::new().route("/", get(|| async { Html(PAGE) }));
    if let Ok(url) = std::env::var("DATABASE_URL") {
        let store = Store::open(&url, 8).await.map_err(std::io::Error::other)?;
        let sessions = SessionManagerLayer::new(store::sessions::Sessions::new(store.clone()))
            .with_name("yorisoi_session")
            .with_secure(false);
        app = app.merge(
            Router::new()
                .route("/home", get(home))
                .with_state(store)
                .layer(sessions),
        );
    }
    let app = app.layer(CompressionLayer::new());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("bare axum on http://{addr}/");
    axum::serve(listener, app).await
}

/// The parent home's reads, and its "now and soon" list, by hand.
async fn home(session: Session, State(store): State<Store>) -> Response {
    match home_page(&session, &store).await {
        Ok(Some(page)) => Html(page).into_response(),
        Ok(None) => Redirect::to("/login").into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    }
}

async fn home_page(session: &Session, store: &Store) -> Result<Option<String>, String> {
    let fault = |e: &dyn std::fmt::Debug| format!("{e:?}");
    let Some(viewer) = app::api::context::viewer_of(session, store)
        .await
        .map_err(|e| fault(&e))?
    else {
        return Ok(None);
    };
    let Some(family) = viewer.family else {
        return Ok(None);
    };
    let today = store
        .municipality(viewer.municipality)
        .await
        .map_err(|e| fault(&e))?
        .today(Utc::now());
    // The page's three reads, as its server functions make them.
    let record = store
        .family_record(viewer.municipality, family)
        .await
        .map_err(|e| fault(&e))?;
    let loaded = app::api::timeline::load::family(store, viewer.municipality, family, today)
        .await
        .map_err(|e| fault(&e))?;
    let calendar = store.has_calendar_feed(family).await.map_err(|e| fault(&e))?;
    let consultations = store
        .consultations(viewer.municipality, Which::Family(family))
        .await
        .map_err(|e| fault(&e))?;

    let mut html = String::with_capacity(16 * 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>ホーム | よりそい</title></head>\
         <body><main id=\"main\" class=\"page\"><h1>{}さんのご家族</h1><ul class=\"members\">",
        escape(&record.family_name)
    );
    for p in &record.pregnancies {
        let _ = write!(
            html,
            "<li class=\"member\"><h2>妊娠中</h2><p>出産予定日: {}</p></li>",
            p.due_date
        );
    }
    for c in &record.children {
        let _ = write!(
            html,
            "<li class=\"member\"><h2>{}</h2><p>生年月日: {}</p></li>",
            escape(&c.name),
            c.birth_date
        );
    }
    html.push_str("</ul>");
    for c in consultations.iter().filter(|c| c.unread_by_guardian()) {
        let _ = write!(
            html,
            "<p class=\"notice\"><a href=\"/consultations/{}\">センターから返信があります</a></p>",
            c.id
        );
    }
    let soon = today.checked_add_days(Days::new(30)).unwrap_or(today);
    let recent = today.checked_sub_days(Days::new(30)).unwrap_or(today);
    for timeline in &loaded.timelines {
        let _ = write!(
            html,
            "<section class=\"timeline\" data-testid=\"timeline\"><h2>{:?}</h2><h3>これから</h3><ul class=\"items next\">",
            timeline.title
        );
        for item in timeline.timeline.items.iter().filter(|item| match item.status {
            Status::Completed => item.done_on.is_some_and(|d| d >= recent),
            Status::Due | Status::Overdue => true,
            Status::Upcoming => item.recommended_from <= soon && !item.projected,
            _ => false,
        }) {
            let place = loaded.schedule.place(item.series.as_str()).unwrap_or("");
            let _ = write!(
                html,
                "<li class=\"item\" data-key=\"{}\" data-status=\"{:?}\"><div class=\"item-head\"><strong>{}</strong>\
                 <span class=\"status\">{:?}</span></div><p class=\"window\">{} 〜 {}（{} まで）{}</p>{}</li>",
                item.key,
                item.status,
                item.series.as_str(),
                item.status,
                item.recommended_from,
                item.recommended_until,
                item.latest,
                escape(place),
                item.done_on
                    .map_or(String::new(), |d| format!("<p class=\"record\">{d} 記録</p>")),
            );
        }
        html.push_str("</ul><details><summary>すべての予定</summary></details></section>");
    }
    let _ = write!(
        html,
        "<p>{}</p><p>{} 件の記録</p></main></body></html>",
        if calendar {
            "カレンダー連携中"
        } else {
            "カレンダーに追加"
        },
        loaded.records.len()
    );
    Ok(Some(html))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
