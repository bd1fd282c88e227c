//! Risk flags (要支援, 特定妊婦 …) and support plans (サポートプラン) with their history and their
//! 合同ケース会議.

use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{AccountId, ChildId, FamilyId, MunicipalityId, SiteId};
use domain::support::plan::{
    CaseMeeting, MeetingPurpose, Participant, PlanCategory, PlanPeriod, PlanRevision, PlanStatus, PlanSubject, Sharing,
    SharingMethod, SupportPlan,
};
use domain::support::risk::{FlagOrigin, RiskCategory, RiskFlag};
use sqlx::Row;
use std::collections::HashMap;

pub struct NewFlag<'a> {
    pub category: RiskCategory,
    pub origin: FlagOrigin,
    pub reason: &'a str,
    pub raised_on: NaiveDate,
}

/// A plan's contents as saved (a new plan or a new revision).
pub struct PlanContents<'a> {
    pub status: PlanStatus,
    pub subject: PlanSubject,
    pub category: PlanCategory,
    pub period: PlanPeriod,
    pub goals: &'a str,
    pub services: &'a str,
    pub responsible: Option<AccountId>,
    pub institutions: &'a str,
    pub shared: Option<Sharing>,
    pub sharing_note: &'a str,
    /// The day a closing save happens; a plan closed before keeps the day it was closed.
    pub today: NaiveDate,
}

/// A 合同ケース会議 as recorded. A meeting that sets the next review moves the plan's review
/// date (a new revision of the plan).
pub struct NewMeeting<'a> {
    pub held_on: NaiveDate,
    pub purpose: MeetingPurpose,
    pub participants: &'a [Participant],
    pub decisions: &'a str,
    pub next_review_on: Option<NaiveDate>,
}

