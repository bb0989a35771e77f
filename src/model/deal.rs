//! Deals, pipelines, campaigns and conversion rules (seed 000, "Pipeline →
//! Deal", "Campagne → Lead"): the shapes and the pure rules.
//!
//! Money is always an `i64` amount in minor units (cents) of the tenant's
//! currency (ISO 4217 code in [`Tenant::currency`](super::Tenant)); dates
//! without a time are calendar dates, instants are UTC.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::contract::{Contract, MAX_CONTRACT_MONTHS};
use super::field_error::check_name;
use super::string_enum::string_enum;
use super::{ConsentKind, FieldError, Interest, SourceChannel};

string_enum! {
    /// A deal's outcome: `open → won | lost` (seed 000). A closed deal can be
    /// reopened into a stage of its pipeline.
    DealStatus {
        /// Being worked in a stage.
        Open = "open",
        /// Closed won: the person or company becomes a customer.
        Won = "won",
        /// Closed lost, with a reason.
        Lost = "lost",
    }
}

string_enum! {
    /// What happened to a deal (its timeline).
    DealEventKind {
        /// Opened by hand.
        Created = "created",
        /// Opened from a lead (by hand or by a conversion rule).
        Converted = "converted",
        /// Created by a file import.
        Imported = "imported",
        /// Moved to another stage.
        StageMoved = "stage_moved",
        /// Marked won.
        Won = "won",
        /// Marked lost.
        Lost = "lost",
        /// Reopened after won or lost.
        Reopened = "reopened",
        /// Lines, owner, dates or probability edited.
        Updated = "updated",
        /// Its customer (person and/or company) was set or changed.
        CustomerLinked = "customer_linked",
    }
}

string_enum! {
    /// When a conversion rule is evaluated.
    RuleTrigger {
        /// When a lead is captured (counter, CLI, import does not trigger).
        Captured = "captured",
        /// When a lead moves to `qualified`.
        Qualified = "qualified",
    }
}

string_enum! {
    /// Who owns the deal a conversion rule opens.
    OwnerMode {
        /// The lead's owner (else the user who triggered the rule).
        LeadOwner = "lead_owner",
        /// The next active user of the lead's store, in turn: the one whose
        /// last deal from this rule is oldest (never = first), ties by name.
        RoundRobin = "round_robin",
        /// A named user.
        User = "user",
    }
}

/// A stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Stage {
    /// UUID v7.
    pub id: Uuid,
    /// Its pipeline.
    pub pipeline_id: Uuid,
    /// Name shown on the board.
    pub name: String,
    /// Order within the pipeline (0 = first).
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub position: u32,
    /// Default win probability of a deal in this stage, percent (0–100).
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub probability: u8,
    /// Hidden from the board and from new moves; deals already in it stay.
    pub archived: bool,
}

/// A sales process with ordered stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Pipeline {
    /// UUID v7.
    pub id: Uuid,
    /// Name, unique in the tenant.
    pub name: String,
    /// Order among pipelines.
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub position: u32,
    /// Archived pipelines take no new deals.
    pub archived: bool,
    /// Its stages by position (archived ones included).
    #[cfg_attr(feature = "store", sqlx(skip))]
    pub stages: Vec<Stage>,
}

impl Pipeline {
    /// The first stage that is not archived (where new deals start).
    pub fn first_stage(&self) -> Option<&Stage> {
        self.stages.iter().find(|s| !s.archived)
    }

    /// A stage of this pipeline by id.
    pub fn stage(&self, id: Uuid) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }
}

/// Checks a probability in percent. Errors: `out_of_range` on `field`.
pub fn check_probability(value: i64, field: &str) -> Result<u8, FieldError> {
    u8::try_from(value)
        .ok()
        .filter(|p| *p <= 100)
        .ok_or_else(|| {
            FieldError::new(field, "out_of_range")
                .with("min", "0")
                .with("max", "100")
        })
}

