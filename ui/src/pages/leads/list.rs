//! The Leads list: search (debounced), filters, sort and one page of 50 rows at a time.

use std::cell::RefCell;
use std::rc::Rc;

use banco::model::{LeadListItem, LeadQuery, LeadSort, LeadStatus, Page, SourceChannel};
use chrono::NaiveDate;
use gloo_timers::callback::Timeout;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::panel::LeadPanel;
use crate::format::{local_time, phone_display};
use crate::i18n::{error_text, tr, tr_with};
use crate::widgets::export::ExportFormatPicker;
use crate::{api, Shared};

/// Rows per page.
pub const PAGE_SIZE: u32 = 50;

/// Milliseconds after the last key before searching.
pub const SEARCH_DELAY_MS: u32 = 250;

/// A change to the list query, applied to the current query by a reducer
/// (a debounced search never undoes a filter chosen meanwhile).
pub enum QueryChange {
    /// Change filters or sort; back to the first page.
    Filter(Box<dyn Fn(&mut LeadQuery)>),
    /// Go to a page.
    Offset(u32),
    /// Fetch the same page again (after a lead changed).
    Reload,
}

#[derive(Clone, PartialEq)]
pub struct ListState {
    pub query: LeadQuery,
    /// Bumped by [`QueryChange::Reload`] so the fetch effect runs again.
    pub generation: u32,
}

impl Reducible for ListState {
    type Action = QueryChange;

    fn reduce(self: Rc<Self>, change: QueryChange) -> Rc<Self> {
        let mut next = (*self).clone();
        match change {
            QueryChange::Filter(f) => {
                f(&mut next.query);
                next.query.offset = 0;
            }
            QueryChange::Offset(o) => next.query.offset = o,
            QueryChange::Reload => next.generation = next.generation.wrapping_add(1),
        }
        Rc::new(next)
    }
}

