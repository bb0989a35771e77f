//! The KPI queries: campaigns, pipelines, time in stage, forecast and grouped win rates, each over
//! the leads and deals of a [`RecordScope`] (see [`QueryBuilder::push_scope`]).

use chrono::{DateTime, Duration, NaiveTime, Utc};
use uuid::Uuid;

use super::sql::{Conn, QueryBuilder};
use super::Backend;
use crate::model::{KpiRange, RecordScope};
use crate::Result;

/// Raw per-campaign aggregates (see `services::kpi` for the formulas).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignCounts {
    /// Leads created in range.
    pub leads: i64,
    /// Of those, leads with at least one deal.
    pub converted_leads: i64,
    /// Deals won in range.
    pub won: i64,
    /// Σ value of those, minor units.
    pub won_value: i64,
}

/// Raw stage stay aggregate: stays that ended in range and their total days.
#[derive(Debug, Clone, PartialEq)]
pub struct StageStays {
    /// The stage.
    pub stage_id: Uuid,
    /// Stays.
    pub stays: i64,
    /// Σ days.
    pub days: f64,
}

/// Raw forecast aggregate of one pipeline and month.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ForecastRow {
    /// The pipeline.
    pub pipeline_id: Uuid,
    /// `YYYY-MM`.
    pub month: String,
    /// Open deals.
    pub deals: i64,
    /// Σ value, minor units.
    pub value: i64,
    /// Σ value × probability (percent), minor units × 100.
    pub value_x_prob: i64,
}

/// Which column groups KPIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// `store_id`.
    Store,
    /// `owner_id`.
    Owner,
}

impl GroupBy {
    fn column(self) -> &'static str {
        match self {
            GroupBy::Store => "store_id",
            GroupBy::Owner => "owner_id",
        }
    }
}

fn range_bounds(range: KpiRange) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    (
        range.from.map(|d| d.and_time(NaiveTime::MIN).and_utc()),
        range
            .to
            .map(|d| (d + Duration::days(1)).and_time(NaiveTime::MIN).and_utc()),
    )
}

/// Days between two timestamp columns, per dialect.
fn days_between(backend: Backend, from: &str, to: &str) -> String {
    match backend {
        Backend::Sqlite => format!("(julianday({to}) - julianday({from}))"),
        Backend::Postgres => {
            format!("(EXTRACT(EPOCH FROM ({to} - {from})) / 86400.0)")
        }
    }
}

/// A GROUP BY term that no index can serve by its order. With bound
/// parameters SQLite cannot tell how selective a date range is, and it
/// would rather walk an index in group order over every row (seconds on a
/// million deals) than read the range and sort a few groups; a unary `+`
/// makes the term an expression on SQLite. Postgres plans by cost and
/// needs nothing.
fn group_term(backend: Backend, col: &str) -> String {
    match backend {
        Backend::Sqlite => format!("+{col}"),
        Backend::Postgres => col.to_string(),
    }
}

fn month_of(backend: Backend, col: &str) -> String {
    match backend {
        Backend::Sqlite => format!("substr({col}, 1, 7)"),
        Backend::Postgres => format!("to_char({col}, 'YYYY-MM')"),
    }
}

/// Pushes `AND col >= from AND col < to + 1 day` for a KPI range.
fn push_range(qb: &mut QueryBuilder, col: &str, range: KpiRange) {
    let (from, to) = range_bounds(range);
    if let Some(from) = from {
        qb.push(format!(" AND {} >= ", col)).push_bind(from);
    }
    if let Some(to) = to {
        qb.push(format!(" AND {} < ", col)).push_bind(to);
    }
}

/// Raw per-pipeline (or per-group) deal aggregates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DealCounts {
    /// Open deals now.
    pub open: i64,
    /// Won in range.
    pub won: i64,
    /// Lost in range.
    pub lost: i64,
    /// Σ value of won deals, minor units.
    pub won_value: i64,
    /// Σ days from creation to close of won deals.
    pub won_days: f64,
    /// Deals opened in range.
    pub opened: i64,
    /// Leads created in range.
    pub leads: i64,
}

