//! Yorisoi's web app: the route table, pages and server functions, built for the server (`ssr`)
//! and for the browser (`hydrate`).

// Leptos views are deeply nested types; built without `erase_components` (every build here has it,
// see .cargo/config.toml) the timeline page needs more than the default query depth of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod error;
pub mod ui;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

/// The browser's entry point: prepares the client, which then starts each island of the page
/// (`app::shell`'s loader calls every island's own entry point).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
