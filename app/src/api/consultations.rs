//! Consultations: parents open and write, coordinators answer, assign, book and close. Only the
//! family and the municipality's staff may read one; every staff read is audited.

use crate::error::AppError;
use domain::consultation::{Consultation, Slot};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationForm {
    /// `pregnancy:12` / `child:7`, or empty for the family in general.
    #[serde(default)]
    pub member: String,
    pub topic: String,
    pub mode: String,
    pub urgency: String,
    #[serde(default)]
    pub preferred_times: String,
    pub message: String,
    /// The client's key for this send; empty when the page works without JavaScript.
    #[serde(default)]
    pub client_key: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotForm {
    pub site: i64,
    #[serde(default)]
    pub coordinator: Option<i64>,
    /// Local date and time of the first slot.
    pub date: String,
    pub time: String,
    pub minutes: String,
    pub mode: String,
    /// 1 for a one-off slot; more for the same time each week.
    #[serde(default)]
    pub weeks: String,
}

/// A consultation as one side sees it, with what that side can do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    pub consultation: Consultation,
    /// Open slots the consultation can book (or move to).
    pub open_slots: Vec<Slot>,
    /// Staff only: colleagues to assign it to.
    pub colleagues: Vec<super::support::Colleague>,
    pub staff: bool,
    /// The municipality's offset from UTC now, to show message times in its local time.
    pub utc_offset_seconds: i32,
    /// Until when (local time) the parent can cancel or move the booking themselves.
    pub change_deadline: Option<chrono::NaiveDateTime>,
    /// Whether the parent still can (staff always can).
    pub parent_may_change: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub consultation: Consultation,
    /// How long the parent has waited, in minutes.
    pub waited_minutes: i64,
}

/// The coordinators' inbox: a page of each of its four lists, with each list's whole count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub unassigned: Vec<Consultation>,
    pub mine: Vec<Consultation>,
    /// Oldest wait first.
    pub waiting: Vec<Waiting>,
    pub booked_today: Vec<Consultation>,
    pub totals: InboxTotals,
    /// The list shown alone, page by page; without one, each list shows its first page.
    pub focus: Option<InboxFocus>,
    pub page: u32,
    /// Pages of the focused list (1 without a focus).
    pub page_count: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxTotals {
    pub waiting: usize,
    pub unassigned: usize,
    pub mine: usize,
    pub booked_today: usize,
}

/// The inbox's lists, as the page's address names them (`?list=waiting&page=2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxFocus {
    Waiting,
    Unassigned,
    Mine,
    BookedToday,
}

impl InboxFocus {
    pub const ALL: [InboxFocus; 4] = [
        InboxFocus::Waiting,
        InboxFocus::Unassigned,
        InboxFocus::Mine,
        InboxFocus::BookedToday,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxFocus::Waiting => "waiting",
            InboxFocus::Unassigned => "unassigned",
            InboxFocus::Mine => "mine",
            InboxFocus::BookedToday => "booked_today",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == code)
    }
}

/// Rows per page of an inbox list.
pub const INBOX_PAGE_SIZE: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotsView {
    pub slots: Vec<Slot>,
    /// The open sites slots can be published at.
    pub sites: Vec<super::accounts::SiteView>,
    pub colleagues: Vec<super::support::Colleague>,
    pub booking_rules: domain::consultation::BookingRules,
    /// Admins set the booking rules.
    pub admin: bool,
}

#[cfg(feature = "ssr")]
mod guard {
    //! Who may touch a consultation: its family's guardians, or staff of its municipality.

    use crate::error::AppError;
    use domain::account::Viewer;
    use domain::consultation::{Author, Consultation};

    pub async fn readable(viewer: &Viewer, id: i64) -> Result<Consultation, AppError> {
        let store = crate::api::context::use_store()?;
        let consultation = store.consultation(viewer.municipality, id).await?;
        if !viewer.may_read_family(viewer.municipality, consultation.family) {
            return Err(AppError::NotFound);
        }
        if viewer.is_staff() {
            crate::api::context::audit(
                viewer,
                "read_consultation",
                &format!("family:{}", consultation.family.0),
            )
            .await?;
        }
        Ok(consultation)
    }

