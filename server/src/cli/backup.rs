//! `yorisoi backup --to FILE`: an online, consistent copy of the SQLite database.
//!
//! Runs beside a serving `yorisoi` on the same file: the copy holds every write committed before it
//! started and nothing half-done. To restore, stop the server, put the copy in the database's place
//! (and remove the old `-wal` and `-shm` files beside it), and start the server again.

use crate::config::Settings;
use std::path::PathBuf;
use std::process::ExitCode;
use store::Store;

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    /// Where to write the copy; the file must not exist yet.
    #[arg(long)]
    pub to: PathBuf,
}

pub async fn run(settings: &Settings, args: &BackupArgs) -> ExitCode {
    let result = async {
        // Refused before anything is opened (or migrated).
        if store::Engine::of_url(&settings.database_url).map_err(|e| e.to_string())? != store::Engine::Sqlite {
            return Err(store::BACKUP_NEEDS_SQLITE.to_owned());
        }
        let store = Store::open(&settings.database_url, 1)
            .await
            .map_err(|e| e.to_string())?;
        store.backup_to(&args.to).await.map_err(|e| match e {
            store::Error::Conflict(_) => format!("{} exists already; choose a new file", args.to.display()),
            other => other.to_string(),
        })
    }
    .await;
    match result {
        Ok(()) => {
            let bytes = std::fs::metadata(&args.to).map(|m| m.len()).unwrap_or(0);
            println!("backup written to {} ({bytes} bytes)", args.to.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("yorisoi backup: {message}");
            ExitCode::FAILURE
        }
    }
}
