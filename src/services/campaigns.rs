//! Campaigns: containers of inbound leads, with their cost and the
//! pipelines they feed (seed 000, "Relazione Campagne ↔ Pipeline").

use uuid::Uuid;

use super::{now, Ctx};
use crate::model::{search_key, Campaign, FieldError};
use crate::store::Db;
use crate::{with_conn, with_tx, Error, Result};

/// Every campaign (archived included), by name.
pub async fn list(db: &Db, ctx: &Ctx) -> Result<Vec<Campaign>> {
    with_conn!(db, |c| c.list_campaigns(ctx.tenant_id()).await)
}

/// A campaign by id or name (case- and accent-insensitive).
/// Errors: [`Error::NotFound`].
pub async fn find(db: &Db, ctx: &Ctx, key: &str) -> Result<Campaign> {
    let folded = search_key(key);
    list(db, ctx)
        .await?
        .into_iter()
        .find(|c| c.id.to_string() == key || search_key(&c.name) == folded)
        .ok_or_else(|| Error::NotFound {
            entity: "campaign",
            id: key.to_string(),
        })
}

/// Creates or updates a campaign (by `campaign.id`). Store managers and
/// admins. Empty UTM codes are stored as none; the default pipeline is not
/// repeated among the links.
///
/// Errors: [`Error::Forbidden`]; [`Error::Validation`]: `name` (`required`,
/// `too_long`, `taken`), `ends_on` (`before_start`), `cost_minor`
/// (`negative`), `default_pipeline_id` / `pipeline_ids` (`unknown_value`).
pub async fn save(db: &Db, ctx: &Ctx, campaign: &Campaign) -> Result<Campaign> {
    ctx.require_manager("edit_campaigns")?;
    let mut c = campaign.clone();
    c.name = c.name.trim().to_string();
    for utm in [&mut c.utm_source, &mut c.utm_medium, &mut c.utm_campaign] {
        *utm = utm
            .take()
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
    }
    c.pipeline_ids.retain(|p| Some(*p) != c.default_pipeline_id);
    c.pipeline_ids.sort();
    c.pipeline_ids.dedup();
    let mut errors = c.validate().err().unwrap_or_default();
    with_tx!(db, |tx| {
        let tenant = ctx.tenant_id();
        let pipelines = tx.list_pipelines(tenant).await?;
        let known = |id: &Uuid| pipelines.iter().any(|p| p.id == *id);
        if let Some(p) = c.default_pipeline_id.filter(|p| !known(p)) {
            errors.push(
                FieldError::new("default_pipeline_id", "unknown_value")
                    .with("value", p.to_string()),
            );
        }
        for p in c.pipeline_ids.iter().filter(|p| !known(p)) {
            errors.push(
                FieldError::new("pipeline_ids", "unknown_value").with("value", p.to_string()),
            );
        }
        let others = tx.list_campaigns(tenant).await?;
        if others
            .iter()
            .any(|o| o.id != c.id && search_key(&o.name) == search_key(&c.name))
        {
            errors.push(FieldError::new("name", "taken").with("value", c.name.clone()));
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        tx.upsert_campaign(tenant, &c, now()).await?;
        Ok(c.clone())
    })
}
