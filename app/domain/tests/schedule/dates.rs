//! The date conventions, as tables of hand-worked dates (事務連絡 H26.3.11, 実施要領, 学校教育法17条).

use domain::schedule::dates::{
    after_days_interval, after_months_interval, last_menstrual_period, months_reached, preschool_year_start,
    school_start, weeks_days_after, years_reached,
};

use super::date;

#[test]
fn months_reached_is_the_day_before_the_anniversary_or_the_months_last_day() {
    let table = [
        // MHLW 事務連絡 H26.3.11: born 平成25年4月1日.
        ("2013-04-01", 1, "2013-04-30"),
        ("2013-04-01", 3, "2013-06-30"),
        ("2013-04-01", 6, "2013-09-30"),
        ("2013-04-01", 12, "2014-03-31"),
        // No 31st in the anniversary's month: its last day.
        ("2013-01-31", 1, "2013-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-01-30", 1, "2024-02-29"),
        ("2023-01-30", 1, "2023-02-28"),
        ("2023-01-29", 1, "2023-02-28"),
        ("2024-01-29", 1, "2024-02-28"),
        ("2023-01-28", 1, "2023-02-27"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-08-31", 2, "2026-10-30"),
        ("2026-12-31", 2, "2027-02-28"),
        ("2026-05-31", 3, "2026-08-30"),
        ("2026-05-31", 4, "2026-09-30"),
        // Feb 29 births.
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-28"),
        ("2024-02-29", 1, "2024-03-28"),
        // Year rollovers and long spans.
        ("2026-01-01", 1, "2026-01-31"),
        ("2026-12-15", 1, "2027-01-14"),
        ("2026-05-10", 2, "2026-07-09"),
        ("2026-05-10", 90, "2033-11-09"),
        ("2026-05-10", 60, "2031-05-09"),
    ];
    for (birth, months, expected) in table {
        assert_eq!(
            months_reached(date(birth), months),
            date(expected),
            "born {birth}, {months} months"
        );
    }
}

#[test]
fn years_reached_is_the_day_before_the_birthday() {
    let table = [
        ("2013-04-01", 1, "2014-03-31"),
        ("2026-01-01", 1, "2026-12-31"),
        ("2024-02-29", 1, "2025-02-28"),
        ("2024-02-29", 4, "2028-02-28"),
        ("2024-02-29", 2, "2026-02-28"),
        ("2020-04-01", 6, "2026-03-31"),
        ("2020-04-02", 6, "2026-04-01"),
        ("2026-05-10", 9, "2035-05-09"),
        ("2026-05-10", 13, "2039-05-09"),
    ];
    for (birth, years, expected) in table {
        assert_eq!(
            years_reached(date(birth), years),
            date(expected),
            "born {birth}, {years} years"
        );
    }
}

#[test]
fn weeks_and_days_after_birth_count_the_birth_date_as_day_zero() {
    let table = [
        ("2026-05-10", 0, 0, "2026-05-10"),
        ("2026-05-10", 6, 0, "2026-06-21"),
        ("2026-05-10", 14, 6, "2026-08-22"),
        ("2026-05-10", 24, 0, "2026-10-25"),
        ("2026-05-10", 32, 0, "2026-12-20"),
        ("2024-02-01", 4, 0, "2024-02-29"),
        ("2023-02-01", 4, 0, "2023-03-01"),
    ];
    for (birth, weeks, days, expected) in table {
        assert_eq!(
            weeks_days_after(date(birth), weeks, days),
            date(expected),
            "born {birth}, {weeks}w{days}d"
        );
    }
}

#[test]
fn day_intervals_add_one_more_day_than_they_name() {
    let table = [
        ("2026-03-14", 27, "2026-04-11"),
        ("2026-03-14", 6, "2026-03-21"),
        ("2026-03-14", 20, "2026-04-04"),
        ("2026-03-14", 60, "2026-05-14"),
        ("2026-03-14", 139, "2026-08-01"),
        ("2026-03-14", 0, "2026-03-15"),
        ("2024-02-01", 27, "2024-02-29"),
        ("2026-12-20", 27, "2027-01-17"),
    ];
    for (previous, days, expected) in table {
        assert_eq!(
            after_days_interval(date(previous), days),
            date(expected),
            "{days}日以上 after {previous}"
        );
    }
}

#[test]
fn month_intervals_fall_back_to_the_first_of_the_next_month() {
    let table = [
        // MHLW 基本方針部会 第52回 資料5: 11-30 + 3 months completes on 02-28; valid from 03-01.
        ("2026-11-30", 3, "2027-03-01"),
        ("2025-11-30", 3, "2026-03-01"),
        ("2023-11-29", 3, "2024-02-29"),
        ("2022-11-29", 3, "2023-03-01"),
        ("2026-01-31", 1, "2026-03-01"),
        ("2026-03-31", 6, "2026-10-01"),
        ("2026-08-31", 6, "2027-03-01"),
        ("2024-02-29", 12, "2025-03-01"),
        ("2026-03-15", 6, "2026-09-15"),
        ("2026-10-15", 3, "2027-01-15"),
    ];
    for (previous, months, expected) in table {
        assert_eq!(
            after_months_interval(date(previous), months),
            date(expected),
            "{months}か月以上 after {previous}"
        );
    }
}

#[test]
fn school_starts_on_the_first_april_first_after_reaching_six() {
    let table = [
        ("2020-04-01", "2026-04-01"),
        ("2020-04-02", "2027-04-01"),
        ("2021-03-31", "2027-04-01"),
        ("2020-01-01", "2026-04-01"),
        ("2019-12-31", "2026-04-01"),
        ("2026-05-10", "2033-04-01"),
        ("2016-02-29", "2022-04-01"),
    ];
    for (birth, expected) in table {
        assert_eq!(school_start(date(birth)), date(expected), "born {birth}");
    }
}

#[test]
fn the_preschool_year_is_the_school_year_before_school() {
    assert_eq!(preschool_year_start(date("2026-05-10")), date("2032-04-01"));
    assert_eq!(preschool_year_start(date("2020-04-01")), date("2025-04-01"));
    assert_eq!(preschool_year_start(date("2020-04-02")), date("2026-04-01"));
}

#[test]
fn the_pregnancy_begins_280_days_before_the_due_date() {
    assert_eq!(last_menstrual_period(date("2026-09-01")), date("2025-11-25"));
    assert_eq!(last_menstrual_period(date("2024-12-06")), date("2024-03-01"));
}
