//! Fresh databases (an SQLite file, or a PostgreSQL database when `YORISOI_TEST_POSTGRES_URL` is
//! set), a municipality with a family and a guardian, and dispatchers with short timeouts.

#![allow(dead_code)]

use crate::receiver::Subscription;
use chrono::{DateTime, Duration, Utc};
use domain::account::{Profession, Role};
use domain::ids::{AccountId, FamilyId, MunicipalityId};
use domain::invitation::InvitationCode;
use domain::people::{Email, Kana, PersonName};
use server::jobs::dispatcher::{Dispatcher, Reach, Settings};
use store::Store;
use store::accounts::NewStaff;
use store::families::NewFamily;
use store::invitations::NewGuardian;
use store::push::{Kind, NewReminder, NewSubscription};

pub const POSTGRES_URL_VAR: &str = "YORISOI_TEST_POSTGRES_URL";

/// Not a real hash: nobody signs in here, and hashing would only slow the tests.
const PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bm90IGEgc2FsdA$bm90IGEgaGFzaA";

pub enum Backend {
    Sqlite,
    Postgres,
}

/// A store on a fresh database, with a municipality, a family and one guardian.
pub struct World {
    pub store: Store,
    pub url: String,
    pub municipality: MunicipalityId,
    pub family: FamilyId,
    pub guardian: AccountId,
    /// The VAPID key pair the dispatchers sign with (base64url private, public).
    pub vapid_private: String,
    pub vapid_public: String,
    _dir: Option<tempfile::TempDir>,
}

/// `None` when PostgreSQL is asked for and not configured.
pub async fn world(backend: Backend, test: &str) -> Option<World> {
    let (url, dir) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            (format!("sqlite://{}/push.db", dir.path().display()), Some(dir))
        }
        Backend::Postgres => (postgres_database(test).await?, None),
    };
    let store = Store::open(&url, 4).await.expect("open the store");
    let now = Utc::now();
    let municipality = store
        .create_municipality("299999", "押し町", chrono_tz::Asia::Tokyo, now)
        .await
        .expect("municipality");
    let name = PersonName::parse("n", "鈴木").unwrap();
    let kana = Kana::parse("k", "スズキ").unwrap();
    let family = store
        .create_family(
            municipality,
            &NewFamily {
                site: None,
                family_name: &name,
                family_name_kana: &kana,
            },
            now,
        )
        .await
        .expect("family");
    let guardian = guardian(&store, municipality, family, 1).await;
    let (vapid_private, vapid_public) = server::jobs::vapid::generate();
    Some(World {
        store,
        url,
        municipality,
        family,
        guardian,
        vapid_private,
        vapid_public,
        _dir: dir,
    })
}

/// A parent who joined the family with an invitation.
pub async fn guardian(store: &Store, municipality: MunicipalityId, family: FamilyId, n: u8) -> AccountId {
    let now = Utc::now();
    let staff_email = Email::parse(&format!("issuer{n}@example.jp")).unwrap();
    let issuer = store
        .create_staff(
            &NewStaff {
                municipality,
                email: &staff_email,
                password_hash: PASSWORD_HASH,
                display_name: "職員",
                role: Role::Coordinator,
                site: None,
                profession: Profession::PublicHealthNurse,
            },
            now,
        )
        .await
        .expect("staff");
    let code = InvitationCode::from_random([n; 12]);
    store
        .issue_invitation(municipality, family, issuer, code.clone(), now)
        .await
        .expect("invitation");
    let email = Email::parse(&format!("parent{n}@example.jp")).unwrap();
    let name = PersonName::parse("n", "鈴木 花子").unwrap();
    let kana = Kana::parse("k", "スズキ ハナコ").unwrap();
    store
        .join_with_invitation(
            &code,
            &NewGuardian {
                email: &email,
                password_hash: PASSWORD_HASH,
                name: &name,
                name_kana: &kana,
            },
            None,
            now,
        )
        .await
        .expect("join")
        .expect("invitation accepted")
}

async fn postgres_database(test: &str) -> Option<String> {
    let url = std::env::var(POSTGRES_URL_VAR).ok().filter(|u| !u.is_empty())?;
    sqlx::any::install_default_drivers();
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR} is set but PostgreSQL is unreachable: {e}"));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!(
        "yorisoi_push_{}_{}_{nanos}",
        test.chars().take(24).collect::<String>(),
        std::process::id()
    );
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create database");
    let (base, query) = url.split_once('?').map_or((url.as_str(), None), |(b, q)| (b, Some(q)));
    let (server, _) = base.rsplit_once('/').expect("database URL with a path");
    Some(match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    })
}

