//! Home visits: planned (assigned, scheduled) and recorded (findings, EPDS). Recording a visit
//! completes its timeline item and, when the EPDS flags, raises a flag in the same commit.

use crate::plans::{NewFlag, insert_flag};
use crate::timeline::{Source, insert_record};
use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{AccountId, ChildId, FamilyId, MunicipalityId, PregnancyId};
use domain::support::epds::Epds;
use domain::support::risk::{FlagOrigin, RiskCategory};
use domain::support::visit::{HomeVisit, VisitKind};
use domain::timeline::Member;

pub struct PlannedVisit {
    pub kind: VisitKind,
    pub member: Option<Member>,
    pub due_by: NaiveDate,
    pub assigned_to: Option<AccountId>,
    pub scheduled_on: Option<NaiveDate>,
}

pub struct VisitReport<'a> {
    pub visited_on: NaiveDate,
    pub findings: &'a str,
    pub epds: Option<Epds>,
}

/// What recording a visit led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub visit: i64,
    /// The EPDS flagged: the flag raised, and the plan it opened if there was none.
    pub flag: Option<(i64, Option<i64>)>,
}

type VisitRow = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    i64,
);

const VISIT_SELECT: &str = "SELECT v.id, v.kind, v.pregnancy_id, v.child_id, v.due_by, v.assigned_to, a.display_name, \
     v.scheduled_on, v.visited_on, v.findings, v.epds, v.family_id FROM home_visits v \
     LEFT JOIN accounts a ON a.id = v.assigned_to";

fn visit_from_row(r: VisitRow) -> Result<(FamilyId, HomeVisit), Error> {
    let corrupt = |what: &str| Error::Corrupt(format!("home visit {}: {what}", r.0));
    Ok((
        FamilyId(r.11),
        HomeVisit {
            id: r.0,
            kind: VisitKind::parse(&r.1).ok_or_else(|| corrupt("kind"))?,
            pregnancy: r.2.map(PregnancyId),
            child: r.3.map(ChildId),
            due_by: time::parse_date(&r.4)?,
            assigned_to: r.5.map(AccountId),
            assigned_name: r.6,
            scheduled_on: time::parse_opt_date(r.7.as_deref())?,
            visited_on: time::parse_opt_date(r.8.as_deref())?,
            findings: r.9,
            epds: match r.10 {
                Some(text) => Some(Epds::from_text(&text).ok_or_else(|| corrupt("epds"))?),
                None => None,
            },
        },
    ))
}

fn member_ids(member: Option<Member>) -> (Option<i64>, Option<i64>) {
    match member {
        Some(Member::Pregnancy(p)) => (Some(p.0), None),
        Some(Member::Child(c)) => (None, Some(c.0)),
        None => (None, None),
    }
}

