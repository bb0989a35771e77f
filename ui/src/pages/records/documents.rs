//! A record's documents: attach, list, save a copy.

use banco::model::EntityType;
use uuid::Uuid;
use yew::prelude::*;

use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};

#[derive(Properties, PartialEq)]
pub struct DocumentsProps {
    pub entity_type: EntityType,
    pub entity_id: Uuid,
    pub documents: Vec<banco::model::Document>,
    pub on_change: Callback<()>,
}

/// Documents of a record: attach (a file dialog), save a copy.
#[function_component(DocumentsPanel)]
pub fn documents_panel(props: &DocumentsProps) -> Html {
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let attach = {
        let (error, on_change) = (error.clone(), props.on_change.clone());
        let (kind, id) = (props.entity_type, props.entity_id);
        Callback::from(move |_| {
            let (error, on_change) = (error.clone(), on_change.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::attach_document(kind, id).await {
                    Ok(Some(_)) => {
                        error.set(None);
                        on_change.emit(());
                    }
                    Ok(None) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    html! {
        <div class="card" id="documents">
            <div class="actions"><button class="primary" id="document-attach" onclick={attach}>{ tr("documents.attach") }</button>
                <span class="hint">{ tr("documents.limit") }</span></div>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { notice.as_ref().map(|e| html!{ <div class="banner ok" role="status">{ e }</div> }) }
            { if props.documents.is_empty() { html!{ <p class="hint">{ tr("documents.none") }</p> } } else { html! {
                <table class="list">
                    <thead><tr><th>{ tr("documents.name") }</th><th>{ tr("documents.size") }</th><th>{ tr("documents.by") }</th><th>{ tr("documents.when") }</th><th>{ "SHA-256" }</th><th></th></tr></thead>
                    <tbody>{ for props.documents.iter().map(|d| {
                        let (id, error, notice) = (d.id, error.clone(), notice.clone());
                        let save = Callback::from(move |_| {
                            let (error, notice) = (error.clone(), notice.clone());
                            wasm_bindgen_futures::spawn_local(async move {
                                match api::save_document(id).await {
                                    Ok(Some(p)) => notice.set(Some(tr_with("import.saved_to", [("path", p)]))),
                                    Ok(None) => {}
                                    Err(e) => error.set(Some(error_text(&e))),
                                }
                            });
                        });
                        html! { <tr>
                            <td>{ &d.file_name }</td>
                            <td class="num">{ crate::format::number(d.size_bytes as f64 / 1024.0, "decimal", 1, "it") }{ " KB" }</td>
                            <td>{ d.uploaded_by.clone().unwrap_or_default() }</td>
                            <td>{ local_time(&d.created_at) }</td>
                            <td class="muted">{ d.sha256.chars().take(12).collect::<String>() }</td>
                            <td><button class="small" onclick={save}>{ tr("documents.save") }</button></td>
                        </tr> }
                    }) }</tbody>
                </table>
            } } }
        </div>
    }
}
