//! Push reminders, the parent's side: the server's public key, this device's subscription, the
//! list of devices, and what to be reminded of and when not. Planning lives in [`plan`].

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceView {
    pub id: i64,
    pub label: String,
    pub added_on: chrono::NaiveDate,
    /// Reminders by e-mail rather than push.
    pub email: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindersView {
    pub public_key: String,
    pub devices: Vec<DeviceView>,
    pub preferences: domain::reminder::Preferences,
    /// Reminders can go by e-mail (the centre has a mail server set up).
    pub email_available: bool,
    /// The address they would go to: the one the parent signs in with.
    pub email_address: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferencesForm {
    #[serde(default)]
    pub timeline: bool,
    #[serde(default)]
    pub consultations: bool,
    pub days_ahead: String,
    pub quiet_from: String,
    pub quiet_until: String,
}

#[server(endpoint = "reminder_settings")]
pub async fn reminder_settings() -> Result<RemindersView, AppError> {
    use super::context::{require_viewer, server_context};
    let viewer = require_viewer().await?;
    viewer.family.ok_or(AppError::Forbidden)?;
    let context = server_context()?;
    let tz = context.store.municipality(viewer.municipality).await?.time_zone;
    Ok(RemindersView {
        public_key: context.vapid_public_key.clone(),
        devices: context
            .store
            .devices(viewer.account)
            .await?
            .into_iter()
            .map(|d| DeviceView {
                id: d.id,
                label: d.device_label,
                added_on: d.created_at.with_timezone(&tz).date_naive(),
                email: d.channel == store::push::Channel::Email,
            })
            .collect(),
        preferences: context.store.reminder_preferences(viewer.account).await?,
        email_available: context.email_reminders,
        email_address: context.store.account_email(viewer.account).await?,
    })
}

/// Sends the parent's reminders to the address they sign in with too — for a phone that cannot
/// take push (an iPhone's browser before the app is added to the home screen). Stopped like a
/// device, with 「この端末を外す」.
#[server(endpoint = "use_email_reminders")]
pub async fn use_email_reminders() -> Result<(), AppError> {
    use super::context::{now, require_viewer, server_context};
    let viewer = require_viewer().await?;
    let family = viewer.family.ok_or(AppError::Forbidden)?;
    let context = server_context()?;
    if !context.email_reminders {
        return Err(AppError::Conflict(crate::error::Conflict::EmailUnavailable));
    }
    let store = &context.store;
    let address = store.account_email(viewer.account).await?;
    store
        .subscribe_email(viewer.municipality, family, viewer.account, &address, "メール", now())
        .await?;
    plan::after_timeline_change(store, viewer.municipality, family).await;
    leptos_axum::redirect("/settings/reminders?said=email_on");
    Ok(())
}

/// Saves this device's push subscription (sent by `public/push.js` once the parent said yes).
#[server(endpoint = "subscribe_device")]
pub async fn subscribe_device(endpoint: String, p256dh: String, auth: String, label: String) -> Result<(), AppError> {
    use super::context::{now, require_viewer, use_store};
    use domain::input::{Invalid, Problem, free_text};
    use store::push::NewSubscription;
    let viewer = require_viewer().await?;
    let family = viewer.family.ok_or(AppError::Forbidden)?;
    let endpoint = endpoint.trim();
    if !is_push_service(endpoint) {
        return Err(Invalid::new("endpoint", Problem::Malformed).into());
    }
    let key = |field: &str, value: &str, len: std::ops::RangeInclusive<usize>| {
        let ok = len.contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(value.to_owned())
        } else {
            Err(Invalid::new(field, Problem::Malformed))
        }
    };
    let p256dh = key("p256dh", p256dh.trim().trim_end_matches('='), 80..=100)?;
    let auth = key("auth", auth.trim().trim_end_matches('='), 16..=32)?;
    let label = free_text("label", &label, 100)?;
    let store = use_store()?;
    let subscription = NewSubscription {
        endpoint,
        p256dh: &p256dh,
        auth: &auth,
        device_label: &label,
    };
    store
        .subscribe(viewer.municipality, family, viewer.account, &subscription, now())
        .await?;
    plan::after_timeline_change(&store, viewer.municipality, family).await;
    Ok(())
}

/// Push services are public https hosts. The server will POST to whatever is stored here, so an
/// address literal, `localhost` or a credential in the URL is refused: no reaching inside the
/// network on a parent's say-so.
#[cfg(feature = "ssr")]
fn is_push_service(endpoint: &str) -> bool {
    let Some(rest) = endpoint.strip_prefix("https://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once(':').map_or(authority, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            authority
        }
    });
    let host = host.to_ascii_lowercase();
    endpoint.len() <= 1000
        && !authority.contains('@')
        && host.contains('.')
        && !host.starts_with('[')
        && host.parse::<std::net::IpAddr>().is_err()
        && host != "localhost"
        && !host.ends_with(".localhost")
        && !host.ends_with(".local")
        && !host.ends_with(".internal")
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::is_push_service;

    #[test]
    fn only_public_https_push_services_are_accepted() {
        for ok in [
            "https://fcm.googleapis.com/fcm/send/abc:def",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
            "https://web.push.apple.com/QOg",
            "https://push.example.invalid:443/e2e/1",
        ] {
            assert!(is_push_service(ok), "{ok}");
        }
        for bad in [
            "http://fcm.googleapis.com/fcm/send/abc",
            "https://127.0.0.1:5432/x",
            "https://10.0.0.8/x",
            "https://[::1]/x",
            "https://localhost/x",
            "https://db.internal/x",
            "https://user:pw@fcm.googleapis.com/x",
            "https://printer/x",
            "javascript:alert(1)",
        ] {
            assert!(!is_push_service(bad), "{bad}");
        }
    }
}

