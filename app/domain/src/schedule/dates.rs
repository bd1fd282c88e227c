//! The date conventions of the Japanese vaccination and child-health rules, as small pure functions.
//!
//! Source: MHLW 事務連絡 H26.3.11「定期の予防接種における対象者の解釈について」 for ages and
//! windows, the 定期接種実施要領 for intervals, and 学校教育法17条 for the school start.
//! Every function saturates at chrono's date range instead of panicking.

use chrono::{Datelike, Duration, Months, NaiveDate};

/// The date `days` days after `date` (before it when negative), saturating at chrono's range.
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    let saturated = if days < 0 { NaiveDate::MIN } else { NaiveDate::MAX };
    Duration::try_days(days)
        .and_then(|span| date.checked_add_signed(span))
        .unwrap_or(saturated)
}

/// The same calendar day `months` later, or `None` when that day does not exist in that month.
fn same_day_months_later(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    let index = date.year() * 12 + date.month0() as i32 + i32::try_from(months).ok()?;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, date.day())
}

/// The first day of the month `months` after `date`'s month.
fn first_of_month_after(date: NaiveDate, months: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year(), date.month(), 1)
        .and_then(|first| first.checked_add_months(Months::new(months)))
        .unwrap_or(NaiveDate::MAX)
}

/// 生後N月に達した日 — the day before the N-month anniversary of the birth date.
///
/// Where the anniversary does not exist in its month, the child reaches N months on the last
/// day of that month (事務連絡 H26.3.11: born 01-31 → 1 month on 02-28 or 02-29).
pub fn months_reached(birth: NaiveDate, months: u32) -> NaiveDate {
    match same_day_months_later(birth, months) {
        Some(anniversary) => add_days(anniversary, -1),
        None => add_days(first_of_month_after(birth, months + 1), -1),
    }
}

/// N歳に達した日 — the day before the N-th birthday; the same as 生後12N月に達した日, so a child
/// born on Feb 29 reaches a new age on Feb 28 of a common year.
pub fn years_reached(birth: NaiveDate, years: u32) -> NaiveDate {
    months_reached(birth, years.saturating_mul(12))
}

/// 出生X週Y日後 — the birth date is day 0, so 6週0日後 is birth + 42 days.
pub fn weeks_days_after(anchor: NaiveDate, weeks: u32, days: u32) -> NaiveDate {
    add_days(anchor, i64::from(weeks) * 7 + i64::from(days))
}

/// N日以上の間隔 — the next dose is valid from the previous date + N + 1 days, so 27日以上
/// is the same weekday four weeks later.
pub fn after_days_interval(previous: NaiveDate, days: u32) -> NaiveDate {
    add_days(previous, i64::from(days) + 1)
}

/// Nか月以上の間隔 — the next dose is valid from the same calendar day N months later, or the
/// 1st of the following month where that day does not exist (MHLW 予防接種基本方針部会 第52回
/// 資料5: a dose on 11-30 completes three months on 02-28, so the next is valid from 03-01).
pub fn after_months_interval(previous: NaiveDate, months: u32) -> NaiveDate {
    same_day_months_later(previous, months).unwrap_or_else(|| first_of_month_after(previous, months + 1))
}

/// 小学校就学の始期 — the first April 1 after the child reaches age 6 (学校教育法17条: 満六歳に
/// 達した日の翌日以後における最初の学年の初め), so a child born on April 1 starts a year before
/// one born on April 2.
pub fn school_start(birth: NaiveDate) -> NaiveDate {
    let reached = years_reached(birth, 6);
    let april_first = |year| NaiveDate::from_ymd_opt(year, 4, 1).unwrap_or(NaiveDate::MAX);
    let same_year = april_first(reached.year());
    if same_year > reached {
        same_year
    } else {
        april_first(reached.year() + 1)
    }
}

/// April 1 a year before the school start: the first day of the last year before elementary
/// school (年長の4月1日), where MR 2期 begins (施行令3条: 小学校就学の始期に達する日の一年前の日).
pub fn preschool_year_start(birth: NaiveDate) -> NaiveDate {
    let start = school_start(birth);
    NaiveDate::from_ymd_opt(start.year() - 1, 4, 1).unwrap_or(NaiveDate::MIN)
}

/// The first day (April 1) of the fiscal year (年度: April 1 to March 31) that holds `date`.
pub fn fiscal_year_start(date: NaiveDate) -> NaiveDate {
    let year = if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    };
    NaiveDate::from_ymd_opt(year, 4, 1).unwrap_or(if year < date.year() {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// The last day (March 31) of the fiscal year that holds `date`.
pub fn fiscal_year_end(date: NaiveDate) -> NaiveDate {
    let start = fiscal_year_start(date);
    NaiveDate::from_ymd_opt(start.year() + 1, 3, 31).unwrap_or(NaiveDate::MAX)
}

/// 最終月経初日 — the first day of the last menstrual period, 280 days (40w0d) before the due date.
pub fn last_menstrual_period(due_date: NaiveDate) -> NaiveDate {
    add_days(due_date, -280)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    #[test]
    fn months_reached_is_the_day_before_the_anniversary() {
        assert_eq!(months_reached(date("2013-04-01"), 1), date("2013-04-30"));
        assert_eq!(months_reached(date("2013-04-01"), 3), date("2013-06-30"));
    }

    #[test]
    fn months_reached_falls_back_to_the_last_day_of_the_month() {
        assert_eq!(months_reached(date("2013-01-31"), 1), date("2013-02-28"));
        assert_eq!(months_reached(date("2024-01-30"), 1), date("2024-02-29"));
    }

    #[test]
    fn school_start_separates_april_first_from_april_second() {
        assert_eq!(school_start(date("2020-04-01")), date("2026-04-01"));
        assert_eq!(school_start(date("2020-04-02")), date("2027-04-01"));
    }

    #[test]
    fn fiscal_years_run_from_april_first_to_march_thirty_first() {
        assert_eq!(fiscal_year_start(date("2026-04-01")), date("2026-04-01"));
        assert_eq!(fiscal_year_start(date("2026-03-31")), date("2025-04-01"));
        assert_eq!(fiscal_year_start(date("2027-01-15")), date("2026-04-01"));
        assert_eq!(fiscal_year_end(date("2026-04-01")), date("2027-03-31"));
        assert_eq!(fiscal_year_end(date("2026-03-31")), date("2026-03-31"));
    }

    #[test]
    fn adding_days_saturates_instead_of_panicking() {
        assert_eq!(add_days(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(add_days(NaiveDate::MIN, -1), NaiveDate::MIN);
    }
}
