//! Automations' storage: a tenant's rules (one per kind), their runs, and
//! who each rule may create a call for.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, Conn};
use crate::model::{AutomationKind, AutomationRule, AutomationRun, ContactChannel, Segment};
use crate::Result;

/// A won deal, a contract or a person the rules look at: person, the
/// deal's owner, store and pipeline, its id, a time and a label.
pub type TargetRow = (
    Uuid,
    Option<Uuid>,
    Option<Uuid>,
    Option<Uuid>,
    Uuid,
    Option<DateTime<Utc>>,
    String,
);

/// A customer the birthday greeting looks at: person, owner, store,
/// pipeline, date of birth, full name, preferred channel.
pub type BirthdayRow = (
    Uuid,
    Option<Uuid>,
    Option<Uuid>,
    Option<Uuid>,
    NaiveDate,
    String,
    Option<ContactChannel>,
);

impl Conn<'_> {
    /// The tenant's rules, every kind (the defaults where none is saved).
    pub async fn automation_rules(&mut self, tenant: Uuid) -> Result<Vec<AutomationRule>> {
        type Row = (
            String,
            bool,
            i32,
            Option<String>,
            Option<Uuid>,
            Option<Uuid>,
        );
        let rows: Vec<Row> = query_as(
            "SELECT kind, active, days, segment, pipeline_id, store_id FROM automation_rules WHERE tenant_id = $1",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        Ok(AutomationKind::ALL
            .iter()
            .map(|kind| {
                rows.iter().find(|r| r.0 == kind.as_str()).map_or_else(
                    || AutomationRule::default_for(*kind),
                    |(_, active, days, segment, pipeline_id, store_id)| AutomationRule {
                        kind: *kind,
                        active: *active,
                        days: *days,
                        segment: segment.as_deref().and_then(|s| s.parse::<Segment>().ok()),
                        pipeline_id: *pipeline_id,
                        store_id: *store_id,
                    },
                )
            })
            .collect())
    }

    /// Saves one rule.
    pub async fn save_automation_rule(&mut self, tenant: Uuid, r: &AutomationRule) -> Result<()> {
        query(
            "INSERT INTO automation_rules (tenant_id, kind, active, days, segment, pipeline_id, store_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, kind) DO UPDATE SET \
             active = excluded.active, days = excluded.days, segment = excluded.segment, \
             pipeline_id = excluded.pipeline_id, store_id = excluded.store_id",
        )
        .bind(tenant)
        .bind(r.kind.as_str())
        .bind(r.active)
        .bind(r.days)
        .bind(r.segment.map(|s| s.as_str()))
        .bind(r.pipeline_id)
        .bind(r.store_id)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Records a run.
    pub async fn insert_automation_run(&mut self, tenant: Uuid, r: &AutomationRun) -> Result<()> {
        query(
            "INSERT INTO automation_runs (tenant_id, id, kind, at, created, skipped, user_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant)
        .bind(r.id)
        .bind(r.kind.as_str())
        .bind(r.at)
        .bind(r.created)
        .bind(r.skipped)
        .bind(r.user_id)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// The newest `limit` runs.
    pub async fn automation_runs(
        &mut self,
        tenant: Uuid,
        limit: u32,
    ) -> Result<Vec<AutomationRun>> {
        query_as::<AutomationRun>(
            "SELECT id, kind, at, created, skipped, user_id FROM automation_runs WHERE tenant_id = $1 \
             ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(tenant)
        .bind(i64::from(limit))
        .fetch_all(&mut *self)
        .await
    }

    /// First won deals of people, won since `since`: (person, owner,
    /// store, pipeline, deal, won at, title).
    pub async fn first_wins_since(
        &mut self,
        tenant: Uuid,
        since: DateTime<Utc>,
    ) -> Result<Vec<TargetRow>> {
        query_as(
            "SELECT d.person_id, d.owner_id, d.store_id, d.pipeline_id, d.id, d.closed_at, d.title FROM deals d \
             WHERE d.tenant_id = $1 AND d.status = 'won' AND d.person_id IS NOT NULL AND d.closed_at >= $2 \
             AND NOT EXISTS (SELECT 1 FROM deals e WHERE e.tenant_id = d.tenant_id AND e.person_id = d.person_id \
             AND e.status = 'won' AND e.closed_at < d.closed_at)",
        )
        .bind(tenant)
        .bind(since)
        .fetch_all(&mut *self)
        .await
    }

    /// Active contracts of people ending from `from` to `to`: (person,
    /// owner, store, pipeline, contract, -, offer) and the end day.
    pub async fn contracts_ending(
        &mut self,
        tenant: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(TargetRow, NaiveDate)>> {
        type Row = (
            Uuid,
            Option<Uuid>,
            Option<Uuid>,
            Option<Uuid>,
            Uuid,
            String,
            NaiveDate,
        );
        let rows: Vec<Row> = query_as(
            "SELECT k.person_id, d.owner_id, d.store_id, d.pipeline_id, k.id, k.offer, k.ends_on \
             FROM contracts k JOIN deals d ON d.tenant_id = k.tenant_id AND d.id = k.deal_id \
             WHERE k.tenant_id = $1 AND k.status = 'active' AND k.person_id IS NOT NULL \
             AND k.ends_on >= $2 AND k.ends_on <= $3",
        )
        .bind(tenant)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *self)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(p, o, s, pl, k, offer, ends)| ((p, o, s, pl, k, None, offer), ends))
            .collect())
    }

    /// Customers with a date of birth, not erased, with their last won
    /// deal's owner, store and pipeline (none when they have no won
    /// deal): (person, owner, store, pipeline, birth date, name,
    /// preferred channel).
    pub async fn customers_with_birth_dates(&mut self, tenant: Uuid) -> Result<Vec<BirthdayRow>> {
        query_as(
            "SELECT p.id, d.owner_id, d.store_id, d.pipeline_id, p.birth_date, \
             TRIM(p.first_name || ' ' || p.last_name), p.preferred_channel FROM people p \
             LEFT JOIN deals d ON d.tenant_id = p.tenant_id AND d.person_id = p.id AND d.status = 'won' \
             AND NOT EXISTS (SELECT 1 FROM deals e WHERE e.tenant_id = d.tenant_id AND e.person_id = d.person_id \
             AND e.status = 'won' AND (e.closed_at > d.closed_at OR (e.closed_at = d.closed_at AND e.id > d.id))) \
             WHERE p.tenant_id = $1 AND p.birth_date IS NOT NULL AND p.is_customer = TRUE AND p.erased_at IS NULL",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await
    }

    /// Customers of `segment` with their last won deal's owner, store and
    /// pipeline: (person, owner, store, pipeline, person, last won, title).
    pub async fn segment_with_last_deal(
        &mut self,
        tenant: Uuid,
        segment: Segment,
    ) -> Result<Vec<TargetRow>> {
        query_as(
            "SELECT d.person_id, d.owner_id, d.store_id, d.pipeline_id, d.person_id, d.closed_at, d.title \
             FROM person_segments ps JOIN deals d ON d.tenant_id = ps.tenant_id AND d.person_id = ps.person_id \
             WHERE ps.tenant_id = $1 AND ps.segment = $2 AND d.status = 'won' \
             AND NOT EXISTS (SELECT 1 FROM deals e WHERE e.tenant_id = d.tenant_id AND e.person_id = d.person_id \
             AND e.status = 'won' AND (e.closed_at > d.closed_at OR (e.closed_at = d.closed_at AND e.id > d.id)))",
        )
        .bind(tenant)
        .bind(segment.as_str())
        .fetch_all(&mut *self)
        .await
    }
}
