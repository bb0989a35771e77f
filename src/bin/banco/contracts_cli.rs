//! `banco contract list|show|add|edit|move` and `banco customer list`: the
//! back office's work after the sale (issue 16). Refusals (an illegal move,
//! a missing identifier, a bad IBAN) exit 2 and say which field and why.

use banco::model::{
    ContractEdit, ContractFilter, ContractMove, ContractStatus, DealLine, NewDeal, Segment,
    ServiceKind,
};
use banco::services::{contracts, deals, pipelines, Ctx};
use banco::store::Db;
use banco::{Error, Result};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::deals::money;
use crate::output::{print_list, print_one, ListArgs, ShowArgs};
use crate::parse;

/// The filters of the contracts and customers lists.
#[derive(clap::Args)]
pub struct ContractFilterArgs {
    /// The deal's store (id).
    #[arg(long)]
    store: Option<Uuid>,
    /// signed, activation_requested, active, suspended or ceased.
    #[arg(long)]
    status: Option<String>,
    /// electricity, gas, mobile, fixed_line or other.
    #[arg(long)]
    kind: Option<String>,
    /// Text in the offer (case ignored).
    #[arg(long)]
    product: Option<String>,
    /// Term ending in this month, YYYY-MM (the renewals due).
    #[arg(long)]
    renews_in: Option<String>,
    /// One customer person (id).
    #[arg(long)]
    person: Option<Uuid>,
    /// One customer company (id).
    #[arg(long)]
    company: Option<Uuid>,
    /// People of a customer segment: vip, regular, new, at_risk, dormant.
    #[arg(long)]
    segment: Option<String>,
}

impl ContractFilterArgs {
    fn filter(self, list: &ListArgs) -> Result<ContractFilter> {
        Ok(ContractFilter {
            store_id: self.store,
            status: self
                .status
                .as_deref()
                .map(|s| parse(ContractStatus::parse(s, "status")))
                .transpose()?,
            kind: self
                .kind
                .as_deref()
                .map(|k| parse(ServiceKind::parse(k, "kind")))
                .transpose()?,
            product: self.product,
            renews_in: self.renews_in,
            person_id: self.person,
            company_id: self.company,
            segment: self
                .segment
                .as_deref()
                .map(|s| parse(Segment::parse(s, "segment")))
                .transpose()?,
            limit: Some(list.limit()),
            offset: Some(list.offset),
        })
    }
}

/// `banco contract …`.
#[derive(clap::Subcommand)]
pub enum ContractCommand {
    /// List contracts, newest signed first.
    List {
        #[command(flatten)]
        filter: ContractFilterArgs,
        #[command(flatten)]
        list: ListArgs,
    },
    /// A contract with its history, what its activation lacks and where it may move.
    Show {
        /// Contract id.
        id: Uuid,
        #[command(flatten)]
        show: ShowArgs,
    },
    /// Record a sale already made: a deal won at once with its contract
    /// (then `contract edit` for its kind, payment and identifiers).
    Add {
        /// The customer person (id).
        #[arg(long)]
        person: Option<Uuid>,
        /// The customer company (id).
        #[arg(long)]
        company: Option<Uuid>,
        /// The pipeline (name or id); the first when absent.
        #[arg(long)]
        pipeline: Option<String>,
        /// The offer.
        #[arg(long)]
        product: String,
        /// One-off amount (e.g. 49,90).
        #[arg(long, default_value = "0")]
        one_off: String,
        /// Monthly amount (e.g. 29,90).
        #[arg(long, default_value = "0")]
        monthly: String,
        /// Term length in months.
        #[arg(long)]
        months: Option<u32>,
        /// The day it was signed (YYYY-MM-DD; today when absent).
        #[arg(long)]
        signed: Option<NaiveDate>,
    },
    /// Change a contract's kind, term, payment and identifiers (each checked).
    Edit {
        /// Contract id.
        id: Uuid,
        /// electricity, gas, mobile, fixed_line or other.
        #[arg(long)]
        kind: Option<String>,
        /// Term length in months (0: open-ended).
        #[arg(long)]
        months: Option<u32>,
        /// Whether a term renews by itself: true or false.
        #[arg(long)]
        tacit_renewal: Option<bool>,
        /// Notice in days.
        #[arg(long)]
        notice_days: Option<u32>,
        /// direct_debit, card, postal_slip or bank_transfer ("" clears it).
        #[arg(long)]
        payment: Option<String>,
        /// IBAN of a direct debit ("" clears it).
        #[arg(long)]
        iban: Option<String>,
        /// Electricity POD ("" clears it).
        #[arg(long)]
        pod: Option<String>,
        /// Gas PDR ("" clears it).
        #[arg(long)]
        pdr: Option<String>,
        /// Mobile number ("" clears it).
        #[arg(long)]
        msisdn: Option<String>,
        /// SIM ICCID ("" clears it).
        #[arg(long)]
        iccid: Option<String>,
        /// Number or line portability: true or false.
        #[arg(long)]
        portability: Option<bool>,
        /// Fixed line's migration code ("" clears it).
        #[arg(long)]
        migration_code: Option<String>,
    },
    /// Move a contract: activation_requested, active, suspended, ceased or signed.
    Move {
        /// Contract id.
        id: Uuid,
        /// The status to reach.
        to: String,
        /// The day it happened (YYYY-MM-DD; today when absent).
        #[arg(long)]
        on: Option<NaiveDate>,
        /// Why (needed to suspend, cease or send back a refused request).
        #[arg(long)]
        reason: Option<String>,
    },
}

