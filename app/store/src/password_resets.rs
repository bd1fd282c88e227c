//! Single-use secrets for setting a new password: a link e-mailed to a parent, or a code the
//! centre hands over at the counter. Only a hash of each secret is stored; using one is a
//! conditional update, so a secret works once; requests and guesses are throttled.

use crate::throttle::{Keys, Refusal};
use crate::{Error, Store, time};
use chrono::{DateTime, Duration, Utc};
use domain::ids::{AccountId, FamilyId, MunicipalityId};
use domain::invitation::InvitationCode;
use domain::password_reset::{COUNTER_CODE_VALID_DAYS, LINK_VALID_MINUTES, ResetToken};
use sha2::{Digest, Sha256};

fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// What a parent presents to set a new password.
pub enum ResetSecret<'a> {
    /// From the e-mailed link.
    Link(&'a ResetToken),
    /// From the counter, with the e-mail they sign in with (which guardian of the family).
    Counter { code: &'a InvitationCode, email: &'a str },
}

/// Why a new password was not set; each has its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetRefused {
    Throttled(Refusal),
    /// Unknown, already used, expired, or (a counter code) not this family's guardian.
    NotValid,
}

impl Store {
    /// A parent's account by the address they sign in with; `None` for staff, unknown or disabled.
    pub async fn guardian_by_email(&self, email: &str) -> Result<Option<AccountId>, Error> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM accounts WHERE email = $1 AND role = 'guardian' AND disabled_at IS NULL")
                .bind(email.trim().to_lowercase())
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(id,)| AccountId(id)))
    }

    /// Counts a request for a link from this address and for this e-mail (whether or not it has
    /// an account: the answer must not tell). `Some` when there have been too many lately.
    pub async fn throttle_reset_request(
        &self,
        email: &str,
        address: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Refusal>, Error> {
        let keys = Keys::reset_request(&email.trim().to_lowercase(), address);
        if let Some(refusal) = self.throttle_refusal(&keys, now).await? {
            return Ok(Some(refusal));
        }
        self.throttle_failure(&keys, now).await?;
        Ok(None)
    }

    /// Keeps a link's secret for an account, valid for [`LINK_VALID_MINUTES`].
    pub async fn issue_reset_link(
        &self,
        account: AccountId,
        token: &ResetToken,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO password_resets (account_id, secret_hash, issued_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(account.0)
        .bind(secret_hash(token.as_str()))
        .bind(time::instant(now))
        .bind(time::instant(now + Duration::minutes(LINK_VALID_MINUTES)))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Keeps a counter code for a family of the municipality, valid for [`COUNTER_CODE_VALID_DAYS`].
    pub async fn issue_reset_code(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        by: AccountId,
        code: &InvitationCode,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, Error> {
        let expires_at = now + Duration::days(COUNTER_CODE_VALID_DAYS);
        let inserted = sqlx::query(
            "INSERT INTO password_resets (family_id, secret_hash, issued_by, issued_at, expires_at) \
             SELECT f.id, $3, $4, $5, $6 FROM families f WHERE f.id = $2 AND f.municipality_id = $1",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(secret_hash(code.canonical()))
        .bind(by.0)
        .bind(time::instant(now))
        .bind(time::instant(expires_at))
        .execute(self.pool())
        .await
        .map_err(|e| Error::from(e).on_unique("reset_code"))?;
        if inserted.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        Ok(expires_at)
    }

    /// Sets a new password with a secret, once; every later use, an expired secret, or a counter
    /// code with the e-mail of someone not a guardian of its family is `NotValid` (and counts
    /// toward the address's throttle).
    pub async fn reset_password(
        &self,
        secret: &ResetSecret<'_>,
        password_hash: &str,
        address: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Result<AccountId, ResetRefused>, Error> {
        let keys = Keys::reset_redeem(address);
        if let Some(refusal) = self.throttle_refusal(&keys, now).await? {
            return Ok(Err(ResetRefused::Throttled(refusal)));
        }
        let at = time::instant(now);
        let mut tx = self.begin_write().await?;
        let account = match secret {
            ResetSecret::Link(token) => {
                let row: Option<(i64,)> = sqlx::query_as(
                    "UPDATE password_resets SET used_at = $1 WHERE secret_hash = $2 AND account_id IS NOT NULL \
                     AND used_at IS NULL AND expires_at > $1 RETURNING account_id",
                )
                .bind(&at)
                .bind(secret_hash(token.as_str()))
                .fetch_optional(&mut *tx)
                .await?;
                row.map(|(a,)| a)
            }
            ResetSecret::Counter { code, email } => {
                let row: Option<(i64,)> = sqlx::query_as(
                    "UPDATE password_resets SET used_at = $1 WHERE secret_hash = $2 AND family_id IS NOT NULL \
                     AND used_at IS NULL AND expires_at > $1 \
                     AND EXISTS (SELECT 1 FROM guardians g JOIN accounts a ON a.id = g.account_id \
                                 WHERE g.family_id = password_resets.family_id AND a.email = $3 \
                                 AND a.disabled_at IS NULL) \
                     RETURNING family_id",
                )
                .bind(&at)
                .bind(secret_hash(code.canonical()))
                .bind(email.trim().to_lowercase())
                .fetch_optional(&mut *tx)
                .await?;
                match row {
                    Some((family,)) => {
                        let (account,): (i64,) = sqlx::query_as(
                            "SELECT a.id FROM guardians g JOIN accounts a ON a.id = g.account_id \
                             WHERE g.family_id = $1 AND a.email = $2",
                        )
                        .bind(family)
                        .bind(email.trim().to_lowercase())
                        .fetch_one(&mut *tx)
                        .await?;
                        Some(account)
                    }
                    None => None,
                }
            }
        };
        let Some(account) = account else {
            tx.rollback().await?;
            self.throttle_failure(&keys, now).await?;
            return Ok(Err(ResetRefused::NotValid));
        };
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(account)
            .execute(&mut *tx)
            .await?;
        // Every other secret of the account's is spent with this one.
        sqlx::query("UPDATE password_resets SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL")
            .bind(&at)
            .bind(account)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(AccountId(account)))
    }
}
