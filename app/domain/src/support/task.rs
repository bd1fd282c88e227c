//! The task list: what a coordinator or a site has to do next, derived from the timelines, the
//! planned visits, the support plans and the consultations. [`family_tasks`] plans them from
//! scratch for one day; [`kept_family_tasks`] gives the same tasks in the form the task table
//! keeps them — each with the days it is on the list — so that the table, written when a family's
//! record changes, answers for any later day without planning again. The planner stays the oracle:
//! a property test shows the two always agree.

use super::benefit::{BenefitClaim, ClaimState, ReceivedClaim, pregnancy_claims};
use super::interview::InterviewKind;
use super::visit::{HomeVisit, VisitKind};
use crate::family::Pregnancy;
use crate::ids::{AccountId, FamilyId, SiteId};
use crate::schedule::dates::add_days;
use crate::schedule::{Kind, Status};
use crate::timeline::{Member, MemberTimeline};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Items that ended longer ago than this no longer make tasks (they are history, and the figures
/// count them); recent misses are the ones a call can still rescue.
pub const LOOKBACK_DAYS: i64 = 180;

/// The kinds of timeline item that make tasks; the task list plans these alone
/// (`Schedule::only(&TASK_KINDS)`) and reads only their records.
pub const TASK_KINDS: [Kind; 4] = [Kind::Interview, Kind::Checkup, Kind::HomeVisit, Kind::Vaccination];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "task")]
pub enum TaskKind {
    /// A home visit to make (one every family gets, or one a plan added).
    Visit { visit: VisitKind },
    /// A 伴走型 contact that has not happened yet.
    Interview { interview: InterviewKind },
    /// A support plan whose review falls due.
    PlanReview,
    /// A checkup the timeline shows as missed or overdue: confirm the child's state (未受診者把握).
    MissedCheckup,
    /// A routine (定期) vaccination past its standard period, or missed: encourage it while the
    /// legal window is open, and confirm the child's state after (未接種者把握).
    MissedVaccination,
    /// A parent's consultation waiting for the centre's reply.
    Consultation { consultation: i64 },
    /// A referral still waiting for the institution's answer after its due-back day.
    ReferralDueBack { referral: i64 },
    /// A 支援給付 claim not yet received whose two years end within [`super::benefit::DEADLINE_NOTICE_DAYS`].
    BenefitClaim { claim: BenefitClaim },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub kind: TaskKind,
    pub family: FamilyId,
    pub family_name: String,
    pub site: Option<SiteId>,
    pub member: Option<Member>,
    /// The timeline item, when the task comes from one.
    pub item: Option<String>,
    /// The last day it should be done (or the review date).
    pub due: NaiveDate,
    pub scheduled_on: Option<NaiveDate>,
    pub assignee: Option<AccountId>,
    pub assignee_name: Option<String>,
}

impl TaskKind {
    /// A timeline item that passed its recommended period without a record.
    pub const fn is_missed_item(self) -> bool {
        matches!(self, TaskKind::MissedCheckup | TaskKind::MissedVaccination)
    }
}

impl Task {
    pub fn is_late(&self, today: NaiveDate) -> bool {
        self.due < today
    }
}

/// Who the list is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "id")]
pub enum Scope {
    /// Tasks assigned to this coordinator.
    Mine(AccountId),
    /// Tasks of the families of one site, assigned or not.
    Site(SiteId),
    /// The whole municipality.
    All,
}

impl Scope {
    pub fn includes(&self, task: &Task) -> bool {
        match self {
            Scope::Mine(account) => task.assignee == Some(*account),
            Scope::Site(site) => task.site == Some(*site),
            Scope::All => true,
        }
    }
}

/// What a family contributes to the task list, before assignments are known.
pub struct FamilyFacts<'a> {
    pub family: FamilyId,
    pub family_name: &'a str,
    pub site: Option<SiteId>,
    pub timelines: &'a [MemberTimeline],
    /// Every visit on record for the family, planned or done.
    pub visits: &'a [HomeVisit],
    pub pregnancies: &'a [Pregnancy],
    /// The 支援給付 claims received for the family's pregnancies.
    pub claims: &'a [ReceivedClaim],
}

