//! The vCard import: a .vcf file of contacts with the duplicate choice.

use banco::model::{DuplicatePolicy, ImportReport};
use yew::prelude::*;

use super::inputs::policy;
use crate::api;
use crate::i18n::{error_text, tr};
use crate::widgets::form::select_value;
use crate::widgets::import::{report_card, save_report_callback};

#[function_component(VcardImport)]
pub fn vcard_import() -> Html {
    let duplicates = use_state(|| DuplicatePolicy::Skip);
    let running = use_state(|| false);
    let report = use_state(|| None::<ImportReport>);
    let error = use_state(|| None::<String>);
    let saved_to = use_state(|| None::<String>);
    let report_ref = use_node_ref();
    let on_pick = {
        let (duplicates, running, report, error) = (
            duplicates.clone(),
            running.clone(),
            report.clone(),
            error.clone(),
        );
        Callback::from(move |_| {
            let (d, running, report, error) =
                (*duplicates, running.clone(), report.clone(), error.clone());
            running.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::import_vcard(d).await {
                    Ok(Some(r)) => {
                        report.set(Some(r));
                        error.set(None);
                    }
                    Ok(None) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
                running.set(false);
            });
        })
    };
    let on_save = save_report_callback(&report, &error, &saved_to);
    html! {
        <>
            <div class="card">
                <p class="hint">{ tr("vcard.hint") }</p>
                <div class="actions">
                    <label for="vcard-duplicates">{ tr("import.duplicates") }</label>
                    <select id="vcard-duplicates" onchange={{ let d = duplicates.clone(); Callback::from(move |e: Event| d.set(policy(&select_value(&e)))) }}>
                        <option value="skip" selected={*duplicates == DuplicatePolicy::Skip}>{ tr("import.dup_skip") }</option>
                        <option value="update" selected={*duplicates == DuplicatePolicy::Update}>{ tr("import.dup_update") }</option>
                    </select>
                    <button class="primary" id="vcard-pick" onclick={on_pick} disabled={*running}>{ tr("vcard.pick") }</button>
                </div>
            </div>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { report.as_ref().map(|r| report_card(r, &report_ref, on_save.clone(), &saved_to)) }
        </>
    }
}
