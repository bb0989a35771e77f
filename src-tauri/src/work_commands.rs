//! Tauri commands of tickets, tasks and kits (issue 16): thin; the core
//! checks the acting user's right on each record, ticket and task.

use banco::services::{kits, tasks, tickets};
use banco::wire::{self, Response};
use banco::{Error, Result};
use tauri::State;

use crate::AppState;

/// A task list.
#[tauri::command]
pub async fn list_tasks(
    state: State<'_, AppState>,
    req: wire::ListTasks,
) -> Result<Response<wire::ListTasks>> {
    let wire::ListTasks { query } = req;
    let (db, ctx) = state.acting().await?;
    tasks::list(&db, &ctx, &query).await
}

/// A task by hand.
#[tauri::command]
pub async fn add_task(
    state: State<'_, AppState>,
    req: wire::AddTask,
) -> Result<Response<wire::AddTask>> {
    let wire::AddTask { task } = req;
    let (db, ctx) = state.acting().await?;
    tasks::add(&db, &ctx, &task).await
}

/// A task done or reopened.
#[tauri::command]
pub async fn set_task_done(
    state: State<'_, AppState>,
    req: wire::SetTaskDone,
) -> Result<Response<wire::SetTaskDone>> {
    let wire::SetTaskDone { id, done } = req;
    let (db, ctx) = state.acting().await?;
    tasks::set_done(&db, &ctx, id, done).await
}

/// The tickets list.
#[tauri::command]
pub async fn list_tickets(
    state: State<'_, AppState>,
    req: wire::ListTickets,
) -> Result<Response<wire::ListTickets>> {
    let wire::ListTickets { query } = req;
    let (db, ctx) = state.acting().await?;
    tickets::list(&db, &ctx, &query).await
}

/// One ticket.
#[tauri::command]
pub async fn ticket_detail(
    state: State<'_, AppState>,
    req: wire::TicketDetail,
) -> Result<Response<wire::TicketDetail>> {
    let wire::TicketDetail { id } = req;
    let (db, ctx) = state.acting().await?;
    tickets::detail(&db, &ctx, id).await
}

/// Opens a ticket.
#[tauri::command]
pub async fn open_ticket(
    state: State<'_, AppState>,
    req: wire::OpenTicket,
) -> Result<Response<wire::OpenTicket>> {
    let wire::OpenTicket { ticket } = req;
    let (db, ctx) = state.acting().await?;
    tickets::open(&db, &ctx, &ticket).await
}

/// Closes a ticket.
#[tauri::command]
pub async fn close_ticket(
    state: State<'_, AppState>,
    req: wire::CloseTicket,
) -> Result<Response<wire::CloseTicket>> {
    let wire::CloseTicket { id } = req;
    let (db, ctx) = state.acting().await?;
    tickets::close(&db, &ctx, id).await
}

/// The workflow templates.
#[tauri::command]
pub async fn list_templates(
    state: State<'_, AppState>,
    req: wire::ListTemplates,
) -> Result<Response<wire::ListTemplates>> {
    let wire::ListTemplates {} = req;
    let (db, ctx) = state.acting().await?;
    tickets::templates(&db, &ctx).await
}

/// The kits.
#[tauri::command]
pub async fn list_kits(
    state: State<'_, AppState>,
    req: wire::ListKits,
) -> Result<Response<wire::ListKits>> {
    let wire::ListKits {} = req;
    let (db, ctx) = state.acting().await?;
    kits::list(&db, &ctx).await
}

/// Saves a workflow template (admins; the core checks).
#[tauri::command]
pub async fn save_template(
    state: State<'_, AppState>,
    req: wire::SaveTemplate,
) -> Result<Response<wire::SaveTemplate>> {
    let wire::SaveTemplate {
        name,
        ticket_kind,
        pipeline_id,
        milestones,
    } = req;
    let (db, ctx) = state.acting().await?;
    tickets::save_template(&db, &ctx, &name, ticket_kind, pipeline_id, milestones).await
}

/// Adds a kit (admins; the core checks).
#[tauri::command]
pub async fn save_kit(
    state: State<'_, AppState>,
    req: wire::SaveKit,
) -> Result<Response<wire::SaveKit>> {
    let wire::SaveKit { name, services } = req;
    let (db, ctx) = state.acting().await?;
    kits::add(&db, &ctx, &name, services).await
}

/// The tasks of every stage.
#[tauri::command]
pub async fn stage_tasks(
    state: State<'_, AppState>,
    req: wire::StageTasks,
) -> Result<Response<wire::StageTasks>> {
    let wire::StageTasks {} = req;
    let (db, ctx) = state.acting().await?;
    tasks::stage_tasks(&db, &ctx).await
}

/// Sets a stage's tasks (managers; the core checks).
#[tauri::command]
pub async fn save_stage_tasks(
    state: State<'_, AppState>,
    req: wire::SaveStageTasks,
) -> Result<Response<wire::SaveStageTasks>> {
    let wire::SaveStageTasks { stage_id, tasks } = req;
    let (db, ctx) = state.acting().await?;
    tasks::save_stage_tasks(&db, &ctx, stage_id, tasks).await
}

/// One of a kit's buttons on a parent ticket.
#[tauri::command]
pub async fn kit_step(
    state: State<'_, AppState>,
    req: wire::KitStep,
) -> Result<Response<wire::KitStep>> {
    let wire::KitStep { ticket_id, step } = req;
    let (db, ctx) = state.acting().await?;
    match step.as_str() {
        "deals" => kits::generate_deals(&db, &ctx, ticket_id).await,
        "tickets" => kits::create_child_tickets(&db, &ctx, ticket_id).await,
        "activities" => kits::generate_activities(&db, &ctx, ticket_id).await,
        other => Err(Error::Validation(vec![banco::model::FieldError::new(
            "step",
            "unknown_value",
        )
        .with("value", other)
        .with("allowed", "deals, tickets, activities")])),
    }
}

/// The after-sale KPIs.
#[tauri::command]
pub async fn after_sale_kpi(
    state: State<'_, AppState>,
    req: wire::AfterSaleKpi,
) -> Result<Response<wire::AfterSaleKpi>> {
    let wire::AfterSaleKpi { range } = req;
    let (db, ctx) = state.acting().await?;
    banco::services::kpi::after_sale(&db, &ctx, range).await
}
