//! Municipality-wide reads for the task list and the figures: every family with its members and
//! records in a few queries (never one per family).

use crate::families::{CHILD_COLUMNS, ChildRow, PREGNANCY_COLUMNS, PregnancyRow};
use crate::{Error, Store, time};
use chrono::NaiveDate;
use domain::family::FamilyRecord;
use domain::ids::{AccountId, ChildId, FamilyId, MunicipalityId, PregnancyId, SiteId};
use domain::support::benefit::ReceivedClaim;
use domain::timeline::{Member, MemberRecord};
use std::collections::HashMap;

/// id, site, site name, family name, kana.
type FamilyHead = (i64, Option<i64>, Option<String>, String, String);
/// family, pregnancy, child, item key, done on.
type RecordRow = (i64, Option<i64>, Option<i64>, String, String);

/// An active plan as the task list needs it.
pub struct PlanDue {
    pub family: FamilyId,
    pub family_name: String,
    pub site: Option<SiteId>,
    pub review_on: NaiveDate,
    pub responsible: Option<(AccountId, String)>,
}

/// Which families the task list reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskFamilies {
    All,
    /// The families of one site.
    Site(SiteId),
    /// The families with a visit assigned to this coordinator and not yet made: the only
    /// timeline tasks that carry an assignee.
    WithOpenVisitsOf(AccountId),
    /// The families whose kept tasks are stale.
    Stale,
}

/// A stored timeline record as the engine takes it, with its family.
fn member_record((family, pregnancy, child, key, done_on): RecordRow) -> Result<(FamilyId, MemberRecord), Error> {
    let member = match (pregnancy, child) {
        (Some(p), _) => Member::Pregnancy(PregnancyId(p)),
        (None, Some(c)) => Member::Child(ChildId(c)),
        (None, None) => return Err(Error::Corrupt("timeline record without member".into())),
    };
    Ok((
        FamilyId(family),
        MemberRecord {
            member,
            key,
            done_on: time::parse_date(&done_on)?,
        },
    ))
}

fn bound_query(
    sql: &str,
    municipality: MunicipalityId,
    bound: Option<i64>,
) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    let query = sqlx::query(sql).bind(municipality.0);
    match bound {
        Some(id) => query.bind(id),
        None => query,
    }
}

impl TaskFamilies {
    /// The value `$2` stands for in [`TaskFamilies::filter`].
    fn bound(self) -> Option<i64> {
        match self {
            TaskFamilies::All | TaskFamilies::Stale => None,
            TaskFamilies::Site(site) => Some(site.0),
            TaskFamilies::WithOpenVisitsOf(account) => Some(account.0),
        }
    }

    /// The SQL condition (after `municipality_id = $1`) that keeps these families, on the column
    /// that holds the family's id; `$2` is the site or the account.
    fn filter(self, family_column: &str) -> String {
        match self {
            TaskFamilies::All => String::new(),
            TaskFamilies::Stale => {
                format!(" AND {family_column} IN (SELECT family_id FROM stale_tasks WHERE municipality_id = $1)")
            }
            TaskFamilies::Site(_) => {
                format!(" AND {family_column} IN (SELECT id FROM families WHERE municipality_id = $1 AND site_id = $2)")
            }
            TaskFamilies::WithOpenVisitsOf(_) => format!(
                " AND {family_column} IN (SELECT family_id FROM home_visits WHERE municipality_id = $1 \
                 AND assigned_to = $2 AND visited_on IS NULL)"
            ),
        }
    }
}

/// The families the task list reads, with what it needs of them.
pub struct TaskSources {
    /// In id order; guardians left out.
    pub families: Vec<FamilyRecord>,
    pub records: HashMap<FamilyId, Vec<MemberRecord>>,
    /// Every visit of these families, planned or made.
    pub visits: HashMap<FamilyId, Vec<domain::support::visit::HomeVisit>>,
}

/// A pregnancy notification as the figures need it.
pub struct NotificationRow {
    pub site: Option<SiteId>,
    pub notified_on: NaiveDate,
    pub due_date: NaiveDate,
    pub interviewed: bool,
}

/// An EPDS taken at a visit.
pub struct ScreeningRow {
    pub site: Option<SiteId>,
    pub taken_on: NaiveDate,
    pub flagged: bool,
}

