//! Invitations: a coordinator issues a code for a family; a parent redeems it once to join.

use crate::throttle::{Keys, Refusal};
use crate::{Error, Store, time};
use chrono::{DateTime, Duration, Utc};
use domain::ids::{AccountId, FamilyId, MunicipalityId};
use domain::invitation::InvitationCode;
use domain::people::{Email, Kana, PersonName};
use sha2::{Digest, Sha256};

/// Long enough to cover the weeks between the notification interview and the parent trying the app.
pub const VALID_FOR: Duration = Duration::days(30);

/// Only a hash is stored: a database leak must not hand out unused codes.
fn code_hash(code: &InvitationCode) -> String {
    hex::encode(Sha256::digest(code.canonical().as_bytes()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedInvitation {
    pub code: InvitationCode,
    pub expires_at: DateTime<Utc>,
}

pub struct NewGuardian<'a> {
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub name: &'a PersonName,
    pub name_kana: &'a Kana,
}

/// Why a code could not be redeemed; each has its own message for the parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinRefused {
    /// Too many unknown codes from this address lately: guessing is slowed down.
    Throttled(Refusal),
    UnknownCode,
    Expired,
    AlreadyUsed,
    EmailTaken,
}

impl Store {
    /// Issues a fresh code for a family of `municipality`; earlier unused codes stay valid until they expire.
    pub async fn issue_invitation(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        issued_by: AccountId,
        code: InvitationCode,
        now: DateTime<Utc>,
    ) -> Result<IssuedInvitation, Error> {
        let expires_at = now + VALID_FOR;
        let inserted = sqlx::query(
            "INSERT INTO invitations (municipality_id, family_id, code_hash, issued_by, issued_at, expires_at) \
             SELECT $1, f.id, $3, $4, $5, $6 FROM families f WHERE f.id = $2 AND f.municipality_id = $1",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(code_hash(&code))
        .bind(issued_by.0)
        .bind(time::instant(now))
        .bind(time::instant(expires_at))
        .execute(self.pool())
        .await
        .map_err(|e| Error::from(e).on_unique("invitation_code"))?;
        if inserted.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        Ok(IssuedInvitation { code, expires_at })
    }

    /// Redeems a code: creates the guardian's account inside the code's family, all or nothing.
    pub async fn join_with_invitation(
        &self,
        code: &InvitationCode,
        guardian: &NewGuardian<'_>,
        address: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Result<AccountId, JoinRefused>, Error> {
        let keys = Keys::invitation(address);
        if let Some(refusal) = self.throttle_refusal(&keys, now).await? {
            return Ok(Err(JoinRefused::Throttled(refusal)));
        }
        let joined = self.redeem(code, guardian, now).await?;
        if joined == Err(JoinRefused::UnknownCode) {
            self.throttle_failure(&keys, now).await?;
        }
        Ok(joined)
    }

    async fn redeem(
        &self,
        code: &InvitationCode,
        guardian: &NewGuardian<'_>,
        now: DateTime<Utc>,
    ) -> Result<Result<AccountId, JoinRefused>, Error> {
        let hash = code_hash(code);
        let at = time::instant(now);
        let mut tx = self.begin_write().await?;
        // The conditional update is the claim: of two parents racing with one code, one wins.
        let claimed: Option<(i64, i64, i64)> = sqlx::query_as(
            "UPDATE invitations SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING id, municipality_id, family_id",
        )
        .bind(&at)
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((invitation, municipality, family)) = claimed else {
            let known: Option<(Option<String>,)> =
                sqlx::query_as("SELECT used_at FROM invitations WHERE code_hash = $1")
                    .bind(&hash)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Ok(Err(match known {
                None => JoinRefused::UnknownCode,
                Some((Some(_),)) => JoinRefused::AlreadyUsed,
                Some((None,)) => JoinRefused::Expired,
            }));
        };
        let account: Result<(i64,), _> = sqlx::query_as(
            "INSERT INTO accounts (municipality_id, email, password_hash, role, display_name, created_at) \
             VALUES ($1, $2, $3, 'guardian', $4, $5) RETURNING id",
        )
        .bind(municipality)
        .bind(guardian.email.as_str())
        .bind(guardian.password_hash)
        .bind(guardian.name.as_str())
        .bind(&at)
        .fetch_one(&mut *tx)
        .await;
        let account = match account.map_err(|e| Error::from(e).on_unique("email_taken")) {
            Ok((id,)) => id,
            Err(Error::Conflict("email_taken")) => return Ok(Err(JoinRefused::EmailTaken)),
            Err(e) => return Err(e),
        };
        sqlx::query("INSERT INTO guardians (account_id, family_id, name, name_kana) VALUES ($1, $2, $3, $4)")
            .bind(account)
            .bind(family)
            .bind(guardian.name.as_str())
            .bind(guardian.name_kana.as_str())
            .execute(&mut *tx)
            .await?;
        crate::search::index_family(&mut tx, MunicipalityId(municipality), FamilyId(family)).await?;
        sqlx::query("UPDATE invitations SET used_by = $1 WHERE id = $2")
            .bind(account)
            .bind(invitation)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(AccountId(account)))
    }
}
