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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub consultation: Consultation,
    /// How long the parent has waited, in minutes.
    pub waited_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub unassigned: Vec<Consultation>,
    pub mine: Vec<Consultation>,
    /// Oldest first.
    pub waiting: Vec<Waiting>,
    pub booked_today: Vec<Consultation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotsView {
    pub slots: Vec<Slot>,
    pub sites: Vec<super::accounts::SiteView>,
    pub colleagues: Vec<super::support::Colleague>,
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
    Ok(ThreadView {
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
    use_store()?
        .book_slot(viewer.municipality, consultation, slot, guard::author(&viewer), now())
        .await?;
    let event = super::reminders::plan::ConsultationEvent::BookingChanged;
    guard::staff_news(&viewer, &thread, "book_consultation", event).await?;
    Ok(())
}

#[server(endpoint = "cancel_booking")]
pub async fn cancel_booking(consultation: i64) -> Result<(), AppError> {
    use super::context::{now, require_viewer, use_store};
    let viewer = require_viewer().await?;
    let thread = guard::readable(&viewer, consultation).await?;
    use_store()?
        .cancel_booking(viewer.municipality, consultation, guard::author(&viewer), now())
        .await?;
    let event = super::reminders::plan::ConsultationEvent::BookingChanged;
    guard::staff_news(&viewer, &thread, "cancel_consultation_booking", event).await?;
    Ok(())
}

/// The coordinators' inbox.
#[server(endpoint = "consultation_inbox")]
pub async fn consultation_inbox() -> Result<Inbox, AppError> {
    use super::context::{audit, now, require_staff, use_store};
    use chrono::TimeZone;
    use store::consultations::Which;
    let viewer = require_staff().await?;
    let store = use_store()?;
    let municipality = store.municipality(viewer.municipality).await?;
    let now = now();
    let today = municipality.today(now);
    let start_of_day = municipality
        .time_zone
        .from_local_datetime(&today.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or(now);
    let all = store
        .consultations(viewer.municipality, Which::OpenOrBookedFrom(start_of_day))
        .await?;
    let open = || all.iter().filter(|c| c.closed.is_none());
    let mut waiting: Vec<Waiting> = open()
        .filter_map(|c| {
            c.waiting_since().map(|since| Waiting {
                consultation: c.clone(),
                waited_minutes: (now - since).num_minutes().max(0),
            })
        })
        .collect();
    // Oldest first: by when the wait began, to the instant (minutes alone would tie).
    waiting.sort_by_key(|w| (w.consultation.waiting_since(), w.consultation.id));
    // A list of many families' threads: audited like the caseload, without naming each family.
    audit(&viewer, "read_inbox", "inbox").await?;
    let booked_today = all
        .iter()
        .filter(|c| c.booking.as_ref().is_some_and(|b| b.starts_at.date() == today))
        .cloned()
        .collect();
    Ok(Inbox {
        unassigned: open().filter(|c| c.assigned_to.is_none()).cloned().collect(),
        mine: open()
            .filter(|c| c.assigned_to == Some(viewer.account))
            .cloned()
            .collect(),
        waiting,
        booked_today,
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
    use_store()?
        .close_consultation(viewer.municipality, consultation, outcome, &note, viewer.account, now())
        .await?;
    audit(&viewer, "close_consultation", &format!("family:{}", thread.family.0)).await?;
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
            .sites(viewer.municipality)
            .await?
            .into_iter()
            .map(|s| SiteView {
                id: s.id.0,
                name: s.name,
            })
            .collect(),
        colleagues: super::support::colleagues(&store, viewer.municipality).await?,
    })
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
