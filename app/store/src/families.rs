//! Families and what hangs from them: guardians, pregnancies, children; and the caseload list.

use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDate, Utc};
use domain::family::{Child, FamilyRecord, Guardian, Pregnancy, PregnancyOutcome};
use domain::ids::{ChildId, FamilyId, MunicipalityId, PregnancyId, SiteId};
use domain::people::{Kana, PersonName, Sex};
use domain::schedule::Options;
use std::collections::HashMap;

pub struct NewFamily<'a> {
    pub site: Option<SiteId>,
    pub family_name: &'a PersonName,
    pub family_name_kana: &'a Kana,
}

pub struct NewPregnancy {
    pub due_date: NaiveDate,
    /// 妊娠届出日; none for a pregnancy recorded after it ended without one (`lost_on` is then set).
    pub notified_on: Option<NaiveDate>,
    /// The day a pregnancy recorded after the fact ended in a miscarriage or stillbirth.
    pub lost_on: Option<NaiveDate>,
    /// 心拍確認日, if known.
    pub heartbeat_on: Option<NaiveDate>,
    pub fetuses: u8,
}

pub struct NewChild<'a> {
    pub pregnancy: Option<PregnancyId>,
    pub name: &'a PersonName,
    pub name_kana: &'a Kana,
    pub birth_date: NaiveDate,
    pub sex: Sex,
}

#[derive(sqlx::FromRow)]
pub(crate) struct PregnancyRow {
    id: i64,
    family_id: i64,
    due_date: String,
    notified_on: String,
    without_notification: i32,
    heartbeat_on: Option<String>,
    fetuses: i64,
    outcome: String,
    ended_on: Option<String>,
}

