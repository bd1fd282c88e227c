//! The `yorisoi` binary's subcommands, run as a user would run them.

use std::process::Command;

fn yorisoi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_yorisoi"))
}

#[tokio::test]
async fn create_admin_makes_a_municipality_and_an_admin_who_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/admin.db", dir.path().display());
    let output = yorisoi()
        .args([
            "create-admin",
            "--municipality-code",
            "131016",
            "--municipality-name",
            "千代田区",
        ])
        .args(["--email", "Admin@City.example.jp", "--name", "管理 太郎"])
        .env("DATABASE_URL", &url)
        .env("YORISOI_ADMIN_PASSWORD", "first admin password")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let store = store::Store::open(&url, 1).await.unwrap();
    let signed_in = store
        .authenticate(
            "admin@city.example.jp",
            "first admin password",
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let viewer = store.viewer(signed_in.unwrap()).await.unwrap().unwrap();
    assert_eq!(viewer.role, domain::account::Role::Admin);
    assert_eq!(
        store.municipality_by_code("131016").await.unwrap().unwrap().name,
        "千代田区"
    );

    // A second admin of the same municipality needs no name; the same e-mail is refused.
    let again = yorisoi()
        .args([
            "create-admin",
            "--municipality-code",
            "131016",
            "--email",
            "admin@city.example.jp",
            "--name",
            "x",
        ])
        .env("DATABASE_URL", &url)
        .env("YORISOI_ADMIN_PASSWORD", "first admin password")
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has an account"));
}

#[test]
fn create_admin_refuses_a_short_password_without_touching_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let output = yorisoi()
        .args([
            "create-admin",
            "--municipality-code",
            "131016",
            "--municipality-name",
            "千代田区",
        ])
        .args(["--email", "admin@city.example.jp", "--name", "管理 太郎"])
        .env("DATABASE_URL", format!("sqlite://{}/admin.db", dir.path().display()))
        .env("YORISOI_ADMIN_PASSWORD", "short")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("password"));
    assert!(!dir.path().join("admin.db").exists());
}

#[test]
fn schedule_answers_in_json_without_a_database() {
    let output = yorisoi()
        .args([
            "schedule",
            "--birth-date",
            "2026-01-15",
            "--today",
            "2026-03-20",
            "--done",
            "hepb-1=2026-03-14",
            "--json",
        ])
        .env("DATABASE_URL", "sqlite:///nonexistent/dir/never-created.db")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let hepb1 = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "hepb-1")
        .unwrap();
    assert_eq!(hepb1["status"], "completed");
    assert_eq!(hepb1["done_on"], "2026-03-14");
    // hepb-2: 27日以上の間隔 → the 28th day after the actual first dose.
    let hepb2 = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "hepb-2")
        .unwrap();
    assert_eq!(hepb2["earliest"], "2026-04-11");
}

