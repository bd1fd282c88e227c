//! A family's record: its guardians, pregnancies and children, and the stage a caseload shows.

use crate::ids::{ChildId, FamilyId, MunicipalityId, PregnancyId, SiteId};
use crate::people::Sex;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What became of a pregnancy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PregnancyOutcome {
    Ongoing,
    Born,
    /// 流産・死産 — the timeline ends its prenatal items gently.
    Lost,
}

impl PregnancyOutcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            PregnancyOutcome::Ongoing => "ongoing",
            PregnancyOutcome::Born => "born",
            PregnancyOutcome::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ongoing" => Some(PregnancyOutcome::Ongoing),
            "born" => Some(PregnancyOutcome::Born),
            "lost" => Some(PregnancyOutcome::Lost),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pregnancy {
    pub id: PregnancyId,
    /// 出産予定日
    pub due_date: NaiveDate,
    /// 妊娠届出日; none for a pregnancy that ended (a miscarriage or stillbirth after the
    /// heartbeat's confirmation) before a notification was made, recorded for its 支援給付.
    pub notified_on: Option<NaiveDate>,
    /// 心拍確認日, when on file: it opens the first 支援給付 claim (else the notification stands in).
    pub heartbeat_on: Option<NaiveDate>,
    pub fetuses: u8,
    pub outcome: PregnancyOutcome,
    pub ended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub id: ChildId,
    /// The pregnancy this child was born of, when it was followed here.
    pub pregnancy: Option<PregnancyId>,
    pub name: String,
    pub name_kana: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    /// Vaccine products chosen for this child (rotavirus monovalent or pentavalent, PCV20 or PCV15).
    pub options: crate::schedule::Options,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guardian {
    pub name: String,
    pub name_kana: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyRecord {
    pub id: FamilyId,
    pub municipality: MunicipalityId,
    pub site: Option<SiteId>,
    pub site_name: Option<String>,
    pub family_name: String,
    pub family_name_kana: String,
    pub guardians: Vec<Guardian>,
    pub pregnancies: Vec<Pregnancy>,
    pub children: Vec<Child>,
}

/// 妊娠週数: weeks and days since the LMP, counted back from the due date (40w0d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GestationalAge {
    pub weeks: i64,
    pub days: i64,
}

impl GestationalAge {
    /// Due date = LMP + 280 days, so the age on `today` is 280 − (due − today) days.
    pub fn on(due_date: NaiveDate, today: NaiveDate) -> Self {
        let days = 280 - (due_date - today).num_days();
        GestationalAge {
            weeks: days.div_euclid(7),
            days: days.rem_euclid(7),
        }
    }
}

/// A child's age in completed years and months (the day before an anniversary does not count yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildAge {
    pub years: i32,
    pub months: i32,
}

impl ChildAge {
    pub fn on(birth_date: NaiveDate, today: NaiveDate) -> Self {
        let mut months = (today.year() - birth_date.year()) * 12 + today.month() as i32 - birth_date.month() as i32;
        if today.day() < birth_date.day() && !is_last_day_of_month(today) {
            months -= 1;
        }
        let months = months.max(0);
        ChildAge {
            years: months / 12,
            months: months % 12,
        }
    }
}

fn is_last_day_of_month(d: NaiveDate) -> bool {
    d.succ_opt().is_none_or(|next| next.month() != d.month())
}

/// Where a family stands, as a caseload shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stage")]
pub enum Stage {
    /// 妊娠中, with the gestational age today and the due date.
    Pregnant { age: GestationalAge, due_date: NaiveDate },
    /// 子育て中, by the youngest child.
    Parenting { age: ChildAge, birth_date: NaiveDate },
    /// Neither an ongoing pregnancy nor a child on record (e.g. after a loss).
    NoActiveRecord,
}

impl Stage {
    /// An ongoing pregnancy comes first (the most time-critical support), else the youngest child.
    pub fn of(pregnancies: &[Pregnancy], children: &[Child], today: NaiveDate) -> Stage {
        if let Some(p) = pregnancies
            .iter()
            .filter(|p| p.outcome == PregnancyOutcome::Ongoing)
            .min_by_key(|p| p.due_date)
        {
            return Stage::Pregnant {
                age: GestationalAge::on(p.due_date, today),
                due_date: p.due_date,
            };
        }
        match children.iter().max_by_key(|c| c.birth_date) {
            Some(c) => Stage::Parenting {
                age: ChildAge::on(c.birth_date, today),
                birth_date: c.birth_date,
            },
            None => Stage::NoActiveRecord,
        }
    }
}

/// One row of a coordinator's caseload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadEntry {
    pub family: FamilyId,
    pub family_name: String,
    pub family_name_kana: String,
    pub site_name: Option<String>,
    pub stage: Stage,
    /// How many items the family has on the task list today, and how many of them are late.
    pub open_tasks: u32,
    pub late_tasks: u32,
    /// The first of them, earliest due first (a first look from the row).
    pub first_tasks: Vec<crate::support::task::Task>,
    /// The categories of its open risk flags.
    pub flags: Vec<crate::support::risk::RiskCategory>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadPage {
    pub entries: Vec<CaseloadEntry>,
    /// 1-based: where the page's first family stands in the whole list.
    pub page: u32,
    pub page_count: u32,
    pub total: u64,
    /// Where the previous and the next page start, when there are such pages.
    pub before: Option<CaseloadCursor>,
    pub after: Option<CaseloadCursor>,
}

