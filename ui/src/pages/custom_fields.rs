//! Settings → custom fields: per entity (person, company, lead, deal), with
//! type, options, required flag and default; edit (key, type and entity
//! stay), move up and down, archive and restore.

use banco::model::{CustomField, CustomFieldKind, EntityType};
use serde_json::Value;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, tr};

#[function_component(CustomFieldsSettings)]
pub fn custom_fields_settings() -> Html {
    let fields = use_state(Vec::<CustomField>::new);
    let entity = use_state(|| EntityType::Company);
    let label = use_state(String::new);
    let key = use_state(String::new);
    let kind = use_state(|| CustomFieldKind::Text);
    let options = use_state(String::new);
    let required = use_state(|| false);
    let default = use_state(String::new);
    let error = use_state(|| None::<String>);
    // The field being edited (its id, position and archived flag kept).
    let editing = use_state(|| None::<CustomField>);
    {
        let (fields, error) = (fields.clone(), error.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::custom_fields().await {
                    Ok(f) => fields.set(f),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let save = {
        let (fields, error) = (fields.clone(), error.clone());
        Callback::from(move |field: CustomField| {
            let (fields, error) = (fields.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_custom_field(&field).await {
                    Ok(f) => {
                        fields.set(f);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let on_add = {
        let (entity, label, key, kind, options, required, default, save) = (
            entity.clone(),
            label.clone(),
            key.clone(),
            kind.clone(),
            options.clone(),
            required.clone(),
            default.clone(),
            save.clone(),
        );
        let editing = editing.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let k = if key.trim().is_empty() {
                // A key from the label: folded, lower-case, `_` between words.
                let folded: String = label
                    .to_lowercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                folded.trim_matches('_').to_string()
            } else {
                key.trim().to_string()
            };
            let (id, position, archived) = match editing.as_ref() {
                Some(f) => (f.id, f.position, f.archived),
                None => (Uuid::now_v7(), 0, false),
            };
            save.emit(CustomField {
                id,
                entity_type: *entity,
                key: k,
                label: (*label).clone(),
                kind: *kind,
                required: *required,
                default_value: Some(default.trim().to_string())
                    .filter(|d| !d.is_empty())
                    .map(Value::String),
                options: options
                    .split([',', ';'])
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect(),
                position,
                archived,
            });
            editing.set(None);
            label.set(String::new());
            key.set(String::new());
            options.set(String::new());
            default.set(String::new());
            required.set(false);
        })
    };
    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <div class="card" id="custom-fields">
            <h2>{ tr("custom.title") }</h2>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            <table class="list">
                <thead><tr><th>{ tr("custom.entity") }</th><th>{ tr("custom.label") }</th><th>{ tr("custom.key") }</th><th>{ tr("custom.kind") }</th><th>{ tr("custom.options") }</th><th>{ tr("custom.required") }</th><th></th></tr></thead>
                <tbody>{ for fields.iter().map(|f| {
                    let mut toggled = f.clone();
                    toggled.archived = !f.archived;
                    let save = save.clone();
                    // The neighbours of the same entity, to swap positions with.
                    let same: Vec<&CustomField> = fields.iter().filter(|x| x.entity_type == f.entity_type).collect();
                    let at = same.iter().position(|x| x.id == f.id).unwrap_or(0);
                    let swap = |other: Option<&&CustomField>| other.map(|o| {
                        let (mut a, mut b) = (f.clone(), (*o).clone());
                        std::mem::swap(&mut a.position, &mut b.position);
                        if a.position == b.position {
                            // Equal positions (older data): make them distinct.
                            b.position = a.position + 1;
                        }
                        let (fields, error) = (fields.clone(), error.clone());
                        Callback::from(move |_: MouseEvent| {
                            // One after the other: the list shown is the one
                            // after both are saved.
                            let (a, b, fields, error) = (a.clone(), b.clone(), fields.clone(), error.clone());
                            wasm_bindgen_futures::spawn_local(async move {
                                let saved = match api::save_custom_field(&a).await {
                                    Ok(_) => api::save_custom_field(&b).await,
                                    Err(e) => Err(e),
                                };
                                match saved {
                                    Ok(f) => fields.set(f),
                                    Err(e) => error.set(Some(error_text(&e))),
                                }
                            });
                        })
                    });
                    let up = swap(at.checked_sub(1).and_then(|i| same.get(i)));
                    let down = swap(same.get(at + 1));
                    let edit = {
                        let (f, editing, entity, label, key, kind, options, required, default) = (
                            f.clone(), editing.clone(), entity.clone(), label.clone(), key.clone(),
                            kind.clone(), options.clone(), required.clone(), default.clone(),
                        );
                        Callback::from(move |_: MouseEvent| {
                            entity.set(f.entity_type);
                            label.set(f.label.clone());
                            key.set(f.key.clone());
                            kind.set(f.kind);
                            options.set(f.options.join(", "));
                            required.set(f.required);
                            default.set(f.default_value.as_ref().map(banco::model::custom_text).unwrap_or_default());
                            editing.set(Some(f.clone()));
                        })
                    };
                    html! { <tr class={classes!(f.archived.then_some("muted"))}>
                        <td>{ tr(&format!("entity.{}", f.entity_type.as_str())) }</td>
                        <td>{ &f.label }</td><td><code>{ &f.key }</code></td>
                        <td>{ tr(&format!("custom_kind.{}", f.kind.as_str())) }</td>
                        <td>{ f.options.join(", ") }</td>
                        <td>{ if f.required { tr("custom.yes") } else { String::new() } }</td>
                        <td class="row-actions">
                            <button class="small" title={tr("custom.up")} disabled={up.is_none()} onclick={up.unwrap_or_default()}>{ "↑" }</button>
                            <button class="small" title={tr("custom.down")} disabled={down.is_none()} onclick={down.unwrap_or_default()}>{ "↓" }</button>
                            <button class="small" onclick={edit}>{ tr("custom.edit") }</button>
                            <button class="small" onclick={Callback::from(move |_| save.emit(toggled.clone()))}>{ if f.archived { tr("custom.restore") } else { tr("custom.archive") } }</button>
                        </td>
                    </tr> }
                }) }</tbody>
            </table>
            <form onsubmit={on_add} id="custom-field-form">
                <div class="grid2">
                    <div class="field">
                        <label for="custom-entity">{ tr("custom.entity") }</label>
                        <select id="custom-entity" disabled={editing.is_some()} onchange={{ let entity = entity.clone(); Callback::from(move |e: Event| if let Ok(v) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() { entity.set(v) }) }}>
                            { for EntityType::ALL.iter().map(|t| html!{ <option value={t.as_str()} selected={*t == *entity}>{ tr(&format!("entity.{}", t.as_str())) }</option> }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="custom-kind">{ tr("custom.kind") }</label>
                        <select id="custom-kind" disabled={editing.is_some()} onchange={{ let kind = kind.clone(); Callback::from(move |e: Event| if let Ok(v) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() { kind.set(v) }) }}>
                            { for CustomFieldKind::ALL.iter().map(|t| html!{ <option value={t.as_str()} selected={*t == *kind}>{ tr(&format!("custom_kind.{}", t.as_str())) }</option> }) }
                        </select>
                    </div>
                    <div class="field"><label for="custom-label">{ tr("custom.label") }</label><input id="custom-label" value={(*label).clone()} oninput={text(&label)} /></div>
                    <div class="field"><label for="custom-key">{ tr("custom.key") }</label><input id="custom-key" disabled={editing.is_some()} value={(*key).clone()} oninput={text(&key)} placeholder={tr("custom.key_hint")} /></div>
                    <div class="field"><label for="custom-options">{ tr("custom.options") }</label><input id="custom-options" value={(*options).clone()} oninput={text(&options)} placeholder="Gold, Silver" /></div>
                    <div class="field"><label for="custom-default">{ tr("custom.default") }</label><input id="custom-default" value={(*default).clone()} oninput={text(&default)} /></div>
                    <label class="check"><input type="checkbox" id="custom-required" checked={*required}
                        onchange={{ let required = required.clone(); Callback::from(move |e: Event| required.set(e.target_unchecked_into::<HtmlInputElement>().checked())) }} />{ tr("custom.required") }</label>
                </div>
                <div class="actions">
                    <button type="submit" class="primary" id="custom-add">{ if editing.is_some() { tr("companies.save") } else { tr("custom.add") } }</button>
                    { editing.is_some().then(|| html!{ <button type="button" class="secondary" onclick={{
                        let (editing, label, key, options, default, required) = (editing.clone(), label.clone(), key.clone(), options.clone(), default.clone(), required.clone());
                        Callback::from(move |_| { editing.set(None); label.set(String::new()); key.set(String::new()); options.set(String::new()); default.set(String::new()); required.set(false) })
                    }}>{ tr("notes.cancel") }</button> }) }
                </div>
            </form>
        </div>
    }
}