impl PregnancyRow {
    pub(crate) fn into_domain(self) -> Result<(FamilyId, Pregnancy), Error> {
        Ok((
            FamilyId(self.family_id),
            Pregnancy {
                id: PregnancyId(self.id),
                due_date: time::parse_date(&self.due_date)?,
                notified_on: match self.without_notification {
                    0 => Some(time::parse_date(&self.notified_on)?),
                    _ => None,
                },
                heartbeat_on: time::parse_opt_date(self.heartbeat_on.as_deref())?,
                fetuses: u8::try_from(self.fetuses).map_err(|_| Error::Corrupt("fetuses".into()))?,
                outcome: PregnancyOutcome::parse(&self.outcome)
                    .ok_or_else(|| Error::Corrupt(format!("outcome {:?}", self.outcome)))?,
                ended_on: time::parse_opt_date(self.ended_on.as_deref())?,
            },
        ))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ChildRow {
    id: i64,
    family_id: i64,
    pregnancy_id: Option<i64>,
    name: String,
    name_kana: String,
    birth_date: String,
    sex: String,
    product_options: String,
}

impl ChildRow {
    pub(crate) fn into_domain(self) -> Result<(FamilyId, Child), Error> {
        Ok((
            FamilyId(self.family_id),
            Child {
                id: ChildId(self.id),
                pregnancy: self.pregnancy_id.map(PregnancyId),
                name: self.name,
                name_kana: self.name_kana,
                birth_date: time::parse_date(&self.birth_date)?,
                sex: self
                    .sex
                    .parse()
                    .map_err(|_| Error::Corrupt(format!("sex {:?}", self.sex)))?,
                options: Options::from_text(&self.product_options)
                    .map_err(|e| Error::Corrupt(format!("product options {:?}: {e}", self.product_options)))?,
            },
        ))
    }
}

/// id, municipality, site, site name, family name, kana.
type FamilyHeadRow = (i64, i64, Option<i64>, Option<String>, String, String);

pub(crate) const PREGNANCY_COLUMNS: &str =
    "id, family_id, due_date, notified_on, without_notification, heartbeat_on, fetuses, outcome, ended_on";
pub(crate) const CHILD_COLUMNS: &str = "id, family_id, pregnancy_id, name, name_kana, birth_date, sex, product_options";

impl Store {
    pub async fn create_family(
        &self,
        municipality: MunicipalityId,
        family: &NewFamily<'_>,
        now: DateTime<Utc>,
    ) -> Result<FamilyId, Error> {
        if let Some(site) = family.site {
            self.require_site(municipality, site).await?;
        }
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO families (municipality_id, site_id, family_name, family_name_kana, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(municipality.0)
        .bind(family.site.map(|s| s.0))
        .bind(family.family_name.as_str())
        .bind(family.family_name_kana.as_str())
        .bind(time::instant(now))
        .fetch_one(&mut *tx)
        .await?;
        crate::search::index_family(&mut tx, municipality, FamilyId(id)).await?;
        tx.commit().await?;
        Ok(FamilyId(id))
    }

    /// The site is the municipality's (else `NotFound`) and open (else `site_closed`): where
    /// something new is placed.
    pub(crate) async fn require_site(&self, municipality: MunicipalityId, site: SiteId) -> Result<(), Error> {
        let owned: Option<(Option<String>,)> =
            sqlx::query_as("SELECT closed_at FROM sites WHERE id = $1 AND municipality_id = $2")
                .bind(site.0)
                .bind(municipality.0)
                .fetch_optional(self.pool())
                .await?;
        match owned {
            None => Err(Error::NotFound),
            Some((Some(_),)) => Err(Error::Conflict("site_closed")),
            Some((None,)) => Ok(()),
        }
    }

    pub(crate) async fn require_family(&self, municipality: MunicipalityId, family: FamilyId) -> Result<(), Error> {
        let owned: Option<(i64,)> = sqlx::query_as("SELECT id FROM families WHERE id = $1 AND municipality_id = $2")
            .bind(family.0)
            .bind(municipality.0)
            .fetch_optional(self.pool())
            .await?;
        owned.map(|_| ()).ok_or(Error::NotFound)
    }

    pub async fn add_pregnancy(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        pregnancy: &NewPregnancy,
        now: DateTime<Utc>,
    ) -> Result<PregnancyId, Error> {
        self.require_family(municipality, family).await?;
        // The row keeps a day in notified_on: the notification's, or the loss's when there was none.
        let on = pregnancy
            .notified_on
            .or(pregnancy.lost_on)
            .ok_or_else(|| Error::Corrupt("a new pregnancy needs its notification or its loss".into()))?;
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO pregnancies (municipality_id, family_id, due_date, notified_on, fetuses, created_at, heartbeat_on, \
             without_notification, outcome, ended_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(time::date(pregnancy.due_date))
        .bind(time::date(on))
        .bind(i32::from(pregnancy.fetuses))
        .bind(time::instant(now))
        .bind(pregnancy.heartbeat_on.map(time::date))
        .bind(i32::from(pregnancy.notified_on.is_none()))
        .bind(if pregnancy.lost_on.is_some() { "lost" } else { "ongoing" })
        .bind(pregnancy.lost_on.map(time::date))
        .fetch_one(&mut *tx)
        .await?;
        crate::tasks::mark_stale(&mut tx, family).await?;
        tx.commit().await?;
        Ok(PregnancyId(id))
    }

    /// Records a birth: the child is added and, if given, its pregnancy is marked born on that date.
    pub async fn add_child(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        child: &NewChild<'_>,
        now: DateTime<Utc>,
    ) -> Result<ChildId, Error> {
        self.require_family(municipality, family).await?;
        let mut tx = self.begin_write().await?;
        if let Some(pregnancy) = child.pregnancy {
            let updated = sqlx::query(
                "UPDATE pregnancies SET outcome = 'born', ended_on = $1 \
                 WHERE id = $2 AND family_id = $3 AND municipality_id = $4",
            )
            .bind(time::date(child.birth_date))
            .bind(pregnancy.0)
            .bind(family.0)
            .bind(municipality.0)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(Error::NotFound);
            }
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO children (municipality_id, family_id, pregnancy_id, name, name_kana, birth_date, sex, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(child.pregnancy.map(|p| p.0))
        .bind(child.name.as_str())
        .bind(child.name_kana.as_str())
        .bind(time::date(child.birth_date))
        .bind(child.sex.as_str())
        .bind(time::instant(now))
        .fetch_one(&mut *tx)
        .await?;
        crate::tasks::mark_stale(&mut tx, family).await?;
        crate::search::index_family(&mut tx, municipality, family).await?;
        tx.commit().await?;
        Ok(ChildId(id))
    }

    /// Records the vaccine products chosen for a child (they change its doses).
    pub async fn set_child_options(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        child: ChildId,
        options: &Options,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE children SET product_options = $1 WHERE id = $2 AND family_id = $3 AND municipality_id = $4",
        )
        .bind(options.to_text())
        .bind(child.0)
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

    /// Ends an ongoing pregnancy with a loss (流産・死産): its prenatal items end gently.
    pub async fn record_loss(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        pregnancy: PregnancyId,
        ended_on: NaiveDate,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE pregnancies SET outcome = 'lost', ended_on = $1 \
             WHERE id = $2 AND family_id = $3 AND municipality_id = $4 AND outcome = 'ongoing'",
        )
        .bind(time::date(ended_on))
        .bind(pregnancy.0)
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

    /// A whole family record — only if it belongs to `municipality`; otherwise `NotFound`,
    /// so that ids of other municipalities cannot even be probed.
    pub async fn family_record(&self, municipality: MunicipalityId, family: FamilyId) -> Result<FamilyRecord, Error> {
        let head: Option<FamilyHeadRow> = sqlx::query_as(
            "SELECT f.id, f.municipality_id, f.site_id, s.name, f.family_name, f.family_name_kana \
             FROM families f LEFT JOIN sites s ON s.id = f.site_id WHERE f.id = $1 AND f.municipality_id = $2",
        )
        .bind(family.0)
        .bind(municipality.0)
        .fetch_optional(self.pool())
        .await?;
        let (id, municipality_id, site_id, site_name, family_name, family_name_kana) = head.ok_or(Error::NotFound)?;
        let guardians: Vec<(String, String)> =
            sqlx::query_as("SELECT name, name_kana FROM guardians WHERE family_id = $1 ORDER BY account_id")
                .bind(id)
                .fetch_all(self.pool())
                .await?;
        let (mut pregnancies, mut children) = self.members_of(&[FamilyId(id)]).await?;
        Ok(FamilyRecord {
            id: FamilyId(id),
            municipality: MunicipalityId(municipality_id),
            site: site_id.map(SiteId),
            site_name,
            family_name,
            family_name_kana,
            guardians: guardians
                .into_iter()
                .map(|(name, name_kana)| Guardian { name, name_kana })
                .collect(),
            pregnancies: pregnancies.remove(&FamilyId(id)).unwrap_or_default(),
            children: children.remove(&FamilyId(id)).unwrap_or_default(),
        })
    }

    /// Pregnancies and children of several families in two queries (no N+1 on list pages).
    pub(crate) async fn members_of(
        &self,
        families: &[FamilyId],
    ) -> Result<(HashMap<FamilyId, Vec<Pregnancy>>, HashMap<FamilyId, Vec<Child>>), Error> {
        let mut pregnancies: HashMap<FamilyId, Vec<Pregnancy>> = HashMap::new();
        let mut children: HashMap<FamilyId, Vec<Child>> = HashMap::new();
        if families.is_empty() {
            return Ok((pregnancies, children));
        }
        let placeholders = crate::value::numbered(1, families.len());
        let sql = format!(
            "SELECT {PREGNANCY_COLUMNS} FROM pregnancies WHERE family_id IN ({placeholders}) ORDER BY due_date"
        );
        let mut query = sqlx::query_as::<_, PregnancyRow>(&sql);
        for f in families {
            query = query.bind(f.0);
        }
        for row in query.fetch_all(self.pool()).await? {
            let (family, p) = row.into_domain()?;
            pregnancies.entry(family).or_default().push(p);
        }
        let sql =
            format!("SELECT {CHILD_COLUMNS} FROM children WHERE family_id IN ({placeholders}) ORDER BY birth_date, id");
        let mut query = sqlx::query_as::<_, ChildRow>(&sql);
        for f in families {
            query = query.bind(f.0);
        }
        for row in query.fetch_all(self.pool()).await? {
            let (family, c) = row.into_domain()?;
            children.entry(family).or_default().push(c);
        }
        Ok((pregnancies, children))
    }
}
