//! Timeline records (done on a date, by a parent or by staff), calendar feeds, and a
//! municipality's own schedule file.

use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{AccountId, ChildId, FamilyId, MunicipalityId, PregnancyId};
use domain::timeline::Member;
use sha2::{Digest, Sha256};

/// Who said an item was done: the parent (保護者の申告) or the centre (職員が確認).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Guardian,
    Staff,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Guardian => "guardian",
            Source::Staff => "staff",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub id: i64,
    pub member: Member,
    pub key: String,
    pub done_on: NaiveDate,
    pub source: Source,
    pub recorded_by: AccountId,
    pub recorded_by_name: String,
    pub recorded_at: DateTime<Utc>,
    pub verified_by_name: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
}

type RecordRow = (
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// The insert behind [`Store::add_record`], for callers that already checked the member and hold a
/// transaction (a recorded visit or interview completes its timeline item in the same commit).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_record(
    conn: &mut sqlx::AnyConnection,
    municipality: MunicipalityId,
    family: FamilyId,
    member: Member,
    key: &str,
    done_on: NaiveDate,
    source: Source,
    by: AccountId,
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    let (pregnancy, child) = match member {
        Member::Pregnancy(p) => (Some(p.0), None),
        Member::Child(c) => (None, Some(c.0)),
    };
    let at = time::instant(now);
    let verified = (source == Source::Staff).then_some(by.0);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO timeline_records (municipality_id, family_id, pregnancy_id, child_id, item_key, done_on, source, \
                                       recorded_by, recorded_at, verified_by, verified_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(municipality.0)
    .bind(family.0)
    .bind(pregnancy)
    .bind(child)
    .bind(key)
    .bind(time::date(done_on))
    .bind(source.as_str())
    .bind(by.0)
    .bind(&at)
    .bind(verified)
    .bind(verified.map(|_| at.clone()))
    .fetch_one(&mut *conn)
    .await?;
    crate::tasks::mark_stale(conn, family).await?;
    Ok(id)
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    /// The family's live records (undone ones excluded), oldest first.
    pub async fn timeline_records(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
    ) -> Result<Vec<StoredRecord>, Error> {
        let rows: Vec<RecordRow> = sqlx::query_as(
            "SELECT r.id, r.pregnancy_id, r.child_id, r.item_key, r.done_on, r.source, r.recorded_by, a.display_name, \
                    r.recorded_at, v.display_name, r.verified_at \
             FROM timeline_records r JOIN accounts a ON a.id = r.recorded_by LEFT JOIN accounts v ON v.id = r.verified_by \
             WHERE r.municipality_id = $1 AND r.family_id = $2 AND r.removed_at IS NULL ORDER BY r.done_on, r.id",
        )
        .bind(municipality.0)
        .bind(family.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(
                |(id, pregnancy, child, key, done_on, source, by, by_name, at, verifier, verified_at)| {
                    let member = match (pregnancy, child) {
                        (Some(p), None) => Member::Pregnancy(PregnancyId(p)),
                        (None, Some(c)) => Member::Child(ChildId(c)),
                        _ => return Err(Error::Corrupt(format!("record {id} has no single member"))),
                    };
                    Ok(StoredRecord {
                        id,
                        member,
                        key,
                        done_on: time::parse_date(&done_on)?,
                        source: if source == "staff" {
                            Source::Staff
                        } else {
                            Source::Guardian
                        },
                        recorded_by: AccountId(by),
                        recorded_by_name: by_name,
                        recorded_at: time::parse_instant(&at)?,
                        verified_by_name: verifier,
                        verified_at: verified_at.as_deref().map(time::parse_instant).transpose()?,
                    })
                },
            )
            .collect()
    }

    /// Records an item as done. The member must belong to the family, and the family to the
    /// municipality; a staff record counts as verified at once.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_record(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        member: Member,
        key: &str,
        done_on: NaiveDate,
        source: Source,
        by: AccountId,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        self.require_member(municipality, family, member).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_record(&mut tx, municipality, family, member, key, done_on, source, by, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Staff confirm a parent's record (職員確認).
    pub async fn verify_record(
        &self,
        municipality: MunicipalityId,
        record: i64,
        by: AccountId,
        now: DateTime<Utc>,
    ) -> Result<FamilyId, Error> {
        let row: Option<(i64,)> = sqlx::query_as(
            "UPDATE timeline_records SET verified_by = $1, verified_at = $2 \
             WHERE id = $3 AND municipality_id = $4 AND removed_at IS NULL RETURNING family_id",
        )
        .bind(by.0)
        .bind(time::instant(now))
        .bind(record)
        .bind(municipality.0)
        .fetch_optional(self.pool())
        .await?;
        row.map(|(f,)| FamilyId(f)).ok_or(Error::NotFound)
    }

    /// Undoes a record: it stays on file, marked removed. `family` limits a parent to their own.
    pub async fn remove_record(
        &self,
        municipality: MunicipalityId,
        family: Option<FamilyId>,
        record: i64,
        by: AccountId,
        now: DateTime<Utc>,
    ) -> Result<FamilyId, Error> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64,)> = sqlx::query_as(
            "UPDATE timeline_records SET removed_by = $1, removed_at = $2 \
             WHERE id = $3 AND municipality_id = $4 AND removed_at IS NULL AND ($5 = 0 OR family_id = $5) RETURNING family_id",
        )
        .bind(by.0)
        .bind(time::instant(now))
        .bind(record)
        .bind(municipality.0)
        .bind(family.map_or(0, |f| f.0))
        .fetch_optional(&mut *tx)
        .await?;
        let family = row.map(|(f,)| FamilyId(f)).ok_or(Error::NotFound)?;
        crate::tasks::mark_stale(&mut tx, family).await?;
        tx.commit().await?;
        Ok(family)
    }

    /// The municipality's schedule file (TOML over the national schedule), if it has one.
    pub async fn schedule_overlay(&self, municipality: MunicipalityId) -> Result<Option<String>, Error> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT schedule_overlay FROM municipalities WHERE id = $1")
                .bind(municipality.0)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.ok_or(Error::NotFound)?.0)
    }

    /// Sets (or clears) the schedule file; every family's kept tasks are planned again.
    pub async fn set_schedule_overlay(&self, municipality: MunicipalityId, overlay: Option<&str>) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE municipalities SET schedule_overlay = $1 WHERE id = $2")
            .bind(overlay)
            .bind(municipality.0)
            .execute(&mut *tx)
            .await?;
        crate::tasks::mark_municipality_stale(&mut tx, municipality).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts (or replaces) the family's private calendar feed; the old link stops working.
    pub async fn renew_calendar_feed(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM calendar_feeds WHERE family_id = $1")
            .bind(family.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO calendar_feeds (family_id, municipality_id, token_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(family.0)
        .bind(municipality.0)
        .bind(hash(token))
        .bind(time::instant(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn revoke_calendar_feed(&self, family: FamilyId) -> Result<(), Error> {
        sqlx::query("DELETE FROM calendar_feeds WHERE family_id = $1")
            .bind(family.0)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn has_calendar_feed(&self, family: FamilyId) -> Result<bool, Error> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT family_id FROM calendar_feeds WHERE family_id = $1")
            .bind(family.0)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }

    /// The family a calendar token opens, if it is still valid.
    pub async fn calendar_feed_family(&self, token: &str) -> Result<Option<(MunicipalityId, FamilyId)>, Error> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT municipality_id, family_id FROM calendar_feeds WHERE token_hash = $1")
                .bind(hash(token))
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(m, f)| (MunicipalityId(m), FamilyId(f))))
    }
}
