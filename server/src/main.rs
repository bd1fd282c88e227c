//! The `yorisoi` binary: settings → telemetry → the chosen command (serving by default).

use clap::{Parser, Subcommand};
use server::cli;
use server::config::Settings;
use server::startup::Application;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "yorisoi",
    version,
    about = "Yorisoi: support for families from pregnancy through early childhood"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the app (the default).
    Serve,
    /// Create a municipality's first admin (and the municipality, if it is new).
    CreateAdmin(cli::admin::CreateAdminArgs),
    /// Compute a timeline from the national schedule, without a database.
    Schedule(cli::schedule::ScheduleArgs),
    /// Give a municipality its own schedule file (or go back to the national one).
    ScheduleFile(cli::schedule_file::ScheduleFileArgs),
    /// Write a consistent copy of the SQLite database to a new file, while the server runs.
    Backup(cli::backup::BackupArgs),
    /// Seed one large municipality (100,000 families by default) for load tests.
    SeedScale(cli::seed_scale::SeedScaleArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let Cli { settings, command } = Cli::parse();
    match command.unwrap_or(Command::Serve) {
        Command::Schedule(args) => cli::schedule::run(&args, server::config::today_in_japan()),
        Command::ScheduleFile(args) => {
            server::telemetry::init();
            cli::schedule_file::run(&settings, &args).await
        }
        Command::SeedScale(args) => {
            server::telemetry::init();
            cli::seed_scale::run(&settings, &args).await
        }
        Command::Backup(args) => {
            server::telemetry::init();
            cli::backup::run(&settings, &args).await
        }
        Command::CreateAdmin(args) => {
            server::telemetry::init();
            cli::admin::run(&settings, &args).await
        }
        Command::Serve => {
            server::telemetry::init();
            match serve(settings).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!(error = %e, "yorisoi stopped");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

async fn serve(settings: Settings) -> Result<(), server::startup::Error> {
    let app = Application::build(&settings).await?;
    app.run_until_stopped().await
}
