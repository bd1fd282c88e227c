//! The small language the schedule data uses for dates and intervals ("2m", "6w0d", "27d", …).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use super::dates;

/// A date relative to a series' anchor (the birth date, or 0w0d of a pregnancy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    base: Base,
    offset_days: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    /// The anchor + N days: 出生X週Y日後, or a gestational age for a pregnancy.
    Days(u32),
    /// 生後N月に達した日.
    MonthsReached(u32),
    /// N歳に達した日.
    YearsReached(u32),
    /// 小学校就学の始期.
    SchoolStart,
    /// April 1 a year before the school start.
    PreschoolYearStart,
    /// April 1 of the fiscal year (年度) in which N歳に達した日 falls.
    FiscalYearStartOfAge(u32),
    /// March 31 of the fiscal year in which N歳に達した日 falls.
    FiscalYearEndOfAge(u32),
    /// A calendar date, whatever the anchor.
    Date(NaiveDate),
}

impl Point {
    /// The calendar date this point falls on for a series anchored on `anchor`.
    pub fn resolve(self, anchor: NaiveDate) -> NaiveDate {
        let base = match self.base {
            Base::Days(days) => dates::add_days(anchor, i64::from(days)),
            Base::MonthsReached(months) => dates::months_reached(anchor, months),
            Base::YearsReached(years) => dates::years_reached(anchor, years),
            Base::SchoolStart => dates::school_start(anchor),
            Base::PreschoolYearStart => dates::preschool_year_start(anchor),
            Base::FiscalYearStartOfAge(years) => dates::fiscal_year_start(dates::years_reached(anchor, years)),
            Base::FiscalYearEndOfAge(years) => dates::fiscal_year_end(dates::years_reached(anchor, years)),
            Base::Date(date) => date,
        };
        dates::add_days(base, self.offset_days)
    }
}

/// A text that is not a point or an interval of the schedule language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not {expected}")]
pub struct SyntaxError {
    text: String,
    expected: &'static str,
}

impl SyntaxError {
    fn new(text: &str, expected: &'static str) -> Self {
        SyntaxError {
            text: text.to_owned(),
            expected,
        }
    }
}

const POINT_SYNTAX: &str = "a point such as \"42d\", \"6w0d\", \"2m\", \"1y\", \"school_start-1d\", \"fiscal_year_start(5y)\" or \"2027-03-31\"";
const GAP_SYNTAX: &str = "an interval such as \"27d\" or \"6m\"";

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl FromStr for Point {
    type Err = SyntaxError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || SyntaxError::new(text, POINT_SYNTAX);
        // A calendar date contains '-' itself, so it takes no offset.
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Point {
                base: Base::Date(date),
                offset_days: 0,
            });
        }
        let (base_text, offset_days) = match text.find(['+', '-']) {
            Some(at) => {
                let sign = if text[at..].starts_with('-') { -1 } else { 1 };
                let days = text[at + 1..].strip_suffix('d').and_then(number).ok_or_else(error)?;
                (&text[..at], sign * i64::from(days))
            }
            None => (text, 0),
        };
        let base = match base_text {
            "school_start" => Base::SchoolStart,
            "preschool_year_start" => Base::PreschoolYearStart,
            _ => parse_fiscal_year(base_text)
                .or_else(|| parse_base(base_text))
                .ok_or_else(error)?,
        };
        Ok(Point { base, offset_days })
    }
}

/// `fiscal_year_start(5y)` / `fiscal_year_end(5y)`: the fiscal year in which an age is reached.
fn parse_fiscal_year(text: &str) -> Option<Base> {
    let years = |inner: &str| inner.strip_suffix("y)").and_then(number);
    if let Some(inner) = text.strip_prefix("fiscal_year_start(") {
        return years(inner).map(Base::FiscalYearStartOfAge);
    }
    if let Some(inner) = text.strip_prefix("fiscal_year_end(") {
        return years(inner).map(Base::FiscalYearEndOfAge);
    }
    None
}

