//! The HTML shell and the whole route table.

use crate::i18n::{I18nContextProvider, use_i18n};
use crate::ui::islands::offline::OfflineNotice;
use crate::ui::layout::Header;
use crate::ui::parent::consultations::{ConsultationPage, ConsultationsPage, NewConsultationPage};
use crate::ui::parent::home::ParentHome;
use crate::ui::parent::reminders::RemindersPage;
use crate::ui::staff::routes as staff;
use crate::ui::{join::JoinPage, landing::Landing, login::LoginPage, not_found::NotFound};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The built client files a page loads. The server provides them (their names carry the build's
/// hash); without it, the plain names cargo-leptos gives when it does not hash.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientFiles {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl ClientFiles {
    /// `/<pkg>/<name>.<ext>`, or `/<pkg>/<name>.<hash>.<ext>` with the build's hashes of the JS,
    /// WASM and CSS (in that order) when cargo-leptos hashed them.
    pub fn named(pkg_dir: &str, output_name: &str, hashes: Option<[&str; 3]>) -> Self {
        let file = |i: usize, ext: &str| match hashes {
            Some(hashes) => format!("/{pkg_dir}/{output_name}.{}.{ext}", hashes[i]),
            None => format!("/{pkg_dir}/{output_name}.{ext}"),
        };
        ClientFiles {
            js: file(0, "js"),
            wasm: file(1, "wasm"),
            css: file(2, "css"),
        }
    }

    /// Starts the page's islands once the page has loaded and the browser is idle, so the
    /// server-rendered page paints first on a slow phone and network (forms work before). A page
    /// without islands loads no WASM. No preload: the WASM must not compete with the page for a
    /// thin connection. `<body data-hydrated>` marks a page whose islands run (browser tests wait
    /// for it).
    fn islands_loader(&self) -> String {
        let (js, wasm) = (js_string(&self.js), js_string(&self.wasm));
        format!(
            "const ready = () => document.body.setAttribute('data-hydrated', 'true');\n\
             const start = async () => {{\n\
             \x20 const islands = document.querySelectorAll('leptos-island');\n\
             \x20 if (islands.length === 0) return ready();\n\
             \x20 const m = await import({js});\n\
             \x20 await m.default({{ module_or_path: {wasm} }});\n\
             \x20 m.hydrate();\n\
             \x20 for (const island of islands) {{ const run = m[island.dataset.component]; if (run) await run(island); }}\n\
             \x20 ready();\n\
             }};\n\
             const idle = () => ('requestIdleCallback' in window ? requestIdleCallback(start, {{ timeout: 2000 }}) : setTimeout(start, 1));\n\
             if (document.readyState === 'complete') idle(); else addEventListener('load', idle, {{ once: true }});"
        )
    }
}

/// A path as a JavaScript string literal (paths here are `/pkg/<name>.<hash>.<ext>`).
fn js_string(path: &str) -> String {
    let safe: String = path
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '-' | '_'))
        .collect();
    format!("\"{safe}\"")
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The server's Content-Security-Policy names this nonce; only scripts carrying it run.
    let nonce = leptos::nonce::use_nonce();
    let files = use_context::<ClientFiles>()
        .unwrap_or_else(|| ClientFiles::named(&options.site_pkg_dir, &options.output_name, None));
    let loader = files.islands_loader();
    // Islands: only islands hydrate; the rest of the page is plain HTML without hydration markers.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="stylesheet" id="leptos" href=files.css />
                <script type="module" nonce=nonce.clone()>{loader}</script>
                <script src="/pwa.js" defer nonce=nonce></script>
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Link rel="icon" href="/favicon.ico" />
            <Meta name="theme-color" content="#2f6f5e" />
            <Meta name="description" content="よりそい — 妊娠から子育てまで、切れ目なく。" />
            <Title formatter=|page: String| format!("{page} | よりそい Yorisoi") />
            <Router>
                <Header />
                <OfflineNotice lang=use_i18n().get_locale_untracked().to_string() />
                <main id="main" class="page">
                    <Routes fallback=|| view! { <NotFound /> }>
                        // Async: every page waits for its data, so a redirect (e.g. to /login) can
                        // still be a real HTTP redirect and pages work without JavaScript.
                        <Route path=path!("/") view=Landing ssr=SsrMode::Async />
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                        <Route path=path!("/join") view=JoinPage ssr=SsrMode::Async />
                        <Route path=path!("/forgot") view=crate::ui::password::ForgotPage ssr=SsrMode::Async />
                        <Route path=path!("/reset") view=crate::ui::password::ResetPage ssr=SsrMode::Async />
                        <Route path=path!("/home") view=ParentHome ssr=SsrMode::Async />
                        <Route path=path!("/consultations") view=ConsultationsPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/reminders") view=RemindersPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/new") view=NewConsultationPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/:id") view=ConsultationPage ssr=SsrMode::Async />
                        <Route path=path!("/staff") view=staff::Caseload ssr=SsrMode::Async />
                        <Route path=path!("/staff/families/:id") view=staff::Family ssr=SsrMode::Async />
                        <Route path=path!("/staff/accounts") view=staff::Accounts ssr=SsrMode::Async />
                        <Route path=path!("/staff/register") view=staff::Register ssr=SsrMode::Async />
                        <Route path=path!("/staff/tasks") view=staff::Tasks ssr=SsrMode::Async />
                        <Route path=path!("/staff/institutions") view=staff::Institutions ssr=SsrMode::Async />
                        <Route path=path!("/staff/figures") view=staff::Figures ssr=SsrMode::Async />
                        <Route path=path!("/staff/audit") view=staff::Audit ssr=SsrMode::Async />
                        <Route path=path!("/staff/consultations") view=staff::Inbox ssr=SsrMode::Async />
                        <Route path=path!("/staff/consultations/:id") view=staff::Consultation ssr=SsrMode::Async />
                        <Route path=path!("/staff/slots") view=staff::Slots ssr=SsrMode::Async />
                        <Route path=path!("/staff/reminders") view=staff::FailedReminders ssr=SsrMode::Async />
                    </Routes>
                </main>
            </Router>
        </I18nContextProvider>
    }
}

#[cfg(test)]
mod tests {
    use super::ClientFiles;

    #[test]
    fn the_loader_imports_this_builds_files_once_the_page_is_idle_and_only_for_islands() {
        let files = ClientFiles {
            js: "/pkg/yorisoi.AAAAAAAAAAAAAAAAAAAAAA.js".into(),
            wasm: "/pkg/yorisoi.BBBBBBBBBBBBBBBBBBBBB_.wasm\"</script>".into(),
            css: "/pkg/yorisoi.css".into(),
        };
        let loader = files.islands_loader();
        assert!(loader.contains(r#"import("/pkg/yorisoi.AAAAAAAAAAAAAAAAAAAAAA.js")"#));
        // Anything that could end the string or the script is dropped.
        assert!(loader.contains(r#"module_or_path: "/pkg/yorisoi.BBBBBBBBBBBBBBBBBBBBB_.wasm/script""#));
        assert!(loader.contains("requestIdleCallback"));
        assert!(loader.contains("addEventListener('load'"));
        assert!(loader.contains("if (islands.length === 0) return ready();"));
    }
}
