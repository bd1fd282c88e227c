//! `yorisoi schedule-file`: gives a municipality its own schedule (extra checkups, other ages,
//! which interview hands out the second benefit form) without a rebuild. The file is checked
//! against the national schedule before it is stored.

use crate::config::Settings;
use domain::schedule::Schedule;
use std::path::PathBuf;
use std::process::ExitCode;
use store::Store;

#[derive(clap::Args, Debug)]
pub struct ScheduleFileArgs {
    /// 全国地方公共団体コード of the municipality.
    #[arg(long)]
    pub municipality_code: String,
    /// The TOML file laid over the national schedule (`extends = "national"`).
    #[arg(long, conflicts_with = "clear", required_unless_present = "clear")]
    pub file: Option<PathBuf>,
    /// Go back to the national schedule.
    #[arg(long)]
    pub clear: bool,
}

pub async fn run(settings: &Settings, args: &ScheduleFileArgs) -> ExitCode {
    match apply(settings, args).await {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("yorisoi schedule-file: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn apply(settings: &Settings, args: &ScheduleFileArgs) -> Result<String, String> {
    let text = match &args.file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Schedule::national()
                .overlay(&text)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Some(text)
        }
        None => None,
    };
    let store = Store::open(&settings.database_url, 1)
        .await
        .map_err(|e| e.to_string())?;
    let municipality = store
        .municipality_by_code(&args.municipality_code)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no municipality with code {}", args.municipality_code))?;
    store
        .set_schedule_overlay(municipality.id, text.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    Ok(match text {
        Some(_) => format!("{} now uses its own schedule file", municipality.name),
        None => format!("{} now uses the national schedule", municipality.name),
    })
}
