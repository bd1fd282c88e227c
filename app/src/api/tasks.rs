//! The task list: a coordinator's own, a site's, or the whole municipality's, a page at a time,
//! read from the kept task table (see `store::tasks`), refreshed first where it is stale.

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
    /// Families whose tasks are being planned again (after a schedule file change): the list does
    /// not show their changes yet.
    pub pending: usize,
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
        .map(SiteView::from)
        .collect();
    if let Scope::Site(site) = scope
        && !sites.iter().any(|s| s.id == site.0)
    {
        return Err(AppError::NotFound);
    }
    // A few stale families (the usual: someone just saved a record) are planned now, so the list
    // is never behind a change; a whole municipality (a new schedule file) is left to the
    // background refresh, and the page says so.
    // Families whose tasks hold only for an earlier day (a vaccination not given) are due again.
    store.mark_replans_due(Some(viewer.municipality), today).await?;
    let mut pending = store.stale_task_count(viewer.municipality).await?;
    if pending > 0 && pending <= load::INLINE_REFRESH {
        load::refresh_stale(&store, &town, now).await?;
        pending = store.stale_task_count(viewer.municipality).await?;
    }
    let (total, late) = store.kept_task_totals(viewer.municipality, scope, today).await?;
    let page_count = u32::try_from(total.div_ceil(PAGE_SIZE).max(1)).unwrap_or(u32::MAX);
    // Past the last page: the last one.
    let page = page.min(page_count);
    let size = PAGE_SIZE as i64;
    let tasks = store
        .kept_task_rows(viewer.municipality, scope, today, (i64::from(page) - 1) * size, size)
        .await?;
    let subject = match scope {
        Scope::Mine(_) => "tasks:mine".to_owned(),
        Scope::Site(site) => format!("tasks:site:{}", site.0),
        Scope::All => "tasks:all".to_owned(),
    };
    audit(&viewer, "read_tasks", &subject).await?;
    Ok(TaskList {
        tasks,
        total,
        late,
        page,
        page_count,
        pending: usize::try_from(pending).unwrap_or(0),
        today,
        sites,
    })
}

#[cfg(feature = "ssr")]
pub mod load {
    //! Keeping the task table: planning stale families' tasks ([`refresh_stale`]); and the whole
    //! list planned from scratch ([`task_list`]), the oracle the kept table is tested against and
    //! the previous query the scale benchmark times beside it.

