//! Export of the Leads list (CSV, Excel (Italia), `.xlsx` or JSON) and of
//! the Deals list (CSV, Excel (Italia) or `.xlsx`), each with its list's
//! filters, written through [`super::sheet`].

use super::custom_fields::custom_cells;
use super::sheet::{self, Cell, Place, Sheet};
use super::{deals, leads, Ctx};
use crate::model::{
    DealFilter, DealQuery, EntityType, ExportFormat, LeadListItem, LeadQuery, Phone,
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

/// The Leads list as a [`Sheet`]: `id, created_at, first_name,
/// last_name, phone (E.164), phone_national, email, status,
/// source_channel, interest, store, owner`, then one column per key of
/// `custom` (the lead's custom fields, see
/// [`super::custom_fields::custom_keys`]).
pub fn leads_sheet(items: &[LeadListItem], custom: &[String]) -> Sheet {
    let mut sheet = Sheet::new(
        "Lead",
        &[
            ("id", "ID"),
            ("created_at", "Creato il"),
            ("first_name", "Nome"),
            ("last_name", "Cognome"),
            ("phone", "Telefono"),
            ("phone_national", "Telefono (nazionale)"),
            ("email", "E-mail"),
            ("status", "Stato"),
            ("source_channel", "Canale di provenienza"),
            ("interest", "Interesse"),
            ("store", "Negozio"),
            ("owner", "Titolare"),
        ],
    );
    sheet.extend_columns(custom);
    for l in items {
        let national = l
            .phone
            .clone()
            .map(|p| Phone::from_e164_unchecked(p).national())
            .unwrap_or_default();
        let mut row = vec![
            Cell::from(l.id.to_string()),
            Cell::Time(Some(l.created_at)),
            Cell::from(l.first_name.clone()),
            Cell::from(l.last_name.clone()),
            Cell::Phone(l.phone.clone()),
            Cell::from(national),
            Cell::from(l.email.clone()),
            Cell::Code("status", l.status.as_str().into()),
            Cell::Code("source", l.source_channel.as_str().into()),
            Cell::Code("interest", l.interest.as_str().into()),
            Cell::from(l.store_name.clone()),
            Cell::from(l.owner_name.clone()),
        ];
        row.extend(custom_cells(custom, &l.custom).into_iter().map(Cell::from));
        sheet.rows.push(row);
    }
    sheet
}

/// Leads as plain CSV ([`leads_sheet`], [`ExportFormat::Csv`]).
pub fn leads_csv(items: &[LeadListItem], custom: &[String]) -> Result<String> {
    sheet::plain_csv(&leads_sheet(items, custom))
}

/// Every lead matching `query` in `format` (JSON: [`leads_json`]). Store
/// managers and admins, over the leads they may see; written to the audit
/// trail ([`super::audit::exported`]).
///
/// Errors: [`Error::Forbidden`] (`export_data`).
pub async fn leads(db: &Db, ctx: &Ctx, query: &LeadQuery, format: ExportFormat) -> Result<Vec<u8>> {
    let items = all_leads(db, ctx, query).await?;
    let bytes = if format == ExportFormat::Json {
        leads_json(&items)?.into_bytes()
    } else {
        let custom = super::custom_fields::custom_keys(db, ctx, EntityType::Lead).await?;
        let place = Place::of(db, ctx).await?;
        sheet::render(&leads_sheet(&items, &custom), format, &place)?
    };
    let filter = serde_json::to_value(query).unwrap_or_default();
    super::audit::exported(db, ctx, "leads", format, items.len(), filter).await?;
    Ok(bytes)
}

/// Every deal matching `filter` in `format` (JSON is refused): a header
/// row, then one row per deal; in plain CSV amounts are decimals in major
/// units with `.` and the currency in its own column, dates ISO 8601 and
/// times RFC 3339 (UTC); then one column per active custom field of deals
/// (by key). Store managers and admins only, over the deals they may see.
///
/// Errors: [`Error::Forbidden`] (`export_data`); [`Error::Validation`]
/// `format` for JSON.
pub async fn deals(
    db: &Db,
    ctx: &Ctx,
    filter: &DealFilter,
    format: ExportFormat,
) -> Result<Vec<u8>> {
    ctx.require_manager("export_data")?;
    let custom = super::custom_fields::custom_keys(db, ctx, EntityType::Deal).await?;
    let mut sheet = Sheet::new(
        "Trattative",
        &[
            ("id", "ID"),
            ("title", "Titolo"),
            ("pipeline", "Pipeline"),
            ("stage", "Fase"),
            ("status", "Stato"),
            ("person", "Persona"),
            ("company", "Azienda"),
            ("owner", "Titolare"),
            ("store", "Negozio"),
            ("campaign", "Campagna"),
            ("source_channel", "Canale di provenienza"),
            ("currency", "Valuta"),
            ("one_off", "Una tantum"),
            ("monthly", "Mensile"),
            ("value", "Valore"),
            ("probability", "Probabilità %"),
            ("expected_close", "Chiusura prevista"),
            ("created_at", "Creata il"),
            ("closed_at", "Chiusa il"),
        ],
    );
    sheet.extend_columns(&custom);
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
                Cell::from(d.card.id.to_string()),
                Cell::from(d.card.title),
                Cell::from(d.pipeline_name),
                Cell::from(d.stage_name),
                Cell::Code("deal_status", d.status.as_str().into()),
                Cell::from(d.card.person_name),
                Cell::from(d.card.company_name),
                Cell::from(d.card.owner_name),
                Cell::from(d.store_name),
                Cell::from(d.campaign_name),
                Cell::Code("source", d.source_channel.as_str().into()),
                Cell::from(ctx.tenant.currency.clone()),
                Cell::Money(Some(d.one_off_minor)),
                Cell::Money(Some(d.card.monthly_minor)),
                Cell::Money(Some(d.card.value_minor)),
                Cell::Int(i64::from(d.card.probability)),
                Cell::Date(d.card.expected_close),
                Cell::Time(Some(d.created_at)),
                Cell::Time(d.closed_at),
            ];
            row.extend(custom_cells(&custom, &d.custom).into_iter().map(Cell::from));
            sheet.rows.push(row);
        }
        if n < query.limit {
            break;
        }
        query.offset += n;
    }
    let place = Place::of(db, ctx).await?;
    let bytes = sheet::render(&sheet, format, &place)?;
    let filter = serde_json::to_value(filter).unwrap_or_default();
    super::audit::exported(db, ctx, "deals", format, sheet.rows.len(), filter).await?;
    Ok(bytes)
}

/// [`deals`] as plain CSV text.
///
/// Errors: as [`deals`].
pub async fn deals_csv(db: &Db, ctx: &Ctx, filter: &DealFilter) -> Result<String> {
    let bytes = deals(db, ctx, filter, ExportFormat::Csv).await?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
