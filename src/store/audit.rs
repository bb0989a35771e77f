//! The audit trail's rows (`audit_events`, append-only).

use uuid::Uuid;

use super::sql::{query, Conn, QueryBuilder};
use crate::model::{AuditEvent, AuditFilter};
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

    /// The newest `limit` entries matching `f`, newest first, with the
    /// user's name.
    pub async fn audit_events(
        &mut self,
        tenant: Uuid,
        f: &AuditFilter,
        limit: u32,
    ) -> Result<Vec<AuditEvent>> {
        let mut qb = QueryBuilder::new(
            "SELECT a.id, a.at, a.user_id, u.display_name AS user_name, a.action, a.subject, a.detail \
             FROM audit_events a LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id \
             WHERE a.tenant_id = ",
        );
        qb.push_bind(tenant);
        if let Some(from) = f.from {
            qb.push(" AND a.at >= ").push_bind(from);
        }
        if let Some(to) = f.to {
            qb.push(" AND a.at < ").push_bind(to);
        }
        if let Some(user) = f.user_id {
            qb.push(" AND a.user_id = ").push_bind(user);
        }
        if let Some(action) = &f.action {
            qb.push(" AND a.action = ").push_bind(action.clone());
        }
        qb.push(" ORDER BY a.at DESC, a.id DESC LIMIT ")
            .push_bind(i64::from(limit.clamp(1, 10_000)));
        qb.build_query_as::<AuditEvent>()
            .fetch_all(&mut *self)
            .await
    }
}
