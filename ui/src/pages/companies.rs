//! The Companies list: filters (words, kind, status, owner, tag, a custom
//! field), paging, CSV export of what the filters show, and the new
//! company form. A row opens the company card.

use banco::model::{
    CompanyInput, CompanyKind, CompanyListItem, CompanyQuery, CompanyStatus, EntityType, Page,
};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::records::CompanyForm;
use crate::i18n::{error_text, field_label, tr, tr_with};
use crate::widgets::custom_fields::use_custom_fields;
use crate::widgets::export::ExportFormatPicker;
use crate::{api, Shared};

const PAGE_SIZE: u32 = 50;

#[function_component(Companies)]
pub fn companies() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let query = use_state(|| CompanyQuery {
        limit: PAGE_SIZE,
        ..Default::default()
    });
    let page = use_state(|| None::<Page<CompanyListItem>>);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let export_format = use_state(|| banco::model::ExportFormat::ExcelIt);
    let creating = use_state(|| false);
    let defs = use_custom_fields(EntityType::Company);
    {
        let (page, error) = (page.clone(), error.clone());
        // A search typed on: an older answer arriving last is dropped.
        let latest = crate::widgets::latest::use_latest();
        use_effect_with((*query).clone(), move |q| {
            let q = q.clone();
            let current = latest.ask();
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_companies(&q).await {
                    Ok(p) if current() => {
                        page.set(Some(p));
                        error.set(None);
                    }
                    Ok(_) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let update = |f: fn(&mut CompanyQuery, String)| {
        let query = query.clone();
        Callback::from(move |v: String| {
            let mut q = (*query).clone();
            f(&mut q, v);
            q.offset = 0;
            query.set(q);
        })
    };
    let on_text = {
        let set = update(|q, v| q.text = v);
        Callback::from(move |e: InputEvent| {
            set.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_kind = {
        let set = update(|q, v| q.kind = v.parse().ok());
        Callback::from(move |e: Event| {
            set.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_status = {
        let set = update(|q, v| q.status = v.parse().ok());
        Callback::from(move |e: Event| {
            set.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_owner = {
        let set = update(|q, v| q.owner_id = Uuid::parse_str(&v).ok());
        Callback::from(move |e: Event| {
            set.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_tag = {
        let set = update(|q, v| q.tag = Some(v).filter(|t| !t.trim().is_empty()));
        Callback::from(move |e: InputEvent| {
            set.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_export = {
        let (query, notice, error, format) =
            (query.clone(), notice.clone(), error.clone(), *export_format);
        Callback::from(move |_| {
            let (q, notice, error) = ((*query).clone(), notice.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::export_companies_csv(&q, format).await {
                    Ok(Some(p)) => notice.set(Some(tr_with("import.saved_to", [("path", p)]))),
                    Ok(None) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let q = (*query).clone();
    html! {
        <div>
            <h1>{ tr("companies.title") }</h1>
            { if *creating { html! {
                <CompanyForm id={None::<Uuid>} initial={CompanyInput::default()}
                    on_saved={{ let (creating, open) = (creating.clone(), shared.open_record.clone()); Callback::from(move |c: banco::model::Company| { creating.set(false); open.emit((EntityType::Company, c.id)) }) }}
                    on_cancel={{ let creating = creating.clone(); Callback::from(move |_| creating.set(false)) }} />
            } } else { html! {
                <div class="actions"><button class="primary" id="company-new" onclick={{ let creating = creating.clone(); Callback::from(move |_| creating.set(true)) }}>{ tr("companies.new") }</button></div>
            } } }
            <div class="filters">
                <div class="field search">
                    <label for="companies-search">{ tr("companies.search") }</label>
                    <input id="companies-search" type="search" value={q.text.clone()} oninput={on_text} />
                </div>
                <div class="field">
                    <label for="companies-kind">{ field_label("kind") }</label>
                    <select id="companies-kind" onchange={on_kind}>
                        <option value="" selected={q.kind.is_none()}>{ tr("leads.all") }</option>
                        { for CompanyKind::ALL.iter().map(|k| html!{ <option value={k.as_str()} selected={q.kind == Some(*k)}>{ tr(&format!("company_kind.{}", k.as_str())) }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="companies-status">{ field_label("status") }</label>
                    <select id="companies-status" onchange={on_status}>
                        <option value="" selected={q.status.is_none()}>{ tr("leads.all") }</option>
                        { for CompanyStatus::ALL.iter().map(|k| html!{ <option value={k.as_str()} selected={q.status == Some(*k)}>{ tr(&format!("company_status.{}", k.as_str())) }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="companies-owner">{ field_label("owner_id") }</label>
                    <select id="companies-owner" onchange={on_owner}>
                        <option value="" selected={q.owner_id.is_none()}>{ tr("leads.all") }</option>
                        { for shared.info.users.iter().map(|u| html!{ <option value={u.id.to_string()} selected={q.owner_id == Some(u.id)}>{ &u.display_name }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="companies-tag">{ field_label("tags") }</label>
                    <input id="companies-tag" value={q.tag.clone().unwrap_or_default()} oninput={on_tag} />
                </div>
                <crate::widgets::custom_fields::CustomFilter entity_type={EntityType::Company}
                    on_change={{ let query = query.clone(); Callback::from(move |c: Vec<(String, String)>| { let mut q = (*query).clone(); q.custom = c; q.offset = 0; query.set(q) }) }} />
                <span class="spacer"></span>
                { if shared.can_manage() { html! { <><ExportFormatPicker id="companies-export-format" format={export_format.clone()} /><button class="secondary" id="companies-export" onclick={on_export}>{ tr("companies.export") }</button></> } } else { html! {} } }
            </div>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { notice.as_ref().map(|e| html!{ <div class="banner ok" role="status">{ e }</div> }) }
            { page.as_ref().map(|p| html! { <>
                <p class="hint" id="companies-count">{ tr_with("companies.count", [("n", p.total.to_string())]) }</p>
                <div class="tablewrap">
                    <table id="companies-table">
                        <thead><tr>
                            <th>{ field_label("name") }</th><th>{ field_label("kind") }</th><th>{ field_label("status") }</th>
                            <th>{ field_label("vat_number") }</th><th>{ field_label("office_location") }</th><th>{ field_label("sector") }</th>
                            <th>{ field_label("owner_id") }</th><th>{ field_label("tags") }</th>
                            { for defs.iter().filter(|d| !d.archived).map(|d| html!{ <th>{ &d.label }</th> }) }
                        </tr></thead>
                        <tbody>{ for p.items.iter().map(|c| {
                            let (open, id) = (shared.open_record.clone(), c.id);
                            let open_key = open.clone();
                            html! {
                                <tr tabindex="0" data-id={c.id.to_string()} onclick={Callback::from(move |_| open.emit((EntityType::Company, id)))}
                                    onkeydown={Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { open_key.emit((EntityType::Company, id)) })}>
                                    <td>{ &c.name }{ c.is_customer.then(|| html!{ <span class="pill converted">{ tr("record.customer") }</span> }) }</td>
                                    <td>{ tr(&format!("company_kind.{}", c.kind.as_str())) }</td>
                                    <td>{ tr(&format!("company_status.{}", c.status.as_str())) }</td>
                                    <td>{ c.vat_number.clone().unwrap_or_default() }</td>
                                    <td>{ c.office_location.clone().unwrap_or_default() }</td>
                                    <td>{ c.sector.clone().unwrap_or_default() }</td>
                                    <td>{ c.owner_name.clone().unwrap_or_default() }</td>
                                    <td>{ c.tags.join(", ") }</td>
                                    { for defs.iter().filter(|d| !d.archived).map(|d| html!{ <td>{ c.custom.get(&d.key).map(banco::model::custom_text).unwrap_or_default() }</td> }) }
                                </tr>
                            }
                        }) }</tbody>
                    </table>
                </div>
                <div class="pager">
                    <button class="secondary" disabled={q.offset == 0} onclick={{ let query = query.clone(); Callback::from(move |_| { let mut x = (*query).clone(); x.offset = x.offset.saturating_sub(PAGE_SIZE); query.set(x) }) }}>{ tr("leads.prev") }</button>
                    <span class="hint">{ format!("{}–{} / {}", if p.total == 0 { 0 } else { q.offset + 1 }, q.offset as u64 + p.items.len() as u64, p.total) }</span>
                    <button class="secondary" disabled={(q.offset as u64 + p.items.len() as u64) >= p.total} onclick={{ let query = query.clone(); Callback::from(move |_| { let mut x = (*query).clone(); x.offset += PAGE_SIZE; query.set(x) }) }}>{ tr("leads.next") }</button>
                </div>
            </> }) }
        </div>
    }
}
