//! Campaigns, lead attribution and the assignment rules (round robin).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, query_scalar, Conn};
use crate::model::{Attribution, Campaign, ConversionRule, Utm};
use crate::Result;

impl Conn<'_> {
    /// Every campaign with its linked pipelines, by name.
    pub async fn list_campaigns(&mut self, tenant: Uuid) -> Result<Vec<Campaign>> {
        let mut campaigns = query_as::<Campaign>(
            "SELECT id, name, channel, starts_on, ends_on, cost_minor, utm_source, utm_medium, utm_campaign, \
             default_pipeline_id, archived FROM campaigns WHERE tenant_id = $1 ORDER BY name, id",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        let links: Vec<(Uuid, Uuid)> = query_as(
            "SELECT campaign_id, pipeline_id FROM campaign_pipelines WHERE tenant_id = $1",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        for campaign in &mut campaigns {
            campaign.pipeline_ids = links
                .iter()
                .filter(|(c, _)| *c == campaign.id)
                .map(|(_, p)| *p)
                .collect();
        }
        Ok(campaigns)
    }

    /// Creates or overwrites a campaign (by id) and its pipeline links.
    pub async fn upsert_campaign(
        &mut self,
        tenant: Uuid,
        c: &Campaign,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO campaigns (tenant_id, id, name, channel, starts_on, ends_on, cost_minor, utm_source, \
             utm_medium, utm_campaign, default_pipeline_id, archived, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, channel = excluded.channel, \
             starts_on = excluded.starts_on, ends_on = excluded.ends_on, cost_minor = excluded.cost_minor, \
             utm_source = excluded.utm_source, utm_medium = excluded.utm_medium, \
             utm_campaign = excluded.utm_campaign, default_pipeline_id = excluded.default_pipeline_id, \
             archived = excluded.archived",
        )
        .bind(tenant)
        .bind(c.id)
        .bind(&c.name)
        .bind(c.channel.as_str())
        .bind(c.starts_on)
        .bind(c.ends_on)
        .bind(c.cost_minor)
        .bind(&c.utm_source)
        .bind(&c.utm_medium)
        .bind(&c.utm_campaign)
        .bind(c.default_pipeline_id)
        .bind(c.archived)
        .bind(at)
        .execute(&mut *self)
        .await?;
        query("DELETE FROM campaign_pipelines WHERE tenant_id = $1 AND campaign_id = $2")
            .bind(tenant)
            .bind(c.id)
            .execute(&mut *self)
            .await?;
        for p in &c.pipeline_ids {
            query(
                "INSERT INTO campaign_pipelines (tenant_id, campaign_id, pipeline_id) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(tenant)
            .bind(c.id)
            .bind(*p)
            .execute(&mut *self)
            .await?;
        }
        Ok(())
    }

    /// Records a marketing touch of a lead.
    pub async fn insert_attribution(
        &mut self,
        tenant: Uuid,
        lead: Uuid,
        campaign: Option<Uuid>,
        source: &str,
        utm: &Utm,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO lead_attributions (tenant_id, id, lead_id, campaign_id, source_channel, utm_source, \
             utm_medium, utm_campaign, utm_term, utm_content, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(tenant)
        .bind(Uuid::now_v7())
        .bind(lead)
        .bind(campaign)
        .bind(source)
        .bind(&utm.source)
        .bind(&utm.medium)
        .bind(&utm.campaign)
        .bind(&utm.term)
        .bind(&utm.content)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// A lead's touches, oldest (first touch) first.
    pub async fn attributions_of(&mut self, tenant: Uuid, lead: Uuid) -> Result<Vec<Attribution>> {
        query_as(
            "SELECT campaign_id, source_channel, utm_source, utm_medium, utm_campaign, utm_term, utm_content, at \
             FROM lead_attributions WHERE tenant_id = $1 AND lead_id = $2 ORDER BY at, id",
        )
        .bind(tenant)
        .bind(lead)
        .fetch_all(&mut *self)
        .await
    }

    /// Conversion rules by position.
    pub async fn list_rules(&mut self, tenant: Uuid) -> Result<Vec<ConversionRule>> {
        query_as::<ConversionRule>(
            "SELECT id, name, position, active, trigger_on, source_channel, campaign_id, interest, store_id, \
             required_consent, pipeline_id, owner_mode, owner_user_id FROM conversion_rules \
             WHERE tenant_id = $1 ORDER BY position, name, id",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await
    }

    /// Creates or overwrites a rule (by id).
    pub async fn upsert_rule(
        &mut self,
        tenant: Uuid,
        r: &ConversionRule,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO conversion_rules (tenant_id, id, name, position, active, trigger_on, source_channel, \
             campaign_id, interest, store_id, required_consent, pipeline_id, owner_mode, owner_user_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, position = excluded.position, \
             active = excluded.active, trigger_on = excluded.trigger_on, source_channel = excluded.source_channel, \
             campaign_id = excluded.campaign_id, interest = excluded.interest, store_id = excluded.store_id, \
             required_consent = excluded.required_consent, pipeline_id = excluded.pipeline_id, \
             owner_mode = excluded.owner_mode, owner_user_id = excluded.owner_user_id",
        )
        .bind(tenant)
        .bind(r.id)
        .bind(&r.name)
        .bind(r.position as i32)
        .bind(r.active)
        .bind(r.trigger.as_str())
        .bind(r.source_channel.map(|s| s.as_str()))
        .bind(r.campaign_id)
        .bind(r.interest.map(|s| s.as_str()))
        .bind(r.store_id)
        .bind(r.required_consent.map(|s| s.as_str()))
        .bind(r.pipeline_id)
        .bind(r.owner_mode.as_str())
        .bind(r.owner_user_id)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// The next owner of a round-robin rule in a store: the active user of
    /// the store whose latest deal from `rule` is oldest (never first),
    /// ties by name.
    pub async fn round_robin_next(
        &mut self,
        tenant: Uuid,
        rule: Uuid,
        store: Uuid,
    ) -> Result<Option<Uuid>> {
        query_scalar(
            "SELECT u.id FROM users u LEFT JOIN ( \
                SELECT owner_id, MAX(created_at) AS last_at FROM deals \
                WHERE tenant_id = $1 AND rule_id = $2 AND owner_id IS NOT NULL GROUP BY owner_id \
             ) d ON d.owner_id = u.id \
             WHERE u.tenant_id = $1 AND u.store_id = $3 AND u.active = $4 \
             ORDER BY (d.last_at IS NOT NULL), d.last_at, u.display_name, u.id LIMIT 1",
        )
        .bind(tenant)
        .bind(rule)
        .bind(store)
        .bind(true)
        .fetch_optional(&mut *self)
        .await
    }
}
