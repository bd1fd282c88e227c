//! The 伴走型 interviews (notification, eight-month, postnatal) as recorded by staff.

use crate::plans::{NewFlag, insert_flag};
use crate::timeline::{Source, insert_record};
use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{AccountId, ChildId, FamilyId, MunicipalityId, PregnancyId};
use domain::support::interview::{
    ChecklistTopic, HomeSupport, Interview, InterviewKind, checklist_from_text, checklist_to_text,
};
use domain::timeline::Member;

pub struct NewInterview<'a> {
    pub kind: InterviewKind,
    pub member: Member,
    pub held_on: NaiveDate,
    pub home_support: HomeSupport,
    pub checklist: &'a [ChecklistTopic],
    pub health: &'a str,
    pub worries: &'a str,
    pub questionnaire_returned: bool,
    pub interview_requested: bool,
    pub benefit_form_handed: bool,
    /// A risk decided at the contact: flagged in the same commit.
    pub flag: Option<NewFlag<'a>>,
}

type InterviewRow = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
);

fn member_ids(member: Member) -> (Option<i64>, Option<i64>) {
    match member {
        Member::Pregnancy(p) => (Some(p.0), None),
        Member::Child(c) => (None, Some(c.0)),
    }
}

impl Store {
    /// Fails with `NotFound` unless the pregnancy or child belongs to this family of this municipality.
    pub(crate) async fn require_member(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        member: Member,
    ) -> Result<(), Error> {
        let (table, id) = match member {
            Member::Pregnancy(p) => ("pregnancies", p.0),
            Member::Child(c) => ("children", c.0),
        };
        let owned: Option<(i64,)> = sqlx::query_as(&format!(
            "SELECT id FROM {table} WHERE id = $1 AND family_id = $2 AND municipality_id = $3"
        ))
        .bind(id)
        .bind(family.0)
        .bind(municipality.0)
        .fetch_optional(self.pool())
        .await?;
        owned.map(|_| ()).ok_or(Error::NotFound)
    }

    /// Fails with `NotFound` unless the account is an active staff member of this municipality.
    pub(crate) async fn require_staff_account(
        &self,
        municipality: MunicipalityId,
        account: AccountId,
    ) -> Result<(), Error> {
        let owned: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM accounts WHERE id = $1 AND municipality_id = $2 \
             AND role IN ('coordinator', 'admin') AND disabled_at IS NULL",
        )
        .bind(account.0)
        .bind(municipality.0)
        .fetch_optional(self.pool())
        .await?;
        owned.map(|_| ()).ok_or(Error::NotFound)
    }

    /// Records a contact; in the same commit it completes the contact's timeline item for the member
    /// and raises the flag decided at it (opening a plan when the family has none).
    pub async fn add_interview(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        by: AccountId,
        interview: &NewInterview<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        self.require_member(municipality, family, interview.member).await?;
        let (pregnancy, child) = member_ids(interview.member);
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO interviews (municipality_id, family_id, pregnancy_id, child_id, kind, held_on, interviewer_id, \
             home_support, checklist, health, worries, questionnaire_returned, interview_requested, benefit_form_handed, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(pregnancy)
        .bind(child)
        .bind(interview.kind.as_str())
        .bind(time::date(interview.held_on))
        .bind(by.0)
        .bind(interview.home_support.as_str())
        .bind(checklist_to_text(interview.checklist))
        .bind(interview.health)
        .bind(interview.worries)
        .bind(i64::from(interview.questionnaire_returned))
        .bind(i64::from(interview.interview_requested))
        .bind(i64::from(interview.benefit_form_handed))
        .bind(time::instant(now))
        .fetch_one(&mut *tx)
        .await?;
        // The contact completes its timeline item in the same commit.
        let key = interview.kind.timeline_key();
        insert_record(
            &mut tx,
            municipality,
            family,
            interview.member,
            key,
            interview.held_on,
            Source::Staff,
            by,
            now,
        )
        .await?;
        if let Some(flag) = &interview.flag {
            insert_flag(&mut tx, municipality, family, by, flag, now).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The family's interviews, oldest first.
    pub async fn interviews(&self, municipality: MunicipalityId, family: FamilyId) -> Result<Vec<Interview>, Error> {
        let rows: Vec<InterviewRow> = sqlx::query_as(
            "SELECT i.id, i.kind, i.pregnancy_id, i.child_id, i.held_on, i.interviewer_id, a.display_name, \
             i.home_support, i.checklist, i.health, i.worries, i.questionnaire_returned, i.interview_requested, \
             i.benefit_form_handed FROM interviews i JOIN accounts a ON a.id = i.interviewer_id \
             WHERE i.family_id = $1 AND i.municipality_id = $2 ORDER BY i.held_on, i.id",
        )
        .bind(family.0)
        .bind(municipality.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let corrupt = |what: &str| Error::Corrupt(format!("interview {}: {what}", r.0));
                Ok(Interview {
                    id: r.0,
                    kind: InterviewKind::parse(&r.1).ok_or_else(|| corrupt("kind"))?,
                    pregnancy: r.2.map(PregnancyId),
                    child: r.3.map(ChildId),
                    held_on: time::parse_date(&r.4)?,
                    interviewer: AccountId(r.5),
                    interviewer_name: r.6.clone(),
                    home_support: HomeSupport::parse(&r.7).ok_or_else(|| corrupt("home_support"))?,
                    checklist: checklist_from_text(&r.8).ok_or_else(|| corrupt("checklist"))?,
                    health: r.9.clone(),
                    worries: r.10.clone(),
                    questionnaire_returned: r.11 != 0,
                    interview_requested: r.12 != 0,
                    benefit_form_handed: r.13 != 0,
                })
            })
            .collect()
    }
}
