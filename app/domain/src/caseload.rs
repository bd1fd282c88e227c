//! What a coordinator narrows the caseload to: a search word and filters (stage, risk flag, late
//! items, assigned coordinator, site, no contact for some days), read from and written to a URL's
//! query so a filtered list can be bookmarked and paged. Turning a filter into dates is pure.

use crate::family::{ChildAge, GestationalAge};
use crate::ids::{AccountId, SiteId};
use crate::input::{Invalid, Problem};
use crate::support::risk::RiskCategory;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

crate::code_enum!(
    /// A child's age band, in completed months (as the caseload's stage shows ages).
    AgeBand {
        /// 0〜3か月
        Months0To3 = "m0_3",
        /// 4〜11か月
        Months4To11 = "m4_11",
        /// 1歳
        Year1 = "y1",
        /// 2歳
        Year2 = "y2",
        /// 3〜5歳
        Years3To5 = "y3_5",
        /// 6歳以上
        Years6Up = "y6",
    }
);

impl AgeBand {
    /// The band's first and last age in completed months (`None`: no upper end).
    pub const fn months(self) -> (u32, Option<u32>) {
        match self {
            AgeBand::Months0To3 => (0, Some(3)),
            AgeBand::Months4To11 => (4, Some(11)),
            AgeBand::Year1 => (12, Some(23)),
            AgeBand::Year2 => (24, Some(35)),
            AgeBand::Years3To5 => (36, Some(71)),
            AgeBand::Years6Up => (72, None),
        }
    }

    /// The birth dates of the children in the band on `today`: from (inclusive, `None` for no
    /// limit) and until (inclusive).
    pub fn birth_dates(self, today: NaiveDate) -> DateRange {
        let (youngest, oldest) = self.months();
        DateRange {
            from: oldest.map(|m| first_birth_date_younger_than(m + 1, today)),
            until: last_birth_date_at_least(youngest, today),
        }
    }
}

/// Inclusive bounds on a date; `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub until: NaiveDate,
}

fn months_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    let age = ChildAge::on(birth, today);
    u32::try_from(age.years * 12 + age.months).unwrap_or(0)
}

/// The latest birth date whose child is at least `months` old on `today` (ages grow as birth
/// dates go back, so the search steps from the calendar guess to the exact day).
fn last_birth_date_at_least(months: u32, today: NaiveDate) -> NaiveDate {
    let mut day = today
        .checked_sub_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MIN);
    while months_on(day, today) < months {
        day = day.pred_opt().unwrap_or(NaiveDate::MIN);
    }
    while let Some(next) = day
        .succ_opt()
        .filter(|&next| next <= today && months_on(next, today) >= months)
    {
        day = next;
    }
    day
}

/// The earliest birth date whose child is younger than `months` on `today`.
fn first_birth_date_younger_than(months: u32, today: NaiveDate) -> NaiveDate {
    last_birth_date_at_least(months, today)
        .succ_opt()
        .unwrap_or(NaiveDate::MAX)
}

/// The stage a coordinator lists: a pregnancy by its week, or a child by age band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stage")]
pub enum StageFilter {
    /// An ongoing pregnancy between these weeks (inclusive; 妊娠週数 as the caseload shows it).
    Pregnant { from_week: u8, to_week: u8 },
    /// A child in the band.
    Child { band: AgeBand },
}

impl StageFilter {
    /// The latest week a pregnancy can be listed at (the caseload still shows a pregnancy past its due date).
    pub const LAST_WEEK: u8 = 45;

    /// The due dates of the pregnancies between the weeks on `today`: a pregnancy is in week `w`
    /// from 7w to 7w + 6 days after the LMP, and the due date is the LMP + 280 days.
    pub fn due_dates(from_week: u8, to_week: u8, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let earliest = 280 - (7 * i64::from(to_week) + 6);
        let latest = 280 - 7 * i64::from(from_week);
        (shift(today, earliest), shift(today, latest))
    }
}

fn shift(day: NaiveDate, by: i64) -> NaiveDate {
    if by >= 0 {
        day.checked_add_days(Days::new(by.unsigned_abs()))
            .unwrap_or(NaiveDate::MAX)
    } else {
        day.checked_sub_days(Days::new(by.unsigned_abs()))
            .unwrap_or(NaiveDate::MIN)
    }
}

/// Which risk flags a listed family must have open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "flag")]
pub enum FlagFilter {
    Any,
    Category { category: RiskCategory },
}

/// The caseload's search word and filters; the default lists every family.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadFilter {
    /// Part of a name or kana (family, child or guardian).
    pub words: String,
    pub stage: Option<StageFilter>,
    pub flag: Option<FlagFilter>,
    /// Only families with a late item on the task list.
    pub late: bool,
    /// Only families this coordinator is assigned to: responsible for the active support plan, or
    /// assigned an open home visit or an open consultation.
    pub coordinator: Option<AccountId>,
    pub site: Option<SiteId>,
    /// Only families nobody has been in touch with for this many days (no home visit, interview or
    /// consultation message since).
    pub quiet_days: Option<u32>,
}

