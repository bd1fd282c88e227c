//! `/staff/consultations` (the inbox) and `/staff/consultations/:id` (one thread, with assigning,
//! closing and the link to the family's record).

use crate::api::consultations::{
    AssignConsultation, CloseConsultation, Inbox, ThreadView, consultation_inbox, consultation_thread,
};
use crate::i18n::{t, use_i18n};
use crate::ui::consultation::{Thread, booking_text, mode, outcome, topic, urgency};
use crate::ui::format::signed_in;
use crate::ui::islands::form::Form;
use domain::consultation::{Consultation, Outcome, Urgency};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| consultation_inbox());
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), inbox.title).to_string() />
        <h1>{t!(i18n, inbox.title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move { signed_in(data.await, move |inbox| view! { <InboxLists inbox /> }.into_any()) })}
        </Suspense>
    }
}

#[component]
fn InboxLists(inbox: Inbox) -> impl IntoView {
    let i18n = use_i18n();
    let Inbox {
        unassigned,
        mine,
        waiting,
        booked_today,
    } = inbox;
    let waiting_rows = waiting
        .into_iter()
        .map(|w| {
            let (hours, minutes) = (w.waited_minutes / 60, w.waited_minutes % 60);
            view! {
                <Row c=w.consultation>
                    <span class="overdue">{t!(i18n, inbox.waited, hours = move || hours, minutes = move || minutes)}</span>
                </Row>
            }
        })
        .collect_view();
    let list = |items: Vec<Consultation>| {
        if items.is_empty() {
            view! { <p class="muted">{t!(i18n, inbox.empty)}</p> }.into_any()
        } else {
            view! { <ul class="inbox">{items.into_iter().map(|c| view! { <Row c>""</Row> }).collect_view()}</ul> }
                .into_any()
        }
    };
    let no_waiting = waiting_rows.is_empty();
    view! {
        <section class="card" data-testid="inbox-waiting">
            <h2>{t!(i18n, inbox.waiting)}</h2>
            {if no_waiting { view! { <p class="muted">{t!(i18n, inbox.empty)}</p> }.into_any() } else { view! { <ul class="inbox">{waiting_rows}</ul> }.into_any() }}
        </section>
        <section class="card" data-testid="inbox-unassigned"><h2>{t!(i18n, inbox.unassigned)}</h2>{list(unassigned)}</section>
        <section class="card" data-testid="inbox-mine"><h2>{t!(i18n, inbox.mine)}</h2>{list(mine)}</section>
        <section class="card" data-testid="inbox-today"><h2>{t!(i18n, inbox.booked_today)}</h2>{list(booked_today)}</section>
    }
}

#[component]
fn Row(c: Consultation, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let urgent = c.urgency == Urgency::Urgent;
    view! {
        <li class=if urgent { "consultation urgent" } else { "consultation" } data-testid="inbox-row">
            <a href=format!("/staff/consultations/{}", c.id)>{c.family_name.clone()} " — " {topic(i18n, c.topic)}</a>
            <span class="muted"> " · " {urgency(i18n, c.urgency)} " · " {mode(i18n, c.mode)}
                {c.assigned_name.clone().map(|n| view! { " · " {n} })}</span>
            " " {children()}
            {c.booking.as_ref().map(|b| view! { <p class="muted">{booking_text(i18n, b)}</p> })}
        </li>
    }
}

#[component]
pub fn StaffConsultationPage() -> impl IntoView {
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
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), inbox.title).to_string() />
        <p><a href="/staff/consultations">{t!(i18n, inbox.title)}</a></p>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(thread.await, move |view| view! { <StaffThread view /> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn StaffThread(view: ThreadView) -> impl IntoView {
    let i18n = use_i18n();
    let c = view.consultation.clone();
    let assigned = c.assigned_to.map(|a| a.0);
    let colleagues = view
        .colleagues
        .iter()
        .map(|p| view! { <option value=p.id selected=Some(p.id) == assigned>{p.name.clone()}</option> })
        .collect_view();
    view! {
        <h1>{c.family_name.clone()} " — " {topic(i18n, c.topic)}</h1>
        <p class="muted">
            {mode(i18n, c.mode)} " · " {urgency(i18n, c.urgency)}
            {(!c.preferred_times.is_empty()).then(|| view! { " · " {c.preferred_times.clone()} })}
            " · " <a href=format!("/staff/families/{}", c.family.0) data-testid="family-link">{t!(i18n, inbox.family)}</a>
        </p>
        {c.closed.map(|o| view! { <p class="notice">{outcome(i18n, o)} " " {c.closing_note.clone()}</p> })}
        {c.closed.is_none().then(|| view! {
            <section class="card">
                <Form action=AssignConsultation::url() class="form compact">
                    <input type="hidden" name="consultation" value=c.id />
                    <label for="assignee">{t!(i18n, inbox.assignee)}</label>
                    <select id="assignee" name="assignee">
                        <option value="">{t!(i18n, support.nobody)}</option>
                        {colleagues}
                    </select>
                    <button type="submit" data-testid="assign">{t!(i18n, inbox.assign)}</button>
                </Form>
                <details>
                    <summary>{t!(i18n, inbox.close)}</summary>
                    <Form action=CloseConsultation::url() class="form compact">
                        <input type="hidden" name="consultation" value=c.id />
                        <label for="outcome">{t!(i18n, inbox.outcome)}</label>
                        <select id="outcome" name="outcome">
                            {Outcome::ALL.iter().map(|&o| view! { <option value=o.as_str()>{outcome(i18n, o)}</option> }).collect_view()}
                        </select>
                        <label for="closing-note">{t!(i18n, inbox.note)}</label>
                        <textarea id="closing-note" name="note" maxlength="2000"></textarea>
                        <button type="submit">{t!(i18n, inbox.close)}</button>
                    </Form>
                </details>
            </section>
        })}
        <Thread view />
    }
}
