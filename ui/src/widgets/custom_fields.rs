//! Custom fields in any form or card: the inputs of a record's values, the
//! hook that loads a tenant's definitions, the panel that edits a record's
//! values and the list filter on them.

use banco::model::{CustomField, CustomFieldKind, CustomValues, EntityType, FieldError};
use serde_json::Value;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, tr};
use crate::widgets::form::{error_for, field_errors};

#[derive(Properties, PartialEq)]
pub struct CustomInputsProps {
    pub defs: Vec<CustomField>,
    pub values: CustomValues,
    pub on_change: Callback<CustomValues>,
    #[prop_or_default]
    pub errors: Vec<FieldError>,
}

/// Inputs for the custom fields of one entity, by kind.
#[function_component(CustomInputs)]
pub fn custom_inputs(props: &CustomInputsProps) -> Html {
    html! { <> { for props.defs.iter().filter(|d| !d.archived).map(|d| {
        let id = format!("custom-{}", d.key);
        let value = props.values.get(&d.key).cloned().unwrap_or(Value::Null);
        let text = match &value { Value::String(s) => s.clone(), Value::Null => String::new(), other => other.to_string() };
        let set = {
            let (values, on_change, key) = (props.values.clone(), props.on_change.clone(), d.key.clone());
            move |v: Value| {
                let mut values = values.clone();
                values.insert(key.clone(), v);
                on_change.emit(values);
            }
        };
        let input = match d.kind {
            CustomFieldKind::Select => {
                let set = set.clone();
                html! { <select id={id.clone()} onchange={Callback::from(move |e: Event| set(Value::String(e.target_unchecked_into::<HtmlSelectElement>().value())))}>
                    <option value="" selected={text.is_empty()}>{ "—" }</option>
                    { for d.options.iter().map(|o| html!{ <option value={o.clone()} selected={text.eq_ignore_ascii_case(o)}>{ o }</option> }) }
                </select> }
            }
            CustomFieldKind::Multiselect => {
                let chosen: Vec<String> = match &value { Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(), _ => Vec::new() };
                html! { <div class="checks" id={id.clone()}>{ for d.options.iter().map(|o| {
                    let (set, chosen, o2) = (set.clone(), chosen.clone(), o.clone());
                    let on = chosen.contains(o);
                    html! { <label class="check"><input type="checkbox" checked={on} onchange={Callback::from(move |_| {
                        let mut c = chosen.clone();
                        if on { c.retain(|x| x != &o2) } else { c.push(o2.clone()) }
                        set(Value::from(c));
                    })} />{ o }</label> }
                }) }</div> }
            }
            CustomFieldKind::Boolean => {
                let set = set.clone();
                let on = value.as_bool().unwrap_or(false);
                html! { <label class="check"><input type="checkbox" id={id.clone()} checked={on}
                    onchange={Callback::from(move |e: Event| set(Value::Bool(e.target_unchecked_into::<HtmlInputElement>().checked())))} />{ tr("custom.yes") }</label> }
            }
            kind => {
                let set = set.clone();
                let kind_attr = match kind { CustomFieldKind::Date => "date", CustomFieldKind::Number => "text", CustomFieldKind::Url => "url", CustomFieldKind::Email => "email", _ => "text" };
                html! { <input id={id.clone()} type={kind_attr} value={text.clone()}
                    oninput={Callback::from(move |e: InputEvent| set(Value::String(e.target_unchecked_into::<HtmlInputElement>().value())))} /> }
            }
        };
        html! {
            <div class={classes!("field", props.errors.iter().any(|e| e.field == format!("custom.{}", d.key)).then_some("invalid"))}>
                <label for={id.clone()}>{ format!("{}{}", d.label, if d.required { " *" } else { "" }) }</label>
                { input }
                { error_for(&props.errors, &format!("custom.{}", d.key)) }
            </div>
        }
    }) } </> }
}

/// Loads the custom field definitions of `entity` once.
#[hook]
pub fn use_custom_fields(entity: EntityType) -> UseStateHandle<Vec<CustomField>> {
    let defs = use_state(Vec::<CustomField>::new);
    {
        let defs = defs.clone();
        use_effect_with(entity, move |entity| {
            let entity = *entity;
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(all) = api::shown(api::custom_fields().await) {
                    defs.set(
                        all.into_iter()
                            .filter(|f| f.entity_type == entity)
                            .collect(),
                    );
                }
            });
        });
    }
    defs
}

