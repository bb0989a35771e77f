//! Tickets, tasks and kits.

use banco::model::{
    Kit, KitStep, NewTask, NewTicket, Page, Task, TaskListItem, TaskQuery, TicketDetail,
    TicketListItem, TicketQuery, WorkflowTemplate,
};
use banco::wire;
use banco::ErrorPayload;
use uuid::Uuid;

use super::invoke;

pub async fn list_tasks(query: &TaskQuery) -> Result<Page<TaskListItem>, ErrorPayload> {
    invoke(wire::ListTasks {
        query: query.clone(),
    })
    .await
}

pub async fn add_task(task: &NewTask) -> Result<Task, ErrorPayload> {
    invoke(wire::AddTask { task: task.clone() }).await
}

pub async fn set_task_done(id: Uuid, done: bool) -> Result<Task, ErrorPayload> {
    invoke(wire::SetTaskDone { id, done }).await
}

pub async fn list_tickets(query: &TicketQuery) -> Result<Page<TicketListItem>, ErrorPayload> {
    invoke(wire::ListTickets {
        query: query.clone(),
    })
    .await
}

pub async fn ticket_detail(id: Uuid) -> Result<TicketDetail, ErrorPayload> {
    invoke(wire::TicketDetail { id }).await
}

pub async fn open_ticket(ticket: &NewTicket) -> Result<TicketDetail, ErrorPayload> {
    invoke(wire::OpenTicket {
        ticket: ticket.clone(),
    })
    .await
}

pub async fn close_ticket(id: Uuid) -> Result<TicketDetail, ErrorPayload> {
    invoke(wire::CloseTicket { id }).await
}

pub async fn list_templates() -> Result<Vec<WorkflowTemplate>, ErrorPayload> {
    invoke(wire::ListTemplates {}).await
}

pub async fn list_kits() -> Result<Vec<Kit>, ErrorPayload> {
    invoke(wire::ListKits {}).await
}

pub async fn kit_step(ticket_id: Uuid, step: &str) -> Result<KitStep, ErrorPayload> {
    invoke(wire::KitStep {
        ticket_id,
        step: step.to_string(),
    })
    .await
}

pub async fn after_sale_kpi(
    range: &banco::model::KpiRange,
) -> Result<banco::model::AfterSaleReport, ErrorPayload> {
    invoke(wire::AfterSaleKpi { range: *range }).await
}
pub async fn save_template(
    name: &str,
    ticket_kind: banco::model::TicketKind,
    pipeline_id: Option<Uuid>,
    milestones: Vec<banco::model::TemplateMilestone>,
) -> Result<WorkflowTemplate, ErrorPayload> {
    invoke(wire::SaveTemplate {
        name: name.to_string(),
        ticket_kind,
        pipeline_id,
        milestones,
    })
    .await
}
pub async fn save_kit(
    name: &str,
    services: Vec<banco::model::KitService>,
) -> Result<Kit, ErrorPayload> {
    invoke(wire::SaveKit {
        name: name.to_string(),
        services,
    })
    .await
}
pub async fn stage_tasks() -> Result<Vec<(Uuid, Vec<banco::model::TemplateTask>)>, ErrorPayload> {
    invoke(wire::StageTasks {}).await
}
pub async fn save_stage_tasks(
    stage_id: Uuid,
    tasks: Vec<banco::model::TemplateTask>,
) -> Result<Vec<banco::model::TemplateTask>, ErrorPayload> {
    invoke(wire::SaveStageTasks { stage_id, tasks }).await
}
