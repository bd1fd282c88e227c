//! サポートプラン — the plan the こども家庭センター writes for each person it supports (児童福祉法 as
//! amended in 2024, こども家庭センターガイドライン): whom it is for, under which category, for which
//! period, how it was explained to and shared with the family, and the 合同ケース会議 that decided
//! and reviewed it. Several plans can be open for one family; every save is kept as history.

use super::risk::{FlagOrigin, RiskCategory};
use crate::code_enum;
use crate::ids::{AccountId, ChildId};
use crate::input::{Invalid, Problem, free_text};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

code_enum!(
    PlanStatus {
        Active = "active",
        Closed = "closed",
    }
);

code_enum!(
    /// The category a plan is written under.
    PlanCategory {
        /// 特定妊婦 — a pregnant woman whose support after the birth is especially needed.
        SpecifiedPregnancy = "specified_pregnancy",
        /// 要支援児童 — a child whose upbringing especially needs support.
        ChildNeedingSupport = "child_needing_support",
        /// 要保護児童 — a child requiring protection (shared with 要対協 / 児童相談所).
        ChildRequiringProtection = "child_requiring_protection",
        /// 母子保健 — a mother or infant who needs health support (産後うつ, 低出生体重児 …).
        MaternalChildHealth = "maternal_child_health",
    }
);

/// Whom a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlanSubject {
    /// The mother (妊産婦).
    Mother,
    Child(ChildId),
    /// The household as a whole (世帯).
    Household,
}

impl PlanSubject {
    /// As stored: the kind, and the child for a child's plan.
    pub fn stored(self) -> (&'static str, Option<ChildId>) {
        match self {
            PlanSubject::Mother => ("mother", None),
            PlanSubject::Child(c) => ("child", Some(c)),
            PlanSubject::Household => ("household", None),
        }
    }

    pub fn from_stored(kind: &str, child: Option<ChildId>) -> Option<Self> {
        match (kind, child) {
            ("mother", None) => Some(PlanSubject::Mother),
            ("child", Some(c)) => Some(PlanSubject::Child(c)),
            ("household", None) => Some(PlanSubject::Household),
            _ => None,
        }
    }

    /// The value a form sends: `mother`, `household` or `child:<id>`.
    pub fn form_value(self) -> String {
        match self {
            PlanSubject::Child(c) => format!("child:{}", c.0),
            other => other.stored().0.to_owned(),
        }
    }

    pub fn parse_field(field: &str, raw: &str) -> Result<Self, Invalid> {
        let raw = raw.trim();
        let malformed = || Invalid::new(field, Problem::Malformed);
        match raw {
            "" => Err(Invalid::new(field, Problem::Required)),
            "mother" => Ok(PlanSubject::Mother),
            "household" => Ok(PlanSubject::Household),
            _ => {
                let id = raw.strip_prefix("child:").ok_or_else(malformed)?;
                id.parse()
                    .map(|id| PlanSubject::Child(ChildId(id)))
                    .map_err(|_| malformed())
            }
        }
    }
}

impl PlanCategory {
    /// Whether a plan of this category can be for `subject`: a 特定妊婦 plan is the mother's, a
    /// 要支援児童 or 要保護児童 plan a child's or the household's (several children), a 母子保健
    /// plan the mother's or a child's.
    pub fn admits(self, subject: PlanSubject) -> bool {
        match self {
            PlanCategory::SpecifiedPregnancy => subject == PlanSubject::Mother,
            PlanCategory::ChildNeedingSupport | PlanCategory::ChildRequiringProtection => {
                matches!(subject, PlanSubject::Child(_) | PlanSubject::Household)
            }
            PlanCategory::MaternalChildHealth => matches!(subject, PlanSubject::Mother | PlanSubject::Child(_)),
        }
    }

    /// The plan a new flag opens when the family has no open plan of that category and subject:
    /// an EPDS flag is the mother's health, the others follow the flag's category.
    pub fn opened_by(flag: RiskCategory, origin: FlagOrigin) -> (PlanCategory, PlanSubject) {
        match (flag, origin) {
            (_, FlagOrigin::Epds) => (PlanCategory::MaternalChildHealth, PlanSubject::Mother),
            (RiskCategory::SpecifiedPregnancy, _) => (PlanCategory::SpecifiedPregnancy, PlanSubject::Mother),
            (RiskCategory::NeedsSupport, _) => (PlanCategory::ChildNeedingSupport, PlanSubject::Household),
            (RiskCategory::ChildRequiringProtection, _) => {
                (PlanCategory::ChildRequiringProtection, PlanSubject::Household)
            }
        }
    }
}

