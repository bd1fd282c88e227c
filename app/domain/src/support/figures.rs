//! The centre's figures (KPIs from the reference) per month and site, from plain facts, and their
//! CSV. A month is counted by when a thing fell due: a notification by its date, a visit or a
//! checkup by the last day of its window, an EPDS by the day it was taken.

use super::plan::PlanCategory;
use crate::family::GestationalAge;
use crate::ids::SiteId;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(date: NaiveDate) -> Self {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        let next = if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// The `count` months ending with this one, oldest first.
    pub fn last(self, count: usize) -> Vec<Month> {
        let mut months: Vec<Month> = std::iter::successors(Some(self), |m| Some(m.previous()))
            .take(count)
            .collect();
        months.reverse();
        months
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// 妊娠11週以下での届出 — notified while the gestational age is at most 11 weeks 6 days.
pub const EARLY_NOTIFICATION_WEEKS: i64 = 11;

/// A pregnancy notification.
pub struct Notification {
    pub site: Option<SiteId>,
    pub notified_on: NaiveDate,
    pub due_date: NaiveDate,
    /// The 妊娠届出時面談 took place.
    pub interviewed: bool,
}

/// Timeline items the figures follow, counted when their window closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// 乳児家庭全戸訪問 by 4 months.
    InfantHomeVisit,
    /// 3–4か月児健診.
    Checkup3m,
    /// 1歳6か月児健診.
    Checkup18m,
    /// 3歳児健診.
    Checkup3y,
}

impl Measure {
    pub const ALL: [Measure; 4] = [
        Measure::InfantHomeVisit,
        Measure::Checkup3m,
        Measure::Checkup18m,
        Measure::Checkup3y,
    ];

    pub fn of_series(series: &str) -> Option<Self> {
        match series {
            "visit-infant-home" => Some(Measure::InfantHomeVisit),
            "checkup-3m" => Some(Measure::Checkup3m),
            "checkup-18m" => Some(Measure::Checkup18m),
            "checkup-3y" => Some(Measure::Checkup3y),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Measure::InfantHomeVisit => "infant_home_visit",
            Measure::Checkup3m => "checkup_3m",
            Measure::Checkup18m => "checkup_18m",
            Measure::Checkup3y => "checkup_3y",
        }
    }
}

/// Where to look for the children whose item of a measure closes its window within some days:
/// the item's key, and birth dates that hold every such child (and a few more, which the caller
/// plans and drops), so the figures read a few thousand children of a large city, not all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosingWindows {
    pub measure: Measure,
    pub key: crate::schedule::ItemKey,
    pub born_from: NaiveDate,
    pub born_until: NaiveDate,
}

impl ClosingWindows {
    /// How far the window's end may stray, for a birth date, from the one of a child born on the
    /// period's first day moved by the same number of days: months and years differ in length by
    /// up to three days; the margin holds that with room.
    const MARGIN_DAYS: u64 = 10;

    /// For each measure the schedule has, the births whose window of it can close between `from`
    /// and `until`.
    pub fn between(schedule: &crate::schedule::Schedule, from: NaiveDate, until: NaiveDate) -> Vec<ClosingWindows> {
        use chrono::Days;
        let timeline = crate::schedule::plan(
            schedule,
            &crate::schedule::Subject::child(from),
            &[],
            &crate::schedule::Options::default(),
            from,
        );
        Measure::ALL
            .iter()
            .filter_map(|&measure| {
                let item = timeline
                    .items
                    .iter()
                    .find(|i| Measure::of_series(i.series.as_str()) == Some(measure))?;
                let offset = Days::new(u64::try_from((item.latest - from).num_days()).ok()?);
                let margin = Days::new(Self::MARGIN_DAYS);
                Some(ClosingWindows {
                    measure,
                    key: item.key.clone(),
                    born_from: from.checked_sub_days(offset)?.checked_sub_days(margin)?,
                    born_until: until.checked_sub_days(offset)?.checked_add_days(margin)?,
                })
            })
            .collect()
    }
}

/// A child's item whose window has closed: done in time or not.
pub struct Closed {
    pub site: Option<SiteId>,
    pub measure: Measure,
    pub window_end: NaiveDate,
    pub done: bool,
}

