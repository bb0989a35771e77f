//! The Leads screen: search, filters, sorting and a paged list that asks
//! the database for one page at a time (50 rows), so it stays smooth with
//! hundreds of thousands of leads; and the lead detail with its status,
//! notes, consents and history.

use std::cell::RefCell;
use std::rc::Rc;

use banco::model::{
    LeadDetail, LeadListItem, LeadQuery, LeadSort, LeadStatus, Page, SourceChannel, StatusChange,
};
use chrono::NaiveDate;
use gloo_timers::callback::Timeout;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::format::{local_time, phone_display};
use crate::i18n::{error_text, tr, tr_with};
use crate::{api, Shared};

/// Rows per page.
const PAGE_SIZE: u32 = 50;
/// Milliseconds after the last key before searching.
const SEARCH_DELAY_MS: u32 = 250;

/// A change to the list query, applied to the current query by a reducer
/// (a debounced search never undoes a filter chosen meanwhile).
enum QueryChange {
    /// Change filters or sort; back to the first page.
    Filter(Box<dyn Fn(&mut LeadQuery)>),
    /// Go to a page.
    Offset(u32),
    /// Fetch the same page again (after a lead changed).
    Reload,
}

#[derive(Clone, PartialEq)]
struct ListState {
    query: LeadQuery,
    /// Bumped by [`QueryChange::Reload`] so the fetch effect runs again.
    generation: u32,
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
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let search_ref = use_node_ref();

