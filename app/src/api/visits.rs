//! Home visits: planning (who, when) and recording (findings, EPDS).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitPlanForm {
    pub family: i64,
    pub kind: String,
    /// `pregnancy:12` / `child:7`, or empty for the family as a whole.
    #[serde(default)]
    pub member: String,
    pub due_by: String,
    #[serde(default)]
    pub assigned_to: Option<i64>,
    #[serde(default)]
    pub scheduled_on: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitReportForm {
    pub family: i64,
    pub visit: i64,
    pub visited_on: String,
    #[serde(default)]
    pub findings: String,
    /// The printed option chosen for EPDS items 1–10 ("1"–"4"), all empty when not taken.
    #[serde(default)]
    pub epds: Vec<String>,
}

/// What recording a visit led to, for the coordinator to see at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitOutcome {
    pub epds_total: Option<u8>,
    pub flagged: bool,
}

#[server(endpoint = "plan_visit")]
pub async fn plan_visit(input: VisitPlanForm) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, use_store};
    use super::timeline::parse_member;
    use domain::ids::{AccountId, FamilyId};
    use domain::input::{date, optional_date};
    use domain::support::visit::VisitKind;
    use store::visits::PlannedVisit;
    let viewer = require_staff().await?;
    let member = match input.member.trim() {
        "" => None,
        text => Some(parse_member(text)?),
    };
    let visit = PlannedVisit {
        kind: VisitKind::parse_field("kind", &input.kind)?,
        member,
        due_by: date("due_by", &input.due_by)?,
        assigned_to: input.assigned_to.map(AccountId),
        scheduled_on: optional_date("scheduled_on", &input.scheduled_on)?,
    };
    let family = FamilyId(input.family);
    use_store()?
        .plan_visit(viewer.municipality, family, viewer.account, &visit, now())
        .await?;
    audit(&viewer, "plan_visit", &format!("family:{}", family.0)).await?;
    Ok(())
}

#[server(endpoint = "record_visit")]
pub async fn record_visit(input: VisitReportForm) -> Result<VisitOutcome, AppError> {
    use super::context::{audit, now, require_staff, today_for, use_store};
    use super::intake::MAX_NOTE;
    use domain::ids::FamilyId;
    use domain::input::{Invalid, Problem, date, free_text};
    use domain::support::epds::Epds;
    use store::visits::VisitReport;
    let viewer = require_staff().await?;
    let visited_on = date("visited_on", &input.visited_on)?;
    if visited_on > today_for(&viewer).await? {
        return Err(Invalid::new("visited_on", Problem::DateOutOfRange).into());
    }
    let findings = free_text("findings", &input.findings, MAX_NOTE)?;
    let epds = Epds::from_form(&input.epds)?;
    let report = VisitReport {
        visited_on,
        findings: &findings,
        epds,
    };
    let family = FamilyId(input.family);
    let recorded = use_store()?
        .record_visit(viewer.municipality, family, input.visit, viewer.account, &report, now())
        .await?;
    let action = if recorded.flag.is_some() {
        "record_visit_and_flag"
    } else {
        "record_visit"
    };
    audit(&viewer, action, &format!("family:{}", family.0)).await?;
    let store = use_store()?;
    super::reminders::plan::after_timeline_change(&store, viewer.municipality, family).await;

    // The family's page again, saying whether the EPDS raised a flag.
    let said = if recorded.flag.is_some() {
        "epds_flagged"
    } else {
        "visit_saved"
    };
    leptos_axum::redirect(&format!("/staff/families/{}?said={said}", family.0));
    Ok(VisitOutcome {
        epds_total: epds.map(|e| e.total()),
        flagged: recorded.flag.is_some(),
    })
}
