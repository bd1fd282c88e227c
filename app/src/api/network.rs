//! The directory of related institutions and referrals of families to them.

use crate::error::AppError;
use domain::support::network::Institution;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionForm {
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralForm {
    pub family: i64,
    pub institution: i64,
    pub reason: String,
    #[serde(default)]
    pub status: String,
    /// The day an answer is expected by (回答期限); empty for none.
    #[serde(default)]
    pub due_back_on: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralUpdateForm {
    pub family: i64,
    pub referral: i64,
    pub status: String,
    #[serde(default)]
    pub outcome: String,
}

#[server(endpoint = "institutions")]
pub async fn institutions() -> Result<Vec<Institution>, AppError> {
    use super::context::{require_staff, use_store};
    let viewer = require_staff().await?;
    Ok(use_store()?.institutions(viewer.municipality).await?)
}

#[server(endpoint = "add_institution")]
pub async fn add_institution(input: InstitutionForm) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, use_store};
    use domain::input::{free_text, required_text};
    use domain::support::network::InstitutionKind;
    use store::network::NewInstitution;
    let viewer = require_staff().await?;
    let name = required_text("institution_name", &input.name, 100)?;
    let phone = free_text("phone", &input.phone, 30)?;
    let note = free_text("note", &input.note, 1000)?;
    let institution = NewInstitution {
        kind: InstitutionKind::parse_field("kind", &input.kind)?,
        name: &name,
        phone: &phone,
        note: &note,
    };
    let id = use_store()?
        .add_institution(viewer.municipality, &institution, now())
        .await?;
    audit(&viewer, "add_institution", &format!("institution:{id}")).await?;
    Ok(())
}

#[server(endpoint = "refer")]
pub async fn refer(input: ReferralForm) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, today_for, use_store};
    use super::intake::MAX_NOTE;
    use domain::ids::FamilyId;
    use domain::input::{optional_date, required_text};
    use domain::support::network::{ReferralStatus, due_back_on};
    use store::network::NewReferral;
    let viewer = require_staff().await?;
    let reason = required_text("reason", &input.reason, MAX_NOTE)?;
    let status = match input.status.trim() {
        "" => ReferralStatus::Referred,
        code => ReferralStatus::parse_field("status", code)?,
    };
    let family = FamilyId(input.family);
    let today = today_for(&viewer).await?;
    let due_back_on = due_back_on(today, optional_date("due_back_on", &input.due_back_on)?)?;
    let referral = NewReferral {
        institution: input.institution,
        reason: &reason,
        status,
        referred_on: today,
        due_back_on,
        by: viewer.account,
    };
    use_store()?
        .refer(viewer.municipality, family, &referral, now())
        .await?;
    audit(&viewer, "refer", &format!("family:{}", family.0)).await?;
    Ok(())
}

#[server(endpoint = "update_referral")]
pub async fn update_referral(input: ReferralUpdateForm) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, use_store};
    use super::intake::MAX_NOTE;
    use domain::ids::FamilyId;
    use domain::input::free_text;
    use domain::support::network::ReferralStatus;
    let viewer = require_staff().await?;
    let status = ReferralStatus::parse_field("status", &input.status)?;
    let outcome = free_text("outcome", &input.outcome, MAX_NOTE)?;
    let family = FamilyId(input.family);
    use_store()?
        .update_referral(viewer.municipality, family, input.referral, status, &outcome, now())
        .await?;
    audit(&viewer, "update_referral", &format!("family:{}", family.0)).await?;
    Ok(())
}
