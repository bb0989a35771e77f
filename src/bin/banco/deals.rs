//! `banco pipeline|campaign|rule|deal|kpi …` and `banco import --kind deals`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use banco::model::KpiTable;
use banco::model::{
    parse_money, Campaign, ConsentKind, ConversionRule, DateOrder, DealFilter, DealImportField,
    DealImportRequest, DealLine, DealMove, DealQuery, DealSort, DealStatus, FieldError, Interest,
    KpiRange, MissingPolicy, NewDeal, NoCustomerPolicy, OwnerMode, RuleTrigger, SourceChannel,
};
use banco::services::{campaigns, deal_import, deals, kpi, pipelines, rules, Ctx};
use banco::store::Db;
use banco::{Error, Result};

use crate::{apply_maps, json, parse, write_out};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use uuid::Uuid;

pub use crate::output::OutFormat;
use crate::output::{print_list, print_one, ListArgs, ShowArgs};

/// `banco pipeline …`
#[derive(Subcommand)]
pub enum PipelineCommand {
    /// List pipelines and their stages.
    List(ListArgs),
    /// Create a pipeline: `--stage "Offerta:30"` per stage, in order.
    Add {
        /// Name.
        name: String,
        /// `NAME:PROBABILITY` (percent), repeatable, in order.
        #[arg(long = "stage", required = true)]
        stages: Vec<String>,
    },
    /// Add a stage at the end of a pipeline.
    AddStage {
        /// Pipeline name or id.
        pipeline: String,
        /// Stage name.
        name: String,
        /// Default probability, percent.
        #[arg(long, default_value_t = 50)]
        probability: i64,
    },
    /// Add a lost reason.
    AddLostReason {
        /// Label.
        label: String,
    },
}

/// `banco campaign …`
#[derive(Subcommand)]
pub enum CampaignCommand {
    /// List campaigns.
    List(ListArgs),
    /// Create a campaign.
    Add(CampaignArgs),
}

/// A campaign on the command line.
#[derive(Args)]
pub struct CampaignArgs {
    /// Name.
    #[arg(long)]
    name: String,
    /// Channel (source channel, e.g. meta_ads, google_ads, web_form).
    #[arg(long)]
    channel: String,
    /// Total cost in major units (e.g. 1500 or 1.500,00).
    #[arg(long, default_value = "0")]
    cost: String,
    /// Default pipeline (name or id).
    #[arg(long)]
    pipeline: Option<String>,
    /// Further linked pipelines (repeatable).
    #[arg(long = "link")]
    links: Vec<String>,
    /// First day (YYYY-MM-DD).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD).
    #[arg(long)]
    to: Option<NaiveDate>,
    /// utm_source.
    #[arg(long)]
    utm_source: Option<String>,
    /// utm_medium.
    #[arg(long)]
    utm_medium: Option<String>,
    /// utm_campaign.
    #[arg(long)]
    utm_campaign: Option<String>,
}

/// `banco rule …`
#[derive(Subcommand)]
pub enum RuleCommand {
    /// List conversion rules in evaluation order.
    List(ListArgs),
    /// Create a conversion rule.
    Add {
        /// Name.
        #[arg(long)]
        name: String,
        /// captured or qualified.
        #[arg(long, default_value = "qualified")]
        trigger: String,
        /// Pipeline of the deal (name or id).
        #[arg(long)]
        pipeline: String,
        /// Criterion: campaign (name or id).
        #[arg(long)]
        campaign: Option<String>,
        /// Criterion: interest (fibre, mobile, electricity, …).
        #[arg(long)]
        interest: Option<String>,
        /// Criterion: source channel.
        #[arg(long)]
        source: Option<String>,
        /// Consent required (service_contact, marketing, …, or none).
        #[arg(long, default_value = "service_contact")]
        consent: String,
        /// Owner: lead_owner, round_robin or a user id.
        #[arg(long, default_value = "lead_owner")]
        owner: String,
        /// Position (0 first).
        #[arg(long, default_value_t = 0)]
        position: u32,
    },
}

