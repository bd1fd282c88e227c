//! The schedule engine's tests, as one binary: date conventions, rules, data files, the CLI
//! helpers and properties.

mod cli;
mod data;
mod dates;
mod hib;
mod kept_tasks;
mod legacy;
mod live;
mod pcv;
mod pregnancy;
mod properties;
mod rules;

use chrono::NaiveDate;
use domain::schedule::{Item, Options, Record, Schedule, Status, Subject, Timeline, plan};

pub fn date(text: &str) -> NaiveDate {
    text.parse().unwrap_or_else(|_| panic!("test date {text} is valid"))
}

pub fn records(done: &[(&str, &str)]) -> Vec<Record> {
    done.iter()
        .map(|(key, on)| Record::new(key.parse().expect("a national key"), date(on)))
        .collect()
}

/// The national timeline of a child born on `birth`, as of `today`.
pub fn child(birth: &str, today: &str, done: &[(&str, &str)]) -> Timeline {
    child_with(birth, today, done, Options::default())
}

pub fn child_with(birth: &str, today: &str, done: &[(&str, &str)], options: Options) -> Timeline {
    plan(
        Schedule::national(),
        &Subject::child(date(birth)),
        &records(done),
        &options,
        date(today),
    )
}

pub fn item<'a>(timeline: &'a Timeline, key: &str) -> &'a Item {
    timeline.item(key).unwrap_or_else(|| panic!("the timeline has {key}"))
}

pub fn status(timeline: &Timeline, key: &str) -> Status {
    item(timeline, key).status
}

/// The reason sentence of the one invalid record with this key.
pub fn refusal(timeline: &Timeline, key: &str) -> String {
    let found: Vec<_> = timeline
        .invalid_records
        .iter()
        .filter(|record| record.key.to_string() == key)
        .collect();
    assert_eq!(found.len(), 1, "one invalid record for {key}: {found:?}");
    found[0].reason.to_string()
}
