//! The centre's figures per month and site, for the dashboard and the CSV export.

use crate::error::AppError;
use domain::support::figures::MonthFigures;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How many months the dashboard and the export cover, ending with the current one.
pub const MONTHS: usize = 12;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiguresView {
    pub figures: Vec<MonthFigures>,
    pub sites: Vec<super::accounts::SiteView>,
    pub today: chrono::NaiveDate,
}

#[server(endpoint = "figures")]
pub async fn figures() -> Result<FiguresView, AppError> {
    use super::context::{audit, require_staff, today_for, use_store};
    let viewer = require_staff().await?;
    let store = use_store()?;
    let today = today_for(&viewer).await?;
    let (figures, sites) = compute::figures(&store, viewer.municipality, today).await?;
    audit(&viewer, "read_figures", "figures").await?;
    Ok(FiguresView {
        figures,
        sites: sites.into_iter().map(super::accounts::SiteView::from).collect(),
        today,
    })
}

#[cfg(feature = "ssr")]
pub mod compute {
    //! Shared by the dashboard and the CSV route. The figures of some months read only what fell
    //! in them: the notifications, EPDS and consultations of those days, and the children whose
    //! checkup or visit window closes in them (`ClosingWindows`), planned alone.

    use super::MONTHS;
    use crate::error::AppError;
    use chrono::{NaiveDate, TimeZone};
    use domain::ids::MunicipalityId;
    use domain::schedule::Kind;
    use domain::support::figures::{
        Closed, ClosingWindows, Facts, Month, MonthFigures, Notification, Opened, PlanOpen, Screening, compute,
    };
    use domain::timeline::family_timelines;
    use store::Store;
    use store::municipalities::Site;

    /// The last twelve months' figures, ending with `today`'s.
    pub async fn figures(
        store: &Store,
        municipality: MunicipalityId,
        today: NaiveDate,
    ) -> Result<(Vec<MonthFigures>, Vec<Site>), AppError> {
        months(store, municipality, &Month::of(today).last(MONTHS), today).await
    }

    /// The figures of consecutive `months` (oldest first), for the municipality and each site.
    pub async fn months(
        store: &Store,
        municipality: MunicipalityId,
        months: &[Month],
        today: NaiveDate,
    ) -> Result<(Vec<MonthFigures>, Vec<Site>), AppError> {
        let (Some(first), Some(last)) = (months.first(), months.last()) else {
            return Ok((Vec::new(), store.sites(municipality).await?));
        };
        let (from, until) = (first.first_day(), last.last_day());
        let schedule = crate::api::timeline::load::schedule(store, municipality)
            .await?
            .only(&[Kind::Checkup, Kind::HomeVisit]);
        let mut closed = Vec::new();
        for window in ClosingWindows::between(&schedule, from, until) {
            let children = store
                .children_born_between(
                    municipality,
                    window.born_from,
                    window.born_until,
                    &window.key.to_string(),
                )
                .await?;
            for child in children {
                let timelines = family_timelines(&schedule, &child.family, &child.records, today);
                closed.extend(
                    timelines
                        .iter()
                        .flat_map(|t| &t.timeline.items)
                        .filter_map(|item| Closed::of(child.site, item))
                        .filter(|c| c.measure == window.measure && (from..=until).contains(&c.window_end)),
                );
            }
        }
        let facts = facts_between(store, municipality, from, until, closed).await?;
        let sites = store.sites(municipality).await?;
        let site_ids: Vec<_> = sites.iter().map(|s| s.id).collect();
        Ok((compute(&facts, months, &site_ids, today), sites))
    }

    /// The notifications, EPDS, consultations and open support plans from `from` to `until`
    /// (inclusive, in the municipality's days), with the closed windows found.
    async fn facts_between(
        store: &Store,
        municipality: MunicipalityId,
        from: NaiveDate,
        until: NaiveDate,
        closed: Vec<Closed>,
    ) -> Result<Facts, AppError> {
        let tz = store.municipality(municipality).await?.time_zone;
        let midnight = |day: NaiveDate| {
            tz.from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
                .earliest()
                .map(|t| t.with_timezone(&chrono::Utc))
                .ok_or(AppError::Internal)
        };
        let after_last = until.succ_opt().unwrap_or(until);
        let consultations = store
            .consultations_opened(municipality, midnight(from)?, midnight(after_last)?)
            .await?
            .into_iter()
            .map(|c| Opened {
                site: c.site,
                opened_on: c.opened_at.with_timezone(&tz).date_naive(),
                first_reply_minutes: c.first_reply_at.map(|r| (r - c.opened_at).num_minutes().max(0)),
            })
            .collect();
        let plans = store
            .plans_open_between(municipality, from, until)
            .await?
            .into_iter()
            .map(|p| PlanOpen {
                site: p.site,
                category: p.category,
                starts_on: p.starts_on,
                closed_on: p.closed_on,
            })
            .collect();
        Ok(Facts {
            consultations,
            plans,
            notifications: store
                .notifications(municipality, from, until)
                .await?
                .into_iter()
                .map(|n| Notification {
                    site: n.site,
                    notified_on: n.notified_on,
                    due_date: n.due_date,
                    interviewed: n.interviewed,
                })
                .collect(),
            closed,
            screenings: store
                .screenings(municipality, from, until)
                .await?
                .into_iter()
                .map(|s| Screening {
                    site: s.site,
                    taken_on: s.taken_on,
                    flagged: s.flagged,
                })
                .collect(),
        })
    }

    /// The previous way, kept as the oracle of the tests and the benchmark: every family's whole
    /// timeline planned, and every notification, EPDS and consultation read.
    pub async fn months_from_every_family(
        store: &Store,
        municipality: MunicipalityId,
        months: &[Month],
        today: NaiveDate,
    ) -> Result<Vec<MonthFigures>, AppError> {
        let families = crate::api::timeline::load::municipality(store, municipality, today).await?;
        let mut closed = Vec::new();
        for (family, timelines) in &families {
            closed.extend(
                timelines
                    .iter()
                    .flat_map(|t| &t.timeline.items)
                    .filter_map(|item| Closed::of(family.site, item)),
            );
        }
        let (ever, never) = (
            NaiveDate::from_ymd_opt(1900, 1, 1),
            NaiveDate::from_ymd_opt(2999, 12, 31),
        );
        let (Some(ever), Some(never)) = (ever, never) else {
            return Err(AppError::Internal);
        };
        let facts = facts_between(store, municipality, ever, never, closed).await?;
        let site_ids: Vec<_> = store.sites(municipality).await?.iter().map(|s| s.id).collect();
        Ok(compute(&facts, months, &site_ids, today))
    }
}
