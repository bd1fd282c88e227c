//! Families and what hangs from them: guardians, pregnancies, children; and the caseload list.

use crate::value::Value;
use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDate, Utc};
use domain::family::{
    CaseloadCursor, CaseloadEntry, CaseloadPage, CaseloadPosition, Child, FamilyRecord, Guardian, Pregnancy,
    PregnancyOutcome, Stage,
};
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
    pub notified_on: NaiveDate,
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
                notified_on: time::parse_date(&self.notified_on)?,
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

pub(crate) const PREGNANCY_COLUMNS: &str = "id, family_id, due_date, notified_on, fetuses, outcome, ended_on";
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

    pub(crate) async fn require_site(&self, municipality: MunicipalityId, site: SiteId) -> Result<(), Error> {
        let owned: Option<(i64,)> = sqlx::query_as("SELECT id FROM sites WHERE id = $1 AND municipality_id = $2")
            .bind(site.0)
            .bind(municipality.0)
            .fetch_optional(self.pool())
            .await?;
        owned.map(|_| ()).ok_or(Error::NotFound)
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
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO pregnancies (municipality_id, family_id, due_date, notified_on, fetuses, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(time::date(pregnancy.due_date))
        .bind(time::date(pregnancy.notified_on))
        .bind(i32::from(pregnancy.fetuses))
        .bind(time::instant(now))
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
    async fn members_of(
        &self,
        families: &[FamilyId],
    ) -> Result<(HashMap<FamilyId, Vec<Pregnancy>>, HashMap<FamilyId, Vec<Child>>), Error> {
        let mut pregnancies: HashMap<FamilyId, Vec<Pregnancy>> = HashMap::new();
        let mut children: HashMap<FamilyId, Vec<Child>> = HashMap::new();
        if families.is_empty() {
            return Ok((pregnancies, children));
        }
        // `$n` placeholders written out: sqlx's QueryBuilder emits `?` for the Any driver, which PostgreSQL refuses.
        let placeholders = (1..=families.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
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

    /// One page of the municipality's caseload in kana order, optionally only the families with a
    /// name (family, child or guardian; in writing or kana, any script or width) containing the
    /// search word. Pages are read from a place in the order (keyset), never by an offset.
    pub async fn caseload(
        &self,
        municipality: MunicipalityId,
        search: &str,
        at: &CaseloadPosition,
        today: NaiveDate,
    ) -> Result<CaseloadPage, Error> {
        let word = crate::search::normalise(search);
        let matches = Matches::new(&word);
        let size = i64::from(CaseloadPage::SIZE);
        let (mut rows, forward) = match at {
            CaseloadPosition::First => (
                self.caseload_rows(municipality, &matches, None, true, size + 1).await?,
                true,
            ),
            CaseloadPosition::After(c) => (
                self.caseload_rows(municipality, &matches, Some(c), true, size + 1)
                    .await?,
                true,
            ),
            CaseloadPosition::Before(c) => (
                self.caseload_rows(municipality, &matches, Some(c), false, size + 1)
                    .await?,
                false,
            ),
        };
        // Read one more than a page to know whether there is more in that direction.
        let more = rows.len() > CaseloadPage::SIZE as usize;
        rows.truncate(CaseloadPage::SIZE as usize);
        if !forward {
            rows.reverse();
        }
        let (rows, more_before, more_after) = match at {
            CaseloadPosition::First => (rows, false, more),
            // Past the end (the rest was removed meanwhile): the last page.
            CaseloadPosition::After(_) if rows.is_empty() => {
                let mut last = self
                    .caseload_rows(municipality, &matches, None, false, size + 1)
                    .await?;
                let more = last.len() > CaseloadPage::SIZE as usize;
                last.truncate(CaseloadPage::SIZE as usize);
                last.reverse();
                (last, more, false)
            }
            CaseloadPosition::After(_) => (rows, true, more),
            // Back at the start: the first page, full.
            CaseloadPosition::Before(_) if !more => {
                let mut first = self.caseload_rows(municipality, &matches, None, true, size + 1).await?;
                let more = first.len() > CaseloadPage::SIZE as usize;
                first.truncate(CaseloadPage::SIZE as usize);
                (first, false, more)
            }
            CaseloadPosition::Before(_) => (rows, true, true),
        };
        let total = u64::try_from(self.caseload_count(municipality, &matches, None).await?).unwrap_or(0);
        let ahead = match rows.first() {
            Some(first) if more_before => {
                let cursor = CaseloadCursor {
                    kana: first.2.clone(),
                    family: FamilyId(first.0),
                };
                u64::try_from(self.caseload_count(municipality, &matches, Some(&cursor)).await?).unwrap_or(0)
            }
            _ => 0,
        };
        let cursor = |row: &CaseloadRow| CaseloadCursor {
            kana: row.2.clone(),
            family: FamilyId(row.0),
        };
        let before = rows.first().filter(|_| more_before).map(cursor);
        let after = rows.last().filter(|_| more_after).map(cursor);
        let page_count = CaseloadPage::page_count(total);
        let page = u32::try_from(ahead / u64::from(CaseloadPage::SIZE) + 1)
            .unwrap_or(u32::MAX)
            .min(page_count);
        let ids: Vec<FamilyId> = rows.iter().map(|r| FamilyId(r.0)).collect();
        let (pregnancies, children) = self.members_of(&ids).await?;
        let entries = rows
            .into_iter()
            .map(|(id, family_name, family_name_kana, site_name)| {
                let id = FamilyId(id);
                let stage = Stage::of(
                    pregnancies.get(&id).map(Vec::as_slice).unwrap_or_default(),
                    children.get(&id).map(Vec::as_slice).unwrap_or_default(),
                    today,
                );
                CaseloadEntry {
                    family: id,
                    family_name,
                    family_name_kana,
                    site_name,
                    stage,
                }
            })
            .collect();
        Ok(CaseloadPage {
            entries,
            page,
            page_count,
            total,
            before,
            after,
        })
    }

    /// Up to `limit` rows from a place in the order, forwards or backwards (then in reverse order).
    async fn caseload_rows(
        &self,
        municipality: MunicipalityId,
        matches: &Matches,
        from: Option<&CaseloadCursor>,
        forward: bool,
        limit: i64,
    ) -> Result<Vec<CaseloadRow>, Error> {
        let mut args = Args::new(municipality);
        let filter = matches.filter(&mut args);
        let place = from.map_or(String::new(), |c| {
            let (kana, id) = (args.text(&c.kana), args.int(c.family.0));
            let op = if forward { ">" } else { "<" };
            format!(" AND (f.family_name_kana, f.id) {op} (${kana}, ${id})")
        });
        let order = if forward {
            "f.family_name_kana, f.id"
        } else {
            "f.family_name_kana DESC, f.id DESC"
        };
        let limit_at = args.int(limit);
        let sql = format!(
            "SELECT f.id, f.family_name, f.family_name_kana, s.name FROM families f              LEFT JOIN sites s ON s.id = f.site_id WHERE f.municipality_id = $1{filter}{place}              ORDER BY {order} LIMIT ${limit_at}"
        );
        Ok(args.bind_all(sqlx::query_as(&sql)).fetch_all(self.pool()).await?)
    }

    /// How many families match, in all or before a place in the order.
    async fn caseload_count(
        &self,
        municipality: MunicipalityId,
        matches: &Matches,
        before: Option<&CaseloadCursor>,
    ) -> Result<i64, Error> {
        let mut args = Args::new(municipality);
        let filter = matches.filter(&mut args);
        let place = before.map_or(String::new(), |c| {
            let (kana, id) = (args.text(&c.kana), args.int(c.family.0));
            format!(" AND (f.family_name_kana, f.id) < (${kana}, ${id})")
        });
        let sql = format!("SELECT COUNT(*) FROM families f WHERE f.municipality_id = $1{filter}{place}");
        let (n,): (i64,) = args.bind_all(sqlx::query_as(&sql)).fetch_one(self.pool()).await?;
        Ok(n)
    }
}

/// id, family name, kana, site name.
type CaseloadRow = (i64, String, String, Option<String>);

/// A search word as the caseload's condition: the families whose index has every gram of the word,
/// then whose names really contain it (two grams can come from different names).
struct Matches {
    word: String,
    grams: Vec<String>,
}

impl Matches {
    fn new(word: &str) -> Self {
        Matches {
            word: word.to_owned(),
            grams: crate::search::grams_of_word(word),
        }
    }

    fn filter(&self, args: &mut Args) -> String {
        if self.grams.is_empty() {
            return String::new();
        }
        let grams: Vec<String> = self.grams.iter().map(|g| format!("${}", args.text(g))).collect();
        let count = args.int(i64::try_from(self.grams.len()).unwrap_or(i64::MAX));
        let like = args.text(&crate::search::like_word(&self.word));
        format!(
            " AND f.id IN (SELECT s.family_id FROM family_search s WHERE s.municipality_id = $1 \
             AND s.names LIKE ${like} ESCAPE '\\' AND s.family_id IN (SELECT g.family_id FROM name_grams g \
             WHERE g.municipality_id = $1 AND g.gram IN ({}) GROUP BY g.family_id HAVING COUNT(*) = ${count}))",
            grams.join(", ")
        )
    }
}

/// Placeholders numbered as they are added (`$1` is the municipality), bound in that order.
struct Args {
    values: Vec<Value>,
}

impl Args {
    fn new(municipality: MunicipalityId) -> Self {
        Args {
            values: vec![Value::Int(municipality.0)],
        }
    }

    fn int(&mut self, v: i64) -> usize {
        self.values.push(Value::Int(v));
        self.values.len()
    }

    fn text(&mut self, v: &str) -> usize {
        self.values.push(v.into());
        self.values.len()
    }

    fn bind_all<'q, O>(
        self,
        query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        self.values.into_iter().fold(query, |query, v| v.bind_to(query))
    }
}
