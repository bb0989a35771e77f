//! The Leads list, a lead's detail, its status changes and notes.

use uuid::Uuid;

use super::history::event;
use super::{now, Ctx};
use crate::model::{
    EntityType, FieldError, Lead, LeadDetail, LeadEventKind, LeadListItem, LeadQuery, LeadStatus,
    NoteKind, Page, RuleTrigger, StatusChange,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Longest disqualification reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// One page of leads matching `query` (see [`LeadQuery`]), with the total
/// count: the leads the acting user may see ([`Ctx::record_scope`]).
pub async fn list(db: &Db, ctx: &Ctx, query: &LeadQuery) -> Result<Page<LeadListItem>> {
    let scope = ctx.record_scope();
    with_conn!(db, |c| c.list_leads(ctx.tenant_id(), query, &scope).await)
}

/// Everything about one lead: the lead, its person, consents, notes, history
/// and the statuses it may move to.
///
/// Errors: [`Error::NotFound`] if the lead is not in this tenant or not in
/// the acting user's [`Ctx::record_scope`].
pub async fn detail(db: &Db, ctx: &Ctx, lead_id: Uuid) -> Result<LeadDetail> {
    with_conn!(db, |c| detail_in(c, ctx, lead_id).await)
}

async fn detail_in(c: &mut Conn<'_>, ctx: &Ctx, lead_id: Uuid) -> Result<LeadDetail> {
    let tenant = ctx.tenant_id();
    super::context::require_visible(c, ctx, lead_id).await?;
    let lead = c
        .get_lead(tenant, lead_id)
        .await?
        .ok_or_else(|| Error::NotFound {
            entity: "lead",
            id: lead_id.to_string(),
        })?;
    let person = c
        .get_person(tenant, lead.person_id)
        .await?
        .ok_or_else(|| Error::NotFound {
            entity: "person",
            id: lead.person_id.to_string(),
        })?;
    let store_name = match lead.store_id {
        Some(id) => c
            .list_stores(tenant)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .map(|s| s.name),
        None => None,
    };
    let owner_name = match lead.owner_id {
        Some(id) => c.get_user(tenant, id).await?.map(|u| u.display_name),
        None => None,
    };
    let consents = c.consents_of(tenant, person.id).await?;
    let notes = super::notes::list_in(c, tenant, lead.id).await?;
    let history = c.events_of(tenant, lead.id).await?;
    let next_statuses = lead.status.next();
    let attributions = c.attributions_of(tenant, lead.id).await?;
    let mut deals = Vec::new();
    for id in c.deals_of_lead(tenant, lead.id).await? {
        if let Some(d) = c.get_deal(tenant, id).await? {
            deals.push((d.id, d.title));
        }
    }
    Ok(LeadDetail {
        lead,
        person,
        store_name,
        owner_name,
        consents,
        notes,
        history,
        next_statuses,
        deals,
        attributions,
    })
}

/// Moves a lead to another status and records it in its history. Moving
/// to `qualified` runs the conversion rules ([`super::rules`]): the first
/// that fires opens a deal and the lead becomes `converted`.
///
/// Errors: [`Error::NotFound`]; [`Error::Forbidden`]
/// (`change_lead_status`, see [`Ctx::require_record_access`]: staff of
/// another store); [`Error::IllegalTransition`] when the lifecycle forbids the move ([`LeadStatus::can_move_to`]);
/// [`Error::Validation`] `reason`: `reason_required` when disqualifying
/// without a reason, `too_long` past 500 characters.
pub async fn change_status(db: &Db, ctx: &Ctx, change: &StatusChange) -> Result<LeadDetail> {
    let reason = change
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if change.to == LeadStatus::Disqualified {
        match reason {
            None => {
                return Err(Error::Validation(vec![FieldError::new(
                    "reason",
                    "reason_required",
                )]))
            }
            Some(r) if r.chars().count() > MAX_REASON_CHARS => {
                return Err(Error::Validation(vec![FieldError::new(
                    "reason", "too_long",
                )
                .with("max", MAX_REASON_CHARS.to_string())]))
            }
            _ => {}
        }
    }
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let lead = c
            .get_lead(tenant, change.lead_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                entity: "lead",
                id: change.lead_id.to_string(),
            })?;
        ctx.require_record_access(lead.owner_id, lead.store_id, "change_lead_status")?;
        if !lead.status.can_move_to(change.to) {
            return Err(Error::IllegalTransition {
                from: lead.status,
                to: change.to,
            });
        }
        let at = now();
        let kept_reason = if change.to == LeadStatus::Disqualified {
            reason
        } else {
            None
        };
        c.update_lead_status(tenant, lead.id, change.to, kept_reason, at)
            .await?;
        let mut e = event(lead.id, LeadEventKind::StatusChanged, ctx, at);
        e.from_status = Some(lead.status);
        e.to_status = Some(change.to);
        e.detail = kept_reason.map(str::to_string);
        c.insert_event(tenant, &e).await?;
        if change.to == LeadStatus::Qualified {
            let qualified = Lead {
                status: LeadStatus::Qualified,
                ..lead.clone()
            };
            super::rules::apply_in(c, ctx, &qualified, RuleTrigger::Qualified).await?;
        }
        detail_in(c, ctx, lead.id).await
    })
}

/// Adds a note to a lead, by the acting user (see
/// [`super::notes::add_in`]: Markdown, mentions, search, timeline).
///
/// Errors: [`Error::Validation`] `body`: `required` / `too_long`;
/// [`Error::NotFound`].
pub async fn add_note(db: &Db, ctx: &Ctx, lead_id: Uuid, body: &str) -> Result<LeadDetail> {
    with_tx!(db, |c| {
        let new = crate::model::NewNote {
            entity_type: EntityType::Lead,
            entity_id: lead_id,
            kind: NoteKind::General,
            body: body.to_string(),
            pinned: false,
        };
        super::notes::add_in(c, ctx, &new).await?;
        detail_in(c, ctx, lead_id).await
    })
}
