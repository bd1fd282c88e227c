//! Server-rendered pages: a page reads each record it shows once, and logs no error doing so.

use crate::helpers::{TestApp, logged_errors, world};
use crate::on_both;

async fn page(client: &reqwest::Client, url: String) -> String {
    let response = client.get(&url).send().await.expect("page answers");
    assert_eq!(response.status(), 200, "{url}");
    response.text().await.unwrap()
}

async fn a_family_page_and_a_parent_home_read_each_record_once(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let family = page(&nurse, format!("{}/staff/families/{}", app.address, w.a.family.0)).await;
    assert!(
        family.contains(r#"data-testid="timeline""#),
        "the family page shows the timeline"
    );
    assert!(family.contains(r#"id="flags-title""#), "and the support record");
    let parent = app.log_in(&w.a.parent).await;
    let home = page(&parent, format!("{}/home", app.address)).await;
    assert!(
        home.contains(r#"data-testid="timeline""#),
        "the parent home shows the timeline"
    );

    // A page's Suspense walks its content more than once on the server; a record loaded from
    // inside it was loaded again on each walk, and the extra run, outliving the request, failed
    // at the audit log with this error. Any such run has ended once the server has answered
    // another request and a moment has passed.
    page(&nurse, format!("{}/health", app.address)).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let stray: Vec<String> = logged_errors()
        .into_iter()
        .filter(|m| m.contains("ServerContext missing"))
        .collect();
    assert!(stray.is_empty(), "server functions ran outside a request: {stray:?}");

    // Each read the staff page made is in the audit log once.
    let audit = app
        .store
        .audit_of_subject(w.a.municipality, &format!("family:{}", w.a.family.0))
        .await
        .unwrap();
    let staff = app.staff_id(w.a.municipality, &w.a.coordinator).await;
    for action in ["read", "read_timeline", "read_support"] {
        let n = audit.iter().filter(|e| e.actor == staff && e.action == action).count();
        assert_eq!(n, 1, "{action} logged once for one view of the page");
    }
}

/// A record that does not count says, in words, which item it is and why (never the raw key).
async fn a_record_that_does_not_count_says_which_item_and_why_in_words(app: TestApp) {
    let w = world(&app.store).await;
    let (m, family) = (w.a.municipality, w.a.family);
    let pregnancy = app.store.family_record(m, family).await.unwrap().pregnancies[0].id;
    let nurse = app.staff_id(m, &w.a.coordinator).await;
    // The world's pregnancy is due 2027-05-01: a checkup in June 2026 is before it began.
    app.store
        .add_record(
            m,
            family,
            domain::timeline::Member::Pregnancy(pregnancy),
            "prenatal-checkup-1",
            chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            store::timeline::Source::Staff,
            nurse,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let parent = app.log_in(&w.a.parent).await;
    let home = page(&parent, format!("{}/home", app.address)).await;
    let line = home
        .split(r#"data-testid="invalid-record""#)
        .nth(1)
        .expect("the record that does not count")
        .split("</li>")
        .next()
        .unwrap();
    assert!(line.contains("妊婦健康診査"), "the item by name: {line}");
    assert!(line.contains("1回目"), "and its number: {line}");
    assert!(line.contains("受けられる期間"), "why, in words: {line}");
    assert!(!line.contains(">prenatal-checkup-1"), "not the raw key: {line}");
}

on_both!(
    a_family_page_and_a_parent_home_read_each_record_once,
    a_record_that_does_not_count_says_which_item_and_why_in_words,
);
