//! The family's timelines: computed from the schedule and the records, recorded by parents
//! (申告) and confirmed by staff (確認), undoable, and published as a private calendar feed.

use crate::error::AppError;
use chrono::NaiveDate;
use domain::ids::FamilyId;
use domain::timeline::{Member, MemberTimeline};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordView {
    pub id: i64,
    pub member: Member,
    pub key: String,
    pub done_on: NaiveDate,
    /// Recorded by the centre rather than reported by the parent.
    pub by_staff: bool,
    pub recorded_by: String,
    pub verified_by: Option<String>,
    /// Whether the viewer may undo it.
    pub undoable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyTimelineView {
    pub family: FamilyId,
    pub today: NaiveDate,
    pub timelines: Vec<MemberTimeline>,
    pub records: Vec<RecordView>,
    /// Where items happen, by series, when the municipality's schedule says.
    pub places: Vec<(String, String)>,
    pub calendar_active: bool,
    /// A calendar address just made by a form posted without the client, to show once.
    pub calendar_made: Option<String>,
}

/// The session key of a calendar address made without the client (see `show_on_next_page`).
#[cfg(feature = "ssr")]
const CALENDAR_MADE: &str = "shown_once.calendar";

/// `pregnancy:12` / `child:7`, as carried in forms.
pub fn member_param(member: Member) -> String {
    match member {
        Member::Pregnancy(p) => format!("pregnancy:{}", p.0),
        Member::Child(c) => format!("child:{}", c.0),
    }
}

#[cfg(feature = "ssr")]
pub mod load {
    //! Shared by the server functions and the calendar feed.

    use crate::error::AppError;
    use chrono::NaiveDate;
    use domain::family::FamilyRecord;
    use domain::ids::{FamilyId, MunicipalityId};
    use domain::schedule::Schedule;
    use domain::timeline::{MemberRecord, MemberTimeline, family_timelines};
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex, PoisonError};
    use store::Store;
    use store::timeline::StoredRecord;

    /// Schedules as parsed, each with the municipality's file it was parsed from: a file is parsed
    /// once, not on every request, and a changed file (compared in full) is parsed again.
    type Parsed = HashMap<MunicipalityId, (String, Arc<Schedule>)>;
    static PARSED: LazyLock<Mutex<Parsed>> = LazyLock::new(Default::default);
    static NATIONAL: LazyLock<Arc<Schedule>> = LazyLock::new(|| Arc::new(Schedule::national().clone()));

    /// The national schedule, or the municipality's own file laid over it.
    pub async fn schedule(store: &Store, municipality: MunicipalityId) -> Result<Arc<Schedule>, AppError> {
        let Some(text) = store.schedule_overlay(municipality).await? else {
            return Ok(NATIONAL.clone());
        };
        let parsed = |cache: &Parsed| {
            cache
                .get(&municipality)
                .filter(|(parsed_from, _)| *parsed_from == text)
                .map(|(_, schedule)| schedule.clone())
        };
        if let Some(schedule) = parsed(&PARSED.lock().unwrap_or_else(PoisonError::into_inner)) {
            return Ok(schedule);
        }
        let schedule = Arc::new(Schedule::national().overlay(&text).map_err(|e| {
            tracing::error!(error = %e, municipality = municipality.0, "municipality schedule file does not parse");
            AppError::Internal
        })?);
        PARSED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(municipality, (text, schedule.clone()));
        Ok(schedule)
    }

    pub struct Loaded {
        pub record: FamilyRecord,
        pub records: Vec<StoredRecord>,
        pub timelines: Vec<MemberTimeline>,
        pub schedule: Arc<Schedule>,
    }

    /// Every family of the municipality with its timelines, in a handful of queries.
    pub async fn municipality(
        store: &Store,
        municipality: MunicipalityId,
        today: NaiveDate,
    ) -> Result<Vec<(FamilyRecord, Vec<MemberTimeline>)>, AppError> {
        let schedule = schedule(store, municipality).await?;
        let mut records = store.all_timeline_records(municipality).await?;
        Ok(store
            .all_family_records(municipality)
            .await?
            .into_iter()
            .map(|family| {
                let events = records.remove(&family.id).unwrap_or_default();
                let timelines = family_timelines(&schedule, &family, &events, today);
                (family, timelines)
            })
            .collect())
    }

    pub async fn family(
        store: &Store,
        municipality: MunicipalityId,
        family: FamilyId,
        today: NaiveDate,
    ) -> Result<Loaded, AppError> {
        let record = store.family_record(municipality, family).await?;
        let records = store.timeline_records(municipality, family).await?;
        let schedule = schedule(store, municipality).await?;
        let events: Vec<MemberRecord> = records
            .iter()
            .map(|r| MemberRecord {
                member: r.member,
                key: r.key.clone(),
                done_on: r.done_on,
            })
            .collect();
        let timelines = family_timelines(&schedule, &record, &events, today);
        Ok(Loaded {
            record,
            records,
            timelines,
            schedule,
        })
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn parse_member(text: &str) -> Result<Member, AppError> {
    use domain::ids::{ChildId, PregnancyId};
    use domain::input::{Invalid, Problem};
    let bad = || AppError::Invalid(Invalid::new("member", Problem::Malformed));
    let (kind, id) = text.split_once(':').ok_or_else(bad)?;
    let id: i64 = id.parse().map_err(|_| bad())?;
    match kind {
        "pregnancy" => Ok(Member::Pregnancy(PregnancyId(id))),
        "child" => Ok(Member::Child(ChildId(id))),
        _ => Err(bad()),
    }
}

/// The family whose timeline is asked for: a parent's own (family 0 or their id), or, for staff,
/// any family of their municipality.
#[cfg(feature = "ssr")]
fn family_for(viewer: &domain::account::Viewer, family: i64) -> Result<FamilyId, AppError> {
    if viewer.is_staff() {
        return Ok(FamilyId(family));
    }
    let own = viewer.family.ok_or(AppError::Forbidden)?;
    if family == 0 || family == own.0 {
        Ok(own)
    } else {
        Err(AppError::NotFound)
    }
}

#[server(endpoint = "timeline")]
pub async fn family_timeline(family: i64) -> Result<FamilyTimelineView, AppError> {
    use super::context::{require_viewer, today_for, use_store};
    use store::timeline::Source;
    let viewer = require_viewer().await?;
    let family = family_for(&viewer, family)?;
    let store = use_store()?;
    let today = today_for(&viewer).await?;
    let loaded = load::family(&store, viewer.municipality, family, today).await?;
    if viewer.is_staff() {
        super::context::audit(&viewer, "read_timeline", &format!("family:{}", family.0)).await?;
    }
    let records = loaded
        .records
        .into_iter()
        .map(|r| RecordView {
            undoable: viewer.is_staff() || (r.source == Source::Guardian && r.recorded_by == viewer.account),
            id: r.id,
            member: r.member,
            key: r.key,
            done_on: r.done_on,
            by_staff: r.source == Source::Staff,
            recorded_by: r.recorded_by_name,
            verified_by: r.verified_by_name,
        })
        .collect();
    let mut places: Vec<(String, String)> = Vec::new();
    for item in loaded.timelines.iter().flat_map(|t| &t.timeline.items) {
        let series = item.series.as_str();
        if let Some(place) = loaded.schedule.place(series)
            && !places.iter().any(|(s, _)| s == series)
        {
            places.push((series.to_owned(), place.to_owned()));
        }
    }
    Ok(FamilyTimelineView {
        family,
        today,
        places,
        timelines: loaded.timelines,
        records,
        calendar_active: store.has_calendar_feed(family).await?,
        calendar_made: match viewer.family {
            Some(own) if own == family => super::context::take_shown_once(CALENDAR_MADE).await?,
            _ => None,
        },
    })
}

/// Marks an item done on a date: reported by a parent, or recorded (and so confirmed) by staff.
#[server(endpoint = "record_done")]
pub async fn record_done(family: i64, member: String, key: String, done_on: String) -> Result<(), AppError> {
    use super::context::{now, require_viewer, today_for, use_store};
    use domain::input::{Invalid, Problem};
    use store::timeline::Source;
    let viewer = require_viewer().await?;
    let family = family_for(&viewer, family)?;
    let member = parse_member(&member)?;
    let done_on: NaiveDate = done_on
        .trim()
        .parse()
        .map_err(|_| Invalid::new("done_on", Problem::NotADate))?;
    let today = today_for(&viewer).await?;
    if done_on > today {
        return Err(Invalid::new("done_on", Problem::DateOutOfRange).into());
    }
    let store = use_store()?;
    let schedule = load::schedule(&store, viewer.municipality).await?;
    let key = schedule
        .key(key.trim())
        .map_err(|_| Invalid::new("key", Problem::Malformed))?;
    let source = if viewer.is_staff() {
        Source::Staff
    } else {
        Source::Guardian
    };
    store
        .add_record(
            viewer.municipality,
            family,
            member,
            &key.to_string(),
            done_on,
            source,
            viewer.account,
            now(),
        )
        .await?;
    if viewer.is_staff() {
        super::context::audit(&viewer, "record", &format!("family:{}", family.0)).await?;
    }
    super::reminders::plan::after_timeline_change(&store, viewer.municipality, family).await;
    Ok(())
}

/// Staff confirm what a parent reported.
#[server(endpoint = "confirm_record")]
pub async fn confirm_record(id: i64) -> Result<(), AppError> {
    use super::context::{now, require_staff, use_store};
    let viewer = require_staff().await?;
    let store = use_store()?;
    let family = store
        .verify_record(viewer.municipality, id, viewer.account, now())
        .await?;
    super::context::audit(&viewer, "confirm_record", &format!("family:{}", family.0)).await?;
    Ok(())
}

/// Undoes a record (kept on file as removed). Parents may undo only what they reported themselves.
#[server(endpoint = "undo_record")]
pub async fn undo_record(id: i64) -> Result<(), AppError> {
    use super::context::{now, require_viewer, use_store};
    use store::timeline::Source;
    let viewer = require_viewer().await?;
    let store = use_store()?;
    if !viewer.is_staff() {
        let family = viewer.family.ok_or(AppError::Forbidden)?;
        let mine = store
            .timeline_records(viewer.municipality, family)
            .await?
            .into_iter()
            .any(|r| r.id == id && r.source == Source::Guardian && r.recorded_by == viewer.account);
        if !mine {
            return Err(AppError::NotFound);
        }
    }
    let family = store
        .remove_record(viewer.municipality, viewer.family, id, viewer.account, now())
        .await?;
    if viewer.is_staff() {
        super::context::audit(&viewer, "undo_record", &format!("family:{}", family.0)).await?;
    }
    super::reminders::plan::after_timeline_change(&store, viewer.municipality, family).await;
    Ok(())
}

/// A parent's private calendar (iCal) link; asking again replaces it and the old one stops working.
#[server(endpoint = "calendar_link")]
pub async fn calendar_link() -> Result<String, AppError> {
    use super::context::{now, require_viewer, server_context};
    use rand::RngCore;
    let viewer = require_viewer().await?;
    let family = viewer.family.ok_or(AppError::Forbidden)?;
    let context = server_context()?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    context
        .store
        .renew_calendar_feed(viewer.municipality, family, &token, now())
        .await?;
    let url = format!("{}/calendar/{token}.ics", context.public_url.trim_end_matches('/'));
    if super::context::posted_without_client().await {
        super::context::show_on_next_page(CALENDAR_MADE, &url).await?;
    }
    Ok(url)
}

#[server(endpoint = "calendar_revoke")]
pub async fn calendar_revoke() -> Result<(), AppError> {
    use super::context::{require_viewer, use_store};
    let viewer = require_viewer().await?;
    let family = viewer.family.ok_or(AppError::Forbidden)?;
    use_store()?.revoke_calendar_feed(family).await?;
    Ok(())
}

/// Records which vaccine product a child gets (e.g. rotavirus pentavalent: three doses, not two).
/// Staff of the municipality, or the child's own parent, may set it.
#[server(endpoint = "set_product")]
pub async fn set_product(family: i64, child: i64, option: String, value: String) -> Result<(), AppError> {
    use super::context::{require_viewer, use_store};
    use domain::ids::ChildId;
    use domain::input::{Invalid, Problem};
    use domain::schedule::Record;
    let viewer = require_viewer().await?;
    let family = family_for(&viewer, family)?;
    let store = use_store()?;
    let today = super::context::today_for(&viewer).await?;
    let loaded = load::family(&store, viewer.municipality, family, today).await?;
    let current = loaded
        .record
        .children
        .iter()
        .find(|c| c.id == ChildId(child))
        .ok_or(AppError::NotFound)?;
    let mut options = current.options;
    options
        .set(option.trim(), value.trim())
        .map_err(|_| Invalid::new("product", Problem::Malformed))?;
    // PCV15 only finishes a series begun on it: the records of the child's timeline decide.
    let sources = loaded
        .timelines
        .iter()
        .find(|t| t.member == Member::Child(current.id))
        .map(|t| t.sources.clone())
        .unwrap_or_else(|| vec![Member::Child(current.id)]);
    let records: Vec<Record> = loaded
        .records
        .iter()
        .filter(|r| sources.contains(&r.member))
        .filter_map(|r| loaded.schedule.key(&r.key).ok().map(|key| Record::new(key, r.done_on)))
        .collect();
    loaded
        .schedule
        .check_products(&options, &records)
        .map_err(|_| Invalid::new("product", Problem::OnlyToFinishSeries))?;
    store
        .set_child_options(viewer.municipality, family, ChildId(child), &options)
        .await?;
    if viewer.is_staff() {
        super::context::audit(&viewer, "set_product", &format!("family:{}", family.0)).await?;
    }
    super::reminders::plan::after_timeline_change(&store, viewer.municipality, family).await;
    Ok(())
}
