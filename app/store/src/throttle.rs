//! Slowing down password guessing: per account and per network address, kept in the database.

use crate::{Error, Store, time};
use chrono::{DateTime, Duration, Utc};

/// Failures forgotten after this long without another failure.
const MEMORY: Duration = Duration::hours(1);
/// Failures allowed before any wait: a few typos per account; a busy clinic's shared address gets more.
const FREE_PER_ACCOUNT: i64 = 5;
const FREE_PER_ADDRESS: i64 = 20;
/// Wrong invitation codes allowed per address before waits begin (typos happen; guessing must not).
const FREE_INVITATION_GUESSES: i64 = 10;
const LONGEST_WAIT: Duration = Duration::minutes(15);
/// Reset links asked for per e-mail before waits begin, and per address.
const FREE_RESET_REQUESTS: i64 = 3;
const FREE_RESET_REQUESTS_PER_ADDRESS: i64 = 20;

/// A refused attempt and how long until the next one is heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub retry_after_seconds: i64,
}

/// The counters an attempt is checked against, each with its number of free failures.
pub(crate) struct Keys(Vec<(String, i64)>);

impl Keys {
    /// Sign-in: per account and per network address.
    pub(crate) fn login(email: &str, address: Option<&str>) -> Keys {
        let mut keys = vec![(format!("account:{email}"), FREE_PER_ACCOUNT)];
        keys.extend(address.map(|a| (format!("address:{a}"), FREE_PER_ADDRESS)));
        Keys(keys)
    }

    /// Redeeming invitation codes: per network address, so codes cannot be guessed at speed.
    pub(crate) fn invitation(address: Option<&str>) -> Keys {
        Keys(vec![(
            format!("invitation:{}", address.unwrap_or("unknown")),
            FREE_INVITATION_GUESSES,
        )])
    }

    /// Asking for a reset link: per e-mail (whether or not it has an account) and per address,
    /// so nobody's mailbox is flooded and addresses cannot be probed at speed.
    pub(crate) fn reset_request(email: &str, address: Option<&str>) -> Keys {
        let mut keys = vec![(format!("reset-request:{email}"), FREE_RESET_REQUESTS)];
        keys.extend(address.map(|a| (format!("reset-request-address:{a}"), FREE_RESET_REQUESTS_PER_ADDRESS)));
        Keys(keys)
    }

    /// Using reset links and counter codes: per address, like invitation codes.
    pub(crate) fn reset_redeem(address: Option<&str>) -> Keys {
        Keys(vec![(
            format!("reset:{}", address.unwrap_or("unknown")),
            FREE_INVITATION_GUESSES,
        )])
    }

    /// The first key: the one a success clears (the account, for a sign-in).
    pub(crate) fn primary(&self) -> &str {
        &self.0[0].0
    }
}

/// Doubling waits after the free failures: 1 s, 2 s, 4 s … up to fifteen minutes.
pub fn wait_after(failures: i64, free: i64) -> Duration {
    let over = failures - free;
    if over <= 0 {
        return Duration::zero();
    }
    let seconds = 1_i64.checked_shl((over - 1).min(20) as u32).unwrap_or(i64::MAX);
    Duration::seconds(seconds).min(LONGEST_WAIT)
}

impl Store {
    pub(crate) async fn throttle_refusal(&self, keys: &Keys, now: DateTime<Utc>) -> Result<Option<Refusal>, Error> {
        let mut latest: Option<DateTime<Utc>> = None;
        for (key, _) in &keys.0 {
            let row: Option<(String,)> = sqlx::query_as("SELECT blocked_until FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(self.pool())
                .await?;
            if let Some((until,)) = row {
                let until = time::parse_instant(&until)?;
                latest = latest.max(Some(until));
            }
        }
        Ok(latest.filter(|until| *until > now).map(|until| Refusal {
            retry_after_seconds: (until - now).num_seconds().max(1),
        }))
    }

    pub(crate) async fn throttle_failure(&self, keys: &Keys, now: DateTime<Utc>) -> Result<(), Error> {
        let forget_before = time::instant(now - MEMORY);
        let at = time::instant(now);
        for (key, free) in &keys.0 {
            // One statement counts the failure atomically, even with several servers.
            let (failures,): (i64,) = sqlx::query_as(
                "INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES ($1, 1, $2, $2) \
                 ON CONFLICT (key) DO UPDATE SET \
                   failures = CASE WHEN login_throttle.last_failure_at < $3 THEN 1 ELSE login_throttle.failures + 1 END, \
                   last_failure_at = $2 \
                 RETURNING failures",
            )
            .bind(key)
            .bind(&at)
            .bind(&forget_before)
            .fetch_one(self.pool())
            .await?;
            let until = time::instant(now + wait_after(failures, *free));
            sqlx::query("UPDATE login_throttle SET blocked_until = $1 WHERE key = $2")
                .bind(until)
                .bind(key)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn throttle_clear(&self, key: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_the_free_failures_and_double() {
        assert_eq!(wait_after(5, 5), Duration::zero());
        assert_eq!(wait_after(6, 5), Duration::seconds(1));
        assert_eq!(wait_after(7, 5), Duration::seconds(2));
        assert_eq!(wait_after(10, 5), Duration::seconds(16));
    }

    #[test]
    fn waits_are_capped() {
        assert_eq!(wait_after(30, 5), LONGEST_WAIT);
        assert_eq!(wait_after(i64::MAX, 5), LONGEST_WAIT);
    }
}
