//! Per-series rules through the engine: legal windows, standard periods, intervals, products,
//! statuses and refused records.

use domain::schedule::{Options, RotaProduct, Status};

use super::{child, child_with, date, item, refusal, status};

fn pentavalent() -> Options {
    Options {
        rota: RotaProduct::Pentavalent,
        ..Options::default()
    }
}

/// (key, earliest, recommended_from, recommended_until, latest), hand-worked for a birth on
/// 2026-05-10 (the seido-keisan fixture): 生後2月 = 07-09, 1歳 = 2027-05-09, 就学 = 2033-04-01.
#[test]
fn windows_for_a_child_born_on_2026_05_10_match_the_hand_worked_dates() {
    let timeline = child("2026-05-10", "2026-05-10", &[]);
    let table = [
        ("hepb-1", "2026-05-10", "2026-07-09", "2027-02-09", "2027-05-09"),
        ("rota-1", "2026-06-21", "2026-07-09", "2026-08-22", "2026-10-25"),
        ("rota-2", "2026-08-06", "2026-08-06", "2026-10-25", "2026-10-25"),
        ("dpt-ipv-hib-1", "2026-07-09", "2026-07-09", "2026-12-09", "2033-11-09"),
        ("dpt-ipv-hib-2", "2026-07-30", "2026-07-30", "2026-09-04", "2033-11-09"),
        ("pcv-1", "2026-07-09", "2026-07-09", "2026-12-09", "2031-05-09"),
        ("pcv-4", "2027-05-09", "2027-05-09", "2027-08-09", "2031-05-09"),
        ("bcg-1", "2026-05-10", "2026-10-09", "2027-01-09", "2027-05-09"),
        ("mr-1", "2027-05-09", "2027-05-09", "2028-05-09", "2028-05-09"),
        ("mr-2", "2032-04-01", "2032-04-01", "2033-03-31", "2033-03-31"),
        ("varicella-1", "2027-05-09", "2027-05-09", "2027-08-09", "2029-05-09"),
        ("je-1", "2026-11-09", "2029-05-09", "2030-05-09", "2033-11-09"),
        ("je-4", "2035-05-09", "2035-05-09", "2036-05-09", "2039-05-09"),
        // 二種混合 DT 2期: 11歳以上13歳未満, standard 11歳に達した時から12歳に達するまで.
        ("dt-1", "2037-05-09", "2037-05-09", "2038-05-09", "2039-05-09"),
        ("mumps-2", "2027-05-09", "2032-04-01", "2033-03-31", "2044-05-09"),
        ("checkup-1m", "2026-06-07", "2026-06-07", "2026-06-20", "2026-06-20"),
        ("checkup-3m", "2026-08-09", "2026-08-09", "2026-09-09", "2026-11-09"),
        ("checkup-18m", "2027-11-10", "2027-11-10", "2028-05-09", "2028-05-09"),
        ("checkup-3y", "2029-05-10", "2029-05-10", "2030-05-09", "2030-05-09"),
        ("visit-newborn", "2026-05-10", "2026-05-10", "2026-06-07", "2026-06-07"),
        (
            "visit-infant-home",
            "2026-05-10",
            "2026-05-10",
            "2026-09-09",
            "2026-09-09",
        ),
    ];
    for (key, earliest, from, until, latest) in table {
        let found = item(&timeline, key);
        assert_eq!(
            (
                found.earliest,
                found.recommended_from,
                found.recommended_until,
                found.latest
            ),
            (date(earliest), date(from), date(until), date(latest)),
            "{key}"
        );
    }
}

#[test]
fn the_rotavirus_window_depends_on_the_product() {
    let monovalent = child("2026-05-10", "2026-05-10", &[]);
    assert_eq!(item(&monovalent, "rota-1").latest, date("2026-10-25"));
    assert!(monovalent.item("rota-3").is_none());
    let pentavalent = child_with("2026-05-10", "2026-05-10", &[], pentavalent());
    // The reference's rotavirus window 出生6週0日後〜32週0日後.
    assert_eq!(item(&pentavalent, "rota-1").earliest, date("2026-06-21"));
    for key in ["rota-1", "rota-2", "rota-3"] {
        assert_eq!(item(&pentavalent, key).latest, date("2026-12-20"), "{key}");
    }
}