    /// A parent changes a booking only before the municipality's cutoff (staff any time):
    /// past it, `BookingLocked`.
    pub async fn may_change_booking(viewer: &Viewer, thread: &Consultation) -> Result<(), AppError> {
        use crate::error::Conflict;
        let (Some(booking), false) = (&thread.booking, viewer.is_staff()) else {
            return Ok(());
        };
        let store = crate::api::context::use_store()?;
        let town = store.municipality(viewer.municipality).await?;
        let now = crate::api::context::now().with_timezone(&town.time_zone).naive_local();
        if town.booking_rules.parent_may_change(booking, now) {
            Ok(())
        } else {
            Err(AppError::Conflict(Conflict::BookingLocked))
        }
    }

    pub fn author(viewer: &Viewer) -> Author {
        if viewer.is_staff() {
            Author::Staff
        } else {
            Author::Guardian
        }
    }

    /// A change by staff the family should hear of: audited, then announced (in the app and by push).
    pub async fn staff_news(
        viewer: &Viewer,
        thread: &Consultation,
        action: &str,
        event: crate::api::reminders::plan::ConsultationEvent,
    ) -> Result<(), AppError> {
        use crate::api::context::{audit, now, use_store};
        if !viewer.is_staff() {
            return Ok(());
        }
        audit(viewer, action, &format!("family:{}", thread.family.0)).await?;
        let store = use_store()?;
        crate::api::reminders::plan::consultation_news(
            &store,
            viewer.municipality,
            thread.family,
            thread.id,
            event,
            now(),
        )
        .await;
        Ok(())
    }
}

/// The signed-in parent's consultations, newest first.
#[server(endpoint = "my_consultations")]
pub async fn my_consultations() -> Result<Vec<Consultation>, AppError> {
    use super::context::{require_viewer, use_store};
    use store::consultations::Which;
    let viewer = require_viewer().await?;
    let family = viewer.family.ok_or(AppError::Forbidden)?;
    Ok(use_store()?
        .consultations(viewer.municipality, Which::Family(family))
        .await?)
}

/// A parent opens a consultation; returns its id.
#[server(endpoint = "open_consultation")]
pub async fn open_consultation(input: ConsultationForm) -> Result<i64, AppError> {
    use super::context::{now, require_viewer, use_store};
    use domain::consultation::{ContactMode, MessageText, Topic, Urgency};
    use domain::input::free_text;
    use store::consultations::NewConsultation;
    let viewer = require_viewer().await?;
    let family = viewer.family.ok_or(AppError::Forbidden)?;
    let member = match input.member.trim() {
        "" => None,
        text => Some(super::timeline::parse_member(text)?),
    };
    let message = MessageText::parse(&input.message)?;
    let client_key = client_key(&input.client_key)?;
    let new = NewConsultation {
        member,
        topic: Topic::parse_field("topic", &input.topic)?,
        mode: ContactMode::parse_field("mode", &input.mode)?,
        urgency: Urgency::parse_field("urgency", &input.urgency)?,
        preferred_times: &free_text("preferred_times", &input.preferred_times, 500)?,
        message: &message,
        client_key: &client_key,
    };
    let id = use_store()?
        .open_consultation(viewer.municipality, family, viewer.account, &new, now())
        .await?;
    // The page to go to next: the new thread.
    leptos_axum::redirect(&format!("/consultations/{id}"));
    Ok(id)
}

/// The client's key, or a fresh one when the form came without JavaScript.
#[cfg(feature = "ssr")]
fn client_key(raw: &str) -> Result<domain::consultation::ClientKey, AppError> {
    use domain::consultation::ClientKey;
    if raw.trim().is_empty() {
        let fresh: u128 = rand::random();
        return Ok(ClientKey::parse(&format!("{fresh:032x}"))?);
    }
    Ok(ClientKey::parse(raw)?)
}

