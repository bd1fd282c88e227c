//! The page chrome: skip link, app name, navigation for the signed-in role, language switch, log out.

use crate::api::auth::{Logout, whoami};
use crate::api::language::SetLanguage;
use crate::i18n::{Locale, t, td_string, use_i18n};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <a class="skip-link" href="#main">{t!(i18n, app.skip)}</a>
        <header class="site-header">
            <a class="brand" href="/">{t!(i18n, app.name)}</a>
            <nav aria-label=move || crate::i18n::td_string!(i18n.get_locale(), nav.main_label).to_string()>
                <Suspense>
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
                                // Messages still waiting on this device belong to the person who
                                // wrote them: pwa.js empties the queue when this form is sent.
                                <form method="post" action=Logout::url() class="inline" data-clears-outbox>
                                    <button type="submit" class="link-button" data-testid="logout">
                                        {t!(i18n, nav.logout)}
                                    </button>
                                </form>
                            }
                        })
                    })}
                </Suspense>
                <LanguageSwitch />
            </nav>
        </header>
    }
}

/// Switches between Japanese and English: a form post that keeps the choice in a cookie, after
/// which the server renders the page again in the other language.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let next = match locale {
        Locale::ja => Locale::en,
        Locale::en => Locale::ja,
    };
    view! {
        <form method="post" action=SetLanguage::url() class="inline">
            <input type="hidden" name="lang" value=next.to_string() />
            <button
                type="submit"
                class="lang-switch"
                data-testid="language-switch"
                aria-label=td_string!(locale, nav.switch_language_label).to_string()
            >
                {td_string!(locale, nav.switch_language)}
            </button>
        </form>
    }
}
