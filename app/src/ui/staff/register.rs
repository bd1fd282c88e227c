//! `/staff/register`: a pregnancy notification (妊娠届出) for a new family; the same fields add a
//! pregnancy to a family already on file.

use crate::api::accounts::sites;
use crate::api::intake::RegisterPregnancy;
use crate::i18n::{t, use_i18n};
use crate::ui::format::signed_in;
use crate::ui::islands::form::Form;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let site_list = Resource::new(|| (), |_| sites());
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), register.title).to_string() />
        <h1>{t!(i18n, register.title)}</h1>
        <p class="muted">{t!(i18n, register.intro)}</p>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(site_list.await, move |sites| {
                    view! {
                        <Form action=RegisterPregnancy::url() class="form card">
                            <label for="family-name">{t!(i18n, register.family_name)}</label>
                            <input id="family-name" name="input[family_name]" required maxlength="60" />
                            <label for="family-kana">{t!(i18n, register.family_name_kana)}</label>
                            <input id="family-kana" name="input[family_name_kana]" required maxlength="80" />
                            <label for="site">{t!(i18n, register.site)}</label>
                            <select id="site" name="input[site]">
                                <option value="">{t!(i18n, register.site_none)}</option>
                                {sites
                                    .into_iter()
                                    .filter(|s| !s.closed)
                                    .map(|s| view! { <option value=s.id>{s.name}</option> })
                                    .collect_view()}
                            </select>
                            <PregnancyFields />
                            <button type="submit" class="primary" data-testid="register-submit">
                                {t!(i18n, register.submit)}
                            </button>
                        </Form>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}

/// Adds a pregnancy to a family on file (on the family's page).
#[component]
pub fn AddPregnancy(family_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="ending">
            <summary data-testid="add-pregnancy">{t!(i18n, register.add_title)}</summary>
            <Form action=RegisterPregnancy::url() class="form compact">
                <input type="hidden" name="input[family]" value=family_id />
                <PregnancyFields />
                <button type="submit" class="primary">{t!(i18n, register.submit)}</button>
            </Form>
        </details>
    }
}

#[component]
fn PregnancyFields() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for="due-date">{t!(i18n, register.due_date)}</label>
        <input id="due-date" name="input[due_date]" type="date" data-testid="due-date" />
        <label for="lmp">{t!(i18n, register.lmp)}</label>
        <input id="lmp" name="input[lmp]" type="date" />
        <label for="fetuses">{t!(i18n, register.fetuses)}</label>
        <input id="fetuses" name="input[fetuses]" type="number" min="1" max="8" value="1" />
        <label for="notified-on">{t!(i18n, register.notified_on)}</label>
        <input id="notified-on" name="input[notified_on]" type="date" data-testid="notified-on" />
        <label for="heartbeat-on">{t!(i18n, register.heartbeat_on)}</label>
        <input id="heartbeat-on" name="input[heartbeat_on]" type="date" data-testid="heartbeat-on" />
        <details class="ending">
            <summary data-testid="ended-before-notification">{t!(i18n, register.ended_before_title)}</summary>
            <p class="muted" id="lost-on-hint">{t!(i18n, register.ended_before_hint)}</p>
            <label for="lost-on">{t!(i18n, register.lost_on)}</label>
            <input id="lost-on" name="input[lost_on]" type="date" aria-describedby="lost-on-hint" data-testid="lost-on" />
        </details>
    }
}
