//! The legacy Hib series (4種混合 era): start-age branches, for a child born on 2026-01-15:
//! 生後2月 = 03-14, 生後7月 = 08-14, 生後12月 = 2027-01-14, 生後60月 = 2031-01-14.

use domain::schedule::Status;

use super::{child, date, item, refusal, status};

const BIRTH: &str = "2026-01-15";

fn needed_doses(done: &[(&str, &str)], today: &str) -> usize {
    let timeline = child(BIRTH, today, done);
    assert!(timeline.invalid_records.is_empty(), "{:?}", timeline.invalid_records);
    (1..=4)
        .filter(|n| status(&timeline, &format!("hib-{n}")) != Status::NotNeeded)
        .count()
}

#[test]
fn without_a_hib_record_there_are_no_hib_items() {
    for done in [&[][..], &[("dpt-ipv-hib-1", "2026-03-14")][..]] {
        let timeline = child(BIRTH, "2026-04-01", done);
        assert!(
            timeline.items.iter().all(|item| item.series.as_str() != "hib"),
            "{done:?}"
        );
    }
}

#[test]
fn the_number_of_doses_follows_the_age_at_the_first_dose() {
    let table = [
        // Through 生後7月: 3 primary + booster.
        ("2026-03-14", 4),
        ("2026-08-14", 4),
        // Through 生後12月: 2 primary + booster.
        ("2026-08-15", 3),
        ("2026-12-01", 3),
        // A second primary could not be given by 生後12月: skipped, the booster stays.
        ("2027-01-14", 2),
        // Through 生後60月: 1 dose.
        ("2027-01-15", 1),
        ("2031-01-14", 1),
    ];
    for (first, expected) in table {
        // As of the day of the first dose, before any later deadline has passed.
        assert_eq!(
            needed_doses(&[("hib-1", first)], first),
            expected,
            "first dose on {first}"
        );
    }
}

#[test]
fn a_first_dose_outside_2_to_60_months_does_not_count() {
    let early = child(BIRTH, "2026-03-20", &[("hib-1", "2026-03-13")]);
    assert_eq!(refusal(&early, "hib-1"), "before its earliest valid date, 2026-03-14");
    let late = child(BIRTH, "2031-02-01", &[("hib-1", "2031-01-15")]);
    assert_eq!(refusal(&late, "hib-1"), "after its latest valid date, 2031-01-14");
}

#[test]
fn an_early_start_has_three_primary_doses_and_a_booster_seven_months_later() {
    let done = [
        ("hib-1", "2026-03-14"),
        ("hib-2", "2026-04-11"),
        ("hib-3", "2026-05-09"),
    ];
    let timeline = child(BIRTH, "2026-06-01", &done);
    assert!(timeline.invalid_records.is_empty(), "{:?}", timeline.invalid_records);
    let booster = item(&timeline, "hib-4");
    assert_eq!(booster.earliest, date("2026-12-09"));
    assert_eq!(booster.recommended_from, date("2026-12-09"));
    assert_eq!(booster.recommended_until, date("2027-06-09"));
    assert_eq!(booster.latest, date("2031-01-14"));
    assert!(!booster.projected);
    assert_eq!(booster.status, Status::Upcoming);
    let early = child(
        BIRTH,
        "2027-01-01",
        &[done[0], done[1], done[2], ("hib-4", "2026-12-08")],
    );
    assert_eq!(refusal(&early, "hib-4"), "before its earliest valid date, 2026-12-09");
}

#[test]
fn primary_doses_are_at_least_27_days_apart_and_end_by_12_months() {
    let timeline = child(BIRTH, "2026-05-01", &[("hib-1", "2026-03-14"), ("hib-2", "2026-04-10")]);
    assert_eq!(
        refusal(&timeline, "hib-2"),
        "before its earliest valid date, 2026-04-11"
    );
    let second = item(&timeline, "hib-2");
    assert_eq!(second.earliest, date("2026-04-11"));
    assert_eq!(second.recommended_until, date("2027-01-14"));
    assert_eq!(second.latest, date("2027-01-14"));
}

#[test]
fn a_start_between_seven_and_twelve_months_makes_the_third_dose_the_booster() {
    let timeline = child(BIRTH, "2026-10-01", &[("hib-1", "2026-09-01"), ("hib-2", "2026-09-29")]);
    assert!(timeline.invalid_records.is_empty(), "{:?}", timeline.invalid_records);
    let booster = item(&timeline, "hib-3");
    assert_eq!(booster.earliest, date("2027-04-29"));
    assert_eq!(booster.recommended_from, date("2027-04-29"));
    assert_eq!(booster.recommended_until, date("2027-10-29"));
    assert_eq!(status(&timeline, "hib-4"), Status::NotNeeded);
}

#[test]
fn primary_doses_not_given_by_12_months_are_skipped_for_the_booster() {
    let done = [("hib-1", "2026-03-14"), ("hib-2", "2026-04-11")];
    let before = child(BIRTH, "2027-01-14", &done);
    assert_eq!(status(&before, "hib-3"), Status::Due);
    assert_eq!(item(&before, "hib-3").latest, date("2027-01-14"));
    let after = child(BIRTH, "2027-01-15", &done);
    let booster = item(&after, "hib-3");
    assert_eq!(booster.earliest, date("2026-11-11"));
    assert_eq!(booster.recommended_until, date("2027-05-11"));
    assert_eq!(booster.latest, date("2031-01-14"));
    assert_eq!(booster.status, Status::Due);
    assert_eq!(status(&after, "hib-4"), Status::NotNeeded);
    // A third dose recorded after 12 months is the booster and counts.
    let recorded = child(BIRTH, "2027-02-01", &[done[0], done[1], ("hib-3", "2027-01-20")]);
    assert!(recorded.invalid_records.is_empty(), "{:?}", recorded.invalid_records);
    assert_eq!(status(&recorded, "hib-3"), Status::Completed);
    assert_eq!(status(&recorded, "hib-4"), Status::NotNeeded);
}

#[test]
fn a_third_primary_that_cannot_be_given_by_12_months_is_skipped() {
    // Started at 生後7月 (3 primary), but the third could only follow 12-20 after 生後12月.
    let timeline = child(BIRTH, "2026-12-21", &[("hib-1", "2026-08-01"), ("hib-2", "2026-12-20")]);
    let booster = item(&timeline, "hib-3");
    assert_eq!(booster.earliest, date("2027-07-20"));
    assert_eq!(status(&timeline, "hib-4"), Status::NotNeeded);
}

#[test]
fn a_start_after_12_months_has_one_dose_only() {
    let timeline = child(BIRTH, "2027-06-01", &[("hib-1", "2027-03-01"), ("hib-2", "2027-05-01")]);
    assert_eq!(status(&timeline, "hib-1"), Status::Completed);
    assert_eq!(refusal(&timeline, "hib-2"), "the rules do not call for this item");
    for n in 2..=4 {
        assert_eq!(status(&timeline, &format!("hib-{n}")), Status::NotNeeded);
    }
}
