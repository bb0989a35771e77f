//! Tasks for every desk (issue 16): made by hand on any record, by a
//! ticket's workflow template and by a kit's "Generate activities"; "My
//! tasks" and "My store's tasks" as overdue, today and upcoming in the
//! tenant's time zone; done and reopened, which closes or reopens the
//! task's milestone and ticket (seed 004: closing every task closes the
//! milestone, closing every milestone closes the ticket). Each step lands
//! on the record's timeline.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::search_index::record_title;
use super::{now, Ctx};
use crate::model::{
    check_name, due_bucket, Deal, EntityType, FieldError, NewTask, Page, RecordScope, Task,
    TaskKind, TaskListItem, TaskQuery, TaskScope, TaskStatus, TemplateTask, WorkStatus,
    MAX_TEMPLATE_ITEMS,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// The tenant's time zone (its contact rules'; Europe/Rome when unset or
/// unknown): where "today" is for the task lists.
pub(crate) async fn tenant_zone(c: &mut Conn<'_>, tenant: Uuid) -> Result<Tz> {
    Ok(c.contact_policy(tenant)
        .await?
        .and_then(|p| p.time_zone.parse().ok())
        .unwrap_or(chrono_tz::Europe::Rome))
}

/// A task of `record` for `assignee` (their store, else the acting
/// user's), open, made now.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn new_task(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    title: String,
    kind: TaskKind,
    due_at: Option<DateTime<Utc>>,
    assignee: Option<Uuid>,
    (entity_type, entity_id): (EntityType, Uuid),
    (ticket_id, milestone_id): (Option<Uuid>, Option<Uuid>),
) -> Result<Task> {
    let store_id = match assignee {
        Some(a) if a != ctx.user.id => c
            .get_user(ctx.tenant_id(), a)
            .await?
            .and_then(|u| u.store_id)
            .or(ctx.user.store_id),
        _ => ctx.user.store_id,
    };
    Ok(Task {
        id: Uuid::now_v7(),
        title,
        kind,
        status: TaskStatus::Open,
        due_at,
        assignee_id: assignee,
        store_id,
        entity_type,
        entity_id,
        ticket_id,
        milestone_id,
        done_at: None,
        created_at: now(),
    })
}

/// Creates a task by hand on a record the acting user sees, for an active
/// colleague (themselves when no assignee is given).
///
/// Errors: [`Error::Validation`] (`title`, `entity_id`, `assignee_id`:
/// `unknown_value`); [`Error::NotFound`] for a record that does not exist
/// or is out of the user's sight.
pub async fn add(db: &Db, ctx: &Ctx, new: &NewTask) -> Result<Task> {
    let (title, entity_type, entity_id) = new.check().map_err(Error::Validation)?;
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        record_title(c, tenant, entity_type, entity_id).await?;
        super::context::require_visible(c, ctx, entity_id).await?;
        let assignee = new.assignee_id.unwrap_or(ctx.user.id);
        if !c
            .get_user(tenant, assignee)
            .await?
            .is_some_and(|u| u.active)
        {
            return Err(Error::Validation(vec![FieldError::new(
                "assignee_id",
                "unknown_value",
            )
            .with("value", assignee.to_string())]));
        }
        let task = new_task(
            c,
            ctx,
            title,
            new.kind.unwrap_or(TaskKind::Todo),
            new.due_at,
            Some(assignee),
            (entity_type, entity_id),
            (None, None),
        )
        .await?;
        c.insert_task(tenant, &task, Some(ctx.user.id), None)
            .await?;
        c.insert_record_event(
            tenant,
            entity_type,
            entity_id,
            "task_added",
            Some(&task.title),
            Some(ctx.user.id),
            task.created_at,
        )
        .await?;
        Ok(task)
    })
}

