//! Headers that protect every response, and the Content Security Policy of every page.
//!
//! Each request gets a fresh nonce (16 random bytes). The page's render takes it from the request
//! (see [`provide_page_nonce`]) and puts it on the hydration script and `pwa.js`; the policy sent
//! with an HTML response allows scripts carrying that nonce and what they load (`'strict-dynamic'`:
//! the WASM glue), and nothing else: no inline script without it, no `eval`, no plugins, no framing.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use tower_http::set_header::SetResponseHeaderLayer;

/// This request's nonce, kept in the request's extensions.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

impl CspNonce {
    fn fresh() -> Self {
        let bytes: [u8; 16] = rand::random();
        CspNonce(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// The policy for a page whose scripts carry `nonce` (built on every HTML answer: two pieces
/// around the nonce, fixed at compile time).
pub fn content_security_policy(nonce: &str) -> String {
    const BEFORE: &str = "default-src 'self'; script-src 'nonce-";
    const AFTER: &str = "' 'strict-dynamic' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
        font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; \
        base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    format!("{BEFORE}{nonce}{AFTER}")
}

/// For the Leptos render of a page: the nonce of the request being answered.
pub fn provide_page_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// Middleware: a nonce for the request, and the policy naming it on an HTML answer.
pub async fn content_security(mut request: Request, next: Next) -> Response {
    let nonce = CspNonce::fresh();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce.0)) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// Wraps the router: the CSP, and the headers every response carries — no sniffing, no framing,
/// no referrer beyond our origin, no powerful features; and HSTS when served over https.
pub fn layers(router: Router, https: bool) -> Router {
    let fixed: [(HeaderName, &'static str); 4] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
    ];
    let mut router = router.layer(axum::middleware::from_fn(content_security));
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn headers_of(https: bool, path: &str) -> axum::http::HeaderMap {
        let app = Router::new()
            .route("/page", get(|| async { axum::response::Html("<p>ok</p>") }))
            .route("/data", get(|| async { "ok" }));
        let request = axum::http::Request::builder()
            .uri(path)
            .body(axum::body::Body::empty())
            .unwrap();
        layers(app, https).oneshot(request).await.unwrap().headers().clone()
    }

    #[tokio::test]
    async fn hsts_is_sent_only_when_served_over_https() {
        let https = headers_of(true, "/data").await;
        assert_eq!(
            https["strict-transport-security"],
            "max-age=31536000; includeSubDomains"
        );
        assert_eq!(https["x-frame-options"], "DENY");
        assert!(
            !headers_of(false, "/data")
                .await
                .contains_key("strict-transport-security")
        );
    }

    #[tokio::test]
    async fn pages_get_a_policy_with_a_fresh_nonce_and_other_answers_none() {
        let one = headers_of(false, "/page").await;
        let two = headers_of(false, "/page").await;
        let policy = one["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("script-src 'nonce-"));
        assert!(policy.contains("'strict-dynamic' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert_ne!(one["content-security-policy"], two["content-security-policy"]);
        assert!(!headers_of(false, "/data").await.contains_key("content-security-policy"));
    }
}