impl Closed {
    /// The item as the figures count it: an item of a measure, known (not projected) and needed,
    /// done in time when done by the last day of its window. (Windows still open are left out
    /// by [`compute`].)
    pub fn of(site: Option<SiteId>, item: &crate::schedule::Item) -> Option<Closed> {
        let measure = Measure::of_series(item.series.as_str())?;
        if item.projected || item.status == crate::schedule::Status::NotNeeded {
            return None;
        }
        Some(Closed {
            site,
            measure,
            window_end: item.latest,
            done: item.done_on.is_some_and(|d| d <= item.latest),
        })
    }
}

/// An EPDS taken at a visit.
pub struct Screening {
    pub site: Option<SiteId>,
    pub taken_on: NaiveDate,
    pub flagged: bool,
}

/// A support plan as the figures count it: its category, and from when until when it was open.
pub struct PlanOpen {
    pub site: Option<SiteId>,
    pub category: PlanCategory,
    pub starts_on: NaiveDate,
    /// None while it is open.
    pub closed_on: Option<NaiveDate>,
}

impl PlanOpen {
    /// Open on some day of the month.
    fn open_in(&self, month: Month) -> bool {
        self.starts_on <= month.last_day() && self.closed_on.is_none_or(|closed| closed >= month.first_day())
    }
}

/// Support plans by category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCounts {
    pub specified_pregnancy: u32,
    pub child_needing_support: u32,
    pub child_requiring_protection: u32,
    pub maternal_child_health: u32,
}

impl PlanCounts {
    pub fn of(&self, category: PlanCategory) -> u32 {
        match category {
            PlanCategory::SpecifiedPregnancy => self.specified_pregnancy,
            PlanCategory::ChildNeedingSupport => self.child_needing_support,
            PlanCategory::ChildRequiringProtection => self.child_requiring_protection,
            PlanCategory::MaternalChildHealth => self.maternal_child_health,
        }
    }

    fn add(&mut self, category: PlanCategory) {
        let count = match category {
            PlanCategory::SpecifiedPregnancy => &mut self.specified_pregnancy,
            PlanCategory::ChildNeedingSupport => &mut self.child_needing_support,
            PlanCategory::ChildRequiringProtection => &mut self.child_requiring_protection,
            PlanCategory::MaternalChildHealth => &mut self.maternal_child_health,
        };
        *count += 1;
    }
}

/// A numerator over a denominator; the rate is absent when nothing was due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub count: u32,
    pub of: u32,
}

impl Ratio {
    fn add(&mut self, hit: bool) {
        self.of += 1;
        if hit {
            self.count += 1;
        }
    }

    /// Per cent, one decimal.
    pub fn percent(&self) -> Option<f64> {
        (self.of > 0).then(|| (f64::from(self.count) * 1000.0 / f64::from(self.of)).round() / 10.0)
    }
}

/// One month's figures for one site (or the whole municipality when `site` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthFigures {
    pub month: Month,
    pub site: Option<SiteId>,
    pub notifications: u32,
    /// 妊娠11週以下での妊娠届出率.
    pub early_notification: Ratio,
    /// 妊娠届出時面談実施率.
    pub notification_interview: Ratio,
    /// 乳児家庭全戸訪問 訪問率.
    pub infant_home_visit: Ratio,
    pub checkup_3m: Ratio,
    pub checkup_18m: Ratio,
    pub checkup_3y: Ratio,
    /// EPDS ≥ 9 (or item 10) rate among mothers screened.
    pub epds_flagged: Ratio,
    /// Consultations opened, and those the centre has replied to.
    pub consultations_replied: Ratio,
    /// The median time from opening to the centre's first reply, in minutes.
    pub reply_median_minutes: Option<i64>,
    /// サポートプラン open on some day of the month, by category.
    pub plans_open: PlanCounts,
    /// サポートプラン begun in the month, by category.
    pub plans_started: PlanCounts,
}

impl MonthFigures {
    fn empty(month: Month, site: Option<SiteId>) -> Self {
        MonthFigures {
            month,
            site,
            notifications: 0,
            early_notification: Ratio::default(),
            notification_interview: Ratio::default(),
            infant_home_visit: Ratio::default(),
            checkup_3m: Ratio::default(),
            checkup_18m: Ratio::default(),
            checkup_3y: Ratio::default(),
            epds_flagged: Ratio::default(),
            consultations_replied: Ratio::default(),
            reply_median_minutes: None,
            plans_open: PlanCounts::default(),
            plans_started: PlanCounts::default(),
        }
    }

