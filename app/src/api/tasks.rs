//! The task list: a coordinator's own, a site's, or the whole municipality's.

use crate::error::AppError;
use domain::support::task::Task;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskList {
    pub tasks: Vec<Task>,
    pub today: chrono::NaiveDate,
    pub sites: Vec<super::accounts::SiteView>,
}

/// `scope`: `mine`, `site:<id>` or `all`.
#[server(endpoint = "tasks")]
pub async fn tasks(scope: String) -> Result<TaskList, AppError> {
    use super::accounts::SiteView;
    use super::context::{require_staff, today_for, use_store};
    use super::timeline::load;
    use domain::ids::SiteId;
    use domain::input::{Invalid, Problem};
    use domain::support::task::{FamilyFacts, Scope, consultation_task, family_tasks, plan_review_task, sort};
    use store::consultations::Which;

    let viewer = require_staff().await?;
    let scope = match scope.trim() {
        "" | "mine" => Scope::Mine(viewer.account),
        "all" => Scope::All,
        other => other
            .strip_prefix("site:")
            .and_then(|id| id.parse().ok())
            .map(|id| Scope::Site(SiteId(id)))
            .ok_or_else(|| Invalid::new("scope", Problem::Malformed))?,
    };
    let store = use_store()?;
    let today = today_for(&viewer).await?;
    let sites: Vec<SiteView> = store
        .sites(viewer.municipality)
        .await?
        .into_iter()
        .map(|s| SiteView {
            id: s.id.0,
            name: s.name,
        })
        .collect();
    if let Scope::Site(site) = scope
        && !sites.iter().any(|s| s.id == site.0)
    {
        return Err(AppError::NotFound);
    }
    let families = load::municipality(&store, viewer.municipality, today).await?;
    let mut visits = store.all_home_visits(viewer.municipality).await?;
    let plans = store.active_plans(viewer.municipality).await?;
    // Plans and consultations name their family by id: found through this index, not a scan.
    let by_id: std::collections::HashMap<_, _> = families.iter().map(|(f, _)| (f.id, f)).collect();
    let mut tasks = Vec::new();
    for (family, timelines) in &families {
        let family_visits = visits.remove(&family.id).unwrap_or_default();
        let facts = FamilyFacts {
            family: family.id,
            family_name: &family.family_name,
            site: family.site,
            timelines,
            visits: &family_visits,
        };
        tasks.extend(family_tasks(&facts, today).into_iter().filter(|t| scope.includes(t)));
    }
    for plan in plans {
        let Some(family) = by_id.get(&plan.family) else {
            continue;
        };
        if let Some(task) = plan_review_task(
            family.id,
            &family.family_name,
            family.site,
            plan.review_on,
            plan.responsible,
            today,
        ) && scope.includes(&task)
        {
            tasks.push(task);
        }
    }
    let tz = store.municipality(viewer.municipality).await?.time_zone;
    let consultations = store
        .consultations(viewer.municipality, Which::OpenOrBookedFrom(super::context::now()))
        .await?;
    for c in consultations.iter().filter(|c| c.closed.is_none()) {
        let Some(since) = c.waiting_since() else {
            continue;
        };
        let site = by_id.get(&c.family).and_then(|f| f.site);
        let task = consultation_task(c, site, since.with_timezone(&tz).date_naive());
        if scope.includes(&task) {
            tasks.push(task);
        }
    }
    sort(&mut tasks);
    Ok(TaskList { tasks, today, sites })
}
