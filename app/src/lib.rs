//! Yorisoi's web app: the route table, pages and server functions, built for the server (`ssr`)
//! and for the browser (`hydrate`).

pub mod api;
pub mod app;
pub mod error;
pub mod ui;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

/// The browser's entry point: attaches to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
