//! `GET /health`: 200 when the database answers, 503 otherwise (for load balancers and scripts).

use axum::extract::State;
use axum::http::StatusCode;
use store::Store;

pub async fn health(State(store): State<Store>) -> (StatusCode, &'static str) {
    match store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