/// A change to a pipeline's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum PipelineEdit {
    /// Rename the pipeline.
    Rename {
        /// New name.
        name: String,
    },
    /// Archive (`true`) or restore it.
    Archive {
        /// Archived or not.
        archived: bool,
    },
    /// Add a stage at the end.
    AddStage {
        /// Stage name.
        name: String,
        /// Default probability, percent.
        probability: i64,
    },
    /// Rename a stage and set its default probability.
    EditStage {
        /// The stage.
        stage_id: Uuid,
        /// New name.
        name: String,
        /// Default probability, percent.
        probability: i64,
    },
    /// Archive or restore a stage (its deals stay where they are).
    ArchiveStage {
        /// The stage.
        stage_id: Uuid,
        /// Archived or not.
        archived: bool,
    },
    /// Put the stages in this order (every stage id once).
    ReorderStages {
        /// Stage ids, first to last.
        stage_ids: Vec<Uuid>,
    },
}

/// A reason a deal can be lost for (configurable list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostReason {
    /// UUID v7.
    pub id: Uuid,
    /// Label, unique in the tenant.
    pub label: String,
    /// Hidden from new choices.
    pub archived: bool,
}

/// A marketing campaign: a container of inbound leads (1 campaign – N
/// leads), with its cost for CPL, linked to pipelines (a default one plus
/// further links, N:N).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Campaign {
    /// UUID v7 (made by the client).
    pub id: Uuid,
    /// Name, unique in the tenant.
    pub name: String,
    /// The channel it runs on.
    pub channel: SourceChannel,
    /// First day (inclusive).
    pub starts_on: Option<NaiveDate>,
    /// Last day (inclusive).
    pub ends_on: Option<NaiveDate>,
    /// Total cost, minor units of the tenant's currency (≥ 0).
    pub cost_minor: i64,
    /// `utm_source` of its links.
    pub utm_source: Option<String>,
    /// `utm_medium`.
    pub utm_medium: Option<String>,
    /// `utm_campaign`.
    pub utm_campaign: Option<String>,
    /// Pipeline its leads' deals go to by default.
    pub default_pipeline_id: Option<Uuid>,
    /// Further pipelines it feeds (the default one not repeated).
    #[cfg_attr(feature = "store", sqlx(skip))]
    pub pipeline_ids: Vec<Uuid>,
    /// Archived campaigns take no new leads.
    pub archived: bool,
}

