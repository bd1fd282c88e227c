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
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub services: String,
    #[serde(default)]
    pub responsible: Option<i64>,
    #[serde(default)]
    pub institutions: String,
    pub review_on: String,
}

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
    use super::context::{audit, now, require_staff, use_store};
    use super::intake::MAX_NOTE;
    use domain::ids::{AccountId, FamilyId};
    use domain::input::{date, free_text};
    use domain::support::risk::PlanStatus;
    use store::plans::PlanContents;
    let viewer = require_staff().await?;
    let goals = free_text("goals", &input.goals, MAX_NOTE)?;
    let services = free_text("services", &input.services, MAX_NOTE)?;
    let institutions = free_text("institutions", &input.institutions, MAX_NOTE)?;
    let status = match input.status.trim() {
        "" => PlanStatus::Active,
        code => PlanStatus::parse_field("status", code)?,
    };
    let contents = PlanContents {
        status,
        goals: &goals,
        services: &services,
        responsible: input.responsible.map(AccountId),
        institutions: &institutions,
        review_on: date("review_on", &input.review_on)?,
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
