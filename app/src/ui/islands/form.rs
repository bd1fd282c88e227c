//! Forms that post to server functions.
//!
//! [`Form`] (rendered on the server) is a plain `<form method="post">` aimed at a server function.
//! Without the client, the browser posts it; the server function answers with a redirect back to
//! the page, and a refusal comes back in the address (`__path`, `__err`), where [`Form`] finds it
//! and shows it beside the form it belongs to.
//!
//! Inside [`FormGuard`] (an island), the client sends the same fields in the background instead:
//! a refusal shows beside the form and everything typed stays where it was; success reloads the
//! page (the server renders it afresh) or follows the redirect the server function asked for.

use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::format::error_text;
use leptos::prelude::*;

/// A server function's form. `action` is the function's URL (`RecordDone::url()`).
#[component]
pub fn Form(
    action: &'static str,
    #[prop(optional)] class: &'static str,
    #[prop(optional, into)] testid: Option<String>,
    children: Children,
) -> impl IntoView {
    let lang = use_i18n().get_locale_untracked().to_string();
    let refused = refused_by(action);
    view! {
        <FormGuard lang refused>
            <form method="post" action=action class=class data-testid=testid>
                {children()}
            </form>
        </FormGuard>
    }
}

/// The refusal of the server function at `action`, when the browser posted its form without the
/// client and the server sent the refusal back in the address.
fn refused_by(action: &str) -> Option<AppError> {
    let query = leptos_router::hooks::use_query_map();
    let query = query.read_untracked();
    (query.get_str("__path") == Some(action))
        .then(|| query.get_str("__err").map(decode))
        .flatten()
}

#[cfg(feature = "ssr")]
fn decode(encoded: &str) -> AppError {
    leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(encoded)
}

#[cfg(not(feature = "ssr"))]
fn decode(_: &str) -> AppError {
    AppError::Internal
}

/// Sends the form inside it in the background and shows a refusal above it.
#[island]
pub fn FormGuard(lang: String, refused: Option<AppError>, children: Children) -> impl IntoView {
    let locale = super::locale(&lang);
    let refused = RwSignal::new(refused);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        if busy.get_untracked() {
            ev.prevent_default();
        } else {
            send_in_background(ev, busy, refused);
        }
    };
    view! {
        <div class="form-guard" on:submit=submit aria-busy=move || busy.get().to_string()>
            {move || refused.get().map(|error| view! {
                <p class="error" role="alert" data-testid="error">{error_text(locale, &error)}</p>
            })}
            {children()}
        </div>
    }
}

/// Sends the submitted form in the background: see the module's documentation.
#[cfg(feature = "hydrate")]
fn send_in_background(ev: leptos::ev::SubmitEvent, busy: RwSignal<bool>, refused: RwSignal<Option<AppError>>) {
    let Some(form) = client::form_of(&ev) else { return };
    ev.prevent_default();
    busy.set(true);
    let submitter = ev.submitter();
    leptos::task::spawn_local(async move {
        match client::send(&form, submitter).await {
            Ok(next) => client::go(next),
            Err(AppError::NotSignedIn) => client::go(Some("/login".into())),
            Err(error) => {
                refused.set(Some(error));
                busy.set(false);
            }
        }
    });
}

/// On the server no form is ever submitted.
#[cfg(not(feature = "hydrate"))]
fn send_in_background(_: leptos::ev::SubmitEvent, _: RwSignal<bool>, _: RwSignal<Option<AppError>>) {}

#[cfg(feature = "hydrate")]
mod client {
    use crate::error::AppError;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::{self, HtmlFormElement};
    use wasm_bindgen_futures::JsFuture;

    pub fn form_of(ev: &leptos::ev::SubmitEvent) -> Option<HtmlFormElement> {
        ev.target()?.dyn_into::<HtmlFormElement>().ok()
    }

    /// Posts the form's fields (and the button that sent it) to its server function as the
    /// server function's own client does; `Ok(Some(url))` when the server asked to go elsewhere.
    pub async fn send(
        form: &HtmlFormElement,
        submitter: Option<web_sys::HtmlElement>,
    ) -> Result<Option<String>, AppError> {
        let lost = |_: JsValue| AppError::Request("the request did not get through".into());
        let fields = web_sys::FormData::new_with_form(form).map_err(lost)?;
        let pressed =
            submitter.and_then(|button| Some((button.get_attribute("name")?, button.get_attribute("value")?)));
        if let Some((name, value)) = pressed {
            fields.append_with_str(&name, &value).map_err(lost)?;
        }
        let body = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&fields).map_err(lost)?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        let headers = web_sys::Headers::new().map_err(lost)?;
        headers.set("Accept", "application/json").map_err(lost)?;
        init.set_headers(&headers);
        let window = web_sys::window().ok_or(AppError::Internal)?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&form.action(), &init))
            .await
            .map_err(lost)?
            .unchecked_into();
        if response.ok() {
            return Ok(response.headers().get("location").ok().flatten());
        }
        let text = JsFuture::from(response.text().map_err(lost)?).await.map_err(lost)?;
        let text = text.as_string().unwrap_or_default();
        Err(serde_json::from_str(&text).unwrap_or(AppError::Internal))
    }

    /// Where the server sent us, or this page again without a refusal left in its address.
    pub fn go(next: Option<String>) {
        let Some(window) = web_sys::window() else { return };
        let location = window.location();
        let here = location.href().unwrap_or_default();
        let target = next.unwrap_or_else(|| without_refusal(&here));
        let target = web_sys::Url::new_with_base(&target, &here).map_or(target, |url| url.href());
        // The same page (perhaps at another anchor): going there alone would only scroll, so it
        // is loaded afresh, at the anchor the server asked for.
        let page = |href: &str| href.split('#').next().unwrap_or_default().to_owned();
        if page(&target) == page(&here) {
            if target != here {
                let _ = location.set_href(&target);
            }
            let _ = location.reload();
        } else {
            let _ = location.assign(&target);
        }
    }

    fn without_refusal(href: &str) -> String {
        let Ok(url) = web_sys::Url::new(href) else {
            return href.to_owned();
        };
        let params = url.search_params();
        params.delete("__path");
        params.delete("__err");
        url.set_search(&params.to_string().as_string().unwrap_or_default());
        url.href()
    }
}
