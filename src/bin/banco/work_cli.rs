//! `banco task …`, `banco ticket …` and `banco kit …`: the back office's
//! tasks, tickets with their milestones and workflow templates, and
//! commercial kits (issue 16, seed 004). Refusals exit 2 and say why.

use banco::model::{
    EntityType, KitService, NewTask, NewTicket, TaskKind, TaskQuery, TaskScope, TemplateMilestone,
    TemplateTask, TicketKind, TicketPriority, TicketQuery,
};
use banco::services::{kits, pipelines, tasks, tickets, Ctx};
use banco::store::Db;
use banco::{Error, Result};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use uuid::Uuid;

use crate::output::{print_list, print_one, ListArgs, OutFormat, ShowArgs};
use crate::parse;

/// `banco task …`.
#[derive(clap::Subcommand)]
pub enum TaskCommand {
    /// My open tasks (overdue, today, upcoming), or my store's.
    List {
        /// My store's tasks instead of mine.
        #[arg(long)]
        store: bool,
        /// Done ones too.
        #[arg(long)]
        done: bool,
        /// One record's tasks (id).
        #[arg(long)]
        record: Option<Uuid>,
        /// One ticket's tasks (id).
        #[arg(long)]
        ticket: Option<Uuid>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Add a task on a record.
    Add {
        /// What to do.
        title: String,
        /// person, company, lead or deal.
        #[arg(long)]
        on: String,
        /// The record's id.
        #[arg(long)]
        id: Uuid,
        /// Due (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC).
        #[arg(long)]
        due: Option<String>,
        /// Who does it (user id; you when absent).
        #[arg(long)]
        assignee: Option<Uuid>,
        /// A call to make rather than a to-do.
        #[arg(long)]
        call: bool,
    },
    /// The tasks a deal gets when it enters a pipeline's stage; with
    /// --task, set them (managers; "TITLE (DAYS)", repeatable; --clear
    /// removes them).
    Stage {
        /// Pipeline (name or id).
        pipeline: String,
        /// Stage name.
        stage: String,
        /// A task, repeatable: "TITLE" or "TITLE (DAYS)".
        #[arg(long = "task")]
        tasks: Vec<String>,
        /// Remove the stage's tasks.
        #[arg(long)]
        clear: bool,
    },
    /// Mark a task done (or open again with --reopen).
    Done {
        /// Task id.
        id: Uuid,
        /// Open it again.
        #[arg(long)]
        reopen: bool,
    },
}

/// `banco ticket …`.
#[derive(clap::Subcommand)]
pub enum TicketCommand {
    /// Open tickets by SLA due time (closed ones with --all).
    List {
        /// Closed ones too.
        #[arg(long)]
        all: bool,
        /// activation, assistance or complaint.
        #[arg(long)]
        kind: Option<String>,
        /// One store's (id).
        #[arg(long)]
        store: Option<Uuid>,
        /// Only those past their SLA.
        #[arg(long)]
        overdue: bool,
        /// One record's (id).
        #[arg(long)]
        record: Option<Uuid>,
        /// One deal's (id): opened on it, or working it or its contract.
        #[arg(long)]
        deal: Option<Uuid>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// A ticket with its milestones, tasks, child tickets and kit deals.
    Show {
        /// Ticket id.
        id: Uuid,
        #[command(flatten)]
        show: ShowArgs,
    },
    /// Open a ticket on a record (--on TYPE --id ID), a contract (--contract ID)
    /// or from a call or message (--interaction ID).
    Add {
        /// person, company, lead or deal.
        #[arg(long)]
        on: Option<String>,
        /// The record's id.
        #[arg(long)]
        id: Option<Uuid>,
        /// The contract it works.
        #[arg(long)]
        contract: Option<Uuid>,
        /// The call or message it comes from (its record is the ticket's).
        #[arg(long)]
        interaction: Option<Uuid>,
        /// activation, assistance or complaint (activation when absent;
        /// assistance from an interaction).
        #[arg(long)]
        kind: Option<String>,
        /// low, normal, high or urgent.
        #[arg(long, default_value = "normal")]
        priority: String,
        /// Its title (the template's name and the record's when absent).
        #[arg(long, default_value = "")]
        title: String,
        /// The workflow template (name); the kind's own when absent.
        #[arg(long)]
        template: Option<String>,
        /// A commercial kit to expand (name).
        #[arg(long)]
        kit: Option<String>,
        /// Who works it (user id; you when absent).
        #[arg(long)]
        assignee: Option<Uuid>,
    },
    /// Close a ticket: its open tasks are marked done.
    Close {
        /// Ticket id.
        id: Uuid,
    },
    /// Workflow templates (admins).
    Template {
        #[command(subcommand)]
        command: TemplateCommand,
    },
}

/// `banco ticket template …`.
#[derive(clap::Subcommand)]
pub enum TemplateCommand {
    /// The templates.
    List {
        #[command(flatten)]
        list: ListArgs,
    },
    /// Add a template, or replace the one of that name.
    Add {
        /// Its name.
        name: String,
        /// activation, assistance or complaint.
        #[arg(long, default_value = "activation")]
        kind: String,
        /// Only for deals of this pipeline (name or id).
        #[arg(long)]
        pipeline: Option<String>,
        /// A milestone, repeatable: "NAME: TASK, TASK (DAYS), …" (a task
        /// is due DAYS after the ticket opens; 0 when not given).
        #[arg(long = "milestone", required = true)]
        milestones: Vec<String>,
    },
}

/// `banco kit …`.
#[derive(clap::Subcommand)]
pub enum KitCommand {
    /// The kits.
    List {
        #[command(flatten)]
        list: ListArgs,
    },
    /// Add a kit (admins).
    Add {
        /// Its name.
        name: String,
        /// A service, repeatable: "PRODUCT; PIPELINE; ONE-OFF; MONTHLY".
        #[arg(long = "service", required = true)]
        services: Vec<String>,
    },
    /// Expand a kit: from a parent ticket (--ticket) run its buttons, or
    /// open one with --kit on a record (--on TYPE --id ID) and generate its deals.
    Expand {
        /// The parent ticket.
        #[arg(long)]
        ticket: Option<Uuid>,
        /// deals, tickets, activities or all.
        #[arg(long, default_value = "all")]
        step: String,
        /// The kit (with --on and --id).
        #[arg(long)]
        kit: Option<String>,
        /// person or company.
        #[arg(long)]
        on: Option<String>,
        /// The record's id.
        #[arg(long)]
        id: Option<Uuid>,
    },
}

fn entity(on: &str) -> Result<EntityType> {
    parse(EntityType::parse(on, "on"))
}

/// A due time: a day (09:00 UTC) or a day and time, UTC.
fn due(text: &str) -> Result<DateTime<Utc>> {
    let t = text.trim();
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(9, 0, 0).unwrap_or_default())
        })
        .map(|n| n.and_utc())
        .map_err(|_| {
            Error::Validation(vec![
                banco::model::FieldError::new("due", "invalid_date").with("value", t)
            ])
        })
}