    fn closed(&mut self, measure: Measure) -> &mut Ratio {
        match measure {
            Measure::InfantHomeVisit => &mut self.infant_home_visit,
            Measure::Checkup3m => &mut self.checkup_3m,
            Measure::Checkup18m => &mut self.checkup_18m,
            Measure::Checkup3y => &mut self.checkup_3y,
        }
    }
}

/// A consultation opened, and how long the first reply took (none yet: not replied).
pub struct Opened {
    pub site: Option<SiteId>,
    pub opened_on: NaiveDate,
    pub first_reply_minutes: Option<i64>,
}

pub struct Facts {
    pub notifications: Vec<Notification>,
    pub closed: Vec<Closed>,
    pub screenings: Vec<Screening>,
    pub consultations: Vec<Opened>,
    pub plans: Vec<PlanOpen>,
}

/// Figures for each month, for the whole municipality and for each of `sites`, in that order
/// within a month. Windows still open on `today` are not counted yet.
pub fn compute(facts: &Facts, months: &[Month], sites: &[SiteId], today: NaiveDate) -> Vec<MonthFigures> {
    let columns: Vec<Option<SiteId>> = std::iter::once(None).chain(sites.iter().copied().map(Some)).collect();
    let mut table: Vec<MonthFigures> = months
        .iter()
        .flat_map(|&m| columns.iter().map(move |&s| MonthFigures::empty(m, s)))
        .collect();
    for n in &facts.notifications {
        let early = GestationalAge::on(n.due_date, n.notified_on).weeks <= EARLY_NOTIFICATION_WEEKS;
        for i in rows_for(&table, Month::of(n.notified_on), n.site) {
            let f = &mut table[i];
            f.notifications += 1;
            f.early_notification.add(early);
            f.notification_interview.add(n.interviewed);
        }
    }
    for c in facts.closed.iter().filter(|c| c.window_end < today) {
        for i in rows_for(&table, Month::of(c.window_end), c.site) {
            table[i].closed(c.measure).add(c.done);
        }
    }
    for s in &facts.screenings {
        for i in rows_for(&table, Month::of(s.taken_on), s.site) {
            table[i].epds_flagged.add(s.flagged);
        }
    }
    let mut replies: Vec<Vec<i64>> = vec![Vec::new(); table.len()];
    for c in &facts.consultations {
        for i in rows_for(&table, Month::of(c.opened_on), c.site) {
            table[i].consultations_replied.add(c.first_reply_minutes.is_some());
            replies[i].extend(c.first_reply_minutes);
        }
    }
    for p in &facts.plans {
        for &month in months.iter().filter(|&&m| p.open_in(m)) {
            for i in rows_for(&table, month, p.site) {
                table[i].plans_open.add(p.category);
                if Month::of(p.starts_on) == month {
                    table[i].plans_started.add(p.category);
                }
            }
        }
    }
    for (row, mut minutes) in table.iter_mut().zip(replies) {
        row.reply_median_minutes = median(&mut minutes);
    }
    table
}

/// The middle value (the lower of the two middle ones for an even count).
fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

/// The rows a fact counts in: its site's and the whole municipality's.
fn rows_for(table: &[MonthFigures], month: Month, site: Option<SiteId>) -> Vec<usize> {
    table
        .iter()
        .enumerate()
        .filter(|(_, f)| f.month == month && (f.site.is_none() || f.site == site))
        .map(|(i, _)| i)
        .collect()
}