/// A subject and category that go together (see [`PlanCategory::admits`]).
pub fn subject_for(category: PlanCategory, subject: PlanSubject) -> Result<PlanSubject, Invalid> {
    if category.admits(subject) {
        Ok(subject)
    } else {
        Err(Invalid::new("subject", Problem::NotForCategory))
    }
}

/// A plan's period: from, the next review, until. The review falls within the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPeriod {
    pub from: NaiveDate,
    pub review_on: NaiveDate,
    pub until: NaiveDate,
}

impl PlanPeriod {
    pub fn new(from: NaiveDate, review_on: NaiveDate, until: NaiveDate) -> Result<Self, Invalid> {
        if until < from {
            return Err(Invalid::new("ends_on", Problem::DateOutOfRange));
        }
        if review_on < from || review_on > until {
            return Err(Invalid::new("review_on", Problem::DateOutOfRange));
        }
        Ok(PlanPeriod { from, review_on, until })
    }

    /// The period of a plan a flag opens on `flagged_on`: the first review (the first case
    /// conference) a week later, so the family shows on the task list at once, and six months in all.
    pub fn opened_on(flagged_on: NaiveDate) -> Self {
        PlanPeriod {
            from: flagged_on,
            review_on: first_review_on(flagged_on),
            until: flagged_on
                .checked_add_months(chrono::Months::new(FIRST_PERIOD_MONTHS))
                .unwrap_or(NaiveDate::MAX),
        }
    }
}

code_enum!(
    /// How a plan was explained to and shared with the family.
    SharingMethod {
        /// 面談で説明
        InPerson = "in_person",
        /// 家庭訪問で説明
        HomeVisit = "home_visit",
        /// 電話で説明
        Phone = "phone",
        /// 書面（プランの写し）を渡した
        Document = "document",
    }
);

/// When and how the plan was explained to and shared with the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    pub on: NaiveDate,
    pub how: SharingMethod,
}

impl Sharing {
    /// Both or neither: a date without a way (or a way without a date) is refused by the field
    /// left out; a day after `today` has not happened yet.
    pub fn from_form(
        on: Option<NaiveDate>,
        how: Option<SharingMethod>,
        today: NaiveDate,
    ) -> Result<Option<Self>, Invalid> {
        match (on, how) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(Invalid::new("shared_how", Problem::Required)),
            (None, Some(_)) => Err(Invalid::new("shared_on", Problem::Required)),
            (Some(on), Some(_)) if on > today => Err(Invalid::new("shared_on", Problem::DateOutOfRange)),
            (Some(on), Some(how)) => Ok(Some(Sharing { on, how })),
        }
    }
}

code_enum!(
    /// What a 合同ケース会議 did with the plan.
    MeetingPurpose {
        /// 策定 — decided the plan.
        Decided = "decided",
        /// 見直し — reviewed it.
        Reviewed = "reviewed",
    }
);

/// Someone who took part in a case meeting, by role and institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// 保健師, 児童福祉司, 保育士 …
    pub role: String,
    /// こども家庭センター, 児童相談所, ○○保育園 …
    pub institution: String,
}

/// The longest role or institution name a participant row takes.
pub const MAX_PARTICIPANT_TEXT: usize = 100;
/// The most participants one meeting records.
pub const MAX_PARTICIPANTS: usize = 30;

/// The participants of a meeting from a form's rows: blank rows are left out, a row needs its
/// role, and a meeting has at least one participant.
pub fn participants(rows: &[(String, String)]) -> Result<Vec<Participant>, Invalid> {
    let mut out = Vec::new();
    for (role, institution) in rows {
        let role = free_text("participants", role, MAX_PARTICIPANT_TEXT)?;
        let institution = free_text("participants", institution, MAX_PARTICIPANT_TEXT)?;
        if role.contains('\n') || institution.contains('\n') {
            return Err(Invalid::new("participants", Problem::Malformed));
        }
        match (role.is_empty(), institution.is_empty()) {
            (true, true) => continue,
            (true, false) => return Err(Invalid::new("participants", Problem::Required)),
            _ => out.push(Participant { role, institution }),
        }
    }
    if out.is_empty() {
        return Err(Invalid::new("participants", Problem::Required));
    }
    if out.len() > MAX_PARTICIPANTS {
        return Err(Invalid::new("participants", Problem::TooLong));
    }
    Ok(out)
}

/// A 合同ケース会議 held before `today` (or on it): a meeting is recorded once it took place.
pub fn meeting_held_on(held_on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    if held_on > today {
        return Err(Invalid::new("held_on", Problem::DateOutOfRange));
    }
    Ok(held_on)
}

