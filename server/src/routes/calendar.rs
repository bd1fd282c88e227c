//! `GET /calendar/{token}.ics`: a family's private, revocable iCalendar feed (RFC 5545) of what is
//! still to come, for phones' calendar apps to subscribe to.

use app::api::timeline::load;
use app::i18n::Locale;
use app::ui::timeline::item_name;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Days;
use domain::schedule::Status;
use domain::timeline::Title;
use icalendar::{Calendar, Component, Event, EventLike};
use store::Store;

pub async fn feed(State(store): State<Store>, Path(file): Path<String>) -> Response {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    match build(&store, token).await {
        Ok(Some(body)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                // The URL is the secret: keep it out of shared caches.
                (header::CACHE_CONTROL, "private, max-age=3600"),
            ],
            body,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(()) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn build(store: &Store, token: &str) -> Result<Option<String>, ()> {
    let Some((municipality_id, family)) = store.calendar_feed_family(token).await.map_err(|e| {
        tracing::error!(error = %e, "calendar feed lookup");
    })?
    else {
        return Ok(None);
    };
    let municipality = store
        .municipality(municipality_id)
        .await
        .map_err(|e| tracing::error!(error = %e, "calendar"))?;
    let today = municipality.today(chrono::Utc::now());
    let loaded = load::family(store, municipality_id, family, today)
        .await
        .map_err(|e| tracing::error!(error = %e, "calendar"))?;
    let mut calendar = Calendar::new();
    calendar.name("よりそい");
    for tl in &loaded.timelines {
        let whose = match &tl.title {
            Title::Child { name, .. } => name.clone(),
            Title::Pregnancy { .. } => "妊娠".to_owned(),
        };
        for item in tl
            .timeline
            .items
            .iter()
            .filter(|i| matches!(i.status, Status::Upcoming | Status::Due | Status::Overdue))
        {
            let summary = item_name(Locale::ja, &item.key.to_string());
            let end = item
                .recommended_until
                .checked_add_days(Days::new(1))
                .unwrap_or(item.recommended_until);
            let mut event = Event::new();
            if let Some(place) = loaded.schedule.place(item.series.as_str()) {
                event.location(place);
            }
            calendar.push(
                event
                    .uid(&format!(
                        "{}-{}-{}@yorisoi",
                        family.0,
                        whose_id(&tl.lasting_member()),
                        item.key
                    ))
                    .summary(&format!("{summary}（{whose}）"))
                    .starts(item.recommended_from)
                    .ends(end)
                    .description(&format!("受けられる期間: {} 〜 {}", item.earliest, item.latest))
                    .done(),
            );
        }
    }
    // Booked consultations, at their time: in the municipality's zone, written as UTC.
    let local_now = chrono::Utc::now().with_timezone(&municipality.time_zone).naive_local();
    let bookings = app::api::reminders::plan::upcoming_bookings(store, municipality_id, family, local_now)
        .await
        .map_err(|e| tracing::error!(error = %e, "calendar"))?;
    for (consultation, booking) in &bookings {
        let utc = |at: chrono::NaiveDateTime| {
            use chrono::TimeZone;
            municipality
                .time_zone
                .from_local_datetime(&at)
                .earliest()
                .map(|t| t.with_timezone(&chrono::Utc))
        };
        let (Some(starts), Some(ends)) = (utc(booking.starts_at), utc(booking.ends_at())) else {
            continue;
        };
        calendar.push(
            Event::new()
                // One event per consultation: a moved booking updates it in the phone's calendar.
                .uid(&format!("{}-consultation-{consultation}@yorisoi", family.0))
                .summary("相談の予約（こども家庭センター）")
                .location(&booking.site_name)
                .starts(starts)
                .ends(ends)
                .done(),
        );
    }
    Ok(Some(calendar.done().to_string()))
}

fn whose_id(member: &domain::timeline::Member) -> String {
    match member {
        domain::timeline::Member::Pregnancy(p) => format!("p{}", p.0),
        domain::timeline::Member::Child(c) => format!("c{}", c.0),
    }
}
