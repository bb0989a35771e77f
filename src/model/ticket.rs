//! Tickets, milestones and kits (seed 004, issue 16). A ticket is the
//! back office's work on a record (an activation, an assistance request, a
//! complaint); a workflow template says which milestones and standard
//! tasks a new ticket gets; closing every task of a milestone closes the
//! milestone, closing every milestone closes the ticket, and reopening a
//! task reopens both. A kit is a template of services: expanded from a
//! ticket it gives one deal per service, each deal a child ticket, each
//! child milestone a task on its deal.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::field_error::check_name;
use super::string_enum::string_enum;
use super::{EntityType, FieldError, Task};

string_enum! {
    /// What a ticket is for.
    TicketKind {
        /// Bringing a sale to life (signature, documents, activation).
        Activation = "activation",
        /// A customer's request for help.
        Assistance = "assistance",
        /// A customer's complaint.
        Complaint = "complaint",
    }
}

string_enum! {
    /// How soon a ticket needs handling.
    TicketPriority {
        /// When there is time.
        Low = "low",
        /// Normal.
        Normal = "normal",
        /// Soon.
        High = "high",
        /// Now.
        Urgent = "urgent",
    }
}

impl TicketPriority {
    /// The service level of a ticket of this priority: hours from opening
    /// to handled (urgent 4, high 24, normal 72, low 168), unless its
    /// template says otherwise.
    pub fn sla_hours(self) -> u32 {
        match self {
            TicketPriority::Urgent => 4,
            TicketPriority::High => 24,
            TicketPriority::Normal => 72,
            TicketPriority::Low => 168,
        }
    }
}

string_enum! {
    /// Whether a ticket or a milestone is still being worked.
    WorkStatus {
        /// Being worked.
        Open = "open",
        /// Every task (or milestone) is done.
        Closed = "closed",
    }
}

/// One standard task of a template's milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateTask {
    /// What to do.
    pub title: String,
    /// Days after the ticket opens that it is due.
    #[serde(default)]
    pub due_days: u32,
}

/// One milestone of a workflow template, with its standard tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateMilestone {
    /// Its name (e.g. "Onboarding").
    pub name: String,
    /// Its standard tasks, in order.
    pub tasks: Vec<TemplateTask>,
}

/// An `invalid_format` error on `field` for `value`, naming the `expected`
/// shape.
fn bad_format(field: &str, value: &str, expected: &str) -> FieldError {
    FieldError::new(field, "invalid_format")
        .with("value", value)
        .with("expected", expected)
}

impl TemplateTask {
    /// A standard task from the text the command line and the settings
    /// screen write: `TITLE` or `TITLE (DAYS)`, due DAYS days after the
    /// ticket opens (or the deal enters the stage); 0 when not given. A
    /// bracket that holds anything but digits is part of the title
    /// ("Modem (tipo B)").
    ///
    /// Errors: `field` `invalid_format` (a DAYS too large for a number).
    /// The title's own rules are checked where the template is saved.
    pub fn parse(text: &str, field: &str) -> Result<Self, FieldError> {
        let t = text.trim();
        let days = t
            .strip_suffix(')')
            .and_then(|x| x.rsplit_once('('))
            .filter(|(_, d)| !d.trim().is_empty() && d.trim().chars().all(|c| c.is_ascii_digit()));
        match days {
            Some((title, days)) => Ok(TemplateTask {
                title: title.trim().to_string(),
                due_days: days
                    .trim()
                    .parse()
                    .map_err(|_| bad_format(field, t, "TITLE (DAYS)"))?,
            }),
            None => Ok(TemplateTask {
                title: t.to_string(),
                due_days: 0,
            }),
        }
    }

    /// The text [`TemplateTask::parse`] reads back.
    pub fn to_text(&self) -> String {
        match self.due_days {
            0 => self.title.clone(),
            d => format!("{} ({d})", self.title),
        }
    }
}

