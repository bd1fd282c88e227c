//! The task table against its oracle: for random families, records and visits, the tasks kept on
//! the day the record last changed are, on every later day, exactly the tasks planned from scratch.

use chrono::{Duration, NaiveDate};
use domain::family::{Child, FamilyRecord, Pregnancy, PregnancyOutcome};
use domain::ids::{AccountId, ChildId, FamilyId, MunicipalityId, PregnancyId, SiteId};
use domain::people::Sex;
use domain::schedule::{Options, Schedule, Status};
use domain::support::benefit::{BenefitClaim, ReceivedClaim};
use domain::support::task::{FamilyFacts, KeptTask, TASK_KINDS, Task, family_tasks, kept_family_tasks};
use domain::support::visit::{HomeVisit, VisitKind};
use domain::timeline::{Member, MemberRecord, MemberTimeline, family_timelines};
use proptest::prelude::*;

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2018, 1, 1).expect("valid date") + Duration::days(offset)
}

const PREGNANCY: PregnancyId = PregnancyId(11);
const NEWBORN: ChildId = ChildId(21);
const OLDER: ChildId = ChildId(22);

#[derive(Debug, Clone)]
struct History {
    /// Due date of the followed pregnancy; how it ended (0 lost, 1 born, 2 ongoing) and when.
    due: i64,
    ending: (u8, i64),
    /// An older child's birth, when the family has one.
    older: Option<i64>,
    /// Records: which open item (by index) and how many days after its earliest date.
    records: Vec<(usize, i64)>,
    /// Visits: kind, member (0 pregnancy, 1 newborn, 2 older), due offset, done offset, assignee.
    visits: Vec<(u8, u8, i64, Option<i64>, bool)>,
    /// The day the record last changed, counted from the due date; then later days.
    written: i64,
    later: Vec<i64>,
    /// The heartbeat's confirmation, days before the notification, when on file.
    heartbeat: Option<i64>,
    /// 支援給付 claims received: the second claim or the first, and the day after the pregnancy's
    /// notification (kept only if by the day the record was written).
    claims: Vec<(bool, i64)>,
}

fn history() -> impl Strategy<Value = History> {
    (
        500i64..3000,
        (0u8..3, 0i64..420),
        prop::option::of(-2500i64..-300),
        prop::collection::vec((any::<usize>(), -3i64..60), 0..16),
        prop::collection::vec(
            (0u8..3, 0u8..3, -60i64..400, prop::option::of(0i64..120), any::<bool>()),
            0..4,
        ),
        -250i64..900,
        prop::collection::vec(0i64..1200, 1..6),
        prop::option::of(0i64..40),
        prop::collection::vec((any::<bool>(), 0i64..900), 0..3),
    )
        .prop_map(
            |(due, ending, older, records, visits, written, later, heartbeat, claims)| History {
                due,
                ending,
                older,
                records,
                visits,
                written,
                later,
                heartbeat,
                claims,
            },
        )
}

fn family(h: &History, written: NaiveDate) -> FamilyRecord {
    let due = day(h.due);
    let began = h.due - 280;
    // An ending only once it has happened by the day the record was written.
    let (outcome, ended_on) = match h.ending {
        (0, at) if day(began + 30 + at.min(250)) <= written => {
            (PregnancyOutcome::Lost, Some(day(began + 30 + at.min(250))))
        }
        (1, at) if day(began + 160 + at.min(140)) <= written => {
            (PregnancyOutcome::Born, Some(day(began + 160 + at.min(140))))
        }
        _ => (PregnancyOutcome::Ongoing, None),
    };
    let mut children = Vec::new();
    if outcome == PregnancyOutcome::Born {
        children.push(child(NEWBORN, Some(PREGNANCY), ended_on.expect("a birth date")));
    }
    if let Some(older) = h.older {
        children.push(child(OLDER, None, day(h.due + older)));
    }
    FamilyRecord {
        id: FamilyId(1),
        municipality: MunicipalityId(1),
        site: Some(SiteId(2)),
        site_name: None,
        family_name: "佐藤".into(),
        family_name_kana: "サトウ".into(),
        guardians: vec![],
        pregnancies: vec![Pregnancy {
            id: PREGNANCY,
            due_date: due,
            notified_on: Some(day(began + 60)),
            heartbeat_on: h.heartbeat.map(|before| day(began + 60 - before)),
            fetuses: 1,
            outcome,
            ended_on,
        }],
        children,
    }
}

fn child(id: ChildId, pregnancy: Option<PregnancyId>, birth: NaiveDate) -> Child {
    Child {
        id,
        pregnancy,
        name: "花".into(),
        name_kana: "ハナ".into(),
        birth_date: birth,
        sex: Sex::Female,
        options: Options::default(),
    }
}