/// A place in the caseload's order (kana, then id): pages start right after or right before one,
/// so a family added meanwhile never shifts a family onto two pages or off both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadCursor {
    pub kana: String,
    pub family: FamilyId,
}

impl CaseloadCursor {
    /// `<id>.<kana>`, for a URL.
    pub fn to_text(&self) -> String {
        format!("{}.{}", self.family.0, self.kana)
    }

    pub fn parse(text: &str) -> Option<Self> {
        let (id, kana) = text.split_once('.')?;
        Some(CaseloadCursor {
            kana: kana.to_owned(),
            family: FamilyId(id.parse().ok()?),
        })
    }
}

/// Which page of the caseload to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseloadPosition {
    First,
    /// The families right after this one.
    After(CaseloadCursor),
    /// The families right before this one.
    Before(CaseloadCursor),
}

impl CaseloadPage {
    pub const SIZE: u32 = 20;

    pub fn page_count(total: u64) -> u32 {
        (total.div_ceil(u64::from(Self::SIZE))).max(1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn gestational_age_counts_back_from_the_due_date() {
        assert_eq!(
            GestationalAge::on(d("2026-12-01"), d("2026-12-01")),
            GestationalAge { weeks: 40, days: 0 }
        );
        assert_eq!(
            GestationalAge::on(d("2026-12-01"), d("2026-11-30")),
            GestationalAge { weeks: 39, days: 6 }
        );
        // 12 weeks before 40w0d is 28w0d.
        assert_eq!(
            GestationalAge::on(d("2026-12-01"), d("2026-09-08")),
            GestationalAge { weeks: 28, days: 0 }
        );
    }

    #[test]
    fn child_age_counts_completed_months() {
        let born = d("2026-01-15");
        assert_eq!(ChildAge::on(born, d("2026-02-14")), ChildAge { years: 0, months: 0 });
        assert_eq!(ChildAge::on(born, d("2026-02-15")), ChildAge { years: 0, months: 1 });
        assert_eq!(ChildAge::on(born, d("2027-04-20")), ChildAge { years: 1, months: 3 });
        assert_eq!(ChildAge::on(born, d("2025-12-01")), ChildAge { years: 0, months: 0 });
    }

    #[test]
    fn child_age_at_month_ends_counts_the_short_month_as_complete() {
        // Born on the 31st: a month is complete on the last day of a shorter month.
        assert_eq!(
            ChildAge::on(d("2026-01-31"), d("2026-02-28")),
            ChildAge { years: 0, months: 1 }
        );
        assert_eq!(
            ChildAge::on(d("2024-02-29"), d("2025-02-28")),
            ChildAge { years: 1, months: 0 }
        );
    }

    fn pregnancy(due: &str, outcome: PregnancyOutcome) -> Pregnancy {
        Pregnancy {
            id: PregnancyId(1),
            due_date: d(due),
            notified_on: Some(d("2026-05-01")),
            heartbeat_on: None,
            fetuses: 1,
            outcome,
            ended_on: None,
        }
    }

    fn child(born: &str) -> Child {
        Child {
            id: ChildId(1),
            pregnancy: None,
            name: "花".into(),
            name_kana: "ハナ".into(),
            birth_date: d(born),
            sex: Sex::Female,
            options: Default::default(),
        }
    }

    #[test]
    fn an_ongoing_pregnancy_sets_the_stage_before_older_children() {
        let today = d("2026-11-24");
        let stage = Stage::of(
            &[pregnancy("2027-03-01", PregnancyOutcome::Ongoing)],
            &[child("2024-06-01")],
            today,
        );
        assert!(matches!(stage, Stage::Pregnant { due_date, .. } if due_date == d("2027-03-01")));
    }

    #[test]
    fn without_a_pregnancy_the_youngest_child_sets_the_stage() {
        let today = d("2026-11-24");
        let stage = Stage::of(
            &[pregnancy("2026-06-01", PregnancyOutcome::Born)],
            &[child("2023-01-01"), child("2026-06-03")],
            today,
        );
        assert_eq!(
            stage,
            Stage::Parenting {
                age: ChildAge { years: 0, months: 5 },
                birth_date: d("2026-06-03")
            }
        );
        assert_eq!(
            Stage::of(&[pregnancy("2026-06-01", PregnancyOutcome::Lost)], &[], today),
            Stage::NoActiveRecord
        );
    }

    #[test]
    fn page_count_is_at_least_one() {
        assert_eq!(CaseloadPage::page_count(0), 1);
        assert_eq!(CaseloadPage::page_count(20), 1);
        assert_eq!(CaseloadPage::page_count(21), 2);
    }
}
