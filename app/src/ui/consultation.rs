//! A consultation's thread, shared by the parent's and the coordinator's pages: the messages with
//! read marks, a composer that never loses what was written (unsent messages stay on screen, are
//! kept on the device across reloads, and are retried with the same key when the connection comes
//! back), and the booking with the open slots.

use crate::api::consultations::{BookSlot, CancelBooking, ThreadView};
use crate::i18n::{Locale, t, use_i18n};
use crate::ui::islands::composer::Composer;
use crate::ui::islands::form::Form;
use domain::consultation::{Author, Booking, ContactMode, Outcome, Slot, Topic, Urgency};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

type I18n = leptos_i18n::I18nContext<Locale>;

pub fn topic(i18n: I18n, t: Topic) -> AnyView {
    match t {
        Topic::PregnancyAndBirth => t!(i18n, labels.topic.pregnancy_and_birth).into_any(),
        Topic::Feeding => t!(i18n, labels.topic.feeding).into_any(),
        Topic::GrowthAndDevelopment => t!(i18n, labels.topic.growth_and_development).into_any(),
        Topic::ParentingWorries => t!(i18n, labels.topic.parenting_worries).into_any(),
        Topic::MothersHealth => t!(i18n, labels.topic.mothers_health).into_any(),
        Topic::Childcare => t!(i18n, labels.topic.childcare).into_any(),
        Topic::MoneyAndProcedures => t!(i18n, labels.topic.money_and_procedures).into_any(),
        Topic::Other => t!(i18n, labels.topic.other).into_any(),
    }
}

pub fn mode(i18n: I18n, m: ContactMode) -> AnyView {
    match m {
        ContactMode::AtSite => t!(i18n, labels.mode.at_site).into_any(),
        ContactMode::Phone => t!(i18n, labels.mode.phone).into_any(),
        ContactMode::Online => t!(i18n, labels.mode.online).into_any(),
        ContactMode::HomeVisit => t!(i18n, labels.mode.home_visit).into_any(),
    }
}

pub fn urgency(i18n: I18n, u: Urgency) -> AnyView {
    match u {
        Urgency::Whenever => t!(i18n, labels.urgency.whenever).into_any(),
        Urgency::SoonIsBetter => t!(i18n, labels.urgency.soon_is_better).into_any(),
        Urgency::Urgent => t!(i18n, labels.urgency.urgent).into_any(),
    }
}

pub fn outcome(i18n: I18n, o: Outcome) -> AnyView {
    match o {
        Outcome::Resolved => t!(i18n, labels.outcome.resolved).into_any(),
        Outcome::Linked => t!(i18n, labels.outcome.linked).into_any(),
        Outcome::ContinuingSupport => t!(i18n, labels.outcome.continuing_support).into_any(),
        Outcome::Withdrawn => t!(i18n, labels.outcome.withdrawn).into_any(),
    }
}

/// `2026-11-24 10:00` for an instant, in the municipality's time (its UTC offset in seconds).
pub fn local_instant(at: chrono::DateTime<chrono::Utc>, utc_offset_seconds: i32) -> String {
    let offset = chrono::FixedOffset::east_opt(utc_offset_seconds).unwrap_or(chrono::Offset::fix(&chrono::Utc));
    local_time(at.with_timezone(&offset).naive_local())
}

