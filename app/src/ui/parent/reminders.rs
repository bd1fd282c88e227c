//! `/settings/reminders`: push reminders on this phone — why, turning them on (the permission
//! prompt comes only after the button), the devices that receive them, and what and when.

use crate::api::reminders::{
    RemindersView, RemoveDevice, SaveReminderPreferences, UseEmailReminders, reminder_settings,
};
use crate::i18n::{t, td_string, use_i18n};
use crate::ui::format::{DateText, signed_in};
use crate::ui::islands::form::Form;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn RemindersPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| reminder_settings());
    view! {
        <Title text=move || td_string!(i18n.get_locale(), reminders.title).to_string() />
        <h1>{t!(i18n, reminders.title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(data.await, move |view| view! { <Settings view /> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn Settings(view: RemindersView) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let RemindersView {
        public_key,
        devices,
        preferences: p,
        email_available,
        email_address,
    } = view;
    let none = devices.is_empty();
    let by_email = devices.iter().any(|d| d.email);
    let said = leptos_router::hooks::use_query_map().read_untracked().get("said");
    let saved = said.as_deref() == Some("preferences_saved");
    let email_on = said.as_deref() == Some("email_on");
    let address = email_address.clone();
    let devices = devices
        .into_iter()
        .map(|d| {
            let email_address = address.clone();
            let label = if d.email {
                t!(i18n, reminders.by_email, address = move || email_address.clone()).into_any()
            } else {
                d.label.into_any()
            };
            view! {
                <li data-testid="device" data-email=d.email.to_string()>
                    {label} " · " <DateText date=d.added_on />
                    <Form action=RemoveDevice::url() class="inline">
                        <input type="hidden" name="device" value=d.id />
                        " " <button type="submit" class="link-button" data-testid="remove-device">{t!(i18n, reminders.remove)}</button>
                    </Form>
                </li>
            }
        })
        .collect_view();
    let clock = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
    view! {
        <section class="card">
            <p>{t!(i18n, reminders.explain)}</p>
            <p class="muted">{t!(i18n, reminders.privacy)}</p>
            <button
                type="button"
                class="primary"
                data-enable-push
                data-testid="enable-push"
                data-key=public_key
                data-msg-unsupported=td_string!(locale, reminders.unsupported).to_string()
                data-msg-denied=td_string!(locale, reminders.denied).to_string()
                data-msg-failed=td_string!(locale, reminders.failed).to_string()
            >
                {t!(i18n, reminders.enable)}
            </button>
            <p id="push-status" role="status" data-testid="push-status"></p>
            <h2>{t!(i18n, reminders.devices)}</h2>
            {none.then(|| view! { <p>{t!(i18n, reminders.no_devices)}</p> })}
            <ul>{devices}</ul>
        </section>
        {(email_available && !by_email).then(|| view! {
            <section class="card" aria-labelledby="email-title">
                <h2 id="email-title">{t!(i18n, reminders.email_title)}</h2>
                <p>{t!(i18n, reminders.email_explain, address = move || email_address.clone())}</p>
                <Form action=UseEmailReminders::url()>
                    <button type="submit" data-testid="use-email">{t!(i18n, reminders.email_enable)}</button>
                </Form>
            </section>
        })}
        {email_on.then(|| view! { <p class="notice" role="status" data-testid="email-on">{t!(i18n, reminders.email_on)}</p> })}
        <section class="card">
            <h2>{t!(i18n, reminders.what)}</h2>
            <Form action=SaveReminderPreferences::url() class="form">
                <label class="check">
                    <input type="checkbox" name="input[timeline]" value="true" checked=p.timeline data-testid="pref-timeline" />
                    {t!(i18n, reminders.timeline)}
                </label>
                <label class="check">
                    <input type="checkbox" name="input[consultations]" value="true" checked=p.consultations />
                    {t!(i18n, reminders.consultations)}
                </label>
                <label for="days-ahead">{t!(i18n, reminders.days_ahead)}</label>
                <select id="days-ahead" name="input[days_ahead]" data-testid="days-ahead">
                    {[0u8, 1, 3, 7, 14].into_iter().map(|d| view! {
                        <option value=d.to_string() selected=d == p.days_ahead>{d}</option>
                    }).collect_view()}
                </select>
                <label for="quiet-from">{t!(i18n, reminders.quiet_from)}</label>
                <input id="quiet-from" name="input[quiet_from]" type="time" value=clock(p.quiet_from) required data-testid="quiet-from" />
                <label for="quiet-until">{t!(i18n, reminders.quiet_until)}</label>
                <input id="quiet-until" name="input[quiet_until]" type="time" value=clock(p.quiet_until) required />
                <button type="submit" class="primary" data-testid="save-preferences">{t!(i18n, reminders.save)}</button>
            </Form>
            // Said by the page's address once saved (`save_reminder_preferences` sends the page there).
            {saved.then(|| view! { <p class="notice" role="status" data-testid="preferences-saved">{t!(i18n, reminders.saved)}</p> })}
            <p class="muted">{t!(i18n, reminders.browser_note)}</p>
        </section>
    }
}
