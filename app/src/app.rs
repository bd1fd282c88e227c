//! The HTML shell and the whole route table.

use crate::i18n::I18nContextProvider;
use crate::ui::layout::Header;
use crate::ui::offline::OfflineNotice;
use crate::ui::parent::consultations::{ConsultationPage, ConsultationsPage, NewConsultationPage};
use crate::ui::parent::home::ParentHome;
use crate::ui::parent::reminders::RemindersPage;
use crate::ui::staff::routes as staff;
use crate::ui::{join::JoinPage, landing::Landing, login::LoginPage, not_found::NotFound};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

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

    /// Loads the client once the page has loaded and the browser is idle, so the server-rendered
    /// page paints first on a slow phone and network (plain forms work before hydration). No
    /// preload: the WASM must not compete with the page for a thin connection.
    fn hydration_loader(&self) -> String {
        let (js, wasm) = (js_string(&self.js), js_string(&self.wasm));
        format!(
            "const hydrate = () => import({js}).then((m) => m.default({{ module_or_path: {wasm} }}).then(() => m.hydrate()));\n\
             const idle = () => ('requestIdleCallback' in window ? requestIdleCallback(hydrate, {{ timeout: 2000 }}) : setTimeout(hydrate, 1));\n\
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
    let loader = files.hydration_loader();
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
            <HydrationMarker />
            <Router>
                <Header />
                <OfflineNotice />
                <main id="main" class="page">
                    <Routes fallback=|| view! { <NotFound /> }>
                        // Async: every page waits for its data, so a redirect (e.g. to /login) can
                        // still be a real HTTP redirect and pages work without JavaScript.
                        // Staff screens are lazy: their code is not in the WASM parents load.
                        <Route path=path!("/") view=Landing ssr=SsrMode::Async />
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                        <Route path=path!("/join") view=JoinPage ssr=SsrMode::Async />
                        <Route path=path!("/home") view=ParentHome ssr=SsrMode::Async />
                        <Route path=path!("/consultations") view=ConsultationsPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/reminders") view=RemindersPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/new") view=NewConsultationPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/:id") view=ConsultationPage ssr=SsrMode::Async />
                        <Route path=path!("/staff") view={Lazy::<staff::Caseload>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/families/:id") view={Lazy::<staff::Family>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/accounts") view={Lazy::<staff::Accounts>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/register") view={Lazy::<staff::Register>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/tasks") view={Lazy::<staff::Tasks>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/institutions") view={Lazy::<staff::Institutions>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/figures") view={Lazy::<staff::Figures>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/audit") view={Lazy::<staff::Audit>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/consultations") view={Lazy::<staff::Inbox>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/consultations/:id") view={Lazy::<staff::Consultation>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/slots") view={Lazy::<staff::Slots>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/staff/reminders") view={Lazy::<staff::FailedReminders>::new()} ssr=SsrMode::Async />
                    </Routes>
                </main>
            </Router>
        </I18nContextProvider>
    }
}

/// Marks the page once the WASM client has taken over; browser tests wait for it.
#[component]
fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::ClientFiles;

    #[test]
    fn the_loader_imports_this_builds_files_once_the_page_is_idle() {
        let files = ClientFiles {
            js: "/pkg/yorisoi.AAAAAAAAAAAAAAAAAAAAAA.js".into(),
            wasm: "/pkg/yorisoi.BBBBBBBBBBBBBBBBBBBBB_.wasm\"</script>".into(),
            css: "/pkg/yorisoi.css".into(),
        };
        let loader = files.hydration_loader();
        assert!(loader.contains(r#"import("/pkg/yorisoi.AAAAAAAAAAAAAAAAAAAAAA.js")"#));
        // Anything that could end the string or the script is dropped.
        assert!(loader.contains(r#"module_or_path: "/pkg/yorisoi.BBBBBBBBBBBBBBBBBBBBB_.wasm/script""#));
        assert!(loader.contains("requestIdleCallback"));
        assert!(loader.contains("addEventListener('load'"));
    }
}