/// `banco customer …`.
#[derive(clap::Subcommand)]
pub enum CustomerCommand {
    /// People and companies with a contract, by name.
    List {
        #[command(flatten)]
        filter: ContractFilterArgs,
        #[command(flatten)]
        list: ListArgs,
    },
}

/// Runs `banco contract …`.
pub async fn contract(db: &Db, ctx: &Ctx, command: ContractCommand) -> Result<()> {
    match command {
        ContractCommand::List { filter, list } => {
            let page = contracts::list(db, ctx, &filter.filter(&list)?).await?;
            print_list(
                &list,
                &page.items,
                page.total,
                &[
                    "id",
                    "customer_name",
                    "offer",
                    "kind",
                    "status",
                    "start_date",
                    "activated_on",
                    "ends_on",
                    "monthly_minor",
                    "store_name",
                ],
            )
        }
        ContractCommand::Add {
            person,
            company,
            pipeline,
            product,
            one_off,
            monthly,
            months,
            signed,
        } => {
            let new = NewDeal {
                pipeline_id: match &pipeline {
                    Some(p) => Some(pipelines::find(db, ctx, p).await?.id),
                    None => None,
                },
                person_id: person,
                company_id: company,
                lines: vec![DealLine {
                    id: Uuid::nil(),
                    product,
                    quantity: 1,
                    one_off_minor: money(&one_off, "--one-off")?,
                    monthly_minor: money(&monthly, "--monthly")?,
                }],
                contract_months: months,
                ..Default::default()
            };
            let sale = deals::record_sale(db, ctx, new, signed).await?;
            let contract = sale.contract.ok_or_else(|| Error::NotFound {
                entity: "contract",
                id: sale.deal.id.to_string(),
            })?;
            print_one(
                crate::output::OutFormat::Json,
                &contracts::detail(db, ctx, contract.id).await?,
            )
        }
        ContractCommand::Show { id, show } => {
            print_one(show.format, &contracts::detail(db, ctx, id).await?)
        }
        ContractCommand::Edit {
            id,
            kind,
            months,
            tacit_renewal,
            notice_days,
            payment,
            iban,
            pod,
            pdr,
            msisdn,
            iccid,
            portability,
            migration_code,
        } => {
            let edit = ContractEdit {
                kind: kind
                    .as_deref()
                    .map(|k| parse(ServiceKind::parse(k, "kind")))
                    .transpose()?,
                duration_months: months,
                tacit_renewal,
                notice_days,
                payment_method: payment,
                iban,
                pod,
                pdr,
                msisdn,
                iccid,
                portability,
                migration_code,
                version: None,
            };
            let detail = contracts::edit(db, ctx, id, &edit).await?;
            print_one(crate::output::OutFormat::Json, &detail)
        }
        ContractCommand::Move { id, to, on, reason } => {
            let mv = ContractMove {
                to: parse(ContractStatus::parse(&to, "to"))?,
                on,
                reason,
                version: None,
            };
            let detail = contracts::move_contract(db, ctx, id, &mv).await?;
            print_one(crate::output::OutFormat::Json, &detail)
        }
    }
}

/// Runs `banco customer …`.
pub async fn customer(db: &Db, ctx: &Ctx, command: CustomerCommand) -> Result<()> {
    match command {
        CustomerCommand::List { filter, list } => {
            let page = contracts::customers(db, ctx, &filter.filter(&list)?).await?;
            print_list(
                &list,
                &page.items,
                page.total,
                &[
                    "entity_type",
                    "entity_id",
                    "name",
                    "contact",
                    "contracts",
                    "active",
                    "monthly_minor",
                    "next_term_end",
                ],
            )
        }
    }
}
