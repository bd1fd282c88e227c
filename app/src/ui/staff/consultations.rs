//! `/staff/consultations` (the inbox) and `/staff/consultations/:id` (one thread, with assigning,
//! closing and the link to the family's record).

use crate::api::consultations::{
    AssignConsultation, CloseConsultation, INBOX_PAGE_SIZE, Inbox, InboxFocus, ThreadView, consultation_inbox,
    consultation_thread,
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
    let query = leptos_router::hooks::use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (q.get("list"), q.get("page").and_then(|p| p.parse::<u32>().ok()))
        },
        |(list, page)| consultation_inbox(list, page),
    );
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
        totals,
        focus,
        page,
        page_count,
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
    let rows = |items: Vec<Consultation>| items.into_iter().map(|c| view! { <Row c>""</Row> }).collect_view();
    // Each list: its first page, and a link to the whole list when there is more; or, focused,
    // the one list page by page.
    let section = move |which: InboxFocus, title: AnyView, total: usize, items: AnyView| {
        let more = (focus.is_none() && total > INBOX_PAGE_SIZE).then(|| {
            view! {
                <p><a href=format!("?list={}", which.as_str()) data-testid="inbox-more">{t!(i18n, inbox.all, n = move || total)}</a></p>
            }
        });
        let pager = (focus == Some(which) && page_count > 1).then(|| {
            let link = move |p: u32| format!("?list={}&page={p}", which.as_str());
            view! {
                <nav class="pager" aria-label=move || crate::i18n::td_string!(i18n.get_locale(), nav.pages_label).to_string() data-testid="inbox-pager">
                    {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">{t!(i18n, caseload.prev)}</a> })}
                    <span>{t!(i18n, caseload.page, page = move || page, count = move || page_count)}</span>
                    {(page < page_count).then(|| view! { <a href=link(page + 1) rel="next">{t!(i18n, caseload.next)}</a> })}
                </nav>
            }
        });
        (focus.is_none() || focus == Some(which)).then(|| {
            view! {
                <section class="card" data-testid=format!("inbox-{}", which.as_str().replace("booked_today", "today"))>
                    <h2>{title} " " <span class="muted" data-testid="inbox-total">{t!(i18n, inbox.count, n = move || total)}</span></h2>
                    {if total == 0 {
                        view! { <p class="muted">{t!(i18n, inbox.empty)}</p> }.into_any()
                    } else {
                        view! { <ul class="inbox">{items}</ul> }.into_any()
                    }}
                    {more}
                    {pager}
                </section>
            }
        })
    };
    view! {
        {focus.is_some().then(|| view! { <p><a href="/staff/consultations">{t!(i18n, inbox.back)}</a></p> })}
        {section(InboxFocus::Waiting, t!(i18n, inbox.waiting).into_any(), totals.waiting, waiting_rows.into_any())}
        {section(InboxFocus::Unassigned, t!(i18n, inbox.unassigned).into_any(), totals.unassigned, rows(unassigned).into_any())}
        {section(InboxFocus::Mine, t!(i18n, inbox.mine).into_any(), totals.mine, rows(mine).into_any())}
        {section(InboxFocus::BookedToday, t!(i18n, inbox.booked_today).into_any(), totals.booked_today, rows(booked_today).into_any())}
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