/// 合同ケース会議 — the joint case conference that decided or reviewed a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseMeeting {
    pub id: i64,
    pub held_on: NaiveDate,
    pub purpose: MeetingPurpose,
    pub participants: Vec<Participant>,
    /// What was decided.
    pub decisions: String,
    pub recorded_by_name: String,
    pub recorded_at: DateTime<Utc>,
}

/// サポートプラン: whom it is for and why, its period, goals, services, who is responsible inside
/// and outside the centre, how it was shared with the family, and the meetings behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportPlan {
    pub id: i64,
    pub status: PlanStatus,
    pub subject: PlanSubject,
    pub category: PlanCategory,
    pub period: PlanPeriod,
    pub goals: String,
    pub services: String,
    pub responsible: Option<AccountId>,
    pub responsible_name: Option<String>,
    /// Related institutions involved (names as in the directory, or free text).
    pub institutions: String,
    pub shared: Option<Sharing>,
    /// How the family took it, or why it is not shared (yet).
    pub sharing_note: String,
    /// The day the plan was closed; none while it is active.
    pub closed_on: Option<NaiveDate>,
    /// Bumped on every save; a form sends the revision it was made from.
    pub revision: i64,
    pub history: Vec<PlanRevision>,
    /// Newest first.
    pub meetings: Vec<CaseMeeting>,
}

/// One saved version of a plan, newest first in [`SupportPlan::history`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRevision {
    pub revision: i64,
    pub status: PlanStatus,
    pub subject: PlanSubject,
    pub category: PlanCategory,
    pub period: PlanPeriod,
    pub goals: String,
    pub services: String,
    pub institutions: String,
    pub shared: Option<Sharing>,
    pub sharing_note: String,
    pub saved_by_name: String,
    /// UTC instant, shown in the municipality's time zone.
    pub saved_at: DateTime<Utc>,
}

/// A new flag opens a plan whose first review (the first case conference) is a week away, so the
/// family appears on the task list at once.
pub const FIRST_REVIEW_AFTER_DAYS: i64 = 7;

/// The period of a plan a flag opens, until a coordinator sets its own.
pub const FIRST_PERIOD_MONTHS: u32 = 6;

/// Plan reviews show on the task list from this many days before they fall due.
pub const REVIEW_NOTICE_DAYS: i64 = 14;

