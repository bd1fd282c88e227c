//! `yorisoi create-admin`: the first admin of a municipality, created from the command line.

use crate::config::Settings;
use domain::account::{Profession, Role};
use domain::people::{Email, NewPassword};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use store::Store;
use store::accounts::{NewStaff, hash_password};

#[derive(clap::Args, Debug)]
pub struct CreateAdminArgs {
    /// 全国地方公共団体コード of the municipality, e.g. 131016.
    #[arg(long)]
    pub municipality_code: String,
    /// The municipality's name; needed only when it is new.
    #[arg(long)]
    pub municipality_name: Option<String>,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// IANA time zone of a new municipality.
    #[arg(long, default_value = "Asia/Tokyo")]
    pub time_zone: String,
}

/// The password comes from `YORISOI_ADMIN_PASSWORD`, a prompt, or the first line of standard input —
/// never from a flag, where other users of the machine could read it.
fn read_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("YORISOI_ADMIN_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password for the new admin: ").map_err(|e| e.to_string());
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub async fn run(settings: &Settings, args: &CreateAdminArgs) -> ExitCode {
    match create(settings, args).await {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("yorisoi create-admin: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn create(settings: &Settings, args: &CreateAdminArgs) -> Result<String, String> {
    let email = Email::parse(&args.email).map_err(|e| format!("email: {e}"))?;
    let password = NewPassword::parse(&read_password()?).map_err(|e| format!("password: {e}"))?;
    let time_zone: chrono_tz::Tz = args
        .time_zone
        .parse()
        .map_err(|_| format!("unknown time zone {}", args.time_zone))?;
    let store = Store::open(&settings.database_url, 2)
        .await
        .map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    let municipality = match store
        .municipality_by_code(&args.municipality_code)
        .await
        .map_err(|e| e.to_string())?
    {
        Some(m) => m.id,
        None => {
            let name = args
                .municipality_name
                .as_deref()
                .ok_or("a new municipality needs --municipality-name")?;
            store
                .create_municipality(&args.municipality_code, name, time_zone, now)
                .await
                .map_err(|e| e.to_string())?
        }
    };
    let hash = hash_password(&password).map_err(|e| e.to_string())?;
    store
        .create_staff(
            &NewStaff {
                municipality,
                email: &email,
                password_hash: &hash,
                display_name: &args.name,
                role: Role::Admin,
                site: None,
                profession: Profession::Other,
            },
            now,
        )
        .await
        .map_err(|e| match e {
            store::Error::Conflict("email_taken") => format!("{email} already has an account"),
            other => other.to_string(),
        })?;
    store.close().await;
    Ok(format!(
        "Created admin {email} for municipality {}",
        args.municipality_code
    ))
}