/// Records entered up to the day written: each picks an open task item and dates it near its
/// earliest day (never after the day written).
fn records(schedule: &Schedule, family: &FamilyRecord, h: &History, written: NaiveDate) -> Vec<MemberRecord> {
    let mut records: Vec<MemberRecord> = Vec::new();
    for (pick, offset) in &h.records {
        let timelines = family_timelines(schedule, family, &records, written);
        let open: Vec<(Member, &domain::schedule::Item)> = timelines
            .iter()
            .flat_map(|t| t.timeline.items.iter().map(move |i| (t.member, i)))
            .filter(|(_, i)| TASK_KINDS.contains(&i.kind) && i.done_on.is_none() && i.status != Status::NotNeeded)
            .filter(|(_, i)| !i.projected && i.earliest <= written)
            .collect();
        if open.is_empty() {
            break;
        }
        let (member, item) = open[pick % open.len()];
        let done_on = (item.earliest + Duration::days(*offset)).min(written);
        records.push(MemberRecord {
            member,
            key: item.key.to_string(),
            done_on,
        });
    }
    records
}

fn visits(family: &FamilyRecord, h: &History, written: NaiveDate) -> Vec<HomeVisit> {
    h.visits
        .iter()
        .enumerate()
        .filter_map(|(n, (kind, member, due, done, assigned))| {
            let kind = [VisitKind::Newborn, VisitKind::InfantHome, VisitKind::ParentingSupport][usize::from(*kind)];
            let (pregnancy, child) = match member {
                0 => (Some(PREGNANCY), None),
                1 if family.children.iter().any(|c| c.id == NEWBORN) => (None, Some(NEWBORN)),
                2 if family.children.iter().any(|c| c.id == OLDER) => (None, Some(OLDER)),
                _ => return None,
            };
            let due_by = day(h.due + due);
            let visited_on = done.map(|d| (due_by - Duration::days(d)).min(written));
            Some(HomeVisit {
                id: i64::try_from(n).expect("few visits"),
                kind,
                pregnancy,
                child,
                due_by,
                assigned_to: assigned.then_some(AccountId(5)),
                assigned_name: assigned.then(|| "保健 花子".to_owned()),
                scheduled_on: None,
                visited_on,
                findings: String::new(),
                epds: None,
            })
        })
        .collect()
}

fn claims(family: &FamilyRecord, h: &History, written: NaiveDate) -> Vec<ReceivedClaim> {
    let notified = family.pregnancies[0]
        .notified_on
        .expect("every pregnancy here was notified");
    let mut received: Vec<ReceivedClaim> = Vec::new();
    for (second, after) in &h.claims {
        let claim = if *second {
            BenefitClaim::Second
        } else {
            BenefitClaim::First
        };
        let received_on = notified + Duration::days(*after);
        if received_on <= written && !received.iter().any(|r| r.claim == claim) {
            received.push(ReceivedClaim {
                pregnancy: PREGNANCY,
                claim,
                received_on,
            });
        }
    }
    received
}

fn facts<'a>(
    family: &'a FamilyRecord,
    timelines: &'a [MemberTimeline],
    visits: &'a [HomeVisit],
    claims: &'a [ReceivedClaim],
) -> FamilyFacts<'a> {
    FamilyFacts {
        family: family.id,
        family_name: &family.family_name,
        site: family.site,
        timelines,
        visits,
        pregnancies: &family.pregnancies,
        claims,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn the_kept_tasks_are_the_planned_tasks_on_every_later_day(h in history()) {
        let schedule = Schedule::national().only(&TASK_KINDS);
        let written = day(h.due + h.written);
        let family = family(&h, written);
        let records = records(&schedule, &family, &h, written);
        let visits = visits(&family, &h, written);
        let claims = claims(&family, &h, written);
        let keep = |on: NaiveDate| -> Vec<KeptTask> {
            let timelines = family_timelines(&schedule, &family, &records, on);
            kept_family_tasks(&facts(&family, &timelines, &visits, &claims), on)
        };
        let mut kept = keep(written);
        // Days only move on: the table is read on later days in order.
        let mut days: Vec<i64> = std::iter::once(0).chain(h.later.iter().copied()).collect();
        days.sort_unstable();
        for later in days {
            let today = written + Duration::days(later);
            // What the store does: a family with a task planned for an earlier day only is kept
            // anew before the list is read.
            if kept.iter().any(|k| k.replan_after.is_some_and(|after| after < today)) {
                kept = keep(today);
            }
            let timelines = family_timelines(&schedule, &family, &records, today);
            let planned = family_tasks(&facts(&family, &timelines, &visits, &claims), today);
            let listed: Vec<Task> = kept.iter().filter(|k| k.on_list(today)).map(|k| k.task.clone()).collect();
            prop_assert_eq!(&listed, &planned, "on {} (written {})", today, written);
        }
    }
}

#[test]
fn a_plan_review_is_kept_from_its_notice_day_on() {
    use domain::support::task::plan_review_task;
    let review = day(100);
    let kept = KeptTask::plan_review(FamilyId(1), "佐藤", None, review, None);
    for offset in -40..40 {
        let today = day(100 + offset);
        let planned = plan_review_task(FamilyId(1), "佐藤", None, review, None, today);
        assert_eq!(kept.on_list(today), planned.is_some(), "{today}");
        if let Some(planned) = planned {
            assert_eq!(kept.task, planned);
        }
    }
}