impl Conn<'_> {
    /// Per campaign id: leads, converted leads, won deals and value in range.
    pub async fn kpi_campaigns(
        &mut self,
        tenant: Uuid,
        range: KpiRange,
        scope: &RecordScope,
    ) -> Result<Vec<(Uuid, CampaignCounts)>> {
        let mut out: std::collections::BTreeMap<Uuid, CampaignCounts> = Default::default();
        let mut qb = QueryBuilder::new(
            "SELECT l.campaign_id, COUNT(*), \
             CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = l.tenant_id \
             AND d.lead_id = l.id) THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM leads l WHERE l.tenant_id = ",
        );
        qb.push_bind(tenant).push(" AND l.campaign_id IS NOT NULL");
        qb.push_scope("l", scope, self.backend());
        push_range(&mut qb, "l.created_at", range);
        qb.push(format!(
            " GROUP BY {}",
            group_term(self.backend(), "l.campaign_id")
        ));
        let rows: Vec<(Uuid, i64, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
        for (id, leads, converted) in rows {
            let e = out.entry(id).or_default();
            e.leads = leads;
            e.converted_leads = converted;
        }
        let mut qb = QueryBuilder::new(
            "SELECT d.campaign_id, COUNT(*), CAST(COALESCE(SUM(d.value_minor), 0) AS BIGINT) FROM deals d \
             WHERE d.tenant_id = ",
        );
        qb.push_bind(tenant)
            .push(" AND d.status = 'won' AND d.campaign_id IS NOT NULL")
            .push_scope("d", scope, self.backend());
        push_range(&mut qb, "d.closed_at", range);
        qb.push(format!(
            " GROUP BY {}",
            group_term(self.backend(), "d.campaign_id")
        ));
        let rows: Vec<(Uuid, i64, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
        for (id, won, value) in rows {
            let e = out.entry(id).or_default();
            e.won = won;
            e.won_value = value;
        }
        Ok(out.into_iter().collect())
    }

    /// Per pipeline id: open now; won, lost, won value and days in range.
    pub async fn kpi_pipelines(
        &mut self,
        tenant: Uuid,
        range: KpiRange,
        scope: &RecordScope,
    ) -> Result<Vec<(Uuid, DealCounts)>> {
        let mut out: std::collections::BTreeMap<Uuid, DealCounts> = Default::default();
        let mut qb =
            QueryBuilder::new("SELECT d.pipeline_id, COUNT(*) FROM deals d WHERE d.tenant_id = ");
        qb.push_bind(tenant)
            .push(" AND d.status = 'open'")
            .push_scope("d", scope, self.backend())
            .push(format!(
                " GROUP BY {}",
                group_term(self.backend(), "d.pipeline_id")
            ));
        let open: Vec<(Uuid, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
        for (id, n) in open {
            out.entry(id).or_default().open = n;
        }
        let days = days_between(self.backend(), "d.created_at", "d.closed_at");
        let mut qb = QueryBuilder::new(format!(
            "SELECT d.pipeline_id, d.status, COUNT(*), CAST(COALESCE(SUM(d.value_minor), 0) AS BIGINT), \
             CAST(COALESCE(SUM({days}), 0) AS DOUBLE PRECISION) FROM deals d WHERE d.tenant_id = "
        ));
        qb.push_bind(tenant)
            .push(" AND d.status IN ('won', 'lost')")
            .push_scope("d", scope, self.backend());
        push_range(&mut qb, "d.closed_at", range);
        qb.push(format!(
            " GROUP BY {}, {}",
            group_term(self.backend(), "d.status"),
            group_term(self.backend(), "d.pipeline_id")
        ));
        let rows: Vec<(Uuid, String, i64, i64, f64)> =
            qb.build_query_as().fetch_all(&mut *self).await?;
        for (id, status, n, value, days) in rows {
            let e = out.entry(id).or_default();
            if status == "won" {
                e.won = n;
                e.won_value = value;
                e.won_days = days;
            } else {
                e.lost = n;
            }
        }
        Ok(out.into_iter().collect())
    }

    /// Stays per stage that ended in range.
    pub async fn kpi_stage_stays(
        &mut self,
        tenant: Uuid,
        range: KpiRange,
        scope: &RecordScope,
    ) -> Result<Vec<StageStays>> {
        let days = days_between(self.backend(), "e.at", "e.left_at");
        let mut qb = QueryBuilder::new(format!(
            "SELECT e.to_stage_id, COUNT(*), CAST(COALESCE(SUM({days}), 0) AS DOUBLE PRECISION) \
             FROM deal_events e WHERE e.tenant_id = "
        ));
        qb.push_bind(tenant)
            .push(" AND e.left_at IS NOT NULL AND e.to_stage_id IS NOT NULL");
        if matches!(scope, RecordScope::Limited { .. }) && self.backend() == Backend::Sqlite {
            qb.push(
                " AND EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = e.tenant_id AND d.id = e.deal_id",
            )
            .push_scope("d", scope, self.backend())
            .push(")");
        }
        push_range(&mut qb, "e.left_at", range);
        qb.push(" GROUP BY e.to_stage_id");
        let rows: Vec<(Uuid, i64, f64)> = qb.build_query_as().fetch_all(&mut *self).await?;
        Ok(rows
            .into_iter()
            .map(|(stage_id, stays, days)| StageStays {
                stage_id,
                stays,
                days,
            })
            .collect())
    }

    /// Open deals by pipeline and expected-close month within range.
    pub async fn kpi_forecast(
        &mut self,
        tenant: Uuid,
        range: KpiRange,
        scope: &RecordScope,
    ) -> Result<Vec<ForecastRow>> {
        let month = month_of(self.backend(), "d.expected_close");
        let mut qb = QueryBuilder::new(format!(
            "SELECT d.pipeline_id, {month} AS month, COUNT(*) AS deals, \
             CAST(COALESCE(SUM(d.value_minor), 0) AS BIGINT) AS value, \
             CAST(COALESCE(SUM(d.value_minor * d.probability), 0) AS BIGINT) AS value_x_prob FROM deals d WHERE d.tenant_id = "
        ));
        qb.push_bind(tenant)
            .push(" AND d.status = 'open' AND d.expected_close IS NOT NULL")
            .push_scope("d", scope, self.backend());
        if let Some(from) = range.from {
            qb.push(" AND d.expected_close >= ").push_bind(from);
        }
        if let Some(to) = range.to {
            qb.push(" AND d.expected_close <= ").push_bind(to);
        }
        qb.push(format!(
            " GROUP BY {}, {month} ORDER BY 2",
            group_term(self.backend(), "d.pipeline_id")
        ));
        qb.build_query_as().fetch_all(&mut *self).await
    }

    /// Per store or owner: leads and deals opened, won, lost, won value.
    pub async fn kpi_groups(
        &mut self,
        tenant: Uuid,
        range: KpiRange,
        by: GroupBy,
        scope: &RecordScope,
    ) -> Result<Vec<(Option<Uuid>, DealCounts)>> {
        let col = by.column();
        let mut out: std::collections::BTreeMap<Option<Uuid>, DealCounts> = Default::default();
        let mut qb = QueryBuilder::new(format!(
            "SELECT l.{col}, COUNT(*) FROM leads l WHERE l.tenant_id = "
        ));
        qb.push_bind(tenant).push_scope("l", scope, self.backend());
        push_range(&mut qb, "l.created_at", range);
        qb.push(format!(" GROUP BY l.{col}"));
        let rows: Vec<(Option<Uuid>, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
        for (id, n) in rows {
            out.entry(id).or_default().leads = n;
        }
        let mut qb = QueryBuilder::new(format!(
            "SELECT d.{col}, COUNT(*) FROM deals d WHERE d.tenant_id = "
        ));
        qb.push_bind(tenant).push_scope("d", scope, self.backend());
        push_range(&mut qb, "d.created_at", range);
        qb.push(format!(" GROUP BY d.{col}"));
        let rows: Vec<(Option<Uuid>, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
        for (id, n) in rows {
            out.entry(id).or_default().opened = n;
        }
        let mut qb = QueryBuilder::new(format!(
            "SELECT d.{col}, d.status, COUNT(*), CAST(COALESCE(SUM(d.value_minor), 0) AS BIGINT) FROM deals d \
             WHERE d.tenant_id = "
        ));
        qb.push_bind(tenant)
            .push(" AND d.status IN ('won', 'lost')")
            .push_scope("d", scope, self.backend());
        push_range(&mut qb, "d.closed_at", range);
        qb.push(format!(" GROUP BY d.{col}, d.status"));
        let rows: Vec<(Option<Uuid>, String, i64, i64)> =
            qb.build_query_as().fetch_all(&mut *self).await?;
        for (id, status, n, value) in rows {
            let e = out.entry(id).or_default();
            if status == "won" {
                e.won = n;
                e.won_value = value;
            } else {
                e.lost = n;
            }
        }
        Ok(out.into_iter().collect())
    }
}
