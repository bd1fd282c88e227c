//! Every hour, every family with a device gets its reminders planned again: the planning horizon
//! moves on, and items that became overdue get their note.

use store::Store;

pub async fn run(store: Store, every: std::time::Duration, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        match store.families_with_devices().await {
            Ok(families) => {
                for (municipality, family) in families {
                    app::api::reminders::plan::after_timeline_change(&store, municipality, family).await;
                }
            }
            Err(e) => tracing::error!(error = %e, "reminder re-plan"),
        }
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}
