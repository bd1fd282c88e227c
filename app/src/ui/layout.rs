//! The page chrome: skip link, app name, navigation for the signed-in role, language switch, log out.

use crate::api::auth::{Logout, whoami};
use crate::i18n::{Locale, t, use_i18n};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    // Re-asked on every navigation, so the header follows sign-in and sign-out.
    let me = Resource::new(move || location.pathname.get(), |_| whoami());
    let logout = ServerAction::<Logout>::new();
    // Messages still waiting on this device belong to the person who wrote them.
    Effect::new(move |_| {
        if logout.version().get() > 0 {
            crate::ui::outbox::clear();
        }
    });
    view! {
        <a class="skip-link" href="#main">{t!(i18n, app.skip)}</a>
        <header class="site-header">
            <a class="brand" href="/">{t!(i18n, app.name)}</a>
            <nav aria-label="main">
                <Transition>
                    {move || Suspend::new(async move {
                        me.await.ok().flatten().map(|me| {
                            let staff = me.role.is_staff();
                            let admin = me.role == domain::account::Role::Admin;
                            view! {
                                <Show when=move || !staff>
                                    <a href="/home">{t!(i18n, nav.home)}</a>
                                    <a href="/consultations">{t!(i18n, nav.consultations)}</a>
                                    <a href="/settings/reminders">{t!(i18n, nav.reminders)}</a>
                                </Show>
                                <Show when=move || staff>
                                    <a href="/staff">{t!(i18n, nav.caseload)}</a>
                                    <a href="/staff/tasks">{t!(i18n, nav.tasks)}</a>
                                    <a href="/staff/consultations">{t!(i18n, nav.inbox)}</a>
                                    <a href="/staff/slots">{t!(i18n, nav.slots)}</a>
                                    <a href="/staff/register">{t!(i18n, nav.register)}</a>
                                    <a href="/staff/institutions">{t!(i18n, nav.institutions)}</a>
                                    <a href="/staff/figures">{t!(i18n, nav.figures)}</a>
                                </Show>
                                <Show when=move || admin>
                                    <a href="/staff/audit">{t!(i18n, nav.audit)}</a>
                                    <a href="/staff/reminders">{t!(i18n, nav.failed)}</a>
                                    <a href="/staff/accounts">{t!(i18n, nav.accounts)}</a>
                                </Show>
                                <ActionForm action=logout attr:class="inline">
                                    <button type="submit" class="link-button" data-testid="logout">
                                        {t!(i18n, nav.logout)}
                                    </button>
                                </ActionForm>
                            }
                        })
                    })}
                </Transition>
                <LanguageSwitch />
            </nav>
        </header>
    }
}

/// Switches between Japanese and English in place. Works only once the page is hydrated.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = match i18n.get_locale() {
            Locale::ja => Locale::en,
            Locale::en => Locale::ja,
        };
        i18n.set_locale(next);
    };
    view! {
        <button
            type="button"
            class="lang-switch"
            on:click=switch
            data-testid="language-switch"
            aria-label=move || crate::i18n::td_string!(i18n.get_locale(), nav.switch_language_label).to_string()
        >
            {t!(i18n, nav.switch_language)}
        </button>
    }
}
