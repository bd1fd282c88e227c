//! A family's support record for staff: interviews, flags, plans, visits and referrals, with what
//! the forms need (colleagues, institutions). Every read is audited.

use crate::error::AppError;
use domain::support::benefit::ClaimWindow;
use domain::support::interview::{Interview, InterviewKind};
use domain::support::network::{Institution, Referral};
use domain::support::plan::SupportPlan;
use domain::support::risk::RiskFlag;
use domain::support::visit::HomeVisit;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A colleague who can be assigned work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportView {
    pub interviews: Vec<Interview>,
    pub flags: Vec<RiskFlag>,
    pub plans: Vec<SupportPlan>,
    pub visits: Vec<HomeVisit>,
    pub referrals: Vec<Referral>,
    pub consultations: Vec<domain::consultation::Consultation>,
    pub institutions: Vec<Institution>,
    pub colleagues: Vec<Colleague>,
    /// Which contact hands out the second benefit claim form in this municipality.
    pub second_form_at: InterviewKind,
    /// 妊婦のための支援給付: each pregnancy's two claims under the programme.
    pub claims: Vec<PregnancyClaims>,
    pub today: chrono::NaiveDate,
    /// The municipality's offset from UTC now, for showing when things were saved in its time.
    pub utc_offset_seconds: i32,
}

/// A pregnancy's two 支援給付 claims: from when, until when, and when the centre received them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PregnancyClaims {
    pub pregnancy: domain::ids::PregnancyId,
    pub windows: [ClaimWindow; 2],
}

#[server(endpoint = "family_support")]
pub async fn family_support(family: i64) -> Result<SupportView, AppError> {
    use super::context::{audit, require_staff, today_for, use_store};
    use domain::ids::FamilyId;
    let viewer = require_staff().await?;
    let family = FamilyId(family);
    let store = use_store()?;
    let m = viewer.municipality;
    // A family of another municipality is refused before anything else is read.
    let record = store.family_record(m, family).await?;
    let received = store.benefit_claims(m, family).await?;
    let view = SupportView {
        claims: record
            .pregnancies
            .iter()
            .filter_map(|p| {
                Some(PregnancyClaims {
                    pregnancy: p.id,
                    windows: domain::support::benefit::pregnancy_claims(p, &received)?,
                })
            })
            .collect(),
        interviews: store.interviews(m, family).await?,
        flags: store.risk_flags(m, family).await?,
        plans: store.support_plans(m, family).await?,
        visits: store.home_visits(m, family).await?,
        referrals: store.referrals(m, family).await?,
        consultations: store
            .consultations(m, store::consultations::Which::Family(family))
            .await?,
        institutions: store.institutions(m).await?,
        colleagues: colleagues(&store, m).await?,
        second_form_at: second_form_at(&store, m).await?,
        today: today_for(&viewer).await?,
        utc_offset_seconds: super::context::utc_offset_for(&viewer).await?,
    };
    audit(&viewer, "read_support", &format!("family:{}", family.0)).await?;
    Ok(view)
}

#[cfg(feature = "ssr")]
pub(crate) async fn colleagues(
    store: &store::Store,
    municipality: domain::ids::MunicipalityId,
) -> Result<Vec<Colleague>, AppError> {
    Ok(store
        .staff_members(municipality)
        .await?
        .into_iter()
        .filter(|s| !s.disabled)
        .map(|s| Colleague {
            id: s.account.0,
            name: s.display_name,
        })
        .collect())
}

/// The municipality's choice from its schedule file (`second_benefit_form`), the eight-month
/// contact by default.
#[cfg(feature = "ssr")]
async fn second_form_at(
    store: &store::Store,
    municipality: domain::ids::MunicipalityId,
) -> Result<InterviewKind, AppError> {
    let schedule = super::timeline::load::schedule(store, municipality).await?;
    Ok(match schedule.second_benefit_form() {
        Some(key) if key.as_str() == InterviewKind::Postnatal.timeline_key() => InterviewKind::Postnatal,
        _ => InterviewKind::EightMonth,
    })
}

/// Records that the centre received a 支援給付 claim (1回目 or 2回目) of one of the family's
/// pregnancies, on a day within its claim period and not after today; recording it again corrects
/// the day.
#[server(endpoint = "record_benefit_claim")]
pub async fn record_benefit_claim(
    family: i64,
    pregnancy: i64,
    claim: String,
    received_on: String,
) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, today_for, use_store};
    use domain::ids::{FamilyId, PregnancyId};
    use domain::input::{Invalid, Problem, date};
    use domain::support::benefit::{BenefitClaim, ReceivedClaim, pregnancy_claims};
    let viewer = require_staff().await?;
    let family = FamilyId(family);
    let claim = BenefitClaim::parse_field("claim", &claim)?;
    let received_on = date("received_on", &received_on)?;
    let store = use_store()?;
    let m = viewer.municipality;
    let record = store.family_record(m, family).await?;
    let pregnancy = record
        .pregnancies
        .iter()
        .find(|p| p.id == PregnancyId(pregnancy))
        .ok_or(AppError::NotFound)?;
    // A pregnancy recognised before the programme has no claims to record.
    let windows = pregnancy_claims(pregnancy, &[]).ok_or_else(|| Invalid::new("claim", Problem::Malformed))?;
    let window = windows
        .iter()
        .find(|w| w.claim == claim)
        .expect("every pregnancy under the programme has both claims");
    let today = today_for(&viewer).await?;
    if received_on < window.from || received_on > window.until.min(today) {
        return Err(Invalid::new("received_on", Problem::DateOutOfRange).into());
    }
    store
        .record_benefit_claim(
            m,
            family,
            &ReceivedClaim {
                pregnancy: pregnancy.id,
                claim,
                received_on,
            },
            viewer.account,
            now(),
        )
        .await?;
    audit(&viewer, "record_benefit_claim", &format!("family:{}", family.0)).await?;
    Ok(())
}