impl Store {
    /// Every family of the municipality with its pregnancies and children (guardians left out).
    pub async fn all_family_records(&self, municipality: MunicipalityId) -> Result<Vec<FamilyRecord>, Error> {
        self.family_records_among(municipality, TaskFamilies::All, "f.family_name_kana, f.id")
            .await
    }

    /// The families `among` keeps, in `order` (SQL over `f`), with their pregnancies and children
    /// (guardians left out): three queries, never one per family.
    async fn family_records_among(
        &self,
        municipality: MunicipalityId,
        among: TaskFamilies,
        order: &str,
    ) -> Result<Vec<FamilyRecord>, Error> {
        let (families_filter, members_filter, bound) = (among.filter("f.id"), among.filter("family_id"), among.bound());
        let sql = format!(
            "SELECT f.id, f.site_id, s.name, f.family_name, f.family_name_kana FROM families f \
             LEFT JOIN sites s ON s.id = f.site_id WHERE f.municipality_id = $1{families_filter} ORDER BY {order}"
        );
        let mut families = Vec::new();
        for row in bound_query(&sql, municipality, bound).fetch_all(self.pool()).await? {
            let (id, site, site_name, family_name, family_name_kana): FamilyHead = sqlx::FromRow::from_row(&row)?;
            families.push(FamilyRecord {
                id: FamilyId(id),
                municipality,
                site: site.map(SiteId),
                site_name,
                family_name,
                family_name_kana,
                guardians: vec![],
                pregnancies: vec![],
                children: vec![],
            });
        }
        let index: HashMap<FamilyId, usize> = families.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
        let sql = format!(
            "SELECT {PREGNANCY_COLUMNS} FROM pregnancies WHERE municipality_id = $1{members_filter} ORDER BY due_date"
        );
        for row in bound_query(&sql, municipality, bound).fetch_all(self.pool()).await? {
            let row: PregnancyRow = sqlx::FromRow::from_row(&row)?;
            let (family, p) = row.into_domain()?;
            if let Some(&i) = index.get(&family) {
                families[i].pregnancies.push(p);
            }
        }
        let sql = format!(
            "SELECT {CHILD_COLUMNS} FROM children WHERE municipality_id = $1{members_filter} ORDER BY birth_date, id"
        );
        for row in bound_query(&sql, municipality, bound).fetch_all(self.pool()).await? {
            let row: ChildRow = sqlx::FromRow::from_row(&row)?;
            let (family, c) = row.into_domain()?;
            if let Some(&i) = index.get(&family) {
                families[i].children.push(c);
            }
        }
        Ok(families)
    }

    /// Every live timeline record of the municipality, by family.
    pub async fn all_timeline_records(
        &self,
        municipality: MunicipalityId,
    ) -> Result<HashMap<FamilyId, Vec<MemberRecord>>, Error> {
        let rows: Vec<RecordRow> = sqlx::query_as(
            "SELECT family_id, pregnancy_id, child_id, item_key, done_on FROM timeline_records \
             WHERE municipality_id = $1 AND removed_at IS NULL ORDER BY done_on, id",
        )
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        let mut by_family: HashMap<FamilyId, Vec<MemberRecord>> = HashMap::new();
        for row in rows {
            let (family, record) = member_record(row)?;
            by_family.entry(family).or_default().push(record);
        }
        Ok(by_family)
    }