impl Campaign {
    /// Validates names, period and cost; returns every problem.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(e) = check_name(&self.name, "name") {
            errors.push(e);
        }
        if let (Some(a), Some(b)) = (self.starts_on, self.ends_on) {
            if b < a {
                errors.push(FieldError::new("ends_on", "before_start"));
            }
        }
        if self.cost_minor < 0 {
            errors.push(FieldError::new("cost_minor", "negative"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// An offer line of a deal: a product or offer, a quantity, and its one-off
/// and monthly recurring prices per unit (minor units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealLine {
    /// UUID v7.
    pub id: Uuid,
    /// Product or offer, e.g. "WindTre Fibra FTTH".
    pub product: String,
    /// Units (≥ 1).
    pub quantity: u32,
    /// One-off price per unit (activation, device), minor units (≥ 0).
    pub one_off_minor: i64,
    /// Monthly recurring price per unit, minor units (≥ 0).
    pub monthly_minor: i64,
}

/// A deal's money: its one-off total, its monthly total and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct DealTotals {
    /// Σ quantity × one-off price, minor units.
    pub one_off_minor: i64,
    /// Σ quantity × monthly price, minor units.
    pub monthly_minor: i64,
    /// The deal's value: one-off + monthly × contract months, minor units.
    /// Used by every value KPI (won revenue, average value, forecast).
    pub value_minor: i64,
}

/// Totals of offer lines over a contract of `contract_months` (saturating:
/// absurd inputs are refused by [`check_lines`] first).
pub fn deal_totals(lines: &[DealLine], contract_months: u32) -> DealTotals {
    let one_off = lines
        .iter()
        .map(|l| l.one_off_minor.saturating_mul(i64::from(l.quantity)))
        .fold(0i64, i64::saturating_add);
    let monthly = lines
        .iter()
        .map(|l| l.monthly_minor.saturating_mul(i64::from(l.quantity)))
        .fold(0i64, i64::saturating_add);
    DealTotals {
        one_off_minor: one_off,
        monthly_minor: monthly,
        value_minor: one_off.saturating_add(monthly.saturating_mul(i64::from(contract_months))),
    }
}

/// Largest accepted unit price, minor units (10 million in major units):
/// also the largest one-off or monthly amount a deal import takes.
pub const MAX_UNIT_MINOR: i64 = 1_000_000_000;
/// Largest accepted quantity on a line.
pub const MAX_QUANTITY: u32 = 10_000;
/// Most offer lines on one deal.
pub const MAX_LINES: usize = 100;
/// Largest deal value (one-off + monthly × months), minor units: 1 billion
/// major. The board's and KPIs' 64-bit sums (of value × probability %) wrap
/// only past 920,000 such deals, and then the database refuses the sum
/// (`integer overflow`, `bigint out of range`): never a wrong total.
pub const MAX_DEAL_VALUE_MINOR: i64 = 100_000_000_000;

/// Checks a deal's terms: its lines ([`check_lines`], at most
/// [`MAX_LINES`]), its contract months (0–[`MAX_CONTRACT_MONTHS`]) and the
/// value they make ([`deal_totals`], at most [`MAX_DEAL_VALUE_MINOR`]).
/// Errors: `out_of_range` on `lines.N.*`, `lines`, `contract_months` or
/// `value_minor` (with `min` and `max`).
pub fn check_terms(lines: &[DealLine], contract_months: u32) -> Vec<FieldError> {
    let out = |field: &str, max: String| {
        FieldError::new(field, "out_of_range")
            .with("min", "0")
            .with("max", max)
    };
    let mut errors = check_lines(lines);
    if lines.len() > MAX_LINES {
        errors.push(out("lines", MAX_LINES.to_string()));
    }
    if contract_months > MAX_CONTRACT_MONTHS {
        errors.push(out("contract_months", MAX_CONTRACT_MONTHS.to_string()));
    }
    let value = deal_totals(lines, contract_months).value_minor;
    if errors.is_empty() && value > MAX_DEAL_VALUE_MINOR {
        errors.push(out("value_minor", minor_to_decimal(MAX_DEAL_VALUE_MINOR)));
    }
    errors
}

/// Checks offer lines; errors name the line: `lines.2.quantity`.
pub fn check_lines(lines: &[DealLine]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let f = |name: &str| format!("lines.{i}.{name}");
        if let Err(e) = check_name(&l.product, &f("product")) {
            errors.push(e);
        }
        if l.quantity == 0 || l.quantity > MAX_QUANTITY {
            errors.push(
                FieldError::new(f("quantity"), "out_of_range")
                    .with("min", "1")
                    .with("max", MAX_QUANTITY.to_string()),
            );
        }
        for (name, v) in [
            ("one_off_minor", l.one_off_minor),
            ("monthly_minor", l.monthly_minor),
        ] {
            if !(0..=MAX_UNIT_MINOR).contains(&v) {
                errors.push(
                    FieldError::new(f(name), "out_of_range")
                        .with("min", "0")
                        .with("max", MAX_UNIT_MINOR.to_string()),
                );
            }
        }
    }
    errors
}

