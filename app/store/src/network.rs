//! The directory of related institutions and the families referred to them.

use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{AccountId, FamilyId, MunicipalityId};
use domain::support::network::{Institution, InstitutionKind, Referral, ReferralStatus};

pub struct NewInstitution<'a> {
    pub kind: InstitutionKind,
    pub name: &'a str,
    pub phone: &'a str,
    pub note: &'a str,
}

/// A referral to make: to which institution, why, where it stands, by whom and when, and the
/// day an answer is expected by.
pub struct NewReferral<'a> {
    pub institution: i64,
    pub reason: &'a str,
    pub status: ReferralStatus,
    pub referred_on: NaiveDate,
    pub due_back_on: Option<NaiveDate>,
    pub by: AccountId,
}

type ReferralRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

impl Store {
    pub async fn add_institution(
        &self,
        municipality: MunicipalityId,
        institution: &NewInstitution<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO institutions (municipality_id, kind, name, phone, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(municipality.0)
        .bind(institution.kind.as_str())
        .bind(institution.name)
        .bind(institution.phone)
        .bind(institution.note)
        .bind(time::instant(now))
        .fetch_one(self.pool())
        .await
        .map_err(|e| Error::from(e).on_unique("institution_exists"))?;
        Ok(id)
    }

    /// The municipality's directory, by kind and name.
    pub async fn institutions(&self, municipality: MunicipalityId) -> Result<Vec<Institution>, Error> {
        let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
            "SELECT id, kind, name, phone, note FROM institutions WHERE municipality_id = $1 ORDER BY kind, name",
        )
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, kind, name, phone, note)| {
                Ok(Institution {
                    id,
                    kind: InstitutionKind::parse(&kind)
                        .ok_or_else(|| Error::Corrupt(format!("institution {id}: kind")))?,
                    name,
                    phone,
                    note,
                })
            })
            .collect()
    }

    /// Refers a family; a referral with a due-back day changes the family's tasks.
    pub async fn refer(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        referral: &NewReferral<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        self.require_family(municipality, family).await?;
        let owned: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM institutions WHERE id = $1 AND municipality_id = $2")
                .bind(referral.institution)
                .bind(municipality.0)
                .fetch_optional(self.pool())
                .await?;
        owned.ok_or(Error::NotFound)?;
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO referrals (municipality_id, family_id, institution_id, reason, status, outcome, referred_by, \
             referred_on, due_back_on, updated_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8, $9) RETURNING id",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(referral.institution)
        .bind(referral.reason)
        .bind(referral.status.as_str())
        .bind(referral.by.0)
        .bind(time::date(referral.referred_on))
        .bind(referral.due_back_on.map(time::date))
        .bind(time::instant(now))
        .fetch_one(&mut *tx)
        .await?;
        crate::tasks::mark_stale(&mut tx, family).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_referral(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        referral: i64,
        status: ReferralStatus,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE referrals SET status = $1, outcome = $2, updated_at = $3 \
             WHERE id = $4 AND family_id = $5 AND municipality_id = $6",
        )
        .bind(status.as_str())
        .bind(outcome)
        .bind(time::instant(now))
        .bind(referral)
        .bind(family.0)
        .bind(municipality.0)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        crate::tasks::mark_stale(&mut tx, family).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The family's referrals, newest first.
    pub async fn referrals(&self, municipality: MunicipalityId, family: FamilyId) -> Result<Vec<Referral>, Error> {
        let rows: Vec<ReferralRow> = sqlx::query_as(
            "SELECT r.id, r.institution_id, i.name, i.kind, r.reason, r.status, r.outcome, r.referred_on, a.display_name, \
             r.due_back_on \
             FROM referrals r JOIN institutions i ON i.id = r.institution_id JOIN accounts a ON a.id = r.referred_by \
             WHERE r.family_id = $1 AND r.municipality_id = $2 ORDER BY r.referred_on DESC, r.id DESC",
        )
        .bind(family.0)
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let corrupt = |what: &str| Error::Corrupt(format!("referral {}: {what}", r.0));
                Ok(Referral {
                    id: r.0,
                    institution: r.1,
                    institution_name: r.2.clone(),
                    institution_kind: InstitutionKind::parse(&r.3).ok_or_else(|| corrupt("kind"))?,
                    reason: r.4.clone(),
                    status: ReferralStatus::parse(&r.5).ok_or_else(|| corrupt("status"))?,
                    outcome: r.6.clone(),
                    referred_on: time::parse_date(&r.7)?,
                    referred_by_name: r.8.clone(),
                    due_back_on: r.9.as_deref().map(time::parse_date).transpose()?,
                })
            })
            .collect()
    }
}
