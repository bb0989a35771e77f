//! `banco`: the command line on the same core as the desktop app.
//!
//! ```text
//! banco [--database-url URL] [--data-dir DIR] [--sign-in LOGIN] <command>
//!   migrate                                  apply schema migrations
//!   connect --password-stdin | forget        the server's password in the OS keychain
//!   import <file.csv> [--map COLUMN=FIELD]… [--duplicates skip|update|create] [--report out.csv]
//!   export leads --format csv|json [filters] [--output FILE]
//!   lead add --first-name … --phone … [--email …] [--interest …] [--source …] [--consent marketing,…]
//!   lead list [--format table|json|csv] [filters]
//!   seed --leads N [--seed S]
//!   user list | user add --name … --role staff|store_manager|admin [--login L --password-stdin]
//!   user password USER_ID [--login L] --password-stdin
//!   store list | store add --name … --code …
//!   pipeline list|add|add-stage|add-lost-reason      sales pipelines and stages
//!   campaign list|add                                 campaigns (cost, UTM, pipelines)
//!   rule list|add                                     conversion rules
//!   deal list|show|add|move                           deals
//!   import <deals.csv> --kind deals --pipeline P      deals from a CRM export
//!   kpi [TABLE] [--from D] [--to D] --format json|csv KPIs
//! ```
//! `--database-url` takes a `sqlite:` or `postgres:` URL (also `$BANCO_DATABASE_URL`);
//! the default is the embedded SQLite file in the data directory.
//!
//! Who acts is whoever signs in: `--sign-in LOGIN` (or `$BANCO_LOGIN`) with the
//! password from `$BANCO_PASSWORD` or typed at the terminal's prompt. On a
//! database where nobody has a password yet (see
//! [`banco::services::sign_in`]) the command line acts as the first admin.

use std::path::PathBuf;
use std::process::ExitCode;

