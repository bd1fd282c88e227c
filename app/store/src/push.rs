//! Web Push: the VAPID key pair, devices' subscriptions, reminder settings, and the durable outbox.
//! Every reminder is written here before it is sent; a dispatcher claims due rows with a lease,
//! sends them, and records the outcome under its own name (a stale claim cannot overwrite).

use crate::{Engine, Error, Store, time};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use domain::ids::{AccountId, FamilyId, MunicipalityId};
use domain::reminder::Preferences;

/// A device's subscription as the browser gave it.
pub struct NewSubscription<'a> {
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub device_label: &'a str,
}

/// How a device is reached: Web Push to a browser, or e-mail for a parent whose device cannot
/// take push (an iPhone's browser before the app is added to the home screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    WebPush,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::WebPush => "web_push",
            Channel::Email => "email",
        }
    }

    fn parse(code: &str) -> Result<Self, Error> {
        match code {
            "web_push" => Ok(Channel::WebPush),
            "email" => Ok(Channel::Email),
            other => Err(Error::Corrupt(format!("channel {other:?}"))),
        }
    }
}

/// The endpoint an e-mail channel is kept under: unique per address, like a push endpoint.
pub fn email_endpoint(address: &str) -> String {
    format!("mailto:{address}")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: i64,
    pub channel: Channel,
    pub device_label: String,
    pub created_at: DateTime<Utc>,
    pub last_sent_at: Option<DateTime<Utc>>,
}

/// A reminder to write to the outbox for one subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReminder {
    pub dedupe_key: String,
    pub title: String,
    pub url: String,
    pub due_at: DateTime<Utc>,
    /// `very-low`, `low`, `normal` or `high` (RFC 8030).
    pub urgency: &'static str,
    pub ttl_seconds: i64,
}

/// Which outbox rows a re-plan replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Timeline,
    Consultation,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Timeline => "timeline",
            Kind::Consultation => "consultation",
        }
    }
}

/// A claimed reminder with what sending it needs.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub subscription_id: i64,
    /// `web_push` or `email` (see [`Channel`]).
    pub channel: String,
    /// A push service's URL, or `mailto:` and the address.
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub title: String,
    pub url: String,
    pub urgency: String,
    pub ttl_seconds: i64,
    pub attempts: i64,
    pub dedupe_key: String,
}

/// What happened to one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// 404 or 410: the subscription is gone; it and its pending reminders are dropped.
    Gone {
        status: u16,
    },
    /// 429, 5xx, a timeout or a broken connection: try again at `at`.
    Retry {
        at: DateTime<Utc>,
        status: Option<u16>,
        error: String,
    },
    /// Anything else, or too many tries: visible to admins.
    Failed {
        status: Option<u16>,
        error: String,
    },
}

/// A reminder that could not be delivered, for admins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedReminder {
    pub id: i64,
    pub family: FamilyId,
    pub kind: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: String,
    pub due_at: DateTime<Utc>,
}

/// id, family, kind, attempts, last status, last error, due at.
type FailedRow = (i64, i64, String, i64, Option<i64>, Option<String>, String);

/// The most tries per reminder before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 6;