#[function_component(Leads)]
pub fn leads() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let list = use_reducer(|| ListState {
        query: LeadQuery {
            limit: PAGE_SIZE,
            ..Default::default()
        },
        generation: 0,
    });
    let page = use_state(|| None::<Page<LeadListItem>>);
    let error = use_state(|| None::<String>);
    let selected = use_state(|| None::<Uuid>);
    let export_notice = use_state(|| None::<String>);
    let export_format = use_state(|| banco::model::ExportFormat::ExcelIt);
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let search_ref = use_node_ref();

    {
        let (page, error) = (page.clone(), error.clone());
        // A search typed on, a filter changed meanwhile: an older answer
        // arriving last is dropped.
        let latest = crate::widgets::latest::use_latest();
        // Another desk's change (data_version) reloads the page as well.
        use_effect_with(((*list).clone(), shared.data_version), move |(l, _)| {
            let q = l.query.clone();
            let current = latest.ask();
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_leads(&q).await {
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
    {
        let search_ref = search_ref.clone();
        use_effect_with((), move |_| {
            if let Some(i) = search_ref.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        });
    }

    let update = {
        let list = list.clone();
        move |f: Box<dyn Fn(&mut LeadQuery)>| list.dispatch(QueryChange::Filter(f))
    };
    let on_search = {
        let (update, timer) = (update.clone(), timer.clone());
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            let update = update.clone();
            *timer.borrow_mut() = Some(Timeout::new(SEARCH_DELAY_MS, move || {
                let v = value.trim().to_string();
                update(Box::new(move |q| {
                    q.search = (!v.is_empty()).then(|| v.clone())
                }));
            }));
        })
    };
    let on_select = |which: &'static str| {
        let update = update.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            update(Box::new(move |q| match which {
                "status" => q.statuses = v.parse::<LeadStatus>().ok().into_iter().collect(),
                "source" => q.source_channel = v.parse::<SourceChannel>().ok(),
                "store" => q.store_id = Uuid::parse_str(&v).ok(),
                "segment" => q.segment = v.parse::<banco::model::Segment>().ok(),
                _ => {
                    q.sort = match v.as_str() {
                        "oldest" => LeadSort::OldestFirst,
                        "name" => LeadSort::Name,
                        "status" => LeadSort::Status,
                        _ => LeadSort::NewestFirst,
                    }
                }
            }));
        })
    };
    let on_date = |which: &'static str| {
        let update = update.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let d = NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok();
            update(Box::new(move |q| {
                if which == "from" {
                    q.from = d
                } else {
                    q.to = d
                }
            }));
        })
    };
    let go = |delta: i64| {
        let list = list.clone();
        let total = page.as_ref().map(|p| p.total).unwrap_or(0);
        Callback::from(move |_| {
            let next = list.query.offset as i64 + delta * PAGE_SIZE as i64;
            if next >= 0 && (next as u64) < total.max(1) {
                list.dispatch(QueryChange::Offset(next as u32));
            }
        })
    };
    let reload = {
        let list = list.clone();
        Callback::from(move |_: ()| list.dispatch(QueryChange::Reload))
    };

    let (rows, total, offset) = match page.as_ref() {
        Some(p) => (p.items.clone(), p.total, p.offset),
        None => (Vec::new(), 0, 0),
    };
    let range = if total == 0 {
        tr("leads.none")
    } else {
        tr_with(
            "leads.range",
            [
                ("from", (offset + 1).to_string()),
                ("to", (offset as u64 + rows.len() as u64).to_string()),
                ("total", total.to_string()),
            ],
        )
    };

    html! {
        <div>
            <h1>{ tr("leads.title") }</h1>
            <div class="filters">
                <div class="field search">
                    <label for="leads-search">{ tr("leads.search") }</label>
                    <input id="leads-search" name="search" type="search" ref={search_ref} placeholder={tr("leads.search_hint")} oninput={on_search} />
                </div>
                <div class="field">
                    <label for="leads-status">{ tr("field.status") }</label>
                    <select id="leads-status" name="status" onchange={on_select("status")}>
                        <option value="">{ tr("leads.all") }</option>
                        { for LeadStatus::ALL.iter().map(|s| html!{ <option value={s.as_str()}>{ tr(&format!("status.{}", s.as_str())) }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="leads-source">{ tr("field.source_channel") }</label>
                    <select id="leads-source" name="source_channel" onchange={on_select("source")}>
                        <option value="">{ tr("leads.all") }</option>
                        { for SourceChannel::ALL.iter().map(|s| html!{ <option value={s.as_str()}>{ tr(&format!("source.{}", s.as_str())) }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="leads-store">{ tr("field.store_id") }</label>
                    <select id="leads-store" name="store_id" onchange={on_select("store")}>
                        <option value="">{ tr("leads.all") }</option>
                        { for shared.info.stores.iter().map(|s| html!{ <option value={s.id.to_string()}>{ &s.name }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="leads-segment">{ tr("segments.segment") }</label>
                    <select id="leads-segment" name="segment" onchange={on_select("segment")}>
                        <option value="">{ tr("leads.all") }</option>
                        { for banco::model::Segment::ALL.iter().map(|s| html!{ <option value={s.as_str()}>{ tr(&format!("segment.{}", s.as_str())) }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="leads-from">{ tr("leads.from") }</label>
                    <input id="leads-from" name="from" type="date" onchange={on_date("from")} />
                </div>
                <div class="field">
                    <label for="leads-to">{ tr("leads.to") }</label>
                    <input id="leads-to" name="to" type="date" onchange={on_date("to")} />
                </div>
                <div class="field">
                    <label for="leads-sort">{ tr("leads.sort") }</label>
                    <select id="leads-sort" name="sort" onchange={on_select("sort")}>
                        <option value="newest">{ tr("sort.newest") }</option>
                        <option value="oldest">{ tr("sort.oldest") }</option>
                        <option value="name">{ tr("sort.name") }</option>
                        <option value="status">{ tr("sort.status") }</option>
                    </select>
                </div>
                <crate::widgets::custom_fields::CustomFilter entity_type={banco::model::EntityType::Lead}
                    on_change={{ let update = update.clone(); Callback::from(move |c: Vec<(String, String)>| update(Box::new(move |q: &mut LeadQuery| q.custom = c.clone()))) }} />
                { if shared.can_manage() { html! { <>
                <ExportFormatPicker id="leads-export-format" format={export_format.clone()} json={true} />
                <button class="secondary" id="leads-export" onclick={{
                    let (query, error, notice, format) = (list.query.clone(), error.clone(), export_notice.clone(), *export_format);
                    Callback::from(move |_| {
                        let (q, error, notice) = (query.clone(), error.clone(), notice.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match api::export_leads_csv(&q, format).await {
                                Ok(Some(p)) => notice.set(Some(tr_with("import.saved_to", [("path", p)]))),
                                Ok(None) => {}
                                Err(e) => error.set(Some(error_text(&e))),
                            }
                        });
                    })
                }}>{ tr("leads.export") }</button></> } } else { html! {} } }
            </div>
            { export_notice.as_ref().map(|n| html!{ <div class="banner ok" role="status">{ n }</div> }) }
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            <div class="split">
                <div>
                    <div class="tablewrap">
                        <table id="leads-table">
                            <thead><tr>
                                <th>{ tr("leads.captured") }</th><th>{ tr("leads.name") }</th><th>{ tr("field.phone") }</th>
                                <th>{ tr("field.email") }</th><th>{ tr("field.status") }</th><th>{ tr("field.source_channel") }</th>
                                <th>{ tr("field.interest") }</th><th>{ tr("field.store_id") }</th><th>{ tr("leads.owner") }</th>
                            </tr></thead>
                            <tbody>
                                { for rows.iter().map(|l| {
                                    let id = l.id;
                                    let sel = selected.clone();
                                    let sel_key = selected.clone();
                                    let onkeydown = Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { sel_key.set(Some(id)) });
                                    html! {
                                        <tr class={classes!((*selected == Some(id)).then_some("selected"))} tabindex="0"
                                            data-lead-id={id.to_string()} onclick={Callback::from(move |_| sel.set(Some(id)))} {onkeydown}>
                                            <td>{ local_time(&l.created_at) }</td>
                                            <td>{ format!("{} {}", l.first_name, l.last_name) }</td>
                                            <td>{ phone_display(&l.phone) }</td>
                                            <td>{ l.email.clone().unwrap_or_default() }</td>
                                            <td><span class={classes!("pill", l.status.as_str())}>{ tr(&format!("status.{}", l.status.as_str())) }</span></td>
                                            <td>{ tr(&format!("source.{}", l.source_channel.as_str())) }</td>
                                            <td>{ tr(&format!("interest.{}", l.interest.as_str())) }</td>
                                            <td>{ l.store_name.clone().unwrap_or_default() }</td>
                                            <td>{ l.owner_name.clone().unwrap_or_default() }</td>
                                        </tr>
                                    }
                                }) }
                            </tbody>
                        </table>
                    </div>
                    <div class="pager">
                        <button class="secondary" id="leads-prev" onclick={go(-1)} disabled={offset == 0}>{ tr("leads.prev") }</button>
                        <span id="leads-range">{ range }</span>
                        <button class="secondary" id="leads-next" onclick={go(1)} disabled={offset as u64 + (rows.len() as u64) >= total}>{ tr("leads.next") }</button>
                    </div>
                </div>
                { match *selected {
                    Some(id) => html!{ <LeadPanel {id} on_change={reload} /> },
                    None => html!{ <div class="card hint">{ tr("leads.pick") }</div> },
                } }
            </div>
        </div>
    }
}
