//! The person's requests under the GDPR (issue 15): the access export
//! (art. 15), made by a store manager or an admin and written to the audit
//! trail (who, when, whose data: the person's id, never their data).

use chrono::Utc;
use uuid::Uuid;

use super::{
    calls, companies, contact_policy, contracts, deals, leads, meetings, notes, tasks, tickets, Ctx,
};
use crate::model::{
    AuditEvent, ContractFilter, EntityType, PersonDataExport, TaskQuery, TicketQuery,
    PERSON_DATA_FORMAT,
};
use crate::store::Db;
use crate::{with_conn, Result};

/// Most timeline entries an export carries (newest first).
const MAX_TIMELINE: u32 = 10_000;

/// Everything Banco holds about person `id` that the acting user may see
/// ([`PersonDataExport`], GDPR art. 15), gathered record by record, and
/// the request written to the audit trail (`gdpr_access`, subject
/// `person:<id>`) before it is handed out. Store managers and admins.
///
/// Errors: [`crate::Error::Forbidden`] (`gdpr_requests`) for staff;
/// [`crate::Error::NotFound`] for an unknown person.
pub async fn access_export(db: &Db, ctx: &Ctx, id: Uuid) -> Result<PersonDataExport> {
    ctx.require_manager("gdpr_requests")?;
    let card = companies::person_card(db, ctx, id).await?;
    let mut leads_full = Vec::new();
    for l in &card.leads {
        leads_full.push(leads::detail(db, ctx, l.id).await?);
    }
    let mut deals_full = Vec::new();
    for d in &card.deals {
        deals_full.push(deals::detail(db, ctx, d.card.id).await?);
    }
    let contracts = contracts::list(
        db,
        ctx,
        &ContractFilter {
            person_id: Some(id),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?
    .items;
    // Tickets and tasks on the person, their leads and their deals.
    let mut records = vec![id];
    records.extend(card.leads.iter().map(|l| l.id));
    records.extend(card.deals.iter().map(|d| d.card.id));
    let (mut ticket_list, mut task_list) = (Vec::new(), Vec::new());
    for record in &records {
        let q = TicketQuery {
            include_closed: true,
            entity_id: Some(*record),
            limit: Some(500),
            ..Default::default()
        };
        ticket_list.extend(tickets::list(db, ctx, &q).await?.items);
        let q = TaskQuery {
            include_done: true,
            entity_id: Some(*record),
            limit: Some(500),
            ..Default::default()
        };
        task_list.extend(
            tasks::list(db, ctx, &q)
                .await?
                .items
                .into_iter()
                .map(|i| i.task),
        );
    }
    let export = PersonDataExport {
        format: PERSON_DATA_FORMAT.into(),
        generated_at: Utc::now(),
        controller: ctx.tenant.name.clone(),
        consents: card.consents,
        contact_preferences: contact_policy::preferences(db, ctx, id).await?,
        companies: card.companies,
        leads: leads_full,
        deals: deals_full,
        contracts,
        interactions: calls::interactions(db, ctx, EntityType::Person, id).await?,
        meetings: meetings::of_record(db, ctx, EntityType::Person, id).await?,
        notes: card.notes,
        documents: card.documents,
        tickets: ticket_list,
        tasks: task_list,
        timeline: notes::timeline(db, ctx, EntityType::Person, id, 0, MAX_TIMELINE)
            .await?
            .items,
        person: card.person,
    };
    let event = AuditEvent {
        id: Uuid::now_v7(),
        at: Utc::now(),
        user_id: Some(ctx.user.id),
        user_name: None,
        action: "gdpr_access".into(),
        subject: format!("person:{id}"),
        detail: serde_json::json!({
            "leads": export.leads.len(),
            "deals": export.deals.len(),
            "contracts": export.contracts.len(),
            "interactions": export.interactions.len(),
            "timeline": export.timeline.len(),
        })
        .to_string(),
    };
    with_conn!(db, |c| c.insert_audit_event(ctx.tenant_id(), &event).await)?;
    Ok(export)
}