pub fn first_review_on(flagged_on: NaiveDate) -> NaiveDate {
    crate::schedule::dates::add_days(flagged_on, FIRST_REVIEW_AFTER_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_first_review_is_a_week_after_the_flag_and_the_period_six_months() {
        assert_eq!(first_review_on(d("2026-12-28")), d("2027-01-04"));
        assert_eq!(
            PlanPeriod::opened_on(d("2026-08-31")),
            PlanPeriod {
                from: d("2026-08-31"),
                review_on: d("2026-09-07"),
                until: d("2027-02-28"),
            }
        );
    }

    #[test]
    fn each_category_admits_exactly_its_subjects() {
        use PlanCategory::*;
        let child = PlanSubject::Child(ChildId(4));
        let table = [
            (SpecifiedPregnancy, [true, false, false]),
            (ChildNeedingSupport, [false, true, true]),
            (ChildRequiringProtection, [false, true, true]),
            (MaternalChildHealth, [true, true, false]),
        ];
        assert_eq!(table.len(), PlanCategory::ALL.len());
        for (category, admits) in table {
            let got = [PlanSubject::Mother, child, PlanSubject::Household].map(|s| category.admits(s));
            assert_eq!(got, admits, "{category:?}");
            for (subject, ok) in [PlanSubject::Mother, child, PlanSubject::Household]
                .into_iter()
                .zip(admits)
            {
                let refused = subject_for(category, subject).err().map(|e| (e.field, e.problem));
                assert_eq!(refused.is_none(), ok, "{category:?} {subject:?}");
                if !ok {
                    assert_eq!(refused, Some(("subject".to_owned(), Problem::NotForCategory)));
                }
            }
        }
    }

    #[test]
    fn a_flag_opens_a_plan_its_category_admits() {
        for &flag in RiskCategory::ALL {
            for &origin in FlagOrigin::ALL {
                let (category, subject) = PlanCategory::opened_by(flag, origin);
                assert!(category.admits(subject), "{flag:?} {origin:?}");
            }
        }
        assert_eq!(
            PlanCategory::opened_by(RiskCategory::NeedsSupport, FlagOrigin::Epds),
            (PlanCategory::MaternalChildHealth, PlanSubject::Mother)
        );
        assert_eq!(
            PlanCategory::opened_by(RiskCategory::SpecifiedPregnancy, FlagOrigin::Interview),
            (PlanCategory::SpecifiedPregnancy, PlanSubject::Mother)
        );
    }

    #[test]
    fn subjects_round_trip_through_forms_and_storage() {
        for subject in [
            PlanSubject::Mother,
            PlanSubject::Household,
            PlanSubject::Child(ChildId(12)),
        ] {
            assert_eq!(PlanSubject::parse_field("subject", &subject.form_value()), Ok(subject));
            let (kind, child) = subject.stored();
            assert_eq!(PlanSubject::from_stored(kind, child), Some(subject));
        }
        assert_eq!(PlanSubject::from_stored("child", None), None);
        assert_eq!(PlanSubject::from_stored("mother", Some(ChildId(1))), None);
        for bad in ["child:", "child:x", "father", "pregnancy:3"] {
            assert_eq!(
                PlanSubject::parse_field("subject", bad).unwrap_err().problem,
                Problem::Malformed,
                "{bad}"
            );
        }
        assert_eq!(
            PlanSubject::parse_field("subject", " ").unwrap_err().problem,
            Problem::Required
        );
    }

    #[test]
    fn a_period_holds_its_review() {
        let p = PlanPeriod::new(d("2026-12-01"), d("2027-03-01"), d("2027-05-31")).unwrap();
        assert_eq!(p.review_on, d("2027-03-01"));
        assert!(PlanPeriod::new(d("2026-12-01"), d("2026-12-01"), d("2026-12-01")).is_ok());
        let refused = |from, review, until| {
            let e = PlanPeriod::new(d(from), d(review), d(until)).unwrap_err();
            (e.field, e.problem)
        };
        let out = Problem::DateOutOfRange;
        assert_eq!(
            refused("2026-12-01", "2026-12-01", "2026-11-30"),
            ("ends_on".into(), out)
        );
        assert_eq!(
            refused("2026-12-01", "2026-11-30", "2027-01-01"),
            ("review_on".into(), out)
        );
        assert_eq!(
            refused("2026-12-01", "2027-01-02", "2027-01-01"),
            ("review_on".into(), out)
        );
    }

    #[test]
    fn sharing_needs_its_date_and_its_way_and_has_happened() {
        let today = d("2026-12-07");
        let how = Some(SharingMethod::InPerson);
        assert_eq!(Sharing::from_form(None, None, today), Ok(None));
        assert_eq!(
            Sharing::from_form(Some(today), how, today),
            Ok(Some(Sharing {
                on: today,
                how: SharingMethod::InPerson
            }))
        );
        let field = |r: Result<Option<Sharing>, Invalid>| r.map_err(|e| (e.field, e.problem)).unwrap_err();
        assert_eq!(
            field(Sharing::from_form(Some(today), None, today)),
            ("shared_how".into(), Problem::Required)
        );
        assert_eq!(
            field(Sharing::from_form(None, how, today)),
            ("shared_on".into(), Problem::Required)
        );
        assert_eq!(
            field(Sharing::from_form(Some(d("2026-12-08")), how, today)),
            ("shared_on".into(), Problem::DateOutOfRange)
        );
    }

    #[test]
    fn participants_are_the_rows_written_each_with_its_role() {
        let row = |r: &str, i: &str| (r.to_owned(), i.to_owned());
        let got = participants(&[
            row(" 保健師 ", "こども家庭センター"),
            row("", ""),
            row("児童福祉司", "中央児童相談所"),
            row("主任児童委員", ""),
        ])
        .unwrap();
        assert_eq!(
            got.iter()
                .map(|p| (p.role.as_str(), p.institution.as_str()))
                .collect::<Vec<_>>(),
            [
                ("保健師", "こども家庭センター"),
                ("児童福祉司", "中央児童相談所"),
                ("主任児童委員", "")
            ]
        );
        let problem = |rows: &[(String, String)]| participants(rows).unwrap_err().problem;
        assert_eq!(problem(&[row("", ""), row(" ", "")]), Problem::Required);
        assert_eq!(problem(&[row("", "保育園")]), Problem::Required);
        assert_eq!(problem(&[row(&"あ".repeat(101), "")]), Problem::TooLong);
        assert_eq!(problem(&[row("保健師\n医師", "")]), Problem::Malformed);
        assert_eq!(
            problem(&vec![row("保健師", ""); MAX_PARTICIPANTS + 1]),
            Problem::TooLong
        );
    }

    #[test]
    fn a_meeting_is_recorded_once_held() {
        let today = d("2026-12-07");
        assert_eq!(meeting_held_on(today, today), Ok(today));
        assert_eq!(
            meeting_held_on(d("2026-12-08"), today).unwrap_err().problem,
            Problem::DateOutOfRange
        );
    }
}
