//! Records of products no longer used (PCV13, 4種混合 with separate Hib) count toward the series
//! that replaced them, and PCV15 only finishes a series begun on it. A child born 2024-06-10:
//! 生後2月 = 2024-08-09, 生後12月 = 2025-06-09.

use domain::schedule::{Options, PcvProduct, ProductOption, Schedule, Status};

use super::{child, date, item, records, status};

const BIRTH: &str = "2024-06-10";

/// (key, status, done_on) of every item of a series, in dose order.
fn series(timeline: &domain::schedule::Timeline, name: &str) -> Vec<(String, Status, Option<String>)> {
    let mut found: Vec<_> = timeline
        .items
        .iter()
        .filter(|item| item.series.as_str() == name)
        .map(|item| {
            (
                item.dose,
                item.key.to_string(),
                item.status,
                item.done_on.map(|d| d.to_string()),
            )
        })
        .collect();
    found.sort_by_key(|(dose, ..)| *dose);
    found
        .into_iter()
        .map(|(_, key, status, done)| (key, status, done))
        .collect()
}

fn completed(key: &str, on: &str) -> (String, Status, Option<String>) {
    (key.to_owned(), Status::Completed, Some(on.to_owned()))
}

#[test]
fn pcv13_doses_count_as_the_first_doses_of_a_child_who_continues_on_pcv20() {
    let timeline = child(
        BIRTH,
        "2025-01-10",
        &[
            ("pcv13-1", "2024-08-09"),
            ("pcv13-2", "2024-09-06"),
            // The first PCV20 dose, written as the first of its own product: it is the third dose.
            ("pcv-1", "2024-10-04"),
        ],
    );
    assert!(timeline.invalid_records.is_empty(), "{:?}", timeline.invalid_records);
    let pcv = series(&timeline, "pcv");
    assert_eq!(
        pcv[..3],
        [
            completed("pcv-1", "2024-08-09"),
            completed("pcv-2", "2024-09-06"),
            completed("pcv-3", "2024-10-04")
        ]
    );
    // The booster: ≥60日 after the last primary and from 生後12月.
    let booster = item(&timeline, "pcv-4");
    assert_eq!(booster.earliest, date("2025-06-09"));
    assert_eq!(booster.status, Status::Upcoming);
}

#[test]
fn a_legacy_dose_still_has_to_keep_the_interval() {
    // 27日以上: a PCV20 dose 20 days after the PCV13 one does not count.
    let timeline = child(
        BIRTH,
        "2024-10-01",
        &[("pcv13-1", "2024-08-09"), ("pcv-1", "2024-08-29")],
    );
    assert_eq!(status(&timeline, "pcv-1"), Status::Completed);
    assert_eq!(timeline.invalid_records.len(), 1);
    assert_eq!(timeline.invalid_records[0].key.to_string(), "pcv-1");
    assert_eq!(item(&timeline, "pcv-2").earliest, date("2024-09-06"));
}

#[test]
fn a_record_beyond_the_last_dose_counts_for_nothing() {
    let timeline = child(
        BIRTH,
        "2025-09-01",
        &[
            ("pcv13-1", "2024-08-09"),
            ("pcv13-2", "2024-09-06"),
            ("pcv13-3", "2024-10-04"),
            ("pcv-1", "2025-06-09"),
            ("pcv-2", "2025-08-01"),
        ],
    );
    assert!(
        series(&timeline, "pcv")
            .iter()
            .all(|(_, status, _)| *status == Status::Completed)
    );
    assert_eq!(timeline.invalid_records.len(), 1, "{:?}", timeline.invalid_records);
    assert_eq!(timeline.invalid_records[0].key.to_string(), "pcv-2");
}

