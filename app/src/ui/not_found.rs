//! The page for unknown URLs.

use crate::i18n::{t, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), errors.page_not_found).to_string() />
        <h1>{t!(i18n, errors.page_not_found)}</h1>
        <p><a href="/">{t!(i18n, app.name)}</a></p>
    }
}
