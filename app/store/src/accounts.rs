//! Accounts, staff members and signing in: argon2id hashes, throttled guessing.

use crate::throttle::{self, Refusal};
use crate::{Error, Store, time};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use chrono::{DateTime, Utc};
use domain::account::{Profession, Role, Viewer};
use domain::ids::{AccountId, FamilyId, MunicipalityId, SiteId};
use domain::people::{Email, NewPassword};
use std::sync::LazyLock;

/// Hashes with Argon2id and the crate's defaults (OWASP's minimum: m=19 MiB, t=2, p=1).
pub fn hash_password(password: &NewPassword) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| Error::PasswordHash)
}

fn verify_password(hash: &str, candidate: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(candidate.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Verified against when the e-mail is unknown, so that the answer takes as long as for a real account.
static DECOY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_password(&NewPassword::parse("decoy password never used").expect("valid decoy"))
        .expect("argon2 hashes a constant")
});

pub struct NewStaff<'a> {
    pub municipality: MunicipalityId,
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub site: Option<SiteId>,
    pub profession: Profession,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub account: AccountId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub site_name: Option<String>,
    pub profession: Profession,
    /// Disabled by an admin: cannot sign in, and loses access at once.
    pub disabled: bool,
}

/// Why a sign-in was refused. Wrong e-mail and wrong password are deliberately the same answer.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginRefused {
    WrongCredentials,
    Throttled(Refusal),
}

#[derive(sqlx::FromRow)]
struct ViewerRow {
    id: i64,
    municipality_id: i64,
    display_name: String,
    role: String,
    family_id: Option<i64>,
}

impl Store {
    pub async fn create_staff(&self, staff: &NewStaff<'_>, now: DateTime<Utc>) -> Result<AccountId, Error> {
        if !staff.role.is_staff() {
            return Err(Error::Conflict("not_a_staff_role"));
        }
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO accounts (municipality_id, email, password_hash, role, display_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(staff.municipality.0)
        .bind(staff.email.as_str())
        .bind(staff.password_hash)
        .bind(staff.role.as_str())
        .bind(staff.display_name)
        .bind(time::instant(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| Error::from(e).on_unique("email_taken"))?;
        if let Some(site) = staff.site {
            // The site must belong to the same municipality: tenancy holds even for admins.
            let owned: Option<(i64,)> = sqlx::query_as("SELECT id FROM sites WHERE id = $1 AND municipality_id = $2")
                .bind(site.0)
                .bind(staff.municipality.0)
                .fetch_optional(&mut *tx)
                .await?;
            if owned.is_none() {
                return Err(Error::NotFound);
            }
        }
        sqlx::query("INSERT INTO staff_members (account_id, site_id, profession) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(staff.site.map(|s| s.0))
            .bind(staff.profession.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(AccountId(id))
    }

    pub async fn staff_members(&self, municipality: MunicipalityId) -> Result<Vec<StaffMember>, Error> {
        type Row = (i64, String, String, String, Option<String>, String, i32);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.id, a.email, a.display_name, a.role, s.name, m.profession, \
             CASE WHEN a.disabled_at IS NULL THEN 0 ELSE 1 END \
             FROM accounts a JOIN staff_members m ON m.account_id = a.id LEFT JOIN sites s ON s.id = m.site_id \
             WHERE a.municipality_id = $1 ORDER BY a.display_name, a.id",
        )
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, email, display_name, role, site_name, profession, disabled)| {
                Ok(StaffMember {
                    account: AccountId(id),
                    email,
                    display_name,
                    role: role.parse().map_err(|_| Error::Corrupt(format!("role {role:?}")))?,
                    site_name,
                    profession: profession
                        .parse()
                        .map_err(|_| Error::Corrupt(format!("profession {profession:?}")))?,
                    disabled: disabled != 0,
                })
            })
            .collect()
    }

    /// Disables a staff account of the municipality (it can no longer sign in, and its sessions
    /// lose access at once, since each request reads the account again), or enables it again.
    /// Another municipality's account, or a parent's, is not found.
    pub async fn set_staff_disabled(
        &self,
        municipality: MunicipalityId,
        account: AccountId,
        disabled: bool,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), Error> {
        let updated = sqlx::query(
            "UPDATE accounts SET disabled_at = CASE WHEN $1 = 1 THEN COALESCE(disabled_at, $2) ELSE NULL END \
             WHERE id = $3 AND municipality_id = $4 AND role IN ('coordinator', 'admin')",
        )
        .bind(i32::from(disabled))
        .bind(crate::time::instant(now))
        .bind(account.0)
        .bind(municipality.0)
        .execute(self.pool())
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        Ok(())
    }

    /// The signed-in person behind a session, or `None` if the account is gone or disabled.
    /// The address an account signs in with (where its e-mail reminders go).
    pub async fn account_email(&self, account: AccountId) -> Result<String, Error> {
        let row: Option<(String,)> = sqlx::query_as("SELECT email FROM accounts WHERE id = $1")
            .bind(account.0)
            .fetch_optional(self.pool())
            .await?;
        row.map(|(email,)| email).ok_or(Error::NotFound)
    }

    pub async fn viewer(&self, account: AccountId) -> Result<Option<Viewer>, Error> {
        let row: Option<ViewerRow> = sqlx::query_as(
            "SELECT a.id, a.municipality_id, a.display_name, a.role, g.family_id \
             FROM accounts a LEFT JOIN guardians g ON g.account_id = a.id \
             WHERE a.id = $1 AND a.disabled_at IS NULL",
        )
        .bind(account.0)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(Viewer {
                account: AccountId(r.id),
                municipality: MunicipalityId(r.municipality_id),
                display_name: r.display_name,
                role: r
                    .role
                    .parse()
                    .map_err(|_| Error::Corrupt(format!("role {:?}", r.role)))?,
                family: r.family_id.map(FamilyId),
            })
        })
        .transpose()
    }

    /// Checks a sign-in. Guessing is slowed per account and per address, in the database, so the
    /// limit holds across server processes.
    pub async fn authenticate(
        &self,
        email: &str,
        password: &str,
        address: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Result<AccountId, LoginRefused>, Error> {
        let email = email.trim().to_lowercase();
        let keys = throttle::Keys::login(&email, address);
        if let Some(refusal) = self.throttle_refusal(&keys, now).await? {
            return Ok(Err(LoginRefused::Throttled(refusal)));
        }
        let found: Option<(i64, String)> =
            sqlx::query_as("SELECT id, password_hash FROM accounts WHERE email = $1 AND disabled_at IS NULL")
                .bind(&email)
                .fetch_optional(self.pool())
                .await?;
        let verified = match &found {
            Some((_, hash)) => verify_password(hash, password),
            None => {
                verify_password(&DECOY_HASH, password);
                false
            }
        };
        match found {
            Some((id, _)) if verified => {
                self.throttle_clear(keys.primary()).await?;
                Ok(Ok(AccountId(id)))
            }
            _ => {
                self.throttle_failure(&keys, now).await?;
                Ok(Err(LoginRefused::WrongCredentials))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_own_password() {
        let hash = hash_password(&NewPassword::parse("correct horse battery").unwrap()).unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batterx"));
        assert!(!verify_password("not a hash", "correct horse battery"));
    }
}
