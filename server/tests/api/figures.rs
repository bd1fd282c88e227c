//! The centre's figures at a realistic size (a seeded town of 400 families): a month's figures,
//! read from that month's facts and the children whose windows close in it, equal what planning
//! every family's whole timeline gives, month by month and for the dashboard's twelve months.

use crate::helpers::{TestApp, tokyo_day};
use crate::on_both;
use app::api::figures::compute;
use chrono::Utc;
use domain::support::figures::Month;
use store::scale::Scale;

async fn a_month_s_figures_equal_the_figures_planned_from_every_family(app: TestApp) {
    let today = tokyo_day(0);
    let seeded = app
        .store
        .seed_scale(&Scale {
            code: "999991",
            name: "おおぞら市",
            families: 400,
            seed: 7,
            today,
            now: Utc::now(),
        })
        .await
        .unwrap()
        .unwrap();
    let m = seeded.municipality;
    let twelve = Month::of(today).last(24);
    let oracle = compute::months_from_every_family(&app.store, m, &twelve, today)
        .await
        .unwrap();
    let (fast, sites) = compute::months(&app.store, m, &twelve, today).await.unwrap();
    assert!(
        sites.len() > 1,
        "the town has sites, so the figures per site are compared too"
    );
    assert_eq!(fast, oracle, "twenty-four months at once");
    let counted: u32 = oracle
        .iter()
        .filter(|f| f.site.is_none())
        .map(|f| f.checkup_3m.of + f.checkup_18m.of + f.infant_home_visit.of + f.checkup_3y.of)
        .sum();
    assert!(counted > 100, "the town's windows closed in those months: {counted}");
    // Month by month, each read alone.
    for month in &twelve {
        let (alone, _) = compute::months(&app.store, m, &[*month], today).await.unwrap();
        let expected: Vec<_> = oracle.iter().filter(|f| f.month == *month).cloned().collect();
        assert_eq!(alone, expected, "{month}");
    }
}

on_both!(a_month_s_figures_equal_the_figures_planned_from_every_family);
