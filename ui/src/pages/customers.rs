//! The Customers screen (issue 16): people and companies with a contract,
//! or their contracts one by one, with the same filters (store, status,
//! kind of service, product, the month a term ends: the renewals due). A
//! customer row opens their card; a contract row opens the contract beside
//! the list.

use banco::model::{
    ContractFilter, ContractListItem, ContractStatus, CustomerListItem, EntityType, Page,
    ServiceKind,
};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::contract::ContractPanel;
use crate::format::{money, phone_display};
use crate::i18n::{error_text, field_label, tr, tr_with};
use crate::widgets::form::select_value;
use crate::{api, Shared};

const PAGE_SIZE: u32 = 50;

/// What the screen lists.
#[derive(Clone, Copy, PartialEq)]
enum View {
    Customers,
    Contracts,
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

#[function_component(Customers)]
pub fn customers() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let view = use_state(|| View::Customers);
    let filter = use_state(|| ContractFilter {
        limit: Some(PAGE_SIZE),
        ..Default::default()
    });
    let customers = use_state(|| None::<Page<CustomerListItem>>);
    let contracts = use_state(|| None::<Page<ContractListItem>>);
    let open = use_state(|| None::<Uuid>);
    let error = use_state(|| None::<String>);
    let reload = use_state(|| 0u32);
    {
        let (customers, contracts, error) = (customers.clone(), contracts.clone(), error.clone());
        // A filter changed meanwhile: an older answer arriving last is
        // dropped.
        let latest = crate::widgets::latest::use_latest();
        use_effect_with(((*filter).clone(), *view, *reload), move |(f, v, _)| {
            let (f, v) = (f.clone(), *v);
            let current = latest.ask();
            wasm_bindgen_futures::spawn_local(async move {
                let failed = match v {
                    View::Customers => match api::list_customers(&f).await {
                        Ok(_) if !current() => return,
                        Ok(p) => {
                            customers.set(Some(p));
                            None
                        }
                        Err(e) => Some(e),
                    },
                    View::Contracts => match api::list_contracts(&f).await {
                        Ok(_) if !current() => return,
                        Ok(p) => {
                            contracts.set(Some(p));
                            None
                        }
                        Err(e) => Some(e),
                    },
                };
                error.set(failed.map(|e| error_text(&e)));
            });
        });
    }
    let update = |f: fn(&mut ContractFilter, String)| {
        let filter = filter.clone();
        Callback::from(move |v: String| {
            let mut q = (*filter).clone();
            f(&mut q, v);
            q.offset = None;
            filter.set(q);
        })
    };
    let on_select = |f: fn(&mut ContractFilter, String)| {
        let set = update(f);
        Callback::from(move |e: Event| set.emit(select_value(&e)))
    };
    let on_input = |f: fn(&mut ContractFilter, String)| {
        let set = update(f);
        Callback::from(move |e: InputEvent| {
            set.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let q = (*filter).clone();
    let offset = q.offset.unwrap_or(0);
    let pager = |shown: usize, total: u64| {
        let (prev, next) = (filter.clone(), filter.clone());
        html! {
            <div class="pager">
                <button class="secondary" disabled={offset == 0} onclick={Callback::from(move |_| { let mut x = (*prev).clone(); x.offset = Some(x.offset.unwrap_or(0).saturating_sub(PAGE_SIZE)); prev.set(x) })}>{ tr("leads.prev") }</button>
                <span class="hint">{ format!("{}–{} / {}", if total == 0 { 0 } else { offset + 1 }, offset as u64 + shown as u64, total) }</span>
                <button class="secondary" disabled={(offset as u64 + shown as u64) >= total} onclick={Callback::from(move |_| { let mut x = (*next).clone(); x.offset = Some(x.offset.unwrap_or(0) + PAGE_SIZE); next.set(x) })}>{ tr("leads.next") }</button>
            </div>
        }
    };
    let tab = |v: View, id: &'static str, key: &'static str| {
        let (view, open) = (view.clone(), open.clone());
        html! { <button id={id} role="tab" aria-selected={(*view == v).to_string()} class={classes!("tab", (*view == v).then_some("active"))}
        onclick={Callback::from(move |_| { open.set(None); view.set(v) })}>{ tr(key) }</button> }
    };
    let lang = shared.lang.clone();
    html! {
        <div>
            <h1>{ tr("customers.title") }</h1>
            <div class="tabs" role="tablist">
                { tab(View::Customers, "customers-tab-customers", "customers.tab_customers") }
                { tab(View::Contracts, "customers-tab-contracts", "customers.tab_contracts") }
            </div>
            <div class="filters">
                <div class="field">
                    <label for="customers-store">{ field_label("store_id") }</label>
                    <select id="customers-store" onchange={on_select(|q, v| q.store_id = Uuid::parse_str(&v).ok())}>
                        <option value="" selected={q.store_id.is_none()}>{ tr("leads.all") }</option>
                        { for shared.info.stores.iter().map(|s| html! { <option value={s.id.to_string()} selected={q.store_id == Some(s.id)}>{ &s.name }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="customers-status">{ field_label("status") }</label>
                    <select id="customers-status" onchange={on_select(|q, v| q.status = v.parse().ok())}>
                        <option value="" selected={q.status.is_none()}>{ tr("leads.all") }</option>
                        { for ContractStatus::ALL.iter().map(|s| html! { <option value={s.as_str()} selected={q.status == Some(*s)}>{ tr(&format!("contract_status.{}", s.as_str())) }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="customers-kind">{ field_label("kind") }</label>
                    <select id="customers-kind" onchange={on_select(|q, v| q.kind = v.parse().ok())}>
                        <option value="" selected={q.kind.is_none()}>{ tr("leads.all") }</option>
                        { for ServiceKind::ALL.iter().map(|k| html! { <option value={k.as_str()} selected={q.kind == Some(*k)}>{ tr(&format!("service_kind.{}", k.as_str())) }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="customers-segment">{ field_label("segment") }</label>
                    <select id="customers-segment" onchange={on_select(|q, v| q.segment = v.parse().ok())}>
                        <option value="" selected={q.segment.is_none()}>{ tr("leads.all") }</option>
                        { for banco::model::Segment::ALL.iter().map(|s| html! { <option value={s.as_str()} selected={q.segment == Some(*s)}>{ tr(&format!("segment.{}", s.as_str())) }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="customers-product">{ field_label("product") }</label>
                    <input id="customers-product" type="search" value={q.product.clone().unwrap_or_default()}
                        oninput={on_input(|q, v| q.product = Some(v).filter(|p| !p.trim().is_empty()))} />
                </div>
                <div class="field">
                    <label for="customers-renews">{ field_label("renews_in") }</label>
                    <input id="customers-renews" type="month" placeholder="AAAA-MM" value={q.renews_in.clone().unwrap_or_default()}
                        oninput={on_input(|q, v| q.renews_in = Some(v).filter(|m| !m.trim().is_empty()))} />
                </div>
            </div>
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
            { match *view {
                View::Customers => customers.as_ref().map(|p| html! { <>
                    <p class="hint" id="customers-count">{ tr_with("customers.count", [("n", p.total.to_string())]) }</p>
                    <div class="tablewrap">
                        <table id="customers-table">
                            <thead><tr>
                                <th>{ field_label("name") }</th><th>{ tr("customers.contact") }</th>
                                <th>{ tr("customers.contracts") }</th><th>{ tr("customers.active") }</th>
                                <th>{ tr("deals.monthly") }</th><th>{ tr("customers.next_term_end") }</th>
                            </tr></thead>
                            <tbody>{ for p.items.iter().map(|c| {
                                let kind = if c.entity_type == "company" { EntityType::Company } else { EntityType::Person };
                                let (open, id) = (shared.open_record.clone(), c.entity_id);
                                let open_key = open.clone();
                                html! {
                                    <tr tabindex="0" data-id={c.entity_id.to_string()} onclick={Callback::from(move |_| open.emit((kind, id)))}
                                        onkeydown={Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { open_key.emit((kind, id)) })}>
                                        <td>{ &c.name }{ (kind == EntityType::Company).then(|| html! { <span class="pill">{ tr("customers.company") }</span> }) }</td>
                                        <td>{ c.contact.clone().map(|x| if x.starts_with('+') { phone_display(&Some(x)) } else { x }).unwrap_or_default() }</td>
                                        <td class="num">{ c.contracts }</td>
                                        <td class="num">{ c.active }</td>
                                        <td class="num">{ money(c.monthly_minor, &shared.info.tenant.currency, &lang) }</td>
                                        <td>{ date(c.next_term_end) }</td>
                                    </tr>
                                }
                            }) }</tbody>
                        </table>
                    </div>
                    { pager(p.items.len(), p.total) }
                </> }).unwrap_or_default(),
                View::Contracts => contracts.as_ref().map(|p| html! { <div>
                    <div>
                        <p class="hint" id="contracts-count">{ tr_with("customers.contracts_count", [("n", p.total.to_string())]) }</p>
                        <div class="tablewrap">
                            <table id="contracts-table">
                                <thead><tr>
                                    <th>{ tr("contract.customer") }</th><th>{ tr("contract.offer") }</th><th>{ field_label("kind") }</th>
                                    <th>{ field_label("status") }</th><th>{ tr("contract.signed_on") }</th><th>{ tr("contract.ends_on") }</th>
                                    <th>{ tr("deals.monthly") }</th><th>{ field_label("store_id") }</th>
                                </tr></thead>
                                <tbody>{ for p.items.iter().map(|i| {
                                    let k = &i.contract;
                                    let (open, id) = (open.clone(), k.id);
                                    let open_key = open.clone();
                                    html! {
                                        <tr tabindex="0" data-id={k.id.to_string()} class={classes!((*open == Some(k.id)).then_some("selected"))}
                                            onclick={Callback::from(move |_| open.set(Some(id)))}
                                            onkeydown={Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { open_key.set(Some(id)) })}>
                                            <td>{ i.customer_name.clone().unwrap_or_default() }</td>
                                            <td>{ &k.offer }</td>
                                            <td>{ tr(&format!("service_kind.{}", k.kind.as_str())) }</td>
                                            <td><span class={classes!("badge", k.status.as_str())}>{ tr(&format!("contract_status.{}", k.status.as_str())) }</span></td>
                                            <td>{ date(Some(k.start_date)) }</td>
                                            <td>{ date(k.ends_on) }</td>
                                            <td class="num">{ money(k.monthly_minor, &k.currency, &lang) }</td>
                                            <td>{ i.store_name.clone().unwrap_or_default() }</td>
                                        </tr>
                                    }
                                }) }</tbody>
                            </table>
                        </div>
                        { pager(p.items.len(), p.total) }
                    </div>
                    { open.map(|id| html! {
                        <aside class="detail" id="contract-detail">
                            <button class="close" data-escape="true" onclick={{ let open = open.clone(); Callback::from(move |_| open.set(None)) }}>{ "×" }</button>
                            <ContractPanel key={id.to_string()} {id} on_changed={{ let reload = reload.clone(); Callback::from(move |_| reload.set(*reload + 1)) }} />
                        </aside>
                    }) }
                </div> }).unwrap_or_default(),
            } }
        </div>
    }
}
