//! Server-function refusals in HTTP's own words.
//!
//! A server function that returns an [`AppError`] is answered by Leptos with status 500 and the
//! error's JSON. This middleware reads that JSON back and gives the answer the status its cause
//! names ([`AppError::status`]): 400 for a request that cannot be read, 401 not signed in, 403
//! refused, 404 not found or not the viewer's, 409 conflict, 422 invalid input, 429 throttled (with
//! `Retry-After`), and 500 only for a fault. The body is unchanged, so the app's client still shows
//! the message in the user's language. A plain form post (no client) is still redirected back to
//! its page with the refusal in the address, as Leptos does.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The header Leptos's server functions mark an error answer with.
const SERVER_FN_ERROR: &str = "serverfnerror";
/// An error's JSON is a few hundred bytes; anything larger is left alone.
const MOST_ERROR_BYTES: usize = 64 * 1024;

pub async fn answer_with_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key(SERVER_FN_ERROR) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MOST_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::from("internal error"));
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(seconds) = error.retry_after() {
            parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