/// The filters of the deals list, for `deal list` and `export deals`.
#[derive(clap::Args)]
pub struct DealFilterArgs {
    /// Pipeline (name or id).
    #[arg(long)]
    pipeline: Option<String>,
    /// open, won or lost.
    #[arg(long)]
    status: Option<String>,
    /// Owner id.
    #[arg(long)]
    owner: Option<Uuid>,
    /// Words of the title, person or company.
    #[arg(long)]
    search: Option<String>,
    /// Store id.
    #[arg(long)]
    store: Option<Uuid>,
    /// Campaign (name or id).
    #[arg(long)]
    campaign: Option<String>,
    /// Only deals without a customer yet (imported before their account).
    #[arg(long)]
    no_customer: bool,
    /// Custom field filter `KEY=VALUE` (repeatable).
    #[arg(long = "custom")]
    custom: Vec<String>,
}

impl DealFilterArgs {
    /// The filter, pipeline and campaign found by name or id.
    ///
    /// Errors: `NotFound` for an unknown pipeline or campaign;
    /// `Validation` for a status or a custom filter that does not parse.
    pub async fn filter(self, db: &Db, ctx: &Ctx) -> Result<DealFilter> {
        Ok(DealFilter {
            pipeline_id: match &self.pipeline {
                Some(p) => Some(pipelines::find(db, ctx, p).await?.id),
                None => None,
            },
            status: self
                .status
                .as_deref()
                .map(|s| parse(DealStatus::parse(s, "--status")))
                .transpose()?,
            owner_id: self.owner,
            search: self.search,
            store_id: self.store,
            campaign_id: match &self.campaign {
                Some(c) => Some(campaigns::find(db, ctx, c).await?.id),
                None => None,
            },
            no_customer: self.no_customer,
            custom: crate::custom_filters(&self.custom)?,
            ..Default::default()
        })
    }
}

