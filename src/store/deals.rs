//! [`DealRepo`]: the queries of pipelines, campaigns, conversion rules,
//! deals and KPIs, written once for both backends (like [`Repo`]).

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sqlx::{PgConnection, QueryBuilder, SqliteConnection};
use uuid::Uuid;

use super::records::{RecordRepo, SearchDoc};
use super::repo::{like_escape, parse_enum, push_custom_filter, Repo};
use super::Backend;
use crate::model::{
    search_key, Attribution, Campaign, Contract, ConversionRule, Deal, DealCard, DealEvent,
    DealEventKind, DealFilter, DealLine, DealListItem, DealQuery, DealSort, DealStatus, DealTotals,
    KpiRange, LostReason, Page, Pipeline, Stage, Utm,
};
use crate::{Error, Result};

/// Raw per-campaign aggregates (see `services::kpi` for the formulas).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignCounts {
    /// Leads created in range.
    pub leads: i64,
    /// Of those, leads with at least one deal.
    pub converted_leads: i64,
    /// Deals won in range.
    pub won: i64,
    /// Σ value of those, minor units.
    pub won_value: i64,
}

/// Raw per-pipeline (or per-group) deal aggregates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DealCounts {
    /// Open deals now.
    pub open: i64,
    /// Won in range.
    pub won: i64,
    /// Lost in range.
    pub lost: i64,
    /// Σ value of won deals, minor units.
    pub won_value: i64,
    /// Σ days from creation to close of won deals.
    pub won_days: f64,
    /// Deals opened in range.
    pub opened: i64,
    /// Leads created in range.
    pub leads: i64,
}

/// Raw stage stay aggregate: stays that ended in range and their total days.
#[derive(Debug, Clone, PartialEq)]
pub struct StageStays {
    /// The stage.
    pub stage_id: Uuid,
    /// Stays.
    pub stays: i64,
    /// Σ days.
    pub days: f64,
}

/// Raw forecast aggregate of one pipeline and month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastRow {
    /// The pipeline.
    pub pipeline_id: Uuid,
    /// `YYYY-MM`.
    pub month: String,
    /// Open deals.
    pub deals: i64,
    /// Σ value, minor units.
    pub value: i64,
    /// Σ value × probability (percent), minor units × 100.
    pub value_x_prob: i64,
}

/// Which column groups KPIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// `store_id`.
    Store,
    /// `owner_id`.
    Owner,
}

impl GroupBy {
    fn column(self) -> &'static str {
        match self {
            GroupBy::Store => "store_id",
            GroupBy::Owner => "owner_id",
        }
    }
}

