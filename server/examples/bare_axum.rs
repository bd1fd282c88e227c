//! The yardstick for the HTTP load benchmark (`scripts/bench-web`): the same axum, tokio and
//! compression as the app, answering a fixed small HTML page with no database, session or rendering.
//! What Yorisoi's pages cost is read as a ratio to this.
//!
//! `cargo run --release -p server --example bare_axum -- 127.0.0.1:3299`

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use tower_http::compression::CompressionLayer;

const PAGE: &str = "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>bare</title></head>\
<body><main><h1>よりそい</h1><p>axum only: no database, no session, no rendering.</p></main></body></html>";

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3299".to_owned());
    let app = Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .layer(CompressionLayer::new());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("bare axum on http://{addr}/");
    axum::serve(listener, app).await
}
