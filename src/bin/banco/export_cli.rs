//! `banco export leads|deals|companies|kpi|segment|vcard`: the lists and KPI tables
//! as the window exports them (Excel (Italia), `.xlsx`, plain CSV, JSON
//! for leads), each written to the audit trail; contacts as vCard.

use std::path::PathBuf;

use banco::model::{
    ContactChannel, ContactPurpose, ExportFormat, FieldError, KpiRange, KpiTable, Segment,
};
use banco::services::{companies, export, kpi, segments, Ctx};
use banco::store::Db;
use banco::{Error, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use uuid::Uuid;

use crate::deals::DealFilterArgs;
use crate::records::CompanyFilterArgs;
use crate::{query_from, Filters};

/// `banco export …`
#[derive(Subcommand)]
pub enum ExportWhat {
    /// Every lead matching the filters.
    /// `--format excel-it` is a CSV Italian Excel opens as a table,
    /// `xlsx` a workbook.
    Leads {
        #[arg(long, default_value = "csv", value_parser = export_format)]
        format: ExportFormat,
        #[command(flatten)]
        filters: Filters,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Every deal matching the filters (store managers and admins).
    Deals {
        #[arg(long, default_value = "csv", value_parser = export_format)]
        format: ExportFormat,
        #[command(flatten)]
        filter: DealFilterArgs,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Every company matching the filters (store managers and admins).
    Companies {
        #[arg(long, default_value = "csv", value_parser = export_format)]
        format: ExportFormat,
        #[command(flatten)]
        filter: CompanyFilterArgs,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// One KPI table (campaigns, pipelines, stages, forecast, stores,
    /// owners) of a period, over the records you may see.
    Kpi {
        /// The table.
        table: String,
        #[arg(long, default_value = "csv", value_parser = export_format)]
        format: ExportFormat,
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last day (YYYY-MM-DD).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// The people of a customer segment (store managers and admins); for
    /// marketing, only those who agreed on the channel.
    Segment {
        /// vip, regular, new, at_risk or dormant.
        segment: String,
        /// marketing (only who agreed) or service.
        #[arg(long, default_value = "marketing")]
        purpose: String,
        /// call, sms, email or whatsapp (the consent asked for it).
        #[arg(long)]
        channel: Option<String>,
        #[arg(long, default_value = "csv", value_parser = export_format)]
        format: ExportFormat,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Contacts as vCard 3.0: one person, or a company's contacts.
    Vcard {
        /// The person.
        #[arg(long)]
        person: Option<Uuid>,
        /// The company (all its contacts).
        #[arg(long)]
        company: Option<Uuid>,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// `--format` of an export: `csv`, `excel-it`, `xlsx` or `json`.
fn export_format(s: &str) -> std::result::Result<ExportFormat, String> {
    s.parse()
        .map_err(|_| format!("{s}: not one of csv, excel-it, xlsx, json"))
}

/// Runs `banco export …`.
///
/// Errors: the export's (`Forbidden` for staff on the lists, `Validation`
/// for JSON where only leads have it or an unknown KPI table), `Io` when
/// the file cannot be written.
pub async fn run(db: &Db, ctx: &Ctx, what: ExportWhat) -> Result<()> {
    let (bytes, output) = match what {
        ExportWhat::Leads {
            format,
            filters,
            output,
        } => (
            export::leads(db, ctx, &query_from(&filters, 0, 0)?, format).await?,
            output,
        ),
        ExportWhat::Deals {
            format,
            filter,
            output,
        } => {
            let filter = filter.filter(db, ctx).await?;
            (export::deals(db, ctx, &filter, format).await?, output)
        }
        ExportWhat::Companies {
            format,
            filter,
            output,
        } => (
            companies::export(db, ctx, &filter.query(0, 0)?, format).await?,
            output,
        ),
        ExportWhat::Kpi {
            table,
            format,
            from,
            to,
            output,
        } => {
            let table = table.parse::<KpiTable>().map_err(|_| {
                Error::Validation(vec![FieldError::new("table", "unknown_value")
                    .with("value", &table)
                    .with(
                        "allowed",
                        "campaigns, pipelines, stages, forecast, stores, owners",
                    )])
            })?;
            let range = KpiRange { from, to };
            (kpi::export(db, ctx, range, table, format).await?, output)
        }
        ExportWhat::Segment {
            segment,
            purpose,
            channel,
            format,
            output,
        } => {
            let segment = crate::parse(Segment::parse(&segment, "segment"))?;
            let purpose = crate::parse(ContactPurpose::parse(&purpose, "purpose"))?;
            let channel = channel
                .map(|c| {
                    let channel = crate::parse(ContactChannel::parse(&c, "channel"))?;
                    // Only a channel a consent can be asked for.
                    crate::parse(
                        banco::model::ConsentDecision {
                            kind: banco::model::ConsentKind::Marketing,
                            channel: Some(channel),
                            granted: true,
                        }
                        .check(),
                    )?;
                    Ok::<_, Error>(channel)
                })
                .transpose()?;
            let bytes = segments::export(db, ctx, segment, purpose, channel, format).await?;
            (bytes, output)
        }
        ExportWhat::Vcard {
            person,
            company,
            output,
        } => return crate::records::export_vcard(db, ctx, person, company, output.as_ref()).await,
    };
    match output {
        Some(p) => std::fs::write(&p, bytes).map_err(|source| Error::Io {
            path: p.display().to_string(),
            source,
        }),
        None => {
            std::io::Write::write_all(&mut std::io::stdout(), &bytes).map_err(|source| Error::Io {
                path: "(standard output)".into(),
                source,
            })
        }
    }
}