/// One consultation with what the viewer can do; opening it marks it read for their side.
#[server(endpoint = "consultation")]
pub async fn consultation_thread(id: i64) -> Result<ThreadView, AppError> {
    use super::context::{now, require_viewer, use_store};
    let viewer = require_viewer().await?;
    let consultation = guard::readable(&viewer, id).await?;
    let store = use_store()?;
    store
        .mark_consultation_read(viewer.municipality, id, guard::author(&viewer), now())
        .await?;
    let open_slots = if consultation.closed.is_none() {
        store.slots(viewer.municipality, now(), true).await?
    } else {
        vec![]
    };
    let colleagues = if viewer.is_staff() {
        super::support::colleagues(&store, viewer.municipality).await?
    } else {
        vec![]
    };
    let utc_offset_seconds = super::context::utc_offset_for(&viewer).await?;
    let town = store.municipality(viewer.municipality).await?;
    let local_now = now().with_timezone(&town.time_zone).naive_local();
    let booking = consultation.booking.as_ref();
    Ok(ThreadView {
        change_deadline: booking.map(|b| town.booking_rules.parent_deadline(b.starts_at)),
        parent_may_change: booking.is_none_or(|b| town.booking_rules.parent_may_change(b, local_now)),
        consultation,
        open_slots,
        colleagues,
        staff: viewer.is_staff(),
        utc_offset_seconds,
    })
}

/// Sends a message; a retry with the same key is stored once.
#[server(endpoint = "send_message")]
pub async fn send_message(consultation: i64, message: String, client_key: String) -> Result<i64, AppError> {
    use super::context::{now, require_viewer, use_store};
    use domain::consultation::MessageText;
    let viewer = require_viewer().await?;
    let message = MessageText::parse(&message)?;
    let key = self::client_key(&client_key)?;
    let thread = guard::readable(&viewer, consultation).await?;
    let id = use_store()?
        .post_message(
            viewer.municipality,
            consultation,
            guard::author(&viewer),
            viewer.account,
            &message,
            &key,
            now(),
        )
        .await?;
    let event = super::reminders::plan::ConsultationEvent::Reply { message: id };
    guard::staff_news(&viewer, &thread, "reply_consultation", event).await?;
    Ok(id)
}

/// Books (or moves the booking to) an open slot.
#[server(endpoint = "book_slot")]
pub async fn book_slot(consultation: i64, slot: i64) -> Result<(), AppError> {
    use super::context::{now, require_viewer, use_store};
    let viewer = require_viewer().await?;
    let thread = guard::readable(&viewer, consultation).await?;
    guard::may_change_booking(&viewer, &thread).await?;
    let store = use_store()?;
    store
        .book_slot(viewer.municipality, consultation, slot, guard::author(&viewer), now())
        .await?;
    let event = super::reminders::plan::ConsultationEvent::BookingChanged;
    guard::staff_news(&viewer, &thread, "book_consultation", event).await?;
    super::reminders::plan::after_timeline_change(&store, viewer.municipality, thread.family).await;
    Ok(())
}

#[server(endpoint = "cancel_booking")]
pub async fn cancel_booking(consultation: i64) -> Result<(), AppError> {
    use super::context::{now, require_viewer, use_store};
    let viewer = require_viewer().await?;
    let thread = guard::readable(&viewer, consultation).await?;
    guard::may_change_booking(&viewer, &thread).await?;
    let store = use_store()?;
    store
        .cancel_booking(viewer.municipality, consultation, guard::author(&viewer), now())
        .await?;
    let event = super::reminders::plan::ConsultationEvent::BookingChanged;
    guard::staff_news(&viewer, &thread, "cancel_consultation_booking", event).await?;
    super::reminders::plan::after_timeline_change(&store, viewer.municipality, thread.family).await;
    Ok(())
}