fn parse_base(text: &str) -> Option<Base> {
    if let Some((weeks, days)) = text.split_once('w') {
        let days = number(days.strip_suffix('d')?)?;
        return number(weeks)?
            .checked_mul(7)
            .and_then(|weeks| weeks.checked_add(days))
            .map(Base::Days);
    }
    if let Some(days) = text.strip_suffix('d') {
        return number(days).map(Base::Days);
    }
    if let Some(months) = text.strip_suffix('m') {
        return number(months).map(Base::MonthsReached);
    }
    if let Some(years) = text.strip_suffix('y') {
        return number(years).map(Base::YearsReached);
    }
    None
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.base {
            Base::Days(days) => write!(f, "{days}d")?,
            Base::MonthsReached(months) => write!(f, "{months}m")?,
            Base::YearsReached(years) => write!(f, "{years}y")?,
            Base::SchoolStart => f.write_str("school_start")?,
            Base::PreschoolYearStart => f.write_str("preschool_year_start")?,
            Base::FiscalYearStartOfAge(years) => write!(f, "fiscal_year_start({years}y)")?,
            Base::FiscalYearEndOfAge(years) => write!(f, "fiscal_year_end({years}y)")?,
            Base::Date(date) => write!(f, "{date}")?,
        }
        match self.offset_days {
            0 => Ok(()),
            days if days > 0 => write!(f, "+{days}d"),
            days => write!(f, "{days}d"),
        }
    }
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A minimum (or standard) interval after an earlier dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// N日以上の間隔: valid from the earlier date + N + 1 days.
    Days(u32),
    /// Nか月以上の間隔: valid from the same day N months later (1st of the next month if none).
    Months(u32),
}

impl Gap {
    /// The first date this interval allows after a dose given on `previous`.
    pub fn after(self, previous: NaiveDate) -> NaiveDate {
        match self {
            Gap::Days(days) => dates::after_days_interval(previous, days),
            Gap::Months(months) => dates::after_months_interval(previous, months),
        }
    }
}

impl FromStr for Gap {
    type Err = SyntaxError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let gap = if let Some(days) = text.strip_suffix('d') {
            number(days).map(Gap::Days)
        } else if let Some(months) = text.strip_suffix('m') {
            number(months).map(Gap::Months)
        } else {
            None
        };
        gap.ok_or_else(|| SyntaxError::new(text, GAP_SYNTAX))
    }
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Gap::Days(days) => write!(f, "{days}d"),
            Gap::Months(months) => write!(f, "{months}m"),
        }
    }
}

impl<'de> Deserialize<'de> for Gap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    #[test]
    fn points_read_back_as_they_are_written() {
        for text in [
            "0d",
            "42d",
            "2m",
            "1y",
            "school_start",
            "school_start-1d",
            "18m+1d",
            "fiscal_year_start(5y)",
            "fiscal_year_end(5y)",
            "fiscal_year_end(5y)-1d",
            "2027-03-31",
        ] {
            let point: Point = text.parse().expect("valid point");
            assert_eq!(point.to_string(), text);
        }
    }

    #[test]
    fn weeks_and_days_are_counted_from_day_zero() {
        let point: Point = "14w6d".parse().expect("valid point");
        assert_eq!(point.resolve(date("2026-05-10")), date("2026-08-22"));
    }

    #[test]
    fn malformed_points_and_gaps_are_refused() {
        for text in [
            "",
            "m",
            "2",
            "2x",
            "-1d",
            "2m+",
            "2m+1",
            "1w",
            "w1d",
            "school",
            "fiscal_year_start(5)",
            "fiscal_year_start(5m)",
            "fiscal_year_end()",
            "fiscal_year(5y)",
        ] {
            assert!(text.parse::<Point>().is_err(), "{text} should be refused");
        }
        for text in ["", "d", "27", "1y", "-3d"] {
            assert!(text.parse::<Gap>().is_err(), "{text} should be refused");
        }
    }
}
