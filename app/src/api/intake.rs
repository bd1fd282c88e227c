//! The pregnancy notification (妊娠届出) and the 伴走型 interviews, as staff record them.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The notification form: a new family, or a new pregnancy of a family already on file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationForm {
    /// An existing family's id; empty for a new family.
    #[serde(default)]
    pub family: Option<i64>,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub family_name_kana: String,
    #[serde(default)]
    pub site: Option<i64>,
    /// 出産予定日; may be left empty when the LMP is given.
    #[serde(default)]
    pub due_date: String,
    /// 最終月経初日, used when no due date is given (due = LMP + 280 days).
    #[serde(default)]
    pub lmp: String,
    #[serde(default)]
    pub fetuses: String,
    /// 妊娠届出日; may be left empty for a pregnancy that ended before a notification was made.
    #[serde(default)]
    pub notified_on: String,
    /// The day a pregnancy ended in a miscarriage or stillbirth before its notification: recorded
    /// so that both 支援給付 claims stay open (the heartbeat's date is then needed).
    #[serde(default)]
    pub lost_on: String,
    /// 心拍確認日, when known: it opens the first 支援給付 claim.
    #[serde(default)]
    pub heartbeat_on: String,
}

/// A recorded contact, with an optional risk flag decided at it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterviewForm {
    pub family: i64,
    /// `pregnancy:12` or `child:7`.
    pub member: String,
    pub kind: String,
    pub held_on: String,
    pub home_support: String,
    /// Checklist topic codes answered yes.
    #[serde(default)]
    pub checklist: Vec<String>,
    #[serde(default)]
    pub health: String,
    #[serde(default)]
    pub worries: String,
    #[serde(default)]
    pub questionnaire_returned: bool,
    #[serde(default)]
    pub interview_requested: bool,
    #[serde(default)]
    pub benefit_form_handed: bool,
    /// A risk category code, or empty for none.
    #[serde(default)]
    pub risk: String,
    #[serde(default)]
    pub risk_reason: String,
}

/// The longest free text a form field takes (findings, worries, goals …).
pub const MAX_NOTE: usize = 4000;

/// Registers a pregnancy notification, or a pregnancy that ended before one (a miscarriage or
/// stillbirth after the heartbeat's confirmation); returns the family's id (new or existing).
#[server(endpoint = "register_pregnancy")]
pub async fn register_pregnancy(input: NotificationForm) -> Result<i64, AppError> {
    use super::context::{audit, now, require_staff, today_for, use_store};
    use domain::ids::{FamilyId, SiteId};
    use domain::input::{Invalid, Problem, optional_date};
    use domain::people::{Kana, PersonName};
    use domain::schedule::dates::add_days;
    use store::families::{NewFamily, NewPregnancy};

    let viewer = require_staff().await?;
    let today = today_for(&viewer).await?;
    let notified_on = optional_date("notified_on", &input.notified_on)?;
    let lost_on = optional_date("lost_on", &input.lost_on)?;
    if notified_on.is_none() && lost_on.is_none() {
        return Err(Invalid::new("notified_on", Problem::Required).into());
    }
    if notified_on.is_some_and(|on| on > today) {
        return Err(Invalid::new("notified_on", Problem::DateOutOfRange).into());
    }
    let due_date = match (
        optional_date("due_date", &input.due_date)?,
        optional_date("lmp", &input.lmp)?,
    ) {
        (Some(due), _) => due,
        (None, Some(lmp)) => add_days(lmp, 280),
        (None, None) => return Err(Invalid::new("due_date", Problem::Required).into()),
    };
    // A notification comes during the pregnancy: the due date lies between the notification and
    // 44 weeks after it.
    if notified_on.is_some_and(|on| due_date < on || due_date > add_days(on, 44 * 7)) {
        return Err(Invalid::new("due_date", Problem::DateOutOfRange).into());
    }
    // The heartbeat is confirmed before the notification, and during the pregnancy.
    let heartbeat_on = optional_date("heartbeat_on", &input.heartbeat_on)?;
    if heartbeat_on.is_some_and(|on| notified_on.is_some_and(|n| on > n) || on < add_days(due_date, -280)) {
        return Err(Invalid::new("heartbeat_on", Problem::DateOutOfRange).into());
    }
    if let Some(lost_on) = lost_on {
        // A loss recorded here ended the pregnancy before its due date, after the heartbeat (and
        // the notification, when there was one); without a notification, the heartbeat's date
        // opens the first claim, so it is needed.
        let Some(heartbeat_on) = heartbeat_on else {
            return Err(Invalid::new("heartbeat_on", Problem::Required).into());
        };
        if lost_on > today || lost_on >= due_date || lost_on < heartbeat_on || notified_on.is_some_and(|n| lost_on < n)
        {
            return Err(Invalid::new("lost_on", Problem::DateOutOfRange).into());
        }
    }
    let fetuses: u8 = match input.fetuses.trim() {
        "" => 1,
        n => n
            .parse()
            .ok()
            .filter(|n| (1..=8).contains(n))
            .ok_or_else(|| Invalid::new("fetuses", Problem::Malformed))?,
    };
    let store = use_store()?;
    let family = match input.family {
        Some(id) => FamilyId(id),
        None => {
            let name = PersonName::parse("family_name", &input.family_name)?;
            let kana = Kana::parse("family_name_kana", &input.family_name_kana)?;
            let new = NewFamily {
                site: input.site.map(SiteId),
                family_name: &name,
                family_name_kana: &kana,
            };
            store.create_family(viewer.municipality, &new, now()).await?
        }
    };
    let pregnancy = NewPregnancy {
        due_date,
        notified_on,
        lost_on,
        heartbeat_on,
        fetuses,
    };
    store
        .add_pregnancy(viewer.municipality, family, &pregnancy, now())
        .await?;
    let action = if lost_on.is_some() {
        "register_ended_pregnancy"
    } else {
        "register_pregnancy"
    };
    audit(&viewer, action, &format!("family:{}", family.0)).await?;
    // The page to go to next: the family's record.
    leptos_axum::redirect(&format!("/staff/families/{}", family.0));
    Ok(family.0)
}

