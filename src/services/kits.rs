//! Commercial kits (seed 004, issue 16): a kit is a template of services
//! (e.g. "Casa completa": fibre + electricity + gas + mobile). From a
//! parent ticket with a kit, three buttons, each idempotent (pressed again
//! it creates nothing new and says so in its [`KitStep`]):
//! - "Generate deals" ("Genera opportunità"): one deal per service in the
//!   service's pipeline, for the ticket's customer, linked to the ticket;
//! - "Create child tickets" ("Sincronizza opportunità"): one child ticket
//!   per generated deal, with the workflow template of the deal's pipeline;
//! - "Generate activities" ("Genera attività CRM"): one task per child
//!   milestone, on the milestone's deal.
//!
//! Kits are an admin's to define.

use uuid::Uuid;

use super::tickets::{open_in, template_for, visible_ticket, TicketSpec};
use super::{now, Ctx};
use crate::model::{
    check_name, DealLine, EntityType, FieldError, Kit, KitService, KitStep, NewDeal, TaskKind,
    TicketKind, TicketPriority, MAX_UNIT_MINOR,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Most services a kit may have.
pub const MAX_KIT_SERVICES: usize = 12;

/// The tenant's kits, by name.
pub async fn list(db: &Db, ctx: &Ctx) -> Result<Vec<Kit>> {
    with_conn!(db, |c| c.list_kits(ctx.tenant_id()).await)
}

/// Adds a kit (admins): a name unique in the tenant and 1–12 services,
/// each with a product, an existing pipeline and prices of 0 or more.
///
/// Errors: [`Error::Forbidden`] (`edit_kits`); [`Error::Validation`]
/// (`name`: `required`, `too_long`, `taken`; `services`: `out_of_range`;
/// `services.N.product`, `services.N.pipeline_id`,
/// `services.N.one_off_minor`, `services.N.monthly_minor`).
pub async fn add(db: &Db, ctx: &Ctx, name: &str, services: Vec<KitService>) -> Result<Kit> {
    ctx.require_admin("edit_kits")?;
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let mut errors = Vec::new();
        let name = match check_name(name, "name") {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        if c.list_kits(tenant)
            .await?
            .iter()
            .any(|k| k.name.eq_ignore_ascii_case(&name))
        {
            errors.push(FieldError::new("name", "taken").with("value", name.clone()));
        }
        if services.is_empty() || services.len() > MAX_KIT_SERVICES {
            errors.push(
                FieldError::new("services", "out_of_range")
                    .with("min", "1")
                    .with("max", MAX_KIT_SERVICES.to_string()),
            );
        }
        let pipelines = c.list_pipelines(tenant).await?;
        for (i, s) in services.iter().enumerate() {
            if let Err(e) = check_name(&s.product, &format!("services.{i}.product")) {
                errors.push(e);
            }
            if !pipelines
                .iter()
                .any(|p| p.id == s.pipeline_id && !p.archived)
            {
                errors.push(
                    FieldError::new(format!("services.{i}.pipeline_id"), "unknown_value")
                        .with("value", s.pipeline_id.to_string()),
                );
            }
            for (field, v) in [
                ("one_off_minor", s.one_off_minor),
                ("monthly_minor", s.monthly_minor),
            ] {
                if !(0..=MAX_UNIT_MINOR).contains(&v) {
                    errors.push(
                        FieldError::new(format!("services.{i}.{field}"), "out_of_range")
                            .with("min", "0")
                            .with("max", MAX_UNIT_MINOR.to_string()),
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let kit = Kit {
            id: Uuid::now_v7(),
            name,
            services,
        };
        c.insert_kit(tenant, &kit, now()).await?;
        Ok(kit)
    })
}

/// A parent ticket the acting user may work, and its kit.
async fn kit_ticket(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    ticket_id: Uuid,
) -> Result<(crate::model::Ticket, Kit)> {
    let ticket = visible_ticket(c, ctx, ticket_id).await?;
    let Some(kit_id) = ticket.kit_id else {
        return Err(Error::field("kit", "required"));
    };
    let kit = c
        .list_kits(ctx.tenant_id())
        .await?
        .into_iter()
        .find(|k| k.id == kit_id)
        .ok_or_else(|| Error::Integrity(format!("ticket {ticket_id} names a missing kit")))?;
    Ok((ticket, kit))
}

/// "Generate deals": one deal per service of the ticket's kit not yet
/// generated, in the service's pipeline (first stage), with the service
/// as its one offer line, for the ticket's customer (its person or
/// company; a deal's customer for a ticket on a deal), owned by the
/// acting user.
///
/// Errors: [`Error::NotFound`] (`ticket`); [`Error::Validation`] (`kit`:
/// `required` for a ticket without a kit).
pub async fn generate_deals(db: &Db, ctx: &Ctx, ticket_id: Uuid) -> Result<KitStep> {
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let (ticket, kit) = kit_ticket(c, ctx, ticket_id).await?;
        let (person_id, company_id) = match ticket.entity_type {
            EntityType::Person => (Some(ticket.entity_id), None),
            EntityType::Company => (None, Some(ticket.entity_id)),
            _ => match ticket.deal_id {
                Some(d) => match c.get_deal(tenant, d).await? {
                    Some(deal) => (deal.person_id, deal.company_id),
                    None => (None, None),
                },
                None => (None, None),
            },
        };
        let done = c.kit_deals_of(tenant, ticket_id).await?;
        let mut step = KitStep::default();
        for (i, service) in kit.services.iter().enumerate() {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            if done
                .iter()
                .any(|(d, _)| u32::try_from(*d).ok() == Some(index))
            {
                step.existing += 1;
                continue;
            }
            let new = NewDeal {
                pipeline_id: Some(service.pipeline_id),
                person_id,
                company_id,
                store_id: ticket.store_id,
                lines: vec![DealLine {
                    id: Uuid::nil(),
                    product: service.product.clone(),
                    quantity: 1,
                    one_off_minor: service.one_off_minor,
                    monthly_minor: service.monthly_minor,
                }],
                ..Default::default()
            };
            let deal = super::deals::create_in(c, ctx, new, super::deals::Origin::Hand).await?;
            c.insert_kit_deal(tenant, ticket_id, index, deal.id).await?;
            step.created += 1;
        }
        Ok(step)
    })
}

/// "Create child tickets": for each deal the kit generated that has no
/// child ticket yet, an activation ticket on that deal, child of this one,
/// with the workflow template of the deal's pipeline.
///
/// Errors: as [`generate_deals`].
pub async fn create_child_tickets(db: &Db, ctx: &Ctx, ticket_id: Uuid) -> Result<KitStep> {
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let (parent, _) = kit_ticket(c, ctx, ticket_id).await?;
        let children = c.ticket_children(tenant, ticket_id).await?;
        let mut step = KitStep::default();
        for (_, deal_id) in c.kit_deals_of(tenant, ticket_id).await? {
            if children.iter().any(|k| k.deal_id == Some(deal_id)) {
                step.existing += 1;
                continue;
            }
            let Some(deal) = c.get_deal(tenant, deal_id).await? else {
                continue;
            };
            let template = template_for(
                c,
                tenant,
                None,
                TicketKind::Activation,
                Some(deal.pipeline_id),
            )
            .await?;
            let spec = TicketSpec {
                kind: TicketKind::Activation,
                title: deal.title.clone(),
                priority: parent.priority,
                record: (EntityType::Deal, deal.id),
                deal_id: Some(deal.id),
                contract_id: None,
                parent_id: Some(ticket_id),
                kit_id: None,
                template,
                assignee_id: parent.assignee_id.unwrap_or(ctx.user.id),
                store_id: deal.store_id.or(parent.store_id),
                interaction_id: None,
            };
            open_in(c, ctx, spec).await?;
            step.created += 1;
        }
        Ok(step)
    })
}