    /// What the task list is made from, for the families it can concern: their pregnancies and
    /// children (guardians left out), their timeline records of the given item keys only (the
    /// task list plans checkups, interviews and visits, not the 3 M vaccination records of a large
    /// city), and their visits. A handful of queries, never one per family.
    pub async fn task_sources(
        &self,
        municipality: MunicipalityId,
        among: TaskFamilies,
        keys: &[String],
    ) -> Result<TaskSources, Error> {
        let families = self.family_records_among(municipality, among, "f.id").await?;
        // `$1` is the municipality, `$2` the site or the account when there is one.
        let (members_filter, bound) = (among.filter("family_id"), among.bound());
        let mut records: HashMap<FamilyId, Vec<MemberRecord>> = HashMap::new();
        if !keys.is_empty() {
            let first = if bound.is_some() { 3 } else { 2 };
            let placeholders: Vec<String> = (first..first + keys.len()).map(|n| format!("${n}")).collect();
            // In the order they were entered: the engine sorts by date and keeps this order within a day.
            let sql = format!(
                "SELECT family_id, pregnancy_id, child_id, item_key, done_on FROM timeline_records \
                 WHERE municipality_id = $1{members_filter} AND removed_at IS NULL AND item_key IN ({}) ORDER BY id",
                placeholders.join(", ")
            );
            let mut query = bound_query(&sql, municipality, bound);
            for key in keys {
                query = query.bind(key.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                let (family, record) = member_record(sqlx::FromRow::from_row(&row)?)?;
                records.entry(family).or_default().push(record);
            }
        }
        let visits = self
            .home_visits_where(municipality, &among.filter("v.family_id"), bound)
            .await?;
        Ok(TaskSources {
            families,
            records,
            visits,
        })
    }

    /// The site of each family with an open consultation (a consultation task belongs to it).
    pub async fn sites_of_consulting_families(
        &self,
        municipality: MunicipalityId,
    ) -> Result<HashMap<FamilyId, Option<SiteId>>, Error> {
        let rows: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, site_id FROM families WHERE municipality_id = $1 AND id IN \
             (SELECT family_id FROM consultations WHERE municipality_id = $1 AND closed_at IS NULL)",
        )
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(family, site)| (FamilyId(family), site.map(SiteId)))
            .collect())
    }

    /// Active plans with their next review.
    pub async fn active_plans(&self, municipality: MunicipalityId) -> Result<Vec<PlanDue>, Error> {
        self.active_plans_among(municipality, TaskFamilies::All).await
    }

    /// The active plans of the families `among` keeps.
    pub async fn active_plans_among(
        &self,
        municipality: MunicipalityId,
        among: TaskFamilies,
    ) -> Result<Vec<PlanDue>, Error> {
        type Row = (i64, String, Option<i64>, String, Option<i64>, Option<String>);
        let sql = format!(
            "SELECT p.family_id, f.family_name, f.site_id, p.review_on, p.responsible_id, a.display_name \
             FROM support_plans p JOIN families f ON f.id = p.family_id \
             LEFT JOIN accounts a ON a.id = p.responsible_id \
             WHERE p.municipality_id = $1 AND p.status = 'active'{} ORDER BY p.review_on",
            among.filter("p.family_id")
        );
        let rows: Vec<Row> = bound_query(&sql, municipality, among.bound())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(sqlx::FromRow::from_row)
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(family, family_name, site, review_on, responsible, name)| {
                Ok(PlanDue {
                    family: FamilyId(family),
                    family_name,
                    site: site.map(SiteId),
                    review_on: time::parse_date(&review_on)?,
                    responsible: responsible.map(|a| (AccountId(a), name.unwrap_or_default())),
                })
            })
            .collect()
    }

    /// The referrals of the families the task list reads that wait for an answer and have a
    /// due-back day.
    pub async fn waiting_referrals_among(
        &self,
        municipality: MunicipalityId,
        among: TaskFamilies,
    ) -> Result<Vec<domain::support::task::OpenReferral>, Error> {
        type Row = (i64, i64, String, Option<i64>, String, i64, String);
        let sql = format!(
            "SELECT r.id, r.family_id, f.family_name, f.site_id, r.due_back_on, r.referred_by, a.display_name \
             FROM referrals r JOIN families f ON f.id = r.family_id JOIN accounts a ON a.id = r.referred_by \
             WHERE r.municipality_id = $1 AND r.due_back_on IS NOT NULL AND r.status IN ('proposed', 'referred'){} \
             ORDER BY r.due_back_on, r.id",
            among.filter("r.family_id")
        );
        let rows: Vec<Row> = bound_query(&sql, municipality, among.bound())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(sqlx::FromRow::from_row)
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(referral, family, family_name, site, due_back_on, by, by_name)| {
                Ok(domain::support::task::OpenReferral {
                    referral,
                    family: FamilyId(family),
                    family_name,
                    site: site.map(SiteId),
                    due_back_on: time::parse_date(&due_back_on)?,
                    referred_by: AccountId(by),
                    referred_by_name: by_name,
                })
            })
            .collect()
    }

    /// The 支援給付 claims received by the families the task list reads, by family.
    pub async fn benefit_claims_among(
        &self,
        municipality: MunicipalityId,
        among: TaskFamilies,
    ) -> Result<HashMap<FamilyId, Vec<ReceivedClaim>>, Error> {
        let sql = format!(
            "SELECT family_id, pregnancy_id, claim, received_on FROM benefit_claims \
             WHERE municipality_id = $1{} ORDER BY family_id, pregnancy_id, claim",
            among.filter("family_id")
        );
        let rows: Vec<crate::benefits::ClaimRow> = bound_query(&sql, municipality, among.bound())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(sqlx::FromRow::from_row)
            .collect::<Result<_, _>>()?;
        let mut claims: HashMap<FamilyId, Vec<ReceivedClaim>> = HashMap::new();
        for row in rows {
            let family = FamilyId(row.0);
            claims
                .entry(family)
                .or_default()
                .push(crate::benefits::received_claim(row)?);
        }
        Ok(claims)
    }

    /// Every pregnancy notification, with whether its notification interview took place.
    pub async fn notifications(
        &self,
        municipality: MunicipalityId,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<NotificationRow>, Error> {
        let rows: Vec<(Option<i64>, String, String, i64)> = sqlx::query_as(
            "SELECT f.site_id, p.notified_on, p.due_date, \
             CASE WHEN EXISTS (SELECT 1 FROM interviews i WHERE i.pregnancy_id = p.id AND i.kind = 'notification') \
             THEN 1 ELSE 0 END \
             FROM pregnancies p JOIN families f ON f.id = p.family_id WHERE p.municipality_id = $1 \
             AND p.notified_on BETWEEN $2 AND $3 AND p.without_notification = 0",
        )
        .bind(municipality.0)
        .bind(time::date(from))
        .bind(time::date(until))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(site, notified_on, due_date, interviewed)| {
                Ok(NotificationRow {
                    site: site.map(SiteId),
                    notified_on: time::parse_date(&notified_on)?,
                    due_date: time::parse_date(&due_date)?,
                    interviewed: interviewed != 0,
                })
            })
            .collect()
    }

    /// Every EPDS taken at a visit between two days (inclusive).
    pub async fn screenings(
        &self,
        municipality: MunicipalityId,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<ScreeningRow>, Error> {
        let rows: Vec<(Option<i64>, String, i64)> = sqlx::query_as(
            "SELECT f.site_id, v.visited_on, v.epds_flagged FROM home_visits v JOIN families f ON f.id = v.family_id \
             WHERE v.municipality_id = $1 AND v.visited_on BETWEEN $2 AND $3 AND v.epds IS NOT NULL",
        )
        .bind(municipality.0)
        .bind(time::date(from))
        .bind(time::date(until))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(site, taken_on, flagged)| {
                Ok(ScreeningRow {
                    site: site.map(SiteId),
                    taken_on: time::parse_date(&taken_on)?,
                    flagged: flagged != 0,
                })
            })
            .collect()
    }
}

