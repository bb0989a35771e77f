//! Import of people and leads from CSV: pick a file, preview it, map its
//! columns (guessed from Italian and English headers, editable), choose what
//! to do with duplicates, run it with a progress bar, read and save the report.

use banco::model::{
    DuplicatePolicy, FieldError, ImportField, ImportPreview, ImportReport, ImportRequest,
    SourceChannel,
};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{error_text, field_error, field_label, tr, tr_with};
use crate::widgets::import::{report_card, run_import, save_report_callback, Progress};
use crate::{api, Shared};

/// Regions offered for reading a file's national phone numbers.
const PHONE_REGIONS: &[&str] = &[
    "IT", "SM", "VA", "CH", "FR", "DE", "AT", "ES", "PT", "GB", "IE", "NL", "BE", "RO", "AL", "MA",
    "US", "CA", "BR", "AR",
];

#[function_component(Import)]
pub fn import() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let kind = use_state(|| "leads".to_string());
    let shared_region = shared.info.tenant.default_region.clone();
    let path = use_state(String::new);
    let preview = use_state(|| None::<ImportPreview>);
    let mapping = use_state(Vec::<Option<ImportField>>::new);
    let custom_columns = use_state(Vec::<Option<String>>::new);
    let person_fields =
        crate::widgets::custom_fields::use_custom_fields(banco::model::EntityType::Person);
    let problems = use_state(Vec::<FieldError>::new);
    let duplicates = use_state(|| DuplicatePolicy::Skip);
    let region = use_state(|| shared_region.clone());
    let running = use_state(|| false);
    let progress = use_state(|| None::<Progress>);
    let report = use_state(|| None::<ImportReport>);
    let error = use_state(|| None::<String>);
    let saved_to = use_state(|| None::<String>);
    let report_ref = use_node_ref();
    {
        // Bring the report into view when an import finishes.
        let report_ref = report_ref.clone();
        use_effect_with(report.is_some(), move |has_report| {
            if *has_report {
                if let Some(el) = report_ref.cast::<web_sys::Element>() {
                    el.scroll_into_view();
                }
            }
        });
    }

    {
        let progress = progress.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                api::listen::<Progress>("import-progress", move |p| progress.set(Some(p))).await;
            });
        });
    }

    let load_preview = {
        let (path, preview, mapping, problems, report, error) = (
            path.clone(),
            preview.clone(),
            mapping.clone(),
            problems.clone(),
            report.clone(),
            error.clone(),
        );
        let (custom_columns, person_fields) = (custom_columns.clone(), person_fields.clone());
        Callback::from(move |p: String| {
            let (path, preview, mapping, problems, report, error) = (
                path.clone(),
                preview.clone(),
                mapping.clone(),
                problems.clone(),
                report.clone(),
                error.clone(),
            );
            let (custom_columns, person_fields) = (custom_columns.clone(), person_fields.clone());
            path.set(p.clone());
            wasm_bindgen_futures::spawn_local(async move {
                report.set(None);
                match api::import_preview(&p).await {
                    Ok(pr) => {
                        // A column not otherwise mapped whose header is a
                        // custom field's label or key goes to that field.
                        let fold = |t: &str| t.trim().to_lowercase();
                        custom_columns.set(
                            pr.headers
                                .iter()
                                .zip(&pr.mapping)
                                .map(|(h, m)| {
                                    m.is_none()
                                        .then(|| {
                                            person_fields
                                                .iter()
                                                .find(|d| {
                                                    !d.archived
                                                        && (fold(&d.label) == fold(h)
                                                            || fold(&d.key) == fold(h))
                                                })
                                                .map(|d| d.key.clone())
                                        })
                                        .flatten()
                                })
                                .collect(),
                        );
                        mapping.set(pr.mapping.clone());
                        problems.set(pr.problems.clone());
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
        let (path, load) = (path.clone(), load_preview.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            load.emit((*path).trim().to_string());
        })
    };
    let on_browse = {
        let (load, error) = (load_preview.clone(), error.clone());
        Callback::from(move |_| {
            let (load, error) = (load.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::pick_csv_file().await {
                    Ok(Some(p)) => load.emit(p),
                    Ok(None) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let on_map = |column: usize| {
        let (mapping, problems, path, custom_columns) = (
            mapping.clone(),
            problems.clone(),
            path.clone(),
            custom_columns.clone(),
        );
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut m = (*mapping).clone();
            let mut cc = (*custom_columns).clone();
            cc.resize(m.len(), None);
            cc[column] = v.strip_prefix("custom.").map(str::to_string);
            custom_columns.set(cc);
            m[column] = v.parse::<ImportField>().ok();
            mapping.set(m.clone());
            let (problems, p) = (problems.clone(), (*path).clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(found) = api::shown(api::import_check(&p, &m).await) {
                    problems.set(found);
                }
            });
        })
    };
    let on_duplicates = {
        let duplicates = duplicates.clone();
        Callback::from(move |e: Event| {
            duplicates.set(
                match e
                    .target_unchecked_into::<HtmlSelectElement>()
                    .value()
                    .as_str()
                {
                    "update" => DuplicatePolicy::Update,
                    "create" => DuplicatePolicy::Create,
                    _ => DuplicatePolicy::Skip,
                },
            )
        })
    };
    let on_run = {
        let region = region.clone();
        let custom_columns = custom_columns.clone();
        let (path, mapping, duplicates, running, progress, report, error) = (
            path.clone(),
            mapping.clone(),
            duplicates.clone(),
            running.clone(),
            progress.clone(),
            report.clone(),
            error.clone(),
        );
        Callback::from(move |_| {
            let request = ImportRequest {
                path: (*path).clone(),
                mapping: (*mapping).clone(),
                duplicates: *duplicates,
                default_source: SourceChannel::Import,
                store_id: None,
                phone_region: Some((*region).clone()).filter(|r| !r.trim().is_empty()),
                custom_columns: (*custom_columns).clone(),
            };
            run_import(
                async move { api::import_run(&request).await },
                &running,
                &progress,
                &report,
                &error,
            );
        })
    };
    let on_save = save_report_callback(&report, &error, &saved_to);

    html! {
        <div>
            <h1>{ tr("import.title") }</h1>
            <div class="field">
                <label for="import-kind">{ tr("import.kind") }</label>
                <select id="import-kind" onchange={{ let kind = kind.clone(); Callback::from(move |e: Event| kind.set(e.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                    { for ["leads", "deals", "companies", "vcard"].iter().map(|k| html!{
                        <option value={*k} selected={kind.as_str() == *k}>{ tr(&format!("import.kind_{k}")) }</option>
                    }) }
                </select>
            </div>
            { if kind.as_str() == "deals" { html! { <super::deal_import::DealImport /> } }
              else if kind.as_str() == "companies" { html! { <super::company_import::CompanyImport /> } }
              else if kind.as_str() == "vcard" { html! { <super::company_import::VcardImport /> } }
              else { html! { <>
            <form class="card" onsubmit={on_preview}>
                <div class="field">
                    <label for="import-path">{ tr("import.file") }</label>
                    <input id="import-path" name="path" value={(*path).clone()} readonly=true placeholder={tr("import.pick_hint")} />
                </div>
                <div class="actions">
                    <button type="button" class="secondary" id="import-browse" onclick={on_browse}>{ tr("import.browse") }</button>
                    <button type="submit" class="primary" id="import-preview">{ tr("import.preview") }</button>
                </div>
            </form>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert" id="import-error">{ e }</div> }) }
            { preview.as_ref().map(|p| html! {
                <div class="card">
                    <p class="hint">{ tr_with("import.summary", [("rows", p.total_rows.to_string()), ("columns", p.headers.len().to_string()), ("sep", p.delimiter.to_string())]) }</p>
                    <p class="hint" id="import-layout">{ p.layout.as_ref().map(|l| tr_with("import.layout", [("layout", l.clone())])).unwrap_or_default() }</p>
                    { if problems.is_empty() { html!{} } else { html! {
                        <div class="banner error" role="alert" id="import-problems">
                            <strong>{ tr("import.problems") }</strong>
                            <ul>{ for problems.iter().map(|pr| html!{ <li>{ field_error(pr) }</li> }) }</ul>
                        </div>
                    } } }
                    <div class="tablewrap mapping">
                        <table id="import-mapping">
                            <thead>
                                <tr>{ for p.headers.iter().map(|h| html!{ <th>{ h }</th> }) }</tr>
                                <tr>{ for p.headers.iter().enumerate().map(|(i, h)| html! {
                                    <th>
                                        <select name={format!("map_{i}")} aria-label={h.clone()} onchange={on_map(i)}>
                                            <option value="" selected={mapping.get(i).copied().flatten().is_none()}>{ tr("import.ignore") }</option>
                                            { for ImportField::ALL.iter().map(|f| html!{
                                                <option value={f.as_str()} selected={mapping.get(i).copied().flatten() == Some(*f)}>{ field_label(f.as_str()) }</option>
                                            }) }
                                            { for person_fields.iter().filter(|d| !d.archived).map(|d| html!{
                                                <option value={format!("custom.{}", d.key)} selected={custom_columns.get(i).cloned().flatten().as_deref() == Some(d.key.as_str())}>{ format!("{} ({})", d.label, tr("custom.title")) }</option>
                                            }) }
                                        </select>
                                    </th>
                                }) }</tr>
                            </thead>
                            <tbody>
                                { for p.sample.iter().map(|row| html!{ <tr>{ for row.iter().map(|c| html!{ <td>{ c }</td> }) }</tr> }) }
                            </tbody>
                        </table>
                    </div>
                    <div class="actions">
                        <label for="import-duplicates">{ tr("import.duplicates") }</label>
                        <select id="import-duplicates" name="duplicates" onchange={on_duplicates}>
                            <option value="skip" selected={*duplicates == DuplicatePolicy::Skip}>{ tr("import.dup_skip") }</option>
                            <option value="update" selected={*duplicates == DuplicatePolicy::Update}>{ tr("import.dup_update") }</option>
                            <option value="create" selected={*duplicates == DuplicatePolicy::Create}>{ tr("import.dup_create") }</option>
                        </select>
                        <label for="import-region">{ tr("import.region") }</label>
                        <select id="import-region" name="phone_region" onchange={{ let region = region.clone();
                            Callback::from(move |e: Event| region.set(e.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                            { for PHONE_REGIONS.iter().map(|r| html!{ <option value={*r} selected={*r == *region}>{ *r }</option> }) }
                        </select>
                        <button class="primary" id="import-run" onclick={on_run} disabled={*running || !problems.is_empty()}>{ tr("import.run") }</button>
                    </div>
                    { if *running || progress.is_some() && report.is_none() {
                        let (done, total) = progress.map(|p| (p.done, p.total)).unwrap_or((0, p.total_rows));
                        html!{ <div><progress id="import-progress" max={total.to_string()} value={done.to_string()}></progress>
                            <span class="hint">{ format!("{done} / {total}") }</span>
                            { " " }
                            <button class="secondary" id="import-cancel" disabled={!*running}
                                onclick={Callback::from(|_| wasm_bindgen_futures::spawn_local(async { api::shown(api::cancel_import().await); }))}>{ tr("import.cancel") }</button></div> }
                    } else { html!{} } }
                </div>
            }) }
            { report.as_ref().map(|r| report_card(r, &report_ref, on_save.clone(), &saved_to)) }
            </> } } }
        </div>
    }
}