use banco::model::{CaptureLead, ConsentChoices, ConsentKind, Interest, LeadStatus, SourceChannel};
use banco::services::{custom_fields, export, leads, seed, Ctx};
use banco::store::{default_data_dir, sqlite_url_in, Db};
use banco::{Error, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use filters::{custom_filters, query_from, Filters};
use uuid::Uuid;

mod admin_cli;
mod audit_cli;
mod automations_cli;
mod backup_cli;
mod contacts;
mod contracts_cli;
mod deals;
mod export_cli;
mod filters;
mod import_cli;
mod outbox_cli;
mod output;
mod people_cli;
mod records;
mod segments_cli;
mod staff_cli;
mod update_cli;
mod work_cli;

/// `banco --help`: the commands by what they are for (clap lists
/// subcommands under one heading; `tests/cli.rs` checks that every
/// subcommand is named here).
const HELP: &str = "\
{before-help}{name} {version}: {about}

{usage-heading} {usage}

Counter and customers:
  lead           Capture, list and qualify leads
  person         A person's card, corrections, consents, objection, receipt
  gdpr           A person's access export and erasure, the retention rule (GDPR)
  company        Companies and their contacts
  note           Write a note on a record
  search         Search people, companies, leads, deals and notes
  duplicates     Find and merge duplicate people or companies
  outbox         Captures waiting for an unreachable chain server

Sales:
  deal           Deals: list, show, add, move, link a customer
  pipeline       Pipelines, stages and lost reasons
  campaign       Campaigns
  rule           Conversion rules (lead → deal)
  kpi            KPIs per campaign, pipeline, stage, month, store and owner
  segment        Customer segments: VIP, regular, new, at risk, dormant
  automation     Rules that make calls: welcome, renewal, win-back

After the sale:
  customer       People and companies with a contract
  contract       Contracts: list, show, add a past sale, edit identifiers and terms, move
  ticket         Tickets with milestones and tasks; workflow templates
  task           My tasks and my store's; add, done
  kit            Commercial kits: list, add, expand into deals and tickets

Calls and meetings:
  call           Start a call, record its outcome, find a caller
  queue          The \"to call\" queue
  meeting        Video meetings, their invitations and the meeting server
  contact-rules  The store's contact rules and do-not-call list

Data in and out:
  import         People and leads, deals, companies or vCards from a file
  export         Leads, deals, companies, KPI tables (Excel, CSV) or vCards
  audit          Who exported what or asked for GDPR, and when (admins)

Set-up and upkeep:
  migrate        Apply schema migrations (a chain server: check its schema)
  admin          A chain server, as its owner: init, migrate, tenant, store, user
  connect        Keep the chain server's password in the OS keychain
  forget         Forget this computer: delete that password
  user           Staff
  store          Stores (shops)
  seed           Synthetic data for demos and benchmarks
  backup         Back up this shop's database, list and restore backups
  update-server  Where the desks look for new versions of Banco
  reindex        Rebuild the search index
  help           Help on a command

Every list takes --format table|json|csv, --limit and --offset (JSON: one
document with items, total and offset); every show takes --format.

{options}{after-help}";

#[derive(Parser)]
#[command(
    name = "banco",
    version,
    about = "Banco CRM: counter leads on SQLite or Postgres",
    help_template = HELP
)]
struct Cli {
    /// Database URL (`sqlite:…` or `postgres://…`); default: the SQLite file in the data directory.
    #[arg(long, global = true, env = "BANCO_DATABASE_URL")]
    database_url: Option<String>,
    /// Data directory of the embedded database (default: $BANCO_DATA_DIR or the OS app-data folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Sign in as this login (the password from $BANCO_PASSWORD, or typed
    /// at the prompt). Not needed while nobody has a password yet.
    #[arg(long, value_name = "LOGIN", global = true, env = "BANCO_LOGIN")]
    sign_in: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// SQLite: apply pending schema migrations (and create the first
    /// tenant, store and admin). A chain server: check that its schema is
    /// this version's (`banco admin migrate` changes it).
    Migrate,
    /// A chain server's set-up, as its schema owner: init, migrate, tenants, stores, users.
    Admin {
        #[command(subcommand)]
        command: admin_cli::AdminCommand,
    },
    /// Keep the chain server's password (first line of standard input) in
    /// the OS keychain, after checking that it connects.
    Connect {
        /// Required: read the password from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// "Forget this computer": delete the server's password from the OS keychain.
    Forget,
    /// Import people and leads from a CSV file.
    Import(import_cli::ImportArgs),
    /// Export data.
    Export {
        #[command(subcommand)]
        what: export_cli::ExportWhat,
    },
    /// Where the tenant's desks look for new versions of Banco.
    UpdateServer {
        #[command(subcommand)]
        command: update_cli::UpdateServerCommand,
    },
    /// Backups of this shop's embedded database.
    Backup {
        #[command(subcommand)]
        command: backup_cli::BackupCommand,
    },
    /// Captures waiting for an unreachable chain server (this computer's outbox).
    Outbox {
        #[command(subcommand)]
        command: outbox_cli::OutboxCommand,
    },
    /// Leads.
    Lead {
        #[command(subcommand)]
        command: LeadCommand,
    },
    /// Add realistic synthetic Italian leads and deals (demos, benchmarks).
    Seed {
        /// How many leads.
        #[arg(long, default_value_t = 0)]
        leads: u64,
        /// How many deals (over the last two years, mostly closed).
        #[arg(long, default_value_t = 0)]
        deals: u64,
        /// Of the deals, how many are open in the first pipeline.
        #[arg(long, default_value_t = 0)]
        open: u64,
        /// Random seed (same seed, same data).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Staff.
    User {
        #[command(subcommand)]
        command: staff_cli::UserCommand,
    },
    /// Stores (shops).
    Store {
        #[command(subcommand)]
        command: staff_cli::StoreCommand,
    },
    /// Pipelines, stages and lost reasons.
    Pipeline {
        #[command(subcommand)]
        command: deals::PipelineCommand,
    },
    /// Campaigns.
    Campaign {
        #[command(subcommand)]
        command: deals::CampaignCommand,
    },
    /// Conversion rules (lead → deal).
    Rule {
        #[command(subcommand)]
        command: deals::RuleCommand,
    },
    /// Deals.
    Deal {
        #[command(subcommand)]
        command: deals::DealCommand,
    },
    /// KPIs per campaign, pipeline, stage, month, store and owner.
    Kpi(deals::KpiArgs),
    /// People and companies with a contract.
    Customer {
        #[command(subcommand)]
        command: contracts_cli::CustomerCommand,
    },
    /// Contracts after the sale: their lifecycle, terms and identifiers.
    Contract {
        #[command(subcommand)]
        command: contracts_cli::ContractCommand,
    },
    /// Tickets, their milestones and workflow templates.
    Ticket {
        #[command(subcommand)]
        command: work_cli::TicketCommand,
    },
    /// Tasks for every desk.
    Task {
        #[command(subcommand)]
        command: work_cli::TaskCommand,
    },
    /// Commercial kits.
    Kit {
        #[command(subcommand)]
        command: work_cli::KitCommand,
    },
    /// Automations: calls made for the owner (welcome, renewal, win-back).
    Automation {
        #[command(subcommand)]
        command: automations_cli::AutomationCommand,
    },
    /// Customer segments: counts, thresholds, a fresh classification.
    Segment {
        #[command(subcommand)]
        command: segments_cli::SegmentCommand,
    },
    /// A person's card; correct their name and contacts.
    Person {
        #[command(subcommand)]
        command: people_cli::PersonCommand,
    },
    /// A person's GDPR requests (access export, erasure) and the
    /// retention rule.
    Gdpr {
        #[command(subcommand)]
        command: people_cli::GdprCommand,
    },
    /// Companies and their contacts.
    Company {
        #[command(subcommand)]
        command: records::CompanyCommand,
    },
    /// Add a Markdown note to a person, company, lead or deal.
    Note {
        /// person, company, lead or deal.
        on: String,
        /// The record's id.
        id: Uuid,
        /// The text (`@Name` mentions a user).
        body: String,
    },
    /// Search people, companies, leads, deals and notes (as Ctrl+K).
    Search {
        /// Words, part of words, or the last digits of a phone.
        query: String,
        #[command(flatten)]
        list: output::ListArgs,
    },
    /// Find and merge duplicate people or companies.
    Duplicates {
        #[command(subcommand)]
        command: records::DuplicatesCommand,
    },
    /// Rebuild the search index from the records.
    Reindex,
    /// The audit trail, newest first (admins): who exported what, and when.
    Audit(audit_cli::AuditArgs),
    /// Calls: start one (the contact rules apply), record its outcome, find a caller.
    Call {
        #[command(subcommand)]
        command: contacts::CallCommand,
    },
    /// The "to call" queue: leads and deals whose SLA runs out, due call-backs.
    Queue(output::ListArgs),
    /// Video meetings: schedule, list, invitation (.ics), cancel.
    Meeting {
        #[command(subcommand)]
        command: contacts::MeetingCommand,
    },
    /// The store's contact rules, do-not-call list and your dial scheme.
    ContactRules {
        #[command(subcommand)]
        command: contacts::RulesCommand,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Subcommand)]
enum LeadCommand {
    /// Capture a lead (same rules as the counter).
    Add(LeadAdd),
    /// List leads.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[command(flatten)]
        filters: Filters,
        /// Page size (max 500).
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Rows to skip.
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Move a lead to another status.
    Status {
        /// Lead id.
        id: Uuid,
        /// Target status.
        to: String,
        /// Reason (required to disqualify).
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Args)]
struct LeadAdd {
    #[arg(long, default_value = "")]
    first_name: String,
    #[arg(long, default_value = "")]
    last_name: String,
    #[arg(long, default_value = "")]
    phone: String,
    #[arg(long, default_value = "")]
    email: String,
    #[arg(long, default_value = "other")]
    interest: String,
    #[arg(long, default_value = "store_walkin")]
    source: String,
    #[arg(long)]
    store: Option<Uuid>,
    #[arg(long, default_value = "")]
    note: String,
    /// Consents given, comma separated: service_contact,marketing,profiling,third_parties.
    #[arg(long, value_delimiter = ',')]
    consent: Vec<String>,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("BANCO_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            // 2: the request was refused (bad input, a move the lifecycle
            // forbids, a role that may not, an unknown record); 1: a failure.
            ExitCode::from(
                if matches!(
                    e,
                    Error::Validation(_)
                        | Error::IllegalTransition { .. }
                        | Error::IllegalDealMove { .. }
                        | Error::ContactRefused(_)
                        | Error::IllegalMeetingMove { .. }
                        | Error::Forbidden { .. }
                        | Error::NotFound { .. }
                        | Error::SignIn { .. }
                        | Error::SchemaMismatch { .. }
                        | Error::ServerRefused(_)
                ) {
                    2
                } else {
                    1
                },
            )
        }
    }
}

fn parse<T>(r: std::result::Result<T, banco::model::FieldError>) -> Result<T> {
    r.map_err(|e| Error::Validation(vec![e]))
}

/// Applies `--map COLUMN=FIELD` options to a guessed mapping: the column by
/// header name (case-insensitive) or 1-based number, the field parsed by
/// `parse_field(name, option)`, `ignore` for none.
///
/// Errors: [`Error::Validation`] on `--map …` (`invalid_mapping`,
/// `unknown_value` with the headers allowed).
fn apply_maps<F>(
    headers: &[String],
    mapping: &mut [Option<F>],
    maps: &[String],
    parse_field: impl Fn(&str, &str) -> Result<F>,
) -> Result<()> {
    for m in maps {
        let option = format!("--map {m}");
        let (column, field) = m
            .split_once('=')
            .ok_or_else(|| Error::field(option.clone(), "invalid_mapping"))?;
        let index = match column.trim().parse::<usize>() {
            Ok(n) if n >= 1 && n <= headers.len() => Some(n - 1),
            _ => headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(column.trim())),
        };
        let index = index.ok_or_else(|| {
            Error::Validation(vec![banco::model::FieldError::new(
                option.clone(),
                "unknown_value",
            )
            .with("value", column)
            .with("allowed", headers.join(", "))])
        })?;
        mapping[index] = match field.trim() {
            "ignore" | "" => None,
            f => Some(parse_field(f, &option)?),
        };
    }
    Ok(())
}

