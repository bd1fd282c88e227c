//! 妊婦のための支援給付: the claims the centre has received for a family's pregnancies.

use crate::{Error, Store, time};
use chrono::{DateTime, Utc};
use domain::ids::{AccountId, FamilyId, MunicipalityId, PregnancyId};
use domain::support::benefit::{BenefitClaim, ReceivedClaim};

pub(crate) type ClaimRow = (i64, i64, String, String);

pub(crate) fn received_claim((_, pregnancy, claim, received_on): ClaimRow) -> Result<ReceivedClaim, Error> {
    Ok(ReceivedClaim {
        pregnancy: PregnancyId(pregnancy),
        claim: BenefitClaim::parse(&claim).ok_or_else(|| Error::Corrupt(format!("benefit claim {claim:?}")))?,
        received_on: time::parse_date(&received_on)?,
    })
}

impl Store {
    /// Records that the centre received a claim of one of the family's pregnancies; recording the
    /// same claim again corrects its date. The family's tasks are kept anew in the same transaction.
    pub async fn record_benefit_claim(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        received: &ReceivedClaim,
        by: AccountId,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let ReceivedClaim {
            pregnancy,
            claim,
            received_on,
        } = *received;
        let mut tx = self.begin_write().await?;
        let owned: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM pregnancies WHERE id = $1 AND family_id = $2 AND municipality_id = $3")
                .bind(pregnancy.0)
                .bind(family.0)
                .bind(municipality.0)
                .fetch_optional(&mut *tx)
                .await?;
        if owned.is_none() {
            return Err(Error::NotFound);
        }
        sqlx::query(
            "INSERT INTO benefit_claims (municipality_id, family_id, pregnancy_id, claim, received_on, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (pregnancy_id, claim) DO UPDATE SET received_on = excluded.received_on, \
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(pregnancy.0)
        .bind(claim.as_str())
        .bind(time::date(received_on))
        .bind(by.0)
        .bind(time::instant(now))
        .execute(&mut *tx)
        .await?;
        crate::tasks::mark_stale(&mut tx, family).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The claims received for the family's pregnancies.
    pub async fn benefit_claims(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
    ) -> Result<Vec<ReceivedClaim>, Error> {
        let rows: Vec<ClaimRow> = sqlx::query_as(
            "SELECT family_id, pregnancy_id, claim, received_on FROM benefit_claims \
             WHERE family_id = $1 AND municipality_id = $2 ORDER BY pregnancy_id, claim",
        )
        .bind(family.0)
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(received_claim).collect()
    }
}
