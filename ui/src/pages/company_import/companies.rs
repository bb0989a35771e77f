//! The companies CSV import: preview, mapping, run, report.

use banco::model::{CompanyImportPreview, CompanyImportRequest, DuplicatePolicy, ImportReport};
use yew::prelude::*;

use super::inputs::policy;
use crate::api;
use crate::i18n::{error_text, field_error, field_label, tr, tr_with};
use crate::widgets::form::select_value;
use crate::widgets::import::{browse_csv, report_card, run_import, save_report_callback};

#[function_component(CompanyImport)]
pub fn company_import() -> Html {
    let path = use_state(String::new);
    let preview = use_state(|| None::<CompanyImportPreview>);
    let mapping = use_state(Vec::<Option<String>>::new);
    let duplicates = use_state(|| DuplicatePolicy::Skip);
    let running = use_state(|| false);
    let progress = use_state(|| None::<()>);
    let report = use_state(|| None::<ImportReport>);
    let error = use_state(|| None::<String>);
    let saved_to = use_state(|| None::<String>);
    let report_ref = use_node_ref();
    let load = {
        let (preview, mapping, report, error) = (
            preview.clone(),
            mapping.clone(),
            report.clone(),
            error.clone(),
        );
        Callback::from(move |p: String| {
            let (preview, mapping, report, error) = (
                preview.clone(),
                mapping.clone(),
                report.clone(),
                error.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                report.set(None);
                match api::company_import_preview(&p).await {
                    Ok(pr) => {
                        mapping.set(pr.mapping.clone());
                        preview.set(Some(pr));
                        error.set(None);
                    }
                    Err(e) => {
                        preview.set(None);
                        error.set(Some(error_text(&e)));
                    }
                }
            });
        })
    };
    let on_preview = {
        let (path, load) = (path.clone(), load.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            load.emit(path.trim().to_string());
        })
    };
    let on_browse = browse_csv(&path, &load, &error);
    let on_map = |column: usize| {
        let mapping = mapping.clone();
        Callback::from(move |e: Event| {
            let mut m = (*mapping).clone();
            let v = select_value(&e);
            m[column] = Some(v).filter(|v| !v.is_empty());
            mapping.set(m);
        })
    };
    let has_name = mapping.iter().flatten().any(|t| t == "name");
    let on_run = {
        let (path, mapping, duplicates) = (path.clone(), mapping.clone(), duplicates.clone());
        let (running, progress, report, error) = (
            running.clone(),
            progress.clone(),
            report.clone(),
            error.clone(),
        );
        Callback::from(move |_| {
            let request = CompanyImportRequest {
                path: path.trim().to_string(),
                mapping: (*mapping).clone(),
                duplicates: *duplicates,
            };
            run_import(
                async move { api::company_import_run(&request).await },
                &running,
                &progress,
                &report,
                &error,
            );
        })
    };
    let on_save = save_report_callback(&report, &error, &saved_to);
    let target_label = |(target, label): &(String, String)| {
        if label.is_empty() {
            field_label(target)
        } else {
            label.clone()
        }
    };
    html! {
        <>
            <form class="card" onsubmit={on_preview}>
                <p class="hint">{ tr("company_import.hint") }</p>
                <div class="field">
                    <label for="company-import-path">{ tr("import.file") }</label>
                    <input id="company-import-path" value={(*path).clone()} readonly=true placeholder={tr("import.pick_hint")} />
                </div>
                <div class="actions">
                    <button type="button" class="secondary" id="company-import-browse" onclick={on_browse}>{ tr("import.browse") }</button>
                    <button type="submit" class="primary" id="company-import-preview">{ tr("import.preview") }</button>
                </div>
            </form>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { preview.as_ref().map(|p| html! {
                <div class="card">
                    <p class="hint">{ tr_with("deal_import.summary", [("rows", p.total_rows.to_string())]) }</p>
                    { if p.problems.is_empty() && has_name { html!{} } else { html! {
                        <div class="banner error" role="alert">
                            <strong>{ tr("import.problems") }</strong>
                            <ul>{ for p.problems.iter().map(|pr| html!{ <li>{ field_error(pr) }</li> }) }</ul>
                        </div>
                    } } }
                    <div class="tablewrap mapping">
                        <table id="company-import-mapping">
                            <thead>
                                <tr>{ for p.headers.iter().map(|h| html!{ <th>{ h }</th> }) }</tr>
                                <tr>{ for p.headers.iter().enumerate().map(|(i, h)| {
                                    let current = mapping.get(i).cloned().flatten();
                                    html! { <th>
                                        <select name={format!("company_map_{i}")} aria-label={h.clone()} onchange={on_map(i)}>
                                            <option value="" selected={current.is_none()}>{ tr("import.ignore") }</option>
                                            { for p.targets.iter().map(|t| html!{
                                                <option value={t.0.clone()} selected={current.as_deref() == Some(t.0.as_str())}>{ target_label(t) }</option>
                                            }) }
                                        </select>
                                    </th> }
                                }) }</tr>
                            </thead>
                            <tbody>{ for p.sample.iter().map(|row| html!{ <tr>{ for row.iter().map(|c| html!{ <td>{ c }</td> }) }</tr> }) }</tbody>
                        </table>
                    </div>
                    <div class="actions">
                        <label for="company-import-duplicates">{ tr("import.duplicates") }</label>
                        <select id="company-import-duplicates" onchange={{ let d = duplicates.clone(); Callback::from(move |e: Event| d.set(policy(&select_value(&e)))) }}>
                            <option value="skip" selected={*duplicates == DuplicatePolicy::Skip}>{ tr("import.dup_skip") }</option>
                            <option value="update" selected={*duplicates == DuplicatePolicy::Update}>{ tr("import.dup_update") }</option>
                        </select>
                        <button class="primary" id="company-import-run" onclick={on_run} disabled={*running || !has_name}>{ tr("import.run") }</button>
                    </div>
                </div>
            }) }
            { report.as_ref().map(|r| report_card(r, &report_ref, on_save.clone(), &saved_to)) }
        </>
    }
}