impl Store {
    /// The VAPID key pair (private, public; base64url), made by `generate` on first use and kept.
    /// Two processes starting together agree on one pair: the first insert wins.
    pub async fn vapid_keys(
        &self,
        generate: impl FnOnce() -> (String, String),
        now: DateTime<Utc>,
    ) -> Result<(String, String), Error> {
        if let Some(keys) = self.stored_vapid_keys().await? {
            return Ok(keys);
        }
        let (private, public) = generate();
        sqlx::query(
            "INSERT INTO vapid_keys (id, private_key, public_key, created_at) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&private)
        .bind(&public)
        .bind(time::instant(now))
        .execute(self.pool())
        .await?;
        self.stored_vapid_keys().await?.ok_or(Error::NotFound)
    }

    async fn stored_vapid_keys(&self) -> Result<Option<(String, String)>, Error> {
        Ok(
            sqlx::query_as("SELECT private_key, public_key FROM vapid_keys WHERE id = 1")
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Saves a device's subscription for a parent; the same endpoint again updates it (a browser
    /// re-subscribing, or the device changing hands).
    pub async fn subscribe(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        account: AccountId,
        subscription: &NewSubscription<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        self.require_family(municipality, family).await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO push_subscriptions (municipality_id, family_id, account_id, endpoint, p256dh, auth, \
             device_label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (endpoint) DO UPDATE SET municipality_id = $1, family_id = $2, account_id = $3, \
             p256dh = $5, auth = $6, device_label = $7, removed_at = NULL, removed_reason = NULL RETURNING id",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(account.0)
        .bind(subscription.endpoint)
        .bind(subscription.p256dh)
        .bind(subscription.auth)
        .bind(subscription.device_label)
        .bind(time::instant(now))
        .fetch_one(self.pool())
        .await?;
        Ok(id)
    }

    /// Sends a parent's reminders to their e-mail address too (or again, after they stopped).
    pub async fn subscribe_email(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        account: AccountId,
        address: &str,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        self.require_family(municipality, family).await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO push_subscriptions (municipality_id, family_id, account_id, endpoint, p256dh, auth, \
             device_label, created_at, channel) VALUES ($1, $2, $3, $4, '', '', $5, $6, 'email') \
             ON CONFLICT (endpoint) DO UPDATE SET municipality_id = $1, family_id = $2, account_id = $3, \
             device_label = $5, removed_at = NULL, removed_reason = NULL RETURNING id",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(account.0)
        .bind(email_endpoint(address))
        .bind(label)
        .bind(time::instant(now))
        .fetch_one(self.pool())
        .await?;
        Ok(id)
    }

    /// A parent's devices that receive reminders.
    pub async fn devices(&self, account: AccountId) -> Result<Vec<Device>, Error> {
        let rows: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, channel, device_label, created_at, last_sent_at FROM push_subscriptions \
             WHERE account_id = $1 AND removed_at IS NULL ORDER BY created_at, id",
        )
        .bind(account.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, channel, device_label, created_at, last_sent_at)| {
                Ok(Device {
                    id,
                    channel: Channel::parse(&channel)?,
                    device_label,
                    created_at: time::parse_instant(&created_at)?,
                    last_sent_at: last_sent_at.as_deref().map(time::parse_instant).transpose()?,
                })
            })
            .collect()
    }

    /// Removes one of the parent's own devices, with its pending reminders.
    pub async fn remove_device(&self, account: AccountId, device: i64, now: DateTime<Utc>) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let removed = sqlx::query(
            "UPDATE push_subscriptions SET removed_at = $1, removed_reason = 'removed by the parent' \
             WHERE id = $2 AND account_id = $3 AND removed_at IS NULL",
        )
        .bind(time::instant(now))
        .bind(device)
        .bind(account.0)
        .execute(&mut *tx)
        .await?;
        if removed.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        cancel_pending(&mut tx, device).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn reminder_preferences(&self, account: AccountId) -> Result<Preferences, Error> {
        let row: Option<(i64, i64, i64, String, String)> = sqlx::query_as(
            "SELECT timeline, consultations, days_ahead, quiet_from, quiet_until FROM reminder_preferences \
             WHERE account_id = $1",
        )
        .bind(account.0)
        .fetch_optional(self.pool())
        .await?;
        let Some((timeline, consultations, days_ahead, from, until)) = row else {
            return Ok(Preferences::default());
        };
        let clock = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| Error::Corrupt(format!("time {t:?}")));
        Ok(Preferences {
            timeline: timeline != 0,
            consultations: consultations != 0,
            days_ahead: u8::try_from(days_ahead).map_err(|_| Error::Corrupt("days_ahead".into()))?,
            quiet_from: clock(&from)?,
            quiet_until: clock(&until)?,
        })
    }

    pub async fn set_reminder_preferences(&self, account: AccountId, prefs: &Preferences) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO reminder_preferences (account_id, timeline, consultations, days_ahead, quiet_from, quiet_until) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id) DO UPDATE SET timeline = $2, \
             consultations = $3, days_ahead = $4, quiet_from = $5, quiet_until = $6",
        )
        .bind(account.0)
        .bind(i64::from(prefs.timeline))
        .bind(i64::from(prefs.consultations))
        .bind(i64::from(prefs.days_ahead))
        .bind(prefs.quiet_from.format("%H:%M").to_string())
        .bind(prefs.quiet_until.format("%H:%M").to_string())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The guardians of a family who have at least one device, with their settings.
    pub async fn family_recipients(&self, family: FamilyId) -> Result<Vec<(AccountId, Preferences)>, Error> {
        let accounts: Vec<(i64,)> = sqlx::query_as(
            "SELECT DISTINCT account_id FROM push_subscriptions WHERE family_id = $1 AND removed_at IS NULL",
        )
        .bind(family.0)
        .fetch_all(self.pool())
        .await?;
        let mut recipients = Vec::with_capacity(accounts.len());
        for (account,) in accounts {
            let account = AccountId(account);
            recipients.push((account, self.reminder_preferences(account).await?));
        }
        Ok(recipients)
    }

    /// Replaces an account's pending reminders of one kind by `plan`, on each of its devices:
    /// a reminder already planned keeps its row (and is moved if its time changed); one no longer
    /// planned is cancelled unless its time has come. Sent reminders are never touched, so nothing
    /// is sent twice.
    pub async fn replan(
        &self,
        municipality: MunicipalityId,
        account: AccountId,
        kind: Kind,
        plan: &[NewReminder],
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let devices: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM push_subscriptions WHERE account_id = $1 AND municipality_id = $2 AND removed_at IS NULL",
        )
        .bind(account.0)
        .bind(municipality.0)
        .fetch_all(&mut *tx)
        .await?;
        for (device,) in devices {
            if kind == Kind::Timeline {
                // Only reminders still to come: the planner plans from `now` on, so one whose time has
                // come (perhaps waiting for a retry after a 429 or 5xx) is the dispatcher's to finish.
                sqlx::query(
                    "UPDATE reminders SET status = 'cancelled' WHERE subscription_id = $1 AND kind = 'timeline' \
                     AND status = 'pending' AND due_at > $2",
                )
                .bind(device)
                .bind(time::instant(now))
                .execute(&mut *tx)
                .await?;
            }
            for r in plan {
                insert_reminder(&mut tx, municipality, device, kind, r, now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` due reminders for `worker` for `lease`. A claim whose lease ran out (its
    /// dispatcher died) is claimed again. On PostgreSQL, `SKIP LOCKED` lets several dispatchers
    /// claim side by side without waiting for or taking each other's rows.
    pub async fn claim_due(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Claimed>, Error> {
        let lock = match self.engine() {
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let mut tx = self.begin_write().await?;
        let ids: Vec<(i64,)> = sqlx::query_as(&format!(
            "SELECT id FROM reminders WHERE (status = 'pending' AND next_attempt_at <= $1) \
             OR (status = 'sending' AND claim_expires_at <= $1) ORDER BY next_attempt_at, id LIMIT $2{lock}"
        ))
        .bind(time::instant(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::with_capacity(ids.len());
        for (id,) in ids {
            sqlx::query(
                "UPDATE reminders SET status = 'sending', claimed_by = $1, claim_expires_at = $2, \
                 attempts = attempts + 1 WHERE id = $3",
            )
            .bind(worker)
            .bind(time::instant(now + lease))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let row: Claimed = sqlx::query_as(
                "SELECT r.id, r.subscription_id, s.channel, s.endpoint, s.p256dh, s.auth, r.title, r.url, r.urgency, \
                 r.ttl_seconds, r.attempts, r.dedupe_key FROM reminders r \
                 JOIN push_subscriptions s ON s.id = r.subscription_id WHERE r.id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            claimed.push(row);
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Records what happened to a claimed reminder. Only the worker holding the claim may: a
    /// dispatcher whose lease ran out (and whose row another one took) changes nothing.
    pub async fn record_send(
        &self,
        worker: &str,
        claimed: &Claimed,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<bool, Error> {
        let mut tx = self.begin_write().await?;
        let at = time::instant(now);
        let (status, code, error, next) = match outcome {
            Outcome::Delivered => ("sent", Some(201), String::new(), None),
            Outcome::Gone { status } => (
                "cancelled",
                Some(i64::from(*status)),
                "subscription gone".to_owned(),
                None,
            ),
            Outcome::Retry { status, error, .. } if claimed.attempts >= MAX_ATTEMPTS => {
                ("failed", status.map(i64::from), error.clone(), None)
            }
            Outcome::Retry {
                at: retry_at,
                status,
                error,
            } => (
                "pending",
                status.map(i64::from),
                error.clone(),
                Some(time::instant(*retry_at)),
            ),
            Outcome::Failed { status, error } => ("failed", status.map(i64::from), error.clone(), None),
        };
        let sent_at = (status == "sent").then(|| at.clone());
        let updated = sqlx::query(
            "UPDATE reminders SET status = $1, last_status = $2, last_error = $3, \
             next_attempt_at = COALESCE($4, next_attempt_at), sent_at = COALESCE($5, sent_at), claimed_by = NULL \
             WHERE id = $6 AND claimed_by = $7 AND status = 'sending'",
        )
        .bind(status)
        .bind(code)
        .bind(&error)
        .bind(next)
        .bind(sent_at)
        .bind(claimed.id)
        .bind(worker)
        .execute(&mut *tx)
        .await?;
        let recorded = updated.rows_affected() == 1;
        if recorded {
            match outcome {
                Outcome::Delivered => {
                    sqlx::query("UPDATE push_subscriptions SET last_sent_at = $1 WHERE id = $2")
                        .bind(&at)
                        .bind(claimed.subscription_id)
                        .execute(&mut *tx)
                        .await?;
                }
                Outcome::Gone { status } => {
                    sqlx::query(
                        "UPDATE push_subscriptions SET removed_at = $1, removed_reason = $2 \
                         WHERE id = $3 AND removed_at IS NULL",
                    )
                    .bind(&at)
                    .bind(format!("push service answered {status}"))
                    .bind(claimed.subscription_id)
                    .execute(&mut *tx)
                    .await?;
                    cancel_pending(&mut tx, claimed.subscription_id).await?;
                }
                _ => {}
            }
        }
        tx.commit().await?;
        Ok(recorded)
    }

    /// Reminders that could not be delivered, newest first, for the municipality's admins.
    pub async fn failed_reminders(&self, municipality: MunicipalityId) -> Result<Vec<FailedReminder>, Error> {
        let rows: Vec<FailedRow> = sqlx::query_as(
            "SELECT r.id, s.family_id, r.kind, r.attempts, r.last_status, r.last_error, r.due_at FROM reminders r \
             JOIN push_subscriptions s ON s.id = r.subscription_id \
             WHERE r.municipality_id = $1 AND r.status = 'failed' ORDER BY r.due_at DESC, r.id DESC LIMIT 200",
        )
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, family, kind, attempts, last_status, last_error, due_at)| {
                Ok(FailedReminder {
                    id,
                    family: FamilyId(family),
                    kind,
                    attempts,
                    last_status,
                    last_error: last_error.unwrap_or_default(),
                    due_at: time::parse_instant(&due_at)?,
                })
            })
            .collect()
    }

    /// The outbox rows of a device by status, for tests and the admin screen.
    pub async fn reminder_statuses(&self, device: i64) -> Result<Vec<(String, String, i64)>, Error> {
        Ok(sqlx::query_as(
            "SELECT dedupe_key, status, attempts FROM reminders WHERE subscription_id = $1 ORDER BY due_at, id",
        )
        .bind(device)
        .fetch_all(self.pool())
        .await?)
    }
}

async fn insert_reminder(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    municipality: MunicipalityId,
    device: i64,
    kind: Kind,
    r: &NewReminder,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let due = time::instant(r.due_at);
    // A key seen before: revive a cancelled pending plan with its new time; leave a sent one alone.
    sqlx::query(
        "INSERT INTO reminders (municipality_id, subscription_id, kind, dedupe_key, title, url, due_at, urgency, \
         ttl_seconds, status, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $7, $10) \
         ON CONFLICT (subscription_id, dedupe_key) DO UPDATE SET due_at = $7, next_attempt_at = $7, title = $5, url = $6, \
         status = 'pending' WHERE reminders.status IN ('pending', 'cancelled')",
    )
    .bind(municipality.0)
    .bind(device)
    .bind(kind.as_str())
    .bind(&r.dedupe_key)
    .bind(&r.title)
    .bind(&r.url)
    .bind(&due)
    .bind(r.urgency)
    .bind(r.ttl_seconds)
    .bind(time::instant(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn cancel_pending(tx: &mut sqlx::Transaction<'_, sqlx::Any>, device: i64) -> Result<(), Error> {
    sqlx::query("UPDATE reminders SET status = 'cancelled' WHERE subscription_id = $1 AND status = 'pending'")
        .bind(device)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Families with at least one device, for the hourly re-plan.
    pub async fn families_with_devices(&self) -> Result<Vec<(MunicipalityId, FamilyId)>, Error> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT DISTINCT municipality_id, family_id FROM push_subscriptions WHERE removed_at IS NULL",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(m, f)| (MunicipalityId(m), FamilyId(f)))
            .collect())
    }
}