/// Records a 伴走型 contact; a risk category chosen at it flags the family (and opens a plan).
#[server(endpoint = "record_interview")]
pub async fn record_interview(input: InterviewForm) -> Result<(), AppError> {
    use super::context::{audit, now, require_staff, today_for, use_store};
    use super::timeline::parse_member;
    use domain::ids::FamilyId;
    use domain::input::{Invalid, Problem, date, free_text, required_text};
    use domain::support::interview::{ChecklistTopic, HomeSupport, InterviewKind};
    use domain::support::risk::{FlagOrigin, RiskCategory};
    use store::interviews::NewInterview;
    use store::plans::NewFlag;

    let viewer = require_staff().await?;
    let family = FamilyId(input.family);
    let member = parse_member(&input.member)?;
    let kind = InterviewKind::parse_field("kind", &input.kind)?;
    kind.check_member(member)?;
    let held_on = date("held_on", &input.held_on)?;
    if held_on > today_for(&viewer).await? {
        return Err(Invalid::new("held_on", Problem::DateOutOfRange).into());
    }
    let home_support = HomeSupport::parse_field("home_support", &input.home_support)?;
    let mut checklist = input
        .checklist
        .iter()
        .map(|c| ChecklistTopic::parse_field("checklist", c))
        .collect::<Result<Vec<_>, _>>()?;
    checklist.sort();
    checklist.dedup();
    let health = free_text("health", &input.health, MAX_NOTE)?;
    let worries = free_text("worries", &input.worries, MAX_NOTE)?;
    let risk = match input.risk.trim() {
        "" => None,
        code => Some((
            RiskCategory::parse_field("risk", code)?,
            required_text("risk_reason", &input.risk_reason, MAX_NOTE)?,
        )),
    };
    let store = use_store()?;
    let interview = NewInterview {
        kind,
        member,
        held_on,
        home_support,
        checklist: &checklist,
        health: &health,
        worries: &worries,
        questionnaire_returned: input.questionnaire_returned,
        interview_requested: input.interview_requested,
        benefit_form_handed: input.benefit_form_handed,
        flag: risk.as_ref().map(|(category, reason)| NewFlag {
            category: *category,
            origin: FlagOrigin::Interview,
            reason,
            raised_on: held_on,
        }),
    };
    store
        .add_interview(viewer.municipality, family, viewer.account, &interview, now())
        .await?;
    let action = if risk.is_some() {
        "record_interview_and_flag"
    } else {
        "record_interview"
    };
    audit(&viewer, action, &format!("family:{}", family.0)).await?;
    super::reminders::plan::after_timeline_change(&store, viewer.municipality, family).await;
    Ok(())
}