impl TemplateMilestone {
    /// A milestone from its text: `NAME: TASK, TASK (DAYS), …` (each task
    /// as [`TemplateTask::parse`]; a task title cannot hold a comma).
    ///
    /// Errors: `field` `invalid_format` without the `:`; a task's error on
    /// `field.tasks.N`.
    pub fn parse(text: &str, field: &str) -> Result<Self, FieldError> {
        let (name, tasks) = text
            .split_once(':')
            .ok_or_else(|| bad_format(field, text.trim(), "NAME: TASK, TASK (DAYS)"))?;
        let tasks = tasks
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .enumerate()
            .map(|(i, t)| TemplateTask::parse(t, &format!("{field}.tasks.{i}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TemplateMilestone {
            name: name.trim().to_string(),
            tasks,
        })
    }

    /// The text [`TemplateMilestone::parse`] reads back.
    pub fn to_text(&self) -> String {
        let tasks: Vec<String> = self.tasks.iter().map(TemplateTask::to_text).collect();
        format!("{}: {}", self.name, tasks.join(", "))
    }
}

/// A workflow template: the milestones and standard tasks a new ticket of
/// `ticket_kind` (and, if set, of a deal of `pipeline_id`) gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct WorkflowTemplate {
    /// UUID v7.
    pub id: Uuid,
    /// Its name (unique in the tenant).
    pub name: String,
    /// The kind of ticket it is for.
    pub ticket_kind: TicketKind,
    /// The deals' pipeline it is for (`None`: any).
    pub pipeline_id: Option<Uuid>,
    /// Its milestones, in order.
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<Vec<TemplateMilestone>>")
    )]
    pub milestones: Vec<TemplateMilestone>,
}

/// Most milestones a template may have, and most tasks a milestone.
pub const MAX_TEMPLATE_ITEMS: usize = 30;

/// Checks a template's name and milestones: a name, 1–30 milestones with
/// names, each with 1–30 tasks with titles and due days of at most 365.
///
/// Errors: `name`, `milestones`, `milestones.N.name`,
/// `milestones.N.tasks`, `milestones.N.tasks.M.title` (`required`,
/// `too_long`, `out_of_range`).
pub fn check_template(name: &str, milestones: &[TemplateMilestone]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Err(e) = check_name(name, "name") {
        errors.push(e);
    }
    let count = |field: String, n: usize| {
        (n == 0 || n > MAX_TEMPLATE_ITEMS).then(|| {
            FieldError::new(field, "out_of_range")
                .with("min", "1")
                .with("max", MAX_TEMPLATE_ITEMS.to_string())
        })
    };
    errors.extend(count("milestones".into(), milestones.len()));
    for (i, m) in milestones.iter().enumerate() {
        if let Err(e) = check_name(&m.name, &format!("milestones.{i}.name")) {
            errors.push(e);
        }
        errors.extend(count(format!("milestones.{i}.tasks"), m.tasks.len()));
        for (j, t) in m.tasks.iter().enumerate() {
            if let Err(e) = check_name(&t.title, &format!("milestones.{i}.tasks.{j}.title")) {
                errors.push(e);
            }
            if t.due_days > 365 {
                errors.push(
                    FieldError::new(format!("milestones.{i}.tasks.{j}.due_days"), "out_of_range")
                        .with("min", "0")
                        .with("max", "365"),
                );
            }
        }
    }
    errors
}

/// A ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Ticket {
    /// UUID v7.
    pub id: Uuid,
    /// What it is for.
    pub kind: TicketKind,
    /// Its title.
    pub title: String,
    /// Open or closed.
    pub status: WorkStatus,
    /// How soon.
    pub priority: TicketPriority,
    /// The record it was opened on (the customer: a person or company;
    /// or a lead or deal).
    pub entity_type: EntityType,
    /// That record's id.
    pub entity_id: Uuid,
    /// The deal it works (a kit's service deal, or the deal it was opened from).
    pub deal_id: Option<Uuid>,
    /// The contract it works.
    pub contract_id: Option<Uuid>,
    /// The parent ticket (a kit's child tickets).
    pub parent_id: Option<Uuid>,
    /// The kit it expands (a parent ticket).
    pub kit_id: Option<Uuid>,
    /// The template its milestones came from.
    pub template_id: Option<Uuid>,
    /// Who works it.
    pub assignee_id: Option<Uuid>,
    /// The store it belongs to.
    pub store_id: Option<Uuid>,
    /// When it must be handled by (UTC): opening + the SLA.
    pub sla_due_at: DateTime<Utc>,
    /// When it was opened (UTC).
    pub created_at: DateTime<Utc>,
    /// When it was closed (UTC).
    pub closed_at: Option<DateTime<Utc>>,
    /// The interaction (a call, a message) it was opened from.
    #[serde(default)]
    pub interaction_id: Option<Uuid>,
}

/// A ticket's milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Milestone {
    /// UUID v7.
    pub id: Uuid,
    /// Its ticket.
    pub ticket_id: Uuid,
    /// Order (0 first).
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub position: u32,
    /// Its name.
    pub name: String,
    /// Open or closed.
    pub status: WorkStatus,
    /// When it closed (UTC).
    pub closed_at: Option<DateTime<Utc>>,
}