fn write_out(path: Option<&PathBuf>, text: &str) -> Result<()> {
    match path {
        Some(p) => std::fs::write(p, text).map_err(|source| Error::Io {
            path: p.display().to_string(),
            source,
        }),
        None => {
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            Ok(())
        }
    }
}

/// The capture `banco lead add` describes.
fn capture_input(a: LeadAdd) -> Result<CaptureLead> {
    let mut consents = ConsentChoices::default();
    for c in &a.consent {
        match parse(ConsentKind::parse(c, "consent"))? {
            ConsentKind::ServiceContact => consents.service_contact = true,
            ConsentKind::Marketing => consents.marketing = true,
            ConsentKind::Profiling => consents.profiling = true,
            ConsentKind::ThirdParties => consents.third_parties = true,
        }
    }
    Ok(CaptureLead {
        first_name: a.first_name,
        last_name: a.last_name,
        phone: a.phone,
        email: a.email,
        interest: parse(Interest::parse(&a.interest, "interest"))?,
        source_channel: parse(SourceChannel::parse(&a.source, "source_channel"))?,
        store_id: a.store,
        note: a.note,
        consents,
        ..Default::default()
    })
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(|e| Error::Io {
        path: "stdout".into(),
        source: e.into(),
    })
}

async fn run(cli: Cli) -> Result<()> {
    let url = match &cli.database_url {
        Some(u) => u.clone(),
        None => sqlite_url_in(&cli.data_dir.clone().unwrap_or_else(default_data_dir)),
    };
    match cli.command {
        Command::Connect { .. } => return staff_cli::connect(&url).await,
        Command::Forget => return staff_cli::forget(&url),
        Command::Admin { command } => return admin_cli::run(&url, command).await,
        _ => {}
    }
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    let login = cli.sign_in.as_deref();
    let (db, ctx) = match staff_cli::open_signed_in(&url, login).await {
        Ok((db, ctx, password)) => {
            if let (Some(login), Some(password)) = (login, password) {
                outbox_cli::remember(&db, &ctx, &data_dir, login, &password).await;
            }
            (db, ctx.speaking(&cli_language()))
        }
        Err(e) if e.is_unreachable() && banco::store::is_postgres_url(&url) => {
            let what = match cli.command {
                Command::Lead {
                    command: LeadCommand::Add(a),
                } => outbox_cli::Offline::Add(Box::new(capture_input(a)?)),
                Command::Outbox {
                    command: outbox_cli::OutboxCommand::List(args),
                } => outbox_cli::Offline::List(args),
                _ => outbox_cli::Offline::Other,
            };
            let password = |l: &str| staff_cli::login_password(&url, l);
            return outbox_cli::offline(&url, &data_dir, login, password, what, e).await;
        }
        Err(e) => return Err(e),
    };
    if let Command::Backup { command } = cli.command {
        return backup_cli::run(db, &ctx, &data_dir, command).await;
    }
    if let Command::User { command } = cli.command {
        let result = staff_cli::user(&db, &ctx, &url, command).await;
        db.close().await;
        return result;
    }
    let result = command(&db, &ctx, &data_dir, cli.command).await;
    db.close().await;
    result
}