/// The coordinators' inbox: the first page of each list, or one list (`list`) page by page.
/// Reads only the threads on the pages shown.
#[server(endpoint = "consultation_inbox")]
pub async fn consultation_inbox(list: Option<String>, page: Option<u32>) -> Result<Inbox, AppError> {
    use super::context::{audit, now, require_staff, use_store};
    use chrono::TimeZone;
    use domain::input::{Invalid, Problem};
    use store::consultations::InboxList;
    let viewer = require_staff().await?;
    let focus = match list.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(InboxFocus::parse(code).ok_or_else(|| Invalid::new("list", Problem::Malformed))?),
    };
    let store = use_store()?;
    let municipality = store.municipality(viewer.municipality).await?;
    let now = now();
    let today = municipality.today(now);
    let midnight = |day: chrono::NaiveDate| {
        municipality
            .time_zone
            .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or(now)
    };
    let today_span = InboxList::BookedBetween(midnight(today), midnight(today + chrono::Days::new(1)));
    let size = INBOX_PAGE_SIZE as i64;
    let requested = page.unwrap_or(1).max(1);
    let mut page_count = 1;
    let mut shown_page = 1;
    let mut read = async |which: InboxFocus, list: InboxList| -> Result<(Vec<Consultation>, usize), AppError> {
        let total = store.inbox_count(viewer.municipality, list).await?;
        let pages = total.div_ceil(INBOX_PAGE_SIZE).max(1) as u32;
        let page = if focus == Some(which) { requested.min(pages) } else { 1 };
        if focus == Some(which) {
            (page_count, shown_page) = (pages, page);
        }
        let offset = i64::from(page - 1) * size;
        Ok((store.inbox_page(viewer.municipality, list, offset, size).await?, total))
    };
    let (waiting, waiting_total) = read(InboxFocus::Waiting, InboxList::Waiting).await?;
    let (unassigned, unassigned_total) = read(InboxFocus::Unassigned, InboxList::Unassigned).await?;
    let (mine, mine_total) = read(InboxFocus::Mine, InboxList::Mine(viewer.account)).await?;
    let (booked_today, booked_total) = read(InboxFocus::BookedToday, today_span).await?;
    // A list of many families' threads: audited like the caseload, without naming each family.
    audit(&viewer, "read_inbox", "inbox").await?;
    let waiting = waiting
        .into_iter()
        .filter_map(|c| {
            let since = c.waiting_since()?;
            Some(Waiting {
                waited_minutes: (now - since).num_minutes().max(0),
                consultation: c,
            })
        })
        .collect();
    Ok(Inbox {
        waiting,
        unassigned,
        mine,
        booked_today,
        totals: InboxTotals {
            waiting: waiting_total,
            unassigned: unassigned_total,
            mine: mine_total,
            booked_today: booked_total,
        },
        focus,
        page: shown_page,
        page_count,
    })
}

#[server(endpoint = "assign_consultation")]
pub async fn assign_consultation(consultation: i64, assignee: Option<i64>) -> Result<(), AppError> {
    use super::context::{audit, require_staff, use_store};
    use domain::ids::AccountId;
    let viewer = require_staff().await?;
    let thread = guard::readable(&viewer, consultation).await?;
    use_store()?
        .assign_consultation(viewer.municipality, consultation, assignee.map(AccountId))
        .await?;
    audit(&viewer, "assign_consultation", &format!("family:{}", thread.family.0)).await?;
    Ok(())
}

#[server(endpoint = "close_consultation")]
pub async fn close_consultation(consultation: i64, outcome: String, note: String) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, use_store};
    use domain::consultation::Outcome;
    use domain::input::free_text;
    let viewer = require_staff().await?;
    let outcome = Outcome::parse_field("outcome", &outcome)?;
    let note = free_text("note", &note, 2000)?;
    let thread = guard::readable(&viewer, consultation).await?;
    let store = use_store()?;
    store
        .close_consultation(viewer.municipality, consultation, outcome, &note, viewer.account, now())
        .await?;
    audit(&viewer, "close_consultation", &format!("family:{}", thread.family.0)).await?;
    // A booking of a closed consultation is no longer reminded.
    super::reminders::plan::after_timeline_change(&store, viewer.municipality, thread.family).await;
    Ok(())
}

