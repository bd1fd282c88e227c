//! Municipalities (the tenants) and their sites.

use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::ids::{MunicipalityId, SiteId};

#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    pub id: MunicipalityId,
    /// 全国地方公共団体コード (six digits with check digit).
    pub code: String,
    pub name: String,
    pub time_zone: Tz,
}

impl Municipality {
    /// Dates on the timeline are the municipality's calendar dates, not UTC's.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.time_zone).date_naive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub id: SiteId,
    pub name: String,
}

#[derive(sqlx::FromRow)]
struct MunicipalityRow {
    id: i64,
    code: String,
    name: String,
    time_zone: String,
}

impl TryFrom<MunicipalityRow> for Municipality {
    type Error = Error;
    fn try_from(r: MunicipalityRow) -> Result<Self, Error> {
        Ok(Municipality {
            id: MunicipalityId(r.id),
            code: r.code,
            name: r.name,
            time_zone: r
                .time_zone
                .parse()
                .map_err(|_| Error::Corrupt(format!("time zone {:?}", r.time_zone)))?,
        })
    }
}

impl Store {
    pub async fn create_municipality(
        &self,
        code: &str,
        name: &str,
        time_zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<MunicipalityId, Error> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO municipalities (code, name, time_zone, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(code)
        .bind(name)
        .bind(time_zone.name())
        .bind(time::instant(now))
        .fetch_one(self.pool())
        .await
        .map_err(|e| Error::from(e).on_unique("municipality_code"))?;
        Ok(MunicipalityId(id))
    }

    pub async fn municipality(&self, id: MunicipalityId) -> Result<Municipality, Error> {
        sqlx::query_as::<_, MunicipalityRow>("SELECT id, code, name, time_zone FROM municipalities WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?
            .ok_or(Error::NotFound)?
            .try_into()
    }

    pub async fn municipality_by_code(&self, code: &str) -> Result<Option<Municipality>, Error> {
        sqlx::query_as::<_, MunicipalityRow>("SELECT id, code, name, time_zone FROM municipalities WHERE code = $1")
            .bind(code)
            .fetch_optional(self.pool())
            .await?
            .map(Municipality::try_from)
            .transpose()
    }

    pub async fn create_site(
        &self,
        municipality: MunicipalityId,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<SiteId, Error> {
        let (id,): (i64,) =
            sqlx::query_as("INSERT INTO sites (municipality_id, name, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(municipality.0)
                .bind(name)
                .bind(time::instant(now))
                .fetch_one(self.pool())
                .await
                .map_err(|e| Error::from(e).on_unique("site_name"))?;
        Ok(SiteId(id))
    }

    pub async fn sites(&self, municipality: MunicipalityId) -> Result<Vec<Site>, Error> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM sites WHERE municipality_id = $1 ORDER BY id")
                .bind(municipality.0)
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| Site { id: SiteId(id), name })
            .collect())
    }
}
