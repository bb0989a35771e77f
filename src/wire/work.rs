//! Tickets, tasks and kits (issue 16, seed 004): the task lists and a
//! task's done/reopen, tickets opened, shown, listed and closed, and a
//! kit's three buttons. The core checks who may see and change each one.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Command;
use crate::model as m;

command! {
    /// "My tasks", "My store's tasks", a record's or a ticket's.
    ListTasks = "list_tasks" {
        query: m::TaskQuery,
    } -> m::Page<m::TaskListItem>
}

command! {
    /// A task by hand on a record. Errors: `Validation`, `NotFound`.
    AddTask = "add_task" {
        task: m::NewTask,
    } -> m::Task
}

command! {
    /// Marks a task done (`done`) or open again; its milestone and ticket
    /// follow. Errors: `NotFound`.
    SetTaskDone = "set_task_done" {
        id: Uuid,
        done: bool,
    } -> m::Task
}

command! {
    /// Tickets by SLA due time.
    ListTickets = "list_tickets" {
        query: m::TicketQuery,
    } -> m::Page<m::TicketListItem>
}

command! {
    /// One ticket with its milestones, tasks, children and kit deals.
    /// Errors: `NotFound`.
    TicketDetail = "ticket_detail" {
        id: Uuid,
    } -> m::TicketDetail
}

command! {
    /// Opens a ticket on a record, a deal or a contract.
    /// Errors: `Validation`, `NotFound`.
    OpenTicket = "open_ticket" {
        ticket: m::NewTicket,
    } -> m::TicketDetail
}

command! {
    /// Closes a ticket (its open tasks are marked done). Errors: `NotFound`.
    CloseTicket = "close_ticket" {
        id: Uuid,
    } -> m::TicketDetail
}

command! {
    /// The workflow templates (for the ticket form).
    ListTemplates = "list_templates" {
    } -> Vec<m::WorkflowTemplate>
}

command! {
    /// The commercial kits (for the ticket form).
    ListKits = "list_kits" {
    } -> Vec<m::Kit>
}

command! {
    /// Saves a workflow template (admins): adds it, or replaces the one of
    /// that name. Errors: `Forbidden` (`edit_templates`); `Validation`
    /// (`name`, `pipeline_id`, `milestones.N.name`, `milestones.N.tasks.M.*`).
    SaveTemplate = "save_template" {
        name: String,
        ticket_kind: m::TicketKind,
        pipeline_id: Option<Uuid>,
        milestones: Vec<m::TemplateMilestone>,
    } -> m::WorkflowTemplate
}

command! {
    /// Adds a commercial kit (admins). Errors: `Forbidden` (`edit_kits`);
    /// `Validation` (`name`, `services`, `services.N.*`).
    SaveKit = "save_kit" {
        name: String,
        services: Vec<m::KitService>,
    } -> m::Kit
}

command! {
    /// The tasks each pipeline stage gives a deal entering it:
    /// `(stage id, tasks)`.
    StageTasks = "stage_tasks" {
    } -> Vec<(Uuid, Vec<m::TemplateTask>)>
}

command! {
    /// Sets the tasks a stage gives a deal entering it (managers); none
    /// removes them. Errors: `Forbidden` (`edit_pipelines`); `Validation`
    /// (`stage_id`, `tasks`, `tasks.N.*`).
    SaveStageTasks = "save_stage_tasks" {
        stage_id: Uuid,
        tasks: Vec<m::TemplateTask>,
    } -> Vec<m::TemplateTask>
}

command! {
    /// One of a parent ticket's kit buttons: `deals` ("Generate deals"),
    /// `tickets` ("Create child tickets") or `activities` ("Generate
    /// activities"); what it created and what was already there.
    /// Errors: `Validation` (`kit`: `required`; `step`), `NotFound`.
    KitStep = "kit_step" {
        ticket_id: Uuid,
        step: String,
    } -> m::KitStep
}

command! {
    /// The after-sale KPIs of `range` (lead times, tickets, contracts,
    /// renewals, churn). Errors: `Validation` (`to`).
    AfterSaleKpi = "after_sale_kpi" {
        range: m::KpiRange,
    } -> m::AfterSaleReport
}