/// Upcoming slots (booked or not) with the forms' choices.
#[server(endpoint = "staff_slots")]
pub async fn staff_slots() -> Result<SlotsView, AppError> {
    use super::accounts::SiteView;
    use super::context::{audit, now, require_staff, use_store};
    let viewer = require_staff().await?;
    let store = use_store()?;
    // Booked slots name the families that booked them.
    audit(&viewer, "read_slots", "slots").await?;
    Ok(SlotsView {
        slots: store.slots(viewer.municipality, now(), false).await?,
        sites: store
            .open_sites(viewer.municipality)
            .await?
            .into_iter()
            .map(SiteView::from)
            .collect(),
        colleagues: super::support::colleagues(&store, viewer.municipality).await?,
        booking_rules: store.municipality(viewer.municipality).await?.booking_rules,
        admin: viewer.role == domain::account::Role::Admin,
    })
}

/// Admins set how many hours before a booked consultation parents can still change it.
#[server(endpoint = "set_booking_rules")]
pub async fn set_booking_rules(cutoff_hours: String) -> Result<(), AppError> {
    use super::context::{audit, require_admin, use_store};
    use domain::consultation::BookingRules;
    let viewer = require_admin().await?;
    let rules = BookingRules::parse(&cutoff_hours)?;
    use_store()?.set_booking_rules(viewer.municipality, rules).await?;
    audit(&viewer, "set_booking_rules", "municipality").await?;
    leptos_axum::redirect("/staff/slots?said=booking_rules_saved");
    Ok(())
}

/// Publishes one slot, or the same time each week for several weeks. Returns how many.
#[server(endpoint = "publish_slots")]
pub async fn publish_slots(input: SlotForm) -> Result<usize, AppError> {
    use super::context::{audit, now, require_staff, today_for, use_store};
    use domain::consultation::{ContactMode, slot_minutes, weekly};
    use domain::ids::{AccountId, SiteId};
    use domain::input::{Invalid, Problem, date};
    use store::consultations::NewSlots;
    let viewer = require_staff().await?;
    let day = date("date", &input.date)?;
    if day < today_for(&viewer).await? {
        return Err(Invalid::new("date", Problem::DateOutOfRange).into());
    }
    let time = chrono::NaiveTime::parse_from_str(input.time.trim(), "%H:%M")
        .map_err(|_| Invalid::new("time", Problem::Malformed))?;
    let weeks = match input.weeks.trim() {
        "" => 1,
        n => n.parse().map_err(|_| Invalid::new("weeks", Problem::Malformed))?,
    };
    let starts = weekly(day.and_time(time), weeks)?;
    let municipality = use_store()?.municipality(viewer.municipality).await?;
    if starts[0] <= now().with_timezone(&municipality.time_zone).naive_local() {
        return Err(Invalid::new("time", Problem::DateOutOfRange).into());
    }
    let slots = NewSlots {
        site: SiteId(input.site),
        coordinator: input.coordinator.map(AccountId),
        starts: &starts,
        minutes: slot_minutes(&input.minutes)?,
        mode: ContactMode::parse_field("mode", &input.mode)?,
    };
    let published = use_store()?
        .publish_slots(viewer.municipality, viewer.account, &slots, now())
        .await?;
    audit(&viewer, "publish_slots", &format!("site:{}", input.site)).await?;
    // The slot list again, saying how many were published.
    leptos_axum::redirect(&format!("/staff/slots?published={published}"));
    Ok(published)
}

#[server(endpoint = "withdraw_slot")]
pub async fn withdraw_slot(slot: i64) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, use_store};
    let viewer = require_staff().await?;
    use_store()?.withdraw_slot(viewer.municipality, slot, now()).await?;
    audit(&viewer, "withdraw_slot", &format!("slot:{slot}")).await?;
    Ok(())
}