#[test]
fn statuses_on_2026_10_03_for_a_child_born_on_2026_05_10() {
    let timeline = child("2026-05-10", "2026-10-03", &[]);
    let table = [
        ("hepb-1", Status::Due),
        ("dpt-ipv-hib-1", Status::Due),
        ("pcv-1", Status::Due),
        ("rota-1", Status::Overdue),
        ("rota-2", Status::Upcoming),
        ("bcg-1", Status::Upcoming),
        ("checkup-1m", Status::Missed),
        ("visit-newborn", Status::Missed),
        ("checkup-3m", Status::Overdue),
        ("visit-infant-home", Status::Missed),
        ("checkup-6m", Status::Upcoming),
        ("mr-1", Status::Upcoming),
    ];
    for (key, expected) in table {
        assert_eq!(status(&timeline, key), expected, "{key}");
    }
}

/// Recorded events as (key, date).
type Done<'a> = &'a [(&'a str, &'a str)];

/// (done, key, expected earliest): minimum intervals from the actual previous dose.
#[test]
fn minimum_intervals_count_from_the_actual_previous_dose() {
    let table: [(Done, &str, &str); 10] = [
        (&[("hepb-1", "2026-03-14")], "hepb-2", "2026-04-11"),
        (
            &[("hepb-1", "2026-03-14"), ("hepb-2", "2026-04-11")],
            "hepb-3",
            "2026-08-01",
        ),
        // A late second dose: the third follows it, not only the first.
        (
            &[("hepb-1", "2026-03-14"), ("hepb-2", "2026-08-10")],
            "hepb-3",
            "2026-08-11",
        ),
        (&[("dpt-ipv-hib-1", "2026-03-14")], "dpt-ipv-hib-2", "2026-04-04"),
        (
            &[
                ("dpt-ipv-hib-1", "2026-03-14"),
                ("dpt-ipv-hib-2", "2026-04-04"),
                ("dpt-ipv-hib-3", "2026-08-31"),
            ],
            "dpt-ipv-hib-4",
            "2027-03-01",
        ),
        (&[("rota-1", "2026-03-14")], "rota-2", "2026-04-11"),
        (&[("pcv-1", "2026-03-14")], "pcv-2", "2026-04-11"),
        (&[("mr-1", "2027-01-20")], "varicella-1", "2027-02-17"),
        (&[("bcg-1", "2026-07-01")], "mr-1", "2027-01-14"),
        (&[("hepb-1", "2026-06-30")], "hepb-2", "2026-07-28"),
    ];
    for (done, key, expected) in table {
        let timeline = child("2026-01-15", "2027-02-01", done);
        assert!(timeline.invalid_records.is_empty(), "{done:?}");
        assert_eq!(item(&timeline, key).earliest, date(expected), "{key} after {done:?}");
        assert!(!item(&timeline, key).projected, "{key} rests on records");
    }
}

#[test]
fn a_three_month_interval_from_november_30th_is_valid_from_march_1st() {
    let timeline = child("2025-10-01", "2027-02-01", &[("varicella-1", "2026-11-30")]);
    let second = item(&timeline, "varicella-2");
    assert_eq!(second.earliest, date("2027-03-01"));
    assert_eq!(second.recommended_from, date("2027-05-30"));
    assert_eq!(second.recommended_until, date("2027-11-30"));
}

#[test]
fn japanese_encephalitis_doses_follow_their_intervals() {
    let timeline = child(
        "2022-05-10",
        "2025-06-01",
        &[("je-1", "2025-05-12"), ("je-2", "2025-05-19")],
    );
    assert_eq!(item(&timeline, "je-2").status, Status::Completed);
    let third = item(&timeline, "je-3");
    assert_eq!(third.earliest, date("2025-11-19"));
    assert_eq!(third.recommended_from, date("2026-05-09"));
    let early = child(
        "2022-05-10",
        "2025-06-01",
        &[("je-1", "2025-05-12"), ("je-2", "2025-05-18")],
    );
    assert_eq!(refusal(&early, "je-2"), "before its earliest valid date, 2025-05-19");
}

#[test]
fn later_doses_are_projected_from_the_previous_recommended_from() {
    let timeline = child("2026-01-15", "2026-03-20", &[]);
    let first = item(&timeline, "dpt-ipv-hib-1");
    let second = item(&timeline, "dpt-ipv-hib-2");
    assert!(!first.projected);
    assert!(second.projected);
    assert_eq!(second.earliest, date("2026-04-04"));
    assert_eq!(second.status, Status::Upcoming);
    assert_eq!(first.recommended_from, date("2026-03-14"));
}