/// The figures as CSV (RFC 4180, CRLF), one row per month and site; `site_name` names a site
/// (the whole municipality is "all"). Rates are per cent with one decimal, empty when nothing was due.
pub fn to_csv(figures: &[MonthFigures], site_name: impl Fn(Option<SiteId>) -> String) -> String {
    let mut out = String::from(
        "month,site,notifications,early_notification_count,early_notification_pct,\
         notification_interview_count,notification_interview_pct,\
         infant_home_visit_count,infant_home_visit_eligible,infant_home_visit_pct,\
         checkup_3m_count,checkup_3m_eligible,checkup_3m_pct,\
         checkup_18m_count,checkup_18m_eligible,checkup_18m_pct,\
         checkup_3y_count,checkup_3y_eligible,checkup_3y_pct,\
         epds_flagged_count,epds_screened,epds_flagged_pct,\
         consultations,consultations_replied,reply_median_minutes",
    );
    for category in PlanCategory::ALL {
        out.push_str(&format!(",plans_open_{0},plans_started_{0}", category.as_str()));
    }
    out.push_str("\r\n");
    let pct = |r: &Ratio| r.percent().map(|p| format!("{p:.1}")).unwrap_or_default();
    for f in figures {
        let cells = [
            f.month.to_string(),
            csv_field(&site_name(f.site)),
            f.notifications.to_string(),
            f.early_notification.count.to_string(),
            pct(&f.early_notification),
            f.notification_interview.count.to_string(),
            pct(&f.notification_interview),
            f.infant_home_visit.count.to_string(),
            f.infant_home_visit.of.to_string(),
            pct(&f.infant_home_visit),
            f.checkup_3m.count.to_string(),
            f.checkup_3m.of.to_string(),
            pct(&f.checkup_3m),
            f.checkup_18m.count.to_string(),
            f.checkup_18m.of.to_string(),
            pct(&f.checkup_18m),
            f.checkup_3y.count.to_string(),
            f.checkup_3y.of.to_string(),
            pct(&f.checkup_3y),
            f.epds_flagged.count.to_string(),
            f.epds_flagged.of.to_string(),
            pct(&f.epds_flagged),
            f.consultations_replied.of.to_string(),
            f.consultations_replied.count.to_string(),
            f.reply_median_minutes.map(|m| m.to_string()).unwrap_or_default(),
        ];
        out.push_str(&cells.join(","));
        for &category in PlanCategory::ALL {
            out.push_str(&format!(
                ",{},{}",
                f.plans_open.of(category),
                f.plans_started.of(category)
            ));
        }
        out.push_str("\r\n");
    }
    out
}

