//! Dates and instants as stored: ISO dates and fixed-width UTC text that sorts as it reads.

use crate::Error;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

pub fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Error::Corrupt(format!("instant {text:?}")))
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn parse_date(text: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| Error::Corrupt(format!("date {text:?}")))
}

pub fn parse_opt_date(text: Option<&str>) -> Result<Option<NaiveDate>, Error> {
    text.map(parse_date).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_sort_as_text_in_time_order() {
        let a = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let b = a + chrono::Duration::microseconds(1);
        let c = a + chrono::Duration::days(400);
        assert!(instant(a) < instant(b) && instant(b) < instant(c));
        assert_eq!(parse_instant(&instant(b)).unwrap(), b);
        assert_eq!(instant(a), "2026-01-02T03:04:05.000000Z");
    }

    #[test]
    fn dates_round_trip() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(parse_date(&date(d)).unwrap(), d);
        assert!(parse_date("2025-02-29").is_err());
    }
}
