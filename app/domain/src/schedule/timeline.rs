//! What the engine returns: timeline items with their dates and status, and refused records.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::definition::Kind;
use super::key::{ItemKey, SeriesKey};

/// Where an item stands as of `today`; the first that applies wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A valid record exists.
    Completed,
    /// The rules skip it (a PCV dose for a late start, prenatal items after a loss, …).
    NotNeeded,
    /// Today is past its latest date, or it can no longer fall inside its window.
    Missed,
    /// Projected, or before its earliest date or its recommended period.
    Upcoming,
    /// Inside its recommended period.
    Due,
    /// Past its recommended period but still valid.
    Overdue,
}

impl Status {
    /// The contract's word for the status, as in the JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::NotNeeded => "not_needed",
            Status::Missed => "missed",
            Status::Upcoming => "upcoming",
            Status::Due => "due",
            Status::Overdue => "overdue",
        }
    }
}

/// One event of a timeline, with exactly the contract's fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub key: ItemKey,
    pub series: SeriesKey,
    pub dose: u8,
    pub kind: Kind,
    /// 定期 (routine) or 任意 (voluntary).
    pub routine: bool,
    /// The first valid date: the legal window's start, pushed by intervals from actual doses and
    /// by the 27-day rule.
    pub earliest: NaiveDate,
    /// The standard period (標準的な接種期間, or the usual age of a checkup), never before `earliest`.
    pub recommended_from: NaiveDate,
    pub recommended_until: NaiveDate,
    /// The last valid date, inclusive.
    pub latest: NaiveDate,
    /// True where the dates assume an earlier dose (or the birth) that is not yet recorded.
    pub projected: bool,
    pub status: Status,
    pub done_on: Option<NaiveDate>,
}

/// A record that does not count, kept with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidRecord {
    pub key: ItemKey,
    pub done_on: NaiveDate,
    pub reason: RecordProblem,
}

/// A computed timeline: items in timeline order, and the records that do not count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub items: Vec<Item>,
    pub invalid_records: Vec<InvalidRecord>,
}

impl Timeline {
    /// The item with this key, if the timeline has one.
    pub fn item(&self, key: &str) -> Option<&Item> {
        self.items.iter().find(|item| item.key == *key)
    }
}

/// Why a record does not count. Serialised as its English sentence, which reads back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum RecordProblem {
    AfterToday {
        today: NaiveDate,
    },
    /// The key names no item of this subject's timeline (a child's dose for a pregnancy, the
    /// third rotavirus dose of the monovalent product, a series the schedule lacks).
    NotInTimeline,
    NotBornYet,
    /// The rules skip this item, so a record of it cannot count.
    NotNeeded,
    Duplicate {
        counted_on: NaiveDate,
    },
    /// Its interval counts from an earlier dose of the series, and none counts.
    NoEarlierDose,
    /// No grace period: a dose before its earliest date is not a valid routine dose.
    BeforeEarliest {
        earliest: NaiveDate,
    },
    AfterLatest {
        latest: NaiveDate,
    },
    AfterPregnancyEnded {
        ended_on: NaiveDate,
    },
    /// 注射生ワクチン同士は27日以上の間隔 (実施要領, from 2020-10-01).
    TooSoonAfterLiveVaccine {
        other: ItemKey,
        given_on: NaiveDate,
        valid_from: NaiveDate,
    },
}

const AFTER_TODAY: &str = "dated after today, ";
const NOT_IN_TIMELINE: &str = "not an item of this timeline";
const NOT_BORN_YET: &str = "the child is not born yet";
const NOT_NEEDED: &str = "the rules do not call for this item";
const DUPLICATE: &str = "this item already counts from ";
const NO_EARLIER_DOSE: &str = "no earlier dose of this series counts";
const BEFORE_EARLIEST: &str = "before its earliest valid date, ";
const AFTER_LATEST: &str = "after its latest valid date, ";
const AFTER_PREGNANCY: &str = "after the pregnancy ended on ";
const TOO_SOON: &str = "within 27 days of the injectable live vaccine ";
const GIVEN_ON: &str = " given on ";
const VALID_FROM: &str = "; valid from ";