#[derive(Properties, PartialEq)]
pub struct CustomPanelProps {
    pub entity_type: EntityType,
    pub id: Uuid,
}

/// The custom fields of a lead or deal, editable in place; nothing when
/// the tenant has none for that entity.
#[function_component(CustomPanel)]
pub fn custom_panel(props: &CustomPanelProps) -> Html {
    let defs = use_custom_fields(props.entity_type);
    let values = use_state(CustomValues::new);
    let errors = use_state(Vec::<FieldError>::new);
    let notice = use_state(|| None::<String>);
    {
        let values = values.clone();
        let (kind, id) = (props.entity_type, props.id);
        use_effect_with(id, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(v) = api::shown(api::custom_values(kind, id).await) {
                    values.set(v);
                }
            });
        });
    }
    if defs.iter().all(|d| d.archived) {
        return html! {};
    }
    let save = {
        let (values, errors, notice) = (values.clone(), errors.clone(), notice.clone());
        let (kind, id) = (props.entity_type, props.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (v, values, errors, notice) = (
                (*values).clone(),
                values.clone(),
                errors.clone(),
                notice.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::set_custom_values(kind, id, &v).await {
                    Ok(saved) => {
                        values.set(saved);
                        errors.set(Vec::new());
                        notice.set(Some(tr("custom.saved")));
                    }
                    Err(e) => {
                        errors.set(field_errors(&e));
                        notice.set(Some(error_text(&e)));
                    }
                }
            });
        })
    };
    html! {
        <form class="custom-panel" id={format!("custom-{}", props.entity_type.as_str())} onsubmit={save}>
            <h4>{ tr("custom.title") }</h4>
            <CustomInputs defs={(*defs).clone()} values={(*values).clone()} errors={(*errors).clone()}
                on_change={{ let values = values.clone(); Callback::from(move |v| values.set(v)) }} />
            <div class="actions">
                <button type="submit" class="secondary">{ tr("companies.save") }</button>
                { notice.as_ref().map(|n| html!{ <span class="hint">{ n }</span> }) }
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct CustomFilterProps {
    pub entity_type: EntityType,
    pub on_change: Callback<Vec<(String, String)>>,
}

/// A list filter on one custom field: the field, then the value (equality,
/// case-insensitive; a multiselect matches if it has the value).
#[function_component(CustomFilter)]
pub fn custom_filter(props: &CustomFilterProps) -> Html {
    let defs = use_custom_fields(props.entity_type);
    let key = use_state(String::new);
    let value = use_state(String::new);
    if defs.iter().all(|d| d.archived) {
        return html! {};
    }
    let emit = {
        let on_change = props.on_change.clone();
        move |k: &str, v: &str| {
            on_change.emit(if k.is_empty() || v.trim().is_empty() {
                Vec::new()
            } else {
                vec![(k.to_string(), v.trim().to_string())]
            })
        }
    };
    let prefix = format!("filter-custom-{}", props.entity_type.as_str());
    let (e1, e2) = (emit.clone(), emit);
    let (k1, v1, k2, v2) = (key.clone(), value.clone(), key.clone(), value.clone());
    html! { <>
        <div class="field">
            <label for={format!("{prefix}-key")}>{ tr("companies.custom_filter") }</label>
            <select id={format!("{prefix}-key")} onchange={Callback::from(move |e: Event| {
                let k = e.target_unchecked_into::<HtmlSelectElement>().value();
                k1.set(k.clone());
                e1(&k, &v1);
            })}>
                <option value="">{ "—" }</option>
                { for defs.iter().filter(|d| !d.archived).map(|d| html!{ <option value={d.key.clone()} selected={*key == d.key}>{ &d.label }</option> }) }
            </select>
        </div>
        <div class="field">
            <label for={format!("{prefix}-value")}>{ tr("companies.custom_value") }</label>
            <input id={format!("{prefix}-value")} value={(*value).clone()} oninput={Callback::from(move |e: InputEvent| {
                let v = e.target_unchecked_into::<HtmlInputElement>().value();
                v2.set(v.clone());
                e2(&k2, &v);
            })} />
        </div>
    </> }
}
