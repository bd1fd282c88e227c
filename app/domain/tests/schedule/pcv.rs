//! PCV start-age branches (定期接種実施要領 第2の5), for a child born on 2026-01-15:
//! 生後2月 = 03-14, 生後7月 = 08-14, 生後12月 = 2027-01-14, 生後24月 = 2028-01-14,
//! 生後60月 = 2031-01-14.

use domain::schedule::Status;

use super::{child, date, item, refusal, status};

const BIRTH: &str = "2026-01-15";

fn needed_doses(done: &[(&str, &str)], today: &str) -> usize {
    let timeline = child(BIRTH, today, done);
    assert!(timeline.invalid_records.is_empty(), "{:?}", timeline.invalid_records);
    (1..=4)
        .filter(|n| status(&timeline, &format!("pcv-{n}")) != Status::NotNeeded)
        .count()
}

#[test]
fn the_number_of_doses_follows_the_age_at_the_first_dose() {
    let table = [
        ("2026-03-14", 4),
        ("2026-08-14", 4),
        ("2026-08-15", 3),
        ("2027-01-14", 3),
        ("2027-01-15", 2),
        ("2028-01-14", 2),
        ("2028-01-15", 1),
        ("2031-01-14", 1),
    ];
    for (first, expected) in table {
        // As of the day of the first dose, before any later deadline has passed.
        assert_eq!(
            needed_doses(&[("pcv-1", first)], first),
            expected,
            "first dose on {first}"
        );
    }
}

#[test]
fn a_first_dose_after_60_months_does_not_count() {
    let timeline = child(BIRTH, "2031-02-01", &[("pcv-1", "2031-01-15")]);
    assert_eq!(refusal(&timeline, "pcv-1"), "after its latest valid date, 2031-01-14");
}

#[test]
fn an_early_start_has_three_primary_doses_and_a_booster_from_twelve_months() {
    let timeline = child(
        BIRTH,
        "2026-06-01",
        &[
            ("pcv-1", "2026-03-14"),
            ("pcv-2", "2026-04-11"),
            ("pcv-3", "2026-05-09"),
        ],
    );
    let booster = item(&timeline, "pcv-4");
    assert_eq!(booster.earliest, date("2027-01-14"));
    assert_eq!(booster.recommended_until, date("2027-04-14"));
    assert_eq!(booster.latest, date("2031-01-14"));
    assert!(!booster.projected);
    assert_eq!(booster.status, Status::Upcoming);
}

#[test]
fn primary_doses_are_at_least_27_days_apart_and_end_by_24_months() {
    let timeline = child(BIRTH, "2026-05-01", &[("pcv-1", "2026-03-14"), ("pcv-2", "2026-04-10")]);
    assert_eq!(
        refusal(&timeline, "pcv-2"),
        "before its earliest valid date, 2026-04-11"
    );
    let second = item(&timeline, "pcv-2");
    assert_eq!(second.latest, date("2028-01-14"));
    assert_eq!(second.recommended_until, date("2027-01-14"));
}

#[test]
fn a_second_primary_dose_after_twelve_months_skips_the_third() {
    let timeline = child(BIRTH, "2027-02-01", &[("pcv-1", "2026-08-01"), ("pcv-2", "2027-01-20")]);
    let booster = item(&timeline, "pcv-3");
    // 60日以上 after 2027-01-20, so from 03-22.
    assert_eq!(booster.earliest, date("2027-03-22"));
    assert_eq!(status(&timeline, "pcv-4"), Status::NotNeeded);
}

#[test]
fn a_start_between_seven_and_twelve_months_makes_the_third_dose_the_booster() {
    let timeline = child(BIRTH, "2026-10-01", &[("pcv-1", "2026-09-01"), ("pcv-2", "2026-09-29")]);
    let booster = item(&timeline, "pcv-3");
    assert_eq!(booster.earliest, date("2027-01-14"));
    assert_eq!(booster.recommended_from, date("2027-01-14"));
    assert_eq!(booster.recommended_until, date("2027-04-14"));
    assert_eq!(status(&timeline, "pcv-4"), Status::NotNeeded);
}

#[test]
fn a_start_between_twelve_and_24_months_has_two_doses_60_days_apart() {
    let timeline = child(BIRTH, "2027-03-02", &[("pcv-1", "2027-03-01")]);
    let second = item(&timeline, "pcv-2");
    assert_eq!(second.earliest, date("2027-05-01"));
    assert_eq!(second.latest, date("2031-01-14"));
    assert_eq!(status(&timeline, "pcv-3"), Status::NotNeeded);
    assert_eq!(status(&timeline, "pcv-4"), Status::NotNeeded);
    let early = child(BIRTH, "2027-05-02", &[("pcv-1", "2027-03-01"), ("pcv-2", "2027-04-30")]);
    assert_eq!(refusal(&early, "pcv-2"), "before its earliest valid date, 2027-05-01");
}

#[test]
fn primary_doses_not_given_by_24_months_are_skipped_for_the_booster() {
    let done = [("pcv-1", "2026-03-14"), ("pcv-2", "2026-04-11")];
    let before = child(BIRTH, "2028-01-14", &done);
    assert_eq!(status(&before, "pcv-3"), Status::Overdue);
    assert_eq!(item(&before, "pcv-3").latest, date("2028-01-14"));
    let after = child(BIRTH, "2028-01-15", &done);
    let booster = item(&after, "pcv-3");
    assert_eq!(booster.earliest, date("2027-01-14"));
    assert_eq!(booster.latest, date("2031-01-14"));
    assert_eq!(booster.status, Status::Overdue);
    assert_eq!(status(&after, "pcv-4"), Status::NotNeeded);
    // A third dose recorded after 24 months is the booster and counts.
    let recorded = child(BIRTH, "2028-02-01", &[done[0], done[1], ("pcv-3", "2028-01-20")]);
    assert!(recorded.invalid_records.is_empty());
    assert_eq!(status(&recorded, "pcv-3"), Status::Completed);
    assert_eq!(status(&recorded, "pcv-4"), Status::NotNeeded);
}

#[test]
fn a_dose_the_start_age_does_not_call_for_is_refused() {
    let timeline = child(BIRTH, "2028-06-01", &[("pcv-1", "2028-02-01"), ("pcv-2", "2028-05-01")]);
    assert_eq!(refusal(&timeline, "pcv-2"), "the rules do not call for this item");
    assert_eq!(status(&timeline, "pcv-2"), Status::NotNeeded);
}

#[test]
fn the_product_choice_does_not_change_the_pcv_dates() {
    use domain::schedule::{Options, PcvProduct};
    let pcv15 = super::child_with(
        BIRTH,
        "2026-03-20",
        &[],
        Options {
            pcv: PcvProduct::Pcv15,
            ..Options::default()
        },
    );
    let pcv20 = child(BIRTH, "2026-03-20", &[]);
    assert_eq!(pcv15, pcv20);
}