/// The URL query's names, one per filter.
pub mod param {
    pub const WORDS: &str = "q";
    pub const STAGE: &str = "stage";
    pub const FROM_WEEK: &str = "from_week";
    pub const TO_WEEK: &str = "to_week";
    pub const FLAG: &str = "flag";
    pub const LATE: &str = "late";
    pub const COORDINATOR: &str = "coordinator";
    pub const SITE: &str = "site";
    pub const QUIET_DAYS: &str = "quiet_days";
}

/// The stage filter's value for a pregnancy (the week range comes in two more fields).
pub const PREGNANT: &str = "pregnant";
/// The flag filter's value for any open flag.
pub const ANY_FLAG: &str = "any";

impl CaseloadFilter {
    pub const MAX_WORDS: usize = 100;
    pub const MAX_QUIET_DAYS: u32 = 3660;

    /// Only a search word.
    pub fn search(words: &str) -> Self {
        CaseloadFilter {
            words: words.to_owned(),
            ..CaseloadFilter::default()
        }
    }

    /// Whether anything narrows the list besides the search word.
    pub fn filters(&self) -> bool {
        self.stage.is_some()
            || self.flag.is_some()
            || self.late
            || self.coordinator.is_some()
            || self.site.is_some()
            || self.quiet_days.is_some()
    }

    /// Reads the filter from a URL query's values (`get` gives a name's value); empty values
    /// are no filter. A value that cannot be one is refused, naming its field.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<Self, Invalid> {
        let value = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let words = get(param::WORDS).unwrap_or_default();
        if words.chars().count() > Self::MAX_WORDS {
            return Err(Invalid::new("search", Problem::TooLong));
        }
        let number = |name: &'static str, max: u32| -> Result<Option<u32>, Invalid> {
            value(name)
                .map(|v| {
                    v.parse::<u32>()
                        .ok()
                        .filter(|&n| n <= max)
                        .ok_or(Invalid::new(name, Problem::Malformed))
                })
                .transpose()
        };
        let id = |name: &'static str| -> Result<Option<i64>, Invalid> {
            value(name)
                .map(|v| {
                    v.parse::<i64>()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or(Invalid::new(name, Problem::Malformed))
                })
                .transpose()
        };
        let last = u32::from(StageFilter::LAST_WEEK);
        let stage = match value(param::STAGE).as_deref() {
            None => None,
            Some(PREGNANT) => {
                let from = number(param::FROM_WEEK, last)?.unwrap_or(0);
                let to = number(param::TO_WEEK, last)?.unwrap_or(last);
                if from > to {
                    return Err(Invalid::new(param::TO_WEEK, Problem::DateOutOfRange));
                }
                Some(StageFilter::Pregnant {
                    from_week: u8::try_from(from).unwrap_or(0),
                    to_week: u8::try_from(to).unwrap_or(StageFilter::LAST_WEEK),
                })
            }
            Some(band) => Some(StageFilter::Child {
                band: AgeBand::parse_field(param::STAGE, band)?,
            }),
        };
        let flag = match value(param::FLAG).as_deref() {
            None => None,
            Some(ANY_FLAG) => Some(FlagFilter::Any),
            Some(category) => Some(FlagFilter::Category {
                category: RiskCategory::parse_field(param::FLAG, category)?,
            }),
        };
        let late = match value(param::LATE).as_deref() {
            None => false,
            Some("1" | "true" | "on") => true,
            Some(_) => return Err(Invalid::new(param::LATE, Problem::Malformed)),
        };
        Ok(CaseloadFilter {
            words,
            stage,
            flag,
            late,
            coordinator: id(param::COORDINATOR)?.map(AccountId),
            site: id(param::SITE)?.map(SiteId),
            quiet_days: number(param::QUIET_DAYS, Self::MAX_QUIET_DAYS)?,
        })
    }

    /// The filter as a URL query's names and values (only what is set), read back by `from_query`.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if !self.words.is_empty() {
            query.push((param::WORDS, self.words.clone()));
        }
        match self.stage {
            Some(StageFilter::Pregnant { from_week, to_week }) => {
                query.push((param::STAGE, PREGNANT.to_owned()));
                query.push((param::FROM_WEEK, from_week.to_string()));
                query.push((param::TO_WEEK, to_week.to_string()));
            }
            Some(StageFilter::Child { band }) => query.push((param::STAGE, band.as_str().to_owned())),
            None => {}
        }
        match self.flag {
            Some(FlagFilter::Any) => query.push((param::FLAG, ANY_FLAG.to_owned())),
            Some(FlagFilter::Category { category }) => query.push((param::FLAG, category.as_str().to_owned())),
            None => {}
        }
        if self.late {
            query.push((param::LATE, "1".to_owned()));
        }
        if let Some(AccountId(id)) = self.coordinator {
            query.push((param::COORDINATOR, id.to_string()));
        }
        if let Some(SiteId(id)) = self.site {
            query.push((param::SITE, id.to_string()));
        }
        if let Some(days) = self.quiet_days {
            query.push((param::QUIET_DAYS, days.to_string()));
        }
        query
    }

    /// The first day that counts as recent contact for `quiet_days`: contact on or after it
    /// keeps a family off the list.
    pub fn quiet_since(days: u32, today: NaiveDate) -> NaiveDate {
        shift(today, -i64::from(days))
    }
}

