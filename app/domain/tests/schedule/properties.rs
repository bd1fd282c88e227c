//! Properties over random children, pregnancies, records and days.

use chrono::{Duration, NaiveDate};
use domain::schedule::dates::{after_days_interval, after_months_interval, months_reached};
use domain::schedule::{Item, Options, PcvProduct, Record, RotaProduct, Schedule, Status, Subject, Timeline, plan};
use domain::support::task::TASK_KINDS;
use proptest::prelude::*;

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1).expect("valid date") + Duration::days(offset)
}

fn options() -> impl Strategy<Value = Options> {
    (any::<bool>(), any::<bool>()).prop_map(|(pentavalent, pcv15)| Options {
        rota: if pentavalent {
            RotaProduct::Pentavalent
        } else {
            RotaProduct::Monovalent
        },
        pcv: if pcv15 { PcvProduct::Pcv15 } else { PcvProduct::Pcv20 },
    })
}

/// Records a family might enter: each step picks an open item and records it near its earliest
/// date (sometimes a little before, to exercise refusals).
fn simulate(subject: &Subject, options: &Options, steps: &[(usize, i64)]) -> Vec<Record> {
    let horizon = day(6000);
    let mut records = Vec::new();
    for (pick, offset) in steps {
        let timeline = plan(Schedule::national(), subject, &records, options, horizon);
        let open: Vec<&Item> = timeline
            .items
            .iter()
            .filter(|item| item.done_on.is_none() && item.status != Status::NotNeeded)
            .filter(|item| !item.projected && item.earliest <= item.latest)
            .collect();
        if open.is_empty() {
            break;
        }
        let item = open[pick % open.len()];
        let done_on = item.earliest + Duration::days(*offset);
        records.push(Record::new(item.key.clone(), done_on));
    }
    records
}

fn child_case() -> impl Strategy<Value = (Subject, Options, Vec<(usize, i64)>, i64)> {
    (
        0i64..4000,
        options(),
        prop::collection::vec((any::<usize>(), -4i64..70), 0..24),
        0i64..3000,
    )
        .prop_map(|(birth, options, steps, age)| (Subject::child(day(birth)), options, steps, birth + age))
}

fn pregnancy_case() -> impl Strategy<Value = (Subject, Options, Vec<(usize, i64)>, i64)> {
    (
        300i64..4000,
        prop::option::of((0u8..3, 0i64..320)),
        prop::collection::vec((any::<usize>(), -4i64..40), 0..10),
        0i64..700,
    )
        .prop_map(|(due, ending, steps, since)| {
            let pregnancy = Subject::pregnancy(day(due));
            let began = due - 280;
            let subject = match ending {
                Some((0, at)) => pregnancy
                    .end_with_loss(day(began + at.min(300)))
                    .expect("a loss after the pregnancy began"),
                Some((_, at)) => pregnancy
                    .end_with_birth(day(began + 154 + at.min(150)))
                    .expect("a birth after 22 weeks"),
                None => pregnancy,
            };
            (subject, Options::default(), steps, began + since)
        })
}

fn timeline_for(
    subject: &Subject,
    options: &Options,
    steps: &[(usize, i64)],
    today: i64,
) -> (Timeline, Vec<Record>, NaiveDate) {
    let records = simulate(subject, options, steps);
    let today = day(today);
    let timeline = plan(Schedule::national(), subject, &records, options, today);
    (timeline, records, today)
}

/// The contract's precedence, recomputed from an item's own fields.
fn expected_status(item: &Item, today: NaiveDate) -> Option<Status> {
    if item.done_on.is_some() {
        return Some(Status::Completed);
    }
    if item.status == Status::NotNeeded {
        return None;
    }
    Some(if today > item.latest || item.earliest > item.latest {
        Status::Missed
    } else if item.projected || today < item.earliest || today < item.recommended_from {
        Status::Upcoming
    } else if today <= item.recommended_until {
        Status::Due
    } else {
        Status::Overdue
    })
}