/// `banco deal …`
#[derive(Subcommand)]
pub enum DealCommand {
    /// List deals.
    List {
        #[command(flatten)]
        filter: DealFilterArgs,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Show one deal with its lines and timeline.
    Show {
        /// Deal id.
        id: Uuid,
        #[command(flatten)]
        show: ShowArgs,
    },
    /// Link a customer to a deal (one imported without one): `--person` and/or `--company`.
    Link {
        /// Deal id.
        id: Uuid,
        /// Person id.
        #[arg(long)]
        person: Option<Uuid>,
        /// Company id.
        #[arg(long)]
        company: Option<Uuid>,
    },
    /// Open a deal by hand, or from a lead with `--lead`.
    Add {
        /// Pipeline (name or id); default: the lead's campaign's.
        #[arg(long)]
        pipeline: Option<String>,
        /// Lead to convert.
        #[arg(long)]
        lead: Option<Uuid>,
        /// Person id.
        #[arg(long)]
        person: Option<Uuid>,
        /// Product or offer of the single line.
        #[arg(long)]
        product: Option<String>,
        /// One-off amount, major units.
        #[arg(long, default_value = "0")]
        one_off: String,
        /// Monthly amount, major units.
        #[arg(long, default_value = "0")]
        monthly: String,
        /// Contract months.
        #[arg(long)]
        months: Option<u32>,
        /// Expected close (YYYY-MM-DD).
        #[arg(long)]
        expected_close: Option<NaiveDate>,
        /// Source of a deal opened by hand (store_walkin, inbound_call, offline, …).
        #[arg(long)]
        source: Option<String>,
    },
    /// Move a deal: `--stage NAME`, `--won`, `--lost REASON`, or `--reopen NAME`.
    Move {
        /// Deal id.
        id: Uuid,
        /// Target stage name.
        #[arg(long)]
        stage: Option<String>,
        /// Mark won.
        #[arg(long)]
        won: bool,
        /// Mark lost with this reason (label).
        #[arg(long)]
        lost: Option<String>,
        /// Reopen into this stage.
        #[arg(long)]
        reopen: Option<String>,
    },
}

/// Deals-import options of `banco import --kind deals`.
#[derive(Args, Default)]
pub struct DealImportArgs {
    /// Pipeline the deals go to (name or id); required with `--kind deals`.
    #[arg(long)]
    pub pipeline: Option<String>,
    /// Owners not found: create or reject.
    #[arg(long, default_value = "create")]
    pub owners: String,
    /// Accounts not found: create or reject.
    #[arg(long, default_value = "create")]
    pub accounts: String,
    /// Stages not found in the pipeline: create or reject.
    #[arg(long, default_value = "reject")]
    pub stages: String,
    /// Date order of the file: mdy or dmy (default: guessed).
    #[arg(long)]
    pub date_order: Option<String>,
    /// Open deals that name no account and no contact: import (without a
    /// customer, to link later with `deal link`) or reject.
    #[arg(long, default_value = "import")]
    pub no_customer: String,
}

fn policy(value: &str, field: &str) -> Result<MissingPolicy> {
    match value {
        "create" => Ok(MissingPolicy::Create),
        "reject" => Ok(MissingPolicy::Reject),
        v => Err(Error::Validation(vec![FieldError::new(
            field,
            "unknown_value",
        )
        .with("value", v)
        .with("allowed", "create, reject")])),
    }
}

pub(crate) fn money(value: &str, field: &str) -> Result<i64> {
    parse(parse_money(value, field))
}

async fn stage_id(db: &Db, ctx: &Ctx, pipeline_id: Uuid, name: &str) -> Result<Uuid> {
    let p = pipelines::list(db, ctx)
        .await?
        .into_iter()
        .find(|p| p.id == pipeline_id)
        .ok_or_else(|| Error::NotFound {
            entity: "pipeline",
            id: pipeline_id.to_string(),
        })?;
    let key = banco::model::search_key(name);
    p.stages
        .iter()
        .find(|s| banco::model::search_key(&s.name) == key || s.id.to_string() == name)
        .map(|s| s.id)
        .ok_or_else(|| {
            Error::Validation(vec![FieldError::new("--stage", "unknown_value")
                .with("value", name)
                .with(
                    "allowed",
                    p.stages
                        .iter()
                        .map(|s| s.name.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                )])
        })
}

/// Runs `banco pipeline …`.
pub async fn pipeline(db: &Db, ctx: &Ctx, command: PipelineCommand) -> Result<()> {
    match command {
        PipelineCommand::List(list) => {
            let (rows, total) = list.page_of(pipelines::list(db, ctx).await?);
            if list.format == OutFormat::Table {
                #[derive(serde::Serialize)]
                struct Row {
                    id: Uuid,
                    name: String,
                    archived: bool,
                    stages: String,
                }
                let rows: Vec<Row> = rows
                    .into_iter()
                    .map(|p| Row {
                        id: p.id,
                        stages: p
                            .stages
                            .iter()
                            .filter(|s| !s.archived)
                            .map(|s| format!("{} ({}%)", s.name, s.probability))
                            .collect::<Vec<_>>()
                            .join(" → "),
                        name: p.name,
                        archived: p.archived,
                    })
                    .collect();
                print_list(&list, &rows, total, &[])?;
            } else {
                print_list(&list, &rows, total, &[])?;
            }
        }
        PipelineCommand::Add { name, stages } => {
            let mut parsed = Vec::new();
            for s in &stages {
                let (n, p) = s.rsplit_once(':').unwrap_or((s.as_str(), "50"));
                let p: i64 = p.trim().parse().map_err(|_| {
                    Error::Validation(vec![
                        FieldError::new("--stage", "not_a_number").with("value", s.clone())
                    ])
                })?;
                parsed.push((n.to_string(), p));
            }
            println!(
                "{}",
                json(&pipelines::create(db, ctx, &name, &parsed).await?)?
            );
        }
        PipelineCommand::AddStage {
            pipeline,
            name,
            probability,
        } => {
            let p = pipelines::find(db, ctx, &pipeline).await?;
            let edit = pipelines::PipelineEdit::AddStage { name, probability };
            println!("{}", json(&pipelines::edit(db, ctx, p.id, &edit).await?)?);
        }
        PipelineCommand::AddLostReason { label } => {
            println!(
                "{}",
                json(&pipelines::add_lost_reason(db, ctx, &label).await?)?
            );
        }
    }
    Ok(())
}

/// Runs `banco campaign …`.
pub async fn campaign(db: &Db, ctx: &Ctx, command: CampaignCommand) -> Result<()> {
    match command {
        CampaignCommand::List(list) => {
            let (rows, total) = list.page_of(campaigns::list(db, ctx).await?);
            print_list(
                &list,
                &rows,
                total,
                &[
                    "id",
                    "name",
                    "channel",
                    "cost_minor",
                    "starts_on",
                    "ends_on",
                    "archived",
                ],
            )?;
        }
        CampaignCommand::Add(a) => {
            let default_pipeline_id = match &a.pipeline {
                Some(p) => Some(pipelines::find(db, ctx, p).await?.id),
                None => None,
            };
            let mut pipeline_ids = Vec::new();
            for l in &a.links {
                pipeline_ids.push(pipelines::find(db, ctx, l).await?.id);
            }
            let c = Campaign {
                id: Uuid::now_v7(),
                name: a.name,
                channel: parse(SourceChannel::parse(&a.channel, "--channel"))?,
                starts_on: a.from,
                ends_on: a.to,
                cost_minor: money(&a.cost, "--cost")?,
                utm_source: a.utm_source,
                utm_medium: a.utm_medium,
                utm_campaign: a.utm_campaign,
                default_pipeline_id,
                pipeline_ids,
                archived: false,
            };
            println!("{}", json(&campaigns::save(db, ctx, &c).await?)?);
        }
    }
    Ok(())
}

/// Runs `banco rule …`.
pub async fn rule(db: &Db, ctx: &Ctx, command: RuleCommand) -> Result<()> {
    match command {
        RuleCommand::List(list) => {
            let (rows, total) = list.page_of(rules::list(db, ctx).await?);
            print_list(
                &list,
                &rows,
                total,
                &["id", "position", "name", "trigger", "active", "owner_mode"],
            )?;
        }
        RuleCommand::Add {
            name,
            trigger,
            pipeline,
            campaign,
            interest,
            source,
            consent,
            owner,
            position,
        } => {
            let (owner_mode, owner_user_id) = match owner.as_str() {
                "lead_owner" => (OwnerMode::LeadOwner, None),
                "round_robin" => (OwnerMode::RoundRobin, None),
                id => (
                    OwnerMode::User,
                    Some(id.parse::<Uuid>().map_err(|_| {
                        Error::Validation(vec![FieldError::new("--owner", "unknown_value")
                            .with("value", id)
                            .with("allowed", "lead_owner, round_robin, <user id>")])
                    })?),
                ),
            };
            let rule = ConversionRule {
                id: Uuid::now_v7(),
                name,
                position,
                active: true,
                trigger: parse(RuleTrigger::parse(&trigger, "--trigger"))?,
                source_channel: source
                    .as_deref()
                    .map(|s| parse(SourceChannel::parse(s, "--source")))
                    .transpose()?,
                campaign_id: match &campaign {
                    Some(c) => Some(campaigns::find(db, ctx, c).await?.id),
                    None => None,
                },
                interest: interest
                    .as_deref()
                    .map(|s| parse(Interest::parse(s, "--interest")))
                    .transpose()?,
                store_id: None,
                required_consent: match consent.as_str() {
                    "none" => None,
                    c => Some(parse(ConsentKind::parse(c, "--consent"))?),
                },
                pipeline_id: pipelines::find(db, ctx, &pipeline).await?.id,
                owner_mode,
                owner_user_id,
            };
            println!("{}", json(&rules::save(db, ctx, &rule).await?)?);
        }
    }
    Ok(())
}

/// Runs `banco deal …`.
pub async fn deal(db: &Db, ctx: &Ctx, command: DealCommand) -> Result<()> {
    match command {
        DealCommand::List { filter, list } => {
            let filter = filter.filter(db, ctx).await?;
            let page = deals::list(
                db,
                ctx,
                &DealQuery {
                    filter,
                    sort: DealSort::CreatedDesc,
                    offset: u64::from(list.offset),
                    limit: u64::from(list.limit()),
                },
            )
            .await?;
            if list.format == OutFormat::Table {
                #[derive(serde::Serialize)]
                struct Row<'a> {
                    id: Uuid,
                    status: &'a str,
                    pipeline: &'a str,
                    stage: &'a str,
                    value: String,
                    title: &'a str,
                    customer: String,
                }
                let rows: Vec<Row> = page
                    .items
                    .iter()
                    .map(|d| Row {
                        id: d.card.id,
                        status: d.status.as_str(),
                        pipeline: &d.pipeline_name,
                        stage: &d.stage_name,
                        value: banco::model::minor_to_decimal(d.card.value_minor),
                        title: &d.card.title,
                        customer: d
                            .card
                            .company_name
                            .clone()
                            .or(d.card.person_name.clone())
                            .unwrap_or_else(|| "—".into()),
                    })
                    .collect();
                print_list(&list, &rows, page.total, &[])?;
            } else {
                print_list(&list, &page.items, page.total, &[])?;
            }
        }
        DealCommand::Show { id, show } => {
            print_one(show.format, &deals::detail(db, ctx, id).await?)?
        }
        DealCommand::Link {
            id,
            person,
            company,
        } => print_one(
            OutFormat::Json,
            &deals::link_customer(db, ctx, id, person, company).await?,
        )?,
        DealCommand::Add {
            pipeline,
            lead,
            person,
            product,
            one_off,
            monthly,
            months,
            expected_close,
            source,
        } => {
            let lines = match product {
                Some(p) => vec![DealLine {
                    id: Uuid::nil(),
                    product: p,
                    quantity: 1,
                    one_off_minor: money(&one_off, "--one-off")?,
                    monthly_minor: money(&monthly, "--monthly")?,
                }],
                None => Vec::new(),
            };
            let new = NewDeal {
                pipeline_id: match &pipeline {
                    Some(p) => Some(pipelines::find(db, ctx, p).await?.id),
                    None => None,
                },
                lead_id: lead,
                person_id: person,
                lines,
                contract_months: months,
                expected_close,
                source_channel: source
                    .as_deref()
                    .map(|s| parse(SourceChannel::parse(s, "--source")))
                    .transpose()?,
                ..Default::default()
            };
            println!("{}", json(&deals::create(db, ctx, new).await?)?);
        }
        DealCommand::Move {
            id,
            stage,
            won,
            lost,
            reopen,
        } => {
            let d = deals::detail(db, ctx, id).await?;
            let mv = if won {
                DealMove::Won {
                    contract_start: None,
                }
            } else if let Some(label) = lost {
                let reasons = pipelines::lost_reasons(db, ctx).await?;
                let key = banco::model::search_key(&label);
                let reason = reasons
                    .iter()
                    .find(|r| banco::model::search_key(&r.label) == key)
                    .ok_or_else(|| {
                        Error::Validation(vec![FieldError::new("--lost", "unknown_value")
                            .with("value", label.clone())
                            .with(
                                "allowed",
                                reasons
                                    .iter()
                                    .map(|r| r.label.clone())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            )])
                    })?;
                DealMove::Lost {
                    reason_id: Some(reason.id),
                    note: None,
                }
            } else if let Some(s) = reopen {
                DealMove::Reopen {
                    stage_id: stage_id(db, ctx, d.deal.pipeline_id, &s).await?,
                }
            } else if let Some(s) = stage {
                DealMove::Stage {
                    stage_id: stage_id(db, ctx, d.deal.pipeline_id, &s).await?,
                }
            } else {
                return Err(Error::field("--stage", "required"));
            };
            println!("{}", json(&deals::move_deal(db, ctx, id, &mv).await?)?);
        }
    }
    Ok(())
}

/// `banco kpi [TABLE] --from --to --format json|csv`.
#[derive(Args)]
pub struct KpiArgs {
    /// campaigns, pipelines, stages, forecast, stores or owners (all with
    /// json); after-sale for the after-sale KPIs (JSON).
    table: Option<String>,
    /// First day (YYYY-MM-DD).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD).
    #[arg(long)]
    to: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutFormat::Json)]
    format: OutFormat,
}

