//! The audit trail (issue 15): exports are written to it as they are made;
//! an admin reads it. It names lists, formats, counts and filters, never a
//! customer's personal data (a filter's free-text search is kept only as
//! "present").

use chrono::Utc;
use uuid::Uuid;

use super::Ctx;
use crate::model::{AuditEvent, ExportFormat};
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

/// The newest `limit` entries (at most 10,000), newest first. Admins only.
///
/// Errors: [`crate::Error::Forbidden`] (`read_audit`).
pub async fn list(db: &Db, ctx: &Ctx, limit: u32) -> Result<Vec<AuditEvent>> {
    ctx.require_admin("read_audit")?;
    with_conn!(db, |c| c.audit_events(ctx.tenant_id(), limit).await)
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
