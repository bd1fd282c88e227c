//! Schedules as data: the national file's keys, municipal overlays, whole custom files and the
//! errors a malformed file gets.

use std::collections::BTreeSet;

use domain::schedule::{
    ItemKey, KeyError, Kind, Options, Record, RotaProduct, Schedule, ScheduleError, SeriesProblem, Status, Subject,
    plan,
};

use super::{date, item};

fn born_keys(schedule: &Schedule, options: Options) -> BTreeSet<String> {
    let subject = Subject::from_dates(Some(date("2026-09-01")), Some(date("2026-08-25"))).expect("a birth at term");
    plan(schedule, &subject, &[], &options, date("2026-09-01"))
        .items
        .iter()
        .map(|entry| entry.key.to_string())
        .collect()
}

#[test]
fn the_national_schedule_has_exactly_the_contract_keys() {
    let mut expected: BTreeSet<String> = BTreeSet::new();
    let numbered = [
        ("prenatal-checkup", 14),
        ("hepb", 3),
        ("rota", 3),
        ("dpt-ipv-hib", 4),
        ("pcv", 4),
        ("bcg", 1),
        ("mr", 2),
        ("varicella", 2),
        ("je", 4),
        ("dt", 1),
        ("mumps", 2),
    ];
    for (series, doses) in numbered {
        for dose in 1..=doses {
            expected.insert(format!("{series}-{dose}"));
        }
    }
    for one_off in [
        "interview-notification",
        "interview-8m",
        "interview-postnatal",
        "rsv-maternal",
        "checkup-1m",
        "checkup-3m",
        "checkup-6m",
        "checkup-9m",
        "checkup-18m",
        "checkup-3y",
        "checkup-5y",
        "visit-newborn",
        "visit-infant-home",
    ] {
        expected.insert(one_off.to_owned());
    }
    let pentavalent = Options {
        rota: RotaProduct::Pentavalent,
        ..Options::default()
    };
    assert_eq!(born_keys(Schedule::national(), pentavalent), expected);
    expected.remove("rota-3");
    assert_eq!(born_keys(Schedule::national(), Options::default()), expected);
}

#[test]
fn every_item_has_the_kind_its_key_names() {
    let subject = Subject::from_dates(Some(date("2026-09-01")), Some(date("2026-08-25"))).expect("a birth at term");
    let found = plan(
        Schedule::national(),
        &subject,
        &[],
        &Options::default(),
        date("2026-09-01"),
    );
    for entry in &found.items {
        let key = entry.key.to_string();
        let expected = if key.starts_with("prenatal-checkup") {
            Kind::PrenatalCheckup
        } else if key.starts_with("interview") {
            Kind::Interview
        } else if key.starts_with("checkup") {
            Kind::Checkup
        } else if key.starts_with("visit") {
            Kind::HomeVisit
        } else {
            Kind::Vaccination
        };
        assert_eq!(entry.kind, expected, "{key}");
        assert_eq!(entry.series, *entry.key.series());
        assert_eq!(entry.dose, entry.key.dose());
    }
}

#[test]
fn item_keys_are_every_key_a_plan_can_produce_and_only_narrows_to_kinds() {
    let all: BTreeSet<String> = Schedule::national().item_keys().into_iter().collect();
    let pentavalent = Options {
        rota: RotaProduct::Pentavalent,
        ..Options::default()
    };
    // Everything a newborn's plan shows, the legacy Hib series, planned only once recorded, and
    // the records of products no longer used (4種混合, PCV13), which count toward their successors.
    let born = born_keys(Schedule::national(), pentavalent);
    let only_recorded: Vec<&String> = all.difference(&born).collect();
    assert_eq!(
        only_recorded,
        [
            "dpt-ipv-1",
            "dpt-ipv-2",
            "dpt-ipv-3",
            "dpt-ipv-4",
            "hib-1",
            "hib-2",
            "hib-3",
            "hib-4",
            "pcv13-1",
            "pcv13-2",
            "pcv13-3",
            "pcv13-4"
        ]
    );
    assert!(born.is_subset(&all));

    let kinds = [Kind::Checkup, Kind::HomeVisit];
    let narrow = Schedule::national().only(&kinds);
    let keys: BTreeSet<String> = narrow.item_keys().into_iter().collect();
    let expected: BTreeSet<String> = all
        .iter()
        .filter(|key| key.starts_with("checkup") || key.starts_with("visit"))
        .cloned()
        .collect();
    assert_eq!(keys, expected);
    assert_eq!(born_keys(&narrow, Options::default()), expected);
    assert!(
        narrow.key("pcv-1").is_err(),
        "a narrowed schedule refuses the other kinds' keys"
    );
    assert_eq!(narrow.name(), Schedule::national().name());
}

const MUNICIPALITY: &str = r#"
extends = "national"
name = "example-city"
second_benefit_form = "interview-postnatal"
remove = ["checkup-9m"]