/// A plan as the figures count it: the category, the site, from when and until when it was open.
pub struct PlanSpan {
    pub site: Option<SiteId>,
    pub category: PlanCategory,
    pub starts_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
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

/// The columns a plan and each of its revisions share, in this order.
const PLAN_COLUMNS: &str = "status, subject, subject_child_id, category, starts_on, review_on, ends_on, goals, \
    services, responsible_id, institutions, shared_on, shared_how, sharing_note";

/// The columns of [`PLAN_COLUMNS`] as stored, for a plan and for each of its revisions alike.
#[derive(sqlx::FromRow)]
struct VersionRow {
    status: String,
    subject: String,
    subject_child_id: Option<i64>,
    category: String,
    starts_on: String,
    review_on: String,
    ends_on: String,
    goals: String,
    services: String,
    responsible_id: Option<i64>,
    institutions: String,
    shared_on: Option<String>,
    shared_how: Option<String>,
    sharing_note: String,
}

/// A [`VersionRow`] parsed; `what` and `id` name the row in an error about stored data.
struct Version {
    status: PlanStatus,
    subject: PlanSubject,
    category: PlanCategory,
    period: PlanPeriod,
    goals: String,
    services: String,
    responsible: Option<AccountId>,
    institutions: String,
    shared: Option<Sharing>,
    sharing_note: String,
}

impl VersionRow {
    fn parse(self, what: &str, id: i64) -> Result<Version, Error> {
        let corrupt = |field: &str| Error::Corrupt(format!("{what} {id}: {field}"));
        let shared = match (self.shared_on, self.shared_how) {
            (Some(on), Some(how)) => Some(Sharing {
                on: time::parse_date(&on)?,
                how: SharingMethod::parse(&how).ok_or_else(|| corrupt("shared_how"))?,
            }),
            _ => None,
        };
        Ok(Version {
            status: PlanStatus::parse(&self.status).ok_or_else(|| corrupt("status"))?,
            subject: PlanSubject::from_stored(&self.subject, self.subject_child_id.map(ChildId))
                .ok_or_else(|| corrupt("subject"))?,
            category: PlanCategory::parse(&self.category).ok_or_else(|| corrupt("category"))?,
            period: PlanPeriod {
                from: time::parse_date(&self.starts_on)?,
                review_on: time::parse_date(&self.review_on)?,
                until: time::parse_date(&self.ends_on)?,
            },
            goals: self.goals,
            services: self.services,
            responsible: self.responsible_id.map(AccountId),
            institutions: self.institutions,
            shared,
            sharing_note: self.sharing_note,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    #[sqlx(flatten)]
    version: VersionRow,
    responsible_name: Option<String>,
    closed_on: Option<String>,
    revision: i64,
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    plan_id: i64,
    revision: i64,
    #[sqlx(flatten)]
    version: VersionRow,
    saved_by_name: String,
    saved_at: String,
}

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: i64,
    plan_id: i64,
    held_on: String,
    purpose: String,
    decisions: String,
    recorded_by_name: String,
    recorded_at: String,
}

impl Store {
    /// Raises a flag. If the family has no open plan of the category and subject the flag calls
    /// for ([`PlanCategory::opened_by`]), one is opened with the flagger responsible and its first
    /// review a week later, so that the family shows on the task list at once.
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

    /// Opens a plan. A family can have several open plans, one per category and subject: a second
    /// of the same is refused (`plan_exists`), so it is revised instead of doubled.
    pub async fn create_plan(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        by: AccountId,
        contents: &PlanContents<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        self.require_plan_parts(municipality, family, contents).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_plan(&mut tx, municipality, family, by, contents, now)
            .await?
            .ok_or(Error::Conflict("plan_exists"))?;
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
        self.require_plan_parts(municipality, family, contents).await?;
        let mut tx = self.begin_write().await?;
        let revision = plan_revision(&mut tx, municipality, family, plan).await?;
        if revision != expected_revision {
            return Err(Error::Conflict("plan_changed"));
        }
        let sql = format!(
            "UPDATE support_plans SET {}, \
             closed_on = CASE WHEN $15 IS NULL THEN NULL ELSE COALESCE(closed_on, $15) END, \
             revision = revision + 1 WHERE id = $16 AND revision = $17",
            PLAN_COLUMNS
                .split(',')
                .enumerate()
                .map(|(i, column)| format!("{} = ${}", column.trim(), i + 1))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let updated = bind_version(sqlx::query(&sql), contents)
            .bind(closed_on(contents))
            .bind(plan)
            .bind(revision)
            .execute(&mut *tx)
            .await
            .map_err(|e| Error::from(e).on_unique("plan_exists"))?;
        if updated.rows_affected() == 0 {
            return Err(Error::Conflict("plan_changed"));
        }
        insert_revision(&mut tx, plan, by, now).await?;
        crate::tasks::mark_stale(&mut tx, family).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The plan's period as it stands, for checking a meeting's next review against it.
    pub async fn plan_period(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        plan: i64,
    ) -> Result<PlanPeriod, Error> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT starts_on, review_on, ends_on FROM support_plans \
             WHERE id = $1 AND family_id = $2 AND municipality_id = $3",
        )
        .bind(plan)
        .bind(family.0)
        .bind(municipality.0)
        .fetch_optional(self.pool())
        .await?;
        let (from, review_on, until) = row.ok_or(Error::NotFound)?;
        Ok(PlanPeriod {
            from: time::parse_date(&from)?,
            review_on: time::parse_date(&review_on)?,
            until: time::parse_date(&until)?,
        })
    }

    /// Records a 合同ケース会議 of a plan with who took part; a next review moves the plan's
    /// review date in the same transaction (a new revision, so the task list follows).
    pub async fn record_meeting(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        plan: i64,
        by: AccountId,
        meeting: &NewMeeting<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        let mut tx = self.begin_write().await?;
        plan_revision(&mut tx, municipality, family, plan).await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO case_meetings (municipality_id, family_id, plan_id, held_on, purpose, decisions, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(plan)
        .bind(time::date(meeting.held_on))
        .bind(meeting.purpose.as_str())
        .bind(meeting.decisions)
        .bind(by.0)
        .bind(time::instant(now))
        .fetch_one(&mut *tx)
        .await?;
        if !meeting.participants.is_empty() {
            let rows = (0..meeting.participants.len())
                .map(|i| format!("({})", crate::value::numbered(i * 4 + 1, 4)))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO case_meeting_participants (meeting_id, position, role, institution) VALUES {rows}"
            );
            let mut insert = sqlx::query(&sql);
            for (position, p) in (0i64..).zip(meeting.participants) {
                insert = insert
                    .bind(id)
                    .bind(position)
                    .bind(p.role.as_str())
                    .bind(p.institution.as_str());
            }
            insert.execute(&mut *tx).await?;
        }
        if let Some(review_on) = meeting.next_review_on {
            sqlx::query("UPDATE support_plans SET review_on = $1, revision = revision + 1 WHERE id = $2")
                .bind(time::date(review_on))
                .bind(plan)
                .execute(&mut *tx)
                .await?;
            insert_revision(&mut tx, plan, by, now).await?;
            crate::tasks::mark_stale(&mut tx, family).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The family's plans, active first, each with its history (newest first) and its meetings
    /// (newest first): four reads, whatever the number of plans.
    pub async fn support_plans(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
    ) -> Result<Vec<SupportPlan>, Error> {
        let rows: Vec<PlanRow> = sqlx::query_as(&format!(
            "SELECT p.id, p.closed_on, p.revision, a.display_name AS responsible_name, {} \
             FROM support_plans p LEFT JOIN accounts a ON a.id = p.responsible_id \
             WHERE p.family_id = $1 AND p.municipality_id = $2 \
             ORDER BY CASE WHEN p.status = 'active' THEN 0 ELSE 1 END, p.id DESC",
            prefixed("p.", PLAN_COLUMNS)
        ))
        .bind(family.0)
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let of_family = "(SELECT id FROM support_plans WHERE family_id = $1 AND municipality_id = $2)";
        let revisions: Vec<RevisionRow> = sqlx::query_as(&format!(
            "SELECT r.plan_id, r.revision, a.display_name AS saved_by_name, r.saved_at, {} \
             FROM support_plan_revisions r JOIN accounts a ON a.id = r.saved_by \
             WHERE r.plan_id IN {of_family} ORDER BY r.plan_id, r.revision DESC",
            prefixed("r.", PLAN_COLUMNS)
        ))
        .bind(family.0)
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        let meetings: Vec<MeetingRow> = sqlx::query_as(
            "SELECT m.id, m.plan_id, m.held_on, m.purpose, m.decisions, a.display_name AS recorded_by_name, \
             m.recorded_at FROM case_meetings m JOIN accounts a ON a.id = m.recorded_by \
             WHERE m.family_id = $1 AND m.municipality_id = $2 ORDER BY m.held_on DESC, m.id DESC",
        )
        .bind(family.0)
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        let participants: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT p.meeting_id, p.role, p.institution FROM case_meeting_participants p \
             JOIN case_meetings m ON m.id = p.meeting_id \
             WHERE m.family_id = $1 AND m.municipality_id = $2 ORDER BY p.meeting_id, p.position",
        )
        .bind(family.0)
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        let mut who: HashMap<i64, Vec<Participant>> = HashMap::new();
        for (meeting, role, institution) in participants {
            who.entry(meeting).or_default().push(Participant { role, institution });
        }
        let mut meetings_of: HashMap<i64, Vec<CaseMeeting>> = HashMap::new();
        for m in meetings {
            let meeting = CaseMeeting {
                id: m.id,
                held_on: time::parse_date(&m.held_on)?,
                purpose: MeetingPurpose::parse(&m.purpose)
                    .ok_or_else(|| Error::Corrupt(format!("meeting {}: purpose", m.id)))?,
                participants: who.remove(&m.id).unwrap_or_default(),
                decisions: m.decisions,
                recorded_by_name: m.recorded_by_name,
                recorded_at: time::parse_instant(&m.recorded_at)?,
            };
            meetings_of.entry(m.plan_id).or_default().push(meeting);
        }
        let mut history_of: HashMap<i64, Vec<PlanRevision>> = HashMap::new();
        for r in revisions {
            let v = r.version.parse("plan revision", r.plan_id)?;
            history_of.entry(r.plan_id).or_default().push(PlanRevision {
                revision: r.revision,
                status: v.status,
                subject: v.subject,
                category: v.category,
                period: v.period,
                goals: v.goals,
                services: v.services,
                institutions: v.institutions,
                shared: v.shared,
                sharing_note: v.sharing_note,
                saved_by_name: r.saved_by_name,
                saved_at: time::parse_instant(&r.saved_at)?,
            });
        }
        rows.into_iter()
            .map(|r| {
                let v = r.version.parse("plan", r.id)?;
                Ok(SupportPlan {
                    id: r.id,
                    status: v.status,
                    subject: v.subject,
                    category: v.category,
                    period: v.period,
                    goals: v.goals,
                    services: v.services,
                    responsible: v.responsible,
                    responsible_name: r.responsible_name,
                    institutions: v.institutions,
                    shared: v.shared,
                    sharing_note: v.sharing_note,
                    closed_on: time::parse_opt_date(r.closed_on.as_deref())?,
                    revision: r.revision,
                    history: history_of.remove(&r.id).unwrap_or_default(),
                    meetings: meetings_of.remove(&r.id).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// The plans open at some time between `from` and `until` (inclusive), for the figures.
    pub async fn plans_open_between(
        &self,
        municipality: MunicipalityId,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<PlanSpan>, Error> {
        let rows: Vec<(Option<i64>, String, String, Option<String>)> = sqlx::query_as(
            "SELECT f.site_id, p.category, p.starts_on, p.closed_on FROM support_plans p \
             JOIN families f ON f.id = p.family_id \
             WHERE p.municipality_id = $1 AND p.starts_on <= $2 AND (p.closed_on IS NULL OR p.closed_on >= $3)",
        )
        .bind(municipality.0)
        .bind(time::date(until))
        .bind(time::date(from))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(site, category, starts_on, closed_on)| {
                Ok(PlanSpan {
                    site: site.map(SiteId),
                    category: PlanCategory::parse(&category)
                        .ok_or_else(|| Error::Corrupt(format!("plan category {category:?}")))?,
                    starts_on: time::parse_date(&starts_on)?,
                    closed_on: time::parse_opt_date(closed_on.as_deref())?,
                })
            })
            .collect()
    }

    /// The responsible colleague is a staff member of the municipality, the subject child one of
    /// the family's children.
    async fn require_plan_parts(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        contents: &PlanContents<'_>,
    ) -> Result<(), Error> {
        self.require_family(municipality, family).await?;
        if let Some(responsible) = contents.responsible {
            self.require_staff_account(municipality, responsible).await?;
        }
        if let PlanSubject::Child(child) = contents.subject {
            let owned: Option<(i64,)> = sqlx::query_as("SELECT id FROM children WHERE id = $1 AND family_id = $2")
                .bind(child.0)
                .bind(family.0)
                .fetch_optional(self.pool())
                .await?;
            owned.ok_or(Error::NotFound)?;
        }
        Ok(())
    }
}

/// `status, subject, …` as `p.status, p.subject, …`.
fn prefixed(prefix: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{prefix}{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds a plan's contents to the next parameters, in the order of [`PLAN_COLUMNS`].
fn bind_version<'q>(query: AnyQuery<'q>, c: &PlanContents<'q>) -> AnyQuery<'q> {
    let (subject, child) = c.subject.stored();
    query
        .bind(c.status.as_str())
        .bind(subject)
        .bind(child.map(|c| c.0))
        .bind(c.category.as_str())
        .bind(time::date(c.period.from))
        .bind(time::date(c.period.review_on))
        .bind(time::date(c.period.until))
        .bind(c.goals)
        .bind(c.services)
        .bind(c.responsible.map(|a| a.0))
        .bind(c.institutions)
        .bind(c.shared.map(|s| time::date(s.on)))
        .bind(c.shared.map(|s| s.how.as_str()))
        .bind(c.sharing_note)
}

/// The day a save closes the plan on, when it does.
fn closed_on(contents: &PlanContents<'_>) -> Option<String> {
    (contents.status == PlanStatus::Closed).then(|| time::date(contents.today))
}

/// The plan's current revision, when it is the family's in the municipality.
async fn plan_revision(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    municipality: MunicipalityId,
    family: FamilyId,
    plan: i64,
) -> Result<i64, Error> {
    let current: Option<(i64,)> =
        sqlx::query_as("SELECT revision FROM support_plans WHERE id = $1 AND family_id = $2 AND municipality_id = $3")
            .bind(plan)
            .bind(family.0)
            .bind(municipality.0)
            .fetch_optional(&mut **tx)
            .await?;
    current.map(|(r,)| r).ok_or(Error::NotFound)
}

/// Inserts a flag and opens the plan it calls for, when the family has no open plan of that
/// category and subject (see [`Store::raise_flag`]).
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
    let (category, subject) = PlanCategory::opened_by(flag.category, flag.origin);
    let contents = PlanContents {
        status: PlanStatus::Active,
        subject,
        category,
        period: PlanPeriod::opened_on(flag.raised_on),
        goals: "",
        services: "",
        responsible: Some(by),
        institutions: "",
        shared: None,
        sharing_note: "",
        today: flag.raised_on,
    };
    let opened = insert_plan(tx, municipality, family, by, &contents, now).await?;
    Ok((flag_id, opened))
}

/// Inserts a plan, or nothing when the family has an open plan of that category and subject.
async fn insert_plan(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    municipality: MunicipalityId,
    family: FamilyId,
    by: AccountId,
    contents: &PlanContents<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, Error> {
    let sql = format!(
        "INSERT INTO support_plans (municipality_id, family_id, closed_on, created_at, revision, {PLAN_COLUMNS}) \
         VALUES ($1, $2, $3, $4, 1, {}) ON CONFLICT DO NOTHING RETURNING id",
        crate::value::numbered(5, PLAN_COLUMNS.split(',').count())
    );
    let query = sqlx::query(&sql)
        .bind(municipality.0)
        .bind(family.0)
        .bind(closed_on(contents))
        .bind(time::instant(now));
    let inserted = bind_version(query, contents).fetch_optional(&mut **tx).await?;
    let Some(id) = inserted.map(|row| row.try_get::<i64, _>(0)).transpose()? else {
        return Ok(None);
    };
    insert_revision(tx, id, by, now).await?;
    crate::tasks::mark_stale(tx, family).await?;
    Ok(Some(id))
}

/// Keeps the plan as it now stands as its newest revision.
async fn insert_revision(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    plan: i64,
    by: AccountId,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    sqlx::query(&format!(
        "INSERT INTO support_plan_revisions (plan_id, revision, saved_by, saved_at, {PLAN_COLUMNS}) \
         SELECT id, revision, $2, $3, {PLAN_COLUMNS} FROM support_plans WHERE id = $1"
    ))
    .bind(plan)
    .bind(by.0)
    .bind(time::instant(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
