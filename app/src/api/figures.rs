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
        sites: sites
            .into_iter()
            .map(|s| super::accounts::SiteView {
                id: s.id.0,
                name: s.name,
            })
            .collect(),
        today,
    })
}

#[cfg(feature = "ssr")]
pub mod compute {
    //! Shared by the dashboard and the CSV route.

    use super::MONTHS;
    use crate::error::AppError;
    use chrono::NaiveDate;
    use domain::ids::MunicipalityId;
    use domain::schedule::Status;
    use domain::support::figures::{
        Closed, Facts, Measure, Month, MonthFigures, Notification, Opened, Screening, compute,
    };
    use store::Store;
    use store::municipalities::Site;

    pub async fn figures(
        store: &Store,
        municipality: MunicipalityId,
        today: NaiveDate,
    ) -> Result<(Vec<MonthFigures>, Vec<Site>), AppError> {
        let families = crate::api::timeline::load::municipality(store, municipality, today).await?;
        let mut closed = Vec::new();
        for (family, timelines) in &families {
            for item in timelines.iter().flat_map(|t| &t.timeline.items) {
                let Some(measure) = Measure::of_series(item.series.as_str()) else {
                    continue;
                };
                if item.projected || item.status == Status::NotNeeded {
                    continue;
                }
                closed.push(Closed {
                    site: family.site,
                    measure,
                    window_end: item.latest,
                    done: item.done_on.is_some_and(|d| d <= item.latest),
                });
            }
        }
        let tz = store.municipality(municipality).await?.time_zone;
        let consultations = store
            .consultations_opened(municipality)
            .await?
            .into_iter()
            .map(|c| Opened {
                site: c.site,
                opened_on: c.opened_at.with_timezone(&tz).date_naive(),
                first_reply_minutes: c.first_reply_at.map(|r| (r - c.opened_at).num_minutes().max(0)),
            })
            .collect();
        let facts = Facts {
            consultations,
            notifications: store
                .notifications(municipality)
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
                .screenings(municipality)
                .await?
                .into_iter()
                .map(|s| Screening {
                    site: s.site,
                    taken_on: s.taken_on,
                    flagged: s.flagged,
                })
                .collect(),
        };
        let sites = store.sites(municipality).await?;
        let site_ids: Vec<_> = sites.iter().map(|s| s.id).collect();
        let months = Month::of(today).last(MONTHS);
        Ok((compute(&facts, &months, &site_ids, today), sites))
    }
}
