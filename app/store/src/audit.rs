//! The audit log of staff reads and changes: append-only (enforced by database triggers).

use crate::{Error, Store, time};
use chrono::{DateTime, Utc};
use domain::ids::{AccountId, MunicipalityId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub actor: AccountId,
    pub action: String,
    pub subject: String,
    pub address: Option<String>,
    pub at: DateTime<Utc>,
}

impl Store {
    pub async fn audit(
        &self,
        municipality: MunicipalityId,
        actor: AccountId,
        action: &str,
        subject: &str,
        address: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO audit_log (municipality_id, actor_id, action, subject, address, at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(municipality.0)
        .bind(actor.0)
        .bind(action)
        .bind(subject)
        .bind(address)
        .bind(time::instant(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The log for one subject (e.g. `family:42`), newest first.
    pub async fn audit_of_subject(
        &self,
        municipality: MunicipalityId,
        subject: &str,
    ) -> Result<Vec<AuditEntry>, Error> {
        let rows: Vec<(i64, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT actor_id, action, subject, address, at FROM audit_log \
             WHERE municipality_id = $1 AND subject = $2 ORDER BY at DESC, id DESC",
        )
        .bind(municipality.0)
        .bind(subject)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(actor, action, subject, address, at)| {
                Ok(AuditEntry {
                    actor: AccountId(actor),
                    action,
                    subject,
                    address,
                    at: time::parse_instant(&at)?,
                })
            })
            .collect()
    }
}