/// The family's tasks from its timelines and visits, as of `today`.
pub fn family_tasks(facts: &FamilyFacts<'_>, today: NaiveDate) -> Vec<Task> {
    let horizon = add_days(today, -LOOKBACK_DAYS);
    let mut tasks = Vec::new();
    for timeline in facts.timelines {
        for item in &timeline.timeline.items {
            let pending = matches!(item.status, Status::Due | Status::Overdue | Status::Missed);
            if item.projected || !pending || item.latest < horizon {
                continue;
            }
            match item_task(facts, timeline.member, item) {
                // A checkup or a vaccination in its recommended period is not missed yet.
                Some(t) if t.kind.is_missed_item() && item.status == Status::Due => {}
                Some(t) => tasks.push(t),
                None => {}
            }
        }
    }
    tasks.extend(plan_only_visits(facts));
    tasks.extend(
        benefit_claims(facts)
            .filter(|(window, _)| window.state(today) == ClaimState::NearDeadline)
            .map(|(_, task)| task),
    );
    tasks
}

/// Every claim not yet received, with the task it makes near its deadline.
fn benefit_claims<'f>(facts: &'f FamilyFacts<'_>) -> impl Iterator<Item = (super::benefit::ClaimWindow, Task)> + 'f {
    facts
        .pregnancies
        .iter()
        .filter_map(|p| Some((p, pregnancy_claims(p, facts.claims)?)))
        .flat_map(|(p, windows)| windows.into_iter().map(move |w| (p, w)))
        .filter(|(_, window)| window.received_on.is_none())
        .map(|(p, window)| {
            let kind = TaskKind::BenefitClaim { claim: window.claim };
            let task = blank_task(facts, kind, Some(Member::Pregnancy(p.id)), None, window.until);
            (window, task)
        })
}

/// A task of the family with nothing assigned or scheduled yet.
fn blank_task(
    facts: &FamilyFacts<'_>,
    kind: TaskKind,
    member: Option<Member>,
    item: Option<String>,
    due: NaiveDate,
) -> Task {
    Task {
        kind,
        family: facts.family,
        family_name: facts.family_name.to_owned(),
        site: facts.site,
        member,
        item,
        due,
        scheduled_on: None,
        assignee: None,
        assignee_name: None,
    }
}

/// The task a timeline item makes when it is pending, whatever the day: a visit (with the
/// assignment and date of the one planned), an interview, or — for a checkup or a routine
/// vaccination — a missed one. `None` for kinds that make no task (voluntary vaccinations, 任意
/// 接種, are the family's choice) and for a visit already recorded.
fn item_task(facts: &FamilyFacts<'_>, member: Member, item: &crate::schedule::Item) -> Option<Task> {
    let kind = match item.kind {
        Kind::HomeVisit => TaskKind::Visit {
            visit: VisitKind::of_timeline_key(item.series.as_str())?,
        },
        Kind::Interview => TaskKind::Interview {
            interview: interview_of_key(item.series.as_str())?,
        },
        Kind::Checkup => TaskKind::MissedCheckup,
        Kind::Vaccination if item.routine => TaskKind::MissedVaccination,
        _ => return None,
    };
    let mut t = blank_task(facts, kind, Some(member), Some(item.key.to_string()), item.latest);
    if let TaskKind::Visit { visit } = kind {
        let of_member = |v: &&HomeVisit| v.kind == visit && member_of_visit(v) == Some(member);
        // A visit recorded but not yet reflected on the timeline is done.
        if facts.visits.iter().filter(of_member).any(|v| !v.is_open()) {
            return None;
        }
        // A visit already planned for this child carries its assignment and date.
        if let Some(v) = facts.visits.iter().filter(of_member).find(|v| v.is_open()) {
            t.scheduled_on = v.scheduled_on;
            t.assignee = v.assigned_to;
            t.assignee_name = v.assigned_name.clone();
        }
    }
    Some(t)
}

/// Visits that only a plan or a worry calls for: on the list while open.
fn plan_only_visits<'f>(facts: &'f FamilyFacts<'_>) -> impl Iterator<Item = Task> + 'f {
    facts
        .visits
        .iter()
        .filter(|v| v.is_open() && v.kind.timeline_key().is_none())
        .map(|v| Task {
            scheduled_on: v.scheduled_on,
            assignee: v.assigned_to,
            assignee_name: v.assigned_name.clone(),
            ..blank_task(
                facts,
                TaskKind::Visit { visit: v.kind },
                member_of_visit(v),
                None,
                v.due_by,
            )
        })
}

