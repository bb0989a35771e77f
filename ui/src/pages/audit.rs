//! Settings → audit trail (issue 15), for admins: the newest exports and
//! GDPR requests, who made them, when, of which list, in which format, how
//! many rows, and whether a typed search narrowed them (never what was
//! typed); narrowed by period, person and action, and exported as a
//! spreadsheet. The core refuses the list to anyone else.

use banco::model::{AuditEvent, AuditFilter, ExportFormat, AUDIT_ACTIONS};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::format::{local_input_to_utc, local_time};
use crate::i18n::{error_text, tr, tr_with};
use crate::widgets::export::ExportFormatPicker;
use crate::{api, Shared};

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
            "gdpr_objection" => "audit.gdpr_objection",
            _ => "audit.gdpr_access",
        };
        return tr_with(key, [("id", person.to_string())]);
    }
    if subject == "retention" {
        return tr("audit.gdpr_retention");
    }
    if subject == "audit" {
        return tr("audit.subject.audit");
    }
    if let Some(segment) = subject.strip_prefix("segment:") {
        return tr_with(
            "audit.segment",
            [("segment", tr(&format!("segment.{segment}")))],
        );
    }
    match subject.strip_prefix("kpi:") {
        Some(table) => tr_with("audit.kpi", [("table", tr(&format!("kpi.{table}")))]),
        None => tr(&format!("audit.subject.{subject}")),
    }
}

/// The audit trail card.
#[function_component(AuditTrail)]
pub fn audit_trail() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let list = use_state(|| None::<Result<Vec<AuditEvent>, String>>);
    // The period as typed (`YYYY-MM-DD`, the computer's days), then who
    // and what.
    let from = use_state(String::new);
    let to = use_state(String::new);
    let filter = use_state(AuditFilter::default);
    let format = use_state(|| ExportFormat::ExcelIt);
    let notice = use_state(|| None::<String>);
    {
        let list = list.clone();
        // A filter changed while a list is on its way: the older one is dropped.
        let latest = crate::widgets::latest::use_latest();
        use_effect_with((*filter).clone(), move |f| {
            let f = f.clone();
            let current = latest.ask();
            wasm_bindgen_futures::spawn_local(async move {
                let got = api::list_audit(SHOWN, &f).await.map_err(|e| error_text(&e));
                if current() {
                    list.set(Some(got));
                }
            });
        });
    }
    // A day typed in a date field: its start (`from`) or the next day's
    // (`to`, so the day itself is in), in the computer's time, as UTC.
    let day_start = |day: &str, next: bool| {
        chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .ok()
            .and_then(|d| if next { d.succ_opt() } else { Some(d) })
            .and_then(|d| local_input_to_utc(&format!("{d}T00:00")))
    };
    let on_day = |field: UseStateHandle<String>, next: bool| {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut f = (*filter).clone();
            let at = day_start(&v, next);
            if next {
                f.to = at;
            } else {
                f.from = at;
            }
            field.set(v);
            filter.set(f);
        })
    };
    let on_user = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            filter.set(AuditFilter {
                user_id: uuid::Uuid::parse_str(&v).ok(),
                ..(*filter).clone()
            });
        })
    };
    let on_action = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            filter.set(AuditFilter {
                action: Some(v).filter(|a| !a.is_empty()),
                ..(*filter).clone()
            });
        })
    };
    let on_export = {
        let (filter, format, notice, list) =
            (filter.clone(), *format, notice.clone(), list.clone());
        Callback::from(move |_| {
            let (f, notice, list) = ((*filter).clone(), notice.clone(), list.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::export_audit(&f, format).await {
                    Ok(Some(p)) => {
                        notice.set(Some(tr_with("import.saved_to", [("path", p)])));
                        // The export is itself in the trail now.
                        list.set(Some(
                            api::list_audit(SHOWN, &f).await.map_err(|e| error_text(&e)),
                        ));
                    }
                    Ok(None) => {}
                    Err(e) => notice.set(Some(error_text(&e))),
                }
            });
        })
    };
    let f = (*filter).clone();
    let filters = html! {
        <div class="filters" id="audit-filters">
            <div class="field">
                <label for="audit-from">{ tr("kpi.from") }</label>
                <input id="audit-from" type="date" value={(*from).clone()} onchange={on_day(from.clone(), false)} />
            </div>
            <div class="field">
                <label for="audit-to">{ tr("kpi.to") }</label>
                <input id="audit-to" type="date" value={(*to).clone()} onchange={on_day(to.clone(), true)} />
            </div>
            <div class="field">
                <label for="audit-user">{ tr("audit.who") }</label>
                <select id="audit-user" onchange={on_user}>
                    <option value="" selected={f.user_id.is_none()}>{ tr("leads.all") }</option>
                    { for shared.info.users.iter().map(|u| html! { <option value={u.id.to_string()} selected={f.user_id == Some(u.id)}>{ &u.display_name }</option> }) }
                </select>
            </div>
            <div class="field">
                <label for="audit-action">{ tr("audit.action") }</label>
                <select id="audit-action" onchange={on_action}>
                    <option value="" selected={f.action.is_none()}>{ tr("leads.all") }</option>
                    { for AUDIT_ACTIONS.iter().map(|a| html! { <option value={*a} selected={f.action.as_deref() == Some(*a)}>{ tr(&format!("audit.action.{a}")) }</option> }) }
                </select>
            </div>
            <div class="field">
                <ExportFormatPicker id="audit-export-format" format={format.clone()} />
                <button class="secondary" id="audit-export" onclick={on_export}>{ tr("audit.export") }</button>
            </div>
        </div>
    };
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
            { filters }
            { notice.as_ref().map(|n| html! { <p class="hint" role="status">{ n.clone() }</p> }) }
            { body }
        </div>
    }
}
