//! Tickets (seed 004, issue 16): opened on a record, a deal or a contract
//! with a kind, a priority and its SLA; a workflow template (the kind's
//! and the deal's pipeline's, or one named) gives its milestones and
//! standard tasks. The ticket closes when its tasks do (`tasks::set_done`);
//! closing it by hand marks its open tasks done. Templates are an admin's.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::search_index::record_title;
use super::{now, Ctx};
use crate::model::{
    check_template, EntityType, FieldError, Milestone, NewTicket, Page, TaskKind,
    TemplateMilestone, Ticket, TicketDetail, TicketKind, TicketListItem, TicketPriority,
    TicketQuery, WorkStatus, WorkflowTemplate,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

fn not_found(entity: &'static str, id: impl ToString) -> Error {
    Error::NotFound {
        entity,
        id: id.to_string(),
    }
}

/// What a new ticket is made of, resolved and checked.
pub(crate) struct TicketSpec {
    pub kind: TicketKind,
    pub title: String,
    pub priority: TicketPriority,
    pub record: (EntityType, Uuid),
    pub deal_id: Option<Uuid>,
    pub contract_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub kit_id: Option<Uuid>,
    pub template: Option<WorkflowTemplate>,
    pub assignee_id: Uuid,
    pub store_id: Option<Uuid>,
    pub interaction_id: Option<Uuid>,
}

/// The template named `wanted` (name or id), else the one for `kind` and
/// the deal's `pipeline` (a pipeline's own before one for any pipeline).
///
/// Errors: `template` (`unknown_value`) for a name that matches none.
pub(crate) async fn template_for(
    c: &mut Conn<'_>,
    tenant: Uuid,
    wanted: Option<&str>,
    kind: TicketKind,
    pipeline: Option<Uuid>,
) -> Result<Option<WorkflowTemplate>> {
    let all = c.list_templates(tenant).await?;
    if let Some(w) = wanted.map(str::trim).filter(|w| !w.is_empty()) {
        return all
            .into_iter()
            .find(|t| t.name.eq_ignore_ascii_case(w) || t.id.to_string() == w)
            .map(Some)
            .ok_or_else(|| {
                Error::Validation(vec![
                    FieldError::new("template", "unknown_value").with("value", w)
                ])
            });
    }
    let of_kind = all.into_iter().filter(|t| t.ticket_kind == kind);
    let (own, any): (Vec<_>, Vec<_>) = of_kind.partition(|t| t.pipeline_id.is_some());
    Ok(own
        .into_iter()
        .find(|t| t.pipeline_id == pipeline && pipeline.is_some())
        .or_else(|| any.into_iter().next()))
}

/// Records a ticket from `spec` with its template's milestones and
/// standard tasks (each due `due_days` after opening, for the assignee, on
/// the deal when there is one, else on the record), and `ticket_opened`
/// on the record's timeline.
pub(crate) async fn open_in(c: &mut Conn<'_>, ctx: &Ctx, spec: TicketSpec) -> Result<Ticket> {
    let tenant = ctx.tenant_id();
    let at = now();
    let ticket = Ticket {
        id: Uuid::now_v7(),
        kind: spec.kind,
        title: spec.title,
        status: WorkStatus::Open,
        priority: spec.priority,
        entity_type: spec.record.0,
        entity_id: spec.record.1,
        deal_id: spec.deal_id,
        contract_id: spec.contract_id,
        parent_id: spec.parent_id,
        kit_id: spec.kit_id,
        template_id: spec.template.as_ref().map(|t| t.id),
        assignee_id: Some(spec.assignee_id),
        store_id: spec.store_id,
        sla_due_at: sla_due(at, spec.priority),
        created_at: at,
        closed_at: None,
        interaction_id: spec.interaction_id,
    };
    c.insert_ticket(tenant, &ticket, Some(ctx.user.id)).await?;
    let task_record = match ticket.deal_id {
        Some(d) => (EntityType::Deal, d),
        None => spec.record,
    };
    for (position, m) in spec.template.iter().flat_map(|t| &t.milestones).enumerate() {
        let milestone = Milestone {
            id: Uuid::now_v7(),
            ticket_id: ticket.id,
            position: u32::try_from(position).unwrap_or(u32::MAX),
            name: m.name.clone(),
            status: WorkStatus::Open,
            closed_at: None,
        };
        c.insert_milestone(tenant, &milestone).await?;
        for t in &m.tasks {
            let task = super::tasks::new_task(
                c,
                ctx,
                t.title.clone(),
                TaskKind::Todo,
                Some(at + Duration::days(i64::from(t.due_days))),
                ticket.assignee_id,
                task_record,
                (Some(ticket.id), Some(milestone.id)),
            )
            .await?;
            c.insert_task(tenant, &task, Some(ctx.user.id), None)
                .await?;
        }
    }
    c.insert_record_event(
        tenant,
        ticket.entity_type,
        ticket.entity_id,
        "ticket_opened",
        Some(&ticket.title),
        Some(ctx.user.id),
        at,
    )
    .await?;
    Ok(ticket)
}

/// Opens a ticket ([`NewTicket`]) on a record, a deal, a contract or an
/// interaction the acting user sees. From a contract, its customer is the
/// record and its deal the ticket's deal; from a deal, the deal; from an
/// interaction (a call, a message), the interaction's record, kind
/// `assistance` unless given, and the ticket keeps the link.
///
/// Errors: [`Error::NotFound`] (the record, contract, deal or interaction);
/// [`Error::Validation`] (`entity_id`: `required`; `template`, `kit`,
/// `assignee_id`: `unknown_value`).
pub async fn open(db: &Db, ctx: &Ctx, new: &NewTicket) -> Result<TicketDetail> {
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let from_call = match new.interaction_id {
            Some(id) => Some(
                c.get_interaction(tenant, id)
                    .await?
                    .ok_or_else(|| not_found("interaction", id))?,
            ),
            None => None,
        };
        let (entity_type, entity_id) = match &from_call {
            Some(i) => (Some(i.entity_type), Some(i.entity_id)),
            None => (new.entity_type, new.entity_id),
        };
        let (record, deal_id) = match (new.contract_id, entity_type, entity_id) {
            (Some(k), _, _) => {
                let item = c
                    .contract_item(tenant, k)
                    .await?
                    .ok_or_else(|| not_found("contract", k))?;
                let k = item.contract;
                let record = match (k.company_id, k.person_id) {
                    (Some(co), _) => (EntityType::Company, co),
                    (None, Some(p)) => (EntityType::Person, p),
                    (None, None) => (EntityType::Deal, k.deal_id),
                };
                (record, Some(k.deal_id))
            }
            (None, Some(EntityType::Deal), Some(d)) => ((EntityType::Deal, d), Some(d)),
            (None, Some(t), Some(id)) => ((t, id), None),
            _ => return Err(Error::field("entity_id", "required")),
        };
        let title = record_title(c, tenant, record.0, record.1).await?;
        super::context::require_visible(c, ctx, record.1).await?;
        let deal = match deal_id {
            Some(d) => {
                super::context::require_visible(c, ctx, d).await?;
                Some(
                    c.get_deal(tenant, d)
                        .await?
                        .ok_or_else(|| not_found("deal", d))?,
                )
            }
            None => None,
        };
        let kind = new.kind.unwrap_or(if from_call.is_some() {
            TicketKind::Assistance
        } else {
            TicketKind::Activation
        });
        let template = template_for(
            c,
            tenant,
            new.template.as_deref(),
            kind,
            deal.as_ref().map(|d| d.pipeline_id),
        )
        .await?;
        let kit_id = match new.kit.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => Some(
                c.list_kits(tenant)
                    .await?
                    .into_iter()
                    .find(|x| x.name.eq_ignore_ascii_case(k) || x.id.to_string() == k)
                    .ok_or_else(|| {
                        Error::Validation(vec![
                            FieldError::new("kit", "unknown_value").with("value", k)
                        ])
                    })?
                    .id,
            ),
            None => None,
        };
        let assignee = new.assignee_id.unwrap_or(ctx.user.id);
        let assignee_user = c.get_user(tenant, assignee).await?.filter(|u| u.active);
        let Some(assignee_user) = assignee_user else {
            return Err(Error::Validation(vec![FieldError::new(
                "assignee_id",
                "unknown_value",
            )
            .with("value", assignee.to_string())]));
        };
        let title = match new.title.trim() {
            "" => match &template {
                Some(t) => format!("{} – {title}", t.name),
                None => title,
            },
            t => t.to_string(),
        };
        let spec = TicketSpec {
            kind,
            title,
            priority: new.priority.unwrap_or(TicketPriority::Normal),
            record,
            deal_id,
            contract_id: new.contract_id,
            parent_id: None,
            kit_id,
            template,
            assignee_id: assignee,
            store_id: deal
                .as_ref()
                .and_then(|d| d.store_id)
                .or(assignee_user.store_id)
                .or(ctx.user.store_id),
            interaction_id: new.interaction_id,
        };
        let ticket = open_in(c, ctx, spec).await?;
        detail_in(c, ctx, ticket.id).await
    })
}

