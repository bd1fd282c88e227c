//! The audit log, read by the municipality's admins; nothing in the app can change it.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub actor: i64,
    pub actor_name: String,
    pub action: String,
    pub subject: String,
    pub address: Option<String>,
    /// When, in the municipality's time zone (`YYYY-MM-DD HH:MM:SS`).
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub lines: Vec<AuditLine>,
    pub colleagues: Vec<super::support::Colleague>,
}

/// The log for a family (`family` set) or for a staff member (`staff` set); admins only.
#[server(endpoint = "audit_log")]
pub async fn audit_log(family: Option<i64>, staff: Option<i64>) -> Result<AuditView, AppError> {
    use super::context::{audit, require_admin, use_store};
    use domain::ids::AccountId;
    let viewer = require_admin().await?;
    let store = use_store()?;
    let m = viewer.municipality;
    let entries = match (family, staff) {
        (Some(family), _) => {
            store.family_record(m, domain::ids::FamilyId(family)).await?;
            store.audit_of_subject(m, &format!("family:{family}")).await?
        }
        (None, Some(staff)) => {
            // A staff member of another municipality is not found, as a family of another one is not.
            if !store.staff_members(m).await?.iter().any(|s| s.account.0 == staff) {
                return Err(AppError::NotFound);
            }
            store.audit_of_actor(m, AccountId(staff)).await?
        }
        (None, None) => vec![],
    };
    if let Some(family) = family {
        audit(&viewer, "read_audit", &format!("family:{family}")).await?;
    } else if let Some(staff) = staff {
        audit(&viewer, "read_audit", &format!("account:{staff}")).await?;
    }
    let municipality = store.municipality(m).await?;
    Ok(AuditView {
        lines: entries
            .into_iter()
            .map(|e| AuditLine {
                actor: e.actor.0,
                actor_name: e.actor_name,
                action: e.action,
                subject: e.subject,
                address: e.address,
                at: e
                    .at
                    .with_timezone(&municipality.time_zone)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
            })
            .collect(),
        colleagues: super::support::colleagues(&store, m).await?,
    })
}