impl Store {
    /// Plans a visit, or, when an open visit of that kind for that member exists, re-plans it
    /// (assignee, date). Returns its id.
    pub async fn plan_visit(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        by: AccountId,
        visit: &PlannedVisit,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        self.require_family(municipality, family).await?;
        if let Some(member) = visit.member {
            self.require_member(municipality, family, member).await?;
        }
        if let Some(assignee) = visit.assigned_to {
            self.require_staff_account(municipality, assignee).await?;
        }
        let (pregnancy, child) = member_ids(visit.member);
        let mut tx = self.begin_write().await?;
        let open: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM home_visits WHERE family_id = $1 AND kind = $2 AND visited_on IS NULL \
             AND COALESCE(child_id, 0) = COALESCE($3, 0) AND COALESCE(pregnancy_id, 0) = COALESCE($4, 0)",
        )
        .bind(family.0)
        .bind(visit.kind.as_str())
        .bind(child)
        .bind(pregnancy)
        .fetch_optional(&mut *tx)
        .await?;
        let id = if let Some((id,)) = open.filter(|_| visit.kind.timeline_key().is_some()) {
            sqlx::query("UPDATE home_visits SET assigned_to = $1, scheduled_on = $2, due_by = $3 WHERE id = $4")
                .bind(visit.assigned_to.map(|a| a.0))
                .bind(visit.scheduled_on.map(time::date))
                .bind(time::date(visit.due_by))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        } else {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO home_visits (municipality_id, family_id, pregnancy_id, child_id, kind, due_by, assigned_to, \
                 scheduled_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(municipality.0)
            .bind(family.0)
            .bind(pregnancy)
            .bind(child)
            .bind(visit.kind.as_str())
            .bind(time::date(visit.due_by))
            .bind(visit.assigned_to.map(|a| a.0))
            .bind(visit.scheduled_on.map(time::date))
            .bind(by.0)
            .bind(time::instant(now))
            .fetch_one(&mut *tx)
            .await?;
            id
        };
        crate::tasks::mark_stale(&mut tx, family).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a planned visit as made. A visit every family gets completes its timeline item; an
    /// EPDS that flags (total ≥ 9 or item 10 above zero) raises a 要支援 flag at once.
    pub async fn record_visit(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        visit: i64,
        by: AccountId,
        report: &VisitReport<'_>,
        now: DateTime<Utc>,
    ) -> Result<Recorded, Error> {
        let mut tx = self.begin_write().await?;
        let row: Option<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT kind, pregnancy_id, child_id FROM home_visits \
             WHERE id = $1 AND family_id = $2 AND municipality_id = $3 AND visited_on IS NULL",
        )
        .bind(visit)
        .bind(family.0)
        .bind(municipality.0)
        .fetch_optional(&mut *tx)
        .await?;
        let (kind, pregnancy, child) = row.ok_or(Error::NotFound)?;
        let kind = VisitKind::parse(&kind).ok_or_else(|| Error::Corrupt(format!("home visit {visit}: kind")))?;
        sqlx::query(
            "UPDATE home_visits SET visited_on = $1, visited_by = $2, findings = $3, epds = $4, epds_total = $5, \
             epds_flagged = $6 WHERE id = $7",
        )
        .bind(time::date(report.visited_on))
        .bind(by.0)
        .bind(report.findings)
        .bind(report.epds.map(|e| e.to_text()))
        .bind(report.epds.map(|e| i64::from(e.total())))
        .bind(report.epds.map(|e| i64::from(e.flags())))
        .bind(visit)
        .execute(&mut *tx)
        .await?;
        let member = match (child, pregnancy) {
            (Some(c), _) => Some(Member::Child(ChildId(c))),
            (None, Some(p)) => Some(Member::Pregnancy(PregnancyId(p))),
            (None, None) => None,
        };
        if let (Some(key), Some(member)) = (kind.timeline_key(), member) {
            insert_record(
                &mut tx,
                municipality,
                family,
                member,
                key,
                report.visited_on,
                Source::Staff,
                by,
                now,
            )
            .await?;
        }
        let flag = match report.epds.filter(Epds::flags) {
            Some(epds) => {
                let reason = if epds.self_harm_positive() {
                    format!("EPDS {} (item 10 positive)", epds.total())
                } else {
                    format!("EPDS {}", epds.total())
                };
                let flag = NewFlag {
                    category: RiskCategory::NeedsSupport,
                    origin: FlagOrigin::Epds,
                    reason: &reason,
                    raised_on: report.visited_on,
                };
                Some(insert_flag(&mut tx, municipality, family, by, &flag, now).await?)
            }
            None => None,
        };
        crate::tasks::mark_stale(&mut tx, family).await?;
        tx.commit().await?;
        Ok(Recorded { visit, flag })
    }

    /// The family's visits, planned and done, by due date.
    pub async fn home_visits(&self, municipality: MunicipalityId, family: FamilyId) -> Result<Vec<HomeVisit>, Error> {
        let rows: Vec<VisitRow> = sqlx::query_as(&format!(
            "{VISIT_SELECT} WHERE v.family_id = $1 AND v.municipality_id = $2 ORDER BY v.due_by, v.id"
        ))
        .bind(family.0)
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(|r| visit_from_row(r).map(|(_, v)| v)).collect()
    }

    /// The visits of the municipality's families that `filter` (SQL over `v.family_id`, with `$2`
    /// bound to `bound`) lets through, by family.
    pub(crate) async fn home_visits_where(
        &self,
        municipality: MunicipalityId,
        filter: &str,
        bound: Option<i64>,
    ) -> Result<std::collections::HashMap<FamilyId, Vec<HomeVisit>>, Error> {
        let sql = format!("{VISIT_SELECT} WHERE v.municipality_id = $1{filter} ORDER BY v.due_by, v.id");
        let mut query = sqlx::query_as::<_, VisitRow>(&sql).bind(municipality.0);
        if let Some(id) = bound {
            query = query.bind(id);
        }
        let mut by_family: std::collections::HashMap<FamilyId, Vec<HomeVisit>> = std::collections::HashMap::new();
        for r in query.fetch_all(self.pool()).await? {
            let (family, visit) = visit_from_row(r)?;
            by_family.entry(family).or_default().push(visit);
        }
        Ok(by_family)
    }

    /// Every visit of the municipality, by family.
    pub async fn all_home_visits(
        &self,
        municipality: MunicipalityId,
    ) -> Result<std::collections::HashMap<FamilyId, Vec<HomeVisit>>, Error> {
        self.home_visits_where(municipality, "", None).await
    }
}
