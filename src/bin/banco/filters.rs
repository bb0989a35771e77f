//! The lead list's filters as options (`banco lead list`, `banco export
//! leads`), and `--custom KEY=VALUE` filters shared by every list.

use banco::model::{LeadQuery, LeadSort, LeadStatus, Segment, SourceChannel};
use banco::{Error, Result};
use chrono::NaiveDate;
use clap::Args;
use uuid::Uuid;

use crate::parse;

/// The lead list's filters.
#[derive(Args, Default)]
pub struct Filters {
    /// Name, e-mail or phone (any format).
    #[arg(long)]
    pub search: Option<String>,
    /// Status (repeatable).
    #[arg(long)]
    pub status: Vec<String>,
    /// Source channel.
    #[arg(long)]
    pub source: Option<String>,
    /// Store id.
    #[arg(long)]
    pub store: Option<Uuid>,
    /// Only leads of people in this customer segment: vip, regular, new,
    /// at_risk, dormant.
    #[arg(long)]
    pub segment: Option<String>,
    /// Captured on or after (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Captured on or before (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// Sort: newest, oldest, name, status.
    #[arg(long, default_value = "newest")]
    pub sort: String,
    /// A custom field filter `KEY=VALUE` (repeatable).
    #[arg(long = "custom")]
    pub custom: Vec<String>,
}

/// The query `f` describes, one page of `limit` from `offset`.
pub fn query_from(f: &Filters, limit: u32, offset: u32) -> Result<LeadQuery> {
    let sort = match f.sort.as_str() {
        "newest" => LeadSort::NewestFirst,
        "oldest" => LeadSort::OldestFirst,
        "name" => LeadSort::Name,
        "status" => LeadSort::Status,
        other => {
            return Err(Error::Validation(vec![banco::model::FieldError::new(
                "sort",
                "unknown_value",
            )
            .with("value", other)
            .with("allowed", "newest, oldest, name, status")]))
        }
    };
    Ok(LeadQuery {
        search: f.search.clone(),
        statuses: f
            .status
            .iter()
            .map(|s| parse(LeadStatus::parse(s, "status")))
            .collect::<Result<_>>()?,
        source_channel: f
            .source
            .as_deref()
            .map(|s| parse(SourceChannel::parse(s, "source")))
            .transpose()?,
        store_id: f.store,
        person_id: None,
        segment: f
            .segment
            .as_deref()
            .map(|s| parse(Segment::parse(s, "segment")))
            .transpose()?,
        custom: custom_filters(&f.custom)?,
        from: f.from,
        to: f.to,
        sort,
        offset,
        limit,
    })
}

/// `--custom KEY=VALUE` filters, shared by every list that takes them.
pub fn custom_filters(values: &[String]) -> Result<Vec<(String, String)>> {
    values
        .iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => Ok((k.trim().to_string(), v.trim().to_string())),
            None => Err(Error::Validation(vec![banco::model::FieldError::new(
                "--custom",
                "invalid_mapping",
            )
            .with("value", kv.as_str())])),
        })
        .collect()
}