/// A task list ([`TaskQuery`]): "My tasks" (assigned to the acting user),
/// "My store's tasks" (of their working stores; an admin's: the tenant's),
/// a record's or a ticket's; each open task with its bucket (overdue,
/// today, upcoming) in the tenant's time zone.
pub async fn list(db: &Db, ctx: &Ctx, q: &TaskQuery) -> Result<Page<TaskListItem>> {
    let stores: Option<Vec<Uuid>> = match (q.scope, ctx.record_scope()) {
        (Some(TaskScope::Store), RecordScope::Limited { stores, .. }) => Some(stores),
        (Some(TaskScope::Store), RecordScope::Tenant) => None,
        _ => Some(Vec::new()),
    };
    with_conn!(db, |c| {
        let zone = tenant_zone(c, ctx.tenant_id()).await?;
        let today = now().with_timezone(&zone).date_naive();
        let mut page = c
            .list_tasks(ctx.tenant_id(), q, ctx.user.id, stores.as_deref())
            .await?;
        for item in &mut page.items {
            if item.task.status == TaskStatus::Open {
                item.bucket = Some(due_bucket(item.task.due_at, today, |t| {
                    t.with_timezone(&zone).date_naive()
                }));
            }
        }
        Ok(page)
    })
}

/// Marks a task done (`done`) or open again, then closes or reopens what
/// it belongs to: its milestone closes when its last open task is done and
/// its ticket when its last open milestone closes; reopening a task
/// reopens both. Doing a done task again changes nothing.
///
/// Errors: [`Error::NotFound`] (`task`, or its record out of sight).
pub async fn set_done(db: &Db, ctx: &Ctx, id: Uuid, done: bool) -> Result<Task> {
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let missing = || Error::NotFound {
            entity: "task",
            id: id.to_string(),
        };
        let task = c.get_task(tenant, id).await?.ok_or_else(missing)?;
        super::context::require_visible(c, ctx, task.entity_id).await?;
        let status = if done {
            TaskStatus::Done
        } else {
            TaskStatus::Open
        };
        if task.status == status {
            return Ok(task);
        }
        let at = now();
        c.set_task_status(
            tenant,
            id,
            status,
            done.then_some(ctx.user.id),
            done.then_some(at),
        )
        .await?;
        let kind = if done { "task_done" } else { "task_reopened" };
        c.insert_record_event(
            tenant,
            task.entity_type,
            task.entity_id,
            kind,
            Some(&task.title),
            Some(ctx.user.id),
            at,
        )
        .await?;
        cascade(c, ctx, &task, done, at).await?;
        c.get_task(tenant, id).await?.ok_or_else(missing)
    })
}

/// Closes or reopens `task`'s milestone and ticket after it was done or
/// reopened, writing each change on the ticket's record's timeline.
async fn cascade(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    task: &Task,
    done: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    let tenant = ctx.tenant_id();
    let (Some(ticket_id), Some(milestone_id)) = (task.ticket_id, task.milestone_id) else {
        return Ok(());
    };
    let Some(ticket) = c.get_ticket(tenant, ticket_id).await? else {
        return Ok(());
    };
    let milestones = c.milestones_of(tenant, ticket_id).await?;
    let Some(milestone) = milestones.iter().find(|m| m.id == milestone_id) else {
        return Ok(());
    };
    let log = |kind: &'static str, detail: String| (kind, detail);
    let mut events = Vec::new();
    if done {
        if milestone.status == WorkStatus::Open
            && c.open_tasks_of_milestone(tenant, milestone_id).await? == 0
        {
            c.set_milestone_status(tenant, milestone_id, WorkStatus::Closed, Some(at))
                .await?;
            events.push(log("milestone_closed", milestone.name.clone()));
            let others_open = milestones
                .iter()
                .any(|m| m.id != milestone_id && m.status == WorkStatus::Open);
            if !others_open && ticket.status == WorkStatus::Open {
                c.set_ticket_status(tenant, ticket_id, WorkStatus::Closed, Some(at))
                    .await?;
                events.push(log("ticket_closed", ticket.title.clone()));
                super::contracts::activated_by_ticket(c, ctx, &ticket, at).await?;
            }
        }
    } else {
        if milestone.status == WorkStatus::Closed {
            c.set_milestone_status(tenant, milestone_id, WorkStatus::Open, None)
                .await?;
            events.push(log("milestone_reopened", milestone.name.clone()));
        }
        if ticket.status == WorkStatus::Closed {
            c.set_ticket_status(tenant, ticket_id, WorkStatus::Open, None)
                .await?;
            events.push(log("ticket_reopened", ticket.title.clone()));
        }
    }
    for (kind, detail) in events {
        c.insert_record_event(
            tenant,
            ticket.entity_type,
            ticket.entity_id,
            kind,
            Some(&detail),
            Some(ctx.user.id),
            at,
        )
        .await?;
    }
    Ok(())
}