fn check_common(timeline: &Timeline, records: &[Record], today: NaiveDate) {
    for item in &timeline.items {
        assert!(item.earliest <= item.recommended_from, "{item:?}");
        assert!(item.recommended_from <= item.recommended_until, "{item:?}");
        if item.status != Status::Missed {
            assert!(item.earliest <= item.latest, "{item:?}");
        }
        if !matches!(item.status, Status::Missed | Status::NotNeeded) {
            assert!(item.recommended_until <= item.latest, "{item:?}");
        }
        if let Some(expected) = expected_status(item, today) {
            assert_eq!(item.status, expected, "{item:?} on {today}");
        }
        if let Some(done_on) = item.done_on {
            assert!(item.earliest <= done_on && done_on <= item.latest, "{item:?}");
            assert!(done_on <= today, "{item:?}");
            assert!(!item.projected, "{item:?}");
        }
    }
    // Records are never dropped: each one counts once or is listed with its reason.
    let counted = timeline.items.iter().filter(|item| item.done_on.is_some()).count();
    assert_eq!(counted + timeline.invalid_records.len(), records.len());
    // Keys are unique and in timeline order.
    let mut keys: Vec<String> = timeline.items.iter().map(|item| item.key.to_string()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), timeline.items.len());
    assert!(
        timeline
            .items
            .windows(2)
            .all(|pair| pair[0].recommended_from <= pair[1].recommended_from)
    );
}

fn done_on(timeline: &Timeline, key: &str) -> Option<NaiveDate> {
    timeline.item(key).and_then(|item| item.done_on)
}

/// Same-series minimum intervals, restated independently of the data file.
fn check_intervals(timeline: &Timeline, birth: NaiveDate) {
    let days = |from: &str, to: &str, gap: u32| {
        if let (Some(a), Some(b)) = (done_on(timeline, from), done_on(timeline, to)) {
            assert!(b >= after_days_interval(a, gap), "{to} {gap}日以上 after {from}");
        }
    };
    let months = |from: &str, to: &str, gap: u32| {
        if let (Some(a), Some(b)) = (done_on(timeline, from), done_on(timeline, to)) {
            assert!(b >= after_months_interval(a, gap), "{to} {gap}か月以上 after {from}");
        }
    };
    days("hepb-1", "hepb-2", 27);
    days("hepb-1", "hepb-3", 139);
    days("hepb-2", "hepb-3", 0);
    days("rota-1", "rota-2", 27);
    days("rota-2", "rota-3", 27);
    days("dpt-ipv-hib-1", "dpt-ipv-hib-2", 20);
    days("dpt-ipv-hib-2", "dpt-ipv-hib-3", 20);
    months("dpt-ipv-hib-3", "dpt-ipv-hib-4", 6);
    months("varicella-1", "varicella-2", 3);
    days("je-1", "je-2", 6);
    months("je-2", "je-3", 6);
    // PCV: every later dose at least 27 days after the one before; a booster (the last dose
    // after 12 months) at least 60 days after it.
    let pcv: Vec<NaiveDate> = (1..=4).filter_map(|n| done_on(timeline, &format!("pcv-{n}"))).collect();
    for pair in pcv.windows(2) {
        assert!(pair[1] >= after_days_interval(pair[0], 27), "pcv {pair:?}");
    }
    if pcv.len() >= 2 {
        let twelve_months = months_reached(birth, 12);
        let first_over_a_year = pcv.first().is_some_and(|first| *first > twelve_months);
        let last = pcv[pcv.len() - 1];
        if first_over_a_year {
            assert!(last >= after_days_interval(pcv[pcv.len() - 2], 60), "pcv {pcv:?}");
        }
    }
}

