//! The task list over HTTP at a realistic size (a seeded town of 400 families): every task once,
//! page by page; each scope its share of the whole list; and the narrow read (checkups, interviews
//! and visits only, of the scope's families only) giving exactly the tasks that planning every
//! family's whole timeline gives.

use crate::helpers::{Form, TestApp, tokyo_day};
use crate::on_both;
use app::api::tasks::{PAGE_SIZE, TaskList};
use chrono::Utc;
use domain::support::task::{FamilyFacts, Task, TaskKind, family_tasks, sort};
use store::scale::{PASSWORD, Scale};

async fn page(app: &TestApp, staff: &reqwest::Client, scope: &str, page: u32) -> TaskList {
    app.send(staff, "tasks", &Form::new().arg("scope", scope).arg("page", page))
        .await
        .unwrap()
}

/// Every page of a scope's list, checking the pages agree with each other.
async fn whole_list(app: &TestApp, staff: &reqwest::Client, scope: &str) -> Vec<Task> {
    let first = page(app, staff, scope, 1).await;
    assert_eq!(first.page, 1);
    assert_eq!(
        first.page_count as usize,
        first.total.div_ceil(PAGE_SIZE).max(1),
        "{scope}"
    );
    let mut tasks = first.tasks.clone();
    for n in 2..=first.page_count {
        let next = page(app, staff, scope, n).await;
        assert_eq!((next.page, next.total, next.late), (n, first.total, first.late));
        tasks.extend(next.tasks);
    }
    assert_eq!(tasks.len(), first.total, "{scope}: every task on exactly one page");
    assert_eq!(
        tasks.iter().filter(|t| t.is_late(first.today)).count(),
        first.late,
        "{scope}"
    );
    assert!(
        tasks.windows(2).all(|w| w[0].due <= w[1].due),
        "{scope}: earliest due first"
    );
    let beyond = page(app, staff, scope, first.page_count + 3).await;
    assert_eq!(beyond.page, first.page_count, "a page past the end shows the last one");
    tasks
}

async fn the_task_list_pages_through_a_town_and_each_scope_is_its_share_of_the_whole(app: TestApp) {
    let today = tokyo_day(0);
    let seeded = app
        .store
        .seed_scale(&Scale {
            code: "999991",
            name: "おおぞら市",
            families: 400,
            seed: 11,
            today,
            now: Utc::now(),
        })
        .await
        .unwrap()
        .expect("a new municipality");
    let m = seeded.municipality;
    let nurse = app.log_in_with(&seeded.coordinator_email, PASSWORD).await;
    let me = app.staff_id(m, &seeded.coordinator_email).await;

    let all = whole_list(&app, &nurse, "all").await;
    assert!(all.len() > PAGE_SIZE, "more than one page: {}", all.len());
    let first = page(&app, &nurse, "all", 1).await;
    assert_eq!(first.tasks.len(), PAGE_SIZE);
    assert_eq!(first.today, today);
    // Without a page the first is shown (as the browser asks before any paging).
    let unpaged: TaskList = app
        .send(&nurse, "tasks", &Form::new().arg("scope", "all"))
        .await
        .unwrap();
    assert_eq!(unpaged, first);

    // The whole timeline of every family, planned as the family's own page plans it.
    let families = app::api::timeline::load::municipality(&app.store, m, today)
        .await
        .unwrap();
    let mut visits = app.store.all_home_visits(m).await.unwrap();
    let mut claims = app
        .store
        .benefit_claims_among(m, store::overview::TaskFamilies::All)
        .await
        .unwrap();
    let mut expected = Vec::new();
    for (family, timelines) in &families {
        let family_visits = visits.remove(&family.id).unwrap_or_default();
        expected.extend(family_tasks(
            &FamilyFacts {
                family: family.id,
                family_name: &family.family_name,
                site: family.site,
                timelines,
                visits: &family_visits,
                pregnancies: &family.pregnancies,
                claims: &claims.remove(&family.id).unwrap_or_default(),
            },
            today,
        ));
    }
    sort(&mut expected);
    let from_timelines: Vec<Task> = all
        .iter()
        .filter(|t| {
            !matches!(
                t.kind,
                TaskKind::PlanReview | TaskKind::Consultation { .. } | TaskKind::ReferralDueBack { .. }
            )
        })
        .cloned()
        .collect();
    assert!(from_timelines.iter().any(|t| t.kind == TaskKind::MissedCheckup));
    assert!(from_timelines.iter().any(|t| t.kind == TaskKind::MissedVaccination));
    assert_eq!(from_timelines, expected);
    assert!(all.iter().any(|t| t.kind == TaskKind::PlanReview));

    // Mine: for the coordinator signed in, and for the one with the most assigned tasks.
    let busiest = all
        .iter()
        .filter_map(|t| t.assignee)
        .max_by_key(|a| all.iter().filter(|t| t.assignee == Some(*a)).count())
        .expect("assigned tasks");
    let email = app
        .store
        .staff_members(m)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.account == busiest)
        .unwrap()
        .email;
    let colleague = app.log_in_with(&email, PASSWORD).await;
    for (client, account) in [(&nurse, me), (&colleague, busiest)] {
        let mine = whole_list(&app, client, "mine").await;
        let assigned: Vec<Task> = all.iter().filter(|t| t.assignee == Some(account)).cloned().collect();
        assert_eq!(mine, assigned);
    }
    assert!(
        all.iter()
            .any(|t| t.assignee == Some(busiest) && matches!(t.kind, TaskKind::Visit { .. }))
    );
    for site in &first.sites {
        let scope = format!("site:{}", site.id);
        let theirs = whole_list(&app, &nurse, &scope).await;
        let share: Vec<Task> = all
            .iter()
            .filter(|t| t.site.map(|s| s.0) == Some(site.id))
            .cloned()
            .collect();
        assert!(!share.is_empty(), "{}", site.name);
        assert_eq!(theirs, share, "{}", site.name);
    }
}

on_both!(the_task_list_pages_through_a_town_and_each_scope_is_its_share_of_the_whole);
