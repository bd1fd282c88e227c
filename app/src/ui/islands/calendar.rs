//! The family's private calendar feed: make its address (shown once: only its hash is stored),
//! replace it, or turn it off.

use crate::api::timeline::{CalendarLink, CalendarRevoke};
use crate::i18n::td_string;
use crate::ui::format::error_text;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[island]
pub fn CalendarFeed(lang: String, active: bool, made: Option<String>) -> impl IntoView {
    let locale = super::locale(&lang);
    let link = ServerAction::<CalendarLink>::new();
    let revoke = ServerAction::<CalendarRevoke>::new();
    let active = move || {
        let revoked = revoke.version().get() > 0 && revoke.value().get().is_some_and(|r| r.is_ok());
        let created = link.value().get().is_some_and(|r| r.is_ok());
        created || (active && !revoked)
    };
    // Made by the form posted before the client started (or without it): the server kept it for
    // this page, once.
    let made = made.map(Ok);
    let shown = move || {
        link.value().get().or_else(|| made.clone()).map(|r| match r {
            Ok(url) => {
                let webcal = url.replacen("http", "webcal", 1).replacen("webcals", "webcal", 1);
                view! { <p><a href=webcal data-testid="calendar-link">{url.clone()}</a></p> }.into_any()
            }
            Err(error) => {
                view! { <p class="error" role="alert" data-testid="error">{error_text(locale, &error)}</p> }.into_any()
            }
        })
    };
    view! {
        <Show when=active>
            <p data-testid="calendar-active">{td_string!(locale, timeline.calendar_active)}</p>
        </Show>
        {shown}
        <ActionForm action=link attr:class="inline">
            <button type="submit" data-testid="calendar-create">
                {move || if active() { td_string!(locale, timeline.calendar_new) } else { td_string!(locale, timeline.calendar_get) }}
            </button>
        </ActionForm>
        <Show when=active>
            <ActionForm action=revoke attr:class="inline">
                <button type="submit" class="link-button" data-testid="calendar-revoke">{td_string!(locale, timeline.calendar_revoke)}</button>
            </ActionForm>
        </Show>
    }
}