/// The tasks each pipeline stage gives a deal entering it: `(stage, tasks)`.
pub async fn stage_tasks(db: &Db, ctx: &Ctx) -> Result<Vec<(Uuid, Vec<TemplateTask>)>> {
    with_conn!(db, |c| c.list_stage_tasks(ctx.tenant_id()).await)
}

/// Sets the tasks `stage` gives a deal entering it (managers): at most 30,
/// each with a title and due 0–365 days after the entry; none removes
/// them. Deals already in the stage get nothing.
///
/// Errors: [`Error::Forbidden`] (`edit_pipelines`); [`Error::Validation`]
/// (`stage_id`: `unknown_value`; `tasks`: `out_of_range`;
/// `tasks.N.title`, `tasks.N.due_days`).
pub async fn save_stage_tasks(
    db: &Db,
    ctx: &Ctx,
    stage: Uuid,
    tasks: Vec<TemplateTask>,
) -> Result<Vec<TemplateTask>> {
    ctx.require_manager("edit_pipelines")?;
    let mut errors = Vec::new();
    if tasks.len() > MAX_TEMPLATE_ITEMS {
        errors.push(
            FieldError::new("tasks", "out_of_range")
                .with("min", "0")
                .with("max", MAX_TEMPLATE_ITEMS.to_string()),
        );
    }
    let mut clean = Vec::new();
    for (i, t) in tasks.iter().enumerate() {
        match check_name(&t.title, &format!("tasks.{i}.title")) {
            Ok(title) => clean.push(TemplateTask {
                title,
                due_days: t.due_days,
            }),
            Err(e) => errors.push(e),
        }
        if t.due_days > 365 {
            errors.push(
                FieldError::new(format!("tasks.{i}.due_days"), "out_of_range")
                    .with("min", "0")
                    .with("max", "365"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let known = c
            .list_pipelines(tenant)
            .await?
            .iter()
            .any(|p| p.stages.iter().any(|s| s.id == stage));
        if !known {
            return Err(Error::Validation(vec![FieldError::new(
                "stage_id",
                "unknown_value",
            )
            .with("value", stage.to_string())]));
        }
        c.save_stage_tasks(tenant, stage, &clean).await?;
        Ok(clean.clone())
    })
}

/// When `deal` enters `stage`: the stage's tasks, on the deal, for its
/// owner (else the acting user), each due its days after now. Made once
/// per deal and stage (a deal moved back and forth gets them once). In the
/// caller's transaction; the number made.
pub(crate) async fn on_stage_entry(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    deal: &Deal,
    stage: Uuid,
) -> Result<u32> {
    let tenant = ctx.tenant_id();
    let Some((_, tasks)) = c
        .list_stage_tasks(tenant)
        .await?
        .into_iter()
        .find(|(s, _)| *s == stage)
    else {
        return Ok(0);
    };
    let at = now();
    let mut made = 0;
    for (i, t) in tasks.into_iter().enumerate() {
        let task = new_task(
            c,
            ctx,
            t.title,
            TaskKind::Todo,
            Some(at + chrono::Duration::days(i64::from(t.due_days))),
            Some(deal.owner_id.unwrap_or(ctx.user.id)),
            (EntityType::Deal, deal.id),
            (None, None),
        )
        .await?;
        let key = format!("stage:{}:{stage}:{i}", deal.id);
        if c.insert_task(tenant, &task, Some(ctx.user.id), Some(&key))
            .await?
        {
            made += 1;
        }
    }
    Ok(made)
}
