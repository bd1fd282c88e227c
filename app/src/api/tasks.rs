//! The task list: a coordinator's own, a site's, or the whole municipality's, a page at a time.

use crate::error::AppError;
use domain::support::task::Task;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Tasks on one page of the list.
pub const PAGE_SIZE: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskList {
    /// This page's tasks, earliest due first.
    pub tasks: Vec<Task>,
    /// Tasks in the whole list, and how many of them are late.
    pub total: usize,
    pub late: usize,
    pub page: u32,
    pub page_count: u32,
    pub today: chrono::NaiveDate,
    pub sites: Vec<super::accounts::SiteView>,
}

/// `scope`: `mine`, `site:<id>` or `all`; `page` from 1 (the first when absent).
#[server(endpoint = "tasks")]
pub async fn tasks(scope: String, page: Option<u32>) -> Result<TaskList, AppError> {
    use super::accounts::SiteView;
    use super::context::{audit, now, require_staff, use_store};
    use domain::ids::SiteId;
    use domain::input::{Invalid, Problem};
    use domain::support::task::Scope;

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
    let page = page.unwrap_or(1).max(1);
    let store = use_store()?;
    let now = now();
    let town = store.municipality(viewer.municipality).await?;
    let today = town.today(now);
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
    let all = load::task_list(&store, &town, scope, today, now).await?;
    let subject = match scope {
        Scope::Mine(_) => "tasks:mine".to_owned(),
        Scope::Site(site) => format!("tasks:site:{}", site.0),
        Scope::All => "tasks:all".to_owned(),
    };
    audit(&viewer, "read_tasks", &subject).await?;
    let total = all.len();
    let late = all.iter().filter(|t| t.is_late(today)).count();
    let page_count = u32::try_from(total.div_ceil(PAGE_SIZE).max(1)).unwrap_or(u32::MAX);
    let page = page.min(page_count);
    let tasks = all
        .into_iter()
        .skip((page as usize - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    Ok(TaskList {
        tasks,
        total,
        late,
        page,
        page_count,
        today,
        sites,
    })
}

#[cfg(feature = "ssr")]
pub mod load {
    //! The whole list for a scope; shared by the server function and the scale benchmark.

    use crate::error::AppError;
    use chrono::{DateTime, NaiveDate, Utc};
    use domain::support::task::{
        FamilyFacts, Scope, TASK_KINDS, Task, consultation_task, family_tasks, plan_review_task, sort,
    };
    use domain::timeline::family_timelines;
    use store::Store;
    use store::consultations::Which;
    use store::municipalities::Municipality;
    use store::overview::TaskFamilies;

    /// Every task of the scope, earliest due first. Reads only the families the scope can concern
    /// and, of their timelines, only the checkups, interviews and visits.
    pub async fn task_list(
        store: &Store,
        town: &Municipality,
        scope: Scope,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<Task>, AppError> {
        let municipality = town.id;
        let schedule = crate::api::timeline::load::schedule(store, municipality)
            .await?
            .only(&TASK_KINDS);
        let among = match scope {
            // Only visits carry an assignee among the timeline's tasks.
            Scope::Mine(account) => TaskFamilies::WithOpenVisitsOf(account),
            Scope::Site(site) => TaskFamilies::Site(site),
            Scope::All => TaskFamilies::All,
        };
        let mut sources = store.task_sources(municipality, among, &schedule.item_keys()).await?;
        let mut tasks = Vec::new();
        for family in &sources.families {
            let records = sources.records.remove(&family.id).unwrap_or_default();
            let visits = sources.visits.remove(&family.id).unwrap_or_default();
            let timelines = family_timelines(&schedule, family, &records, today);
            let facts = FamilyFacts {
                family: family.id,
                family_name: &family.family_name,
                site: family.site,
                timelines: &timelines,
                visits: &visits,
            };
            tasks.extend(family_tasks(&facts, today).into_iter().filter(|t| scope.includes(t)));
        }
        for plan in store.active_plans(municipality).await? {
            if let Some(task) = plan_review_task(
                plan.family,
                &plan.family_name,
                plan.site,
                plan.review_on,
                plan.responsible,
                today,
            ) && scope.includes(&task)
            {
                tasks.push(task);
            }
        }
        let sites = store.sites_of_consulting_families(municipality).await?;
        let consultations = store.consultations(municipality, Which::OpenOrBookedFrom(now)).await?;
        for c in consultations.iter().filter(|c| c.closed.is_none()) {
            let Some(since) = c.waiting_since() else {
                continue;
            };
            let site = sites.get(&c.family).copied().flatten();
            let task = consultation_task(c, site, since.with_timezone(&town.time_zone).date_naive());
            if scope.includes(&task) {
                tasks.push(task);
            }
        }
        sort(&mut tasks);
        Ok(tasks)
    }
}