#[test]
fn a_child_begun_on_4_shu_kongo_and_hib_finishes_on_5_shu_kongo_without_a_further_hib_dose() {
    let done = [
        ("dpt-ipv-1", "2024-08-09"),
        ("hib-1", "2024-08-09"),
        ("dpt-ipv-2", "2024-09-06"),
        ("hib-2", "2024-09-06"),
        // The first 5種混合 dose is the third DPT-IPV dose.
        ("dpt-ipv-hib-1", "2024-10-04"),
    ];
    let timeline = child(BIRTH, "2024-11-01", &done);
    assert!(timeline.invalid_records.is_empty(), "{:?}", timeline.invalid_records);
    let five = series(&timeline, "dpt-ipv-hib");
    assert_eq!(
        five[..3],
        [
            completed("dpt-ipv-hib-1", "2024-08-09"),
            completed("dpt-ipv-hib-2", "2024-09-06"),
            completed("dpt-ipv-hib-3", "2024-10-04")
        ]
    );
    // 追加: ≥6月 after 初回#3.
    assert_eq!(item(&timeline, "dpt-ipv-hib-4").earliest, date("2025-04-04"));
    assert_eq!(
        series(&timeline, "hib"),
        [
            completed("hib-1", "2024-08-09"),
            completed("hib-2", "2024-09-06"),
            ("hib-3".to_owned(), Status::NotNeeded, None),
            ("hib-4".to_owned(), Status::NotNeeded, None),
        ]
    );
}

#[test]
fn while_5_shu_kongo_doses_remain_no_separate_hib_dose_is_planned() {
    // Begun on 4種混合 and Hib; the next DPT-IPV dose can only be 5種混合, which brings Hib.
    let timeline = child(
        BIRTH,
        "2024-09-01",
        &[("dpt-ipv-1", "2024-08-09"), ("hib-1", "2024-08-09")],
    );
    assert_eq!(status(&timeline, "dpt-ipv-hib-2"), Status::Due);
    for key in ["hib-2", "hib-3", "hib-4"] {
        assert_eq!(status(&timeline, key), Status::NotNeeded, "{key}");
    }
}

#[test]
fn a_child_who_finished_dpt_ipv_on_4_shu_kongo_still_gets_the_hib_doses_it_lacks() {
    let timeline = child(
        BIRTH,
        "2025-05-01",
        &[
            ("dpt-ipv-1", "2024-08-09"),
            ("dpt-ipv-2", "2024-09-06"),
            ("dpt-ipv-3", "2024-10-04"),
            ("dpt-ipv-4", "2025-04-04"),
            ("hib-1", "2024-08-09"),
        ],
    );
    assert!(
        series(&timeline, "dpt-ipv-hib")
            .iter()
            .all(|(_, status, _)| *status == Status::Completed)
    );
    // Hib 初回#2 ≥27日 after #1, before 生後12月: overdue (its standard period has passed), not dropped.
    let hib = item(&timeline, "hib-2");
    assert_eq!(hib.earliest, date("2024-09-06"));
    assert_ne!(hib.status, Status::NotNeeded);
}

#[test]
fn legacy_keys_are_record_keys_of_the_schedule() {
    let national = Schedule::national();
    for key in ["dpt-ipv-1", "dpt-ipv-4", "pcv13-1", "pcv13-4"] {
        assert!(national.key(key).is_ok(), "{key}");
        assert!(national.item_keys().contains(&key.to_owned()), "{key}");
    }
    for key in ["dpt-ipv-5", "pcv13-5", "dpt-ipv", "pcv13"] {
        assert!(national.key(key).is_err(), "{key}");
    }
}

fn with_pcv15() -> Options {
    Options {
        pcv: PcvProduct::Pcv15,
        ..Options::default()
    }
}

#[test]
fn pcv15_is_chosen_only_to_finish_a_series_begun_on_it_before_2024_10_01() {
    let national = Schedule::national();
    assert!(
        national
            .check_products(&with_pcv15(), &records(&[("pcv-1", "2024-08-09")]))
            .is_ok()
    );
    assert!(
        national
            .check_products(&with_pcv15(), &records(&[("pcv-1", "2024-09-30")]))
            .is_ok()
    );
    for done in [&[][..], &[("pcv-1", "2024-10-01")][..], &[("hepb-1", "2024-08-09")][..]] {
        let refused = national
            .check_products(&with_pcv15(), &records(done))
            .expect_err("no PCV dose before 2024-10-01");
        assert_eq!(refused.option, ProductOption::Pcv);
        assert_eq!(refused.product, "pcv15");
        assert_eq!(refused.before, date("2024-10-01"));
    }
    // PCV20, the routine product, needs nothing.
    assert!(national.check_products(&Options::default(), &[]).is_ok());
}
