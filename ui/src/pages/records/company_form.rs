//! The company form (new and edit): every field with its own error line.

use banco::model::{
    Company, CompanyInput, CompanyKind, CompanyStatus, CustomValues, EntityType, FieldError,
};
use banco::ErrorKind;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::{conflict_reapply, error_text, field_label, saved_meanwhile, tr};
use crate::widgets::custom_fields::{use_custom_fields, CustomInputs};
use crate::widgets::form::{error_for, field_errors};
use crate::{api, Shared};

#[derive(Properties, PartialEq)]
pub struct CompanyFormProps {
    /// The company being edited, or `None` for a new one.
    pub id: Option<Uuid>,
    pub initial: CompanyInput,
    pub on_saved: Callback<Company>,
    pub on_cancel: Callback<()>,
}

/// The company form (new or edit): every field, custom fields, errors per
/// field from the core.
#[function_component(CompanyForm)]
pub fn company_form(props: &CompanyFormProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let input = use_state(|| props.initial.clone());
    // The company as this form last read it: a conflict compares the saved
    // one with it to name what the other desk changed.
    let base = use_state(|| props.initial.clone());
    let errors = use_state(Vec::<FieldError>::new);
    let error = use_state(|| None::<String>);
    // Another desk saved the company while this form is open (see below).
    let meanwhile = use_state(|| None::<String>);
    let defs = use_custom_fields(EntityType::Company);
    let parents = use_state(Vec::<(Uuid, String)>::new);
    {
        // The card read the company again (another desk saved it) while
        // this form is open: say so, with what changed, and stand on the
        // new version; what was typed stays, so Save applies it on top.
        let (input, base, meanwhile, theirs) = (
            input.clone(),
            base.clone(),
            meanwhile.clone(),
            props.initial.clone(),
        );
        use_effect_with(props.initial.expected_version, move |version| {
            if version.is_some() && *version != base.expected_version {
                meanwhile.set(Some(saved_meanwhile(
                    None,
                    None,
                    &base.changed_fields(&theirs),
                )));
                input.set(input.rebase(&base, &theirs));
                base.set(theirs);
            }
        });
    }
    let parent_query = use_state(String::new);
    let set_text = |f: fn(&mut CompanyInput, String)| {
        let input = input.clone();
        Callback::from(move |e: InputEvent| {
            let mut i = (*input).clone();
            let target: web_sys::EventTarget = e.target().expect("target");
            let v = wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(target.clone())
                .map(|x| x.value())
                .or_else(|_| {
                    wasm_bindgen::JsCast::dyn_into::<HtmlTextAreaElement>(target).map(|x| x.value())
                })
                .unwrap_or_default();
            f(&mut i, v);
            input.set(i);
        })
    };
    let set_select = |f: fn(&mut CompanyInput, String)| {
        let input = input.clone();
        Callback::from(move |e: Event| {
            let mut i = (*input).clone();
            f(
                &mut i,
                e.target_unchecked_into::<HtmlSelectElement>().value(),
            );
            input.set(i);
        })
    };
    let on_submit = {
        let (input, base, errors, error, on_saved, id) = (
            input.clone(),
            base.clone(),
            errors.clone(),
            error.clone(),
            props.on_saved.clone(),
            props.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (value, input, base, errors, error, on_saved) = (
                (*input).clone(),
                input.clone(),
                base.clone(),
                errors.clone(),
                error.clone(),
                on_saved.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match id {
                    Some(id) => api::update_company(id, &value).await,
                    None => api::create_company(&value).await,
                };
                match saved {
                    Ok(c) => {
                        errors.set(Vec::new());
                        error.set(None);
                        on_saved.emit(c);
                    }
                    // Another desk saved first: name what it changed, and
                    // keep what was typed on top of its version (the rest
                    // takes their values), so that saving again re-applies
                    // it.
                    Err(e) if e.kind == ErrorKind::Conflict && id.is_some() => {
                        let fresh = api::company_card(id.unwrap_or_default()).await;
                        let mut said = error_text(&e);
                        if let Ok(card) = fresh {
                            let theirs = card.company.to_input();
                            said = conflict_reapply(&said, &base.changed_fields(&theirs));
                            input.set(value.rebase(&base, &theirs));
                            base.set(theirs);
                        }
                        errors.set(Vec::new());
                        error.set(Some(said));
                    }
                    Err(e) => {
                        errors.set(field_errors(&e));
                        error.set(Some(error_text(&e)));
                    }
                }
            });
        })
    };
    let on_parent_search = {
        let (parents, parent_query) = (parents.clone(), parent_query.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            parent_query.set(text.clone());
            let parents = parents.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if text.trim().len() < 2 {
                    parents.set(Vec::new());
                    return;
                }
                let q = banco::model::CompanyQuery {
                    text,
                    limit: 8,
                    ..Default::default()
                };
                if let Some(p) = api::shown(api::list_companies(&q).await) {
                    parents.set(p.items.into_iter().map(|c| (c.id, c.name)).collect());
                }
            });
        })
    };
    let i = (*input).clone();
    let text_field = |name: &'static str, value: &str, f: fn(&mut CompanyInput, String)| {
        html! {
            <div class={classes!("field", errors.iter().any(|e| e.field == name).then_some("invalid"))}>
                <label for={format!("company-{name}")}>{ field_label(name) }</label>
                <input id={format!("company-{name}")} name={name} value={value.to_string()} oninput={set_text(f)} />
                { error_for(&errors, name) }
            </div>
        }
    };
    html! {
        <form class="card company-form" id="company-form" onsubmit={on_submit}>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert" id="company-error">{ e }</div> }) }
            { meanwhile.as_ref().map(|e| html!{ <div class="banner warn" role="status" id="company-meanwhile">{ e }</div> }) }
            <div class="grid2">
                { text_field("name", &i.name, |i, v| i.name = v) }
                { text_field("legal_name", &i.legal_name, |i, v| i.legal_name = v) }
                <div class="field">
                    <label for="company-kind">{ field_label("kind") }</label>
                    <select id="company-kind" onchange={set_select(|i, v| i.kind = v)}>
                        { for CompanyKind::ALL.iter().map(|k| html!{ <option value={k.as_str()} selected={i.kind == k.as_str() || (i.kind.is_empty() && *k == CompanyKind::Client)}>{ tr(&format!("company_kind.{}", k.as_str())) }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="company-status">{ field_label("status") }</label>
                    <select id="company-status" onchange={set_select(|i, v| i.status = v)}>
                        { for CompanyStatus::ALL.iter().map(|k| html!{ <option value={k.as_str()} selected={i.status == k.as_str() || (i.status.is_empty() && *k == CompanyStatus::Active)}>{ tr(&format!("company_status.{}", k.as_str())) }</option> }) }
                    </select>
                </div>
                { text_field("vat_number", &i.vat_number, |i, v| i.vat_number = v) }
                { text_field("tax_code", &i.tax_code, |i, v| i.tax_code = v) }
                { text_field("phone", &i.phone, |i, v| i.phone = v) }
                { text_field("email", &i.email, |i, v| i.email = v) }
                { text_field("website", &i.website, |i, v| i.website = v) }
                { text_field("tags", &i.tags, |i, v| i.tags = v) }
                { text_field("sector", &i.sector, |i, v| i.sector = v) }
                { text_field("office_location", &i.office_location, |i, v| i.office_location = v) }
                { text_field("year_established", &i.year_established, |i, v| i.year_established = v) }
                { text_field("employees", &i.employees, |i, v| i.employees = v) }
                { text_field("revenue", &i.revenue, |i, v| i.revenue = v) }
                <div class="field">
                    <label for="company-owner">{ field_label("owner_id") }</label>
                    <select id="company-owner" onchange={{ let input = input.clone(); Callback::from(move |e: Event| {
                        let mut x = (*input).clone();
                        x.owner_id = Uuid::parse_str(&e.target_unchecked_into::<HtmlSelectElement>().value()).ok();
                        input.set(x);
                    }) }}>
                        <option value="" selected={i.owner_id.is_none()}>{ "—" }</option>
                        { for shared.info.users.iter().filter(|u| u.active).map(|u| html!{ <option value={u.id.to_string()} selected={i.owner_id == Some(u.id)}>{ &u.display_name }</option> }) }
                    </select>
                </div>
                <div class={classes!("field", errors.iter().any(|e| e.field == "parent_id").then_some("invalid"))}>
                    <label for="company-parent">{ field_label("parent_id") }</label>
                    <input id="company-parent" placeholder={tr("companies.parent_search")} value={(*parent_query).clone()} oninput={on_parent_search} />
                    { i.parent_id.map(|_| html!{ <span class="hint">{ tr("companies.parent_set") }
                        <button type="button" class="link" onclick={{ let input = input.clone(); Callback::from(move |_| { let mut x = (*input).clone(); x.parent_id = None; input.set(x) }) }}>{ tr("companies.parent_clear") }</button></span> }) }
                    <div class="suggestions">{ for parents.iter().filter(|(id, _)| Some(*id) != props.id).map(|(id, name)| {
                        let (input, parent_query, parents, id, name2) = (input.clone(), parent_query.clone(), parents.clone(), *id, name.clone());
                        html!{ <button type="button" class="small" onclick={Callback::from(move |_| {
                            let mut x = (*input).clone(); x.parent_id = Some(id); input.set(x);
                            parent_query.set(name2.clone()); parents.set(Vec::new());
                        })}>{ name }</button> }
                    }) }</div>
                    { error_for(&errors, "parent_id") }
                </div>
                <div class="field wide">
                    <label for="company-billing_address">{ field_label("billing_address") }</label>
                    <textarea id="company-billing_address" rows="2" value={i.billing_address.clone()} oninput={set_text(|i, v| i.billing_address = v)} />
                </div>
                <div class="field wide">
                    <label for="company-shipping_address">{ field_label("shipping_address") }</label>
                    <textarea id="company-shipping_address" rows="2" value={i.shipping_address.clone()} oninput={set_text(|i, v| i.shipping_address = v)} />
                </div>
                <CustomInputs defs={(*defs).clone()} values={i.custom.clone()} errors={(*errors).clone()}
                    on_change={{ let input = input.clone(); Callback::from(move |v: CustomValues| { let mut x = (*input).clone(); x.custom = v; input.set(x) }) }} />
            </div>
            <div class="actions">
                <button type="submit" class="primary" id="company-save">{ tr("companies.save") }</button>
                <button type="button" class="secondary" onclick={{ let c = props.on_cancel.clone(); Callback::from(move |_| c.emit(())) }}>{ tr("notes.cancel") }</button>
            </div>
        </form>
    }
}