/// Short timeouts and leases, so that hangs and kills play out in a test's time; the loopback push
/// service is reachable through the test-only allowance.
pub fn settings(worker: &str) -> Settings {
    Settings {
        worker: worker.to_owned(),
        subject: "mailto:push-test@example.invalid".to_owned(),
        batch: 64,
        concurrency: 8,
        lease: Duration::seconds(1),
        timeout: std::time::Duration::from_millis(300),
        reach: Reach::loopback_for_tests(),
    }
}

impl World {
    pub fn dispatcher(&self, settings: Settings) -> Dispatcher {
        Dispatcher::new(self.store.clone(), &self.vapid_private, settings).expect("dispatcher")
    }

    /// Saves a receiver subscription as the guardian's device.
    pub async fn device(&self, subscription: &Subscription, label: &str) -> i64 {
        self.device_of(self.guardian, subscription, label).await
    }

    pub async fn device_of(&self, account: AccountId, subscription: &Subscription, label: &str) -> i64 {
        self.store
            .subscribe(
                self.municipality,
                self.family,
                account,
                &NewSubscription {
                    endpoint: &subscription.endpoint,
                    p256dh: &subscription.p256dh,
                    auth: &subscription.auth,
                    device_label: label,
                },
                Utc::now(),
            )
            .await
            .expect("subscribe")
    }

    /// Puts the reminders in the outbox for every device of the guardian.
    pub async fn plan(&self, kind: Kind, reminders: &[NewReminder]) {
        self.plan_for(self.guardian, kind, reminders).await;
    }

    pub async fn plan_for(&self, account: AccountId, kind: Kind, reminders: &[NewReminder]) {
        self.store
            .replan(self.municipality, account, kind, reminders, Utc::now())
            .await
            .expect("replan");
    }

    /// Runs SQL on its own connection, as the passing of time would.
    pub async fn execute(&self, sql: &str) {
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.url)
            .await
            .expect("connect");
        sqlx::query(sql).execute(&mut conn).await.expect(sql);
    }

    /// Time passes: every pending reminder's next attempt is due.
    pub async fn make_due(&self) {
        self.execute("UPDATE reminders SET next_attempt_at = '2000-01-01T00:00:00.000000Z' WHERE status = 'pending'")
            .await;
    }

    /// A reminder's next attempt, last status and last error, by its key on a device.
    pub async fn retry_state(&self, device: i64, key: &str) -> (DateTime<Utc>, Option<i64>, Option<String>) {
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.url)
            .await
            .expect("connect");
        let (next, status, error): (String, Option<i64>, Option<String>) = sqlx::query_as(
            "SELECT next_attempt_at, last_status, last_error FROM reminders WHERE subscription_id = $1 \
             AND dedupe_key = $2",
        )
        .bind(device)
        .bind(key)
        .fetch_one(&mut conn)
        .await
        .expect("reminder row");
        (next.parse().expect("instant"), status, error)
    }

    /// How many outbox rows are not finished (pending or being sent).
    pub async fn unfinished(&self) -> i64 {
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.url)
            .await
            .expect("connect");
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reminders WHERE status IN ('pending', 'sending')")
            .fetch_one(&mut conn)
            .await
            .expect("count");
        n
    }

    /// `(key, status, attempts)` of a device's reminders.
    pub async fn statuses(&self, device: i64) -> Vec<(String, String, i64)> {
        self.store.reminder_statuses(device).await.expect("statuses")
    }

    /// The status of one reminder on a device.
    pub async fn status(&self, device: i64, key: &str) -> (String, i64) {
        self.statuses(device)
            .await
            .into_iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, s, a)| (s, a))
            .unwrap_or_else(|| panic!("no reminder {key} on device {device}"))
    }
}

/// A reminder due a minute ago; its url names it so that the receiver can count it.
pub fn due(key: &str) -> NewReminder {
    reminder(key, Utc::now() - Duration::minutes(1))
}

pub fn reminder(key: &str, due_at: DateTime<Utc>) -> NewReminder {
    NewReminder {
        dedupe_key: key.to_owned(),
        title: "よりそい: きょうからの予定があります".to_owned(),
        url: format!("/home#{key}"),
        due_at,
        urgency: "normal",
        ttl_seconds: 24 * 3600,
    }
}

/// Runs a test body on SQLite and, when configured, on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let world = $crate::support::world($crate::support::Backend::Sqlite, stringify!($name))
                        .await
                        .unwrap();
                    super::$name(world, $crate::receiver::Receiver::start().await).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    match $crate::support::world($crate::support::Backend::Postgres, stringify!($name)).await {
                        Some(world) => super::$name(world, $crate::receiver::Receiver::start().await).await,
                        None => eprintln!("PostgreSQL not configured ({}): skipped", $crate::support::POSTGRES_URL_VAR),
                    }
                }
            )*
        }
    };
}