/// A deal: a real opportunity in one pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Deal {
    /// UUID v7.
    pub id: Uuid,
    /// Its pipeline.
    pub pipeline_id: Uuid,
    /// Its current stage (for a closed deal: the stage it closed from).
    pub stage_id: Uuid,
    /// Open, won or lost.
    pub status: DealStatus,
    /// Short title, e.g. "Fibra FTTH – Rossi".
    pub title: String,
    /// The person it is with (this and/or `company_id`).
    pub person_id: Option<Uuid>,
    /// The company (account) it is with.
    pub company_id: Option<Uuid>,
    /// The lead it was opened from.
    pub lead_id: Option<Uuid>,
    /// Responsible user.
    pub owner_id: Option<Uuid>,
    /// Store it belongs to.
    pub store_id: Option<Uuid>,
    /// Campaign, copied from the lead (none for a deal opened by hand).
    pub campaign_id: Option<Uuid>,
    /// Source channel, copied from the lead or set by hand.
    pub source_channel: SourceChannel,
    /// UTM codes copied from the lead: source, medium, campaign, term, content.
    #[cfg_attr(feature = "store", sqlx(flatten))]
    pub utm: Utm,
    /// ISO 4217 currency of every amount (the tenant's).
    pub currency: String,
    /// Totals of the lines (see [`deal_totals`]).
    #[cfg_attr(feature = "store", sqlx(flatten))]
    pub totals: DealTotals,
    /// Contract length for the value, months.
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub contract_months: u32,
    /// Win probability, percent: the stage's default unless overridden.
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub probability: u8,
    /// Whether `probability` was set by hand (then stage moves keep it).
    pub probability_overridden: bool,
    /// Expected close date.
    pub expected_close: Option<NaiveDate>,
    /// When it was won or lost (UTC); `None` while open.
    pub closed_at: Option<DateTime<Utc>>,
    /// Why it was lost.
    pub lost_reason_id: Option<Uuid>,
    /// Free text on the loss.
    pub lost_note: Option<String>,
    /// Id in the system it was imported from (opportunity id).
    pub external_ref: Option<String>,
    /// The conversion rule that opened it.
    pub rule_id: Option<Uuid>,
    /// When it entered its current stage (UTC).
    pub stage_entered_at: DateTime<Utc>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last change (UTC).
    pub updated_at: DateTime<Utc>,
    /// Who created it.
    pub created_by: Option<Uuid>,
    /// Version for optimistic concurrency: 1 when created, +1 on every
    /// write; a save based on an older version is refused with a conflict.
    #[serde(default)]
    pub version: i64,
}

/// One marketing touch of a lead: the campaign, channel and UTM codes it
/// came through, and when. A lead's first touch is the one it was captured
/// with; later touches are recorded when the same person comes back through
/// another channel while the lead is still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Attribution {
    /// Campaign, if any.
    pub campaign_id: Option<Uuid>,
    /// Source channel.
    pub source_channel: SourceChannel,
    /// UTM codes.
    #[cfg_attr(feature = "store", sqlx(flatten))]
    pub utm: Utm,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// UTM codes of a tracked link.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
#[serde(default)]
pub struct Utm {
    /// `utm_source`.
    #[cfg_attr(feature = "store", sqlx(rename = "utm_source"))]
    pub source: Option<String>,
    /// `utm_medium`.
    #[cfg_attr(feature = "store", sqlx(rename = "utm_medium"))]
    pub medium: Option<String>,
    /// `utm_campaign`.
    #[cfg_attr(feature = "store", sqlx(rename = "utm_campaign"))]
    pub campaign: Option<String>,
    /// `utm_term`.
    #[cfg_attr(feature = "store", sqlx(rename = "utm_term"))]
    pub term: Option<String>,
    /// `utm_content`.
    #[cfg_attr(feature = "store", sqlx(rename = "utm_content"))]
    pub content: Option<String>,
}

/// A deal to open by hand (or from a lead: see `lead_id`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NewDeal {
    /// Client-made id (UUID v7) for an idempotent retry; made when absent.
    pub id: Option<Uuid>,
    /// Pipeline.
    pub pipeline_id: Option<Uuid>,
    /// Stage; the pipeline's first when absent.
    pub stage_id: Option<Uuid>,
    /// Title; made from the first line and the customer when empty.
    pub title: String,
    /// Person (this and/or `company_id`, or `lead_id`).
    pub person_id: Option<Uuid>,
    /// Company.
    pub company_id: Option<Uuid>,
    /// Lead to convert: its person, store, campaign, source and UTM are
    /// copied and the lead is marked converted.
    pub lead_id: Option<Uuid>,
    /// Owner; the acting user when absent.
    pub owner_id: Option<Uuid>,
    /// Store; the lead's or the owner's when absent.
    pub store_id: Option<Uuid>,
    /// Source of a deal opened by hand (`store_walkin` = in store,
    /// `inbound_call`, `offline`, …); ignored with a lead.
    pub source_channel: Option<SourceChannel>,
    /// Offer lines.
    pub lines: Vec<DealLine>,
    /// Contract months; [`DEFAULT_CONTRACT_MONTHS`] when absent.
    pub contract_months: Option<u32>,
    /// Probability override in percent; the stage default when absent.
    pub probability: Option<u8>,
    /// Expected close date.
    pub expected_close: Option<NaiveDate>,
}

