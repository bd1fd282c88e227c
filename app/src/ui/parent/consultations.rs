//! `/consultations`, `/consultations/new`, `/consultations/:id`: a parent's consultations with the
//! centre — the list with what is new, the form to start one, and one thread with its booking.

use crate::api::consultations::{OpenConsultation, consultation_thread, my_consultations};
use crate::api::families::my_family;
use crate::i18n::{t, use_i18n};
use crate::ui::consultation::{Thread, booking_text, mode, topic, urgency};
use crate::ui::format::{DateText, signed_in};
use crate::ui::islands::form::Form;
use domain::consultation::{ContactMode, Topic, Urgency};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ConsultationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| my_consultations());
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), consult.title).to_string() />
        <h1>{t!(i18n, consult.title)}</h1>
        <p class="muted">{t!(i18n, consult.intro)}</p>
        <p><a class="button primary" href="/consultations/new" data-testid="new-consultation">{t!(i18n, consult.start)}</a></p>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(list.await, move |list| {
                    if list.is_empty() {
                        return view! { <p>{t!(i18n, consult.none)}</p> }.into_any();
                    }
                    let rows = list
                        .into_iter()
                        .map(|c| {
                            let unread = c.unread_by_guardian();
                            let opened = c.opened_on;
                            view! {
                                <li class="consultation" data-testid="consultation">
                                    <a href=format!("/consultations/{}", c.id)>{topic(i18n, c.topic)}</a>
                                    {unread.then(|| view! { " " <strong class="badge" data-testid="unread">{t!(i18n, consult.unread)}</strong> })}
                                    <span class="muted"> " · " <DateText date=opened /></span>
                                    {c.booking.as_ref().map(|b| view! { <p class="muted">{booking_text(i18n, b)}</p> })}
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ul class="consultations">{rows}</ul> }.into_any()
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn NewConsultationPage() -> impl IntoView {
    let i18n = use_i18n();
    let family = Resource::new(|| (), |_| my_family());
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), consult.start).to_string() />
        <p><a href="/consultations">{t!(i18n, consult.back)}</a></p>
        <h1>{t!(i18n, consult.start)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(family.await, move |family| {
                    let locale = i18n.get_locale_untracked();
                    let members = family
                        .record
                        .pregnancies
                        .iter()
                        .filter(|p| p.outcome == domain::family::PregnancyOutcome::Ongoing)
                        .map(|p| (format!("pregnancy:{}", p.id.0), crate::ui::format::date(locale, p.due_date)))
                        .chain(family.record.children.iter().map(|c| (format!("child:{}", c.id.0), c.name.clone())))
                        .map(|(value, label)| view! { <option value=value>{label}</option> })
                        .collect_view();
                    view! {
                        <Form action=OpenConsultation::url() class="form card">
                            <label for="topic">{t!(i18n, consult.topic)}</label>
                            <select id="topic" name="input[topic]" data-testid="topic">
                                {Topic::ALL.iter().map(|&x| view! { <option value=x.as_str()>{topic(i18n, x)}</option> }).collect_view()}
                            </select>
                            <label for="member">{t!(i18n, consult.member)}</label>
                            <select id="member" name="input[member]">
                                <option value="">{t!(i18n, consult.family_general)}</option>
                                {members}
                            </select>
                            <label for="mode">{t!(i18n, consult.mode)}</label>
                            <select id="mode" name="input[mode]">
                                {ContactMode::ALL.iter().map(|&x| view! { <option value=x.as_str()>{mode(i18n, x)}</option> }).collect_view()}
                            </select>
                            <label for="urgency">{t!(i18n, consult.urgency)}</label>
                            <select id="urgency" name="input[urgency]">
                                {Urgency::ALL.iter().map(|&x| view! { <option value=x.as_str()>{urgency(i18n, x)}</option> }).collect_view()}
                            </select>
                            <label for="preferred">{t!(i18n, consult.preferred_times)}</label>
                            <input id="preferred" name="input[preferred_times]" maxlength="500" />
                            <label for="first-message">{t!(i18n, consult.message)}</label>
                            <textarea id="first-message" name="input[message]" rows="5" maxlength="2000" required data-testid="first-message"></textarea>
                            <p class="muted">{t!(i18n, consult.message_hint)}</p>
                            <button type="submit" class="primary" data-testid="open-consultation">{t!(i18n, consult.submit)}</button>
                        </Form>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn ConsultationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let thread = Resource::new(id, consultation_thread);
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), consult.title).to_string() />
        <p><a href="/consultations">{t!(i18n, consult.back)}</a></p>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(thread.await, move |view| {
                    let c = &view.consultation;
                    let heading = view! {
                        <h1>{topic(i18n, c.topic)}</h1>
                        <p class="muted">{mode(i18n, c.mode)} " · " {urgency(i18n, c.urgency)}</p>
                    };
                    view! { {heading} <Thread view /> }.into_any()
                })
            })}
        </Suspense>
    }
}
