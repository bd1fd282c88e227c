//! Risk flags (要支援, 特定妊婦 …) and support plans (サポートプラン) with their history.

use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{AccountId, FamilyId, MunicipalityId};
use domain::support::risk::{
    FlagOrigin, PlanRevision, PlanStatus, RiskCategory, RiskFlag, SupportPlan, first_review_on,
};

pub struct NewFlag<'a> {
    pub category: RiskCategory,
    pub origin: FlagOrigin,
    pub reason: &'a str,
    pub raised_on: NaiveDate,
}

/// A plan's contents as saved (a new plan or a new revision).
pub struct PlanContents<'a> {
    pub status: PlanStatus,
    pub goals: &'a str,
    pub services: &'a str,
    pub responsible: Option<AccountId>,
    pub institutions: &'a str,
    pub review_on: NaiveDate,
}

type FlagRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);
type PlanRow = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    String,
    String,
    i64,
);
type RevisionRow = (i64, i64, String, String, String, String, String, String, String);

impl Store {
    /// Raises a flag. If the family has no active plan, one is opened with the flagger responsible
    /// and its first review a week later, so that the family shows on the task list at once.
    /// Returns the flag id and the plan it opened, if any.
    pub async fn raise_flag(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        by: AccountId,
        flag: &NewFlag<'_>,
        now: DateTime<Utc>,
    ) -> Result<(i64, Option<i64>), Error> {
        self.require_family(municipality, family).await?;
        let mut tx = self.begin_write().await?;
        let result = insert_flag(&mut tx, municipality, family, by, flag, now).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub async fn clear_flag(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        flag: i64,
        by: AccountId,
        reason: &str,
        on: NaiveDate,
    ) -> Result<(), Error> {
        let updated = sqlx::query(
            "UPDATE risk_flags SET cleared_by = $1, cleared_on = $2, clear_reason = $3 \
             WHERE id = $4 AND family_id = $5 AND municipality_id = $6 AND cleared_on IS NULL",
        )
        .bind(by.0)
        .bind(time::date(on))
        .bind(reason)
        .bind(flag)
        .bind(family.0)
        .bind(municipality.0)
        .execute(self.pool())
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        Ok(())
    }

    /// The family's flags, current ones first, then by date.
    pub async fn risk_flags(&self, municipality: MunicipalityId, family: FamilyId) -> Result<Vec<RiskFlag>, Error> {
        let rows: Vec<FlagRow> = sqlx::query_as(
            "SELECT f.id, f.category, f.origin, f.reason, a.display_name, f.raised_on, f.cleared_on, f.clear_reason \
             FROM risk_flags f JOIN accounts a ON a.id = f.raised_by \
             WHERE f.family_id = $1 AND f.municipality_id = $2 \
             ORDER BY CASE WHEN f.cleared_on IS NULL THEN 0 ELSE 1 END, f.raised_on DESC, f.id DESC",
        )
        .bind(family.0)
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let corrupt = |what: &str| Error::Corrupt(format!("risk flag {}: {what}", r.0));
                Ok(RiskFlag {
                    id: r.0,
                    category: RiskCategory::parse(&r.1).ok_or_else(|| corrupt("category"))?,
                    origin: FlagOrigin::parse(&r.2).ok_or_else(|| corrupt("origin"))?,
                    reason: r.3.clone(),
                    raised_by_name: r.4.clone(),
                    raised_on: time::parse_date(&r.5)?,
                    cleared_on: time::parse_opt_date(r.6.as_deref())?,
                    clear_reason: r.7.clone(),
                })
            })
            .collect()
    }

    pub async fn create_plan(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        by: AccountId,
        contents: &PlanContents<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        self.require_family(municipality, family).await?;
        if let Some(responsible) = contents.responsible {
            self.require_staff_account(municipality, responsible).await?;
        }
        let mut tx = self.begin_write().await?;
        // The family already has an active plan: it is revised, not doubled.
        let id = insert_plan(&mut tx, municipality, family, by, contents, now)
            .await?
            .ok_or(Error::Conflict("plan_changed"))?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a new version of a plan; the previous ones stay in its history. `expected_revision`
    /// guards against two coordinators overwriting each other (a stale form is a conflict).
    #[allow(clippy::too_many_arguments)]
    pub async fn revise_plan(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        plan: i64,
        expected_revision: i64,
        by: AccountId,
        contents: &PlanContents<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        if let Some(responsible) = contents.responsible {
            self.require_staff_account(municipality, responsible).await?;
        }
        let mut tx = self.begin_write().await?;
        let current: Option<(i64,)> = sqlx::query_as(
            "SELECT revision FROM support_plans WHERE id = $1 AND family_id = $2 AND municipality_id = $3",
        )
        .bind(plan)
        .bind(family.0)
        .bind(municipality.0)
        .fetch_optional(&mut *tx)
        .await?;
        let (revision,) = current.ok_or(Error::NotFound)?;
        if revision != expected_revision {
            return Err(Error::Conflict("plan_changed"));
        }
        let updated = sqlx::query(
            "UPDATE support_plans SET status = $1, goals = $2, services = $3, responsible_id = $4, institutions = $5, \
             review_on = $6, revision = revision + 1 WHERE id = $7 AND revision = $8",
        )
        .bind(contents.status.as_str())
        .bind(contents.goals)
        .bind(contents.services)
        .bind(contents.responsible.map(|a| a.0))
        .bind(contents.institutions)
        .bind(time::date(contents.review_on))
        .bind(plan)
        .bind(revision)
        .execute(&mut *tx)
        .await
        .map_err(|e| Error::from(e).on_unique("plan_changed"))?;
        if updated.rows_affected() == 0 {
            return Err(Error::Conflict("plan_changed"));
        }
        insert_revision(&mut tx, plan, revision + 1, by, contents, now).await?;
        crate::tasks::mark_stale(&mut tx, family).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The family's plans, active first, each with its history (newest first).
    pub async fn support_plans(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
    ) -> Result<Vec<SupportPlan>, Error> {
        let rows: Vec<PlanRow> = sqlx::query_as(
            "SELECT p.id, p.status, p.goals, p.services, p.responsible_id, a.display_name, p.institutions, \
                 p.review_on, p.revision FROM support_plans p LEFT JOIN accounts a ON a.id = p.responsible_id \
                 WHERE p.family_id = $1 AND p.municipality_id = $2 \
                 ORDER BY CASE WHEN p.status = 'active' THEN 0 ELSE 1 END, p.id DESC",
        )
        .bind(family.0)
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        let mut plans = Vec::with_capacity(rows.len());
        for r in rows {
            let history: Vec<RevisionRow> = sqlx::query_as(
                "SELECT r.revision, r.plan_id, r.status, r.goals, r.services, r.institutions, r.review_on, \
                 a.display_name, r.saved_at FROM support_plan_revisions r JOIN accounts a ON a.id = r.saved_by \
                 WHERE r.plan_id = $1 ORDER BY r.revision DESC",
            )
            .bind(r.0)
            .fetch_all(self.pool())
            .await?;
            plans.push(plan_from_row(r, history)?);
        }
        Ok(plans)
    }
}

fn status(text: &str) -> Result<PlanStatus, Error> {
    PlanStatus::parse(text).ok_or_else(|| Error::Corrupt(format!("plan status {text:?}")))
}

fn plan_from_row(r: PlanRow, history: Vec<RevisionRow>) -> Result<SupportPlan, Error> {
    Ok(SupportPlan {
        id: r.0,
        status: status(&r.1)?,
        goals: r.2,
        services: r.3,
        responsible: r.4.map(AccountId),
        responsible_name: r.5,
        institutions: r.6,
        review_on: time::parse_date(&r.7)?,
        revision: r.8,
        history: history
            .into_iter()
            .map(|h| {
                Ok(PlanRevision {
                    revision: h.0,
                    status: status(&h.2)?,
                    goals: h.3,
                    services: h.4,
                    institutions: h.5,
                    review_on: time::parse_date(&h.6)?,
                    saved_by_name: h.7,
                    saved_at: time::parse_instant(&h.8)?,
                })
            })
            .collect::<Result<_, Error>>()?,
    })
}

/// Inserts a flag and, when the family has no active plan, opens one (see [`Store::raise_flag`]).
pub(crate) async fn insert_flag(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    municipality: MunicipalityId,
    family: FamilyId,
    by: AccountId,
    flag: &NewFlag<'_>,
    now: DateTime<Utc>,
) -> Result<(i64, Option<i64>), Error> {
    let (flag_id,): (i64,) = sqlx::query_as(
        "INSERT INTO risk_flags (municipality_id, family_id, category, origin, reason, raised_by, raised_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(municipality.0)
    .bind(family.0)
    .bind(flag.category.as_str())
    .bind(flag.origin.as_str())
    .bind(flag.reason)
    .bind(by.0)
    .bind(time::date(flag.raised_on))
    .fetch_one(&mut **tx)
    .await?;
    let contents = PlanContents {
        status: PlanStatus::Active,
        goals: "",
        services: "",
        responsible: Some(by),
        institutions: "",
        review_on: first_review_on(flag.raised_on),
    };
    let opened = insert_plan(tx, municipality, family, by, &contents, now).await?;
    Ok((flag_id, opened))
}

/// Inserts a plan, or nothing when it would be a second active plan of the family.
async fn insert_plan(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    municipality: MunicipalityId,
    family: FamilyId,
    by: AccountId,
    contents: &PlanContents<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, Error> {
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO support_plans (municipality_id, family_id, status, goals, services, responsible_id, institutions, \
         review_on, revision, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9) \
         ON CONFLICT (family_id) WHERE status = 'active' DO NOTHING RETURNING id",
    )
    .bind(municipality.0)
    .bind(family.0)
    .bind(contents.status.as_str())
    .bind(contents.goals)
    .bind(contents.services)
    .bind(contents.responsible.map(|a| a.0))
    .bind(contents.institutions)
    .bind(time::date(contents.review_on))
    .bind(time::instant(now))
    .fetch_optional(&mut **tx)
    .await?;
    let Some((id,)) = inserted else {
        return Ok(None);
    };
    insert_revision(tx, id, 1, by, contents, now).await?;
    crate::tasks::mark_stale(tx, family).await?;
    Ok(Some(id))
}

async fn insert_revision(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    plan: i64,
    revision: i64,
    by: AccountId,
    contents: &PlanContents<'_>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO support_plan_revisions (plan_id, revision, status, goals, services, responsible_id, institutions, \
         review_on, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(plan)
    .bind(revision)
    .bind(contents.status.as_str())
    .bind(contents.goals)
    .bind(contents.services)
    .bind(contents.responsible.map(|a| a.0))
    .bind(contents.institutions)
    .bind(time::date(contents.review_on))
    .bind(by.0)
    .bind(time::instant(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
