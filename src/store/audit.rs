//! The audit trail's rows (`audit_events`, append-only).

use uuid::Uuid;

use super::sql::{query, query_as, Conn};
use crate::model::AuditEvent;
use crate::Result;

impl Conn<'_> {
    /// Appends one entry (its `user_name` is not stored).
    pub async fn insert_audit_event(&mut self, tenant: Uuid, e: &AuditEvent) -> Result<()> {
        query(
            "INSERT INTO audit_events (tenant_id, id, at, user_id, action, subject, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant)
        .bind(e.id)
        .bind(e.at)
        .bind(e.user_id)
        .bind(e.action.clone())
        .bind(e.subject.clone())
        .bind(e.detail.clone())
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// The newest `limit` entries, newest first, with the user's name.
    pub async fn audit_events(&mut self, tenant: Uuid, limit: u32) -> Result<Vec<AuditEvent>> {
        query_as::<AuditEvent>(format!(
            "SELECT a.id, a.at, a.user_id, u.display_name AS user_name, a.action, a.subject, a.detail \
             FROM audit_events a LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id \
             WHERE a.tenant_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT {}",
            limit.clamp(1, 10_000)
        ))
        .bind(tenant)
        .fetch_all(&mut *self)
        .await
    }
}