/// One ticket, if the acting user sees its record.
pub(crate) async fn visible_ticket(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<Ticket> {
    let ticket = c
        .get_ticket(ctx.tenant_id(), id)
        .await?
        .ok_or_else(|| not_found("ticket", id))?;
    if super::context::hidden_record(c, ctx, ticket.entity_id)
        .await?
        .is_some()
    {
        return Err(not_found("ticket", id));
    }
    Ok(ticket)
}

pub(crate) async fn detail_in(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<TicketDetail> {
    let tenant = ctx.tenant_id();
    let ticket = visible_ticket(c, ctx, id).await?;
    let tasks = c.tasks_of_ticket(tenant, id).await?;
    let milestones = c
        .milestones_of(tenant, id)
        .await?
        .into_iter()
        .map(|m| {
            let of_it = tasks
                .iter()
                .filter(|t| t.milestone_id == Some(m.id))
                .cloned()
                .collect();
            (m, of_it)
        })
        .collect();
    let record_title = record_title(c, tenant, ticket.entity_type, ticket.entity_id)
        .await
        .ok();
    let assignee_name = match ticket.assignee_id {
        Some(u) => c.get_user(tenant, u).await?.map(|u| u.display_name),
        None => None,
    };
    Ok(TicketDetail {
        children: c.ticket_children(tenant, id).await?,
        kit_deals: c
            .kit_deals_of(tenant, id)
            .await?
            .into_iter()
            .map(|(i, d)| (u32::try_from(i).unwrap_or(0), d))
            .collect(),
        ticket,
        record_title,
        assignee_name,
        milestones,
    })
}

/// One ticket with its milestones and their tasks, its child tickets and
/// its kit's deals.
///
/// Errors: [`Error::NotFound`] (`ticket`).
pub async fn detail(db: &Db, ctx: &Ctx, id: Uuid) -> Result<TicketDetail> {
    with_conn!(db, |c| detail_in(c, ctx, id).await)
}

/// The tickets list ([`TicketQuery`]), by SLA due time.
pub async fn list(db: &Db, ctx: &Ctx, q: &TicketQuery) -> Result<Page<TicketListItem>> {
    with_conn!(db, |c| c.list_tickets(ctx.tenant_id(), q, now()).await)
}

/// Closes a ticket by hand: its open tasks are marked done, which closes
/// its milestones and then the ticket (a ticket without milestones closes
/// at once). Closing a closed ticket changes nothing.
///
/// Errors: [`Error::NotFound`] (`ticket`).
pub async fn close(db: &Db, ctx: &Ctx, id: Uuid) -> Result<TicketDetail> {
    let open_tasks: Vec<Uuid> = with_conn!(db, |c| {
        visible_ticket(c, ctx, id).await?;
        Ok::<_, Error>(
            c.tasks_of_ticket(ctx.tenant_id(), id)
                .await?
                .into_iter()
                .filter(|t| t.status == crate::model::TaskStatus::Open)
                .map(|t| t.id)
                .collect(),
        )
    })?;
    for task in open_tasks {
        super::tasks::set_done(db, ctx, task, true).await?;
    }
    with_tx!(db, |c| {
        let ticket = visible_ticket(c, ctx, id).await?;
        if ticket.status == WorkStatus::Open {
            let at = now();
            c.set_ticket_status(ctx.tenant_id(), id, WorkStatus::Closed, Some(at))
                .await?;
            super::contracts::activated_by_ticket(c, ctx, &ticket, at).await?;
            c.insert_record_event(
                ctx.tenant_id(),
                ticket.entity_type,
                ticket.entity_id,
                "ticket_closed",
                Some(&ticket.title),
                Some(ctx.user.id),
                at,
            )
            .await?;
        }
        detail_in(c, ctx, id).await
    })
}

/// The tenant's workflow templates, by name.
pub async fn templates(db: &Db, ctx: &Ctx) -> Result<Vec<WorkflowTemplate>> {
    with_conn!(db, |c| c.list_templates(ctx.tenant_id()).await)
}

/// Adds a workflow template, or replaces the one of that name (admins).
/// Tickets already opened keep their milestones.
///
/// Errors: [`Error::Forbidden`] (`edit_templates`); [`Error::Validation`]
/// ([`check_template`]; `pipeline_id`: `unknown_value`).
pub async fn save_template(
    db: &Db,
    ctx: &Ctx,
    name: &str,
    ticket_kind: TicketKind,
    pipeline_id: Option<Uuid>,
    milestones: Vec<TemplateMilestone>,
) -> Result<WorkflowTemplate> {
    ctx.require_admin("edit_templates")?;
    let errors = check_template(name, &milestones);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        if let Some(p) = pipeline_id {
            if !c.list_pipelines(tenant).await?.iter().any(|x| x.id == p) {
                return Err(Error::Validation(vec![FieldError::new(
                    "pipeline_id",
                    "unknown_value",
                )
                .with("value", p.to_string())]));
            }
        }
        let existing = c
            .list_templates(tenant)
            .await?
            .into_iter()
            .find(|t| t.name.eq_ignore_ascii_case(name.trim()));
        let template = WorkflowTemplate {
            id: existing.as_ref().map(|t| t.id).unwrap_or_else(Uuid::now_v7),
            name: name.trim().to_string(),
            ticket_kind,
            pipeline_id,
            milestones: milestones.clone(),
        };
        match existing {
            Some(_) => c.update_template(tenant, &template).await?,
            None => c.insert_template(tenant, &template, now()).await?,
        }
        Ok(template)
    })
}