/// A consultation as the figures need it: when it opened and when the centre first replied.
pub struct OpenedRow {
    pub site: Option<SiteId>,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub first_reply_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Store {
    /// The consultations opened from `since` until before `before`.
    pub async fn consultations_opened(
        &self,
        municipality: MunicipalityId,
        since: chrono::DateTime<chrono::Utc>,
        before: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<OpenedRow>, Error> {
        let rows: Vec<(Option<i64>, String, Option<String>)> = sqlx::query_as(
            "SELECT f.site_id, c.opened_at, (SELECT MIN(m.sent_at) FROM consultation_messages m \
             WHERE m.consultation_id = c.id AND m.author = 'staff') \
             FROM consultations c JOIN families f ON f.id = c.family_id WHERE c.municipality_id = $1 \
             AND c.opened_at >= $2 AND c.opened_at < $3",
        )
        .bind(municipality.0)
        .bind(time::instant(since))
        .bind(time::instant(before))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(site, opened_at, first_reply_at)| {
                Ok(OpenedRow {
                    site: site.map(SiteId),
                    opened_at: time::parse_instant(&opened_at)?,
                    first_reply_at: first_reply_at.as_deref().map(time::parse_instant).transpose()?,
                })
            })
            .collect()
    }
}

/// A child the figures plan, alone with its pregnancy (when the child continues it, as its first
/// child), with its family's site and its records of one item.
pub struct ClosingChild {
    pub site: Option<SiteId>,
    pub family: FamilyRecord,
    pub records: Vec<MemberRecord>,
}

impl Store {
    /// The children born between two days (inclusive), each as a family of its own holding the
    /// child and the pregnancy it continues, with its records of `key`: what the figures plan to
    /// see whether an item whose window closes in a month was done in time. Three queries over
    /// the children of those days, never the whole municipality. (An item of a child's checkup or
    /// visit is recorded on the child; records on the pregnancy are not read.)
    pub async fn children_born_between(
        &self,
        municipality: MunicipalityId,
        from: NaiveDate,
        until: NaiveDate,
        key: &str,
    ) -> Result<Vec<ClosingChild>, Error> {
        let born = "SELECT id FROM children WHERE municipality_id = $1 AND birth_date BETWEEN $2 AND $3";
        fn with_days<'q>(
            sql: &'q str,
            municipality: MunicipalityId,
            from: &str,
            until: &str,
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
            sqlx::query(sql)
                .bind(municipality.0)
                .bind(from.to_owned())
                .bind(until.to_owned())
        }
        let (from, until) = (time::date(from), time::date(until));
        let bind = |sql| with_days(sql, municipality, &from, &until);
        let sql = format!(
            "SELECT c.id, c.family_id, c.pregnancy_id, c.name, c.name_kana, c.birth_date, c.sex, c.product_options, \
             f.site_id, f.family_name, f.family_name_kana, (SELECT MIN(s.id) FROM children s \
             WHERE s.pregnancy_id = c.pregnancy_id) AS first_of_pregnancy FROM children c \
             JOIN families f ON f.id = c.family_id WHERE c.id IN ({born}) ORDER BY c.id"
        );
        let mut children = Vec::new();
        let mut continuing: HashMap<i64, usize> = HashMap::new();
        for row in bind(&sql).fetch_all(self.pool()).await? {
            use sqlx::Row;
            let child: ChildRow = sqlx::FromRow::from_row(&row)?;
            let site: Option<i64> = row.try_get("site_id")?;
            let first: Option<i64> = row.try_get("first_of_pregnancy")?;
            let (family, child) = child.into_domain()?;
            if let Some(p) = child.pregnancy.filter(|_| first == Some(child.id.0)) {
                continuing.insert(p.0, children.len());
            }
            children.push(ClosingChild {
                site: site.map(SiteId),
                family: FamilyRecord {
                    id: family,
                    municipality,
                    site: site.map(SiteId),
                    site_name: None,
                    family_name: row.try_get("family_name")?,
                    family_name_kana: row.try_get("family_name_kana")?,
                    guardians: vec![],
                    pregnancies: vec![],
                    children: vec![child],
                },
                records: vec![],
            });
        }
        let sql = format!(
            "SELECT {PREGNANCY_COLUMNS} FROM pregnancies WHERE id IN (SELECT pregnancy_id FROM children \
             WHERE id IN ({born}))"
        );
        for row in bind(&sql).fetch_all(self.pool()).await? {
            let row: PregnancyRow = sqlx::FromRow::from_row(&row)?;
            let (_, p) = row.into_domain()?;
            if let Some(&i) = continuing.get(&p.id.0) {
                children[i].family.pregnancies.push(p);
            }
        }
        let by_child: HashMap<i64, usize> = children
            .iter()
            .enumerate()
            .map(|(i, c)| (c.family.children[0].id.0, i))
            .collect();
        // In the order they were entered: the engine sorts by date and keeps this order within a day.
        let sql = format!(
            "SELECT family_id, pregnancy_id, child_id, item_key, done_on FROM timeline_records \
             WHERE child_id IN ({born}) AND item_key = $4 AND removed_at IS NULL ORDER BY id"
        );
        for row in bind(&sql).bind(key).fetch_all(self.pool()).await? {
            let row: RecordRow = sqlx::FromRow::from_row(&row)?;
            let child = row.2;
            let (_, record) = member_record(row)?;
            if let Some(&i) = child.and_then(|c| by_child.get(&c)) {
                children[i].records.push(record);
            }
        }
        Ok(children)
    }
}
