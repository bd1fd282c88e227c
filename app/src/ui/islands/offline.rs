//! Says when the page is not live: the browser is offline, or the service worker served the copy it
//! saved (it marks `<html data-saved-at>`). Also sends the messages written offline as soon as the
//! connection is back, whichever page is open.

use crate::api::consultations::send_message;
use crate::i18n::td_string;
use crate::ui::islands::outbox;
use leptos::prelude::*;

/// Where the page stands: live, or shown without a connection (with when it was saved, if known).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Standing {
    Live,
    Offline { saved_at: Option<String> },
}

#[island]
pub fn OfflineNotice(lang: String) -> impl IntoView {
    let locale = super::locale(&lang);
    // The server always renders `Live`; the browser looks once the island is running.
    let standing = RwSignal::new(Standing::Live);
    Effect::new(move |_| {
        standing.set(read_standing());
        send_waiting();
    });
    let online = window_event_listener(leptos::ev::online, move |_| {
        standing.set(read_standing());
        send_waiting();
    });
    let offline = window_event_listener(leptos::ev::offline, move |_| standing.set(read_standing()));
    on_cleanup(move || {
        online.remove();
        offline.remove();
    });
    move || match standing.get() {
        Standing::Live => None,
        Standing::Offline { saved_at } => Some(view! {
            <p class="offline-banner" role="status" data-testid="offline-banner">
                {match saved_at {
                    Some(at) => td_string!(locale, app.offline_saved, at = at).to_string(),
                    None => td_string!(locale, app.offline).to_string(),
                }}
            </p>
        }),
    }
}

fn read_standing() -> Standing {
    #[cfg(feature = "hydrate")]
    {
        let saved_at = document()
            .document_element()
            .and_then(|html| html.get_attribute("data-saved-at"))
            .filter(|at| !at.is_empty())
            .map(|at| local_time(&at));
        let online = window().navigator().on_line();
        if saved_at.is_some() || !online {
            return Standing::Offline { saved_at };
        }
    }
    Standing::Live
}

/// `11月24日 08:15`-style local time of an ISO timestamp, in the phone's own time zone.
#[cfg(feature = "hydrate")]
fn local_time(iso: &str) -> String {
    use leptos::web_sys::js_sys::Date;
    let date = Date::new(&iso.into());
    if date.get_time().is_nan() {
        return String::new();
    }
    format!(
        "{}/{} {:02}:{:02}",
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// Sends every queued message once; what still cannot be sent stays queued.
fn send_waiting() {
    #[cfg(feature = "hydrate")]
    if window().navigator().on_line() {
        for message in outbox::waiting() {
            leptos::task::spawn_local(async move {
                match send_message(message.consultation, message.body.clone(), message.key.clone()).await {
                    Ok(_) => outbox::stored(&message.key),
                    // Lost again: it stays queued for the next time the connection comes back.
                    Err(crate::error::AppError::Request(_)) => {}
                    // Refused (too long, consultation closed…): the consultation page shows why.
                    Err(_) => {}
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (outbox::waiting, send_message);
}