#[test]
fn schedule_refuses_malformed_input_with_one_line() {
    let output = yorisoi()
        .args(["schedule", "--birth-date", "2026-02-30", "--json"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[tokio::test]
async fn a_municipality_gets_its_own_schedule_file_and_a_broken_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/schedule.db", dir.path().display());
    let store = store::Store::open(&url, 1).await.unwrap();
    let m = store
        .create_municipality("131016", "千代田区", chrono_tz::Asia::Tokyo, chrono::Utc::now())
        .await
        .unwrap();
    let family_of = |schedule: &domain::schedule::Schedule| {
        let family = domain::family::FamilyRecord {
            id: domain::ids::FamilyId(1),
            municipality: m,
            site: None,
            site_name: None,
            family_name: "x".into(),
            family_name_kana: "エックス".into(),
            guardians: vec![],
            pregnancies: vec![],
            children: vec![domain::family::Child {
                id: domain::ids::ChildId(1),
                pregnancy: None,
                name: "x".into(),
                name_kana: "エックス".into(),
                birth_date: "2026-01-15".parse().unwrap(),
                sex: domain::people::Sex::Unknown,
                options: Default::default(),
            }],
        };
        domain::timeline::family_timelines(schedule, &family, &[], "2026-11-24".parse().unwrap())
    };

    let file = dir.path().join("chiyoda.toml");
    std::fs::write(
        &file,
        "extends = \"national\"\nremove = [\"checkup-9m\"]\n[[series]]\nkey = \"checkup-3m\"\nplace = \"千代田保健所\"\n",
    )
    .unwrap();
    let output = yorisoi()
        .args([
            "schedule-file",
            "--municipality-code",
            "131016",
            "--file",
            file.to_str().unwrap(),
        ])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let own = app::api::timeline::load::schedule(&store, m).await.unwrap();
    assert!(family_of(&own)[0].timeline.item("checkup-9m").is_none());
    let again = app::api::timeline::load::schedule(&store, m).await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&own, &again), "the same file is parsed once");
    assert_eq!(own.place("checkup-3m"), Some("千代田保健所"));
    assert_eq!(own.place("checkup-1m"), None);
    assert!(
        family_of(domain::schedule::Schedule::national())[0]
            .timeline
            .item("checkup-9m")
            .is_some()
    );

    std::fs::write(
        &file,
        "extends = \"national\"\n[[series]]\nkey = \"hepb\"\nwindow = [\"not a date\", \"1y\"]\n",
    )
    .unwrap();
    let broken = yorisoi()
        .args([
            "schedule-file",
            "--municipality-code",
            "131016",
            "--file",
            file.to_str().unwrap(),
        ])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!broken.status.success());
    let still = app::api::timeline::load::schedule(&store, m).await.unwrap();
    assert!(
        family_of(&still)[0].timeline.item("checkup-9m").is_none(),
        "the stored file is unchanged"
    );

    let cleared = yorisoi()
        .args(["schedule-file", "--municipality-code", "131016", "--clear"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(cleared.status.success());
    let national = app::api::timeline::load::schedule(&store, m).await.unwrap();
    assert!(!std::sync::Arc::ptr_eq(&own, &national), "a changed file is read again");
    assert!(family_of(&national)[0].timeline.item("checkup-9m").is_some());
}

#[tokio::test]
async fn backup_copies_a_database_in_use_consistently_and_the_copy_restores() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/live.db", dir.path().display());
    // The running server: its store holds the file open.
    let server = store::Store::open(&url, 2).await.unwrap();
    let now = chrono::Utc::now();
    server
        .create_municipality("131016", "千代田区", chrono_tz::Asia::Tokyo, now)
        .await
        .unwrap();
    // A write in progress while the backup runs: it holds SQLite's write lock and is not committed.
    let mut writer = sqlx::SqliteConnection::connect(&format!("{url}?mode=rw"))
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut writer).await.unwrap();
    sqlx::query("UPDATE municipalities SET name = 'half-done' WHERE code = '131016'")
        .execute(&mut writer)
        .await
        .unwrap();

    let copy = dir.path().join("copy.db");
    let backup = yorisoi()
        .args(["backup", "--to", copy.to_str().unwrap()])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    sqlx::query("COMMIT").execute(&mut writer).await.unwrap();

    // A second backup to the same file is refused and leaves the copy alone.
    let again = yorisoi()
        .args(["backup", "--to", copy.to_str().unwrap()])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // Restored in a new place (the server stopped), it opens and holds what was committed.
    drop(server);
    let restored_file = dir.path().join("restored.db");
    std::fs::copy(&copy, &restored_file).unwrap();
    let restored = store::Store::open(&format!("sqlite://{}", restored_file.display()), 1)
        .await
        .unwrap();
    let municipality = restored.municipality_by_code("131016").await.unwrap().unwrap();
    assert_eq!(
        municipality.name, "千代田区",
        "the write in progress is not in the copy"
    );
}

#[test]
fn backup_refuses_postgresql_and_points_to_its_own_tools() {
    let Ok(url) = std::env::var("YORISOI_TEST_POSTGRES_URL") else {
        eprintln!("PostgreSQL not configured: skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let output = yorisoi()
        .args(["backup", "--to", dir.path().join("pg.db").to_str().unwrap()])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("pg_dump"));
}
