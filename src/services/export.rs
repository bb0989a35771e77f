//! Export of the Leads list as CSV or JSON and of the Deals list as CSV,
//! each with its list's filters.

use super::custom_fields::custom_cells;
use super::{deals, leads, Ctx};
use crate::model::{
    minor_to_decimal, DealFilter, DealQuery, EntityType, LeadListItem, LeadQuery, Phone,
};
use crate::store::Db;
use crate::{Error, Result};

/// Rows fetched per round trip while exporting.
const EXPORT_PAGE: u32 = 500;

/// Every lead matching `query` (its offset and limit are ignored), in its
/// sort order. Exports are for store managers and admins.
///
/// Errors: [`Error::Forbidden`] (`export_data`).
pub async fn all_leads(db: &Db, ctx: &Ctx, query: &LeadQuery) -> Result<Vec<LeadListItem>> {
    ctx.require_manager("export_data")?;
    let mut q = query.clone();
    q.limit = EXPORT_PAGE;
    q.offset = 0;
    let mut out = Vec::new();
    loop {
        let page = leads::list(db, ctx, &q).await?;
        let n = page.items.len() as u32;
        out.extend(page.items);
        if n < EXPORT_PAGE {
            return Ok(out);
        }
        q.offset += n;
    }
}

/// Leads as a JSON array of [`LeadListItem`] objects (times in RFC 3339 UTC).
pub fn leads_json(items: &[LeadListItem]) -> Result<String> {
    serde_json::to_string_pretty(items).map_err(|e| Error::Io {
        path: "json".into(),
        source: e.into(),
    })
}

/// Leads as CSV with a header: `id, created_at, first_name, last_name,
/// phone (E.164), phone_national, email, status, source_channel, interest,
/// store, owner`, then one column per key of `custom` (the lead's custom
/// fields, see [`super::custom_fields::custom_keys`]).
pub fn leads_csv(items: &[LeadListItem], custom: &[String]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "id",
        "created_at",
        "first_name",
        "last_name",
        "phone",
        "phone_national",
        "email",
        "status",
        "source_channel",
        "interest",
        "store",
        "owner",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.extend(custom.iter().cloned());
    w.write_record(&header)?;
    for l in items {
        let national = l
            .phone
            .clone()
            .map(|p| Phone::from_e164_unchecked(p).national())
            .unwrap_or_default();
        let mut row = vec![
            l.id.to_string(),
            l.created_at.to_rfc3339(),
            l.first_name.clone(),
            l.last_name.clone(),
            l.phone.clone().unwrap_or_default(),
            national,
            l.email.clone().unwrap_or_default(),
            l.status.as_str().into(),
            l.source_channel.as_str().into(),
            l.interest.as_str().into(),
            l.store_name.clone().unwrap_or_default(),
            l.owner_name.clone().unwrap_or_default(),
        ];
        row.extend(custom_cells(custom, &l.custom));
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Io {
        path: "csv".into(),
        source: e.into_error(),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Every deal matching `filter` (with `sort`) as CSV: a header row, then
/// one row per deal; amounts as decimals in major units with `.` and the
/// currency in its own column, dates as ISO 8601 (UTC); then one column
/// per active custom field of deals (by key). Store managers and admins
/// only.
///
/// Errors: [`Error::Forbidden`] (`export_data`).
pub async fn deals_csv(db: &Db, ctx: &Ctx, filter: &DealFilter) -> Result<String> {
    ctx.require_manager("export_data")?;
    let custom = super::custom_fields::custom_keys(db, ctx, EntityType::Deal).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "id",
        "title",
        "pipeline",
        "stage",
        "status",
        "person",
        "company",
        "owner",
        "store",
        "campaign",
        "source_channel",
        "currency",
        "one_off",
        "monthly",
        "value",
        "probability",
        "expected_close",
        "created_at",
        "closed_at",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.extend(custom.iter().cloned());
    w.write_record(&header)?;
    let mut query = DealQuery {
        filter: filter.clone(),
        limit: 500,
        ..Default::default()
    };
    loop {
        let page = deals::list(db, ctx, &query).await?;
        let n = page.items.len() as u64;
        for d in page.items {
            let mut row = vec![
                d.card.id.to_string(),
                d.card.title,
                d.pipeline_name,
                d.stage_name,
                d.status.as_str().to_string(),
                d.card.person_name.unwrap_or_default(),
                d.card.company_name.unwrap_or_default(),
                d.card.owner_name.unwrap_or_default(),
                d.store_name.unwrap_or_default(),
                d.campaign_name.unwrap_or_default(),
                d.source_channel.as_str().to_string(),
                ctx.tenant.currency.clone(),
                minor_to_decimal(d.one_off_minor),
                minor_to_decimal(d.card.monthly_minor),
                minor_to_decimal(d.card.value_minor),
                d.card.probability.to_string(),
                d.card
                    .expected_close
                    .map(|x| x.to_string())
                    .unwrap_or_default(),
                d.created_at.to_rfc3339(),
                d.closed_at.map(|x| x.to_rfc3339()).unwrap_or_default(),
            ];
            row.extend(custom_cells(&custom, &d.custom));
            w.write_record(&row)?;
        }
        if n < query.limit {
            break;
        }
        query.offset += n;
    }
    let bytes = w.into_inner().map_err(|e| Error::Io {
        path: "(deals export)".into(),
        source: e.into_error(),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
