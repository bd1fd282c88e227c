//! Times one family's timelines: a child with ten recorded doses, and a pregnancy.
//!
//! Run in release: `cargo run --release -p domain --example bench_timeline`.

use std::hint::black_box;
use std::time::Instant;

use chrono::NaiveDate;
use domain::schedule::{Options, Record, Schedule, Subject, Timeline, plan};

fn date(text: &str) -> NaiveDate {
    text.parse().expect("benchmark dates are valid")
}

fn measure(label: &str, iterations: u32, mut run: impl FnMut() -> Timeline) {
    // Warm up, so the national schedule is read and caches are filled.
    for _ in 0..iterations / 10 {
        black_box(run());
    }
    let started = Instant::now();
    for _ in 0..iterations {
        black_box(run());
    }
    let per_run = started.elapsed().as_nanos() / u128::from(iterations);
    println!("{label}: {per_run} ns/op ({iterations} runs)");
}

fn main() {
    let schedule = Schedule::national();
    let options = Options::default();
    let child = Subject::child(date("2026-01-15"));
    let doses: Vec<Record> = [
        ("hepb-1", "2026-03-14"),
        ("hepb-2", "2026-04-11"),
        ("rota-1", "2026-03-14"),
        ("rota-2", "2026-04-11"),
        ("dpt-ipv-hib-1", "2026-03-14"),
        ("dpt-ipv-hib-2", "2026-04-11"),
        ("dpt-ipv-hib-3", "2026-05-09"),
        ("pcv-1", "2026-03-14"),
        ("pcv-2", "2026-04-11"),
        ("bcg-1", "2026-06-20"),
    ]
    .into_iter()
    .map(|(key, on)| Record::new(key.parse().expect("a national key"), date(on)))
    .collect();
    let today = date("2026-07-01");
    let pregnancy = Subject::pregnancy(date("2026-09-01"));
    let iterations = 20_000;

    measure("child with ten recorded doses", iterations, || {
        plan(schedule, black_box(&child), black_box(&doses), &options, today)
    });
    measure("pregnancy", iterations, || {
        plan(schedule, black_box(&pregnancy), &[], &options, today)
    });
    measure("family (both)", iterations, || {
        let child_timeline = plan(schedule, black_box(&child), black_box(&doses), &options, today);
        black_box(child_timeline);
        plan(schedule, black_box(&pregnancy), &[], &options, today)
    });
}