fn interview_of_key(series: &str) -> Option<InterviewKind> {
    InterviewKind::ALL.iter().copied().find(|k| k.timeline_key() == series)
}

fn member_of_visit(v: &HomeVisit) -> Option<Member> {
    match (v.child, v.pregnancy) {
        (Some(c), _) => Some(Member::Child(c)),
        (None, Some(p)) => Some(Member::Pregnancy(p)),
        (None, None) => None,
    }
}

/// A plan review as a task, once it is within [`super::plan::REVIEW_NOTICE_DAYS`].
pub fn plan_review_task(
    family: FamilyId,
    family_name: &str,
    site: Option<SiteId>,
    review_on: NaiveDate,
    responsible: Option<(AccountId, String)>,
    today: NaiveDate,
) -> Option<Task> {
    if review_on > add_days(today, super::plan::REVIEW_NOTICE_DAYS) {
        return None;
    }
    let (assignee, assignee_name) = responsible.map_or((None, None), |(a, n)| (Some(a), Some(n)));
    Some(Task {
        kind: TaskKind::PlanReview,
        family,
        family_name: family_name.to_owned(),
        site,
        member: None,
        item: None,
        due: review_on,
        scheduled_on: None,
        assignee,
        assignee_name,
    })
}

/// A consultation waiting for a reply, due the day the parent started waiting.
pub fn consultation_task(
    consultation: &crate::consultation::Consultation,
    site: Option<SiteId>,
    waiting_since: NaiveDate,
) -> Task {
    Task {
        kind: TaskKind::Consultation {
            consultation: consultation.id,
        },
        family: consultation.family,
        family_name: consultation.family_name.clone(),
        site,
        member: consultation.member,
        item: None,
        due: waiting_since,
        scheduled_on: None,
        assignee: consultation.assigned_to,
        assignee_name: consultation.assigned_name.clone(),
    }
}

/// A referral waiting past its due-back day, for the coordinator who made it; `None` before.
pub fn referral_task(referral: &OpenReferral, today: NaiveDate) -> Option<Task> {
    (today > referral.due_back_on).then(|| referral.task())
}

/// A referral that waits for an answer and has a due-back day, with its family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReferral {
    pub referral: i64,
    pub family: FamilyId,
    pub family_name: String,
    pub site: Option<SiteId>,
    pub due_back_on: NaiveDate,
    pub referred_by: AccountId,
    pub referred_by_name: String,
}

impl OpenReferral {
    fn task(&self) -> Task {
        Task {
            kind: TaskKind::ReferralDueBack {
                referral: self.referral,
            },
            family: self.family,
            family_name: self.family_name.clone(),
            site: self.site,
            member: None,
            item: None,
            due: self.due_back_on,
            scheduled_on: None,
            assignee: Some(self.referred_by),
            assignee_name: Some(self.referred_by_name.clone()),
        }
    }
}

/// A task as the task table keeps it: the task, and the days it is on the list — from
/// `shows_from` (always, when `None`) until `hides_after` (for good, when `None`), inclusive.
/// Nothing in it depends on the day it was computed, as long as no record is dated after that day
/// — except where `replan_after` says so: a vaccination not given moves with the child's age (a
/// catch-up rule such as PCV's or Hib's changes which doses are left and until when), so its task
/// holds for the day it was planned only, and the family's tasks are kept anew after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptTask {
    pub task: Task,
    pub shows_from: Option<NaiveDate>,
    pub hides_after: Option<NaiveDate>,
    /// After this day the family's tasks must be planned again (`None`: not by date).
    pub replan_after: Option<NaiveDate>,
}

impl KeptTask {
    pub fn on_list(&self, today: NaiveDate) -> bool {
        self.shows_from.is_none_or(|from| from <= today) && self.hides_after.is_none_or(|until| today <= until)
    }

    /// A plan review, on the list from [`super::plan::REVIEW_NOTICE_DAYS`] before it.
    pub fn plan_review(
        family: FamilyId,
        family_name: &str,
        site: Option<SiteId>,
        review_on: NaiveDate,
        responsible: Option<(AccountId, String)>,
    ) -> KeptTask {
        let shows_from = add_days(review_on, -super::plan::REVIEW_NOTICE_DAYS);
        let task = plan_review_task(family, family_name, site, review_on, responsible, shows_from)
            .expect("a review is on the list from its notice day");
        KeptTask {
            task,
            shows_from: Some(shows_from),
            hides_after: None,
            replan_after: None,
        }
    }