/// Pipelines, campaigns, rules, deals and KPI aggregates, scoped by tenant.
/// Implemented for the same connections as [`Repo`].
#[async_trait]
pub trait DealRepo: Repo {
    /// Every pipeline with its stages, by position.
    async fn list_pipelines(&mut self, tenant: Uuid) -> Result<Vec<Pipeline>>;
    /// Creates a pipeline and its stages.
    async fn insert_pipeline(
        &mut self,
        tenant: Uuid,
        p: &Pipeline,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Saves a pipeline's name, position and archived flag.
    async fn update_pipeline(&mut self, tenant: Uuid, p: &Pipeline) -> Result<()>;
    /// Creates a stage.
    async fn insert_stage(&mut self, tenant: Uuid, s: &Stage) -> Result<()>;
    /// Saves a stage's name, position, probability and archived flag.
    async fn update_stage(&mut self, tenant: Uuid, s: &Stage) -> Result<()>;

    /// The lost reasons, by position.
    async fn list_lost_reasons(&mut self, tenant: Uuid) -> Result<Vec<LostReason>>;
    /// Creates a lost reason at `position`.
    async fn insert_lost_reason(
        &mut self,
        tenant: Uuid,
        r: &LostReason,
        position: u32,
    ) -> Result<()>;

    /// A company id by its folded name (oldest first), if any.
    async fn find_company(&mut self, tenant: Uuid, name_key: &str) -> Result<Option<Uuid>>;
    /// Creates a company with only a name.
    async fn insert_company(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        name: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// A company's name.
    async fn company_name(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<String>>;
    /// Marks a person (`company = false`) or company as a customer.
    async fn mark_customer(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        company: bool,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Every campaign with its linked pipelines, by name.
    async fn list_campaigns(&mut self, tenant: Uuid) -> Result<Vec<Campaign>>;
    /// Creates or overwrites a campaign (by id) and its pipeline links.
    async fn upsert_campaign(
        &mut self,
        tenant: Uuid,
        c: &Campaign,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Records a marketing touch of a lead.
    async fn insert_attribution(
        &mut self,
        tenant: Uuid,
        lead: Uuid,
        campaign: Option<Uuid>,
        source: &str,
        utm: &Utm,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// A lead's touches, oldest (first touch) first.
    async fn attributions_of(&mut self, tenant: Uuid, lead: Uuid) -> Result<Vec<Attribution>>;
    /// A person's leads in `new`, `in_progress` or `qualified`, oldest first.
    async fn open_leads_of(&mut self, tenant: Uuid, person: Uuid) -> Result<Vec<Uuid>>;

    /// Conversion rules by position.
    async fn list_rules(&mut self, tenant: Uuid) -> Result<Vec<ConversionRule>>;
    /// Creates or overwrites a rule (by id).
    async fn upsert_rule(
        &mut self,
        tenant: Uuid,
        r: &ConversionRule,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// The next owner of a round-robin rule in a store: the active user of
    /// the store whose latest deal from `rule` is oldest (never first),
    /// ties by name.
    async fn round_robin_next(
        &mut self,
        tenant: Uuid,
        rule: Uuid,
        store: Uuid,
    ) -> Result<Option<Uuid>>;

    /// Creates a deal; `false` (no change) if the id exists already.
    async fn insert_deal(&mut self, tenant: Uuid, d: &Deal, search_text: &str) -> Result<bool>;
    /// Overwrites a deal's mutable columns; `search_text: None` keeps the
    /// stored one (a move or a close changes nothing searchable).
    async fn update_deal(
        &mut self,
        tenant: Uuid,
        d: &Deal,
        search_text: Option<&str>,
    ) -> Result<()>;
    /// A deal by id.
    async fn get_deal(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Deal>>;
    /// A deal by its id in the source system.
    async fn find_deal_by_ref(&mut self, tenant: Uuid, external_ref: &str) -> Result<Option<Uuid>>;
    /// Replaces a deal's lines.
    async fn replace_lines(&mut self, tenant: Uuid, deal: Uuid, lines: &[DealLine]) -> Result<()>;
    /// A deal's lines in order.
    async fn lines_of(&mut self, tenant: Uuid, deal: Uuid) -> Result<Vec<DealLine>>;
    /// Appends to a deal's timeline; an entry that moves, wins or loses the
    /// deal first sets `left_at` on the entry of the stage it leaves.
    async fn insert_deal_event(&mut self, tenant: Uuid, e: &DealEvent) -> Result<()>;
    /// A deal's timeline, newest first, with user names.
    async fn deal_events_of(&mut self, tenant: Uuid, deal: Uuid) -> Result<Vec<DealEvent>>;
    /// Open deals of a person.
    async fn count_open_deals(&mut self, tenant: Uuid, person: Uuid) -> Result<u64>;
    /// Ids of deals opened from a lead.
    async fn deals_of_lead(&mut self, tenant: Uuid, lead: Uuid) -> Result<Vec<Uuid>>;
    /// Records a won deal's contract.
    async fn insert_contract(
        &mut self,
        tenant: Uuid,
        c: &Contract,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Removes a deal's contract (when it is reopened).
    async fn delete_contract(&mut self, tenant: Uuid, deal: Uuid) -> Result<()>;
    /// A deal's contract.
    async fn contract_of(&mut self, tenant: Uuid, deal: Uuid) -> Result<Option<Contract>>;

    /// Inserts many deals with one line each and their timeline entries, in
    /// multi-row statements (seeding and benchmarks). Every deal must be new.
    async fn bulk_insert_deals(
        &mut self,
        tenant: Uuid,
        deals: &[(Deal, String, DealLine)],
        events: &[DealEvent],
    ) -> Result<()>;

    /// Per stage of `filter.pipeline_id`: (stage, open deals, Σ value,
    /// Σ value × probability) over open deals matching the filter.
    async fn board_stats(
        &mut self,
        tenant: Uuid,
        filter: &DealFilter,
    ) -> Result<Vec<(Uuid, i64, i64, i64)>>;
    /// Cards of one stage, longest in the stage first.
    async fn board_cards(
        &mut self,
        tenant: Uuid,
        filter: &DealFilter,
        stage: Uuid,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<DealCard>>;
    /// One page of the deal list.
    async fn list_deals(&mut self, tenant: Uuid, q: &DealQuery) -> Result<Page<DealListItem>>;

    /// Per campaign id: leads, converted leads, won deals and value in range.
    async fn kpi_campaigns(
        &mut self,
        tenant: Uuid,
        range: KpiRange,
    ) -> Result<Vec<(Uuid, CampaignCounts)>>;
    /// Per pipeline id: open now; won, lost, won value and days in range.
    async fn kpi_pipelines(
        &mut self,
        tenant: Uuid,
        range: KpiRange,
    ) -> Result<Vec<(Uuid, DealCounts)>>;
    /// Stays per stage that ended in range.
    async fn kpi_stage_stays(&mut self, tenant: Uuid, range: KpiRange) -> Result<Vec<StageStays>>;
    /// Open deals by pipeline and expected-close month within range.
    async fn kpi_forecast(&mut self, tenant: Uuid, range: KpiRange) -> Result<Vec<ForecastRow>>;
    /// Per store or owner: leads and deals opened, won, lost, won value.
    async fn kpi_groups(
        &mut self,
        tenant: Uuid,
        range: KpiRange,
        by: GroupBy,
    ) -> Result<Vec<(Option<Uuid>, DealCounts)>>;
}

/// The search text of a deal: folded title, person and company names.
pub fn deal_search_text(title: &str, person: Option<&str>, company: Option<&str>) -> String {
    search_key(&format!(
        "{title} {} {}",
        person.unwrap_or(""),
        company.unwrap_or("")
    ))
}

/// The search index row of a deal: its title; the folded title, person
/// and company names (`search_text`); status and value as subtitle.
pub fn deal_doc(d: &Deal, search_text: &str) -> SearchDoc {
    SearchDoc {
        kind: "deal",
        id: d.id,
        title: d.title.clone(),
        subtitle: format!(
            "{} · {} {}",
            d.status.as_str(),
            crate::model::minor_to_decimal(d.totals.value_minor),
            d.currency
        ),
        name_key: search_key(&d.title),
        body: super::records::index_text(search_text),
    }
}

fn range_bounds(range: KpiRange) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    (
        range.from.map(|d| d.and_time(NaiveTime::MIN).and_utc()),
        range
            .to
            .map(|d| (d + Duration::days(1)).and_time(NaiveTime::MIN).and_utc()),
    )
}

/// Days between two timestamp columns, per dialect.
fn days_between(backend: Backend, from: &str, to: &str) -> String {
    match backend {
        Backend::Sqlite => format!("(julianday({to}) - julianday({from}))"),
        Backend::Postgres => {
            format!("(EXTRACT(EPOCH FROM ({to} - {from})) / 86400.0)")
        }
    }
}

/// A GROUP BY term that no index can serve by its order. With bound
/// parameters SQLite cannot tell how selective a date range is, and it
/// would rather walk an index in group order over every row (seconds on a
/// million deals) than read the range and sort a few groups; a unary `+`
/// makes the term an expression on SQLite. Postgres plans by cost and
/// needs nothing.
fn group_term(backend: Backend, col: &str) -> String {
    match backend {
        Backend::Sqlite => format!("+{col}"),
        Backend::Postgres => col.to_string(),
    }
}

fn month_of(backend: Backend, col: &str) -> String {
    match backend {
        Backend::Sqlite => format!("substr({col}, 1, 7)"),
        Backend::Postgres => format!("to_char({col}, 'YYYY-MM')"),
    }
}

const DEAL_COLUMNS: &str = "id, pipeline_id, stage_id, status, title, person_id, company_id, lead_id, \
     owner_id, store_id, campaign_id, source_channel, utm_source, utm_medium, utm_campaign, utm_term, \
     utm_content, currency, one_off_minor, monthly_minor, contract_months, value_minor, probability, \
     probability_overridden, expected_close, closed_at, lost_reason_id, lost_note, external_ref, \
     rule_id, search_text, stage_entered_at, created_at, updated_at, created_by";

#[derive(sqlx::FromRow)]
struct DealRow {
    id: Uuid,
    pipeline_id: Uuid,
    stage_id: Uuid,
    status: String,
    title: String,
    person_id: Option<Uuid>,
    company_id: Option<Uuid>,
    lead_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    store_id: Option<Uuid>,
    campaign_id: Option<Uuid>,
    source_channel: String,
    utm_source: Option<String>,
    utm_medium: Option<String>,
    utm_campaign: Option<String>,
    utm_term: Option<String>,
    utm_content: Option<String>,
    currency: String,
    one_off_minor: i64,
    monthly_minor: i64,
    contract_months: i32,
    value_minor: i64,
    probability: i32,
    probability_overridden: bool,
    expected_close: Option<NaiveDate>,
    closed_at: Option<DateTime<Utc>>,
    lost_reason_id: Option<Uuid>,
    lost_note: Option<String>,
    external_ref: Option<String>,
    rule_id: Option<Uuid>,
    stage_entered_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    created_by: Option<Uuid>,
}

impl TryFrom<DealRow> for Deal {
    type Error = Error;
    fn try_from(r: DealRow) -> Result<Self> {
        Ok(Deal {
            id: r.id,
            pipeline_id: r.pipeline_id,
            stage_id: r.stage_id,
            status: parse_enum(&r.status, "deals.status")?,
            title: r.title,
            person_id: r.person_id,
            company_id: r.company_id,
            lead_id: r.lead_id,
            owner_id: r.owner_id,
            store_id: r.store_id,
            campaign_id: r.campaign_id,
            source_channel: parse_enum(&r.source_channel, "deals.source_channel")?,
            utm: Utm {
                source: r.utm_source,
                medium: r.utm_medium,
                campaign: r.utm_campaign,
                term: r.utm_term,
                content: r.utm_content,
            },
            currency: r.currency,
            totals: DealTotals {
                one_off_minor: r.one_off_minor,
                monthly_minor: r.monthly_minor,
                value_minor: r.value_minor,
            },
            contract_months: u32::try_from(r.contract_months).unwrap_or(0),
            probability: u8::try_from(r.probability).unwrap_or(0),
            probability_overridden: r.probability_overridden,
            expected_close: r.expected_close,
            closed_at: r.closed_at,
            lost_reason_id: r.lost_reason_id,
            lost_note: r.lost_note,
            external_ref: r.external_ref,
            rule_id: r.rule_id,
            stage_entered_at: r.stage_entered_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            created_by: r.created_by,
        })
    }
}

#[derive(sqlx::FromRow)]
struct StageRow {
    id: Uuid,
    pipeline_id: Uuid,
    name: String,
    position: i32,
    probability: i32,
    archived: bool,
}

#[derive(sqlx::FromRow)]
struct PipelineRow {
    id: Uuid,
    name: String,
    position: i32,
    archived: bool,
}

#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: Uuid,
    name: String,
    channel: String,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    cost_minor: i64,
    utm_source: Option<String>,
    utm_medium: Option<String>,
    utm_campaign: Option<String>,
    default_pipeline_id: Option<Uuid>,
    archived: bool,
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: Uuid,
    name: String,
    position: i32,
    active: bool,
    trigger_on: String,
    source_channel: Option<String>,
    campaign_id: Option<Uuid>,
    interest: Option<String>,
    store_id: Option<Uuid>,
    required_consent: Option<String>,
    pipeline_id: Uuid,
    owner_mode: String,
    owner_user_id: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct CardRow {
    id: Uuid,
    title: String,
    first_name: Option<String>,
    last_name: Option<String>,
    company_name: Option<String>,
    owner_name: Option<String>,
    value_minor: i64,
    monthly_minor: i64,
    probability: i32,
    expected_close: Option<NaiveDate>,
    stage_entered_at: DateTime<Utc>,
}

impl From<CardRow> for DealCard {
    fn from(r: CardRow) -> Self {
        let person = match (r.first_name, r.last_name) {
            (None, None) => None,
            (f, l) => Some(
                format!("{} {}", f.unwrap_or_default(), l.unwrap_or_default())
                    .trim()
                    .to_string(),
            ),
        };
        DealCard {
            id: r.id,
            title: r.title,
            person_name: person,
            company_name: r.company_name,
            owner_name: r.owner_name,
            value_minor: r.value_minor,
            monthly_minor: r.monthly_minor,
            probability: u8::try_from(r.probability).unwrap_or(0),
            expected_close: r.expected_close,
            stage_entered_at: r.stage_entered_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    card: CardRow,
    pipeline_name: String,
    stage_name: String,
    status: String,
    store_name: Option<String>,
    campaign_name: Option<String>,
    source_channel: String,
    one_off_minor: i64,
    custom: String,
    created_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct DealEventRow {
    id: Uuid,
    deal_id: Uuid,
    kind: String,
    from_stage_id: Option<Uuid>,
    to_stage_id: Option<Uuid>,
    detail: Option<String>,
    user_id: Option<Uuid>,
    user_name: Option<String>,
    at: DateTime<Utc>,
    left_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct ContractRow {
    id: Uuid,
    deal_id: Uuid,
    person_id: Option<Uuid>,
    company_id: Option<Uuid>,
    offer: String,
    start_date: NaiveDate,
    one_off_minor: i64,
    monthly_minor: i64,
    currency: String,
}

const CARD_SELECT: &str = "SELECT d.id, d.title, p.first_name, p.last_name, co.name AS company_name, \
     u.display_name AS owner_name, d.value_minor, d.monthly_minor, d.probability, d.expected_close, \
     d.stage_entered_at";
const CARD_JOINS: &str = " FROM deals d \
     LEFT JOIN people p ON p.tenant_id = d.tenant_id AND p.id = d.person_id \
     LEFT JOIN companies co ON co.tenant_id = d.tenant_id AND co.id = d.company_id \
     LEFT JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.owner_id";

/// Pushes the WHERE clause of a deal filter (alias `d`).
macro_rules! push_deal_filter {
    ($qb:expr, $tenant:expr, $f:expr, $backend:expr) => {{
        let f: &DealFilter = $f;
        $qb.push(" WHERE d.tenant_id = ").push_bind($tenant);
        if let Some(p) = f.pipeline_id {
            $qb.push(" AND d.pipeline_id = ").push_bind(p);
        }
        if let Some(s) = f.status {
            $qb.push(" AND d.status = ").push_bind(s.as_str());
        }
        if let Some(o) = f.owner_id {
            $qb.push(" AND d.owner_id = ").push_bind(o);
        }
        if let Some(s) = f.store_id {
            $qb.push(" AND d.store_id = ").push_bind(s);
        }
        if let Some(c) = f.campaign_id {
            $qb.push(" AND d.campaign_id = ").push_bind(c);
        }
        if let Some(p) = f.person_id {
            $qb.push(" AND d.person_id = ").push_bind(p);
        }
        if f.no_customer {
            $qb.push(" AND d.person_id IS NULL AND d.company_id IS NULL");
        }
        if let Some(c) = f.company_id {
            $qb.push(" AND d.company_id = ").push_bind(c);
        }
        for (key, value) in &f.custom {
            push_custom_filter!($qb, "d", key, value, $backend);
        }
        if let Some(from) = f.expected_from {
            $qb.push(" AND d.expected_close >= ").push_bind(from);
        }
        if let Some(to) = f.expected_to {
            $qb.push(" AND d.expected_close <= ").push_bind(to);
        }
        if let Some(search) = f.search.as_deref() {
            for word in search_key(search).split(' ').filter(|w| !w.is_empty()) {
                $qb.push(" AND d.search_text LIKE ")
                    .push_bind(format!("%{}%", like_escape(word)))
                    .push(" ESCAPE '\\'");
            }
        }
    }};
}

/// Pushes `AND col >= from AND col < to + 1 day` for a KPI range.
macro_rules! push_range {
    ($qb:expr, $col:expr, $range:expr) => {{
        let (from, to) = range_bounds($range);
        if let Some(from) = from {
            $qb.push(format!(" AND {} >= ", $col)).push_bind(from);
        }
        if let Some(to) = to {
            $qb.push(format!(" AND {} < ", $col)).push_bind(to);
        }
    }};
}

macro_rules! bind_deal_body {
    ($q:expr, $d:expr, $search:expr) => {
        $q.bind($d.pipeline_id)
            .bind($d.stage_id)
            .bind($d.status.as_str())
            .bind(&$d.title)
            .bind($d.person_id)
            .bind($d.company_id)
            .bind($d.lead_id)
            .bind($d.owner_id)
            .bind($d.store_id)
            .bind($d.campaign_id)
            .bind($d.source_channel.as_str())
            .bind(&$d.utm.source)
            .bind(&$d.utm.medium)
            .bind(&$d.utm.campaign)
            .bind(&$d.utm.term)
            .bind(&$d.utm.content)
            .bind(&$d.currency)
            .bind($d.totals.one_off_minor)
            .bind($d.totals.monthly_minor)
            .bind($d.contract_months as i32)
            .bind($d.totals.value_minor)
            .bind(i32::from($d.probability))
            .bind($d.probability_overridden)
            .bind($d.expected_close)
            .bind($d.closed_at)
            .bind($d.lost_reason_id)
            .bind(&$d.lost_note)
            .bind(&$d.external_ref)
            .bind($d.rule_id)
            .bind($search)
            .bind($d.stage_entered_at)
            .bind($d.updated_at)
    };
}

macro_rules! impl_deal_repo {
    ($conn:ty, $db:ty) => {
        #[async_trait]
        impl DealRepo for $conn {
            async fn list_pipelines(&mut self, tenant: Uuid) -> Result<Vec<Pipeline>> {
                let pipelines = sqlx::query_as::<_, PipelineRow>(
                    "SELECT id, name, position, archived FROM pipelines WHERE tenant_id = $1 ORDER BY position, name",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                let stages = sqlx::query_as::<_, StageRow>(
                    "SELECT id, pipeline_id, name, position, probability, archived FROM pipeline_stages \
                     WHERE tenant_id = $1 ORDER BY position, name",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                Ok(pipelines
                    .into_iter()
                    .map(|p| Pipeline {
                        id: p.id,
                        name: p.name,
                        position: u32::try_from(p.position).unwrap_or(0),
                        archived: p.archived,
                        stages: stages
                            .iter()
                            .filter(|s| s.pipeline_id == p.id)
                            .map(|s| Stage {
                                id: s.id,
                                pipeline_id: s.pipeline_id,
                                name: s.name.clone(),
                                position: u32::try_from(s.position).unwrap_or(0),
                                probability: u8::try_from(s.probability).unwrap_or(0),
                                archived: s.archived,
                            })
                            .collect(),
                    })
                    .collect())
            }

            async fn insert_pipeline(&mut self, tenant: Uuid, p: &Pipeline, at: DateTime<Utc>) -> Result<()> {
                sqlx::query("INSERT INTO pipelines (tenant_id, id, name, position, archived, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(tenant)
                    .bind(p.id)
                    .bind(&p.name)
                    .bind(p.position as i32)
                    .bind(p.archived)
                    .bind(at)
                    .execute(&mut *self)
                    .await?;
                for s in &p.stages {
                    self.insert_stage(tenant, s).await?;
                }
                Ok(())
            }

            async fn update_pipeline(&mut self, tenant: Uuid, p: &Pipeline) -> Result<()> {
                sqlx::query("UPDATE pipelines SET name = $3, position = $4, archived = $5 WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant)
                    .bind(p.id)
                    .bind(&p.name)
                    .bind(p.position as i32)
                    .bind(p.archived)
                    .execute(&mut *self)
                    .await?;
                Ok(())
            }

            async fn insert_stage(&mut self, tenant: Uuid, s: &Stage) -> Result<()> {
                sqlx::query(
                    "INSERT INTO pipeline_stages (tenant_id, id, pipeline_id, name, position, probability, archived) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(tenant)
                .bind(s.id)
                .bind(s.pipeline_id)
                .bind(&s.name)
                .bind(s.position as i32)
                .bind(i32::from(s.probability))
                .bind(s.archived)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn update_stage(&mut self, tenant: Uuid, s: &Stage) -> Result<()> {
                sqlx::query(
                    "UPDATE pipeline_stages SET name = $3, position = $4, probability = $5, archived = $6 \
                     WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant)
                .bind(s.id)
                .bind(&s.name)
                .bind(s.position as i32)
                .bind(i32::from(s.probability))
                .bind(s.archived)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn list_lost_reasons(&mut self, tenant: Uuid) -> Result<Vec<LostReason>> {
                let rows: Vec<(Uuid, String, bool)> = sqlx::query_as(
                    "SELECT id, label, archived FROM lost_reasons WHERE tenant_id = $1 ORDER BY position, label",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, label, archived)| LostReason { id, label, archived })
                    .collect())
            }

            async fn insert_lost_reason(&mut self, tenant: Uuid, r: &LostReason, position: u32) -> Result<()> {
                sqlx::query("INSERT INTO lost_reasons (tenant_id, id, label, position, archived) VALUES ($1, $2, $3, $4, $5)")
                    .bind(tenant)
                    .bind(r.id)
                    .bind(&r.label)
                    .bind(position as i32)
                    .bind(r.archived)
                    .execute(&mut *self)
                    .await?;
                Ok(())
            }

            async fn find_company(&mut self, tenant: Uuid, name_key: &str) -> Result<Option<Uuid>> {
                Ok(sqlx::query_scalar(
                    "SELECT id FROM companies WHERE tenant_id = $1 AND name_key = $2 ORDER BY created_at, id LIMIT 1",
                )
                .bind(tenant)
                .bind(name_key)
                .fetch_optional(&mut *self)
                .await?)
            }

            async fn insert_company(&mut self, tenant: Uuid, id: Uuid, name: &str, at: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO companies (tenant_id, id, name, name_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(tenant)
                .bind(id)
                .bind(name)
                .bind(search_key(name))
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn company_name(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT name FROM companies WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant)
                    .bind(id)
                    .fetch_optional(&mut *self)
                    .await?)
            }

            async fn mark_customer(&mut self, tenant: Uuid, id: Uuid, company: bool, at: DateTime<Utc>) -> Result<()> {
                let table = if company { "companies" } else { "people" };
                sqlx::query(&format!(
                    "UPDATE {table} SET is_customer = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(tenant)
                .bind(id)
                .bind(true)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn list_campaigns(&mut self, tenant: Uuid) -> Result<Vec<Campaign>> {
                let rows = sqlx::query_as::<_, CampaignRow>(
                    "SELECT id, name, channel, starts_on, ends_on, cost_minor, utm_source, utm_medium, utm_campaign, \
                     default_pipeline_id, archived FROM campaigns WHERE tenant_id = $1 ORDER BY name, id",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                let links: Vec<(Uuid, Uuid)> = sqlx::query_as(
                    "SELECT campaign_id, pipeline_id FROM campaign_pipelines WHERE tenant_id = $1",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(Campaign {
                            id: r.id,
                            name: r.name,
                            channel: parse_enum(&r.channel, "campaigns.channel")?,
                            starts_on: r.starts_on,
                            ends_on: r.ends_on,
                            cost_minor: r.cost_minor,
                            utm_source: r.utm_source,
                            utm_medium: r.utm_medium,
                            utm_campaign: r.utm_campaign,
                            default_pipeline_id: r.default_pipeline_id,
                            pipeline_ids: links
                                .iter()
                                .filter(|(c, _)| *c == r.id)
                                .map(|(_, p)| *p)
                                .collect(),
                            archived: r.archived,
                        })
                    })
                    .collect()
            }

            async fn upsert_campaign(&mut self, tenant: Uuid, c: &Campaign, at: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO campaigns (tenant_id, id, name, channel, starts_on, ends_on, cost_minor, utm_source, \
                     utm_medium, utm_campaign, default_pipeline_id, archived, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                     ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, channel = excluded.channel, \
                     starts_on = excluded.starts_on, ends_on = excluded.ends_on, cost_minor = excluded.cost_minor, \
                     utm_source = excluded.utm_source, utm_medium = excluded.utm_medium, \
                     utm_campaign = excluded.utm_campaign, default_pipeline_id = excluded.default_pipeline_id, \
                     archived = excluded.archived",
                )
                .bind(tenant)
                .bind(c.id)
                .bind(&c.name)
                .bind(c.channel.as_str())
                .bind(c.starts_on)
                .bind(c.ends_on)
                .bind(c.cost_minor)
                .bind(&c.utm_source)
                .bind(&c.utm_medium)
                .bind(&c.utm_campaign)
                .bind(c.default_pipeline_id)
                .bind(c.archived)
                .bind(at)
                .execute(&mut *self)
                .await?;
                sqlx::query("DELETE FROM campaign_pipelines WHERE tenant_id = $1 AND campaign_id = $2")
                    .bind(tenant)
                    .bind(c.id)
                    .execute(&mut *self)
                    .await?;
                for p in &c.pipeline_ids {
                    sqlx::query(
                        "INSERT INTO campaign_pipelines (tenant_id, campaign_id, pipeline_id) VALUES ($1, $2, $3) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(tenant)
                    .bind(c.id)
                    .bind(*p)
                    .execute(&mut *self)
                    .await?;
                }
                Ok(())
            }

            async fn insert_attribution(
                &mut self,
                tenant: Uuid,
                lead: Uuid,
                campaign: Option<Uuid>,
                source: &str,
                utm: &Utm,
                at: DateTime<Utc>,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO lead_attributions (tenant_id, id, lead_id, campaign_id, source_channel, utm_source, \
                     utm_medium, utm_campaign, utm_term, utm_content, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(tenant)
                .bind(Uuid::now_v7())
                .bind(lead)
                .bind(campaign)
                .bind(source)
                .bind(&utm.source)
                .bind(&utm.medium)
                .bind(&utm.campaign)
                .bind(&utm.term)
                .bind(&utm.content)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn attributions_of(&mut self, tenant: Uuid, lead: Uuid) -> Result<Vec<Attribution>> {
                #[allow(clippy::type_complexity)]
                let rows: Vec<(Option<Uuid>, String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, DateTime<Utc>)> =
                    sqlx::query_as(
                        "SELECT campaign_id, source_channel, utm_source, utm_medium, utm_campaign, utm_term, utm_content, at \
                         FROM lead_attributions WHERE tenant_id = $1 AND lead_id = $2 ORDER BY at, id",
                    )
                    .bind(tenant)
                    .bind(lead)
                    .fetch_all(&mut *self)
                    .await?;
                rows.into_iter()
                    .map(|(c, s, a, b, d, e, f, at)| {
                        Ok(Attribution {
                            campaign_id: c,
                            source_channel: parse_enum(&s, "lead_attributions.source_channel")?,
                            utm: Utm { source: a, medium: b, campaign: d, term: e, content: f },
                            at,
                        })
                    })
                    .collect()
            }

            async fn open_leads_of(&mut self, tenant: Uuid, person: Uuid) -> Result<Vec<Uuid>> {
                Ok(sqlx::query_scalar(
                    "SELECT id FROM leads WHERE tenant_id = $1 AND person_id = $2 \
                     AND status IN ('new', 'in_progress', 'qualified') ORDER BY created_at, id",
                )
                .bind(tenant)
                .bind(person)
                .fetch_all(&mut *self)
                .await?)
            }

            async fn list_rules(&mut self, tenant: Uuid) -> Result<Vec<ConversionRule>> {
                let rows = sqlx::query_as::<_, RuleRow>(
                    "SELECT id, name, position, active, trigger_on, source_channel, campaign_id, interest, store_id, \
                     required_consent, pipeline_id, owner_mode, owner_user_id FROM conversion_rules \
                     WHERE tenant_id = $1 ORDER BY position, name, id",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(ConversionRule {
                            id: r.id,
                            name: r.name,
                            position: u32::try_from(r.position).unwrap_or(0),
                            active: r.active,
                            trigger: parse_enum(&r.trigger_on, "conversion_rules.trigger_on")?,
                            source_channel: r.source_channel.as_deref().map(|v| parse_enum(v, "conversion_rules.source_channel")).transpose()?,
                            campaign_id: r.campaign_id,
                            interest: r.interest.as_deref().map(|v| parse_enum(v, "conversion_rules.interest")).transpose()?,
                            store_id: r.store_id,
                            required_consent: r.required_consent.as_deref().map(|v| parse_enum(v, "conversion_rules.required_consent")).transpose()?,
                            pipeline_id: r.pipeline_id,
                            owner_mode: parse_enum(&r.owner_mode, "conversion_rules.owner_mode")?,
                            owner_user_id: r.owner_user_id,
                        })
                    })
                    .collect()
            }

            async fn upsert_rule(&mut self, tenant: Uuid, r: &ConversionRule, at: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO conversion_rules (tenant_id, id, name, position, active, trigger_on, source_channel, \
                     campaign_id, interest, store_id, required_consent, pipeline_id, owner_mode, owner_user_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                     ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, position = excluded.position, \
                     active = excluded.active, trigger_on = excluded.trigger_on, source_channel = excluded.source_channel, \
                     campaign_id = excluded.campaign_id, interest = excluded.interest, store_id = excluded.store_id, \
                     required_consent = excluded.required_consent, pipeline_id = excluded.pipeline_id, \
                     owner_mode = excluded.owner_mode, owner_user_id = excluded.owner_user_id",
                )
                .bind(tenant)
                .bind(r.id)
                .bind(&r.name)
                .bind(r.position as i32)
                .bind(r.active)
                .bind(r.trigger.as_str())
                .bind(r.source_channel.map(|s| s.as_str()))
                .bind(r.campaign_id)
                .bind(r.interest.map(|s| s.as_str()))
                .bind(r.store_id)
                .bind(r.required_consent.map(|s| s.as_str()))
                .bind(r.pipeline_id)
                .bind(r.owner_mode.as_str())
                .bind(r.owner_user_id)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn round_robin_next(&mut self, tenant: Uuid, rule: Uuid, store: Uuid) -> Result<Option<Uuid>> {
                Ok(sqlx::query_scalar(
                    "SELECT u.id FROM users u LEFT JOIN ( \
                        SELECT owner_id, MAX(created_at) AS last_at FROM deals \
                        WHERE tenant_id = $1 AND rule_id = $2 AND owner_id IS NOT NULL GROUP BY owner_id \
                     ) d ON d.owner_id = u.id \
                     WHERE u.tenant_id = $1 AND u.store_id = $3 AND u.active = $4 \
                     ORDER BY (d.last_at IS NOT NULL), d.last_at, u.display_name, u.id LIMIT 1",
                )
                .bind(tenant)
                .bind(rule)
                .bind(store)
                .bind(true)
                .fetch_optional(&mut *self)
                .await?)
            }

            async fn insert_deal(&mut self, tenant: Uuid, d: &Deal, search_text: &str) -> Result<bool> {
                let sql = format!(
                    "INSERT INTO deals (tenant_id, id, created_at, created_by, {}) VALUES ($1, $2, $3, $4, \
                     $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, \
                     $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36) ON CONFLICT (tenant_id, id) DO NOTHING",
                    DEAL_COLUMNS.trim_start_matches("id, ").replace(", created_at, updated_at, created_by", ", updated_at")
                );
                let q = sqlx::query(&sql).bind(tenant).bind(d.id).bind(d.created_at).bind(d.created_by);
                let done = bind_deal_body!(q, d, search_text).execute(&mut *self).await?;
                self.upsert_search_doc(tenant, &deal_doc(d, search_text)).await?;
                Ok(done.rows_affected() == 1)
            }

            async fn update_deal(&mut self, tenant: Uuid, d: &Deal, search_text: Option<&str>) -> Result<()> {
                let sets: Vec<String> = DEAL_COLUMNS
                    .trim_start_matches("id, ")
                    .replace(", created_at, updated_at, created_by", ", updated_at")
                    .split(", ")
                    .enumerate()
                    .map(|(i, c)| match c {
                        "search_text" => format!("search_text = COALESCE(${}, search_text)", i + 3),
                        c => format!("{c} = ${}", i + 3),
                    })
                    .collect();
                let sql = format!("UPDATE deals SET {} WHERE tenant_id = $1 AND id = $2", sets.join(", "));
                let q = sqlx::query(&sql).bind(tenant).bind(d.id);
                bind_deal_body!(q, d, search_text).execute(&mut *self).await?;
                let text: Option<String> = match search_text {
                    Some(t) => Some(t.to_string()),
                    None => sqlx::query_scalar("SELECT search_text FROM deals WHERE tenant_id = $1 AND id = $2")
                        .bind(tenant)
                        .bind(d.id)
                        .fetch_optional(&mut *self)
                        .await?,
                };
                self.upsert_search_doc(tenant, &deal_doc(d, text.as_deref().unwrap_or(""))).await?;
                Ok(())
            }

            async fn get_deal(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Deal>> {
                let row = sqlx::query_as::<_, DealRow>(&format!(
                    "SELECT {DEAL_COLUMNS} FROM deals WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                row.map(Deal::try_from).transpose()
            }

            async fn find_deal_by_ref(&mut self, tenant: Uuid, external_ref: &str) -> Result<Option<Uuid>> {
                Ok(sqlx::query_scalar(
                    "SELECT id FROM deals WHERE tenant_id = $1 AND external_ref = $2 ORDER BY created_at LIMIT 1",
                )
                .bind(tenant)
                .bind(external_ref)
                .fetch_optional(&mut *self)
                .await?)
            }

            async fn replace_lines(&mut self, tenant: Uuid, deal: Uuid, lines: &[DealLine]) -> Result<()> {
                sqlx::query("DELETE FROM deal_lines WHERE tenant_id = $1 AND deal_id = $2")
                    .bind(tenant)
                    .bind(deal)
                    .execute(&mut *self)
                    .await?;
                for (i, l) in lines.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO deal_lines (tenant_id, id, deal_id, position, product, quantity, one_off_minor, monthly_minor) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(tenant)
                    .bind(l.id)
                    .bind(deal)
                    .bind(i as i32)
                    .bind(&l.product)
                    .bind(l.quantity as i32)
                    .bind(l.one_off_minor)
                    .bind(l.monthly_minor)
                    .execute(&mut *self)
                    .await?;
                }
                Ok(())
            }

            async fn lines_of(&mut self, tenant: Uuid, deal: Uuid) -> Result<Vec<DealLine>> {
                let rows: Vec<(Uuid, String, i32, i64, i64)> = sqlx::query_as(
                    "SELECT id, product, quantity, one_off_minor, monthly_minor FROM deal_lines \
                     WHERE tenant_id = $1 AND deal_id = $2 ORDER BY position",
                )
                .bind(tenant)
                .bind(deal)
                .fetch_all(&mut *self)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, product, q, o, m)| DealLine {
                        id,
                        product,
                        quantity: u32::try_from(q).unwrap_or(0),
                        one_off_minor: o,
                        monthly_minor: m,
                    })
                    .collect())
            }

            async fn insert_deal_event(&mut self, tenant: Uuid, e: &DealEvent) -> Result<()> {
                // A move, a win or a loss ends the stay of the stage the deal was in.
                if e.to_stage_id.is_some() || matches!(e.kind, DealEventKind::Won | DealEventKind::Lost) {
                    sqlx::query(
                        "UPDATE deal_events SET left_at = $3 WHERE tenant_id = $1 AND deal_id = $2 \
                         AND left_at IS NULL AND to_stage_id IS NOT NULL",
                    )
                    .bind(tenant)
                    .bind(e.deal_id)
                    .bind(e.at)
                    .execute(&mut *self)
                    .await?;
                }
                sqlx::query(
                    "INSERT INTO deal_events (tenant_id, id, deal_id, kind, from_stage_id, to_stage_id, detail, user_id, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(tenant)
                .bind(e.id)
                .bind(e.deal_id)
                .bind(e.kind.as_str())
                .bind(e.from_stage_id)
                .bind(e.to_stage_id)
                .bind(&e.detail)
                .bind(e.user_id)
                .bind(e.at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn deal_events_of(&mut self, tenant: Uuid, deal: Uuid) -> Result<Vec<DealEvent>> {
                let rows = sqlx::query_as::<_, DealEventRow>(
                    "SELECT e.id, e.deal_id, e.kind, e.from_stage_id, e.to_stage_id, e.detail, e.user_id, \
                     u.display_name AS user_name, e.at, e.left_at FROM deal_events e \
                     LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
                     WHERE e.tenant_id = $1 AND e.deal_id = $2 ORDER BY e.at DESC, e.id DESC",
                )
                .bind(tenant)
                .bind(deal)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(DealEvent {
                            id: r.id,
                            deal_id: r.deal_id,
                            kind: parse_enum(&r.kind, "deal_events.kind")?,
                            from_stage_id: r.from_stage_id,
                            to_stage_id: r.to_stage_id,
                            detail: r.detail,
                            user_id: r.user_id,
                            user_name: r.user_name,
                            at: r.at,
                            left_at: r.left_at,
                        })
                    })
                    .collect()
            }

            async fn count_open_deals(&mut self, tenant: Uuid, person: Uuid) -> Result<u64> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM deals WHERE tenant_id = $1 AND person_id = $2 AND status = 'open'",
                )
                .bind(tenant)
                .bind(person)
                .fetch_one(&mut *self)
                .await?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn deals_of_lead(&mut self, tenant: Uuid, lead: Uuid) -> Result<Vec<Uuid>> {
                Ok(sqlx::query_scalar(
                    "SELECT id FROM deals WHERE tenant_id = $1 AND lead_id = $2 ORDER BY created_at, id",
                )
                .bind(tenant)
                .bind(lead)
                .fetch_all(&mut *self)
                .await?)
            }

            async fn insert_contract(&mut self, tenant: Uuid, c: &Contract, at: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO contracts (tenant_id, id, deal_id, person_id, company_id, offer, start_date, \
                     one_off_minor, monthly_minor, currency, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(tenant)
                .bind(c.id)
                .bind(c.deal_id)
                .bind(c.person_id)
                .bind(c.company_id)
                .bind(&c.offer)
                .bind(c.start_date)
                .bind(c.one_off_minor)
                .bind(c.monthly_minor)
                .bind(&c.currency)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn delete_contract(&mut self, tenant: Uuid, deal: Uuid) -> Result<()> {
                sqlx::query("DELETE FROM contracts WHERE tenant_id = $1 AND deal_id = $2")
                    .bind(tenant)
                    .bind(deal)
                    .execute(&mut *self)
                    .await?;
                Ok(())
            }

            async fn contract_of(&mut self, tenant: Uuid, deal: Uuid) -> Result<Option<Contract>> {
                let row = sqlx::query_as::<_, ContractRow>(
                    "SELECT id, deal_id, person_id, company_id, offer, start_date, one_off_minor, monthly_minor, currency \
                     FROM contracts WHERE tenant_id = $1 AND deal_id = $2",
                )
                .bind(tenant)
                .bind(deal)
                .fetch_optional(&mut *self)
                .await?;
                Ok(row.map(|r| Contract {
                    id: r.id,
                    deal_id: r.deal_id,
                    person_id: r.person_id,
                    company_id: r.company_id,
                    offer: r.offer,
                    start_date: r.start_date,
                    one_off_minor: r.one_off_minor,
                    monthly_minor: r.monthly_minor,
                    currency: r.currency,
                }))
            }

            async fn bulk_insert_deals(
                &mut self,
                tenant: Uuid,
                deals: &[(Deal, String, DealLine)],
                events: &[DealEvent],
            ) -> Result<()> {
                // SQLite takes at most 32,766 bound values per statement.
                let cols = DEAL_COLUMNS.replace(", created_at, updated_at, created_by", ", updated_at");
                for chunk in deals.chunks(400) {
                    let mut qb = QueryBuilder::<$db>::new(format!("INSERT INTO deals (tenant_id, created_at, created_by, {cols}) "));
                    qb.push_values(chunk, |mut b, (d, search, _)| {
                        b.push_bind(tenant)
                            .push_bind(d.created_at)
                            .push_bind(d.created_by)
                            .push_bind(d.id)
                            .push_bind(d.pipeline_id)
                            .push_bind(d.stage_id)
                            .push_bind(d.status.as_str())
                            .push_bind(d.title.clone())
                            .push_bind(d.person_id)
                            .push_bind(d.company_id)
                            .push_bind(d.lead_id)
                            .push_bind(d.owner_id)
                            .push_bind(d.store_id)
                            .push_bind(d.campaign_id)
                            .push_bind(d.source_channel.as_str())
                            .push_bind(d.utm.source.clone())
                            .push_bind(d.utm.medium.clone())
                            .push_bind(d.utm.campaign.clone())
                            .push_bind(d.utm.term.clone())
                            .push_bind(d.utm.content.clone())
                            .push_bind(d.currency.clone())
                            .push_bind(d.totals.one_off_minor)
                            .push_bind(d.totals.monthly_minor)
                            .push_bind(d.contract_months as i32)
                            .push_bind(d.totals.value_minor)
                            .push_bind(i32::from(d.probability))
                            .push_bind(d.probability_overridden)
                            .push_bind(d.expected_close)
                            .push_bind(d.closed_at)
                            .push_bind(d.lost_reason_id)
                            .push_bind(d.lost_note.clone())
                            .push_bind(d.external_ref.clone())
                            .push_bind(d.rule_id)
                            .push_bind(search.clone())
                            .push_bind(d.stage_entered_at)
                            .push_bind(d.updated_at);
                    });
                    qb.build().execute(&mut *self).await?;
                    let docs: Vec<SearchDoc> = chunk.iter().map(|(d, search, _)| deal_doc(d, search)).collect();
                    self.insert_search_docs(tenant, &docs).await?;
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO deal_lines (tenant_id, id, deal_id, position, product, quantity, one_off_minor, monthly_minor) ",
                    );
                    qb.push_values(chunk, |mut b, (d, _, l)| {
                        b.push_bind(tenant)
                            .push_bind(l.id)
                            .push_bind(d.id)
                            .push_bind(0i32)
                            .push_bind(l.product.clone())
                            .push_bind(l.quantity as i32)
                            .push_bind(l.one_off_minor)
                            .push_bind(l.monthly_minor);
                    });
                    qb.build().execute(&mut *self).await?;
                }
                for chunk in events.chunks(2_000) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO deal_events (tenant_id, id, deal_id, kind, from_stage_id, to_stage_id, detail, user_id, at, left_at) ",
                    );
                    qb.push_values(chunk, |mut b, e| {
                        b.push_bind(tenant)
                            .push_bind(e.id)
                            .push_bind(e.deal_id)
                            .push_bind(e.kind.as_str())
                            .push_bind(e.from_stage_id)
                            .push_bind(e.to_stage_id)
                            .push_bind(e.detail.clone())
                            .push_bind(e.user_id)
                            .push_bind(e.at)
                            .push_bind(e.left_at);
                    });
                    qb.build().execute(&mut *self).await?;
                }
                Ok(())
            }

            async fn board_stats(&mut self, tenant: Uuid, filter: &DealFilter) -> Result<Vec<(Uuid, i64, i64, i64)>> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT d.stage_id, COUNT(*), CAST(COALESCE(SUM(d.value_minor), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(d.value_minor * d.probability), 0) AS BIGINT) FROM deals d",
                );
                push_deal_filter!(qb, tenant, filter, self.backend());
                qb.push(" GROUP BY d.stage_id");
                Ok(qb.build_query_as().fetch_all(&mut *self).await?)
            }

            async fn board_cards(
                &mut self,
                tenant: Uuid,
                filter: &DealFilter,
                stage: Uuid,
                offset: u64,
                limit: u64,
            ) -> Result<Vec<DealCard>> {
                let mut qb = QueryBuilder::<$db>::new(format!("{CARD_SELECT}{CARD_JOINS}"));
                push_deal_filter!(qb, tenant, filter, self.backend());
                qb.push(" AND d.stage_id = ").push_bind(stage);
                qb.push(format!(" ORDER BY d.stage_entered_at, d.id LIMIT {} OFFSET {}", limit.min(500), offset));
                let rows: Vec<CardRow> = qb.build_query_as().fetch_all(&mut *self).await?;
                Ok(rows.into_iter().map(DealCard::from).collect())
            }

            async fn list_deals(&mut self, tenant: Uuid, q: &DealQuery) -> Result<Page<DealListItem>> {
                let mut count = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM deals d");
                push_deal_filter!(count, tenant, &q.filter, self.backend());
                let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;
                let mut qb = QueryBuilder::<$db>::new(format!(
                    "{CARD_SELECT}, pl.name AS pipeline_name, st.name AS stage_name, d.status, s.name AS store_name, \
                     ca.name AS campaign_name, d.source_channel, d.one_off_minor, d.custom, d.created_at, d.closed_at{CARD_JOINS} \
                     JOIN pipelines pl ON pl.tenant_id = d.tenant_id AND pl.id = d.pipeline_id \
                     JOIN pipeline_stages st ON st.tenant_id = d.tenant_id AND st.id = d.stage_id \
                     LEFT JOIN stores s ON s.tenant_id = d.tenant_id AND s.id = d.store_id \
                     LEFT JOIN campaigns ca ON ca.tenant_id = d.tenant_id AND ca.id = d.campaign_id"
                ));
                push_deal_filter!(qb, tenant, &q.filter, self.backend());
                qb.push(match q.sort {
                    DealSort::CreatedDesc => " ORDER BY d.created_at DESC, d.id DESC",
                    DealSort::ValueDesc => " ORDER BY d.value_minor DESC, d.id",
                    DealSort::ExpectedCloseAsc => " ORDER BY (d.expected_close IS NULL), d.expected_close, d.id",
                    DealSort::TitleAsc => " ORDER BY d.search_text, d.id",
                });
                qb.push(format!(" LIMIT {} OFFSET {}", q.limit.clamp(1, 500), q.offset));
                let rows: Vec<ListRow> = qb.build_query_as().fetch_all(&mut *self).await?;
                let items = rows
                    .into_iter()
                    .map(|r| {
                        Ok(DealListItem {
                            pipeline_name: r.pipeline_name,
                            stage_name: r.stage_name,
                            status: parse_enum::<DealStatus>(&r.status, "deals.status")?,
                            store_name: r.store_name,
                            campaign_name: r.campaign_name,
                            source_channel: parse_enum(&r.source_channel, "deals.source_channel")?,
                            one_off_minor: r.one_off_minor,
                            custom: serde_json::from_str(&r.custom).unwrap_or_default(),
                            created_at: r.created_at,
                            closed_at: r.closed_at,
                            card: r.card.into(),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(Page {
                    items,
                    total: u64::try_from(total).unwrap_or(0),
                    offset: u32::try_from(q.offset).unwrap_or(u32::MAX),
                })
            }

            async fn kpi_campaigns(&mut self, tenant: Uuid, range: KpiRange) -> Result<Vec<(Uuid, CampaignCounts)>> {
                let mut out: std::collections::BTreeMap<Uuid, CampaignCounts> = Default::default();
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT l.campaign_id, COUNT(*), \
                     CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = l.tenant_id \
                     AND d.lead_id = l.id) THEN 1 ELSE 0 END), 0) AS BIGINT) \
                     FROM leads l WHERE l.tenant_id = ",
                );
                qb.push_bind(tenant).push(" AND l.campaign_id IS NOT NULL");
                push_range!(qb, "l.created_at", range);
                qb.push(format!(" GROUP BY {}", group_term(self.backend(), "l.campaign_id")));
                let rows: Vec<(Uuid, i64, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
                for (id, leads, converted) in rows {
                    let e = out.entry(id).or_default();
                    e.leads = leads;
                    e.converted_leads = converted;
                }
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT d.campaign_id, COUNT(*), CAST(COALESCE(SUM(d.value_minor), 0) AS BIGINT) FROM deals d \
                     WHERE d.tenant_id = ",
                );
                qb.push_bind(tenant).push(" AND d.status = 'won' AND d.campaign_id IS NOT NULL");
                push_range!(qb, "d.closed_at", range);
                qb.push(format!(" GROUP BY {}", group_term(self.backend(), "d.campaign_id")));
                let rows: Vec<(Uuid, i64, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
                for (id, won, value) in rows {
                    let e = out.entry(id).or_default();
                    e.won = won;
                    e.won_value = value;
                }
                Ok(out.into_iter().collect())
            }

            async fn kpi_pipelines(&mut self, tenant: Uuid, range: KpiRange) -> Result<Vec<(Uuid, DealCounts)>> {
                let mut out: std::collections::BTreeMap<Uuid, DealCounts> = Default::default();
                let open: Vec<(Uuid, i64)> = sqlx::query_as(&format!(
                    "SELECT pipeline_id, COUNT(*) FROM deals WHERE tenant_id = $1 AND status = 'open' GROUP BY {}",
                    group_term(self.backend(), "pipeline_id")
                ))
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                for (id, n) in open {
                    out.entry(id).or_default().open = n;
                }
                let days = days_between(self.backend(), "d.created_at", "d.closed_at");
                let mut qb = QueryBuilder::<$db>::new(format!(
                    "SELECT d.pipeline_id, d.status, COUNT(*), CAST(COALESCE(SUM(d.value_minor), 0) AS BIGINT), \
                     CAST(COALESCE(SUM({days}), 0) AS DOUBLE PRECISION) FROM deals d WHERE d.tenant_id = "
                ));
                qb.push_bind(tenant).push(" AND d.status IN ('won', 'lost')");
                push_range!(qb, "d.closed_at", range);
                qb.push(format!(
                    " GROUP BY {}, {}",
                    group_term(self.backend(), "d.status"),
                    group_term(self.backend(), "d.pipeline_id")
                ));
                let rows: Vec<(Uuid, String, i64, i64, f64)> = qb.build_query_as().fetch_all(&mut *self).await?;
                for (id, status, n, value, days) in rows {
                    let e = out.entry(id).or_default();
                    if status == "won" {
                        e.won = n;
                        e.won_value = value;
                        e.won_days = days;
                    } else {
                        e.lost = n;
                    }
                }
                Ok(out.into_iter().collect())
            }

            async fn kpi_stage_stays(&mut self, tenant: Uuid, range: KpiRange) -> Result<Vec<StageStays>> {
                let days = days_between(self.backend(), "e.at", "e.left_at");
                let mut qb = QueryBuilder::<$db>::new(format!(
                    "SELECT e.to_stage_id, COUNT(*), CAST(COALESCE(SUM({days}), 0) AS DOUBLE PRECISION) \
                     FROM deal_events e WHERE e.tenant_id = "
                ));
                qb.push_bind(tenant).push(" AND e.left_at IS NOT NULL AND e.to_stage_id IS NOT NULL");
                push_range!(qb, "e.left_at", range);
                qb.push(" GROUP BY e.to_stage_id");
                let rows: Vec<(Uuid, i64, f64)> = qb.build_query_as().fetch_all(&mut *self).await?;
                Ok(rows
                    .into_iter()
                    .map(|(stage_id, stays, days)| StageStays { stage_id, stays, days })
                    .collect())
            }

            async fn kpi_forecast(&mut self, tenant: Uuid, range: KpiRange) -> Result<Vec<ForecastRow>> {
                let month = month_of(self.backend(), "d.expected_close");
                let mut qb = QueryBuilder::<$db>::new(format!(
                    "SELECT d.pipeline_id, {month} AS month, COUNT(*), CAST(COALESCE(SUM(d.value_minor), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(d.value_minor * d.probability), 0) AS BIGINT) FROM deals d WHERE d.tenant_id = "
                ));
                qb.push_bind(tenant).push(" AND d.status = 'open' AND d.expected_close IS NOT NULL");
                if let Some(from) = range.from {
                    qb.push(" AND d.expected_close >= ").push_bind(from);
                }
                if let Some(to) = range.to {
                    qb.push(" AND d.expected_close <= ").push_bind(to);
                }
                qb.push(format!(" GROUP BY {}, {month} ORDER BY 2", group_term(self.backend(), "d.pipeline_id")));
                let rows: Vec<(Uuid, String, i64, i64, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
                Ok(rows
                    .into_iter()
                    .map(|(pipeline_id, month, deals, value, value_x_prob)| ForecastRow {
                        pipeline_id,
                        month,
                        deals,
                        value,
                        value_x_prob,
                    })
                    .collect())
            }

            async fn kpi_groups(&mut self, tenant: Uuid, range: KpiRange, by: GroupBy) -> Result<Vec<(Option<Uuid>, DealCounts)>> {
                let col = by.column();
                let mut out: std::collections::BTreeMap<Option<Uuid>, DealCounts> = Default::default();
                let mut qb = QueryBuilder::<$db>::new(format!("SELECT l.{col}, COUNT(*) FROM leads l WHERE l.tenant_id = "));
                qb.push_bind(tenant);
                push_range!(qb, "l.created_at", range);
                qb.push(format!(" GROUP BY l.{col}"));
                let rows: Vec<(Option<Uuid>, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
                for (id, n) in rows {
                    out.entry(id).or_default().leads = n;
                }
                let mut qb = QueryBuilder::<$db>::new(format!("SELECT d.{col}, COUNT(*) FROM deals d WHERE d.tenant_id = "));
                qb.push_bind(tenant);
                push_range!(qb, "d.created_at", range);
                qb.push(format!(" GROUP BY d.{col}"));
                let rows: Vec<(Option<Uuid>, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
                for (id, n) in rows {
                    out.entry(id).or_default().opened = n;
                }
                let mut qb = QueryBuilder::<$db>::new(format!(
                    "SELECT d.{col}, d.status, COUNT(*), CAST(COALESCE(SUM(d.value_minor), 0) AS BIGINT) FROM deals d \
                     WHERE d.tenant_id = "
                ));
                qb.push_bind(tenant).push(" AND d.status IN ('won', 'lost')");
                push_range!(qb, "d.closed_at", range);
                qb.push(format!(" GROUP BY d.{col}, d.status"));
                let rows: Vec<(Option<Uuid>, String, i64, i64)> = qb.build_query_as().fetch_all(&mut *self).await?;
                for (id, status, n, value) in rows {
                    let e = out.entry(id).or_default();
                    if status == "won" {
                        e.won = n;
                        e.won_value = value;
                    } else {
                        e.lost = n;
                    }
                }
                Ok(out.into_iter().collect())
            }
        }
    };
}

impl_deal_repo!(SqliteConnection, sqlx::Sqlite);
impl_deal_repo!(PgConnection, sqlx::Postgres);
