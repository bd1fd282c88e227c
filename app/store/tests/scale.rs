//! The scale seeder (`yorisoi seed-scale`, `bench_scale`) writes data the store reads as its own,
//! on SQLite always and on PostgreSQL when `YORISOI_TEST_POSTGRES_URL` is set.

// Shared with contract.rs; this file needs only part of it.
#[allow(dead_code)]
mod support;

use chrono::{NaiveDate, TimeZone, Utc};
use domain::ids::FamilyId;
use domain::support::task::{FamilyFacts, family_tasks};
use domain::timeline::family_timelines;
use store::scale::Scale;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn scale(families: u32) -> Scale<'static> {
    Scale {
        code: "999991",
        name: "おおぞら市",
        families,
        seed: 7,
        today: today(),
        now: Utc.with_ymd_and_hms(2026, 11, 24, 3, 0, 0).unwrap(),
    }
}

async fn the_scale_seeder_fills_a_municipality_the_store_reads_as_its_own(store: support::Db) {
    let seeded = store
        .seed_scale(&scale(300))
        .await
        .unwrap()
        .expect("a new municipality");
    let m = seeded.municipality;
    assert_eq!(seeded.families, 300);
    assert!(seeded.children > 300 && seeded.pregnancies > 30, "{seeded:?}");
    assert!(
        seeded.records > 1000 && seeded.interviews > 50 && seeded.visits > 50,
        "{seeded:?}"
    );
    assert!(seeded.plans > 0, "{seeded:?}");

    let everyone = store
        .caseload(
            m,
            &domain::caseload::CaseloadFilter::search(""),
            &domain::family::CaseloadPosition::First,
            today(),
        )
        .await
        .unwrap();
    assert_eq!(everyone.total, 300);
    assert_eq!(everyone.entries.len(), domain::family::CaseloadPage::SIZE as usize);

    // Surnames come from a list of forty, children's names from twenty: a search finds a share.
    let by_name = store
        .caseload(
            m,
            &domain::caseload::CaseloadFilter::search("佐藤"),
            &domain::family::CaseloadPosition::First,
            today(),
        )
        .await
        .unwrap();
    assert!(by_name.total > 0 && by_name.total < 60, "{}", by_name.total);
    assert!(by_name.entries.iter().all(|e| e.family_name == "佐藤"));
    let by_kana = store
        .caseload(
            m,
            &domain::caseload::CaseloadFilter::search("さと"),
            &domain::family::CaseloadPosition::First,
            today(),
        )
        .await
        .unwrap();
    assert!(by_kana.total >= by_name.total, "{} < {}", by_kana.total, by_name.total);

    let family: FamilyId = everyone.entries[0].family;
    let record = store.family_record(m, family).await.unwrap();
    assert!(!record.pregnancies.is_empty() || !record.children.is_empty());

    // The municipality-wide reads of the task list see every family, and the timelines plan.
    let families = store.all_family_records(m).await.unwrap();
    assert_eq!(families.len(), 300);
    let mut records = store.all_timeline_records(m).await.unwrap();
    let mut visits = store.all_home_visits(m).await.unwrap();
    let schedule = domain::schedule::Schedule::national();
    let mut tasks = 0;
    for f in &families {
        let timelines = family_timelines(schedule, f, &records.remove(&f.id).unwrap_or_default(), today());
        let invalid: usize = timelines.iter().map(|t| t.timeline.invalid_records.len()).sum();
        assert_eq!(invalid, 0, "family {}: records the schedule refuses", f.id.0);
        let family_visits = visits.remove(&f.id).unwrap_or_default();
        tasks += family_tasks(
            &FamilyFacts {
                family: f.id,
                family_name: &f.family_name,
                site: f.site,
                timelines: &timelines,
                visits: &family_visits,
                pregnancies: &f.pregnancies,
                claims: &[],
            },
            today(),
        )
        .len();
    }
    assert!(tasks > 0);
    assert!(!store.active_plans(m).await.unwrap().is_empty());

    // A second run with the same code writes nothing.
    assert!(store.seed_scale(&scale(10)).await.unwrap().is_none());
    assert_eq!(
        store
            .caseload(
                m,
                &domain::caseload::CaseloadFilter::search(""),
                &domain::family::CaseloadPosition::First,
                today()
            )
            .await
            .unwrap()
            .total,
        300
    );

    // The application's own writes carry on after the seeder's explicit ids.
    let name = domain::people::PersonName::parse("n", "新規").unwrap();
    let kana = domain::people::Kana::parse("k", "シンキ").unwrap();
    let new = store
        .create_family(
            m,
            &store::families::NewFamily {
                site: None,
                family_name: &name,
                family_name_kana: &kana,
            },
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(families.iter().all(|f| f.id.0 < new.0));
}

contract_tests!(the_scale_seeder_fills_a_municipality_the_store_reads_as_its_own);
