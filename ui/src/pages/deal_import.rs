//! Deals import from a CRM opportunity export, on the same screen as the
//! people import: preview, editable column mapping, the pipeline, what to do
//! with owners, accounts and stages the database does not have, the date
//! order, progress, and the per-row report.

use banco::model::{
    check_deal_mapping, DateOrder, DealImportField, DealImportPreview, DealImportRequest,
    ImportReport, MissingPolicy, NoCustomerPolicy, Pipeline,
};
use serde::Deserialize;
use uuid::Uuid;
use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, field_error, tr, tr_with};
use crate::widgets::form::select_value;
use crate::widgets::import::{browse_csv, report_card, run_import, save_report_callback};

#[derive(Clone, Copy, PartialEq, Deserialize)]
struct Progress {
    done: u64,
    total: u64,
}

fn policy(v: &str) -> MissingPolicy {
    if v == "reject" {
        MissingPolicy::Reject
    } else {
        MissingPolicy::Create
    }
}

#[function_component(DealImport)]
pub fn deal_import() -> Html {
    let path = use_state(String::new);
    let preview = use_state(|| None::<DealImportPreview>);
    let mapping = use_state(Vec::<Option<DealImportField>>::new);
    let pipelines = use_state(Vec::<Pipeline>::new);
    let pipeline = use_state(|| None::<Uuid>);
    let owners = use_state(|| MissingPolicy::Create);
    let accounts = use_state(|| MissingPolicy::Create);
    let stages = use_state(|| MissingPolicy::Reject);
    let no_customer = use_state(NoCustomerPolicy::default);
    let date_order = use_state(|| None::<DateOrder>);
    let running = use_state(|| false);
    let progress = use_state(|| None::<Progress>);
    let report = use_state(|| None::<ImportReport>);
    let error = use_state(|| None::<String>);
    let saved_to = use_state(|| None::<String>);
    let report_ref = use_node_ref();
    {
        let (pipelines, pipeline, progress) =
            (pipelines.clone(), pipeline.clone(), progress.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(p) = api::shown(api::list_pipelines().await) {
                    pipeline.set(p.iter().find(|p| !p.archived).map(|p| p.id));
                    pipelines.set(p);
                }
                api::listen::<Progress>("import-progress", move |p| progress.set(Some(p))).await;
            });
        });
    }
    let load = {
        let (preview, mapping, date_order, report, error) = (
            preview.clone(),
            mapping.clone(),
            date_order.clone(),
            report.clone(),
            error.clone(),
        );
        Callback::from(move |p: String| {
            let (preview, mapping, date_order, report, error) = (
                preview.clone(),
                mapping.clone(),
                date_order.clone(),
                report.clone(),
                error.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                report.set(None);
                match api::deal_import_preview(&p).await {
                    Ok(pr) => {
                        mapping.set(pr.mapping.clone());
                        date_order.set(Some(pr.date_order));
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
            m[column] = select_value(&e).parse::<DealImportField>().ok();
            mapping.set(m);
        })
    };
    let problems = check_deal_mapping(&mapping);
    let on_run = {
        let (path, mapping, pipeline, owners, accounts, stages, date_order) = (
            path.clone(),
            mapping.clone(),
            pipeline.clone(),
            owners.clone(),
            accounts.clone(),
            stages.clone(),
            date_order.clone(),
        );
        let no_customer = no_customer.clone();
        let (running, progress, report, error) = (
            running.clone(),
            progress.clone(),
            report.clone(),
            error.clone(),
        );
        Callback::from(move |_| {
            let Some(pipeline_id) = *pipeline else { return };
            let request = DealImportRequest {
                path: path.trim().to_string(),
                mapping: (*mapping).clone(),
                pipeline_id,
                missing_owners: *owners,
                missing_accounts: *accounts,
                missing_stages: *stages,
                no_customer: *no_customer,
                date_order: *date_order,
                store_id: None,
            };
            run_import(
                async move { api::deal_import_run(&request).await },
                &running,
                &progress,
                &report,
                &error,
            );
        })
    };
    let on_save = save_report_callback(&report, &error, &saved_to);
    let policy_select = |id: &str, label: &str, state: &UseStateHandle<MissingPolicy>| {
        let state2 = state.clone();
        html! {
            <>
                <label for={id.to_string()}>{ tr(label) }</label>
                <select id={id.to_string()} onchange={Callback::from(move |e: Event| state2.set(policy(&select_value(&e))))}>
                    <option value="create" selected={**state == MissingPolicy::Create}>{ tr("deal_import.create") }</option>
                    <option value="reject" selected={**state == MissingPolicy::Reject}>{ tr("deal_import.reject") }</option>
                </select>
            </>
        }
    };
    html! {
        <>
            <form class="card" onsubmit={on_preview}>
                <p class="hint">{ tr("deal_import.hint") }</p>
                <div class="field">
                    <label for="deal-import-path">{ tr("import.file") }</label>
                    <input id="deal-import-path" name="deal_path" value={(*path).clone()} readonly=true placeholder={tr("import.pick_hint")} />
                </div>
                <div class="actions">
                    <button type="button" class="secondary" id="deal-import-browse" onclick={on_browse}>{ tr("import.browse") }</button>
                    <button type="submit" class="primary" id="deal-import-preview">{ tr("import.preview") }</button>
                </div>
            </form>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { preview.as_ref().map(|p| html! {
                <div class="card">
                    <p class="hint">{ tr_with("deal_import.summary", [("rows", p.total_rows.to_string())]) }</p>
                    { if problems.is_empty() { html!{} } else { html! {
                        <div class="banner error" role="alert" id="deal-import-problems">
                            <strong>{ tr("import.problems") }</strong>
                            <ul>{ for problems.iter().map(|pr| html!{ <li>{ field_error(pr) }</li> }) }</ul>
                        </div>
                    } } }
                    <div class="tablewrap mapping">
                        <table id="deal-import-mapping">
                            <thead>
                                <tr>{ for p.headers.iter().map(|h| html!{ <th>{ h }</th> }) }</tr>
                                <tr>{ for p.headers.iter().enumerate().map(|(i, h)| html! {
                                    <th>
                                        <select name={format!("deal_map_{i}")} aria-label={h.clone()} onchange={on_map(i)}>
                                            <option value="" selected={mapping.get(i).copied().flatten().is_none()}>{ tr("import.ignore") }</option>
                                            { for DealImportField::ALL.iter().map(|f| html!{
                                                <option value={f.as_str()} selected={mapping.get(i).copied().flatten() == Some(*f)}>{ tr(&format!("deal_field.{}", f.as_str())) }</option>
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
                    <div class="actions wrap">
                        <label for="deal-import-pipeline">{ tr("deals.pipeline") }</label>
                        <select id="deal-import-pipeline" onchange={{ let pipeline = pipeline.clone(); Callback::from(move |e: Event| pipeline.set(Uuid::parse_str(&select_value(&e)).ok())) }}>
                            { for pipelines.iter().filter(|p| !p.archived).map(|p| html! { <option value={p.id.to_string()} selected={Some(p.id) == *pipeline}>{ &p.name }</option> }) }
                        </select>
                        { policy_select("deal-import-owners", "deal_import.owners", &owners) }
                        { policy_select("deal-import-accounts", "deal_import.accounts", &accounts) }
                        { policy_select("deal-import-stages", "deal_import.stages", &stages) }
                        <label for="deal-import-no-customer">{ tr("deal_import.no_customer") }</label>
                        <select id="deal-import-no-customer" onchange={{ let no_customer = no_customer.clone(); Callback::from(move |e: Event| no_customer.set(if select_value(&e) == "reject" { NoCustomerPolicy::Reject } else { NoCustomerPolicy::Import })) }}>
                            <option value="import" selected={*no_customer == NoCustomerPolicy::Import}>{ tr("deal_import.no_customer_import") }</option>
                            <option value="reject" selected={*no_customer == NoCustomerPolicy::Reject}>{ tr("deal_import.reject") }</option>
                        </select>
                        <label for="deal-import-dates">{ tr("deal_import.date_order") }</label>
                        <select id="deal-import-dates" onchange={{ let date_order = date_order.clone(); Callback::from(move |e: Event| date_order.set(Some(if select_value(&e) == "mdy" { DateOrder::Mdy } else { DateOrder::Dmy }))) }}>
                            <option value="dmy" selected={*date_order == Some(DateOrder::Dmy)}>{ tr("deal_import.dmy") }</option>
                            <option value="mdy" selected={*date_order == Some(DateOrder::Mdy)}>{ tr("deal_import.mdy") }</option>
                        </select>
                        <button class="primary" id="deal-import-run" onclick={on_run} disabled={*running || !problems.is_empty() || pipeline.is_none()}>{ tr("import.run") }</button>
                    </div>
                    { if *running {
                        let (done, total) = progress.map(|p| (p.done, p.total)).unwrap_or((0, p.total_rows));
                        html!{ <div><progress max={total.to_string()} value={done.to_string()}></progress>
                            <span class="hint">{ format!("{done} / {total}") }</span></div> }
                    } else { html!{} } }
                </div>
            }) }
            { report.as_ref().map(|r| report_card(r, &report_ref, on_save.clone(), &saved_to)) }
        </>
    }
}