/// `2026-11-24 10:00` for a local date-time.
pub fn local_time(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

pub fn booking_text(i18n: I18n, b: &Booking) -> AnyView {
    let (when, minutes, site) = (local_time(b.starts_at), b.minutes, b.site_name.clone());
    t!(
        i18n,
        consult.booked,
        when = move || when.clone(),
        minutes = move || minutes,
        site = move || site.clone()
    )
    .into_any()
}

/// The thread and booking of a consultation.
#[component]
pub fn Thread(view: ThreadView) -> impl IntoView {
    let i18n = use_i18n();
    let ThreadView {
        consultation: c,
        open_slots,
        staff,
        utc_offset_seconds,
        change_deadline,
        parent_may_change,
        ..
    } = view;
    // Staff can always change a booking; a parent until the municipality's cutoff.
    let may_change = staff || parent_may_change;
    let me = if staff { Author::Staff } else { Author::Guardian };
    // The other side has read up to here.
    let read_until = if staff { c.guardian_read_at } else { c.staff_read_at };
    let messages = c
        .messages
        .iter()
        .map(|m| {
            let mine = m.author == me;
            let read = mine && read_until.is_some_and(|r| r >= m.sent_at);
            let when = local_instant(m.sent_at, utc_offset_seconds);
            view! {
                <li class=if mine { "message mine" } else { "message theirs" } data-testid="message" data-author=m.author.as_str()>
                    <p class="meta">
                        {if mine && !staff { t!(i18n, consult.you).into_any() } else { m.author_name.clone().into_any() }}
                        " · " <time>{when}</time>
                        {read.then(|| view! { " · " <span class="read" data-testid="read-mark">{t!(i18n, consult.read)}</span> })}
                    </p>
                    <p class="text">{m.body.clone()}</p>
                </li>
            }
        })
        .collect_view();
    let closed = c.closed;
    view! {
        <section class="card thread" aria-labelledby="thread-title">
            <h2 id="thread-title">{t!(i18n, consult.thread)}</h2>
            <ol class="messages" data-testid="messages">{messages}</ol>
            {match closed {
                Some(o) => view! { <p class="notice">{t!(i18n, consult.closed, outcome = move || view! { {outcome(i18n, o)} })}</p> }.into_any(),
                None => view! { <Composer consultation=c.id lang=i18n.get_locale_untracked().to_string() /> }.into_any(),
            }}
        </section>
        <BookingSection consultation=c.id booking=c.booking.clone() open_slots closed=closed.is_some() may_change change_deadline=change_deadline.filter(|_| !staff) />
    }
}

#[component]
fn BookingSection(
    consultation: i64,
    booking: Option<Booking>,
    open_slots: Vec<Slot>,
    closed: bool,
    may_change: bool,
    change_deadline: Option<chrono::NaiveDateTime>,
) -> impl IntoView {
    let i18n = use_i18n();
    let has_booking = booking.is_some();
    // Past the cutoff the parent is told to call instead of offered buttons that would refuse.
    let closed = closed || !may_change;
    let deadline = may_change.then_some(change_deadline).flatten().map(|d| {
        let when = local_time(d);
        view! { <p class="muted" data-testid="change-deadline">{t!(i18n, consult.change_until, when = move || when.clone())}</p> }
    });
    let locked = (has_booking && !may_change)
        .then(|| view! { <p class="notice" data-testid="booking-locked">{t!(i18n, errors.booking_locked)}</p> });
    let no_slots = open_slots.is_empty();
    let slots = open_slots
        .into_iter()
        .map(|s| {
            let when = local_time(s.starts_at);
            view! {
                <li class="slot" data-testid="open-slot">
                    <Form action=BookSlot::url() class="inline">
                        <input type="hidden" name="consultation" value=consultation />
                        <input type="hidden" name="slot" value=s.id />
                        <span>{when} " (" {s.minutes} ") " {s.site_name.clone()} " · " {mode(i18n, s.mode)}
                            {s.coordinator_name.clone().map(|n| view! { " · " {n} })}</span>
                        " "
                        <button type="submit" data-testid="book-slot">
                            {if has_booking { t!(i18n, consult.move_to).into_any() } else { t!(i18n, consult.book).into_any() }}
                        </button>
                    </Form>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="booking-title">
            <h2 id="booking-title">{t!(i18n, consult.booking)}</h2>
            {match booking {
                Some(b) => view! {
                    <p data-testid="booking">{booking_text(i18n, &b)}</p>
                    {deadline}
                    {locked}
                    {(!closed).then(|| view! {
                        <Form action=CancelBooking::url() class="inline">
                            <input type="hidden" name="consultation" value=consultation />
                            <button type="submit" class="link-button" data-testid="cancel-booking">{t!(i18n, consult.cancel)}</button>
                        </Form>
                    })}
                }.into_any(),
                None => view! { <p>{t!(i18n, consult.no_booking)}</p> }.into_any(),
            }}
            {(!closed).then(|| view! {
                <h3>{t!(i18n, consult.slots)}</h3>
                {no_slots.then(|| view! { <p class="muted">{t!(i18n, consult.no_slots)}</p> })}
                <ul class="slots">{slots}</ul>
            })}
        </section>
    }
}
