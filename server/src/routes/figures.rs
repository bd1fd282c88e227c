//! `GET /staff/figures.csv[?site=N]`: the centre's figures as CSV, for staff of the municipality.

use app::api::context::viewer_of;
use app::api::figures::compute;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::SiteId;
use domain::support::figures::to_csv;
use serde::Deserialize;
use std::net::SocketAddr;
use store::Store;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct Filter {
    site: Option<i64>,
}

pub async fn csv(
    State(store): State<Store>,
    session: Session,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Query(filter): Query<Filter>,
) -> Response {
    let viewer = match viewer_of(&session, &store).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if !viewer.is_staff() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let body = async {
        let municipality = store.municipality(viewer.municipality).await?;
        let now = chrono::Utc::now();
        let (figures, sites) = compute::figures(&store, viewer.municipality, municipality.today(now))
            .await
            .map_err(|_| store::Error::Corrupt("figures".into()))?;
        let site = filter.site.map(SiteId);
        if site.is_some_and(|s| !sites.iter().any(|known| known.id == s)) {
            return Err(store::Error::NotFound);
        }
        let rows: Vec<_> = figures
            .into_iter()
            .filter(|f| site.is_none() || f.site == site)
            .collect();
        let name = |s: Option<SiteId>| match s {
            None => "all".to_owned(),
            Some(id) => sites
                .iter()
                .find(|known| known.id == id)
                .map(|k| k.name.clone())
                .unwrap_or_default(),
        };
        store
            .audit(
                viewer.municipality,
                viewer.account,
                "export_figures",
                "figures",
                Some(&from.ip().to_string()),
                now,
            )
            .await?;
        Ok(to_csv(&rows, name))
    };
    match body.await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"yorisoi-figures.csv\"",
                ),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            // A byte-order mark so that spreadsheet programs read the Japanese site names as UTF-8.
            format!("\u{feff}{csv}"),
        )
            .into_response(),
        Err(store::Error::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "figures export");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
