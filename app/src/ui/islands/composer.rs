//! The composer of a consultation thread, which never loses what was written: unsent messages stay
//! on screen, are kept on the device across reloads ([`super::outbox`]), and are retried with the
//! same key when the connection comes back. Once the server has a message the page is read again,
//! so the thread (rendered by the server) shows it.

use crate::api::consultations::send_message;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::ui::format::error_text;
use crate::ui::islands::outbox;
use leptos::prelude::*;

/// A message written but not yet stored.
#[derive(Clone, Debug, PartialEq)]
struct Unsent {
    key: String,
    body: String,
    failed: bool,
}

/// What the composer keeps between messages.
#[derive(Clone, Copy)]
struct Desk {
    consultation: i64,
    unsent: RwSignal<Vec<Unsent>>,
    text: RwSignal<String>,
    refused: RwSignal<Option<AppError>>,
}

#[island]
pub fn Composer(consultation: i64, lang: String) -> impl IntoView {
    let locale = super::locale(&lang);
    let desk = Desk {
        consultation,
        unsent: RwSignal::new(Vec::new()),
        text: RwSignal::new(String::new()),
        refused: RwSignal::new(None),
    };
    // Written earlier on this device but not stored yet (offline, or the page was reloaded).
    Effect::new(move |_| {
        for queued in outbox::waiting_for(consultation) {
            if desk
                .unsent
                .with_untracked(|list| list.iter().any(|m| m.key == queued.key))
            {
                continue;
            }
            let message = Unsent {
                key: queued.key,
                body: queued.body,
                failed: false,
            };
            desk.unsent.update(|list| list.push(message.clone()));
            deliver(desk, message, 0);
        }
    });
    // Back online: everything that failed goes again at once.
    let online = window_event_listener(leptos::ev::online, move |_| {
        for message in desk.unsent.get_untracked().into_iter().filter(|m| m.failed) {
            deliver(desk, message, 0);
        }
    });
    on_cleanup(move || online.remove());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = desk.text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        let message = Unsent {
            key: new_key(),
            body,
            failed: false,
        };
        outbox::keep(outbox::Queued {
            consultation,
            key: message.key.clone(),
            body: message.body.clone(),
        });
        desk.unsent.update(|list| list.push(message.clone()));
        desk.text.set(String::new());
        desk.refused.set(None);
        deliver(desk, message, 0);
    };
    let rows = move || {
        desk.unsent
            .get()
            .into_iter()
            .map(|m| {
                let retry = m.clone();
                view! {
                    <li class="message mine unsent" data-testid="unsent">
                        <p class="meta">
                            {if m.failed { td_string!(locale, consult.unsent) } else { td_string!(locale, consult.sending) }}
                        </p>
                        <p class="text">{m.body.clone()}</p>
                        {m.failed.then(|| view! {
                            <button type="button" class="link-button" on:click=move |_| deliver(desk, retry.clone(), 0)>
                                {td_string!(locale, consult.retry)}
                            </button>
                        })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <ol class="messages pending">{rows}</ol>
        {move || desk.refused.get().map(|error| view! {
            <p class="error" role="alert" data-testid="error">{error_text(locale, &error)}</p>
        })}
        // Without the client the form posts to the server function, which stores it under a fresh key.
        <form method="post" action="/api/send_message" class="form compact" on:submit=submit>
            <input type="hidden" name="consultation" value=consultation />
            <input type="hidden" name="client_key" value="" />
            <label for="message">{td_string!(locale, consult.write)}</label>
            <textarea id="message" name="message" rows="4" maxlength="2000" required data-testid="message-input"
                prop:value=move || desk.text.get() on:input=move |ev| desk.text.set(event_target_value(&ev))></textarea>
            <p class="muted">{td_string!(locale, consult.message_hint)}</p>
            <button type="submit" class="primary" data-testid="send-message">{td_string!(locale, consult.submit)}</button>
        </form>
    }
}

/// Sends one message; a lost connection is retried with the same key (stored once), every five
/// seconds up to six times, then waits for the connection to come back or the retry button. A
/// refusal (e.g. too long) puts the text back in the box with the reason. Stored, the page is read
/// again once nothing else is on its way.
fn deliver(desk: Desk, message: Unsent, attempt: u32) {
    leptos::task::spawn_local(async move {
        let result = send_message(desk.consultation, message.body.clone(), message.key.clone()).await;
        match result {
            Ok(_) => {
                outbox::stored(&message.key);
                desk.unsent.update(|list| list.retain(|m| m.key != message.key));
                if desk.unsent.with_untracked(Vec::is_empty) && desk.text.with_untracked(String::is_empty) {
                    reload();
                }
            }
            Err(AppError::Request(_)) => {
                desk.unsent.update(|list| {
                    if let Some(m) = list.iter_mut().find(|m| m.key == message.key) {
                        m.failed = true;
                    }
                });
                if attempt < 6 {
                    set_timeout(
                        move || deliver(desk, message, attempt + 1),
                        std::time::Duration::from_secs(5),
                    );
                }
            }
            Err(error) => {
                outbox::stored(&message.key);
                desk.unsent.update(|list| list.retain(|m| m.key != message.key));
                desk.text.set(message.body);
                desk.refused.set(Some(error));
            }
        }
    });
}

fn reload() {
    #[cfg(feature = "hydrate")]
    let _ = window().location().reload();
}

/// A fresh key per message, from the clock and the browser's random numbers.
fn new_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        use leptos::web_sys::js_sys;
        let random = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
        format!("{:x}-{random:x}", js_sys::Date::now() as u64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}
