//! Record cards of people and companies, with tabs (overview, leads and
//! deals, notes, timeline, documents) and quick actions; the company form;
//! custom field inputs; the timeline and documents panels.

use banco::model::{
    CaptureLead, Company, CompanyCard, CompanyInput, CompanyKind, CompanyStatus, CustomField,
    CustomFieldKind, CustomValues, EntityType, FieldError, PersonCard, SourceChannel,
    TimelineEntry,
};
use banco::ErrorPayload;
use serde_json::Value;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::notes::NotesPanel;
use super::{local_time, money, phone_display};
use crate::i18n::{error_text, field_error, field_label, tr, tr_with};
use crate::{api, Shared};

/// Timeline entries per page.
const TIMELINE_PAGE: u32 = 20;

#[derive(Properties, PartialEq)]
pub struct RecordViewProps {
    pub kind: EntityType,
    pub id: Uuid,
    pub on_close: Callback<()>,
}

/// A record opened from search, a list or a mention.
#[function_component(RecordView)]
pub fn record_view(props: &RecordViewProps) -> Html {
    let back = html! { <button class="secondary" id="record-back" onclick={{ let c = props.on_close.clone(); Callback::from(move |_| c.emit(())) }}>{ tr("record.back") }</button> };
    match props.kind {
        EntityType::Company => html! { <>{ back }<CompanyCardView id={props.id} /></> },
        EntityType::Person => html! { <>{ back }<PersonCardView id={props.id} /></> },
        EntityType::Lead => html! { <>{ back }<LeadRecord id={props.id} /></> },
        EntityType::Deal => html! { { back } },
    }
}

#[derive(Properties, PartialEq)]
struct IdProps {
    id: Uuid,
}

/// A lead opened on its own: its person's card link and the lead panel.
#[function_component(LeadRecord)]
fn lead_record(props: &IdProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let person = use_state(|| None::<(Uuid, String)>);
    {
        let person = person.clone();
        use_effect_with(props.id, move |id| {
            let id = *id;
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(d) = api::lead_detail(id).await {
                    person.set(Some((d.person.id, d.person.full_name())));
                }
            });
        });
    }
    html! {
        <div>
            { person.as_ref().map(|(pid, name)| {
                let (open, pid) = (shared.open_record.clone(), *pid);
                html! { <p><button class="link" id="lead-person" onclick={Callback::from(move |_| open.emit((EntityType::Person, pid)))}>{ tr_with("record.person_card", [("name", name.clone())]) }</button></p> }
            }) }
            <super::leads::LeadPanel id={props.id} on_change={Callback::from(|_| ())} />
        </div>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Overview,
    Sales,
    Contacts,
    Notes,
    Timeline,
    Documents,
}

impl Tab {
    const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::Sales,
        Tab::Contacts,
        Tab::Notes,
        Tab::Timeline,
        Tab::Documents,
    ];
    fn key(self) -> &'static str {
        match self {
            Tab::Overview => "overview",
            Tab::Sales => "sales",
            Tab::Contacts => "contacts",
            Tab::Notes => "notes",
            Tab::Timeline => "timeline",
            Tab::Documents => "documents",
        }
    }
}

fn tabs(current: &UseStateHandle<Tab>) -> Html {
    html! {
        <div class="tabs" role="tablist">
            { for Tab::ALL.iter().map(|t| {
                let (current, t) = (current.clone(), *t);
                html! { <button role="tab" id={format!("tab-{}", t.key())} aria-selected={(*current == t).to_string()}
                    class={classes!((*current == t).then_some("active"))}
                    onclick={Callback::from(move |_| current.set(t))}>{ tr(&format!("record.tab_{}", t.key())) }</button> }
            }) }
        </div>
    }
}

/// The fields errors of a failed save, by field name.
fn field_errors(e: &ErrorPayload) -> Vec<FieldError> {
    e.fields.clone()
}