#[server(endpoint = "remove_device")]
pub async fn remove_device(device: i64) -> Result<(), AppError> {
    use super::context::{now, require_viewer, use_store};
    let viewer = require_viewer().await?;
    viewer.family.ok_or(AppError::Forbidden)?;
    use_store()?.remove_device(viewer.account, device, now()).await?;
    Ok(())
}

#[server(endpoint = "save_reminder_preferences")]
pub async fn save_reminder_preferences(input: PreferencesForm) -> Result<(), AppError> {
    use super::context::{require_viewer, use_store};
    use domain::input::{Invalid, Problem};
    use domain::reminder::{MAX_DAYS_AHEAD, Preferences};
    let viewer = require_viewer().await?;
    let family = viewer.family.ok_or(AppError::Forbidden)?;
    let clock = |field: &str, raw: &str| {
        chrono::NaiveTime::parse_from_str(raw.trim(), "%H:%M").map_err(|_| Invalid::new(field, Problem::Malformed))
    };
    let days_ahead: u8 = input
        .days_ahead
        .trim()
        .parse()
        .ok()
        .filter(|d| *d <= MAX_DAYS_AHEAD)
        .ok_or_else(|| Invalid::new("days_ahead", Problem::Malformed))?;
    let prefs = Preferences {
        timeline: input.timeline,
        consultations: input.consultations,
        days_ahead,
        quiet_from: clock("quiet_from", &input.quiet_from)?,
        quiet_until: clock("quiet_until", &input.quiet_until)?,
    };
    let store = use_store()?;
    store.set_reminder_preferences(viewer.account, &prefs).await?;
    plan::after_timeline_change(&store, viewer.municipality, family).await;
    leptos_axum::redirect("/settings/reminders?said=preferences_saved");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod plan {
    //! Turns timelines and events into outbox rows. Called after anything that changes a family's
    //! timeline, by the hourly re-plan, and when the centre replies or changes a booking.

    use chrono::{DateTime, TimeZone, Utc};
    use domain::ids::{FamilyId, MunicipalityId};
    use domain::reminder::{Moment, digests, outside_quiet_hours, plan, plan_bookings};
    use store::Store;
    use store::push::{Kind, NewReminder};

    /// Lock screens show only this: no names, no vaccines, no health details (the app shows the
    /// rest after login).
    const TITLE_AHEAD: &str = "よりそい: もうすぐの予定があります";
    const TITLE_DAY_OF: &str = "よりそい: きょうからの予定があります";
    const TITLE_OVERDUE: &str = "よりそい: まだ済んでいない予定があります";
    const TITLE_REPLY: &str = "よりそい: センターから返信があります";
    const TITLE_BOOKING: &str = "よりそい: 相談の予約が変わりました";
    const TITLE_BOOKED_TOMORROW: &str = "よりそい: あすは相談の予約の日です";

    /// What happened in a consultation that the parent should hear of.
    #[derive(Debug, Clone, Copy)]
    pub enum ConsultationEvent {
        Reply { message: i64 },
        BookingChanged,
    }

    /// Re-plans a family's timeline reminders; a failure is logged, never passed to the user whose
    /// change triggered it (their record is saved; the hourly re-plan catches up).
    pub async fn after_timeline_change(store: &Store, municipality: MunicipalityId, family: FamilyId) {
        if let Err(e) = replan_family(store, municipality, family, Utc::now()).await {
            tracing::warn!(error = ?e, family = family.0, "reminder re-plan failed");
        }
    }

    pub async fn replan_family(
        store: &Store,
        municipality: MunicipalityId,
        family: FamilyId,
        now: DateTime<Utc>,
    ) -> Result<(), crate::error::AppError> {
        let recipients = store.family_recipients(family).await?;
        if recipients.is_empty() {
            return Ok(());
        }
        let tz = store.municipality(municipality).await?.time_zone;
        let local_now = now.with_timezone(&tz).naive_local();
        let loaded = crate::api::timeline::load::family(store, municipality, family, local_now.date()).await?;
        // A booking already begun gets no reminder (`plan_bookings` plans only before the time).
        let bookings: Vec<(i64, chrono::NaiveDateTime)> = upcoming_bookings(store, municipality, family, local_now)
            .await?
            .into_iter()
            .map(|(id, booking)| (id, booking.starts_at))
            .collect();
        for (account, prefs) in recipients {
            let booked = plan_bookings(&bookings, &prefs, local_now).into_iter().filter_map(|b| {
                Some(NewReminder {
                    url: format!("/consultations/{}", b.consultation),
                    dedupe_key: b.key,
                    title: TITLE_BOOKED_TOMORROW.to_owned(),
                    due_at: tz.from_local_datetime(&b.at).earliest()?.with_timezone(&Utc),
                    urgency: "normal",
                    ttl_seconds: 12 * 3600,
                })
            });
            let reminders: Vec<NewReminder> = digests(plan(&loaded.timelines, &prefs, local_now))
                .into_iter()
                .filter_map(|d| {
                    let due_at = tz.from_local_datetime(&d.at).earliest()?.with_timezone(&Utc);
                    let title = match (d.items.len(), d.moment()) {
                        (1, Some(Moment::Ahead)) => TITLE_AHEAD.to_owned(),
                        (1, Some(Moment::DayOf)) => TITLE_DAY_OF.to_owned(),
                        (1, _) => TITLE_OVERDUE.to_owned(),
                        (n, _) => format!("よりそい: 予定のお知らせが{n}件あります"),
                    };
                    Some(NewReminder {
                        dedupe_key: d.key,
                        title,
                        url: "/home".to_owned(),
                        due_at,
                        urgency: "normal",
                        ttl_seconds: 24 * 3600,
                    })
                })
                .chain(booked)
                .collect();
            store
                .replan(municipality, account, Kind::Timeline, &reminders, now)
                .await?;
        }
        Ok(())
    }

    /// The family's open consultations with a booking not yet over at `local_now`: what is
    /// reminded and what the calendar feed shows.
    pub async fn upcoming_bookings(
        store: &Store,
        municipality: MunicipalityId,
        family: FamilyId,
        local_now: chrono::NaiveDateTime,
    ) -> Result<Vec<(i64, domain::consultation::Booking)>, store::Error> {
        Ok(store
            .consultations(municipality, store::consultations::Which::Family(family))
            .await?
            .into_iter()
            .filter(|c| c.closed.is_none())
            .filter_map(|c| Some((c.id, c.booking?)))
            .filter(|(_, booking)| booking.ends_at() > local_now)
            .collect())
    }

    /// Tells the family's guardians (who want it) about a reply or a booking change, at once unless
    /// it is their quiet time.
    pub async fn consultation_news(
        store: &Store,
        municipality: MunicipalityId,
        family: FamilyId,
        consultation: i64,
        event: ConsultationEvent,
        now: DateTime<Utc>,
    ) {
        let result = async {
            let tz = store.municipality(municipality).await?.time_zone;
            for (account, prefs) in store.family_recipients(family).await? {
                if !prefs.consultations {
                    continue;
                }
                let local = outside_quiet_hours(now.with_timezone(&tz).naive_local(), &prefs);
                let due_at = tz
                    .from_local_datetime(&local)
                    .earliest()
                    .map_or(now, |t| t.with_timezone(&Utc));
                let (key, title) = match event {
                    ConsultationEvent::Reply { message } => {
                        (format!("consultation:{consultation}/reply:{message}"), TITLE_REPLY)
                    }
                    ConsultationEvent::BookingChanged => (
                        format!("consultation:{consultation}/booking:{}", now.timestamp_micros()),
                        TITLE_BOOKING,
                    ),
                };
                let reminder = NewReminder {
                    dedupe_key: key,
                    title: title.to_owned(),
                    url: format!("/consultations/{consultation}"),
                    due_at,
                    urgency: "high",
                    ttl_seconds: 3 * 24 * 3600,
                };
                store
                    .replan(municipality, account, Kind::Consultation, &[reminder], now)
                    .await?;
            }
            Ok::<(), store::Error>(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, consultation, "consultation notice not planned");
        }
    }
}

/// A reminder that could not be delivered, for admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedView {
    pub family: i64,
    pub kind: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: String,
    /// When it was due, in the municipality's time (`YYYY-MM-DD HH:MM`).
    pub due_at: String,
}

#[server(endpoint = "failed_reminders")]
pub async fn failed_reminders() -> Result<Vec<FailedView>, AppError> {
    use super::context::{audit, require_admin, use_store};
    let viewer = require_admin().await?;
    let store = use_store()?;
    // The list names families whose reminders failed.
    audit(&viewer, "read_failed_reminders", "failed_reminders").await?;
    let tz = store.municipality(viewer.municipality).await?.time_zone;
    Ok(store
        .failed_reminders(viewer.municipality)
        .await?
        .into_iter()
        .map(|f| FailedView {
            family: f.family.0,
            kind: f.kind,
            attempts: f.attempts,
            last_status: f.last_status,
            last_error: f.last_error,
            due_at: f.due_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect())
}
