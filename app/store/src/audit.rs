//! The audit log of staff reads and changes: append-only (enforced by database triggers).

use crate::{Error, Store, time};
use chrono::{DateTime, Utc};
use domain::ids::{AccountId, MunicipalityId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub actor: AccountId,
    pub actor_name: String,
    pub action: String,
    pub subject: String,
    pub address: Option<String>,
    pub at: DateTime<Utc>,
}

/// The most recent entries shown at once.
const AUDIT_PAGE: i64 = 500;

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
        self.audit_where(municipality, "l.subject = $2", subject.to_owned(), AUDIT_PAGE)
            .await
    }

    /// What one staff member read and changed, newest first.
    pub async fn audit_of_actor(
        &self,
        municipality: MunicipalityId,
        actor: AccountId,
    ) -> Result<Vec<AuditEntry>, Error> {
        self.audit_where(municipality, "l.actor_id = $2", actor.0, AUDIT_PAGE)
            .await
    }

    async fn audit_where<T>(
        &self,
        municipality: MunicipalityId,
        filter: &str,
        value: T,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, Error>
    where
        T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + 'static,
    {
        let sql = format!(
            "SELECT l.actor_id, a.display_name, l.action, l.subject, l.address, l.at FROM audit_log l \
             JOIN accounts a ON a.id = l.actor_id WHERE l.municipality_id = $1 AND {filter} \
             ORDER BY l.at DESC, l.id DESC LIMIT $3"
        );
        let rows: Vec<(i64, String, String, String, Option<String>, String)> = sqlx::query_as(&sql)
            .bind(municipality.0)
            .bind(value)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|(actor, actor_name, action, subject, address, at)| {
                Ok(AuditEntry {
                    actor: AccountId(actor),
                    actor_name,
                    action,
                    subject,
                    address,
                    at: time::parse_instant(&at)?,
                })
            })
            .collect()
    }
}
