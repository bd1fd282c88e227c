//! `yorisoi schedule`: a timeline from the command line, without a database or a running server.

use std::fmt::Display;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use domain::schedule::cli::{self, Request};

/// Computes a timeline from the national schedule (or a municipality's) and prints it.
#[derive(clap::Args, Debug)]
pub struct ScheduleArgs {
    /// The child's birth date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub birth_date: Option<String>,
    /// The pregnancy's due date (出産予定日), YYYY-MM-DD; with --birth-date for a pregnancy that
    /// ended in birth.
    #[arg(long, value_name = "DATE")]
    pub due_date: Option<String>,
    /// The day statuses are computed for (default: today in the municipality's time zone).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// A recorded event, such as hepb-1=2026-03-14; repeatable.
    #[arg(long = "done", value_name = "KEY=DATE")]
    pub done: Vec<String>,
    /// A product choice: rota=monovalent|pentavalent, pcv=pcv20|pcv15; repeatable.
    #[arg(long = "option", value_name = "NAME=VALUE")]
    pub options: Vec<String>,
    /// A municipality's schedule file, in place of the built-in national one.
    #[arg(long, value_name = "FILE")]
    pub schedule: Option<PathBuf>,
    /// Print `{"items": [...], "invalid_records": [...]}` instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Prints the timeline to stdout, or one line naming the problem to stderr with a failing exit.
pub fn run(args: &ScheduleArgs, default_today: NaiveDate) -> ExitCode {
    let schedule = match &args.schedule {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(error) => return fail(format_args!("--schedule {}: {error}", path.display())),
        },
        None => None,
    };
    let request = Request {
        birth_date: args.birth_date.as_deref(),
        due_date: args.due_date.as_deref(),
        today: args.today.as_deref(),
        done: &args.done,
        options: &args.options,
        schedule: schedule.as_deref(),
        json: args.json,
    };
    match cli::answer(&request, default_today) {
        Ok(text) => {
            println!("{}", text.trim_end());
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

fn fail(message: impl Display) -> ExitCode {
    eprintln!("yorisoi schedule: {message}");
    ExitCode::FAILURE
}
