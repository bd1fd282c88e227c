//! Pregnancies: prenatal checkups, the 伴走型 interviews, the maternal RSV vaccine, items planned
//! before birth, and how a pregnancy ends (birth, or a loss that ends items gently).

use domain::schedule::{Kind, Options, Schedule, Status, Subject, SubjectError, Timeline, plan};

use super::{date, item, records, refusal, status};

const DUE: &str = "2026-09-01";

fn timeline(subject: Subject, today: &str, done: &[(&str, &str)]) -> Timeline {
    plan(
        Schedule::national(),
        &subject,
        &records(done),
        &Options::default(),
        date(today),
    )
}

fn pregnancy() -> Subject {
    Subject::pregnancy(date(DUE))
}

/// Due 2026-09-01, so 0w0d is 2025-11-25: (key, recommended_from, recommended_until, latest).
#[test]
fn prenatal_items_follow_the_gestational_age() {
    let found = timeline(pregnancy(), "2026-03-01", &[]);
    let table = [
        ("prenatal-checkup-1", "2026-01-20", "2026-02-16", "2026-09-14"),
        ("prenatal-checkup-4", "2026-04-14", "2026-05-11", "2026-09-14"),
        ("prenatal-checkup-5", "2026-05-12", "2026-05-25", "2026-09-14"),
        ("prenatal-checkup-11", "2026-08-04", "2026-08-10", "2026-09-14"),
        ("prenatal-checkup-14", "2026-08-25", "2026-08-31", "2026-09-14"),
        ("interview-notification", "2025-11-25", "2026-02-16", "2026-09-14"),
        ("interview-8m", "2026-06-09", "2026-07-06", "2026-09-14"),
        ("rsv-maternal", "2026-06-09", "2026-08-10", "2026-08-10"),
    ];
    for (key, from, until, latest) in table {
        let entry = item(&found, key);
        assert_eq!(
            (entry.recommended_from, entry.recommended_until, entry.latest),
            (date(from), date(until), date(latest)),
            "{key}"
        );
        assert!(!entry.projected, "{key}");
    }
    assert_eq!(item(&found, "rsv-maternal").earliest, date("2026-06-09"));
    assert_eq!(item(&found, "rsv-maternal").kind, Kind::Vaccination);
    assert_eq!(status(&found, "prenatal-checkup-1"), Status::Overdue);
    assert_eq!(status(&found, "prenatal-checkup-2"), Status::Due);
    assert_eq!(status(&found, "prenatal-checkup-3"), Status::Upcoming);
    assert_eq!(status(&found, "interview-notification"), Status::Overdue);
}

#[test]
fn a_pregnancy_timeline_has_fourteen_checkups_and_plans_the_contacts_after_birth() {
    let found = timeline(pregnancy(), "2026-03-01", &[]);
    let checkups = found
        .items
        .iter()
        .filter(|entry| entry.kind == Kind::PrenatalCheckup)
        .count();
    assert_eq!(checkups, 14);
    for key in ["interview-postnatal", "visit-newborn", "visit-infant-home"] {
        let entry = item(&found, key);
        assert!(entry.projected, "{key}");
        assert_eq!(entry.earliest, date(DUE), "{key}");
        assert_eq!(entry.status, Status::Upcoming, "{key}");
    }
    assert!(found.item("hepb-1").is_none());
    assert!(found.item("checkup-1m").is_none());
}

#[test]
fn the_maternal_rsv_vaccine_is_routine_only_from_april_2026() {
    // Due 2026-05-01: 36w6d = 2026-04-09, so the window opens on 2026-04-01.
    let late_window = timeline(Subject::pregnancy(date("2026-05-01")), "2026-03-01", &[]);
    let rsv = item(&late_window, "rsv-maternal");
    assert_eq!((rsv.earliest, rsv.latest), (date("2026-04-01"), date("2026-04-09")));
    // Due 2026-04-15: the window closed on 2026-03-24, before the programme began.
    let before = timeline(Subject::pregnancy(date("2026-04-15")), "2026-03-01", &[]);
    assert_eq!(status(&before, "rsv-maternal"), Status::NotNeeded);
}

#[test]
fn a_child_alone_has_no_prenatal_items() {
    let found = timeline(Subject::child(date("2026-01-15")), "2026-03-01", &[]);
    assert!(found.items.iter().all(|entry| entry.kind != Kind::PrenatalCheckup));
    assert!(found.item("interview-8m").is_none());
    assert!(found.item("interview-postnatal").is_some());
}

#[test]
fn a_prenatal_record_for_a_child_alone_is_not_part_of_its_timeline() {
    let found = timeline(
        Subject::child(date("2026-01-15")),
        "2026-03-01",
        &[("prenatal-checkup-1", "2025-08-01")],
    );
    assert_eq!(refusal(&found, "prenatal-checkup-1"), "not an item of this timeline");
}

#[test]
fn a_record_for_the_child_before_the_birth_is_refused() {
    let found = timeline(pregnancy(), "2026-03-01", &[("visit-newborn", "2026-02-01")]);
    assert_eq!(refusal(&found, "visit-newborn"), "the child is not born yet");
}