    /// A referral: on the list from the day after its due-back day until an answer changes it.
    pub fn referral(referral: &OpenReferral) -> KeptTask {
        KeptTask {
            task: referral.task(),
            shows_from: Some(add_days(referral.due_back_on, 1)),
            hides_after: None,
            replan_after: None,
        }
    }

    /// A consultation waiting for a reply: on the list until a reply or its closing changes it.
    pub fn consultation(
        consultation: &crate::consultation::Consultation,
        site: Option<SiteId>,
        waiting_since: NaiveDate,
    ) -> KeptTask {
        KeptTask {
            task: consultation_task(consultation, site, waiting_since),
            shows_from: None,
            hides_after: None,
            replan_after: None,
        }
    }
}

/// The family's tasks from its timelines and visits, for every day from the one the timelines
/// were planned for (`planned_on`) until one of them asks to be planned again
/// ([`KeptTask::replan_after`]): [`family_tasks`] of any such day is exactly those
/// [`KeptTask::on_list`] then.
pub fn kept_family_tasks(facts: &FamilyFacts<'_>, planned_on: NaiveDate) -> Vec<KeptTask> {
    let mut tasks = Vec::new();
    for timeline in facts.timelines {
        for item in &timeline.timeline.items {
            // Done, skipped by the rules, or dated from a birth not yet recorded: never on the list
            // until the record changes (and the family's tasks are kept anew).
            if item.projected || matches!(item.status, Status::Completed | Status::NotNeeded) {
                continue;
            }
            let Some(task) = item_task(facts, timeline.member, item) else {
                continue;
            };
            // The first day the status is one that makes a task (see `Dates::status`): due for
            // visits and interviews, overdue or missed for checkups and vaccinations; an item whose window closed
            // before it opened is missed from the start.
            let after_latest = add_days(item.latest, 1);
            let shows_from = (item.earliest <= item.latest).then(|| match task.kind {
                TaskKind::MissedCheckup | TaskKind::MissedVaccination => {
                    add_days(item.recommended_until, 1).min(after_latest)
                }
                _ => item.recommended_from.min(after_latest),
            });
            let replan_after = (task.kind == TaskKind::MissedVaccination).then_some(planned_on);
            tasks.push(KeptTask {
                task,
                shows_from,
                hides_after: Some(add_days(item.latest, LOOKBACK_DAYS)),
                replan_after,
            });
        }
    }
    tasks.extend(plan_only_visits(facts).map(|task| KeptTask {
        task,
        shows_from: None,
        hides_after: None,
        replan_after: None,
    }));
    // On the list from DEADLINE_NOTICE_DAYS before the deadline until it, unless received first.
    tasks.extend(benefit_claims(facts).map(|(window, task)| KeptTask {
        task,
        shows_from: Some(window.notice_from()),
        hides_after: Some(window.until),
        replan_after: None,
    }));
    tasks
}