/// Runs `banco task …`.
pub async fn task(db: &Db, ctx: &Ctx, command: TaskCommand) -> Result<()> {
    match command {
        TaskCommand::List {
            store,
            done,
            record,
            ticket,
            list,
        } => {
            let q = TaskQuery {
                scope: (store || (record.is_none() && ticket.is_none())).then_some(if store {
                    TaskScope::Store
                } else {
                    TaskScope::Mine
                }),
                include_done: done,
                entity_id: record,
                ticket_id: ticket,
                limit: Some(list.limit()),
                offset: Some(list.offset),
            };
            let page = tasks::list(db, ctx, &q).await?;
            print_list(
                &list,
                &page.items,
                page.total,
                &[
                    "id",
                    "bucket",
                    "due_at",
                    "title",
                    "record_title",
                    "assignee_name",
                    "ticket_title",
                    "status",
                ],
            )
        }
        TaskCommand::Add {
            title,
            on,
            id,
            due: when,
            assignee,
            call,
        } => {
            let new = NewTask {
                title,
                kind: Some(if call { TaskKind::Call } else { TaskKind::Todo }),
                due_at: when.as_deref().map(due).transpose()?,
                assignee_id: assignee,
                entity_type: Some(entity(&on)?),
                entity_id: Some(id),
            };
            print_one(OutFormat::Json, &tasks::add(db, ctx, &new).await?)
        }
        TaskCommand::Stage {
            pipeline,
            stage,
            tasks: given,
            clear,
        } => {
            let p = pipelines::find(db, ctx, &pipeline).await?;
            let stage_id = p
                .stages
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(stage.trim()))
                .map(|s| s.id)
                .ok_or_else(|| Error::NotFound {
                    entity: "stage",
                    id: stage.clone(),
                })?;
            if clear || !given.is_empty() {
                let list = given
                    .iter()
                    .enumerate()
                    .map(|(i, t)| parse(TemplateTask::parse(t, &format!("tasks.{i}"))))
                    .collect::<Result<Vec<_>>>()?;
                tasks::save_stage_tasks(db, ctx, stage_id, list).await?;
            }
            let now: Vec<TemplateTask> = tasks::stage_tasks(db, ctx)
                .await?
                .into_iter()
                .find(|(s, _)| *s == stage_id)
                .map(|(_, t)| t)
                .unwrap_or_default();
            print_one(OutFormat::Json, &now)
        }
        TaskCommand::Done { id, reopen } => print_one(
            OutFormat::Json,
            &tasks::set_done(db, ctx, id, !reopen).await?,
        ),
    }
}