/// Where a deal moves: another stage, won, lost, or reopened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum DealMove {
    /// Another open stage of its pipeline (the deal must be open).
    Stage {
        /// Target stage.
        stage_id: Uuid,
    },
    /// Won: sets the close time, makes the person/company a customer and
    /// records the contract.
    Won {
        /// Contract start; the close date when absent.
        contract_start: Option<NaiveDate>,
    },
    /// Lost, for a reason from the list.
    Lost {
        /// Reason id (required).
        reason_id: Option<Uuid>,
        /// Free note.
        note: Option<String>,
    },
    /// Reopen a won or lost deal into a stage.
    Reopen {
        /// Target stage.
        stage_id: Uuid,
    },
}

/// A deal's card on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct DealCard {
    /// Deal id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// "First Last" of the person, if any.
    pub person_name: Option<String>,
    /// Company name, if any.
    pub company_name: Option<String>,
    /// Owner's display name.
    pub owner_name: Option<String>,
    /// Value, minor units.
    pub value_minor: i64,
    /// Monthly recurring total, minor units.
    pub monthly_minor: i64,
    /// Probability, percent.
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub probability: u8,
    /// Expected close date.
    pub expected_close: Option<NaiveDate>,
    /// When it entered the stage (UTC).
    pub stage_entered_at: DateTime<Utc>,
}

/// Filters shared by the board and the deal list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DealFilter {
    /// Pipeline (required for the board).
    pub pipeline_id: Option<Uuid>,
    /// Status (the board shows open deals only).
    pub status: Option<DealStatus>,
    /// Owner.
    pub owner_id: Option<Uuid>,
    /// Store.
    pub store_id: Option<Uuid>,
    /// Campaign.
    pub campaign_id: Option<Uuid>,
    /// Expected close on or after.
    pub expected_from: Option<NaiveDate>,
    /// Expected close on or before.
    pub expected_to: Option<NaiveDate>,
    /// Words of the title, person or company (accent-insensitive).
    pub search: Option<String>,
    /// Only deals of this person.
    pub person_id: Option<Uuid>,
    /// Only deals of this company.
    pub company_id: Option<Uuid>,
    /// Only deals without a customer yet (no person and no company: open
    /// deals imported before their account existed), to be linked.
    #[serde(default)]
    pub no_customer: bool,
    /// Custom field filters: key → value (equality, case-insensitive; a
    /// multiselect matches if it contains the value).
    pub custom: Vec<(String, String)>,
    /// Only deals of people in this customer segment (as the last
    /// classification left them).
    #[serde(default)]
    pub segment: Option<crate::model::Segment>,
}

/// One column of the board: a stage with its figures over every matching
/// open deal, and the first cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardColumn {
    /// The stage.
    pub stage: Stage,
    /// Open deals in it.
    pub count: u64,
    /// Σ value, minor units.
    pub total_minor: i64,
    /// Σ value × probability / 100, minor units (rounded down per deal sum).
    pub weighted_minor: i64,
    /// The first cards, oldest in the stage first (see `BoardQuery::per_column`).
    pub cards: Vec<DealCard>,
}

/// A pipeline's kanban board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    /// The pipeline.
    pub pipeline: Pipeline,
    /// Currency of every amount.
    pub currency: String,
    /// One column per stage that is not archived, in order.
    pub columns: Vec<BoardColumn>,
}

/// Sort order of the deal list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealSort {
    /// Newest first.
    #[default]
    CreatedDesc,
    /// Highest value first.
    ValueDesc,
    /// Soonest expected close first (no date last).
    ExpectedCloseAsc,
    /// Title A–Z.
    TitleAsc,
}