/// Earliest due first; the list a coordinator works down.
pub fn sort(tasks: &mut [Task]) {
    tasks.sort_by(|a, b| a.due.cmp(&b.due).then(a.family.cmp(&b.family)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::{Child, FamilyRecord};
    use crate::ids::{ChildId, MunicipalityId};
    use crate::people::Sex;
    use crate::schedule::{Options, Schedule};
    use crate::timeline::{MemberRecord, family_timelines};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const CHILD: ChildId = ChildId(7);

    fn family_with_child(birth: &str) -> FamilyRecord {
        FamilyRecord {
            id: FamilyId(1),
            municipality: MunicipalityId(1),
            site: Some(SiteId(3)),
            site_name: None,
            family_name: "山田".into(),
            family_name_kana: "ヤマダ".into(),
            guardians: vec![],
            pregnancies: vec![],
            children: vec![Child {
                id: CHILD,
                pregnancy: None,
                name: "花".into(),
                name_kana: "ハナ".into(),
                birth_date: d(birth),
                sex: Sex::Female,
                options: Options::default(),
            }],
        }
    }

    fn tasks_on(birth: &str, records: &[(&str, &str)], visits: &[HomeVisit], today: &str) -> Vec<Task> {
        let family = family_with_child(birth);
        let records: Vec<MemberRecord> = records
            .iter()
            .map(|(key, on)| MemberRecord {
                member: Member::Child(CHILD),
                key: (*key).into(),
                done_on: d(on),
            })
            .collect();
        let timelines = family_timelines(Schedule::national(), &family, &records, d(today));
        let facts = FamilyFacts {
            family: family.id,
            family_name: "山田",
            site: family.site,
            timelines: &timelines,
            visits,
            pregnancies: &family.pregnancies,
            claims: &[],
        };
        let mut tasks = family_tasks(&facts, d(today));
        sort(&mut tasks);
        tasks
    }

    fn kinds(tasks: &[Task]) -> Vec<TaskKind> {
        tasks.iter().map(|t| t.kind).collect()
    }

    fn visit(kind: VisitKind, due: &str, visited: Option<&str>) -> HomeVisit {
        HomeVisit {
            id: 1,
            kind,
            pregnancy: None,
            child: Some(CHILD),
            due_by: d(due),
            assigned_to: Some(AccountId(5)),
            assigned_name: Some("保健 花子".into()),
            scheduled_on: Some(d("2026-11-30")),
            visited_on: visited.map(d),
            findings: String::new(),
            epds: None,
        }
    }

    #[test]
    fn a_newborn_brings_both_visits_and_the_postnatal_interview() {
        let tasks = tasks_on("2026-11-10", &[], &[], "2026-11-24");
        let k = kinds(&tasks);
        assert!(
            k.contains(&TaskKind::Visit {
                visit: VisitKind::Newborn
            }),
            "{k:?}"
        );
        assert!(
            k.contains(&TaskKind::Visit {
                visit: VisitKind::InfantHome
            }),
            "{k:?}"
        );
        assert!(
            k.contains(&TaskKind::Interview {
                interview: InterviewKind::Postnatal
            }),
            "{k:?}"
        );
        let newborn = tasks
            .iter()
            .find(|t| {
                t.kind
                    == TaskKind::Visit {
                        visit: VisitKind::Newborn,
                    }
            })
            .unwrap();
        // 新生児訪問: the 28-day window of the national schedule.
        assert_eq!(newborn.due, d("2026-12-08"));
        assert_eq!(newborn.member, Some(Member::Child(CHILD)));
        assert!(tasks.windows(2).all(|w| w[0].due <= w[1].due));
    }

    #[test]
    fn a_recorded_visit_ends_its_task_and_a_planned_one_carries_its_assignee() {
        let done = tasks_on("2026-11-10", &[("visit-newborn", "2026-11-20")], &[], "2026-11-24");
        assert!(!kinds(&done).contains(&TaskKind::Visit {
            visit: VisitKind::Newborn
        }));
        let planned = [visit(VisitKind::InfantHome, "2027-03-09", None)];
        let tasks = tasks_on("2026-11-10", &[], &planned, "2026-11-24");
        let infant = tasks
            .iter()
            .find(|t| {
                t.kind
                    == TaskKind::Visit {
                        visit: VisitKind::InfantHome,
                    }
            })
            .unwrap();
        assert_eq!(infant.assignee, Some(AccountId(5)));
        assert_eq!(infant.scheduled_on, Some(d("2026-11-30")));
        let visited = [visit(VisitKind::InfantHome, "2027-03-09", Some("2026-11-22"))];
        let tasks = tasks_on("2026-11-10", &[], &visited, "2026-11-24");
        assert!(!kinds(&tasks).contains(&TaskKind::Visit {
            visit: VisitKind::InfantHome
        }));
    }

    #[test]
    fn a_missed_checkup_is_a_task_until_it_is_long_past() {
        // Born 2026-03-01: the 3–4 month checkup window closed in summer.
        let tasks = tasks_on("2026-03-01", &[], &[], "2026-11-24");
        assert!(kinds(&tasks).contains(&TaskKind::MissedCheckup));
        let attended = tasks_on("2026-03-01", &[("checkup-3m", "2026-06-15")], &[], "2026-11-24");
        assert!(!attended.iter().any(|t| t.item.as_deref() == Some("checkup-3m")));
        // A five-year-old's missed 1-month checkup is history, not a task.
        let old = tasks_on("2021-06-01", &[], &[], "2026-11-24");
        assert!(!old.iter().any(|t| t.item.as_deref() == Some("checkup-1m")), "{old:?}");
    }

    #[test]
    fn a_routine_vaccination_past_its_standard_period_is_a_task_and_a_voluntary_one_is_not() {
        let missed_vaccinations = |tasks: &[Task]| -> Vec<String> {
            tasks
                .iter()
                .filter(|t| t.kind == TaskKind::MissedVaccination)
                .filter_map(|t| t.item.clone())
                .collect()
        };
        // Born 2026-03-01, nothing recorded: BCG's standard period (5–8 months) ended on 2026-11-01.
        let none = tasks_on("2026-03-01", &[], &[], "2026-11-24");
        let keys = missed_vaccinations(&none);
        for first_doses in ["bcg-1", "pcv-1", "dpt-ipv-hib-1"] {
            assert!(keys.contains(&first_doses.to_owned()), "{keys:?}");
        }
        // Only the first dose of a series not begun: later doses rest on it (projected).
        assert!(!keys.contains(&"pcv-2".to_owned()), "{keys:?}");
        // Mumps (おたふくかぜ) is voluntary: never a task.
        let older = tasks_on("2024-01-10", &[], &[], "2026-11-24");
        assert!(
            !missed_vaccinations(&older).iter().any(|k| k.starts_with("mumps")),
            "{older:?}"
        );
        // In its standard period it is not missed yet; given, it is done.
        let young = tasks_on("2026-07-01", &[], &[], "2026-11-24");
        assert!(!missed_vaccinations(&young).contains(&"bcg-1".to_owned()));
        let given = tasks_on("2026-03-01", &[("bcg-1", "2026-09-01")], &[], "2026-11-24");
        assert!(!missed_vaccinations(&given).contains(&"bcg-1".to_owned()));
        let bcg = none.iter().find(|t| t.item.as_deref() == Some("bcg-1")).unwrap();
        // Due by the last day of the legal window (before the first birthday).
        assert_eq!(bcg.due, d("2027-02-28"));
    }

    #[test]
    fn follow_up_visits_come_from_the_plan_and_scopes_filter() {
        let follow = [visit(VisitKind::ParentingSupport, "2026-12-05", None)];
        let tasks = tasks_on("2024-01-10", &[], &follow, "2026-11-24");
        let t = tasks
            .iter()
            .find(|t| {
                t.kind
                    == TaskKind::Visit {
                        visit: VisitKind::ParentingSupport,
                    }
            })
            .unwrap();
        assert_eq!(t.due, d("2026-12-05"));
        assert!(Scope::Mine(AccountId(5)).includes(t));
        assert!(!Scope::Mine(AccountId(6)).includes(t));
        assert!(Scope::Site(SiteId(3)).includes(t));
        assert!(!Scope::Site(SiteId(4)).includes(t));
        assert!(Scope::All.includes(t));
    }

    #[test]
    fn a_referral_waiting_past_its_day_is_a_task_for_whoever_made_it() {
        let open = OpenReferral {
            referral: 9,
            family: FamilyId(1),
            family_name: "山田".into(),
            site: Some(SiteId(3)),
            due_back_on: d("2026-11-20"),
            referred_by: AccountId(5),
            referred_by_name: "保健 花子".into(),
        };
        assert_eq!(referral_task(&open, d("2026-11-20")), None);
        let task = referral_task(&open, d("2026-11-21")).unwrap();
        assert_eq!(task.kind, TaskKind::ReferralDueBack { referral: 9 });
        assert!(task.is_late(d("2026-11-21")));
        assert!(Scope::Mine(AccountId(5)).includes(&task));
        let kept = KeptTask::referral(&open);
        for day in ["2026-11-19", "2026-11-20", "2026-11-21", "2027-06-01"] {
            assert_eq!(kept.on_list(d(day)), referral_task(&open, d(day)).is_some(), "{day}");
        }
    }

    #[test]
    fn plan_reviews_appear_two_weeks_ahead() {
        let on = |review: &str| plan_review_task(FamilyId(1), "山田", None, d(review), None, d("2026-11-24"));
        assert!(on("2026-12-08").is_some());
        assert!(on("2026-12-09").is_none());
        assert!(on("2026-11-01").unwrap().is_late(d("2026-11-24")));
    }
}
