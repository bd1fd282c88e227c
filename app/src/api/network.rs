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
    use domain::input::required_text;
    use domain::support::network::ReferralStatus;
    let viewer = require_staff().await?;
    let reason = required_text("reason", &input.reason, MAX_NOTE)?;
    let status = match input.status.trim() {
        "" => ReferralStatus::Referred,
        code => ReferralStatus::parse_field("status", code)?,
    };
    let family = FamilyId(input.family);
    let today = today_for(&viewer).await?;
    use_store()?
        .refer(
            viewer.municipality,
            family,
            input.institution,
            &reason,
            status,
            today,
            viewer.account,
            now(),
        )
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
