//! `GET /calendar/{token}.ics`: a family's private, revocable iCalendar feed (RFC 5545) of what is
//! still to come, for phones' calendar apps to subscribe to.

use app::api::timeline::load;
use app::i18n::Locale;
use app::ui::timeline::series_name;
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
            let mut summary = series_name(Locale::ja, item.series.as_str());
            if !item.key.is_one_off() {
                summary.push_str(&format!(" {}回目", item.dose));
            }
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
    Ok(Some(calendar.done().to_string()))
}

fn whose_id(member: &domain::timeline::Member) -> String {
    match member {
        domain::timeline::Member::Pregnancy(p) => format!("p{}", p.0),
        domain::timeline::Member::Child(c) => format!("c{}", c.0),
    }
}
