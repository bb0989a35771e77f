//! The audit trail (issue 15): exports are written to it as they are made;
//! an admin reads it. It names lists, formats, counts and filters, never a
//! customer's personal data (a filter's free-text search is kept only as
//! "present").

use chrono::Utc;
use uuid::Uuid;

use super::Ctx;
use crate::model::{AuditEvent, AuditFilter, ExportFormat};
use crate::store::{Conn, Db};
use crate::{with_conn, Result};

/// Records that the acting user exported `rows` rows of `subject`
/// (`leads`, `deals`, `companies`, `kpi:<table>`) in `format`, with
/// `filter` (its JSON form; a `search` text in it is replaced by `true`, so
/// no name or phone typed in the search box lands in the trail).
///
/// Errors: the store's (an export whose audit cannot be written is not
/// handed out).
pub async fn exported(
    db: &Db,
    ctx: &Ctx,
    subject: &str,
    format: ExportFormat,
    rows: usize,
    filter: serde_json::Value,
) -> Result<()> {
    let mut filter = filter;
    scrub_search(&mut filter);
    let detail = serde_json::json!({
        "format": format.as_str(),
        "rows": rows,
        "filter": filter,
    });
    let (tenant, user, at) = (ctx.tenant_id(), ctx.user.id, Utc::now());
    let detail = detail.to_string();
    with_conn!(db, |c| record_in(
        c, tenant, user, at, "export", subject, detail
    )
    .await)
}

/// Appends one entry to the audit trail in the caller's connection or
/// transaction: `action` (`export`, `gdpr_access`, `gdpr_erasure`, …) by
/// `user` at `at` (UTC) on `subject` (`leads`, `person:<id>`, …), with
/// `detail` as JSON text (counts and filters, never personal data).
///
/// Errors: the store's (on a chain server, a row not signed by the
/// session's own login is refused).
pub(crate) async fn record_in(
    c: &mut Conn<'_>,
    tenant: Uuid,
    user: Uuid,
    at: chrono::DateTime<Utc>,
    action: &str,
    subject: &str,
    detail: String,
) -> Result<()> {
    let event = AuditEvent {
        id: Uuid::now_v7(),
        at,
        user_id: Some(user),
        user_name: None,
        action: action.into(),
        subject: subject.into(),
        detail,
    };
    c.insert_audit_event(tenant, &event).await
}

/// Replaces every non-empty `search` string in `value` by `true`.
fn scrub_search(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "search" && v.as_str().is_some_and(|s| !s.trim().is_empty()) {
                    *v = serde_json::Value::Bool(true);
                } else {
                    scrub_search(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(scrub_search),
        _ => {}
    }
}

/// The newest `limit` entries (at most 10,000) matching `filter`, newest
/// first. Admins only.
///
/// Errors: [`crate::Error::Forbidden`] (`read_audit`);
/// [`crate::Error::Validation`] `to` (`before_start`) when the period
/// ends before it starts.
pub async fn list(db: &Db, ctx: &Ctx, filter: &AuditFilter, limit: u32) -> Result<Vec<AuditEvent>> {
    ctx.require_admin("read_audit")?;
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if to < from {
            return Err(crate::Error::field("to", "before_start"));
        }
    }
    with_conn!(db, |c| c.audit_events(ctx.tenant_id(), filter, limit).await)
}

/// The entries matching `filter` (the newest 10,000) as a spreadsheet in
/// `format`: when (local time), who, action, subject, and the detail's
/// format, rows and filter; the export itself is written to the trail
/// (subject `audit`). Admins only.
///
/// Errors: as [`list`]; [`crate::Error::Validation`] `format` for JSON.
pub async fn export(
    db: &Db,
    ctx: &Ctx,
    filter: &AuditFilter,
    format: ExportFormat,
) -> Result<Vec<u8>> {
    use super::sheet::{render, Cell, Place, Sheet};
    let events = list(db, ctx, filter, 10_000).await?;
    let mut sheet = Sheet::new(
        "Registro",
        &[
            ("at", "Quando"),
            ("user", "Chi"),
            ("action", "Azione"),
            ("subject", "Oggetto"),
            ("format", "Formato"),
            ("rows", "Righe"),
            ("detail", "Dettaglio"),
        ],
    );
    for e in &events {
        let d: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
        sheet.rows.push(vec![
            Cell::Time(Some(e.at)),
            Cell::from(e.user_name.clone()),
            Cell::from(e.action.clone()),
            Cell::from(e.subject.clone()),
            Cell::from(d["format"].as_str().map(str::to_string)),
            d["rows"]
                .as_i64()
                .map_or(Cell::Text(String::new()), Cell::Int),
            Cell::from(e.detail.clone()),
        ]);
    }
    let bytes = render(&sheet, format, &Place::of(db, ctx).await?)?;
    let filter_json = serde_json::to_value(filter).unwrap_or_default();
    exported(db, ctx, "audit", format, events.len(), filter_json).await?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::scrub_search;

    #[test]
    fn a_typed_search_stays_out_of_the_trail() {
        let mut v = serde_json::json!({"search": "Rossi 333", "statuses": ["new"],
            "filter": {"search": "mario@example.it", "pipeline_id": null}, "empty": {"search": ""}});
        scrub_search(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"search": true, "statuses": ["new"],
                "filter": {"search": true, "pipeline_id": null}, "empty": {"search": ""}})
        );
    }
}
