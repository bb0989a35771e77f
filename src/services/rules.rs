//! Conversion rules (seed 000, "Regole di qualificazione"): when a lead is
//! captured or qualified, if its consents allow and its criteria match,
//! open a deal in the rule's pipeline, assign an owner, copy the
//! attribution, mark the lead converted and log it on both timelines.

use uuid::Uuid;

use super::deals::{create_in, Origin};
use super::{now, Ctx};
use crate::model::{
    check_name, ConsentKind, ConversionRule, FieldError, Lead, NewDeal, OwnerMode, RuleFacts,
    RulePreview, RuleTrigger, RuleVerdict,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Every rule, in evaluation order.
pub async fn list(db: &Db, ctx: &Ctx) -> Result<Vec<ConversionRule>> {
    with_conn!(db, |c| c.list_rules(ctx.tenant_id()).await)
}

/// Creates or updates a rule (by id). Store managers and admins.
///
/// Errors: [`Error::Forbidden`]; [`Error::Validation`]: `name`,
/// `pipeline_id` / `campaign_id` / `store_id` / `owner_user_id`
/// (`unknown_value`), `owner_user_id` (`required` with owner mode `user`).
pub async fn save(db: &Db, ctx: &Ctx, rule: &ConversionRule) -> Result<ConversionRule> {
    ctx.require_manager("edit_rules")?;
    let mut rule = rule.clone();
    let mut errors = Vec::new();
    match check_name(&rule.name, "name") {
        Ok(n) => rule.name = n,
        Err(e) => errors.push(e),
    }
    if rule.owner_mode == OwnerMode::User && rule.owner_user_id.is_none() {
        errors.push(FieldError::new("owner_user_id", "required"));
    }
    if rule.owner_mode != OwnerMode::User {
        rule.owner_user_id = None;
    }
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let unknown = |field: &str, id: Uuid| {
            FieldError::new(field, "unknown_value").with("value", id.to_string())
        };
        if !c
            .list_pipelines(tenant)
            .await?
            .iter()
            .any(|p| p.id == rule.pipeline_id && !p.archived)
        {
            errors.push(unknown("pipeline_id", rule.pipeline_id));
        }
        if let Some(id) = rule.campaign_id {
            if !c.list_campaigns(tenant).await?.iter().any(|x| x.id == id) {
                errors.push(unknown("campaign_id", id));
            }
        }
        if let Some(id) = rule.store_id {
            if !c.list_stores(tenant).await?.iter().any(|x| x.id == id) {
                errors.push(unknown("store_id", id));
            }
        }
        if let Some(id) = rule.owner_user_id {
            if !c.get_user(tenant, id).await?.is_some_and(|u| u.active) {
                errors.push(unknown("owner_user_id", id));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        c.upsert_rule(tenant, &rule, now()).await?;
        Ok(rule.clone())
    })
}

/// The consents a person grants now: per purpose, their latest decision.
async fn granted(c: &mut Conn<'_>, tenant: Uuid, person: Uuid) -> Result<Vec<ConsentKind>> {
    let decisions = c.consents_of(tenant, person).await?; // newest first
    Ok(ConsentKind::ALL
        .iter()
        .copied()
        .filter(|k| {
            decisions
                .iter()
                .find(|d| d.kind == *k)
                .is_some_and(|d| d.granted)
        })
        .collect())
}

/// Evaluates the rules for a lead: each rule's verdict, the one that fires
/// (first by position) and the owner it would assign.
async fn evaluate(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    lead: &Lead,
    trigger: RuleTrigger,
) -> Result<(RulePreview, Option<(ConversionRule, Uuid)>)> {
    let tenant = ctx.tenant_id();
    let facts = RuleFacts {
        trigger,
        source_channel: lead.source_channel,
        campaign_id: lead.campaign_id,
        interest: lead.interest,
        store_id: lead.store_id,
        granted: granted(c, tenant, lead.person_id).await?,
    };
    let rules = c.list_rules(tenant).await?;
    let verdicts: Vec<(Uuid, String, RuleVerdict)> = rules
        .iter()
        .map(|r| (r.id, r.name.clone(), r.verdict(&facts)))
        .collect();
    let fires = rules
        .iter()
        .find(|r| r.verdict(&facts) == RuleVerdict::Fires)
        .cloned();
    let mut preview = RulePreview {
        verdicts,
        fires: fires.as_ref().map(|r| r.id),
        pipeline_name: None,
        owner_name: None,
    };
    let Some(rule) = fires else {
        return Ok((preview, None));
    };
    let fallback = lead.owner_id.unwrap_or(ctx.user.id);
    let owner = match rule.owner_mode {
        OwnerMode::LeadOwner => fallback,
        OwnerMode::RoundRobin => match lead.store_id {
            Some(store) => c
                .round_robin_next(tenant, rule.id, store)
                .await?
                .unwrap_or(fallback),
            None => fallback,
        },
        OwnerMode::User => match rule.owner_user_id {
            Some(u) if c.get_user(tenant, u).await?.is_some_and(|u| u.active) => u,
            _ => fallback,
        },
    };
    preview.pipeline_name = c
        .list_pipelines(tenant)
        .await?
        .into_iter()
        .find(|p| p.id == rule.pipeline_id)
        .map(|p| p.name);
    preview.owner_name = c.get_user(tenant, owner).await?.map(|u| u.display_name);
    Ok((preview, Some((rule, owner))))
}

/// Which rule would fire for a lead on `trigger`, and why the others do not.
/// Errors: [`Error::NotFound`].
pub async fn preview(
    db: &Db,
    ctx: &Ctx,
    lead_id: Uuid,
    trigger: RuleTrigger,
) -> Result<RulePreview> {
    with_conn!(db, |c| {
        let lead = c
            .get_lead(ctx.tenant_id(), lead_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                entity: "lead",
                id: lead_id.to_string(),
            })?;
        Ok(evaluate(c, ctx, &lead, trigger).await?.0)
    })
}

/// Runs the rules for a lead inside the caller's transaction and opens the
/// deal of the first rule that fires, unless the lead already has a deal
/// in that pipeline. Returns the new deal's id.
pub(crate) async fn apply_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    lead: &Lead,
    trigger: RuleTrigger,
) -> Result<Option<Uuid>> {
    let (_, fired) = evaluate(c, ctx, lead, trigger).await?;
    let Some((rule, owner)) = fired else {
        return Ok(None);
    };
    let tenant = ctx.tenant_id();
    for id in c.deals_of_lead(tenant, lead.id).await? {
        if c.get_deal(tenant, id)
            .await?
            .is_some_and(|d| d.pipeline_id == rule.pipeline_id)
        {
            return Ok(None);
        }
    }
    let deal = create_in(
        c,
        ctx,
        NewDeal {
            pipeline_id: Some(rule.pipeline_id),
            lead_id: Some(lead.id),
            owner_id: Some(owner),
            ..Default::default()
        },
        Origin::Rule {
            id: rule.id,
            name: &rule.name,
        },
    )
    .await?;
    Ok(Some(deal.id))
}
