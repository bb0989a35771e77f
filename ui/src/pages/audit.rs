//! Settings → audit trail (issue 15), for admins: the newest exports, who
//! made them, when, of which list, in which format, how many rows, and
//! whether a typed search narrowed them (never what was typed). The core
//! refuses the list to anyone else.

use banco::model::AuditEvent;
use yew::prelude::*;

use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};

/// Entries shown (the command line reads further back: `banco audit`).
const SHOWN: u32 = 200;

/// What an entry's `detail` says, as shown: format, rows, filtered by a
/// typed search.
fn detail_of(e: &AuditEvent) -> (String, String, bool) {
    let d: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
    let format = d["format"]
        .as_str()
        .map(|f| tr(&format!("export.{f}")))
        .unwrap_or_default();
    let rows = d["rows"]
        .as_u64()
        .map(|n| n.to_string())
        .unwrap_or_default();
    let searched = d["filter"]["search"] == serde_json::Value::Bool(true);
    (format, rows, searched)
}

/// What the entry is about, in the window's language: the list exported
/// (`leads`, `deals`, `companies`, `kpi:<table>`), or a person's access
/// export or erasure (`person:<id>`, named by its id only).
fn subject_of(action: &str, subject: &str) -> String {
    if let Some(person) = subject.strip_prefix("person:") {
        let key = match action {
            "gdpr_erasure" => "audit.gdpr_erasure",
            _ => "audit.gdpr_access",
        };
        return tr_with(key, [("id", person.to_string())]);
    }
    if subject == "retention" {
        return tr("audit.gdpr_retention");
    }
    match subject.strip_prefix("kpi:") {
        Some(table) => tr_with("audit.kpi", [("table", tr(&format!("kpi.{table}")))]),
        None => tr(&format!("audit.subject.{subject}")),
    }
}

/// The audit trail card.
#[function_component(AuditTrail)]
pub fn audit_trail() -> Html {
    let list = use_state(|| None::<Result<Vec<AuditEvent>, String>>);
    {
        let list = list.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                list.set(Some(
                    api::list_audit(SHOWN).await.map_err(|e| error_text(&e)),
                ));
            });
        });
    }
    let body = match &*list {
        None => html! { <p class="hint">{ tr("app.loading") }</p> },
        Some(Err(e)) => html! { <p class="message error">{ e.clone() }</p> },
        Some(Ok(items)) if items.is_empty() => html! { <p class="hint">{ tr("audit.none") }</p> },
        Some(Ok(items)) => html! {
            <table id="audit-trail" class="list">
                <thead><tr>
                    <th>{ tr("audit.when") }</th>
                    <th>{ tr("audit.who") }</th>
                    <th>{ tr("audit.what") }</th>
                    <th>{ tr("export.format") }</th>
                    <th>{ tr("audit.rows") }</th>
                </tr></thead>
                <tbody>
                { for items.iter().map(|e| {
                    let (format, rows, searched) = detail_of(e);
                    html! {
                        <tr class="audit-entry">
                            <td>{ local_time(&e.at) }</td>
                            <td>{ e.user_name.clone().unwrap_or_else(|| tr("audit.someone")) }</td>
                            <td>
                                { subject_of(&e.action, &e.subject) }
                                { if searched { html! { <span class="hint">{ format!(" · {}", tr("audit.searched")) }</span> } } else { html! {} } }
                            </td>
                            <td>{ format }</td>
                            <td class="num">{ rows }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        },
    };
    html! {
        <div class="card" id="audit-card">
            <h2>{ tr("audit.title") }</h2>
            <p class="hint">{ tr("audit.hint") }</p>
            { body }
        </div>
    }
}