/// Whether a pregnancy with this due date is in the weeks on `today`, as the caseload counts weeks.
pub fn in_weeks(due_date: NaiveDate, from_week: u8, to_week: u8, today: NaiveDate) -> bool {
    let weeks = GestationalAge::on(due_date, today).weeks;
    (i64::from(from_week)..=i64::from(to_week)).contains(&weeks)
}

/// Whether a child born on this day is in the band on `today`.
pub fn in_band(birth_date: NaiveDate, band: AgeBand, today: NaiveDate) -> bool {
    let (youngest, oldest) = band.months();
    let months = months_on(birth_date, today);
    birth_date <= today && months >= youngest && oldest.is_none_or(|o| months <= o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
        from.iter_days().take_while(move |&day| day <= to)
    }

    #[test]
    fn a_band_s_birth_dates_are_exactly_the_children_of_that_age_on_every_day_of_four_years() {
        // Every "today" of a leap-year cycle, every band, every birth date in seven years: the range
        // holds a birth date exactly when the age the caseload shows is in the band.
        for today in days(d("2026-01-01"), d("2029-12-31")).step_by(3) {
            for &band in AgeBand::ALL {
                let range = band.birth_dates(today);
                for birth in days(today - Days::new(7 * 366), today) {
                    let within = range.from.is_none_or(|from| birth >= from) && birth <= range.until;
                    assert_eq!(within, in_band(birth, band, today), "{band:?} born {birth} on {today}");
                }
            }
        }
    }

    #[test]
    fn month_ends_count_as_anniversaries() {
        // Born on the 31st: on 30 April the child has completed the month (the caseload's rule).
        let range = AgeBand::Months4To11.birth_dates(d("2026-04-30"));
        assert!(range.until >= d("2025-12-31"));
        assert_eq!(AgeBand::Months0To3.birth_dates(d("2026-04-30")).until, d("2026-04-30"));
    }

    #[test]
    fn week_ranges_give_the_due_dates_whose_gestational_age_falls_in_them() {
        let today = d("2026-12-03");
        for (from, to) in [(0, 45), (12, 20), (36, 36), (0, 0), (40, 45)] {
            let (earliest, latest) = StageFilter::due_dates(from, to, today);
            for due in days(today - Days::new(60), today + Days::new(300)) {
                let within = (earliest..=latest).contains(&due);
                assert_eq!(within, in_weeks(due, from, to, today), "{from}-{to} due {due}");
            }
        }
    }

    #[test]
    fn a_filter_goes_through_its_url_query_unchanged() {
        let filters = [
            CaseloadFilter::default(),
            CaseloadFilter::search("さと"),
            CaseloadFilter {
                words: "佐藤".into(),
                stage: Some(StageFilter::Pregnant {
                    from_week: 12,
                    to_week: 20,
                }),
                flag: Some(FlagFilter::Any),
                late: true,
                coordinator: Some(AccountId(7)),
                site: Some(SiteId(2)),
                quiet_days: Some(30),
            },
            CaseloadFilter {
                stage: Some(StageFilter::Child { band: AgeBand::Year1 }),
                flag: Some(FlagFilter::Category {
                    category: RiskCategory::SpecifiedPregnancy,
                }),
                ..CaseloadFilter::default()
            },
        ];
        for filter in filters {
            let query = filter.to_query();
            let back =
                CaseloadFilter::from_query(|name| query.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()));
            assert_eq!(back, Ok(filter));
        }
    }

    #[test]
    fn a_value_that_cannot_be_a_filter_is_refused_with_its_field() {
        let refused = |pairs: &[(&str, &str)]| {
            CaseloadFilter::from_query(|name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned()))
                .unwrap_err()
                .field
        };
        assert_eq!(refused(&[("stage", "teen")]), "stage");
        assert_eq!(refused(&[("stage", "pregnant"), ("from_week", "50")]), "from_week");
        assert_eq!(
            refused(&[("stage", "pregnant"), ("from_week", "20"), ("to_week", "12")]),
            "to_week"
        );
        assert_eq!(refused(&[("flag", "bad")]), "flag");
        assert_eq!(refused(&[("late", "maybe")]), "late");
        assert_eq!(refused(&[("coordinator", "x")]), "coordinator");
        assert_eq!(refused(&[("site", "-1")]), "site");
        assert_eq!(refused(&[("quiet_days", "-3")]), "quiet_days");
        let long = "あ".repeat(101);
        assert_eq!(refused(&[("q", long.as_str())]), "search");
        // Empty values are no filter at all (the form sends every field).
        let empty = CaseloadFilter::from_query(|name| (name != "q").then(String::new));
        assert_eq!(empty, Ok(CaseloadFilter::default()));
    }
}
