//! What every import screen shares (people, companies, deals): choosing a
//! file, running the import with its progress bar, the report card and
//! saving the report.

use banco::model::{ImportReport, RowStatus};
use serde::Deserialize;
use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, field_error, field_label, tr, tr_with};

#[derive(Clone, Copy, PartialEq, Deserialize)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// The report of a finished import (people and leads, or deals): counts,
/// the rows with messages, and saving it as CSV.
pub fn report_card(
    r: &ImportReport,
    report_ref: &NodeRef,
    on_save: Callback<MouseEvent>,
    saved_to: &Option<String>,
) -> Html {
    let s = r.summary;
    let notable: Vec<_> = r
        .rows
        .iter()
        .filter(|row| !row.messages.is_empty())
        .collect();
    html! {
        <div class="card" id="import-report" ref={report_ref.clone()}>
            <div class="banner ok" role="status">
                { tr_with("import.done", [("rows", s.rows.to_string()), ("imported", s.imported.to_string()),
                    ("merged", s.merged.to_string()), ("skipped", s.skipped.to_string()), ("rejected", s.rejected.to_string())]) }
            </div>
            { if r.not_listed == 0 { html!{} } else { html! {
                <p class="hint" id="import-not-listed">{ tr_with("import.not_listed", [("listed", r.rows.len().to_string()), ("count", r.not_listed.to_string())]) }</p>
            } } }
            { if notable.is_empty() { html!{} } else { html! {
                <div class="tablewrap">
                    <table>
                        <thead><tr><th>{ tr("import.line") }</th><th>{ tr("import.outcome") }</th><th>{ tr("import.reasons") }</th></tr></thead>
                        <tbody>{ for notable.iter().map(|row| html!{
                            <tr>
                                <td>{ row.line }</td>
                                <td>{ tr(&format!("import.status_{}", row.status.as_str())) }</td>
                                <td style="white-space: normal">{ row.messages.iter().map(|m| format!("{}: {}", field_label(&m.field), field_error(m))).collect::<Vec<_>>().join(" · ") }</td>
                            </tr>
                        }) }</tbody>
                    </table>
                </div>
            } } }
            <div class="actions">
                <button class="secondary" onclick={on_save}>{ tr("import.save_report") }</button>
                { saved_to.as_ref().map(|p| html!{ <span class="hint">{ tr_with("import.saved_to", [("path", p.clone())]) }</span> }) }
                <span class="hint">{ if s.rejected > 0 || r.rows.iter().any(|x| x.status == RowStatus::Rejected) { tr("import.rejected_hint") } else { String::new() } }</span>
            </div>
        </div>
    }
}

/// "Browse…" of the deals and companies imports: the shell's file dialog,
/// then the chosen path in the field and its preview loaded.
pub fn browse_csv(
    path: &UseStateHandle<String>,
    load: &Callback<String>,
    error: &UseStateHandle<Option<String>>,
) -> Callback<MouseEvent> {
    let (path, load, error) = (path.clone(), load.clone(), error.clone());
    Callback::from(move |_| {
        let (path, load, error) = (path.clone(), load.clone(), error.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match api::pick_csv_file().await {
                Ok(Some(p)) => {
                    path.set(p.clone());
                    load.emit(p);
                }
                Ok(None) => {}
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    })
}

/// "Save the report" of either import: asks where (the shell's save
/// dialog), writes the report as CSV and shows where it went.
pub fn save_report_callback(
    report: &UseStateHandle<Option<ImportReport>>,
    error: &UseStateHandle<Option<String>>,
    saved_to: &UseStateHandle<Option<String>>,
) -> Callback<MouseEvent> {
    let (report, error, saved_to) = (report.clone(), error.clone(), saved_to.clone());
    Callback::from(move |_| {
        let Some(r) = (*report).clone() else { return };
        let (error, saved_to) = (error.clone(), saved_to.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match api::save_import_report(&r).await {
                Ok(p) => saved_to.set(p),
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    })
}

/// Runs either import in the background: marks it running, clears the
/// progress, then shows its report (or its error), clears the progress
/// again (a failed or cancelled import leaves no bar behind) and marks it
/// done.
pub fn run_import<P: 'static>(
    run: impl std::future::Future<Output = Result<ImportReport, banco::ErrorPayload>> + 'static,
    running: &UseStateHandle<bool>,
    progress: &UseStateHandle<Option<P>>,
    report: &UseStateHandle<Option<ImportReport>>,
    error: &UseStateHandle<Option<String>>,
) {
    let (running, report, error) = (running.clone(), report.clone(), error.clone());
    running.set(true);
    progress.set(None);
    let progress = progress.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match run.await {
            Ok(r) => {
                report.set(Some(r));
                error.set(None);
            }
            Err(e) => error.set(Some(error_text(&e))),
        }
        progress.set(None);
        running.set(false);
    });
}