/// A deal list query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealQuery {
    /// Filters.
    pub filter: DealFilter,
    /// Order.
    pub sort: DealSort,
    /// Rows to skip.
    pub offset: u64,
    /// Rows to return (1–500).
    pub limit: u64,
}

impl Default for DealQuery {
    fn default() -> Self {
        DealQuery {
            filter: DealFilter::default(),
            sort: DealSort::default(),
            offset: 0,
            limit: 50,
        }
    }
}

/// One row of the deal list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct DealListItem {
    /// The card fields.
    #[cfg_attr(feature = "store", sqlx(flatten))]
    pub card: DealCard,
    /// Pipeline name.
    pub pipeline_name: String,
    /// Stage name.
    pub stage_name: String,
    /// Status.
    pub status: DealStatus,
    /// Store name.
    pub store_name: Option<String>,
    /// Campaign name.
    pub campaign_name: Option<String>,
    /// Source channel.
    pub source_channel: SourceChannel,
    /// One-off total, minor units.
    pub one_off_minor: i64,
    /// Values of the deal's custom fields.
    #[serde(default)]
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<crate::model::CustomValues>")
    )]
    pub custom: crate::model::CustomValues,
    /// Opened (UTC).
    pub created_at: DateTime<Utc>,
    /// Won or lost (UTC).
    pub closed_at: Option<DateTime<Utc>>,
}

/// One entry of a deal's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct DealEvent {
    /// UUID v7.
    pub id: Uuid,
    /// The deal.
    pub deal_id: Uuid,
    /// What happened.
    pub kind: DealEventKind,
    /// Stage before a move.
    pub from_stage_id: Option<Uuid>,
    /// Stage entered (creation, move, reopen).
    pub to_stage_id: Option<Uuid>,
    /// Detail: lost reason, rule name, file name, …
    pub detail: Option<String>,
    /// Who did it.
    pub user_id: Option<Uuid>,
    /// Their name (filled on read).
    pub user_name: Option<String>,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// For an entry that entered a stage: when the deal left that stage
    /// (UTC); `None` while it is still there. Kept by the store.
    #[serde(default)]
    pub left_at: Option<DateTime<Utc>>,
}

/// Everything about one deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealDetail {
    /// The deal.
    pub deal: Deal,
    /// Its lines.
    pub lines: Vec<DealLine>,
    /// Its pipeline with stages.
    pub pipeline: Pipeline,
    /// Person's name and phone (E.164).
    pub person_name: Option<String>,
    /// Person's phone (E.164).
    pub person_phone: Option<String>,
    /// Company name.
    pub company_name: Option<String>,
    /// Owner's name.
    pub owner_name: Option<String>,
    /// Store name.
    pub store_name: Option<String>,
    /// Campaign name.
    pub campaign_name: Option<String>,
    /// Lost reason label.
    pub lost_reason: Option<String>,
    /// Contract, when won.
    pub contract: Option<Contract>,
    /// Timeline, newest first.
    pub events: Vec<DealEvent>,
}

/// A conversion rule: when a lead is captured or qualified and the criteria
/// match (every criterion set must match; unset ones match anything) and
/// the person has granted `required_consent`, open a deal in `pipeline_id`'s
/// first stage. Rules are tried by `position`; the first that matches fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct ConversionRule {
    /// UUID v7.
    pub id: Uuid,
    /// Name shown in settings and on timelines.
    pub name: String,
    /// Order of evaluation (0 first).
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub position: u32,
    /// Inactive rules never fire.
    pub active: bool,
    /// When it is evaluated.
    #[cfg_attr(feature = "store", sqlx(rename = "trigger_on"))]
    pub trigger: RuleTrigger,
    /// Criterion: the lead's source channel.
    pub source_channel: Option<SourceChannel>,
    /// Criterion: the lead's campaign.
    pub campaign_id: Option<Uuid>,
    /// Criterion: the lead's interest.
    pub interest: Option<Interest>,
    /// Criterion: the lead's store.
    pub store_id: Option<Uuid>,
    /// Consent the person's latest decision must grant (none = no check).
    pub required_consent: Option<ConsentKind>,
    /// Pipeline of the deal (it opens in the pipeline's first stage).
    pub pipeline_id: Uuid,
    /// Owner assignment.
    pub owner_mode: OwnerMode,
    /// The user for [`OwnerMode::User`].
    pub owner_user_id: Option<Uuid>,
}