#[test]
fn a_dose_before_its_earliest_date_does_not_count_and_the_item_keeps_its_status() {
    let timeline = child(
        "2026-01-15",
        "2026-04-20",
        &[("hepb-1", "2026-03-14"), ("hepb-2", "2026-04-10")],
    );
    assert_eq!(
        refusal(&timeline, "hepb-2"),
        "before its earliest valid date, 2026-04-11"
    );
    let second = item(&timeline, "hepb-2");
    assert_eq!(second.status, Status::Due);
    assert_eq!(second.done_on, None);
}

#[test]
fn a_dose_after_its_latest_date_does_not_count() {
    let timeline = child("2026-01-15", "2027-03-01", &[("bcg-1", "2027-01-15")]);
    assert_eq!(refusal(&timeline, "bcg-1"), "after its latest valid date, 2027-01-14");
    assert_eq!(status(&timeline, "bcg-1"), Status::Missed);
}

#[test]
fn a_first_rotavirus_dose_after_14_weeks_6_days_is_overdue_not_invalid() {
    // Born 2026-05-10: 14w6d = 08-22, 24w0d = 10-25.
    let waiting = child("2026-05-10", "2026-08-23", &[]);
    assert_eq!(status(&waiting, "rota-1"), Status::Overdue);
    let late = child("2026-05-10", "2026-09-01", &[("rota-1", "2026-08-30")]);
    assert!(late.invalid_records.is_empty());
    assert_eq!(status(&late, "rota-1"), Status::Completed);
    assert_eq!(item(&late, "rota-2").latest, date("2026-10-25"));
}

#[test]
fn a_rotavirus_dose_that_can_no_longer_fit_is_missed() {
    let timeline = child("2026-05-10", "2026-10-10", &[("rota-1", "2026-10-05")]);
    let second = item(&timeline, "rota-2");
    assert!(second.earliest > second.latest);
    assert_eq!(second.status, Status::Missed);
}

#[test]
fn a_third_rotavirus_record_does_not_belong_to_the_monovalent_timeline() {
    let done = [
        ("rota-1", "2026-07-10"),
        ("rota-2", "2026-08-07"),
        ("rota-3", "2026-09-04"),
    ];
    let monovalent = child("2026-05-10", "2026-09-10", &done);
    assert_eq!(refusal(&monovalent, "rota-3"), "not an item of this timeline");
    let pentavalent = child_with("2026-05-10", "2026-09-10", &done, pentavalent());
    assert!(pentavalent.invalid_records.is_empty());
    assert_eq!(status(&pentavalent, "rota-3"), Status::Completed);
}

#[test]
fn a_second_record_of_the_same_dose_is_a_duplicate() {
    let timeline = child(
        "2026-01-15",
        "2026-04-20",
        &[("hepb-1", "2026-03-14"), ("hepb-1", "2026-03-20")],
    );
    assert_eq!(refusal(&timeline, "hepb-1"), "this item already counts from 2026-03-14");
    assert_eq!(item(&timeline, "hepb-1").done_on, Some(date("2026-03-14")));
}

#[test]
fn a_later_dose_without_any_earlier_dose_does_not_count() {
    let timeline = child("2026-01-15", "2026-05-20", &[("hepb-2", "2026-05-01")]);
    assert_eq!(refusal(&timeline, "hepb-2"), "no earlier dose of this series counts");
}

#[test]
fn intervals_count_from_the_last_dose_that_counts() {
    // hepb-2 is too early, so hepb-3 counts from hepb-1 (the last dose that counts).
    let timeline = child(
        "2026-01-15",
        "2026-09-01",
        &[
            ("hepb-1", "2026-03-14"),
            ("hepb-2", "2026-03-20"),
            ("hepb-3", "2026-08-01"),
        ],
    );
    assert_eq!(
        refusal(&timeline, "hepb-2"),
        "before its earliest valid date, 2026-04-11"
    );
    assert_eq!(status(&timeline, "hepb-3"), Status::Completed);
    assert_eq!(status(&timeline, "hepb-2"), Status::Due);
}

