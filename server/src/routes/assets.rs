//! The built site's files: which names this build gave them, how long browsers may keep them, and
//! the list the service worker saves for offline use (`GET /sw-assets.js`).
//!
//! cargo-leptos (with `hash-files = true`) names the WASM, JS and CSS `<name>.<hash>.<ext>` and
//! writes the hashes to `hash.txt` beside the server binary. A hashed file never changes, so it is
//! cached for a year; a new build has new names, a new `/sw-assets.js`, and so a new service worker.

use app::app::ClientFiles;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::path::Path;
use std::sync::Arc;

/// The names of this build's client files.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteAssets {
    /// Changes with every build that changes a client file.
    pub version: String,
    /// Whether the names carry the files' hashes (so they never change and can be saved ahead).
    pub hashed: bool,
    /// What pages load.
    pub client: ClientFiles,
}

impl SiteAssets {
    /// Reads `hash_file` (cargo-leptos's `hash.txt`). Without one (a debug build without
    /// hashing), the files keep their plain names and the version is the server's start time.
    pub fn load(hash_file: &Path, pkg_dir: &str, output_name: &str) -> Option<Self> {
        let text = std::fs::read_to_string(hash_file).ok()?;
        Self::from_hashes(&text, pkg_dir, output_name)
    }

    /// From the text of `hash.txt`: lines such as `wasm: 3q2-…`.
    pub fn from_hashes(text: &str, pkg_dir: &str, output_name: &str) -> Option<Self> {
        let hash_of = |kind: &str| {
            text.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(k, _)| k.trim() == kind)
                .map(|(_, h)| h.trim())
                .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        };
        let (js, wasm, css) = (hash_of("js")?, hash_of("wasm")?, hash_of("css")?);
        Some(SiteAssets {
            version: format!("{js}.{wasm}.{css}"),
            hashed: true,
            client: ClientFiles::named(pkg_dir, output_name, Some([js, wasm, css])),
        })
    }

    /// Plain names: nothing to save ahead (the worker keeps what it fetched), a version per start.
    pub fn unhashed(started: std::time::SystemTime, pkg_dir: &str, output_name: &str) -> Self {
        let seconds = started
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        SiteAssets {
            version: format!("dev-{seconds}"),
            hashed: false,
            client: ClientFiles::named(pkg_dir, output_name, None),
        }
    }

    /// Paths the service worker saves when it installs (none when files are not hashed).
    pub fn precache(&self) -> Vec<String> {
        if !self.hashed {
            return Vec::new();
        }
        let ClientFiles { js, wasm, css } = &self.client;
        [js, wasm, css].into_iter().cloned().collect()
    }

    /// The script the service worker imports.
    pub fn service_worker_script(&self) -> String {
        let build = serde_json::json!({ "version": self.version, "precache": self.precache() });
        format!("self.YORISOI_BUILD = {build};\n")
    }
}

/// `GET /sw-assets.js`: always checked with the server, so a new build is noticed.
pub async fn service_worker_assets(State(assets): State<Arc<SiteAssets>>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        assets.service_worker_script(),
    )
}

/// How long a browser may keep what is at `path` (for a successful response).
pub fn cache_policy(path: &str) -> &'static str {
    const YEAR: &str = "public, max-age=31536000, immutable";
    const WEEK: &str = "public, max-age=604800";
    const REVALIDATE: &str = "no-cache";
    // Pages and server functions carry health records: never kept by a browser's or proxy's cache.
    const PRIVATE: &str = "private, no-store";
    if let Some(file) = path.strip_prefix("/pkg/") {
        return if is_hashed(file) { YEAR } else { REVALIDATE };
    }
    if path.starts_with("/icons/") || path == "/favicon.ico" {
        return WEEK;
    }
    match path {
        "/sw.js"
        | "/sw-assets.js"
        | "/pwa.js"
        | "/manifest.webmanifest"
        | "/offline.html"
        | "/offline.css"
        | "/offline.js" => REVALIDATE,
        _ => PRIVATE,
    }
}

/// `yorisoi.<22 characters of base64url md5>.wasm` (cargo-leptos's naming).
fn is_hashed(file: &str) -> bool {
    let mut parts = file.rsplitn(3, '.');
    let (Some(_ext), Some(hash), Some(_stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    hash.len() == 22 && hash.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Middleware: sets `Cache-Control` from [`cache_policy`] unless the handler chose one. Errors are
/// never cached (a 404 for a file must not stick for a year).
pub async fn set_cache_policy(request: Request, next: Next) -> Response {
    let policy = cache_policy(request.uri().path());
    let mut response = next.run(request).await;
    let ok = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let value = if ok { policy } else { "no-store" };
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(value));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASHES: &str = "js: AAAAAAAAAAAAAAAAAAAAAA\nwasm: BBBBBBBBBBBBBBBBBBBBB_\ncss: CCCCCCCCCCCCCCCCCCCCC-\n";

    #[test]
    fn the_hash_file_names_the_files_to_save_for_offline_use() {
        let assets = SiteAssets::from_hashes(HASHES, "pkg", "yorisoi").unwrap();
        assert_eq!(
            assets.precache(),
            [
                "/pkg/yorisoi.AAAAAAAAAAAAAAAAAAAAAA.js",
                "/pkg/yorisoi.BBBBBBBBBBBBBBBBBBBBB_.wasm",
                "/pkg/yorisoi.CCCCCCCCCCCCCCCCCCCCC-.css"
            ]
        );
        assert!(assets.service_worker_script().starts_with("self.YORISOI_BUILD = {"));
        assert!(
            assets
                .service_worker_script()
                .contains("/pkg/yorisoi.BBBBBBBBBBBBBBBBBBBBB_.wasm")
        );
    }

    #[test]
    fn a_new_build_is_a_new_version() {
        let one = SiteAssets::from_hashes(HASHES, "pkg", "yorisoi").unwrap();
        let other = SiteAssets::from_hashes(&HASHES.replace("js: A", "js: D"), "pkg", "yorisoi").unwrap();
        assert_ne!(one.version, other.version);
    }

    #[test]
    fn a_hash_file_without_every_file_or_with_odd_characters_is_not_used() {
        assert_eq!(SiteAssets::from_hashes("js: AAA\ncss: CCC\n", "pkg", "yorisoi"), None);
        assert_eq!(
            SiteAssets::from_hashes("js: A\"\nwasm: B\ncss: C\n", "pkg", "yorisoi"),
            None
        );
    }

    #[test]
    fn only_hashed_files_are_kept_for_a_year() {
        assert_eq!(
            cache_policy("/pkg/yorisoi.AAAAAAAAAAAAAAAAAAAAAA.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_policy("/pkg/yorisoi.wasm"), "no-cache");
        assert_eq!(cache_policy("/pkg/yorisoi.short.wasm"), "no-cache");
        assert_eq!(cache_policy("/sw.js"), "no-cache");
        assert_eq!(cache_policy("/icons/icon-192.png"), "public, max-age=604800");
        assert_eq!(cache_policy("/home"), "private, no-store");
        assert_eq!(cache_policy("/api/send_message"), "private, no-store");
    }
}
