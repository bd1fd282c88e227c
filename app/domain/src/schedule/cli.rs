//! Pure helpers behind `yorisoi schedule`: reading its arguments and rendering its answer.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::definition::{ProductRefused, Schedule, ScheduleError};
use super::engine::plan;
use super::key::KeyError;
use super::subject::{OptionError, Options, Record, Subject, SubjectError};
use super::timeline::Timeline;

/// The arguments of `yorisoi schedule`, as typed. The caller reads the `--schedule` file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    pub birth_date: Option<&'a str>,
    pub due_date: Option<&'a str>,
    pub today: Option<&'a str>,
    /// `KEY=DATE`, one per `--done`.
    pub done: &'a [String],
    /// `NAME=VALUE`, one per `--option`.
    pub options: &'a [String],
    /// The text of a municipality's schedule file, in place of the national schedule.
    pub schedule: Option<&'a str>,
    pub json: bool,
}

/// Malformed input, as one line naming the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("--{field} `{text}`: not a date; write YYYY-MM-DD, like 2026-03-14")]
    Date { field: &'static str, text: String },
    #[error("give --birth-date or --due-date (both for a pregnancy that ended in birth)")]
    NoDates,
    #[error("--birth-date and --due-date: {0}")]
    Subject(SubjectError),
    #[error("--done `{0}`: write KEY=DATE, like hepb-1=2026-03-14")]
    DoneShape(String),
    #[error("--done `{text}`: {problem}")]
    Key { text: String, problem: KeyError },
    #[error("--done `{text}`: the date is after today ({today})")]
    DoneAfterToday { text: String, today: NaiveDate },
    #[error("--option `{0}`: write NAME=VALUE, like rota=pentavalent")]
    OptionShape(String),
    #[error("--option `{text}`: {problem}")]
    Option { text: String, problem: OptionError },
    #[error("--schedule: {0}")]
    Schedule(ScheduleError),
    #[error("--option: {0}")]
    Product(ProductRefused),
}

/// Reads a date written exactly as YYYY-MM-DD; impossible dates such as 2026-02-30 are refused.
pub fn parse_date(field: &'static str, text: &str) -> Result<NaiveDate, InputError> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(at, byte)| match at {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| InputError::Date {
            field,
            text: text.to_owned(),
        })
}

/// Reads `KEY=DATE` against the schedule's keys.
pub fn parse_record(schedule: &Schedule, text: &str) -> Result<Record, InputError> {
    let (key, date) = text
        .split_once('=')
        .ok_or_else(|| InputError::DoneShape(text.to_owned()))?;
    let key = schedule.key(key.trim()).map_err(|problem| InputError::Key {
        text: text.to_owned(),
        problem,
    })?;
    let done_on = parse_date("done", date.trim())?;
    Ok(Record::new(key, done_on))
}

/// Reads `NAME=VALUE` into the product choices.
pub fn parse_option(options: &mut Options, text: &str) -> Result<(), InputError> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| InputError::OptionShape(text.to_owned()))?;
    options
        .set(name.trim(), value.trim())
        .map_err(|problem| InputError::Option {
            text: text.to_owned(),
            problem,
        })
}

/// Answers `yorisoi schedule`: the JSON document or the table to print.
pub fn answer(request: &Request<'_>, default_today: NaiveDate) -> Result<String, InputError> {
    let custom;
    let schedule = match request.schedule {
        Some(text) => {
            custom = Schedule::parse(text).map_err(InputError::Schedule)?;
            &custom
        }
        None => Schedule::national(),
    };
    let birth_date = request
        .birth_date
        .map(|text| parse_date("birth-date", text))
        .transpose()?;
    let due_date = request.due_date.map(|text| parse_date("due-date", text)).transpose()?;
    let today = request
        .today
        .map(|text| parse_date("today", text))
        .transpose()?
        .unwrap_or(default_today);
    let subject = Subject::from_dates(due_date, birth_date).map_err(|error| match error {
        SubjectError::NoDates => InputError::NoDates,
        other => InputError::Subject(other),
    })?;
    let records = request
        .done
        .iter()
        .map(|text| {
            let record = parse_record(schedule, text)?;
            if record.done_on > today {
                return Err(InputError::DoneAfterToday {
                    text: text.clone(),
                    today,
                });
            }
            Ok(record)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut options = Options::default();
    for text in request.options {
        parse_option(&mut options, text)?;
    }
    schedule
        .check_products(&options, &records)
        .map_err(InputError::Product)?;
    let timeline = plan(schedule, &subject, &records, &options, today);
    Ok(if request.json {
        render_json(&timeline)
    } else {
        render_table(&timeline)
    })
}

/// `{"items": [...], "invalid_records": [...]}`, with the contract's fields in its order.
pub fn render_json(timeline: &Timeline) -> String {
    serde_json::to_string_pretty(timeline).expect("a timeline holds only strings, numbers, booleans and dates")
}

/// A table for reading in a terminal, followed by the records that do not count.
pub fn render_table(timeline: &Timeline) -> String {
    let mut out = String::new();
    let width = timeline
        .items
        .iter()
        .map(|item| item.key.to_string().len())
        .max()
        .unwrap_or(3)
        .max(3);
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "{:width$}  {:10}  {:10}  {:23}  {:10}  {:10}  notes",
        "key", "status", "earliest", "recommended", "latest", "done_on"
    );
    for item in &timeline.items {
        let mut notes = Vec::new();
        if item.projected {
            notes.push("projected");
        }
        if !item.routine {
            notes.push("voluntary");
        }
        let done_on = item.done_on.map_or_else(|| "-".to_owned(), |date| date.to_string());
        let _ = writeln!(
            out,
            "{:width$}  {:10}  {:10}  {}..{}  {:10}  {:10}  {}",
            item.key.to_string(),
            item.status.as_str(),
            item.earliest.to_string(),
            item.recommended_from,
            item.recommended_until,
            item.latest.to_string(),
            done_on,
            notes.join(", "),
        );
    }
    if !timeline.invalid_records.is_empty() {
        let _ = writeln!(out, "\nRecords that do not count:");
        for record in &timeline.invalid_records {
            let _ = writeln!(out, "  {} {}: {}", record.key, record.done_on, record.reason);
        }
    }
    out
}