    {
        let (page, error) = (page.clone(), error.clone());
        use_effect_with((*list).clone(), move |l| {
            let q = l.query.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_leads(&q).await {
                    Ok(p) => {
                        page.set(Some(p));
                        error.set(None);
                    }
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
                <button class="secondary" id="leads-export" onclick={{
                    let (query, error, notice) = (list.query.clone(), error.clone(), export_notice.clone());
                    Callback::from(move |_| {
                        let (q, error, notice) = (query.clone(), error.clone(), notice.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match api::export_leads_csv(&q).await {
                                Ok(Some(p)) => notice.set(Some(tr_with("import.saved_to", [("path", p)]))),
                                Ok(None) => {}
                                Err(e) => error.set(Some(error_text(&e))),
                            }
                        });
                    })
                }}>{ tr("leads.export") }</button>
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

#[derive(Properties, PartialEq)]
pub struct LeadPanelProps {
    pub id: Uuid,
    pub on_change: Callback<()>,
}

/// The detail of one lead, with its actions.
#[function_component(LeadPanel)]
pub fn lead_panel(props: &LeadPanelProps) -> Html {
    let shared = use_context::<Shared>();
    let version = shared.as_ref().map(|s| s.data_version).unwrap_or(0);
    let detail = use_state(|| None::<LeadDetail>);
    let error = use_state(|| None::<String>);
    let asking_reason = use_state(|| false);
    let reason = use_state(String::new);
    let note = use_state(String::new);
    {
        let (detail, error, asking_reason) = (detail.clone(), error.clone(), asking_reason.clone());
        use_effect_with((props.id, version), move |(id, _)| {
            let id = *id;
            asking_reason.set(false);
            wasm_bindgen_futures::spawn_local(async move {
                match api::lead_detail(id).await {
                    Ok(d) => {
                        detail.set(Some(d));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let Some(d) = (*detail).clone() else {
        return html! { <div class="card">{ error.as_ref().cloned().unwrap_or_else(|| tr("app.loading")) }</div> };
    };
    let apply = {
        let (detail, error, on_change, asking_reason, reason) = (
            detail.clone(),
            error.clone(),
            props.on_change.clone(),
            asking_reason.clone(),
            reason.clone(),
        );
        let id = d.lead.id;
        Callback::from(move |(to, why): (LeadStatus, Option<String>)| {
            let (detail, error, on_change, asking_reason, reason) = (
                detail.clone(),
                error.clone(),
                on_change.clone(),
                asking_reason.clone(),
                reason.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::change_status(&StatusChange {
                    lead_id: id,
                    to,
                    reason: why,
                })
                .await
                {
                    Ok(d) => {
                        detail.set(Some(d));
                        error.set(None);
                        asking_reason.set(false);
                        reason.set(String::new());
                        on_change.emit(());
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let add_note = {
        let (detail, error, note) = (detail.clone(), error.clone(), note.clone());
        let id = d.lead.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = (*note).clone();
            let (detail, error, note) = (detail.clone(), error.clone(), note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::add_note(id, &body).await {
                    Ok(d) => {
                        detail.set(Some(d));
                        note.set(String::new());
                        error.set(None);
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let p = &d.person;
    let status_label = |s: LeadStatus| tr(&format!("status.{}", s.as_str()));
    html! {
        <div class="card detail" id="lead-detail">
            <h2>{ p.full_name() }
                { shared.as_ref().map(|shared| {
                    let (open, pid) = (shared.open_record.clone(), p.id);
                    html!{ <button class="small" id="lead-open-person" onclick={Callback::from(move |_| open.emit((banco::model::EntityType::Person, pid)))}>{ tr("leads.person_card") }</button> }
                }) }
            </h2>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            <dl>
                <dt>{ tr("field.status") }</dt>
                <dd><span class={classes!("pill", d.lead.status.as_str())} id="lead-status">{ status_label(d.lead.status) }</span>
                    { d.lead.disqualify_reason.as_ref().map(|r| html!{ <span class="hint">{ format!(" — {r}") }</span> }) }</dd>
                <dt>{ tr("field.phone") }</dt><dd>{ phone_display(&p.phone) }{ p.phone_2.as_ref().map(|_| format!(" · {}", phone_display(&p.phone_2))) }{ p.phone_raw.clone().map(|r| format!(" ({r})")) }</dd>
                <dt>{ tr("field.email") }</dt><dd id="lead-email">{ p.email.clone().unwrap_or_default() }{ p.email_2.as_ref().map(|e| format!(" · {e}")) }</dd>
                <dt>{ tr("field.company") }</dt><dd>{ p.company_name.clone().unwrap_or_default() }</dd>
                <dt>{ tr("field.interest") }</dt><dd>{ tr(&format!("interest.{}", d.lead.interest.as_str())) }</dd>
                <dt>{ tr("field.source_channel") }</dt><dd>{ tr(&format!("source.{}", d.lead.source_channel.as_str())) }</dd>
                <dt>{ tr("field.store_id") }</dt><dd>{ d.store_name.clone().unwrap_or_default() }</dd>
                <dt>{ tr("leads.owner") }</dt><dd>{ d.owner_name.clone().unwrap_or_default() }</dd>
                <dt>{ tr("leads.captured") }</dt><dd>{ local_time(&d.lead.created_at) }</dd>
                <dt>{ tr("field.note") }</dt><dd>{ d.lead.note.clone().unwrap_or_default() }</dd>
            </dl>
            <div class="actions">
                { for d.next_statuses.iter().map(|s| {
                    let s = *s;
                    let apply = apply.clone();
                    let asking = asking_reason.clone();
                    let onclick = Callback::from(move |_| if s == LeadStatus::Disqualified { asking.set(true) } else { apply.emit((s, None)) });
                    let class = if s == LeadStatus::Disqualified { "danger" } else { "secondary" };
                    html!{ <button class={class} id={format!("status-{}", s.as_str())} {onclick}>{ tr_with("leads.move_to", [("status", status_label(s))]) }</button> }
                }) }
            </div>
            { if *asking_reason {
                let reason_input = {
                    let reason = reason.clone();
                    Callback::from(move |e: InputEvent| reason.set(e.target_unchecked_into::<HtmlInputElement>().value()))
                };
                let confirm = {
                    let (apply, reason) = (apply.clone(), reason.clone());
                    Callback::from(move |e: SubmitEvent| { e.prevent_default(); apply.emit((LeadStatus::Disqualified, Some((*reason).clone()))) })
                };
                html! {
                    <form class="field" onsubmit={confirm}>
                        <label for="disqualify-reason">{ tr("leads.reason") }</label>
                        <input id="disqualify-reason" name="reason" value={(*reason).clone()} oninput={reason_input} autofocus=true />
                        <div class="actions"><button type="submit" class="danger">{ tr("leads.confirm_disqualify") }</button></div>
                    </form>
                }
            } else { html!{} } }

            <super::calls::ContactPanel entity_type={banco::model::EntityType::Lead} entity_id={d.lead.id} phone={d.person.phone.clone()} email={d.person.email.clone()} />
            { (!d.attributions.is_empty()).then(|| html! { <Touches attributions={d.attributions.clone()} /> }) }
            <h2>{ tr("leads.deals") }</h2>
            <ul id="lead-deals">{ for d.deals.iter().map(|(_, title)| html! { <li>{ title }</li> }) }</ul>
            { (d.lead.status != LeadStatus::Disqualified).then(|| {
                let reload = {
                    let (detail, on_change) = (detail.clone(), props.on_change.clone());
                    let id = d.lead.id;
                    Callback::from(move |_: ()| {
                        let (detail, on_change) = (detail.clone(), on_change.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            if let Some(d) = api::shown(api::lead_detail(id).await) {
                                detail.set(Some(d));
                            }
                            on_change.emit(());
                        });
                    })
                };
                html! { <ConvertToDeal lead_id={d.lead.id} campaign_pipeline={None::<Uuid>} on_done={reload} /> }
            }) }

            <crate::widgets::custom_fields::CustomPanel entity_type={banco::model::EntityType::Lead} id={d.lead.id} />
            <h2>{ tr("leads.notes") }</h2>
            <form onsubmit={add_note} class="field">
                <textarea name="body" rows="2" value={(*note).clone()}
                    oninput={{ let note = note.clone(); Callback::from(move |e: InputEvent| note.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
                <div class="actions"><button type="submit" class="secondary">{ tr("leads.add_note") }</button></div>
            </form>
            <ul class="timeline">
                { for d.notes.iter().map(|n| html!{ <li><span class="when">{ format!("{} · {}", local_time(&n.created_at), n.author_name.clone().unwrap_or_default()) }</span><br/>{ Html::from_html_unchecked(AttrValue::from(n.html.clone())) }</li> }) }
            </ul>

            <h2>{ tr("leads.consents") }</h2>
            <table>
                <tbody>
                    { for d.consents.iter().map(|c| html!{
                        <tr>
                            <td>{ tr(&format!("consent.{}", c.kind.as_str())) }</td>
                            <td>{ if c.granted { tr("consent.granted") } else { tr("consent.refused") } }</td>
                            <td class="hint">{ format!("v{} · {}", c.text_version, local_time(&c.recorded_at)) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>

            <h2>{ tr("leads.history") }</h2>
            <ul class="timeline" id="lead-history">
                { for d.history.iter().map(|e| {
                    let what = match (e.from_status, e.to_status) {
                        (Some(f), Some(t)) => tr_with("history.status_changed", [("from", status_label(f)), ("to", status_label(t))]),
                        _ => tr(&format!("history.{}", e.kind.as_str())),
                    };
                    html!{ <li><span class="when">{ format!("{} · {}", local_time(&e.at), e.user_name.clone().unwrap_or_default()) }</span><br/>
                        { what }{ e.detail.as_ref().map(|d| format!(" — {}", crate::format::event_detail(e.kind.as_str(), d))) }</li> }
                }) }
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ConvertProps {
    lead_id: Uuid,
    campaign_pipeline: Option<Uuid>,
    on_done: Callback<()>,
}

/// "Convert to deal" by hand (always there), with what the conversion rules
/// would do when the lead is qualified.
#[function_component(ConvertToDeal)]
fn convert_to_deal(props: &ConvertProps) -> Html {
    let pipelines = use_state(Vec::<banco::model::Pipeline>::new);
    let preview = use_state(|| None::<banco::model::RulePreview>);
    let chosen = use_state(|| props.campaign_pipeline);
    let error = use_state(|| None::<String>);
    {
        let (pipelines, preview, chosen) = (pipelines.clone(), preview.clone(), chosen.clone());
        let lead = props.lead_id;
        use_effect_with(lead, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(p) = api::shown(api::list_pipelines().await) {
                    if chosen.is_none() {
                        chosen.set(p.iter().find(|p| !p.archived).map(|p| p.id));
                    }
                    pipelines.set(p);
                }
                if let Some(r) =
                    api::shown(api::preview_rules(lead, banco::model::RuleTrigger::Qualified).await)
                {
                    preview.set(Some(r));
                }
            });
        });
    }
    let convert = {
        let (chosen, error, on_done) = (chosen.clone(), error.clone(), props.on_done.clone());
        let lead = props.lead_id;
        Callback::from(move |_| {
            let new = banco::model::NewDeal {
                lead_id: Some(lead),
                pipeline_id: *chosen,
                ..Default::default()
            };
            let (error, on_done) = (error.clone(), on_done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::create_deal(&new).await {
                    Ok(_) => {
                        error.set(None);
                        on_done.emit(());
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let on_pipeline = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            chosen
                .set(Uuid::parse_str(&e.target_unchecked_into::<HtmlSelectElement>().value()).ok())
        })
    };
    html! {
        <div class="convert">
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
            { preview.as_ref().map(|p| html! {
                <div class="hint" id="rule-preview">
                    <p>{ match (&p.pipeline_name, &p.owner_name) {
                        (Some(pipe), owner) => tr_with("leads.rule_would_fire", [("pipeline", pipe.clone()), ("owner", owner.clone().unwrap_or_default())]),
                        _ => tr("leads.no_rule_fires"),
                    } }</p>
                    { (!p.verdicts.is_empty()).then(|| html! {
                        <ul>{ for p.verdicts.iter().map(|(_, name, verdict)| {
                            let key = serde_json::to_value(verdict).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                            html! { <li>{ format!("{name}: {}", tr(&format!("verdict.{key}"))) }</li> }
                        }) }</ul>
                    }) }
                </div>
            }) }
            <label>{ tr("deals.pipeline") }
                <select id="convert-pipeline" onchange={on_pipeline}>
                    { for pipelines.iter().filter(|p| !p.archived).map(|p| html! {
                        <option value={p.id.to_string()} selected={Some(p.id) == *chosen}>{ &p.name }</option>
                    }) }
                </select>
            </label>
            <button id="lead-convert" class="secondary" onclick={convert}>{ tr("leads.convert") }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct TouchesProps {
    attributions: Vec<banco::model::Attribution>,
}

/// The lead's marketing touches: the first, then the later ones.
#[function_component(Touches)]
fn touches(props: &TouchesProps) -> Html {
    let campaigns = use_state(Vec::<banco::model::Campaign>::new);
    {
        let campaigns = campaigns.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(c) = api::shown(api::list_campaigns().await) {
                    campaigns.set(c);
                }
            });
        });
    }
    html! {
        <>
            <h2>{ tr("leads.touches") }</h2>
            <ul class="timeline" id="lead-touches">
                { for props.attributions.iter().enumerate().map(|(i, a)| {
                    let campaign = a.campaign_id.and_then(|id| campaigns.iter().find(|c| c.id == id)).map(|c| c.name.clone());
                    let utm = [&a.utm.source, &a.utm.medium, &a.utm.campaign].iter().filter_map(|x| x.as_deref()).collect::<Vec<_>>().join(" / ");
                    html! {
                        <li>
                            <span class="when">{ format!("{} · {}", local_time(&a.at), if i == 0 { tr("leads.first_touch") } else { tr("leads.later_touch") }) }</span><br/>
                            { tr(&format!("source.{}", a.source_channel.as_str())) }
                            { campaign.map(|c| format!(" · {c}")) }
                            { (!utm.is_empty()).then(|| format!(" · utm {utm}")) }
                        </li>
                    }
                }) }
            </ul>
        </>
    }
}