/// The language of what the command line writes for people (spreadsheet
/// headers): English when `LC_ALL`, `LC_MESSAGES` or `LANG` (the first
/// set, POSIX order) says English, else Italian.
fn cli_language() -> String {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|l| !l.is_empty()))
        .filter(|l| l.starts_with("en"))
        .map_or("it", |_| "en")
        .to_string()
}

async fn command(db: &Db, ctx: &Ctx, data_dir: &std::path::Path, command: Command) -> Result<()> {
    match command {
        Command::Connect { .. }
        | Command::Forget
        | Command::Admin { .. }
        | Command::Backup { .. }
        | Command::User { .. } => Ok(()),
        Command::Outbox { command } => outbox_cli::run(db, ctx, data_dir, command).await,
        Command::Migrate => {
            println!(
                "database ready: tenant {} ({}), acting user {}",
                ctx.tenant.name, ctx.tenant.id, ctx.user.display_name
            );
            Ok(())
        }
        Command::Import(args) => import_cli::import_cmd(db, ctx, args).await,
        Command::Export { what } => export_cli::run(db, ctx, what).await,
        Command::Lead {
            command: LeadCommand::Add(a),
        } => outbox_cli::lead_add(db, ctx, data_dir, capture_input(a)?).await,
        Command::Lead {
            command:
                LeadCommand::List {
                    format,
                    filters,
                    limit,
                    offset,
                },
        } => {
            let page = leads::list(db, ctx, &query_from(&filters, limit, offset)?).await?;
            match format {
                Format::Json => println!("{}", json(&page)?),
                Format::Csv => write_out(
                    None,
                    &export::leads_csv(
                        &page.items,
                        &custom_fields::custom_keys(db, ctx, banco::model::EntityType::Lead)
                            .await?,
                    )?,
                )?,
                Format::Table => {
                    for l in &page.items {
                        println!(
                            "{}  {}  {:<12} {:<28} {:<16} {}",
                            l.id,
                            l.created_at.format("%Y-%m-%d %H:%M"),
                            l.status.as_str(),
                            format!("{} {}", l.first_name, l.last_name),
                            l.phone.as_deref().unwrap_or("-"),
                            l.email.as_deref().unwrap_or("-"),
                        );
                    }
                    println!(
                        "{} of {} leads (offset {})",
                        page.items.len(),
                        page.total,
                        page.offset
                    );
                }
            }
            Ok(())
        }
        Command::Lead {
            command: LeadCommand::Status { id, to, reason },
        } => {
            let to = parse(LeadStatus::parse(&to, "status"))?;
            let d = leads::change_status(
                db,
                ctx,
                &banco::model::StatusChange {
                    lead_id: id,
                    to,
                    reason,
                },
            )
            .await?;
            println!("lead {} is now {}", d.lead.id, d.lead.status);
            Ok(())
        }
        Command::Seed {
            leads,
            deals,
            open,
            seed: s,
        } => {
            if leads > 0 {
                let bar = indicatif::ProgressBar::new(leads);
                let summary =
                    seed::seed(db, ctx, leads, s, |done, _| bar.set_position(done)).await?;
                bar.finish_and_clear();
                println!("{}", json(&summary)?);
            }
            if deals > 0 {
                let bar = indicatif::ProgressBar::new(deals);
                let summary = seed::deals(db, ctx, deals, open.min(deals), s, |done, _| {
                    bar.set_position(done)
                })
                .await?;
                bar.finish_and_clear();
                println!(
                    "{} deals ({} open in the first pipeline), {} people",
                    summary.deals, summary.open, summary.people
                );
            }
            Ok(())
        }
        Command::Store { command } => staff_cli::store(db, ctx, command).await,
        Command::Pipeline { command } => deals::pipeline(db, ctx, command).await,
        Command::Campaign { command } => deals::campaign(db, ctx, command).await,
        Command::Rule { command } => deals::rule(db, ctx, command).await,
        Command::Deal { command } => deals::deal(db, ctx, command).await,
        Command::Kpi(args) => deals::kpi_cmd(db, ctx, args).await,
        Command::Person { command } => people_cli::person(db, ctx, command).await,
        Command::Segment { command } => segments_cli::run(db, ctx, command).await,
        Command::Automation { command } => automations_cli::run(db, ctx, command).await,
        Command::Gdpr { command } => people_cli::gdpr(db, ctx, data_dir, command).await,
        Command::Company { command } => records::company(db, ctx, command).await,
        Command::Customer { command } => contracts_cli::customer(db, ctx, command).await,
        Command::Contract { command } => contracts_cli::contract(db, ctx, command).await,
        Command::Ticket { command } => work_cli::ticket(db, ctx, command).await,
        Command::Task { command } => work_cli::task(db, ctx, command).await,
        Command::Kit { command } => work_cli::kit(db, ctx, command).await,
        Command::Note { on, id, body } => {
            let on = parse(banco::model::EntityType::parse(&on, "on"))?;
            records::note(db, ctx, on, id, body).await
        }
        Command::Search { query, list } => records::search_cmd(db, ctx, &query, &list).await,
        Command::Duplicates { command } => records::duplicates_cmd(db, ctx, command).await,
        Command::Call { command } => contacts::call(db, ctx, command).await,
        Command::Queue(list) => contacts::queue(db, ctx, &list).await,
        Command::Meeting { command } => contacts::meeting(db, ctx, command).await,
        Command::UpdateServer { command } => update_cli::run(db, ctx, command).await,
        Command::ContactRules { command } => contacts::rules(db, ctx, command).await,
        Command::Reindex => records::reindex(db, ctx).await,
        Command::Audit(list) => audit_cli::run(db, ctx, &list).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn help_names_every_command() {
        for sub in Cli::command().get_subcommands() {
            let name = sub.get_name();
            assert!(
                HELP.lines()
                    .any(|l| l.trim_start().starts_with(&format!("{name} "))),
                "`{name}` is not in the grouped --help"
            );
        }
    }
}