/// A ticket to open.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewTicket {
    /// What it is for; `activation` when absent.
    pub kind: Option<TicketKind>,
    /// Its title; made from the kind and the record when empty.
    #[serde(default)]
    pub title: String,
    /// How soon; `normal` when absent.
    pub priority: Option<TicketPriority>,
    /// The record (person, company, lead or deal).
    pub entity_type: Option<EntityType>,
    /// That record's id.
    pub entity_id: Option<Uuid>,
    /// The contract it works (its customer becomes the record).
    pub contract_id: Option<Uuid>,
    /// The interaction it comes from (a call or message: its record becomes
    /// the ticket's, its kind defaults to `assistance`).
    #[serde(default)]
    pub interaction_id: Option<Uuid>,
    /// The template to follow by name or id; the kind's (and the deal's
    /// pipeline's) own when absent.
    pub template: Option<String>,
    /// A kit to expand later ("Generate deals").
    pub kit: Option<String>,
    /// Who works it; the acting user when absent.
    pub assignee_id: Option<Uuid>,
}

/// Everything about one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetail {
    /// The ticket.
    pub ticket: Ticket,
    /// The record's title.
    pub record_title: Option<String>,
    /// The assignee's name.
    pub assignee_name: Option<String>,
    /// Its milestones, in order, each with its tasks.
    pub milestones: Vec<(Milestone, Vec<Task>)>,
    /// Its child tickets (a kit's services).
    pub children: Vec<Ticket>,
    /// The deals its kit generated, by service: `(service index, deal id)`.
    pub kit_deals: Vec<(u32, Uuid)>,
}

/// A ticket with what a list shows beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct TicketListItem {
    /// The ticket.
    #[cfg_attr(feature = "store", sqlx(flatten))]
    #[serde(flatten)]
    pub ticket: Ticket,
    /// The record's title.
    pub record_title: Option<String>,
    /// The assignee's name.
    pub assignee_name: Option<String>,
    /// Open tasks left.
    pub open_tasks: i64,
}

/// Which tickets a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TicketQuery {
    /// Only open ones (default) or closed ones too.
    #[serde(default)]
    pub include_closed: bool,
    /// Only this kind.
    pub kind: Option<TicketKind>,
    /// Only this store's.
    pub store_id: Option<Uuid>,
    /// Only one record's.
    pub entity_id: Option<Uuid>,
    /// Only one deal's: opened on it, or working it or its contract.
    #[serde(default)]
    pub deal_id: Option<Uuid>,
    /// Only those past their SLA.
    #[serde(default)]
    pub overdue: bool,
    /// Page size (1–500; 50 when absent).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// One service of a commercial kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitService {
    /// The product (the deal's offer line), e.g. "Fibra 1 Gbit".
    pub product: String,
    /// The pipeline its deal opens in (by id).
    pub pipeline_id: Uuid,
    /// One-off price, minor units.
    #[serde(default)]
    pub one_off_minor: i64,
    /// Monthly price, minor units.
    #[serde(default)]
    pub monthly_minor: i64,
}

impl KitService {
    /// A service from its text: `PRODUCT; PIPELINE; ONE-OFF; MONTHLY`, the
    /// pipeline by name (case ignored) or id among `pipelines`, the prices
    /// as [`super::parse_money`] reads them (`29,90`).
    ///
    /// Errors: `field` `invalid_format` (not four parts), `field.pipeline_id`
    /// `unknown_value`, `field.one_off` / `field.monthly` `not_a_number`.
    pub fn parse(
        text: &str,
        field: &str,
        pipelines: &[super::Pipeline],
    ) -> Result<Self, FieldError> {
        let parts: Vec<&str> = text.split(';').map(str::trim).collect();
        let [product, pipeline, one_off, monthly] = parts[..] else {
            return Err(bad_format(
                field,
                text.trim(),
                "PRODUCT; PIPELINE; ONE-OFF; MONTHLY",
            ));
        };
        let pipeline_id = pipelines
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(pipeline) || p.id.to_string() == pipeline)
            .ok_or_else(|| {
                let names: Vec<&str> = pipelines.iter().map(|p| p.name.as_str()).collect();
                FieldError::new(format!("{field}.pipeline_id"), "unknown_value")
                    .with("value", pipeline)
                    .with("allowed", names.join(", "))
            })?
            .id;
        Ok(KitService {
            product: product.to_string(),
            pipeline_id,
            one_off_minor: super::parse_money(one_off, &format!("{field}.one_off"))?,
            monthly_minor: super::parse_money(monthly, &format!("{field}.monthly"))?,
        })
    }
}

/// A commercial kit (e.g. "Casa completa": fibre + electricity + gas +
/// mobile): a template of services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Kit {
    /// UUID v7.
    pub id: Uuid,
    /// Its name (unique in the tenant).
    pub name: String,
    /// Its services, in order.
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<Vec<KitService>>")
    )]
    pub services: Vec<KitService>,
}