/// Runs `banco kpi …`.
pub async fn kpi_cmd(db: &Db, ctx: &Ctx, args: KpiArgs) -> Result<()> {
    if args.table.as_deref() == Some("after-sale") {
        let range = KpiRange {
            from: args.from,
            to: args.to,
        };
        println!("{}", json(&kpi::after_sale(db, ctx, range).await?)?);
        return Ok(());
    }
    let report = kpi::report(
        db,
        ctx,
        KpiRange {
            from: args.from,
            to: args.to,
        },
    )
    .await?;
    let table = match args.table.as_deref() {
        None => None,
        Some(t) => Some(t.parse::<KpiTable>().map_err(|_| {
            Error::Validation(vec![FieldError::new("table", "unknown_value")
                .with("value", t)
                .with(
                    "allowed",
                    "campaigns, pipelines, stages, forecast, stores, owners, after-sale",
                )])
        })?),
    };
    match (args.format, table) {
        (OutFormat::Csv, Some(t)) => write_out(None, &kpi::to_csv(&report, t)?),
        (OutFormat::Csv, None) => Err(Error::field("table", "required")),
        _ => {
            println!("{}", json(&report)?);
            Ok(())
        }
    }
}

/// Runs `banco import FILE --kind deals …` (see [`deal_import::run`]).
pub async fn import_deals(
    db: &Db,
    ctx: &Ctx,
    file: &std::path::Path,
    maps: &[String],
    args: &DealImportArgs,
    report_path: Option<&PathBuf>,
    preview_only: bool,
) -> Result<()> {
    let mut preview = deal_import::preview(file, ctx.region())?;
    apply_maps(&preview.headers, &mut preview.mapping, maps, |f, option| {
        parse(DealImportField::parse(f, option))
    })?;
    eprintln!("{} rows; mapping:", preview.total_rows);
    for (h, m) in preview.headers.iter().zip(&preview.mapping) {
        eprintln!(
            "  {h:<24} -> {}",
            m.map(|f| f.as_str()).unwrap_or("(ignored)")
        );
    }
    if preview_only {
        println!("{}", json(&preview)?);
        return Ok(());
    }
    let Some(pipeline) = &args.pipeline else {
        return Err(Error::field("--pipeline", "required"));
    };
    let date_order = match args.date_order.as_deref() {
        None => None,
        Some("mdy") => Some(DateOrder::Mdy),
        Some("dmy") => Some(DateOrder::Dmy),
        Some(v) => {
            return Err(Error::Validation(vec![FieldError::new(
                "--date-order",
                "unknown_value",
            )
            .with("value", v)
            .with("allowed", "mdy, dmy")]))
        }
    };
    let request = DealImportRequest {
        path: file.display().to_string(),
        mapping: preview.mapping.clone(),
        pipeline_id: pipelines::find(db, ctx, pipeline).await?.id,
        missing_owners: policy(&args.owners, "--owners")?,
        missing_accounts: policy(&args.accounts, "--accounts")?,
        missing_stages: policy(&args.stages, "--stages")?,
        no_customer: match args.no_customer.as_str() {
            "import" => NoCustomerPolicy::Import,
            "reject" => NoCustomerPolicy::Reject,
            v => {
                return Err(Error::Validation(vec![FieldError::new(
                    "--no-customer",
                    "unknown_value",
                )
                .with("value", v)
                .with("allowed", "import, reject")]))
            }
        },
        date_order,
        store_id: None,
    };
    let bar = indicatif::ProgressBar::new(preview.total_rows);
    let report = deal_import::run(
        db,
        ctx,
        &request,
        |done, _| bar.set_position(done),
        &AtomicBool::new(false),
    )
    .await;
    bar.finish_and_clear();
    let report = report?;
    let s = report.summary;
    println!(
        "{} rows: {} imported, {} skipped, {} rejected",
        s.rows, s.imported, s.skipped, s.rejected
    );
    super::output::print_rejected(&report);
    if let Some(path) = report_path {
        write_out(Some(path), &banco::services::import::report_csv(&report)?)?;
        println!("report written to {}", path.display());
    }
    Ok(())
}