/// 注射生ワクチン同士は27日以上: between every two counted live doses on different days.
fn check_live_rule(timeline: &Timeline) {
    let live: Vec<NaiveDate> = timeline
        .items
        .iter()
        .filter(|item| matches!(item.series.as_str(), "bcg" | "mr" | "varicella" | "mumps"))
        .filter_map(|item| item.done_on)
        .collect();
    for (index, a) in live.iter().enumerate() {
        for b in &live[index + 1..] {
            let apart = (*a - *b).num_days().abs();
            assert!(apart == 0 || apart >= 28, "{a} and {b} are {apart} days apart");
        }
    }
}

/// The task list plans only checkups, interviews and visits, from only their records: each of
/// those items must come out exactly as the full plan has it.
fn check_task_kinds_alone(subject: &Subject, options: &Options, steps: &[(usize, i64)], today: i64) {
    let (full, records, today) = timeline_for(subject, options, steps, today);
    let narrow_schedule = Schedule::national().only(&TASK_KINDS);
    let keys = narrow_schedule.item_keys();
    let narrow_records: Vec<Record> = records
        .iter()
        .filter(|record| keys.contains(&record.key.to_string()))
        .cloned()
        .collect();
    let narrow = plan(&narrow_schedule, subject, &narrow_records, options, today);
    let expected: Vec<&Item> = full
        .items
        .iter()
        .filter(|item| TASK_KINDS.contains(&item.kind))
        .collect();
    assert!(narrow.items.iter().all(|item| TASK_KINDS.contains(&item.kind)));
    assert_eq!(narrow.items.iter().collect::<Vec<_>>(), expected, "on {today}");
}

proptest! {
    #[test]
    fn child_timelines_keep_the_contract((subject, options, steps, today) in child_case()) {
        let (timeline, records, today) = timeline_for(&subject, &options, &steps, today);
        check_common(&timeline, &records, today);
        let birth = subject.birth_date().expect("a child");
        check_intervals(&timeline, birth);
        check_live_rule(&timeline);
    }

    #[test]
    fn pregnancy_timelines_keep_the_contract((subject, options, steps, today) in pregnancy_case()) {
        let (timeline, records, today) = timeline_for(&subject, &options, &steps, today);
        check_common(&timeline, &records, today);
        if let Subject::Lost { .. } = subject {
            for item in &timeline.items {
                prop_assert!(
                    !matches!(item.status, Status::Missed | Status::Overdue | Status::Due | Status::Upcoming),
                    "after a loss {} is {:?}", item.key, item.status
                );
            }
        }
    }

    #[test]
    fn a_child_s_task_items_plan_alone_as_in_the_full_timeline((subject, options, steps, today) in child_case()) {
        check_task_kinds_alone(&subject, &options, &steps, today);
    }

    #[test]
    fn a_pregnancy_s_task_items_plan_alone_as_in_the_full_timeline((subject, options, steps, today) in pregnancy_case()) {
        check_task_kinds_alone(&subject, &options, &steps, today);
    }

    #[test]
    fn every_timeline_reads_back_from_json((subject, options, steps, today) in child_case()) {
        let (timeline, _, _) = timeline_for(&subject, &options, &steps, today);
        let text = serde_json::to_string(&timeline).expect("serialises");
        let back: Timeline = serde_json::from_str(&text).expect("deserialises");
        prop_assert_eq!(back, timeline);
    }

    #[test]
    fn record_order_does_not_change_the_timeline((subject, options, steps, today) in child_case()) {
        let records = simulate(&subject, &options, &steps);
        let today = day(today);
        let forward = plan(Schedule::national(), &subject, &records, &options, today);
        let mut reversed_records = records.clone();
        reversed_records.reverse();
        let reversed = plan(Schedule::national(), &subject, &reversed_records, &options, today);
        prop_assert_eq!(forward.items, reversed.items);
    }

    #[test]
    fn month_arithmetic_never_goes_backwards(birth in 0i64..20000, months in 0u32..240) {
        let birth = day(birth);
        let reached = months_reached(birth, months);
        let next = months_reached(birth, months + 1);
        prop_assert!(reached < next);
        prop_assert!(after_months_interval(birth, months + 1) > reached);
        prop_assert!(after_days_interval(birth, months) > birth);
    }
}