/// When a ticket opened at `created` with `priority` is due (UTC).
pub fn sla_due(created: DateTime<Utc>, priority: TicketPriority) -> DateTime<Utc> {
    created + Duration::hours(i64::from(priority.sla_hours()))
}

/// When a deal is won: its contract's activation work. A ticket already
/// open on the deal (a kit's child ticket) takes the contract; otherwise,
/// if the tenant has an activation template for the deal's pipeline (or
/// for any pipeline), an activation ticket opens on the contract with it,
/// for the deal's owner. Without such a template nothing opens. In the
/// caller's transaction.
pub(crate) async fn on_deal_won(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    deal: &crate::model::Deal,
    contract: &crate::model::Contract,
) -> Result<Option<Ticket>> {
    let tenant = ctx.tenant_id();
    if c.link_deal_tickets_to_contract(tenant, deal.id, contract.id)
        .await?
        > 0
    {
        return Ok(None);
    }
    let Some(template) = template_for(
        c,
        tenant,
        None,
        TicketKind::Activation,
        Some(deal.pipeline_id),
    )
    .await?
    else {
        return Ok(None);
    };
    let record = match (contract.company_id, contract.person_id) {
        (Some(co), _) => (EntityType::Company, co),
        (None, Some(p)) => (EntityType::Person, p),
        (None, None) => (EntityType::Deal, deal.id),
    };
    let name = record_title(c, tenant, record.0, record.1)
        .await
        .unwrap_or_else(|_| deal.title.clone());
    let spec = TicketSpec {
        kind: TicketKind::Activation,
        title: format!("{} – {name}", template.name),
        priority: TicketPriority::Normal,
        record,
        deal_id: Some(deal.id),
        contract_id: Some(contract.id),
        parent_id: None,
        kit_id: None,
        template: Some(template),
        assignee_id: deal.owner_id.unwrap_or(ctx.user.id),
        store_id: deal.store_id.or(ctx.user.store_id),
        interaction_id: None,
    };
    open_in(c, ctx, spec).await.map(Some)
}
