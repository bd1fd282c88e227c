//! Risk flags and support plans (サポートプラン).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagForm {
    pub family: i64,
    pub category: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanForm {
    pub family: i64,
    /// The plan being revised; empty for a new plan.
    #[serde(default)]
    pub plan: Option<i64>,
    /// The revision the form was made from.
    #[serde(default)]
    pub revision: i64,
    #[serde(default)]
    pub status: String,
    /// `mother`, `household` or `child:<id>`.
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub starts_on: String,
    pub review_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub services: String,
    #[serde(default)]
    pub responsible: Option<i64>,
    #[serde(default)]
    pub institutions: String,
    #[serde(default)]
    pub shared_on: String,
    #[serde(default)]
    pub shared_how: String,
    #[serde(default)]
    pub sharing_note: String,
}

/// One row of a meeting's participants; blank rows are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantRow {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub institution: String,
}

/// A 合同ケース会議 of a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingForm {
    pub family: i64,
    pub plan: i64,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub participants: Vec<ParticipantRow>,
    #[serde(default)]
    pub decisions: String,
    /// Moves the plan's next review when given.
    #[serde(default)]
    pub next_review_on: String,
}

/// Empty rows a meeting form offers for its participants.
pub const PARTICIPANT_ROWS: usize = 8;

#[server(endpoint = "raise_flag")]
pub async fn raise_flag(input: FlagForm) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, today_for, use_store};
    use super::intake::MAX_NOTE;
    use domain::ids::FamilyId;
    use domain::input::required_text;
    use domain::support::risk::{FlagOrigin, RiskCategory};
    use store::plans::NewFlag;
    let viewer = require_staff().await?;
    let category = RiskCategory::parse_field("category", &input.category)?;
    let reason = required_text("reason", &input.reason, MAX_NOTE)?;
    let flag = NewFlag {
        category,
        origin: FlagOrigin::Manual,
        reason: &reason,
        raised_on: today_for(&viewer).await?,
    };
    let family = FamilyId(input.family);
    use_store()?
        .raise_flag(viewer.municipality, family, viewer.account, &flag, now())
        .await?;
    audit(&viewer, "raise_flag", &format!("family:{}", family.0)).await?;
    Ok(())
}

#[server(endpoint = "clear_flag")]
pub async fn clear_flag(family: i64, flag: i64, reason: String) -> Result<(), AppError> {
    use super::context::{audit, require_staff, today_for, use_store};
    use super::intake::MAX_NOTE;
    use domain::ids::FamilyId;
    use domain::input::required_text;
    let viewer = require_staff().await?;
    let reason = required_text("reason", &reason, MAX_NOTE)?;
    let today = today_for(&viewer).await?;
    use_store()?
        .clear_flag(
            viewer.municipality,
            FamilyId(family),
            flag,
            viewer.account,
            &reason,
            today,
        )
        .await?;
    audit(&viewer, "clear_flag", &format!("family:{family}")).await?;
    Ok(())
}

/// Creates a plan or saves a new revision of one (a stale form is refused, not overwritten).
#[server(endpoint = "save_plan")]
pub async fn save_plan(input: PlanForm) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, today_for, use_store};
    use super::intake::MAX_NOTE;
    use domain::ids::{AccountId, FamilyId};
    use domain::input::{date, free_text, optional_date};
    use domain::support::plan::{
        PlanCategory, PlanPeriod, PlanStatus, PlanSubject, Sharing, SharingMethod, subject_for,
    };
    use store::plans::PlanContents;
    let viewer = require_staff().await?;
    let today = today_for(&viewer).await?;
    let goals = free_text("goals", &input.goals, MAX_NOTE)?;
    let services = free_text("services", &input.services, MAX_NOTE)?;
    let institutions = free_text("institutions", &input.institutions, MAX_NOTE)?;
    let sharing_note = free_text("sharing_note", &input.sharing_note, MAX_NOTE)?;
    let status = match input.status.trim() {
        "" => PlanStatus::Active,
        code => PlanStatus::parse_field("status", code)?,
    };
    let category = PlanCategory::parse_field("category", &input.category)?;
    let subject = subject_for(category, PlanSubject::parse_field("subject", &input.subject)?)?;
    let period = PlanPeriod::new(
        date("starts_on", &input.starts_on)?,
        date("review_on", &input.review_on)?,
        date("ends_on", &input.ends_on)?,
    )?;
    let shared_how = match input.shared_how.trim() {
        "" => None,
        code => Some(SharingMethod::parse_field("shared_how", code)?),
    };
    let shared = Sharing::from_form(optional_date("shared_on", &input.shared_on)?, shared_how, today)?;
    let contents = PlanContents {
        status,
        subject,
        category,
        period,
        goals: &goals,
        services: &services,
        responsible: input.responsible.map(AccountId),
        institutions: &institutions,
        shared,
        sharing_note: &sharing_note,
        today,
    };
    let family = FamilyId(input.family);
    let store = use_store()?;
    match input.plan {
        Some(plan) => {
            store
                .revise_plan(
                    viewer.municipality,
                    family,
                    plan,
                    input.revision,
                    viewer.account,
                    &contents,
                    now(),
                )
                .await?
        }
        None => {
            store
                .create_plan(viewer.municipality, family, viewer.account, &contents, now())
                .await?;
        }
    }
    audit(&viewer, "save_plan", &format!("family:{}", family.0)).await?;
    Ok(())
}

/// Records a 合同ケース会議 that decided or reviewed a plan; a next review date given moves the
/// plan's review (within its period).
#[server(endpoint = "record_case_meeting")]
pub async fn record_case_meeting(input: MeetingForm) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, today_for, use_store};
    use super::intake::MAX_NOTE;
    use domain::ids::FamilyId;
    use domain::input::{Invalid, date, optional_date, required_text};
    use domain::support::plan::{MeetingPurpose, PlanPeriod, meeting_held_on, participants};
    use store::plans::NewMeeting;
    let viewer = require_staff().await?;
    let today = today_for(&viewer).await?;
    let held_on = meeting_held_on(date("held_on", &input.held_on)?, today)?;
    let purpose = MeetingPurpose::parse_field("purpose", &input.purpose)?;
    let rows: Vec<(String, String)> = input
        .participants
        .into_iter()
        .map(|r| (r.role, r.institution))
        .collect();
    let participants = participants(&rows)?;
    let decisions = required_text("decisions", &input.decisions, MAX_NOTE)?;
    let next_review_on = optional_date("next_review_on", &input.next_review_on)?;
    let family = FamilyId(input.family);
    let store = use_store()?;
    if let Some(review_on) = next_review_on {
        let period = store.plan_period(viewer.municipality, family, input.plan).await?;
        PlanPeriod::new(period.from, review_on, period.until).map_err(|e| Invalid::new("next_review_on", e.problem))?;
    }
    let meeting = NewMeeting {
        held_on,
        purpose,
        participants: &participants,
        decisions: &decisions,
        next_review_on,
    };
    store
        .record_meeting(viewer.municipality, family, input.plan, viewer.account, &meeting, now())
        .await?;
    audit(&viewer, "record_case_meeting", &format!("family:{}", family.0)).await?;
    Ok(())
}
