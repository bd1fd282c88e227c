//! `yorisoi seed-scale`: one large municipality (100,000 families by default) for load tests and
//! for seeing the staff pages at scale. Refuses a municipality code that exists already.

use crate::config::Settings;
use std::process::ExitCode;
use std::time::Instant;
use store::Store;
use store::scale::{DEFAULT_CODE, DEFAULT_NAME, PASSWORD, Scale};

#[derive(clap::Args, Debug)]
pub struct SeedScaleArgs {
    /// How many families to create.
    #[arg(long, default_value_t = 100_000)]
    pub families: u32,
    /// 全国地方公共団体コード of the new municipality (999990 is the demo's).
    #[arg(long, default_value = DEFAULT_CODE)]
    pub municipality_code: String,
    #[arg(long, default_value = DEFAULT_NAME)]
    pub municipality_name: String,
    /// The random seed: the same seed, day and size give the same data.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

pub async fn run(settings: &Settings, args: &SeedScaleArgs) -> ExitCode {
    match seed(settings, args).await {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("yorisoi seed-scale: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn seed(settings: &Settings, args: &SeedScaleArgs) -> Result<String, String> {
    let store = Store::open(&settings.database_url, 2)
        .await
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let seeded = store
        .seed_scale(&Scale {
            code: &args.municipality_code,
            name: &args.municipality_name,
            families: args.families,
            seed: args.seed,
            today: crate::config::today_in_japan(),
            now: chrono::Utc::now(),
        })
        .await
        .map_err(|e| e.to_string())?;
    let Some(seeded) = seeded else {
        store.close().await;
        return Err(format!(
            "municipality {} exists already; nothing was seeded (choose another --municipality-code)",
            args.municipality_code
        ));
    };
    let seeding = started.elapsed();
    // The task table, kept for every family now rather than by the server's first minutes.
    let town = store
        .municipality(seeded.municipality)
        .await
        .map_err(|e| e.to_string())?;
    app::api::tasks::load::refresh_stale_with_progress(&store, &town, chrono::Utc::now(), |done, total| {
        eprint!("\rplanning tasks: {done} / {total} families");
        if done == total {
            eprintln!();
        }
    })
    .await
    .map_err(|e| format!("planning the tasks: {e}"))?;
    store.close().await;
    Ok(format!(
        "Seeded {} ({}) in {:.1} s: {} families, {} pregnancies, {} children, {} timeline records, \
         {} interviews, {} visits, {} support plans, {} consultations; their tasks planned and kept in {:.1} s.\n\
         Coordinator login: {} / {PASSWORD}  (admin: {})",
        args.municipality_name,
        args.municipality_code,
        seeding.as_secs_f64(),
        seeded.families,
        seeded.pregnancies,
        seeded.children,
        seeded.records,
        seeded.interviews,
        seeded.visits,
        seeded.plans,
        seeded.consultations,
        (started.elapsed() - seeding).as_secs_f64(),
        seeded.coordinator_email,
        seeded.admin_email,
    ))
}
