//! Municipalities (the tenants) and their sites.

use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::consultation::BookingRules;
use domain::ids::{FamilyId, MunicipalityId, SiteId};
use domain::site::SiteKind;

#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    pub id: MunicipalityId,
    /// 全国地方公共団体コード (six digits with check digit).
    pub code: String,
    pub name: String,
    pub time_zone: Tz,
    pub booking_rules: BookingRules,
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
    pub kind: SiteKind,
    /// A closed site stays on the records it is on, but nothing new is placed at it.
    pub closed: bool,
}

#[derive(sqlx::FromRow)]
struct MunicipalityRow {
    id: i64,
    code: String,
    name: String,
    time_zone: String,
    cancel_cutoff_hours: i64,
}

const MUNICIPALITY_SELECT: &str = "SELECT id, code, name, time_zone, cancel_cutoff_hours FROM municipalities";

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
            booking_rules: BookingRules {
                cutoff_hours: u32::try_from(r.cancel_cutoff_hours)
                    .map_err(|_| Error::Corrupt("cancel cutoff".into()))?,
            },
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
        sqlx::query_as::<_, MunicipalityRow>(&format!("{MUNICIPALITY_SELECT} WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?
            .ok_or(Error::NotFound)?
            .try_into()
    }

    pub async fn municipality_by_code(&self, code: &str) -> Result<Option<Municipality>, Error> {
        sqlx::query_as::<_, MunicipalityRow>(&format!("{MUNICIPALITY_SELECT} WHERE code = $1"))
            .bind(code)
            .fetch_optional(self.pool())
            .await?
            .map(Municipality::try_from)
            .transpose()
    }

    /// Sets how long before a booked consultation parents can still change it themselves.
    pub async fn set_booking_rules(&self, municipality: MunicipalityId, rules: BookingRules) -> Result<(), Error> {
        let updated = sqlx::query("UPDATE municipalities SET cancel_cutoff_hours = $1 WHERE id = $2")
            .bind(i64::from(rules.cutoff_hours))
            .bind(municipality.0)
            .execute(self.pool())
            .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        Ok(())
    }

    /// A site running both types (こども家庭センター型), as most centres are.
    pub async fn create_site(
        &self,
        municipality: MunicipalityId,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<SiteId, Error> {
        self.add_site(municipality, name, SiteKind::Integrated, now).await
    }

    pub async fn add_site(
        &self,
        municipality: MunicipalityId,
        name: &str,
        kind: SiteKind,
        now: DateTime<Utc>,
    ) -> Result<SiteId, Error> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO sites (municipality_id, name, kind, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(municipality.0)
        .bind(name)
        .bind(kind.as_str())
        .bind(time::instant(now))
        .fetch_one(self.pool())
        .await
        .map_err(|e| Error::from(e).on_unique("site_name"))?;
        Ok(SiteId(id))
    }

    /// Renames a site and sets its type.
    pub async fn update_site(
        &self,
        municipality: MunicipalityId,
        site: SiteId,
        name: &str,
        kind: SiteKind,
    ) -> Result<(), Error> {
        let updated = sqlx::query("UPDATE sites SET name = $1, kind = $2 WHERE id = $3 AND municipality_id = $4")
            .bind(name)
            .bind(kind.as_str())
            .bind(site.0)
            .bind(municipality.0)
            .execute(self.pool())
            .await
            .map_err(|e| Error::from(e).on_unique("site_name"))?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        Ok(())
    }

    /// Closes a site (or opens it again). A site families are still followed from cannot close
    /// (`site_has_families`): move them first. Closing withdraws its free slots to come.
    pub async fn set_site_closed(
        &self,
        municipality: MunicipalityId,
        site: SiteId,
        closed: bool,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        if closed {
            let (families,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM families WHERE site_id = $1 AND municipality_id = $2")
                    .bind(site.0)
                    .bind(municipality.0)
                    .fetch_one(&mut *tx)
                    .await?;
            if families > 0 {
                return Err(Error::Conflict("site_has_families"));
            }
        }
        let updated = sqlx::query("UPDATE sites SET closed_at = $1 WHERE id = $2 AND municipality_id = $3")
            .bind(closed.then(|| time::instant(now)))
            .bind(site.0)
            .bind(municipality.0)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        if closed {
            // Its free times to come are withdrawn; a booking already made stands (staff move it).
            sqlx::query(
                "UPDATE consultation_slots SET withdrawn_at = $1 WHERE site_id = $2 AND municipality_id = $3 \
                 AND booked_by IS NULL AND withdrawn_at IS NULL AND starts_at > $1",
            )
            .bind(time::instant(now))
            .bind(site.0)
            .bind(municipality.0)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Moves a family to another open site of its municipality; its tasks follow it.
    pub async fn move_family(&self, municipality: MunicipalityId, family: FamilyId, site: SiteId) -> Result<(), Error> {
        self.require_site(municipality, site).await?;
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query("UPDATE families SET site_id = $1 WHERE id = $2 AND municipality_id = $3")
            .bind(site.0)
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

    /// Every site of the municipality, open or closed, in the order they were made.
    pub async fn sites(&self, municipality: MunicipalityId) -> Result<Vec<Site>, Error> {
        let rows: Vec<(i64, String, String, Option<String>)> =
            sqlx::query_as("SELECT id, name, kind, closed_at FROM sites WHERE municipality_id = $1 ORDER BY id")
                .bind(municipality.0)
                .fetch_all(self.pool())
                .await?;
        rows.into_iter()
            .map(|(id, name, kind, closed_at)| {
                Ok(Site {
                    id: SiteId(id),
                    name,
                    kind: SiteKind::parse(&kind).ok_or_else(|| Error::Corrupt(format!("site {id}: kind")))?,
                    closed: closed_at.is_some(),
                })
            })
            .collect()
    }

    /// The sites new families, slots and staff can be placed at.
    pub async fn open_sites(&self, municipality: MunicipalityId) -> Result<Vec<Site>, Error> {
        Ok(self
            .sites(municipality)
            .await?
            .into_iter()
            .filter(|s| !s.closed)
            .collect())
    }
}