/// The facts of a lead a rule is matched against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFacts {
    /// What happened.
    pub trigger: RuleTrigger,
    /// Lead's source channel.
    pub source_channel: SourceChannel,
    /// Lead's campaign.
    pub campaign_id: Option<Uuid>,
    /// Lead's interest.
    pub interest: Interest,
    /// Lead's store.
    pub store_id: Option<Uuid>,
    /// Consents the person currently grants.
    pub granted: Vec<ConsentKind>,
}

/// Why a rule does or does not fire for some facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleVerdict {
    /// It fires.
    Fires,
    /// Inactive.
    Inactive,
    /// Another trigger.
    OtherTrigger,
    /// A criterion does not match.
    CriteriaDiffer,
    /// The criteria match but the consent is missing.
    ConsentMissing,
}

impl ConversionRule {
    /// Whether this rule fires for `facts`, and if not, why.
    pub fn verdict(&self, facts: &RuleFacts) -> RuleVerdict {
        if !self.active {
            return RuleVerdict::Inactive;
        }
        if self.trigger != facts.trigger {
            return RuleVerdict::OtherTrigger;
        }
        let matches = self
            .source_channel
            .is_none_or(|s| s == facts.source_channel)
            && self
                .campaign_id
                .is_none_or(|c| Some(c) == facts.campaign_id)
            && self.interest.is_none_or(|i| i == facts.interest)
            && self.store_id.is_none_or(|s| Some(s) == facts.store_id);
        if !matches {
            return RuleVerdict::CriteriaDiffer;
        }
        if let Some(kind) = self.required_consent {
            if !facts.granted.contains(&kind) {
                return RuleVerdict::ConsentMissing;
            }
        }
        RuleVerdict::Fires
    }
}

/// The outcome of evaluating the rules for one lead (also the preview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulePreview {
    /// Each rule tried, in order, with its verdict.
    pub verdicts: Vec<(Uuid, String, RuleVerdict)>,
    /// The rule that fires (first `Fires`), if any.
    pub fires: Option<Uuid>,
    /// Pipeline name of the deal it would open.
    pub pipeline_name: Option<String>,
    /// Owner it would assign.
    pub owner_name: Option<String>,
}

