//! Tickets, their milestones and a kit's deals; workflow templates and commercial kits; the tickets list.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, Conn, QueryBuilder};
use super::tasks::record_title_sql;
use crate::model::{
    Kit, Milestone, Page, Ticket, TicketListItem, TicketQuery, WorkStatus, WorkflowTemplate,
};
use crate::{Error, Result};

/// The columns of [`Ticket`], on alias `k`.
const TICKET_COLUMNS: &str =
    "k.id, k.kind, k.title, k.status, k.priority, k.entity_type, k.entity_id, \
     k.deal_id, k.contract_id, k.parent_id, k.kit_id, k.template_id, k.assignee_id, k.store_id, \
     k.sla_due_at, k.created_at, k.closed_at, k.interaction_id";

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Integrity(e.to_string()))
}

impl Conn<'_> {
    /// Records a ticket.
    pub async fn insert_ticket(
        &mut self,
        tenant: Uuid,
        k: &Ticket,
        created_by: Option<Uuid>,
    ) -> Result<()> {
        query(
            "INSERT INTO tickets (tenant_id, id, kind, title, status, priority, entity_type, entity_id, \
             deal_id, contract_id, parent_id, kit_id, template_id, assignee_id, store_id, sla_due_at, \
             created_by, created_at, closed_at, interaction_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
        )
        .bind(tenant)
        .bind(k.id)
        .bind(k.kind.as_str())
        .bind(&k.title)
        .bind(k.status.as_str())
        .bind(k.priority.as_str())
        .bind(k.entity_type.as_str())
        .bind(k.entity_id)
        .bind(k.deal_id)
        .bind(k.contract_id)
        .bind(k.parent_id)
        .bind(k.kit_id)
        .bind(k.template_id)
        .bind(k.assignee_id)
        .bind(k.store_id)
        .bind(k.sla_due_at)
        .bind(created_by)
        .bind(k.created_at)
        .bind(k.closed_at)
        .bind(k.interaction_id)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// One ticket.
    pub async fn get_ticket(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Ticket>> {
        query_as::<Ticket>(format!(
            "SELECT {TICKET_COLUMNS} FROM tickets k WHERE k.tenant_id = $1 AND k.id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// A parent ticket's children, oldest first.
    pub async fn ticket_children(&mut self, tenant: Uuid, parent: Uuid) -> Result<Vec<Ticket>> {
        query_as::<Ticket>(format!(
            "SELECT {TICKET_COLUMNS} FROM tickets k WHERE k.tenant_id = $1 AND k.parent_id = $2 \
             ORDER BY k.created_at, k.id"
        ))
        .bind(tenant)
        .bind(parent)
        .fetch_all(&mut *self)
        .await
    }

    /// Gives the open tickets of `deal` that work no contract yet its new
    /// `contract`; how many it gave it to.
    pub async fn link_deal_tickets_to_contract(
        &mut self,
        tenant: Uuid,
        deal: Uuid,
        contract: Uuid,
    ) -> Result<u64> {
        let done = query(
            "UPDATE tickets SET contract_id = $3 WHERE tenant_id = $1 AND deal_id = $2 \
             AND status = 'open' AND contract_id IS NULL",
        )
        .bind(tenant)
        .bind(deal)
        .bind(contract)
        .execute(&mut *self)
        .await?;
        Ok(done.rows_affected())
    }

    /// Closes (with when) or reopens a ticket.
    pub async fn set_ticket_status(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        status: WorkStatus,
        at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        query("UPDATE tickets SET status = $3, closed_at = $4 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .bind(status.as_str())
            .bind(at)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// Records a ticket's milestone.
    pub async fn insert_milestone(&mut self, tenant: Uuid, m: &Milestone) -> Result<()> {
        query(
            "INSERT INTO ticket_milestones (tenant_id, id, ticket_id, position, name, status, closed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant)
        .bind(m.id)
        .bind(m.ticket_id)
        .bind(i64::from(m.position))
        .bind(&m.name)
        .bind(m.status.as_str())
        .bind(m.closed_at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// A ticket's milestones, in order.
    pub async fn milestones_of(&mut self, tenant: Uuid, ticket: Uuid) -> Result<Vec<Milestone>> {
        query_as::<Milestone>(
            "SELECT id, ticket_id, position, name, status, closed_at FROM ticket_milestones \
             WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY position",
        )
        .bind(tenant)
        .bind(ticket)
        .fetch_all(&mut *self)
        .await
    }

    /// Closes (with when) or reopens a milestone.
    pub async fn set_milestone_status(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        status: WorkStatus,
        at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        query(
            "UPDATE ticket_milestones SET status = $3, closed_at = $4 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(id)
        .bind(status.as_str())
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// The deals a parent ticket's kit generated: `(service index, deal)`.
    pub async fn kit_deals_of(&mut self, tenant: Uuid, ticket: Uuid) -> Result<Vec<(i32, Uuid)>> {
        query_as(
            "SELECT service_index, deal_id FROM kit_deals WHERE tenant_id = $1 AND ticket_id = $2 \
             ORDER BY service_index",
        )
        .bind(tenant)
        .bind(ticket)
        .fetch_all(&mut *self)
        .await
    }

    /// Links a kit service's new deal to its parent ticket.
    pub async fn insert_kit_deal(
        &mut self,
        tenant: Uuid,
        ticket: Uuid,
        service: u32,
        deal: Uuid,
    ) -> Result<()> {
        query("INSERT INTO kit_deals (tenant_id, ticket_id, service_index, deal_id) VALUES ($1, $2, $3, $4)")
            .bind(tenant)
            .bind(ticket)
            .bind(i64::from(service))
            .bind(deal)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// The tickets list: open ones unless `q.include_closed`, by SLA due
    /// time, with open tasks left.
    pub async fn list_tickets(
        &mut self,
        tenant: Uuid,
        q: &TicketQuery,
        now: DateTime<Utc>,
    ) -> Result<Page<TicketListItem>> {
        let filter = |qb: &mut QueryBuilder| {
            qb.push(" WHERE k.tenant_id = ").push_bind(tenant);
            if !q.include_closed {
                qb.push(" AND k.status = 'open'");
            }
            if let Some(kind) = q.kind {
                qb.push(" AND k.kind = ").push_bind(kind.as_str());
            }
            if let Some(store) = q.store_id {
                qb.push(" AND k.store_id = ").push_bind(store);
            }
            if let Some(e) = q.entity_id {
                qb.push(" AND k.entity_id = ").push_bind(e);
            }
            if let Some(d) = q.deal_id {
                qb.push(" AND (k.deal_id = ")
                    .push_bind(d)
                    .push(" OR k.entity_id = ")
                    .push_bind(d)
                    .push(")");
            }
            if q.overdue {
                qb.push(" AND k.status = 'open' AND k.sla_due_at < ")
                    .push_bind(now);
            }
        };
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM tickets k");
        filter(&mut count);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;
        let (title, joins) = record_title_sql("k");
        let mut qb = QueryBuilder::new(format!(
            "SELECT {TICKET_COLUMNS}, {title} AS record_title, u.display_name AS assignee_name, \
             (SELECT COUNT(*) FROM tasks t WHERE t.tenant_id = k.tenant_id AND t.ticket_id = k.id \
              AND t.status = 'open') AS open_tasks FROM tickets k \
             LEFT JOIN users u ON u.tenant_id = k.tenant_id AND u.id = k.assignee_id{joins}"
        ));
        filter(&mut qb);
        let limit = match q.limit {
            None | Some(0) => 50,
            Some(n) => n.min(500),
        };
        let offset = q.offset.unwrap_or(0);
        qb.push(" ORDER BY k.sla_due_at, k.id LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(offset));
        let items = qb.build_query_as().fetch_all(&mut *self).await?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
            offset,
        })
    }

    /// Records a workflow template.
    pub async fn insert_template(
        &mut self,
        tenant: Uuid,
        t: &WorkflowTemplate,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO workflow_templates (tenant_id, id, name, ticket_kind, pipeline_id, milestones, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant)
        .bind(t.id)
        .bind(&t.name)
        .bind(t.ticket_kind.as_str())
        .bind(t.pipeline_id)
        .bind(json(&t.milestones)?)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Replaces a template's kind, pipeline and milestones (tickets
    /// already opened keep theirs).
    pub async fn update_template(&mut self, tenant: Uuid, t: &WorkflowTemplate) -> Result<()> {
        query(
            "UPDATE workflow_templates SET name = $3, ticket_kind = $4, pipeline_id = $5, milestones = $6 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(t.id)
        .bind(&t.name)
        .bind(t.ticket_kind.as_str())
        .bind(t.pipeline_id)
        .bind(json(&t.milestones)?)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// The tenant's workflow templates, by name.
    pub async fn list_templates(&mut self, tenant: Uuid) -> Result<Vec<WorkflowTemplate>> {
        query_as::<WorkflowTemplate>(
            "SELECT id, name, ticket_kind, pipeline_id, milestones FROM workflow_templates \
             WHERE tenant_id = $1 ORDER BY name",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await
    }

    /// Records a kit.
    pub async fn insert_kit(&mut self, tenant: Uuid, kit: &Kit, at: DateTime<Utc>) -> Result<()> {
        query("INSERT INTO kits (tenant_id, id, name, services, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(tenant)
            .bind(kit.id)
            .bind(&kit.name)
            .bind(json(&kit.services)?)
            .bind(at)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// The tenant's kits, by name.
    pub async fn list_kits(&mut self, tenant: Uuid) -> Result<Vec<Kit>> {
        query_as::<Kit>("SELECT id, name, services FROM kits WHERE tenant_id = $1 ORDER BY name")
            .bind(tenant)
            .fetch_all(&mut *self)
            .await
    }
}