impl fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordProblem::AfterToday { today } => write!(f, "{AFTER_TODAY}{today}"),
            RecordProblem::NotInTimeline => f.write_str(NOT_IN_TIMELINE),
            RecordProblem::NotBornYet => f.write_str(NOT_BORN_YET),
            RecordProblem::NotNeeded => f.write_str(NOT_NEEDED),
            RecordProblem::Duplicate { counted_on } => write!(f, "{DUPLICATE}{counted_on}"),
            RecordProblem::NoEarlierDose => f.write_str(NO_EARLIER_DOSE),
            RecordProblem::BeforeEarliest { earliest } => write!(f, "{BEFORE_EARLIEST}{earliest}"),
            RecordProblem::AfterLatest { latest } => write!(f, "{AFTER_LATEST}{latest}"),
            RecordProblem::AfterPregnancyEnded { ended_on } => {
                write!(f, "{AFTER_PREGNANCY}{ended_on}")
            }
            RecordProblem::TooSoonAfterLiveVaccine {
                other,
                given_on,
                valid_from,
            } => write!(f, "{TOO_SOON}{other}{GIVEN_ON}{given_on}{VALID_FROM}{valid_from}"),
        }
    }
}

/// A reason sentence this version does not write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown record problem: {0}")]
pub struct UnknownProblem(String);

impl FromStr for RecordProblem {
    type Err = UnknownProblem;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownProblem(text.to_owned());
        let date = |rest: &str| rest.parse::<NaiveDate>().map_err(|_| unknown());
        let fixed = [
            (NOT_IN_TIMELINE, RecordProblem::NotInTimeline),
            (NOT_BORN_YET, RecordProblem::NotBornYet),
            (NOT_NEEDED, RecordProblem::NotNeeded),
            (NO_EARLIER_DOSE, RecordProblem::NoEarlierDose),
        ];
        if let Some((_, problem)) = fixed.into_iter().find(|(sentence, _)| *sentence == text) {
            return Ok(problem);
        }
        if let Some(rest) = text.strip_prefix(AFTER_TODAY) {
            return Ok(RecordProblem::AfterToday { today: date(rest)? });
        }
        if let Some(rest) = text.strip_prefix(DUPLICATE) {
            return Ok(RecordProblem::Duplicate {
                counted_on: date(rest)?,
            });
        }
        if let Some(rest) = text.strip_prefix(BEFORE_EARLIEST) {
            return Ok(RecordProblem::BeforeEarliest { earliest: date(rest)? });
        }
        if let Some(rest) = text.strip_prefix(AFTER_LATEST) {
            return Ok(RecordProblem::AfterLatest { latest: date(rest)? });
        }
        if let Some(rest) = text.strip_prefix(AFTER_PREGNANCY) {
            return Ok(RecordProblem::AfterPregnancyEnded { ended_on: date(rest)? });
        }
        let rest = text.strip_prefix(TOO_SOON).ok_or_else(unknown)?;
        let (other, rest) = rest.split_once(GIVEN_ON).ok_or_else(unknown)?;
        let (given_on, valid_from) = rest.split_once(VALID_FROM).ok_or_else(unknown)?;
        Ok(RecordProblem::TooSoonAfterLiveVaccine {
            other: ItemKey::parse_shape(other).map_err(|_| unknown())?,
            given_on: date(given_on)?,
            valid_from: date(valid_from)?,
        })
    }
}

impl From<RecordProblem> for String {
    fn from(problem: RecordProblem) -> Self {
        problem.to_string()
    }
}

impl TryFrom<String> for RecordProblem {
    type Error = UnknownProblem;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_reads_back_from_its_sentence() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 20).expect("valid date");
        let problems = [
            RecordProblem::AfterToday { today: day },
            RecordProblem::NotInTimeline,
            RecordProblem::NotBornYet,
            RecordProblem::NotNeeded,
            RecordProblem::Duplicate { counted_on: day },
            RecordProblem::NoEarlierDose,
            RecordProblem::BeforeEarliest { earliest: day },
            RecordProblem::AfterLatest { latest: day },
            RecordProblem::AfterPregnancyEnded { ended_on: day },
            RecordProblem::TooSoonAfterLiveVaccine {
                other: "bcg-1".parse().expect("national key"),
                given_on: day,
                valid_from: day,
            },
        ];
        for problem in problems {
            assert_eq!(problem.to_string().parse::<RecordProblem>(), Ok(problem));
        }
        assert!("something else".parse::<RecordProblem>().is_err());
    }
}