#[test]
fn after_a_loss_prenatal_items_end_gently() {
    let lost = pregnancy()
        .end_with_loss(date("2026-03-10"))
        .expect("a loss during the pregnancy");
    let found = timeline(
        lost,
        "2026-09-30",
        &[
            ("interview-notification", "2026-01-10"),
            ("prenatal-checkup-1", "2026-01-22"),
            ("prenatal-checkup-2", "2026-03-20"),
        ],
    );
    assert_eq!(status(&found, "interview-notification"), Status::Completed);
    assert_eq!(status(&found, "prenatal-checkup-1"), Status::Completed);
    assert_eq!(
        refusal(&found, "prenatal-checkup-2"),
        "after the pregnancy ended on 2026-03-10"
    );
    for entry in &found.items {
        if entry.done_on.is_none() {
            assert_eq!(entry.status, Status::NotNeeded, "{}", entry.key);
        }
    }
    assert!(found.item("visit-newborn").is_some());
    assert!(found.item("hepb-1").is_none());
}

#[test]
fn after_a_birth_the_prenatal_items_not_yet_due_are_not_needed() {
    let born = pregnancy()
        .end_with_birth(date("2026-08-20"))
        .expect("a birth at 38w2d");
    let found = timeline(
        born,
        "2026-09-10",
        &[
            ("prenatal-checkup-12", "2026-08-12"),
            ("prenatal-checkup-13", "2026-08-22"),
        ],
    );
    assert_eq!(status(&found, "prenatal-checkup-12"), Status::Completed);
    assert_eq!(
        refusal(&found, "prenatal-checkup-13"),
        "after the pregnancy ended on 2026-08-20"
    );
    assert_eq!(status(&found, "prenatal-checkup-13"), Status::Missed);
    assert_eq!(item(&found, "prenatal-checkup-13").latest, date("2026-08-20"));
    assert_eq!(status(&found, "prenatal-checkup-14"), Status::NotNeeded);
    assert_eq!(status(&found, "rsv-maternal"), Status::Missed);
    let visit = item(&found, "visit-newborn");
    assert!(!visit.projected);
    assert_eq!(visit.latest, date("2026-09-17"));
    assert_eq!(visit.status, Status::Due);
    assert_eq!(item(&found, "rota-1").earliest, date("2026-10-01"));
}

#[test]
fn a_preterm_birth_before_28_weeks_makes_the_eighth_month_items_unnecessary() {
    let born = Subject::from_dates(Some(date(DUE)), Some(date("2026-05-20"))).expect("a birth at 25w");
    let found = timeline(born, "2026-06-01", &[]);
    assert_eq!(status(&found, "interview-8m"), Status::NotNeeded);
    assert_eq!(status(&found, "rsv-maternal"), Status::NotNeeded);
}

#[test]
fn impossible_subjects_are_refused() {
    assert_eq!(Subject::from_dates(None, None), Err(SubjectError::NoDates));
    assert!(matches!(
        pregnancy().end_with_birth(date("2025-11-25")),
        Err(SubjectError::BirthBeforePregnancy { .. })
    ));
    assert!(matches!(
        pregnancy().end_with_loss(date("2025-11-24")),
        Err(SubjectError::LossBeforePregnancy { .. })
    ));
    assert_eq!(
        Subject::child(date("2026-01-15")).end_with_loss(date("2026-02-01")),
        Err(SubjectError::NotAnOngoingPregnancy)
    );
    let lost = pregnancy().end_with_loss(date("2026-02-01")).expect("a loss");
    assert_eq!(
        lost.end_with_birth(date("2026-08-01")),
        Err(SubjectError::NotAnOngoingPregnancy)
    );
}

#[test]
fn the_second_benefit_form_is_handed_out_at_the_eighth_month_interview() {
    let national = Schedule::national();
    assert_eq!(
        national.second_benefit_form().map(|key| key.as_str()),
        Some("interview-8m")
    );
}

/// Due 2026-09-01 (0w0d 2025-11-25): 7か月 begins at 24w0d = 2026-05-12, 8か月 at 28w0d = 2026-06-09.
#[test]
fn the_eighth_month_interview_counts_from_the_seventh_month() {
    let early = timeline(pregnancy(), "2026-05-20", &[("interview-8m", "2026-05-12")]);
    assert_eq!(status(&early, "interview-8m"), Status::Completed);
    let entry = item(&early, "interview-8m");
    assert_eq!(entry.earliest, date("2026-05-12"));
    // The standard period is still the 8th month, so a reminder is not sent before it.
    assert_eq!(entry.recommended_from, date("2026-06-09"));
    let too_early = timeline(pregnancy(), "2026-05-20", &[("interview-8m", "2026-05-11")]);
    assert_eq!(status(&too_early, "interview-8m"), Status::Upcoming);
    assert_eq!(
        refusal(&too_early, "interview-8m"),
        "before its earliest valid date, 2026-05-12"
    );
}

#[test]
fn a_municipality_sets_its_own_start_for_the_eighth_month_interview() {
    let city = Schedule::national()
        .overlay("extends = \"national\"\n[[series]]\nkey = \"interview-8m\"\nwindow = [\"26w0d\", \"41w6d\"]\n")
        .expect("a valid overlay");
    let found = plan(
        &city,
        &pregnancy(),
        &records(&[("interview-8m", "2026-05-25")]),
        &Options::default(),
        date("2026-06-01"),
    );
    assert_eq!(item(&found, "interview-8m").earliest, date("2026-05-26"));
    assert_eq!(
        refusal(&found, "interview-8m"),
        "before its earliest valid date, 2026-05-26"
    );
}