/// Quotes a field when it holds a comma, quote or line break; a leading `=`, `+`, `-` or `@` is
/// defused so that spreadsheets do not run it as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const A: SiteId = SiteId(1);
    const B: SiteId = SiteId(2);

    #[test]
    fn the_closing_windows_hold_every_child_whose_window_closes_in_the_period() {
        use crate::schedule::{Kind, Options, Schedule, Subject, plan};
        let schedule = Schedule::national().only(&[Kind::Checkup, Kind::HomeVisit]);
        let today = d("2030-01-01");
        // Where each birth date's windows close, once.
        let births: Vec<NaiveDate> = d("2020-01-01")
            .iter_days()
            .take_while(|&b| b <= d("2029-01-01"))
            .collect();
        let closes: Vec<Vec<(Measure, NaiveDate)>> = births
            .iter()
            .map(|&birth| {
                plan(&schedule, &Subject::child(birth), &[], &Options::default(), today)
                    .items
                    .iter()
                    .filter_map(|i| Measure::of_series(i.series.as_str()).map(|m| (m, i.latest)))
                    .collect()
            })
            .collect();
        let mut month = Month { year: 2025, month: 1 };
        for _ in 0..36 {
            for (from, until) in [
                (month.first_day(), month.last_day()),
                (month.first_day(), month.first_day()),
            ] {
                let windows = ClosingWindows::between(&schedule, from, until);
                assert_eq!(windows.len(), 4, "every measure is in the national schedule");
                for (birth, closes) in births.iter().zip(&closes) {
                    for &(measure, latest) in closes {
                        if (from..=until).contains(&latest) {
                            let w = windows.iter().find(|w| w.measure == measure).unwrap();
                            assert!(
                                (w.born_from..=w.born_until).contains(birth),
                                "{measure:?} of a child born {birth} closes {latest}, outside {w:?}"
                            );
                        }
                    }
                }
            }
            month = Month::of(month.last_day().succ_opt().unwrap());
        }
        // A few thousand children of a city, not all: about a month and three weeks of births.
        let w = &ClosingWindows::between(&schedule, d("2026-11-01"), d("2026-11-30"))[0];
        assert!((w.born_until - w.born_from).num_days() <= 30 + 21, "{w:?}");
    }

    #[test]
    fn a_month_knows_its_first_and_last_day() {
        assert_eq!(Month { year: 2028, month: 2 }.last_day(), d("2028-02-29"));
        assert_eq!(Month { year: 2026, month: 12 }.last_day(), d("2026-12-31"));
        assert_eq!(Month { year: 2026, month: 12 }.first_day(), d("2026-12-01"));
    }

    #[test]
    fn months_count_back_across_the_new_year() {
        let months = Month::of(d("2026-02-10")).last(3);
        assert_eq!(
            months.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["2025-12", "2026-01", "2026-02"]
        );
    }

    #[test]
    fn early_notification_is_at_most_11_weeks_6_days() {
        // Due 2027-06-01 → 0w0d is 2026-08-25; 11w6d is 2026-11-16, 12w0d is 2026-11-17.
        let due = d("2027-06-01");
        let facts = Facts {
            notifications: vec![
                Notification {
                    site: Some(A),
                    notified_on: d("2026-11-16"),
                    due_date: due,
                    interviewed: true,
                },
                Notification {
                    site: Some(B),
                    notified_on: d("2026-11-17"),
                    due_date: due,
                    interviewed: false,
                },
            ],
            closed: vec![],
            screenings: vec![],
            consultations: vec![],
            plans: vec![],
        };
        let table = compute(&facts, &[Month::of(d("2026-11-01"))], &[A, B], d("2026-11-30"));
        let all = &table[0];
        assert_eq!(all.site, None);
        assert_eq!(all.notifications, 2);
        assert_eq!(all.early_notification, Ratio { count: 1, of: 2 });
        assert_eq!(all.notification_interview.percent(), Some(50.0));
        assert_eq!(table[1].early_notification, Ratio { count: 1, of: 1 });
        assert_eq!(table[2].early_notification, Ratio { count: 0, of: 1 });
        assert_eq!(table[2].notification_interview.percent(), Some(0.0));
    }

    #[test]
    fn windows_count_in_the_month_they_close_and_only_once_closed() {
        let closed = |end: &str, done| Closed {
            site: Some(A),
            measure: Measure::InfantHomeVisit,
            window_end: d(end),
            done,
        };
        let facts = Facts {
            notifications: vec![],
            consultations: vec![],
            plans: vec![],
            closed: vec![
                closed("2026-10-31", true),
                closed("2026-10-05", false),
                closed("2026-11-20", true),
                closed("2026-11-25", false),
            ],
            screenings: vec![],
        };
        let months = [Month::of(d("2026-10-01")), Month::of(d("2026-11-01"))];
        let table = compute(&facts, &months, &[A], d("2026-11-24"));
        assert_eq!(table[0].infant_home_visit, Ratio { count: 1, of: 2 });
        // 11-25 has not closed on 11-24.
        assert_eq!(table[2].infant_home_visit, Ratio { count: 1, of: 1 });
        assert_eq!(table[0].checkup_3m.percent(), None);
    }

    #[test]
    fn screenings_give_the_flag_rate() {
        let s = |on: &str, flagged| Screening {
            site: Some(B),
            taken_on: d(on),
            flagged,
        };
        let facts = Facts {
            notifications: vec![],
            closed: vec![],
            screenings: vec![s("2026-11-01", true), s("2026-11-02", false), s("2026-11-03", false)],
            consultations: vec![],
            plans: vec![],
        };
        let table = compute(&facts, &[Month::of(d("2026-11-01"))], &[A, B], d("2026-11-24"));
        assert_eq!(table[0].epds_flagged.percent(), Some(33.3));
        assert_eq!(table[1].epds_flagged.of, 0);
        assert_eq!(table[2].epds_flagged, Ratio { count: 1, of: 3 });
    }

    #[test]
    fn reply_times_take_the_median_of_replied_consultations() {
        let c = |on: &str, minutes| Opened {
            site: Some(A),
            opened_on: d(on),
            first_reply_minutes: minutes,
        };
        let facts = Facts {
            notifications: vec![],
            closed: vec![],
            screenings: vec![],
            consultations: vec![
                c("2026-11-01", Some(30)),
                c("2026-11-02", Some(600)),
                c("2026-11-03", Some(90)),
                c("2026-11-04", None),
            ],
            plans: vec![],
        };
        let table = compute(&facts, &[Month::of(d("2026-11-01"))], &[A, B], d("2026-11-24"));
        assert_eq!(table[0].consultations_replied, Ratio { count: 3, of: 4 });
        assert_eq!(table[0].reply_median_minutes, Some(90));
        assert_eq!(table[2].reply_median_minutes, None);
        assert_eq!(median(&mut [5, 1]), Some(1));
    }

    #[test]
    fn csv_has_a_header_and_a_row_per_month_and_site_and_defuses_formulas() {
        let facts = Facts {
            notifications: vec![],
            closed: vec![],
            screenings: vec![],
            consultations: vec![],
            plans: vec![],
        };
        let table = compute(&facts, &[Month::of(d("2026-11-01"))], &[A], d("2026-11-24"));
        let csv = to_csv(&table, |s| match s {
            None => "all".into(),
            Some(_) => "=HYPERLINK(\"x\"), 北".into(),
        });
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("month,site,notifications"));
        assert!(lines[1].starts_with("2026-11,all,0,0,,"));
        assert!(lines[2].starts_with("2026-11,\"'=HYPERLINK(\"\"x\"\"), 北\",0"));
        assert_eq!(lines[0].split(',').count(), 33);
        assert_eq!(lines[1].split(',').count(), 33);
        assert!(lines[0].ends_with(",plans_open_maternal_child_health,plans_started_maternal_child_health"));
    }

    #[test]
    fn plans_count_by_category_in_every_month_they_are_open_and_once_where_they_begin() {
        let plan = |site, category, from: &str, closed: Option<&str>| PlanOpen {
            site,
            category,
            starts_on: d(from),
            closed_on: closed.map(d),
        };
        let facts = Facts {
            notifications: vec![],
            closed: vec![],
            screenings: vec![],
            consultations: vec![],
            plans: vec![
                // Open from October, closed on the first of December: open in Oct, Nov and Dec.
                plan(
                    Some(A),
                    PlanCategory::SpecifiedPregnancy,
                    "2026-10-31",
                    Some("2026-12-01"),
                ),
                // Closed on the last day of October: not open in November.
                plan(
                    Some(B),
                    PlanCategory::SpecifiedPregnancy,
                    "2026-09-15",
                    Some("2026-10-31"),
                ),
                // Begun in November, still open.
                plan(Some(B), PlanCategory::ChildRequiringProtection, "2026-11-30", None),
                plan(None, PlanCategory::MaternalChildHealth, "2026-11-01", None),
                // Begins in January: not yet open in December.
                plan(Some(A), PlanCategory::ChildNeedingSupport, "2027-01-01", None),
            ],
        };
        let months = Month::of(d("2026-12-01")).last(3);
        let table = compute(&facts, &months, &[A, B], d("2026-12-07"));
        let at = |month: &str, site: Option<SiteId>| {
            table
                .iter()
                .find(|f| f.month.to_string() == month && f.site == site)
                .unwrap()
        };
        let counts = |sp, cns, crp, mch| PlanCounts {
            specified_pregnancy: sp,
            child_needing_support: cns,
            child_requiring_protection: crp,
            maternal_child_health: mch,
        };
        assert_eq!(at("2026-10", None).plans_open, counts(2, 0, 0, 0));
        assert_eq!(at("2026-10", None).plans_started, counts(1, 0, 0, 0));
        assert_eq!(at("2026-10", Some(B)).plans_open, counts(1, 0, 0, 0));
        assert_eq!(at("2026-10", Some(B)).plans_started, counts(0, 0, 0, 0));
        assert_eq!(at("2026-11", None).plans_open, counts(1, 0, 1, 1));
        assert_eq!(at("2026-11", None).plans_started, counts(0, 0, 1, 1));
        assert_eq!(at("2026-11", Some(A)).plans_open, counts(1, 0, 0, 0));
        assert_eq!(at("2026-11", Some(B)).plans_open, counts(0, 0, 1, 0));
        assert_eq!(at("2026-12", None).plans_open, counts(1, 0, 1, 1));
        assert_eq!(at("2026-12", None).plans_started, PlanCounts::default());
        for category in PlanCategory::ALL {
            assert_eq!(
                counts(1, 2, 3, 4).of(*category),
                match category {
                    PlanCategory::SpecifiedPregnancy => 1,
                    PlanCategory::ChildNeedingSupport => 2,
                    PlanCategory::ChildRequiringProtection => 3,
                    PlanCategory::MaternalChildHealth => 4,
                }
            );
        }
        let csv = to_csv(&table, |_| "x".into());
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let row: Vec<&str> = csv
            .lines()
            .find(|l| l.starts_with("2026-11,x"))
            .unwrap()
            .split(',')
            .collect();
        let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(cell("plans_open_child_requiring_protection"), "1");
        assert_eq!(cell("plans_started_maternal_child_health"), "1");
        assert_eq!(cell("plans_open_specified_pregnancy"), "1");
    }
}
