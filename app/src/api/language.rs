//! The reader's language: kept in a cookie the server reads when it renders each page (the name
//! `leptos_i18n` reads), so switching is a form post that works without the client.

use crate::error::AppError;
use leptos::prelude::*;

/// The cookie `leptos_i18n` reads the chosen language from.
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";

/// Chooses the language of every page from now on (a year), on this browser.
#[server(endpoint = "set_language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    use domain::input::{Invalid, Problem};
    let locale: crate::i18n::Locale = lang.parse().map_err(|_| Invalid::new("lang", Problem::Malformed))?;
    let secure = super::context::server_context()?.public_url.starts_with("https://");
    let cookie = format!(
        "{LANGUAGE_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    );
    let header = axum::http::HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal)?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(axum::http::header::SET_COOKIE, header);
    Ok(())
}