/// Formats minor units as a decimal amount with 2 decimals and `.`:
/// `12345 → "123.45"`, `-5 → "-0.05"` (used in CSV exports).
pub fn minor_to_decimal(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Parses a money amount in major units (`"1,234.50"`, `"1.234,50"`,
/// `"29,99"`, `"€ 30"`, `"1200"`) into minor units (2 decimals).
///
/// The last `.` or `,` followed by one or two digits is the decimal
/// separator; other `.`, `,`, spaces and apostrophes are grouping.
/// Errors: `not_a_number` on `field`.
pub fn parse_money(value: &str, field: &str) -> Result<i64, FieldError> {
    let bad = || FieldError::new(field, "not_a_number").with("value", value);
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, '€' | '$' | '£' | ' ' | '\u{a0}' | '\''))
        .collect();
    let cleaned = cleaned
        .strip_prefix("EUR")
        .or_else(|| cleaned.strip_suffix("EUR"))
        .unwrap_or(&cleaned)
        .trim()
        .to_string();
    let (negative, body) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, cleaned.clone()),
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(bad());
    }
    let (int_part, frac_part) = match body.rfind(['.', ',']) {
        Some(pos) if body.len() - pos - 1 <= 2 && body.len() - pos > 1 => {
            (&body[..pos], &body[pos + 1..])
        }
        _ => (body.as_str(), ""),
    };
    let int_digits: String = int_part.chars().filter(char::is_ascii_digit).collect();
    let int: i64 = if int_digits.is_empty() {
        0
    } else {
        int_digits.parse().map_err(|_| bad())?
    };
    let frac: i64 = match frac_part.len() {
        0 => 0,
        1 => frac_part.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac_part.parse().map_err(|_| bad())?,
    };
    let minor = int
        .checked_mul(100)
        .and_then(|v| v.checked_add(frac))
        .ok_or_else(bad)?;
    Ok(if negative { -minor } else { minor })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(q: u32, one_off: i64, monthly: i64) -> DealLine {
        DealLine {
            id: Uuid::nil(),
            product: "x".into(),
            quantity: q,
            one_off_minor: one_off,
            monthly_minor: monthly,
        }
    }

    #[test]
    fn a_deal_has_a_largest_value_and_a_most_lines() {
        // 10,000 units at 10 million a month over 120 months: far past 1 billion.
        let fields = |lines: &[DealLine], months| -> Vec<(String, String)> {
            let errors = check_terms(lines, months).into_iter();
            errors.map(|e| (e.field, e.code)).collect()
        };
        let out = |field: &str| vec![(field.to_string(), "out_of_range".to_string())];
        let dear = [line(MAX_QUANTITY, 0, MAX_UNIT_MINOR)];
        assert_eq!(fields(&dear, 120), out("value_minor"));
        assert!(fields(&[line(1, 4_900, 2_999)], 24).is_empty());
        assert_eq!(
            fields(&vec![line(1, 100, 0); MAX_LINES + 1], 0),
            out("lines")
        );
        assert_eq!(fields(&[line(1, 0, 0)], 121), out("contract_months"));
    }

    #[test]
    fn totals_multiply_quantity_and_contract_months() {
        let t = deal_totals(&[line(1, 4_900, 2_999), line(2, 0, 999)], 24);
        assert_eq!(t.one_off_minor, 4_900);
        assert_eq!(t.monthly_minor, 2_999 + 1_998);
        assert_eq!(t.value_minor, 4_900 + 4_997 * 24);
    }

    #[test]
    fn money_parses_both_conventions() {
        for (text, minor) in [
            ("29,99", 2_999),
            ("29.99", 2_999),
            ("1.234,50", 123_450),
            ("1,234.50", 123_450),
            ("€ 30", 3_000),
            ("1200", 120_000),
            ("1,200", 120_000),
            ("0.5", 50),
            ("-3,10", -310),
        ] {
            assert_eq!(parse_money(text, "v"), Ok(minor), "{text}");
        }
        assert!(parse_money("abc", "v").is_err());
        assert!(parse_money("", "v").is_err());
        assert_eq!(minor_to_decimal(12_345), "123.45");
        assert_eq!(minor_to_decimal(-5), "-0.05");
    }

    #[test]
    fn rule_verdicts() {
        let campaign = Uuid::now_v7();
        let rule = ConversionRule {
            id: Uuid::now_v7(),
            name: "Fibra".into(),
            position: 0,
            active: true,
            trigger: RuleTrigger::Qualified,
            source_channel: None,
            campaign_id: Some(campaign),
            interest: Some(Interest::Fibre),
            store_id: None,
            required_consent: Some(ConsentKind::ServiceContact),
            pipeline_id: Uuid::now_v7(),
            owner_mode: OwnerMode::LeadOwner,
            owner_user_id: None,
        };
        let mut facts = RuleFacts {
            trigger: RuleTrigger::Qualified,
            source_channel: SourceChannel::MetaAds,
            campaign_id: Some(campaign),
            interest: Interest::Fibre,
            store_id: None,
            granted: vec![ConsentKind::ServiceContact],
        };
        assert_eq!(rule.verdict(&facts), RuleVerdict::Fires);
        facts.granted.clear();
        assert_eq!(rule.verdict(&facts), RuleVerdict::ConsentMissing);
        facts.interest = Interest::Gas;
        assert_eq!(rule.verdict(&facts), RuleVerdict::CriteriaDiffer);
        facts.trigger = RuleTrigger::Captured;
        assert_eq!(rule.verdict(&facts), RuleVerdict::OtherTrigger);
    }
}