    use crate::error::AppError;
    use chrono::{DateTime, NaiveDate, Utc};
    use domain::ids::FamilyId;
    use domain::support::task::{
        FamilyFacts, KeptTask, Scope, TASK_KINDS, Task, consultation_task, family_tasks, kept_family_tasks,
        plan_review_task, referral_task, sort,
    };
    use domain::timeline::family_timelines;
    use std::collections::HashMap;
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
        let mut claims = store.benefit_claims_among(municipality, among).await?;
        let mut tasks = Vec::new();
        for family in &sources.families {
            let records = sources.records.remove(&family.id).unwrap_or_default();
            let visits = sources.visits.remove(&family.id).unwrap_or_default();
            let claims = claims.remove(&family.id).unwrap_or_default();
            let timelines = family_timelines(&schedule, family, &records, today);
            let facts = FamilyFacts {
                family: family.id,
                family_name: &family.family_name,
                site: family.site,
                timelines: &timelines,
                visits: &visits,
                pregnancies: &family.pregnancies,
                claims: &claims,
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
        // A referral's task is for whoever made it, in any family.
        let referral_families = if matches!(scope, Scope::Mine(_)) {
            TaskFamilies::All
        } else {
            among
        };
        for referral in store.waiting_referrals_among(municipality, referral_families).await? {
            if let Some(task) = referral_task(&referral, today)
                && scope.includes(&task)
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

    /// Stale families the task list plans while the coordinator waits; more are left to the
    /// background refresh.
    pub const INLINE_REFRESH: i64 = 500;

    /// Families planned and written per transaction.
    const BATCH: usize = 500;

    /// Plans the tasks of every stale family of the municipality and keeps them. Returns how many
    /// families were written; one marked again meanwhile stays stale for the next call.
    pub async fn refresh_stale(store: &Store, town: &Municipality, now: DateTime<Utc>) -> Result<usize, AppError> {
        refresh_stale_with_progress(store, town, now, |_, _| {}).await
    }

    /// [`refresh_stale`], telling `progress` how many families are done of how many, per batch.
    pub async fn refresh_stale_with_progress(
        store: &Store,
        town: &Municipality,
        now: DateTime<Utc>,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<usize, AppError> {
        let municipality = town.id;
        let today = town.today(now);
        // Generations first: a change after this read leaves its family stale.
        let stale = store.stale_families(municipality, i64::MAX).await?;
        if stale.is_empty() {
            return Ok(0);
        }
        let schedule = crate::api::timeline::load::schedule(store, municipality)
            .await?
            .only(&TASK_KINDS);
        let mut sources = store
            .task_sources(municipality, TaskFamilies::Stale, &schedule.item_keys())
            .await?;
        let families: HashMap<FamilyId, _> = sources.families.iter().map(|f| (f.id, f)).collect();
        let mut claims = store.benefit_claims_among(municipality, TaskFamilies::Stale).await?;
        // Plan reviews and referrals waiting for an answer, by family.
        let mut reviews: HashMap<FamilyId, Vec<KeptTask>> = HashMap::new();
        for plan in store.active_plans_among(municipality, TaskFamilies::Stale).await? {
            if families.contains_key(&plan.family) {
                reviews.entry(plan.family).or_default().push(KeptTask::plan_review(
                    plan.family,
                    &plan.family_name,
                    plan.site,
                    plan.review_on,
                    plan.responsible,
                ));
            }
        }
        for referral in store.waiting_referrals_among(municipality, TaskFamilies::Stale).await? {
            if families.contains_key(&referral.family) {
                reviews
                    .entry(referral.family)
                    .or_default()
                    .push(KeptTask::referral(&referral));
            }
        }
        let mut waiting: HashMap<FamilyId, Vec<KeptTask>> = HashMap::new();
        for c in store.consultations(municipality, Which::OpenOfStaleFamilies).await? {
            let (Some(family), None, Some(since)) = (families.get(&c.family), c.closed, c.waiting_since()) else {
                continue;
            };
            let since = since.with_timezone(&town.time_zone).date_naive();
            waiting
                .entry(c.family)
                .or_default()
                .push(KeptTask::consultation(&c, family.site, since));
        }
        let total = stale.len();
        let mut written = 0;
        let mut done = 0;
        for batch in stale.chunks(BATCH) {
            let mut planned = Vec::with_capacity(batch.len());
            for s in batch {
                let mut tasks = Vec::new();
                // A family removed meanwhile has no sources: it keeps no tasks.
                if let Some(family) = families.get(&s.family) {
                    let records = sources.records.remove(&s.family).unwrap_or_default();
                    let visits = sources.visits.remove(&s.family).unwrap_or_default();
                    let claims = claims.remove(&s.family).unwrap_or_default();
                    let timelines = family_timelines(&schedule, family, &records, today);
                    tasks = kept_family_tasks(
                        &FamilyFacts {
                            family: family.id,
                            family_name: &family.family_name,
                            site: family.site,
                            timelines: &timelines,
                            visits: &visits,
                            pregnancies: &family.pregnancies,
                            claims: &claims,
                        },
                        today,
                    );
                    tasks.extend(reviews.remove(&s.family).unwrap_or_default());
                    tasks.extend(waiting.remove(&s.family).unwrap_or_default());
                    // Gone from the list for good before today (days only move on): not kept,
                    // as the daily prune would remove them; the list's totals count fewer rows.
                    tasks.retain(|t| t.hides_after.is_none_or(|last| last >= today));
                }
                planned.push((*s, tasks));
            }
            written += store.keep_tasks(municipality, &planned).await?;
            done += batch.len();
            progress(done, total);
        }
        Ok(written)
    }
}