[[series]]
# This city holds its 3–4 month checkup at 3–5 months.
key = "checkup-3m"
recommended = ["3m", "5m"]

[[series]]
key = "checkup-2y"
kind = "checkup"
window = ["2y", "2y+60d"]
"#;

#[test]
fn a_municipality_overrides_extends_and_removes_national_series() {
    let city = Schedule::parse(MUNICIPALITY).expect("a valid overlay");
    assert_eq!(city.name(), "example-city");
    assert_eq!(
        city.second_benefit_form().map(|key| key.as_str()),
        Some("interview-postnatal")
    );
    let found = plan(
        &city,
        &Subject::child(date("2026-05-10")),
        &[],
        &Options::default(),
        date("2026-05-10"),
    );
    let three_months = item(&found, "checkup-3m");
    assert_eq!(three_months.recommended_until, date("2026-10-09"));
    assert_eq!(three_months.latest, date("2026-11-09"));
    let two_years = item(&found, "checkup-2y");
    assert_eq!(two_years.earliest, date("2028-05-09"));
    assert_eq!(two_years.latest, date("2028-07-08"));
    assert!(found.item("checkup-9m").is_none());
    assert!(city.key("checkup-2y").is_ok());
    assert!(matches!(city.key("checkup-9m"), Err(KeyError::UnknownSeries(_))));
    // The national schedule is untouched.
    assert!("checkup-2y".parse::<ItemKey>().is_err());
    assert!(Schedule::national().key("checkup-9m").is_ok());
}

#[test]
fn an_overlay_can_be_laid_over_any_schedule() {
    let city = Schedule::national()
        .overlay("[[series]]\nkey = \"visit-newborn\"\nwindow = [\"0d\", \"60d\"]\n")
        .expect("a valid overlay");
    let found = plan(
        &city,
        &Subject::child(date("2026-05-10")),
        &[],
        &Options::default(),
        date("2026-05-10"),
    );
    assert_eq!(item(&found, "visit-newborn").latest, date("2026-07-09"));
}

#[test]
fn a_file_without_extends_is_a_whole_schedule() {
    let text = r#"
name = "tiny"
[[series]]
key = "checkup-1m"
kind = "checkup"
window = ["28d", "41d"]
"#;
    let tiny = Schedule::parse(text).expect("a whole schedule");
    let found = plan(
        &tiny,
        &Subject::child(date("2026-05-10")),
        &[],
        &Options::default(),
        date("2026-05-10"),
    );
    assert_eq!(found.items.len(), 1);
    assert_eq!(tiny.second_benefit_form(), None);
}

fn series_problem(text: &str) -> SeriesProblem {
    match Schedule::parse(text) {
        Err(ScheduleError::Series { problem, .. }) => problem,
        other => panic!("expected a series problem, got {other:?}"),
    }
}

/// A check that an error is the expected one.
type Expected = fn(&ScheduleError) -> bool;

#[test]
fn malformed_files_are_refused_with_the_reason() {
    let table: [(&str, Expected); 8] = [
        ("extends = \"tokyo\"", |error| {
            matches!(error, ScheduleError::UnknownBase(_))
        }),
        ("extends = \"national\"\nremove = [\"flu\"]", |error| {
            matches!(error, ScheduleError::UnknownRemoval(_))
        }),
        (
            "extends = \"national\"\nsecond_benefit_form = \"checkup-1m\"",
            |error| matches!(error, ScheduleError::BenefitForm(_)),
        ),
        (
            "[[series]]\nkey = \"a\"\nkind = \"checkup\"\nwindow = [\"0d\", \"1d\"]\n[[series]]\nkey = \"a\"\nkind = \"checkup\"\nwindow = [\"0d\", \"1d\"]",
            |error| matches!(error, ScheduleError::DuplicateSeries(_)),
        ),
        (
            "[[series]]\nkey = \"a\"\nkind = \"checkup\"\nwindow = [\"0d\", \"3q\"]",
            |error| matches!(error, ScheduleError::Syntax { line: 4, .. }),
        ),
        (
            "[[series]]\nkey = \"a\"\nkind = \"checkup\"\nwindow = [\"0d\", \"1d\"]\nwhen = 3",
            |error| matches!(error, ScheduleError::Syntax { line: 5, .. }),
        ),
        (
            "[[series]]\nkey = \"A\"\nkind = \"checkup\"\nwindow = [\"0d\", \"1d\"]",
            |error| matches!(error, ScheduleError::Key(KeyError::Malformed(_))),
        ),
        ("name = 3", |error| {
            matches!(error, ScheduleError::Syntax { line: 1, .. })
        }),
    ];
    for (text, expected) in table {
        let error = Schedule::parse(text).expect_err(text);
        assert!(expected(&error), "{text}: {error:?}");
        assert!(!error.to_string().contains('\n'), "one line: {error}");
    }
}

