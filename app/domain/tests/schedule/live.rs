//! 注射生ワクチン同士は27日以上の間隔 (実施要領, 2020-10-01): only between injectable live doses
//! on different days; from every recorded live dose, counted or not; never from a projection.

use domain::schedule::Status;

use super::{child, date, item, refusal, status};

const BIRTH: &str = "2026-05-10";

/// (first live dose, second live dose, whether the second counts).
#[test]
fn a_live_dose_within_27_days_of_another_does_not_count() {
    let table = [
        (("mr-1", "2027-05-10"), ("varicella-1", "2027-05-10"), true),
        (("mr-1", "2027-05-10"), ("varicella-1", "2027-05-11"), false),
        (("mr-1", "2027-05-10"), ("varicella-1", "2027-06-06"), false),
        (("mr-1", "2027-05-10"), ("varicella-1", "2027-06-07"), true),
        (("bcg-1", "2027-04-20"), ("mr-1", "2027-05-17"), false),
        (("bcg-1", "2027-04-20"), ("mr-1", "2027-05-18"), true),
        (("varicella-1", "2027-05-10"), ("mumps-1", "2027-05-20"), false),
        (("mumps-1", "2027-05-10"), ("mr-1", "2027-06-07"), true),
    ];
    for ((first_key, first_on), (second_key, second_on), counts) in table {
        let timeline = child(BIRTH, "2027-08-01", &[(first_key, first_on), (second_key, second_on)]);
        assert_eq!(status(&timeline, first_key), Status::Completed);
        if counts {
            assert!(timeline.invalid_records.is_empty(), "{second_key} on {second_on}");
            assert_eq!(status(&timeline, second_key), Status::Completed);
        } else {
            let valid_from = super::date(first_on) + chrono::Duration::days(28);
            assert_eq!(
                refusal(&timeline, second_key),
                format!(
                    "within 27 days of the injectable live vaccine {first_key} given on {first_on}; valid from {valid_from}"
                ),
            );
        }
    }
}

#[test]
fn a_recorded_live_dose_pushes_the_next_live_dose_by_28_days() {
    let timeline = child(BIRTH, "2027-05-20", &[("mr-1", "2027-05-12")]);
    for key in ["varicella-1", "mumps-1"] {
        assert_eq!(item(&timeline, key).earliest, date("2027-06-09"), "{key}");
        assert_eq!(status(&timeline, key), Status::Upcoming, "{key}");
    }
    // Inactivated and oral vaccines are not pushed.
    assert_eq!(item(&timeline, "pcv-1").earliest, date("2026-07-09"));
}

#[test]
fn a_live_dose_given_too_early_still_interferes() {
    // MR before 12 months does not count, yet varicella 10 days later is too soon.
    let timeline = child(
        BIRTH,
        "2027-06-01",
        &[("mr-1", "2027-05-01"), ("varicella-1", "2027-05-11")],
    );
    assert_eq!(refusal(&timeline, "mr-1"), "before its earliest valid date, 2027-05-09");
    assert!(refusal(&timeline, "varicella-1").starts_with("within 27 days"));
    // The refused MR dose also pushes its own repeat.
    assert_eq!(item(&timeline, "mr-1").earliest, date("2027-06-08"));
}

#[test]
fn projected_live_doses_push_nothing() {
    let timeline = child(BIRTH, "2027-05-09", &[]);
    for key in ["mr-1", "varicella-1", "mumps-1"] {
        assert_eq!(item(&timeline, key).earliest, date("2027-05-09"), "{key}");
    }
}

#[test]
fn oral_and_inactivated_doses_do_not_trigger_the_rule() {
    let timeline = child(
        BIRTH,
        "2026-07-20",
        &[
            ("rota-1", "2026-07-09"),
            ("hepb-1", "2026-07-09"),
            ("bcg-1", "2026-07-12"),
        ],
    );
    assert!(timeline.invalid_records.is_empty());
    assert_eq!(status(&timeline, "bcg-1"), Status::Completed);
}

#[test]
fn a_live_dose_before_another_live_dose_is_not_affected_by_it() {
    let timeline = child(BIRTH, "2027-08-01", &[("bcg-1", "2027-04-20"), ("mr-1", "2027-05-20")]);
    let bcg = item(&timeline, "bcg-1");
    assert_eq!(bcg.status, Status::Completed);
    assert_eq!(bcg.earliest, date(BIRTH));
}