/// Runs `banco ticket …`.
pub async fn ticket(db: &Db, ctx: &Ctx, command: TicketCommand) -> Result<()> {
    match command {
        TicketCommand::List {
            all,
            kind,
            store,
            overdue,
            record,
            deal,
            list,
        } => {
            let q = TicketQuery {
                include_closed: all,
                kind: kind
                    .as_deref()
                    .map(|k| parse(TicketKind::parse(k, "kind")))
                    .transpose()?,
                store_id: store,
                entity_id: record,
                deal_id: deal,
                overdue,
                limit: Some(list.limit()),
                offset: Some(list.offset),
            };
            let page = tickets::list(db, ctx, &q).await?;
            print_list(
                &list,
                &page.items,
                page.total,
                &[
                    "id",
                    "kind",
                    "priority",
                    "status",
                    "title",
                    "record_title",
                    "assignee_name",
                    "sla_due_at",
                    "open_tasks",
                ],
            )
        }
        TicketCommand::Show { id, show } => {
            print_one(show.format, &tickets::detail(db, ctx, id).await?)
        }
        TicketCommand::Add {
            on,
            id,
            contract,
            interaction,
            kind,
            priority,
            title,
            template,
            kit,
            assignee,
        } => {
            let new = NewTicket {
                kind: kind
                    .as_deref()
                    .map(|k| parse(TicketKind::parse(k, "kind")))
                    .transpose()?,
                title,
                priority: Some(parse(TicketPriority::parse(&priority, "priority"))?),
                entity_type: on.as_deref().map(entity).transpose()?,
                entity_id: id,
                contract_id: contract,
                interaction_id: interaction,
                template,
                kit,
                assignee_id: assignee,
            };
            print_one(OutFormat::Json, &tickets::open(db, ctx, &new).await?)
        }
        TicketCommand::Close { id } => {
            print_one(OutFormat::Json, &tickets::close(db, ctx, id).await?)
        }
        TicketCommand::Template { command } => match command {
            TemplateCommand::List { list } => {
                let (rows, total) = list.page_of(tickets::templates(db, ctx).await?);
                print_list(
                    &list,
                    &rows,
                    total,
                    &["id", "name", "ticket_kind", "pipeline_id", "milestones"],
                )
            }
            TemplateCommand::Add {
                name,
                kind,
                pipeline,
                milestones,
            } => {
                let pipeline_id = match pipeline {
                    Some(p) => Some(pipelines::find(db, ctx, &p).await?.id),
                    None => None,
                };
                let milestones = milestones
                    .iter()
                    .enumerate()
                    .map(|(i, m)| parse(TemplateMilestone::parse(m, &format!("milestones.{i}"))))
                    .collect::<Result<Vec<_>>>()?;
                let kind = parse(TicketKind::parse(&kind, "kind"))?;
                let saved =
                    tickets::save_template(db, ctx, &name, kind, pipeline_id, milestones).await?;
                print_one(OutFormat::Json, &saved)
            }
        },
    }
}

/// Runs `banco kit …`.
pub async fn kit(db: &Db, ctx: &Ctx, command: KitCommand) -> Result<()> {
    match command {
        KitCommand::List { list } => {
            let (rows, total) = list.page_of(kits::list(db, ctx).await?);
            print_list(&list, &rows, total, &["id", "name", "services"])
        }
        KitCommand::Add { name, services } => {
            let known = pipelines::list(db, ctx).await?;
            let out = services
                .iter()
                .enumerate()
                .map(|(i, s)| parse(KitService::parse(s, &format!("services.{i}"), &known)))
                .collect::<Result<Vec<_>>>()?;
            print_one(OutFormat::Json, &kits::add(db, ctx, &name, out).await?)
        }
        KitCommand::Expand {
            ticket,
            step,
            kit,
            on,
            id,
        } => {
            let ticket = match (ticket, kit, on, id) {
                (Some(t), _, _, _) => t,
                (None, Some(kit), Some(on), Some(id)) => {
                    let (t, step) = kits::expand_on_record(db, ctx, entity(&on)?, id, &kit).await?;
                    println!(
                        "ticket {t}: deals {} created, {} already there",
                        step.created, step.existing
                    );
                    t
                }
                _ => return Err(Error::field("ticket", "required")),
            };
            let all = step == "all";
            if !all && !["deals", "tickets", "activities"].contains(&step.as_str()) {
                return Err(Error::Validation(vec![banco::model::FieldError::new(
                    "step",
                    "unknown_value",
                )
                .with("value", step.as_str())
                .with("allowed", "deals, tickets, activities, all")]));
            }
            if all || step == "deals" {
                let s = kits::generate_deals(db, ctx, ticket).await?;
                println!("deals: {} created, {} already there", s.created, s.existing);
            }
            if all || step == "tickets" {
                let s = kits::create_child_tickets(db, ctx, ticket).await?;
                println!(
                    "child tickets: {} created, {} already there",
                    s.created, s.existing
                );
            }
            if all || step == "activities" {
                let s = kits::generate_activities(db, ctx, ticket).await?;
                println!(
                    "activities: {} created, {} already there",
                    s.created, s.existing
                );
            }
            Ok(())
        }
    }
}