#[test]
fn malformed_series_are_refused_with_the_problem() {
    let table: [(&str, SeriesProblem); 6] = [
        (
            "[[series]]\nkey = \"a\"\nwindow = [\"0d\", \"1d\"]",
            SeriesProblem::Missing("kind"),
        ),
        (
            "[[series]]\nkey = \"a\"\nkind = \"checkup\"",
            SeriesProblem::Missing("window"),
        ),
        (
            "[[series]]\nkey = \"a\"\nkind = \"vaccination\"\nwindow = [\"0d\", \"1d\"]",
            SeriesProblem::MissingVaccine,
        ),
        (
            "[[series]]\nkey = \"visit-2\"\nkind = \"home_visit\"\nwindow = [\"0d\", \"1d\"]",
            SeriesProblem::NumberedKey,
        ),
        (
            "[[series]]\nkey = \"a\"\nkind = \"checkup\"\nwindow = [\"0d\", \"1y\"]\n[[series.doses]]\nafter = [{ dose = 2, min = \"1d\" }]\n[[series.doses]]",
            SeriesProblem::IntervalFrom { dose: 1, from: 2 },
        ),
        (
            "[[series]]\nkey = \"a\"\nkind = \"vaccination\"\nvaccine = \"oral_live\"\noption = \"rota\"\nwindow = [\"0d\", \"1y\"]\n[[series.doses]]\n[series.products.monovalent]",
            SeriesProblem::MissingProduct {
                option: domain::schedule::ProductOption::Rota,
                product: "pentavalent",
            },
        ),
    ];
    for (text, expected) in table {
        assert_eq!(series_problem(text), expected, "{text}");
    }
}

/// A city that examines the children who turn 5 during the fiscal year (年度). 5歳に達した日 is the
/// day before the 5th birthday, so a child born on April 1 belongs to the year before one born on
/// April 2 — like the school year.
const FIVE_BY_FISCAL_YEAR: &str = r#"
extends = "national"
[[series]]
key = "checkup-5y"
window = ["fiscal_year_start(5y)", "fiscal_year_end(5y)"]
"#;

#[test]
fn the_five_year_checkup_can_follow_the_fiscal_year_in_which_a_child_turns_five() {
    let city = Schedule::national()
        .overlay(FIVE_BY_FISCAL_YEAR)
        .expect("a valid overlay");
    let table = [
        // (birth, earliest, latest)
        ("2021-04-01", "2025-04-01", "2026-03-31"),
        ("2021-04-02", "2026-04-01", "2027-03-31"),
        ("2021-10-15", "2026-04-01", "2027-03-31"),
        ("2022-03-31", "2026-04-01", "2027-03-31"),
        // Born on Feb 29: reaches 5 on Feb 28, 2025, in FY2024.
        ("2020-02-29", "2024-04-01", "2025-03-31"),
    ];
    for (birth, earliest, latest) in table {
        let found = plan(
            &city,
            &Subject::child(date(birth)),
            &[],
            &Options::default(),
            date("2024-01-01"),
        );
        let checkup = found.item("checkup-5y").expect("a 5-year checkup");
        assert_eq!(
            (checkup.earliest, checkup.latest),
            (date(earliest), date(latest)),
            "born {birth}"
        );
        assert_eq!(checkup.recommended_from, checkup.earliest);
        assert_eq!(checkup.recommended_until, checkup.latest);
    }
    // The national default stays at about age 5: from reaching 5 to reaching 6.
    let national = plan(
        Schedule::national(),
        &Subject::child(date("2021-04-02")),
        &[],
        &Options::default(),
        date("2024-01-01"),
    );
    let checkup = national.item("checkup-5y").expect("a 5-year checkup");
    assert_eq!(
        (checkup.earliest, checkup.latest),
        (date("2026-04-01"), date("2027-04-01"))
    );
}

#[test]
fn a_checkup_done_in_its_fiscal_year_counts_and_one_after_it_does_not() {
    let city = Schedule::national()
        .overlay(FIVE_BY_FISCAL_YEAR)
        .expect("a valid overlay");
    let ask = |done_on: &str| {
        plan(
            &city,
            &Subject::child(date("2021-04-01")),
            &[Record::new(city.key("checkup-5y").expect("a key"), date(done_on))],
            &Options::default(),
            date("2026-06-01"),
        )
    };
    // Before the 5th birthday, in the fiscal year: counts.
    assert_eq!(
        ask("2025-10-01").item("checkup-5y").map(|i| i.status),
        Some(Status::Completed)
    );
    let late = ask("2026-04-01");
    assert_eq!(late.item("checkup-5y").map(|i| i.status), Some(Status::Missed));
    assert_eq!(late.invalid_records.len(), 1);
}
