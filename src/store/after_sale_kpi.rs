//! The after-sale KPIs' queries: contracts activated in a range (for the lead time), tickets per kind and store, contracts by status, renewals due, ceased and running contracts; contracts within the acting user's record scope.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::sql::{Conn, QueryBuilder};
use crate::model::{RecordScope, TicketKpi};
use crate::Result;

/// `FROM contracts k JOIN deals d … WHERE k.tenant_id = … AND <scope>`.
fn contracts_from(qb: &mut QueryBuilder, tenant: Uuid, scope: &RecordScope, c: &Conn<'_>) {
    qb.push(" FROM contracts k JOIN deals d ON d.tenant_id = k.tenant_id AND d.id = k.deal_id WHERE k.tenant_id = ")
        .push_bind(tenant);
    qb.push_scope("d", scope, c.backend());
}

impl Conn<'_> {
    /// Contracts activated from `from` to `to` (days, both included):
    /// `(pipeline name, store name, deal won at (UTC), activated on)`.
    pub async fn activations(
        &mut self,
        tenant: Uuid,
        (from, to): (NaiveDate, NaiveDate),
        scope: &RecordScope,
    ) -> Result<Vec<(String, Option<String>, DateTime<Utc>, NaiveDate)>> {
        let mut qb = QueryBuilder::new(
            "SELECT p.name, s.name, d.closed_at, k.activated_on FROM contracts k \
             JOIN deals d ON d.tenant_id = k.tenant_id AND d.id = k.deal_id \
             JOIN pipelines p ON p.tenant_id = d.tenant_id AND p.id = d.pipeline_id \
             LEFT JOIN stores s ON s.tenant_id = d.tenant_id AND s.id = d.store_id \
             WHERE k.tenant_id = ",
        );
        qb.push_bind(tenant)
            .push(" AND d.closed_at IS NOT NULL AND k.activated_on >= ")
            .push_bind(from)
            .push(" AND k.activated_on <= ")
            .push_bind(to);
        qb.push_scope("d", scope, self.backend());
        qb.build_query_as().fetch_all(&mut *self).await
    }

    /// Tickets per kind and store: open now, overdue at `now`, closed in
    /// `[since, until)` and of those closed by their SLA due time.
    pub async fn ticket_counts(
        &mut self,
        tenant: Uuid,
        (since, until): (DateTime<Utc>, DateTime<Utc>),
        now: DateTime<Utc>,
    ) -> Result<Vec<TicketKpi>> {
        let mut qb = QueryBuilder::new(
            "SELECT k.kind, k.store_id, s.name AS store_name, \
             CAST(SUM(CASE WHEN k.status = 'open' THEN 1 ELSE 0 END) AS BIGINT) AS open, \
             CAST(SUM(CASE WHEN k.status = 'open' AND k.sla_due_at < ",
        );
        qb.push_bind(now)
            .push(" THEN 1 ELSE 0 END) AS BIGINT) AS overdue, CAST(SUM(CASE WHEN k.status = 'closed' AND k.closed_at >= ")
            .push_bind(since)
            .push(" AND k.closed_at < ")
            .push_bind(until)
            .push(" THEN 1 ELSE 0 END) AS BIGINT) AS closed, CAST(SUM(CASE WHEN k.status = 'closed' AND k.closed_at >= ")
            .push_bind(since)
            .push(" AND k.closed_at < ")
            .push_bind(until)
            .push(
                " AND k.closed_at <= k.sla_due_at THEN 1 ELSE 0 END) AS BIGINT) AS closed_in_sla \
                 FROM tickets k LEFT JOIN stores s ON s.tenant_id = k.tenant_id AND s.id = k.store_id \
                 WHERE k.tenant_id = ",
            )
            .push_bind(tenant)
            .push(" GROUP BY k.kind, k.store_id, s.name ORDER BY k.kind, s.name");
        qb.build_query_as().fetch_all(&mut *self).await
    }

    /// Contracts by status: `(status, count)`.
    pub async fn contracts_by_status(
        &mut self,
        tenant: Uuid,
        scope: &RecordScope,
    ) -> Result<Vec<(String, i64)>> {
        let mut qb = QueryBuilder::new("SELECT k.status, COUNT(*)");
        contracts_from(&mut qb, tenant, scope, self);
        qb.push(" GROUP BY k.status");
        qb.build_query_as().fetch_all(&mut *self).await
    }

    /// Running contracts whose term ends from `first` to `last`.
    pub async fn renewals_due(
        &mut self,
        tenant: Uuid,
        (first, last): (NaiveDate, NaiveDate),
        scope: &RecordScope,
    ) -> Result<i64> {
        let mut qb = QueryBuilder::new("SELECT COUNT(*)");
        contracts_from(&mut qb, tenant, scope, self);
        qb.push(" AND k.status IN ('active', 'suspended') AND k.ends_on >= ")
            .push_bind(first)
            .push(" AND k.ends_on <= ")
            .push_bind(last);
        qb.build_query_scalar().fetch_one(&mut *self).await
    }

    /// `(ceased from `from` to `to`, running at `from`)`: contracts ended
    /// in the range, and those activated before it and not ended before it.
    pub async fn churn_counts(
        &mut self,
        tenant: Uuid,
        (from, to): (NaiveDate, NaiveDate),
        scope: &RecordScope,
    ) -> Result<(i64, i64)> {
        let mut ceased = QueryBuilder::new("SELECT COUNT(*)");
        contracts_from(&mut ceased, tenant, scope, self);
        ceased
            .push(" AND k.status = 'ceased' AND k.ended_on >= ")
            .push_bind(from)
            .push(" AND k.ended_on <= ")
            .push_bind(to);
        let ceased: i64 = ceased.build_query_scalar().fetch_one(&mut *self).await?;
        let mut running = QueryBuilder::new("SELECT COUNT(*)");
        contracts_from(&mut running, tenant, scope, self);
        running
            .push(" AND k.activated_on < ")
            .push_bind(from)
            .push(" AND (k.ended_on IS NULL OR k.ended_on >= ")
            .push_bind(from)
            .push(")");
        let running: i64 = running.build_query_scalar().fetch_one(&mut *self).await?;
        Ok((ceased, running))
    }
}