#[test]
fn records_in_the_future_of_today_are_refused() {
    let timeline = child("2026-01-15", "2026-03-20", &[("hepb-1", "2026-03-21")]);
    assert_eq!(refusal(&timeline, "hepb-1"), "dated after today, 2026-03-20");
    assert_eq!(status(&timeline, "hepb-1"), Status::Due);
}

#[test]
fn mr_second_term_is_the_year_before_school_for_april_first_and_second_births() {
    let april_first = child("2020-04-01", "2025-06-01", &[]);
    let second = item(&april_first, "mr-2");
    assert_eq!(
        (second.earliest, second.latest),
        (date("2025-04-01"), date("2026-03-31"))
    );
    assert_eq!(second.status, Status::Due);
    let april_second = child("2020-04-02", "2025-06-01", &[]);
    let second = item(&april_second, "mr-2");
    assert_eq!(
        (second.earliest, second.latest),
        (date("2026-04-01"), date("2027-03-31"))
    );
    assert_eq!(second.status, Status::Upcoming);
}

#[test]
fn the_fy2024_mr_cohorts_may_finish_by_the_end_of_march_2027() {
    let table = [
        // (birth, key, latest)
        ("2022-04-02", "mr-1", "2027-03-31"),
        ("2023-04-01", "mr-1", "2027-03-31"),
        ("2023-04-02", "mr-1", "2025-04-01"),
        ("2018-04-02", "mr-2", "2027-03-31"),
        ("2019-04-01", "mr-2", "2027-03-31"),
        ("2019-04-02", "mr-2", "2026-03-31"),
    ];
    for (birth, key, latest) in table {
        let timeline = child(birth, "2025-06-01", &[]);
        assert_eq!(item(&timeline, key).latest, date(latest), "born {birth}: {key}");
    }
}

#[test]
fn a_child_born_on_february_29th_reaches_one_year_on_february_28th() {
    let timeline = child("2024-02-29", "2024-03-01", &[]);
    assert_eq!(item(&timeline, "bcg-1").latest, date("2025-02-28"));
    assert_eq!(item(&timeline, "mr-1").earliest, date("2025-02-28"));
    assert_eq!(item(&timeline, "checkup-1m").earliest, date("2024-03-28"));
}

#[test]
fn mumps_is_voluntary_and_every_other_child_vaccine_is_routine() {
    let timeline = child("2026-01-15", "2026-03-20", &[]);
    for found in &timeline.items {
        let voluntary = found.series.as_str() == "mumps";
        assert_eq!(found.routine, !voluntary, "{}", found.key);
    }
}

#[test]
fn checkups_have_their_legal_and_usual_windows() {
    // Born 2026-01-15: 1歳6か月 is reached on 2027-07-14, 2歳 on 2028-01-14.
    let timeline = child("2026-01-15", "2027-07-14", &[]);
    assert_eq!(status(&timeline, "checkup-18m"), Status::Upcoming);
    let next_day = child("2026-01-15", "2027-07-15", &[]);
    assert_eq!(status(&next_day, "checkup-18m"), Status::Due);
    let last_day = child("2026-01-15", "2028-01-14", &[]);
    assert_eq!(status(&last_day, "checkup-18m"), Status::Due);
    let too_late = child("2026-01-15", "2028-01-15", &[]);
    assert_eq!(status(&too_late, "checkup-18m"), Status::Missed);
}

#[test]
fn the_status_boundaries_include_both_ends() {
    // dpt-ipv-hib-1 for a birth on 2026-05-10: recommended 07-09..12-09, latest 2033-11-09.
    let table = [
        ("2026-07-08", Status::Upcoming),
        ("2026-07-09", Status::Due),
        ("2026-12-09", Status::Due),
        ("2026-12-10", Status::Overdue),
        ("2033-11-09", Status::Overdue),
        ("2033-11-10", Status::Missed),
    ];
    for (today, expected) in table {
        let timeline = child("2026-05-10", today, &[]);
        assert_eq!(status(&timeline, "dpt-ipv-hib-1"), expected, "{today}");
    }
}

#[test]
fn a_completed_item_carries_its_date() {
    let timeline = child("2026-01-15", "2026-03-20", &[("hepb-1", "2026-03-14")]);
    let first = item(&timeline, "hepb-1");
    assert_eq!(first.status, Status::Completed);
    assert_eq!(first.done_on, Some(date("2026-03-14")));
    assert!(!item(&timeline, "hepb-2").projected);
    assert!(item(&timeline, "hepb-3").projected);
}