/// What one press of a kit button did: how many things it created and how
/// many were already there (pressing it again creates nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KitStep {
    /// Created now.
    pub created: u32,
    /// Already there.
    pub existing: u32,
}

// Read from their JSON columns (`JsonText`).
#[cfg(feature = "store")]
impl From<super::JsonText<Vec<TemplateMilestone>>> for Vec<TemplateMilestone> {
    fn from(text: super::JsonText<Vec<TemplateMilestone>>) -> Self {
        text.0
    }
}

#[cfg(feature = "store")]
impl From<super::JsonText<Vec<KitService>>> for Vec<KitService> {
    fn from(text: super::JsonText<Vec<KitService>>) -> Self {
        text.0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_template_names_every_bad_item() {
        let bad = vec![TemplateMilestone {
            name: " ".into(),
            tasks: vec![TemplateTask {
                title: "".into(),
                due_days: 400,
            }],
        }];
        let fields: Vec<_> = check_template("", &bad)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "name",
                "milestones.0.name",
                "milestones.0.tasks.0.title",
                "milestones.0.tasks.0.due_days"
            ]
        );
        assert_eq!(check_template("Onboarding", &[]).len(), 1);
    }

    #[test]
    fn slas_shorten_with_priority() {
        let hours: Vec<_> = TicketPriority::ALL.iter().map(|p| p.sla_hours()).collect();
        assert_eq!(hours, vec![168, 72, 24, 4]);
    }

    #[test]
    fn milestones_and_tasks_read_their_text_and_write_it_back() {
        let m = TemplateMilestone::parse(
            " Attivazione : Inviare il contratto, Verificare l'attivazione (3) ,",
            "milestones.0",
        )
        .unwrap();
        assert_eq!(m.name, "Attivazione");
        assert_eq!(
            m.tasks,
            vec![
                TemplateTask {
                    title: "Inviare il contratto".into(),
                    due_days: 0
                },
                TemplateTask {
                    title: "Verificare l'attivazione".into(),
                    due_days: 3
                },
            ]
        );
        let text = m.to_text();
        assert_eq!(
            text,
            "Attivazione: Inviare il contratto, Verificare l'attivazione (3)"
        );
        assert_eq!(TemplateMilestone::parse(&text, "m").unwrap(), m);
        // Which line and why.
        let no_colon = TemplateMilestone::parse("Firma e documenti", "milestones.2").unwrap_err();
        assert_eq!(
            (no_colon.field.as_str(), no_colon.code.as_str()),
            ("milestones.2", "invalid_format")
        );
        let days =
            TemplateMilestone::parse("Firma: Firmare (99999999999)", "milestones.1").unwrap_err();
        assert_eq!(
            (days.field.as_str(), days.code.as_str()),
            ("milestones.1.tasks.0", "invalid_format")
        );
        assert_eq!(
            TemplateTask::parse("Modem (tipo B)", "t").unwrap(),
            TemplateTask {
                title: "Modem (tipo B)".into(),
                due_days: 0
            }
        );
    }

    #[test]
    fn a_kit_service_reads_its_pipeline_by_name_and_italian_prices() {
        let fisso = super::super::Pipeline {
            id: Uuid::now_v7(),
            name: "Fisso".into(),
            position: 0,
            archived: false,
            stages: Vec::new(),
        };
        let pipelines = [fisso.clone()];
        let s = KitService::parse(
            "Fibra 1 Gbit; fisso; 49,00; 29,90",
            "services.0",
            &pipelines,
        )
        .unwrap();
        assert_eq!(
            s,
            KitService {
                product: "Fibra 1 Gbit".into(),
                pipeline_id: fisso.id,
                one_off_minor: 4_900,
                monthly_minor: 2_990,
            }
        );
        let unknown =
            KitService::parse("Luce; Energia; 0; 10", "services.1", &pipelines).unwrap_err();
        assert_eq!(
            (unknown.field.as_str(), unknown.code.as_str()),
            ("services.1.pipeline_id", "unknown_value")
        );
        assert_eq!(
            unknown.params.get("allowed").map(String::as_str),
            Some("Fisso")
        );
        let short = KitService::parse("Luce; Fisso", "services.2", &pipelines).unwrap_err();
        assert_eq!(short.code, "invalid_format");
        let price =
            KitService::parse("Luce; Fisso; zero; 10", "services.3", &pipelines).unwrap_err();
        assert_eq!(
            (price.field.as_str(), price.code.as_str()),
            ("services.3.one_off", "not_a_number")
        );
    }
}