/// "Generate activities": one task per milestone of each child ticket, on
/// the child's deal, named after the milestone, due with the milestone's
/// last standard task, for the child's assignee. A milestone's task is
/// made once (its source key is the milestone).
///
/// Errors: as [`generate_deals`].
pub async fn generate_activities(db: &Db, ctx: &Ctx, ticket_id: Uuid) -> Result<KitStep> {
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        kit_ticket(c, ctx, ticket_id).await?;
        let mut step = KitStep::default();
        for child in c.ticket_children(tenant, ticket_id).await? {
            let Some(deal_id) = child.deal_id else {
                continue;
            };
            let tasks = c.tasks_of_ticket(tenant, child.id).await?;
            for m in c.milestones_of(tenant, child.id).await? {
                let due = tasks
                    .iter()
                    .filter(|t| t.milestone_id == Some(m.id))
                    .filter_map(|t| t.due_at)
                    .max();
                let task = super::tasks::new_task(
                    c,
                    ctx,
                    m.name.clone(),
                    TaskKind::Todo,
                    due,
                    child.assignee_id,
                    (EntityType::Deal, deal_id),
                    (None, None),
                )
                .await?;
                let key = format!("milestone:{}", m.id);
                if c.insert_task(tenant, &task, Some(ctx.user.id), Some(&key))
                    .await?
                {
                    step.created += 1;
                } else {
                    step.existing += 1;
                }
            }
        }
        Ok(step)
    })
}

/// Opens a parent activation ticket with `kit` on a person or company and
/// generates its deals at once (the "Generate deals" of a record).
///
/// Errors: as [`super::tickets::open`] and [`generate_deals`].
pub async fn expand_on_record(
    db: &Db,
    ctx: &Ctx,
    entity_type: EntityType,
    entity_id: Uuid,
    kit: &str,
) -> Result<(Uuid, KitStep)> {
    let detail = super::tickets::open(
        db,
        ctx,
        &crate::model::NewTicket {
            kind: Some(TicketKind::Activation),
            priority: Some(TicketPriority::Normal),
            entity_type: Some(entity_type),
            entity_id: Some(entity_id),
            kit: Some(kit.to_string()),
            ..Default::default()
        },
    )
    .await?;
    let step = generate_deals(db, ctx, detail.ticket.id).await?;
    Ok((detail.ticket.id, step))
}