fn error_for(errors: &[FieldError], field: &str) -> Html {
    html! { <span class="error">{ errors.iter().filter(|e| e.field == field).map(field_error).collect::<Vec<_>>().join(" · ") }</span> }
}

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
                if let Ok(all) = api::custom_fields().await {
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
    let errors = use_state(Vec::<FieldError>::new);
    let error = use_state(|| None::<String>);
    let defs = use_custom_fields(EntityType::Company);
    let parents = use_state(Vec::<(Uuid, String)>::new);
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
        let (input, errors, error, on_saved, id) = (
            input.clone(),
            errors.clone(),
            error.clone(),
            props.on_saved.clone(),
            props.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (value, errors, error, on_saved) = (
                (*input).clone(),
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
                if let Ok(p) = api::list_companies(&q).await {
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

/// One `<dt>`/`<dd>` pair of a card, or nothing when the value is empty
/// (a card lists what is known, not every blank).
fn row(field: &str, value: Option<String>) -> Html {
    match value.filter(|v| !v.trim().is_empty()) {
        Some(v) => html! { <><dt>{ field_label(field) }</dt><dd class="pre">{ v }</dd></> },
        None => html! {},
    }
}

fn custom_values_dl(defs: &[CustomField], values: &CustomValues) -> Html {
    html! { <> { for defs.iter().filter(|d| values.contains_key(&d.key)).map(|d| {
        let v = &values[&d.key];
        let text = match v { Value::Bool(true) => tr("custom.yes"), Value::Bool(false) => tr("custom.no"), other => banco::model::custom_text(other) };
        html!{ <><dt>{ &d.label }</dt><dd>{ text }</dd></> }
    }) } </> }
}

/// The company card.
#[function_component(CompanyCardView)]
fn company_card_view(props: &IdProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let card = use_state(|| None::<CompanyCard>);
    let tab = use_state(|| Tab::Overview);
    let editing = use_state(|| false);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let timeline_key = use_state(|| 0u32);
    let defs = use_custom_fields(EntityType::Company);
    let reload = use_card(props.id, &card, &error, api::company_card);
    let Some(c) = (*card).clone() else {
        return html! { <div>{ error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }<p>{ tr("app.loading") }</p></div> };
    };
    let co = &c.company;
    let currency = shared.info.tenant.currency.clone();
    let lang = shared.lang.clone();
    let bump = {
        let timeline_key = timeline_key.clone();
        Callback::from(move |_: ()| timeline_key.set(timeline_key.wrapping_add(1)))
    };
    let export_vcard = export_vcard(EntityType::Company, co.id, &notice, &error);
    html! {
        <div class="record" id="company-card">
            <h1 id="record-title">{ &co.name }
                <span class="pill">{ tr(&format!("company_kind.{}", co.kind.as_str())) }</span>
                <span class="pill">{ tr(&format!("company_status.{}", co.status.as_str())) }</span>
                { co.is_customer.then(|| html!{ <span class="pill converted">{ tr("record.customer") }</span> }) }
            </h1>
            <div class="actions quick">
                { co.phone.as_ref().map(|_| html! { <super::calls::CallButton entity_type={EntityType::Company} entity_id={co.id} phone={co.phone.clone()} id="quick-call" /> }) }
                <button class="secondary" id="quick-meeting" onclick={{ let tab = tab.clone(); Callback::from(move |_| tab.set(Tab::Contacts)) }}>{ tr("record.quick_meeting") }</button>
                <button class="secondary" id="quick-note" onclick={{ let tab = tab.clone(); Callback::from(move |_| tab.set(Tab::Notes)) }}>{ tr("record.quick_note") }</button>
                <button class="secondary" id="quick-edit" onclick={{ let (tab, editing) = (tab.clone(), editing.clone()); Callback::from(move |_| { tab.set(Tab::Overview); editing.set(true) }) }}>{ tr("record.quick_edit") }</button>
                <button class="secondary" id="quick-vcard" onclick={export_vcard}>{ tr("record.export_vcard") }</button>
            </div>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { notice.as_ref().map(|e| html!{ <div class="banner ok" role="status">{ e }</div> }) }
            { tabs(&tab) }
            { match *tab {
                Tab::Overview => if *editing { html! {
                    <CompanyForm id={Some(co.id)} initial={co.to_input()}
                        on_saved={{ let (editing, reload, bump) = (editing.clone(), reload.clone(), bump.clone()); Callback::from(move |_| { editing.set(false); reload.emit(()); bump.emit(()) }) }}
                        on_cancel={{ let editing = editing.clone(); Callback::from(move |_| editing.set(false)) }} />
                } } else { html! { <div class="grid2">
                    <div class="card detail">
                        <dl>
                            { row("legal_name", co.legal_name.clone()) }
                            <dt>{ field_label("vat_number") }</dt><dd id="company-vat">{ co.vat_number.clone().unwrap_or_else(|| "—".into()) }</dd>
                            { row("tax_code", co.tax_code.clone()) }
                            { row("phone", co.phone.as_ref().map(|_| phone_display(&co.phone))) }
                            { row("email", co.email.clone()) }
                            { row("website", co.website.clone()) }
                            { (!co.tags.is_empty()).then(|| html!{ <><dt>{ field_label("tags") }</dt><dd>{ for co.tags.iter().map(|t| html!{ <span class="pill">{ t }</span> }) }</dd></> }) }
                            { row("owner_id", c.owner_name.clone()) }
                            { match (co.parent_id, c.parent_name.clone()) {
                                (Some(pid), Some(name)) => { let open = shared.open_record.clone(); html!{ <><dt>{ field_label("parent_id") }</dt><dd><button class="link" onclick={Callback::from(move |_| open.emit((EntityType::Company, pid)))}>{ name }</button></dd></> } }
                                _ => html!{},
                            } }
                            { row("sector", co.sector.clone()) }
                            { row("office_location", co.office_location.clone()) }
                            { row("year_established", co.year_established.map(|y| y.to_string())) }
                            { row("employees", co.employees.map(|y| y.to_string())) }
                            { row("revenue", co.revenue_minor.map(|r| money(r, &currency, &lang))) }
                            { row("billing_address", co.billing_address.clone()) }
                            { row("shipping_address", co.shipping_address.clone()) }
                            { custom_values_dl(&defs, &co.custom) }
                        </dl>
                        { (!c.children.is_empty()).then(|| html! { <>
                            <h4>{ tr("companies.children") }</h4>
                            <ul>{ for c.children.iter().map(|(cid, name)| { let (open, cid) = (shared.open_record.clone(), *cid); html!{ <li><button class="link" onclick={Callback::from(move |_| open.emit((EntityType::Company, cid)))}>{ name }</button></li> } }) }</ul>
                        </> }) }
                    </div>
                    <Contacts card={c.clone()} on_change={{ let (reload, bump) = (reload.clone(), bump.clone()); Callback::from(move |_| { reload.emit(()); bump.emit(()) }) }} />
                </div> } },
                Tab::Sales => deals_table(&c.deals, &shared, &currency, &lang),
                Tab::Contacts => html! { <super::calls::ContactPanel entity_type={EntityType::Company} entity_id={co.id} phone={co.phone.clone()} email={co.email.clone()} /> },
                Tab::Notes => html! { <NotesPanel entity_type={EntityType::Company} entity_id={co.id} on_change={bump.clone()} /> },
                Tab::Timeline => html! { <TimelinePanel key={*timeline_key} entity_type={EntityType::Company} entity_id={co.id} /> },
                Tab::Documents => html! { <DocumentsPanel entity_type={EntityType::Company} entity_id={co.id} documents={c.documents.clone()} on_change={{ let (reload, bump) = (reload.clone(), bump.clone()); Callback::from(move |_| { reload.emit(()); bump.emit(()) }) }} /> },
            } }
        </div>
    }
}

/// "Export vCard" of a person or of a company's contacts: asks where, then
/// says where it went (or the error).
fn export_vcard(
    kind: EntityType,
    id: Uuid,
    notice: &UseStateHandle<Option<String>>,
    error: &UseStateHandle<Option<String>>,
) -> Callback<MouseEvent> {
    let (notice, error) = (notice.clone(), error.clone());
    Callback::from(move |_| {
        let (notice, error) = (notice.clone(), error.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match api::export_vcard(kind, id).await {
                Ok(Some(p)) => notice.set(Some(tr_with("import.saved_to", [("path", p)]))),
                Ok(None) => {}
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    })
}

fn deals_table(
    deals: &[banco::model::DealListItem],
    shared: &Shared,
    currency: &str,
    lang: &str,
) -> Html {
    if deals.is_empty() {
        return html! { <p class="hint">{ tr("record.no_deals") }</p> };
    }
    html! {
        <table class="list" id="record-deals">
            <thead><tr><th>{ tr("deals.title") }</th><th>{ tr("deals.pipeline") }</th><th>{ tr("deals.stage") }</th><th>{ tr("deals.status") }</th><th>{ tr("deals.value") }</th></tr></thead>
            <tbody>{ for deals.iter().map(|d| {
                let (open, id) = (shared.open_record.clone(), d.card.id);
                html!{ <tr tabindex="0" onclick={Callback::from(move |_| open.emit((EntityType::Deal, id)))}>
                    <td>{ &d.card.title }</td><td>{ &d.pipeline_name }</td><td>{ &d.stage_name }</td>
                    <td>{ tr(&format!("deal_status.{}", d.status.as_str())) }</td><td class="num">{ money(d.card.value_minor, currency, lang) }</td>
                </tr> }
            }) }</tbody>
        </table>
    }
}

/// Loads a record card into `card` now and whenever `id` changes; the
/// returned callback loads it again (after an edit). A failure goes to
/// `error`.
#[hook]
fn use_card<T, Fut>(
    id: Uuid,
    card: &UseStateHandle<Option<T>>,
    error: &UseStateHandle<Option<String>>,
    fetch: fn(Uuid) -> Fut,
) -> Callback<()>
where
    T: 'static,
    Fut: std::future::Future<Output = Result<T, ErrorPayload>> + 'static,
{
    let reload = {
        let (card, error) = (card.clone(), error.clone());
        Callback::from(move |_: ()| {
            let (card, error) = (card.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fetch(id).await {
                    Ok(c) => card.set(Some(c)),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(id, move |_| reload.emit(()));
    }
    reload
}

#[derive(Properties, PartialEq)]
struct ContactsProps {
    card: CompanyCard,
    on_change: Callback<()>,
}

/// A company's contacts: list (primary first), link a person found by
/// name, phone or e-mail, with a role; make primary; unlink.
#[function_component(Contacts)]
fn contacts(props: &ContactsProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let query = use_state(String::new);
    let found = use_state(Vec::<(Uuid, String, String)>::new);
    let picked = use_state(|| None::<(Uuid, String)>);
    let role = use_state(String::new);
    let primary = use_state(|| false);
    let error = use_state(|| None::<String>);
    let company = props.card.company.id;
    let on_query = {
        let (query, found) = (query.clone(), found.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            query.set(text.clone());
            let found = found.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if text.trim().len() < 2 {
                    found.set(Vec::new());
                    return;
                }
                if let Ok(r) = api::search(&text).await {
                    found.set(
                        r.groups
                            .into_iter()
                            .filter(|(k, _)| k == "person")
                            .flat_map(|(_, h)| h)
                            .map(|h| (h.id, h.title, h.subtitle))
                            .collect(),
                    );
                }
            });
        })
    };
    let on_link = {
        let (picked, role, primary, error, on_change, query, found) = (
            picked.clone(),
            role.clone(),
            primary.clone(),
            error.clone(),
            props.on_change.clone(),
            query.clone(),
            found.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some((person, _)) = (*picked).clone() else {
                error.set(Some(tr("companies.pick_person")));
                return;
            };
            let (r, p) = ((*role).clone(), *primary);
            let (picked, role, primary, error, on_change, query, found) = (
                picked.clone(),
                role.clone(),
                primary.clone(),
                error.clone(),
                on_change.clone(),
                query.clone(),
                found.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::link_contact(company, person, &r, p).await {
                    Ok(_) => {
                        picked.set(None);
                        role.set(String::new());
                        primary.set(false);
                        query.set(String::new());
                        found.set(Vec::new());
                        error.set(None);
                        on_change.emit(());
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    html! {
        <div class="card" id="company-contacts">
            <h3>{ tr("companies.contacts") }</h3>
            { if props.card.contacts.is_empty() { html!{ <p class="hint">{ tr("companies.no_contacts") }</p> } } else { html!{} } }
            <ul class="contacts">
                { for props.card.contacts.iter().map(|c| {
                    let (open, pid) = (shared.open_record.clone(), c.person_id);
                    let (error, on_change) = (error.clone(), props.on_change.clone());
                    let make_primary = { let (error, on_change, role) = (error.clone(), on_change.clone(), c.role.clone().unwrap_or_default()); Callback::from(move |_| {
                        let (error, on_change, role) = (error.clone(), on_change.clone(), role.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match api::link_contact(company, pid, &role, true).await { Ok(_) => on_change.emit(()), Err(e) => error.set(Some(error_text(&e))) }
                        });
                    }) };
                    let unlink = Callback::from(move |_| {
                        let (error, on_change) = (error.clone(), on_change.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match api::unlink_contact(company, pid).await { Ok(_) => on_change.emit(()), Err(e) => error.set(Some(error_text(&e))) }
                        });
                    });
                    html! {
                        <li class="contact">
                            <div>
                                <button class="link" onclick={Callback::from(move |_| open.emit((EntityType::Person, pid)))}>{ &c.person_name }</button>
                                { c.role.as_ref().map(|r| html!{ <span class="muted">{ format!(" · {r}") }</span> }) }
                                { c.is_primary.then(|| html!{ <span class="pill converted">{ tr("companies.primary") }</span> }) }
                                <div class="muted">{ format!("{} {}", phone_display(&c.phone), c.email.clone().unwrap_or_default()) }</div>
                            </div>
                            <span class="spacer"></span>
                            { (!c.is_primary).then(|| html!{ <button class="small" onclick={make_primary}>{ tr("companies.make_primary") }</button> }) }
                            <button class="small" onclick={unlink}>{ tr("companies.unlink") }</button>
                        </li>
                    }
                }) }
            </ul>
            <form onsubmit={on_link} id="contact-link">
                <div class="field">
                    <label for="contact-search">{ tr("companies.add_contact") }</label>
                    <input id="contact-search" placeholder={tr("companies.person_search")} value={(*query).clone()} oninput={on_query} autocomplete="off" />
                    <div class="suggestions" id="contact-suggestions">{ for found.iter().map(|(id, name, sub)| {
                        let (picked, found, query, id, name2) = (picked.clone(), found.clone(), query.clone(), *id, name.clone());
                        html!{ <button type="button" class="small" onclick={Callback::from(move |_| { picked.set(Some((id, name2.clone()))); query.set(name2.clone()); found.set(Vec::new()) })}>{ format!("{name} {sub}") }</button> }
                    }) }</div>
                </div>
                <div class="actions">
                    <input id="contact-role" placeholder={tr("companies.role")} value={(*role).clone()}
                        oninput={{ let role = role.clone(); Callback::from(move |e: InputEvent| role.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                    <label class="check"><input type="checkbox" id="contact-primary" checked={*primary}
                        onchange={{ let primary = primary.clone(); Callback::from(move |e: Event| primary.set(e.target_unchecked_into::<HtmlInputElement>().checked())) }} />{ tr("companies.primary") }</label>
                    <button type="submit" class="primary" id="contact-add" disabled={picked.is_none()}>{ tr("companies.link") }</button>
                </div>
            </form>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
        </div>
    }
}

/// The person card.
#[function_component(PersonCardView)]
fn person_card_view(props: &IdProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let card = use_state(|| None::<PersonCard>);
    let tab = use_state(|| Tab::Overview);
    let editing = use_state(|| false);
    let details = use_state(|| (String::new(), String::new(), CustomValues::new()));
    let errors = use_state(Vec::<FieldError>::new);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let timeline_key = use_state(|| 0u32);
    let defs = use_custom_fields(EntityType::Person);
    let reload = use_card(props.id, &card, &error, api::person_card);
    let Some(c) = (*card).clone() else {
        return html! { <div>{ error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }<p>{ tr("app.loading") }</p></div> };
    };
    let p = &c.person;
    let currency = shared.info.tenant.currency.clone();
    let lang = shared.lang.clone();
    let bump = {
        let timeline_key = timeline_key.clone();
        Callback::from(move |_: ()| timeline_key.set(timeline_key.wrapping_add(1)))
    };
    let new_lead = {
        let (open, p) = (shared.open_counter.clone(), p.clone());
        Callback::from(move |_| {
            open.emit(CaptureLead {
                first_name: p.first_name.clone(),
                last_name: p.last_name.clone(),
                phone: p.phone.clone().unwrap_or_default(),
                email: p.email.clone().unwrap_or_default(),
                person_id: Some(p.id),
                source_channel: if p.is_customer {
                    SourceChannel::CrossSell
                } else {
                    SourceChannel::StoreWalkin
                },
                ..Default::default()
            })
        })
    };
    let export_vcard = export_vcard(EntityType::Person, p.id, &notice, &error);
    let start_edit = {
        let (editing, details, p) = (editing.clone(), details.clone(), p.clone());
        Callback::from(move |_| {
            details.set((
                p.tax_code.clone().unwrap_or_default(),
                p.city.clone().unwrap_or_default(),
                p.custom.clone(),
            ));
            editing.set(true);
        })
    };
    let save = {
        let (details, errors, error, editing, card, bump, id) = (
            details.clone(),
            errors.clone(),
            error.clone(),
            editing.clone(),
            card.clone(),
            bump.clone(),
            p.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (tax, city, custom) = (*details).clone();
            let (errors, error, editing, card, bump) = (
                errors.clone(),
                error.clone(),
                editing.clone(),
                card.clone(),
                bump.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let body = serde_json::json!({ "tax_code": tax, "city": city, "custom": custom });
                match api::update_person_details(id, &body).await {
                    Ok(c) => {
                        card.set(Some(c));
                        editing.set(false);
                        errors.set(Vec::new());
                        error.set(None);
                        bump.emit(());
                    }
                    Err(e) => {
                        errors.set(field_errors(&e));
                        error.set(Some(error_text(&e)));
                    }
                }
            });
        })
    };
    html! {
        <div class="record" id="person-card">
            <h1 id="record-title">{ p.full_name() }
                { p.is_customer.then(|| html!{ <span class="pill converted">{ tr("record.customer") }</span> }) }
            </h1>
            <div class="actions quick">
                { p.phone.as_ref().map(|_| html! { <super::calls::CallButton entity_type={EntityType::Person} entity_id={p.id} phone={p.phone.clone()} id="quick-call" /> }) }
                <button class="secondary" id="quick-meeting" onclick={{ let tab = tab.clone(); Callback::from(move |_| tab.set(Tab::Contacts)) }}>{ tr("record.quick_meeting") }</button>
                <button class="secondary" id="quick-lead" onclick={new_lead}>{ tr("record.new_lead") }</button>
                <button class="secondary" id="quick-note" onclick={{ let tab = tab.clone(); Callback::from(move |_| tab.set(Tab::Notes)) }}>{ tr("record.quick_note") }</button>
                <button class="secondary" id="quick-vcard" onclick={export_vcard}>{ tr("record.export_vcard") }</button>
            </div>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { notice.as_ref().map(|e| html!{ <div class="banner ok" role="status">{ e }</div> }) }
            { tabs(&tab) }
            { match *tab {
                Tab::Overview => html! { <div class="grid2">
                    <div class="card detail">
                        { if *editing { let (tax, city, custom) = (*details).clone(); html! {
                            <form onsubmit={save} id="person-details">
                                <div class={classes!("field", errors.iter().any(|e| e.field == "tax_code").then_some("invalid"))}>
                                    <label for="person-tax_code">{ field_label("tax_code") }</label>
                                    <input id="person-tax_code" value={tax} oninput={{ let details = details.clone(); Callback::from(move |e: InputEvent| { let mut d = (*details).clone(); d.0 = e.target_unchecked_into::<HtmlInputElement>().value(); details.set(d) }) }} />
                                    { error_for(&errors, "tax_code") }
                                </div>
                                <div class="field">
                                    <label for="person-city">{ field_label("city") }</label>
                                    <input id="person-city" value={city} oninput={{ let details = details.clone(); Callback::from(move |e: InputEvent| { let mut d = (*details).clone(); d.1 = e.target_unchecked_into::<HtmlInputElement>().value(); details.set(d) }) }} />
                                </div>
                                <CustomInputs defs={(*defs).clone()} values={custom} errors={(*errors).clone()}
                                    on_change={{ let details = details.clone(); Callback::from(move |v: CustomValues| { let mut d = (*details).clone(); d.2 = v; details.set(d) }) }} />
                                <div class="actions">
                                    <button type="submit" class="primary" id="person-save">{ tr("companies.save") }</button>
                                    <button type="button" class="secondary" onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(false)) }}>{ tr("notes.cancel") }</button>
                                </div>
                            </form>
                        } } else { html! { <>
                            <dl>
                                { row("phone", p.phone.as_ref().map(|_| phone_display(&p.phone))) }
                                { row("phone_2", p.phone_2.as_ref().map(|_| phone_display(&p.phone_2))) }
                                { row("email", p.email.clone()) }
                                { row("email_2", p.email_2.clone()) }
                                { row("company", p.company_name.clone()) }
                                { row("city", p.city.clone()) }
                                <dt>{ field_label("tax_code") }</dt><dd id="person-tax">{ p.tax_code.clone().unwrap_or_else(|| "—".into()) }</dd>
                                { custom_values_dl(&defs, &p.custom) }
                            </dl>
                            <div class="actions"><button class="secondary" id="person-edit" onclick={start_edit}>{ tr("record.quick_edit") }</button></div>
                        </> } } }
                    </div>
                    <div class="card">
                        <h3>{ tr("record.companies") }</h3>
                        { if c.companies.is_empty() { html!{ <p class="hint">{ tr("record.no_companies") }</p> } } else { html!{
                            <ul>{ for c.companies.iter().map(|cc| { let (open, cid) = (shared.open_record.clone(), cc.company_id); html!{
                                <li><button class="link" onclick={Callback::from(move |_| open.emit((EntityType::Company, cid)))}>{ &cc.company_name }</button>
                                { cc.role.as_ref().map(|r| html!{ <span class="muted">{ format!(" · {r}") }</span> }) }
                                { cc.is_primary.then(|| html!{ <span class="pill converted">{ tr("companies.primary") }</span> }) }</li>
                            } }) }</ul>
                        } } }
                        <h3>{ tr("leads.consents") }</h3>
                        <ul>{ for c.consents.iter().map(|k| html!{ <li>{ format!("{} · {} · {}", tr(&format!("consent.{}", k.kind.as_str())), if k.granted { tr("custom.yes") } else { tr("custom.no") }, local_time(&k.recorded_at)) }</li> }) }</ul>
                    </div>
                </div> },
                Tab::Sales => html! { <>
                    <h3>{ tr("nav.leads") }</h3>
                    { if c.leads.is_empty() { html!{ <p class="hint">{ tr("record.no_leads") }</p> } } else { html!{
                        <table class="list" id="record-leads">
                            <thead><tr><th>{ tr("leads.captured") }</th><th>{ field_label("interest") }</th><th>{ field_label("status") }</th><th>{ field_label("source_channel") }</th></tr></thead>
                            <tbody>{ for c.leads.iter().map(|l| { let (open, id) = (shared.open_record.clone(), l.id); html!{
                                <tr tabindex="0" onclick={Callback::from(move |_| open.emit((EntityType::Lead, id)))}>
                                    <td>{ local_time(&l.created_at) }</td><td>{ tr(&format!("interest.{}", l.interest.as_str())) }</td>
                                    <td><span class={classes!("pill", l.status.as_str())}>{ tr(&format!("status.{}", l.status.as_str())) }</span></td>
                                    <td>{ tr(&format!("source.{}", l.source_channel.as_str())) }</td>
                                </tr>
                            } }) }</tbody>
                        </table>
                    } } }
                    <h3>{ tr("nav.deals") }</h3>
                    { deals_table(&c.deals, &shared, &currency, &lang) }
                </> },
                Tab::Contacts => html! { <super::calls::ContactPanel entity_type={EntityType::Person} entity_id={p.id} phone={p.phone.clone()} email={p.email.clone()} /> },
                Tab::Notes => html! { <NotesPanel entity_type={EntityType::Person} entity_id={p.id} on_change={bump.clone()} /> },
                Tab::Timeline => html! { <TimelinePanel key={*timeline_key} entity_type={EntityType::Person} entity_id={p.id} /> },
                Tab::Documents => html! { <DocumentsPanel entity_type={EntityType::Person} entity_id={p.id} documents={c.documents.clone()} on_change={{ let (reload, bump) = (reload.clone(), bump.clone()); Callback::from(move |_| { reload.emit(()); bump.emit(()) }) }} /> },
            } }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub entity_type: EntityType,
    pub entity_id: Uuid,
}

/// A record's timeline, newest first, paged ("show more").
#[function_component(TimelinePanel)]
pub fn timeline_panel(props: &TimelineProps) -> Html {
    let entries = use_state(Vec::<TimelineEntry>::new);
    let total = use_state(|| 0u64);
    let error = use_state(|| None::<String>);
    let load = {
        let (entries, total, error) = (entries.clone(), total.clone(), error.clone());
        let (kind, id) = (props.entity_type, props.entity_id);
        Callback::from(move |offset: u32| {
            let (entries, total, error) = (entries.clone(), total.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::timeline(kind, id, offset, TIMELINE_PAGE).await {
                    Ok(page) => {
                        let mut all = if offset == 0 {
                            Vec::new()
                        } else {
                            (*entries).clone()
                        };
                        all.extend(page.items);
                        entries.set(all);
                        total.set(page.total);
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    // Reloads when calls or meetings changed elsewhere (the outcome dialog).
    let version = use_context::<Shared>().map(|s| s.data_version).unwrap_or(0);
    {
        let load = load.clone();
        use_effect_with((props.entity_id, version), move |_| load.emit(0));
    }
    html! {
        <div class="card">
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            { if entries.is_empty() { html!{ <p class="hint">{ tr("record.no_events") }</p> } } else { html!{} } }
            <ol class="timeline" id="record-timeline">
                { for entries.iter().map(|e| {
                    let label = tr(&format!("timeline.{}", e.kind));
                    let label = if label.starts_with("timeline.") { e.kind.clone() } else { label };
                    html! {
                        <li data-kind={e.kind.clone()}>
                            <span class="when">{ local_time(&e.at) }</span>{ " " }
                            <strong>{ label }</strong>
                            { (e.entity_type == EntityType::Lead || e.entity_type == EntityType::Deal).then(|| html!{ <span class="pill">{ tr(&format!("entity.{}", e.entity_type.as_str())) }</span> }) }
                            { e.detail.as_ref().map(|d| html!{ <span>{ format!(" — {}", super::event_detail(&e.kind, d)) }</span> }) }
                            { e.user_name.as_ref().map(|u| html!{ <span class="muted">{ format!(" · {u}") }</span> }) }
                        </li>
                    }
                }) }
            </ol>
            { ((entries.len() as u64) < *total).then(|| {
                let (load, n) = (load.clone(), entries.len() as u32);
                html!{ <button class="secondary" id="timeline-more" onclick={Callback::from(move |_| load.emit(n))}>{ tr("record.more") }</button> }
            }) }
        </div>
    }
}

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
                            <td class="num">{ super::number(d.size_bytes as f64 / 1024.0, "decimal", 1, "it") }{ " KB" }</td>
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
                if let Ok(v) = api::custom_values(kind, id).await {
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
