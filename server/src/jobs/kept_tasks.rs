//! Keeps the task table current in the background: plans the tasks of every stale family (a
//! municipality's new schedule file marks all of its families at once; a save marks one), with
//! progress in the log, and once a day drops the tasks that have left the list for good.

use store::Store;

pub async fn run(store: Store, every: std::time::Duration, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    let mut pruned_on = None;
    loop {
        refresh(&store).await;
        let today = chrono::Utc::now().date_naive();
        if pruned_on != Some(today) {
            match store.prune_kept_tasks(today - chrono::Duration::days(1)).await {
                Ok(_) => pruned_on = Some(today),
                Err(e) => tracing::error!(error = %e, "pruning kept tasks"),
            }
        }
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}

/// One pass over every municipality with stale families.
pub async fn refresh(store: &Store) {
    // Tasks planned to hold for an earlier day only (vaccinations not given) are planned again.
    // By UTC's date, which is never ahead of a municipality east of it: the task list marks its
    // own municipality by its own date before it reads.
    if let Err(e) = store.mark_replans_due(None, chrono::Utc::now().date_naive()).await {
        tracing::error!(error = %e, "marking tasks to plan again");
    }
    let counts = match store.stale_task_counts().await {
        Ok(counts) => counts,
        Err(e) => {
            tracing::error!(error = %e, "reading stale tasks");
            return;
        }
    };
    for (municipality, stale) in counts {
        let town = match store.municipality(municipality).await {
            Ok(town) => town,
            Err(e) => {
                tracing::error!(error = %e, municipality = municipality.0, "reading a municipality");
                continue;
            }
        };
        let now = chrono::Utc::now();
        let many = stale > app::api::tasks::load::INLINE_REFRESH;
        let result = app::api::tasks::load::refresh_stale_with_progress(store, &town, now, |done, total| {
            if many {
                tracing::info!(municipality = municipality.0, done, total, "planning tasks");
            }
        })
        .await;
        if let Err(e) = result {
            tracing::error!(error = ?e, municipality = municipality.0, "planning tasks");
        }
    }
}
