//! A record's "After the sale" section (issue 16): a person's or company's
//! contracts (one opens beside; a deal shows its own contract above), the
//! record's tickets (a deal's: also those working it or its contract; one
//! opens beside) and a form to open one (kind, priority, template, kit),
//! its open tasks and a form to add one.

use banco::model::{
    ContractFilter, ContractListItem, EntityType, Kit, NewTask, NewTicket, Page, TaskListItem,
    TaskQuery, TicketKind, TicketListItem, TicketPriority, TicketQuery, WorkflowTemplate,
};
use uuid::Uuid;
use yew::prelude::*;

use crate::api;
use crate::format::{local_input_to_utc, local_time};
use crate::i18n::{error_text, field_label, tr};
use crate::pages::contract::ContractPanel;
use crate::pages::tasks::TaskRows;
use crate::pages::ticket::TicketPanel;
use crate::widgets::form::{error_for, field_errors, select_value};

#[derive(Properties, PartialEq)]
pub struct AfterSaleProps {
    pub entity_type: EntityType,
    pub entity_id: Uuid,
}

/// What is open beside the lists.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Contract(Uuid),
    Ticket(Uuid),
}

#[function_component(AfterSalePanel)]
pub fn after_sale_panel(props: &AfterSaleProps) -> Html {
    let (kind, id) = (props.entity_type, props.entity_id);
    let contracts = use_state(|| None::<Page<ContractListItem>>);
    let tickets = use_state(|| None::<Page<TicketListItem>>);
    let tasks = use_state(|| None::<Page<TaskListItem>>);
    let templates = use_state(Vec::<WorkflowTemplate>::new);
    let kits = use_state(Vec::<Kit>::new);
    let open = use_state(|| None::<Open>);
    let error = use_state(|| None::<String>);
    let errors = use_state(Vec::new);
    let reload = use_state(|| 0u32);
    let ticket_kind = use_state(|| TicketKind::Activation);
    let priority = use_state(|| TicketPriority::Normal);
    let template = use_state(String::new);
    let kit = use_state(String::new);
    let task_title = use_state(String::new);
    let task_due = use_state(String::new);
    let version = use_context::<crate::Shared>()
        .map(|s| s.data_version)
        .unwrap_or(0);
    {
        let (contracts, tickets, tasks, templates, kits, error) = (
            contracts.clone(),
            tickets.clone(),
            tasks.clone(),
            templates.clone(),
            kits.clone(),
            error.clone(),
        );
        use_effect_with((id, *reload, version), move |(id, _, _)| {
            let id = *id;
            let customer = matches!(kind, EntityType::Person | EntityType::Company);
            let filter = ContractFilter {
                person_id: (kind == EntityType::Person).then_some(id),
                company_id: (kind == EntityType::Company).then_some(id),
                limit: Some(100),
                ..Default::default()
            };
            wasm_bindgen_futures::spawn_local(async move {
                let t = TicketQuery {
                    include_closed: true,
                    entity_id: (kind != EntityType::Deal).then_some(id),
                    deal_id: (kind == EntityType::Deal).then_some(id),
                    limit: Some(100),
                    ..Default::default()
                };
                let q = TaskQuery {
                    entity_id: Some(id),
                    limit: Some(200),
                    ..Default::default()
                };
                let contracts_of = async {
                    if customer {
                        api::list_contracts(&filter).await
                    } else {
                        Ok(Page {
                            items: Vec::new(),
                            total: 0,
                            offset: 0,
                        })
                    }
                };
                match (
                    contracts_of.await,
                    api::list_tickets(&t).await,
                    api::list_tasks(&q).await,
                ) {
                    (Ok(c), Ok(k), Ok(ts)) => {
                        contracts.set(Some(c));
                        tickets.set(Some(k));
                        tasks.set(Some(ts));
                    }
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                        error.set(Some(error_text(&e)))
                    }
                }
                if let Ok(t) = api::list_templates().await {
                    templates.set(t);
                }
                if let Ok(k) = api::list_kits().await {
                    kits.set(k);
                }
            });
        });
    }
    let bump = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let on_open_ticket = {
        let (ticket_kind, priority, template, kit, open, error, errors, bump) = (
            ticket_kind.clone(),
            priority.clone(),
            template.clone(),
            kit.clone(),
            open.clone(),
            error.clone(),
            errors.clone(),
            bump.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let new = NewTicket {
                kind: Some(*ticket_kind),
                priority: Some(*priority),
                entity_type: Some(kind),
                entity_id: Some(id),
                template: Some((*template).clone()).filter(|t| !t.is_empty()),
                kit: Some((*kit).clone()).filter(|k| !k.is_empty()),
                ..Default::default()
            };
            let (open, error, errors, bump) =
                (open.clone(), error.clone(), errors.clone(), bump.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::open_ticket(&new).await {
                    Ok(d) => {
                        error.set(None);
                        errors.set(Vec::new());
                        open.set(Some(Open::Ticket(d.ticket.id)));
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
    let on_add_task = {
        let (task_title, task_due, error, errors, bump) = (
            task_title.clone(),
            task_due.clone(),
            error.clone(),
            errors.clone(),
            bump.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let new = NewTask {
                title: (*task_title).clone(),
                due_at: local_input_to_utc(&task_due),
                entity_type: Some(kind),
                entity_id: Some(id),
                ..Default::default()
            };
            let (task_title, task_due, error, errors, bump) = (
                task_title.clone(),
                task_due.clone(),
                error.clone(),
                errors.clone(),
                bump.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::add_task(&new).await {
                    Ok(_) => {
                        task_title.set(String::new());
                        task_due.set(String::new());
                        error.set(None);
                        errors.set(Vec::new());
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
    let text_input = |id: &'static str, kind: &'static str, state: &UseStateHandle<String>| {
        let s = state.clone();
        html! { <input id={id} type={kind} value={(**state).clone()}
        oninput={Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))} /> }
    };
    html! {
        <div class="after-sale" id="after-sale">
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
            { matches!(kind, EntityType::Person | EntityType::Company).then(|| html! { <h4>{ tr("after_sale.contracts") }</h4> }) }
            { contracts.as_ref().filter(|_| matches!(kind, EntityType::Person | EntityType::Company)).map(|p| if p.items.is_empty() { html! { <p class="hint">{ tr("after_sale.no_contracts") }</p> } } else { html! {
                <table class="list" id="record-contracts">
                    <thead><tr><th>{ tr("contract.offer") }</th><th>{ field_label("kind") }</th><th>{ field_label("status") }</th><th>{ tr("contract.ends_on") }</th></tr></thead>
                    <tbody>{ for p.items.iter().map(|i| {
                        let (open, cid) = (open.clone(), i.contract.id);
                        html! { <tr tabindex="0" onclick={Callback::from(move |_| open.set(Some(Open::Contract(cid))))}>
                            <td>{ &i.contract.offer }</td>
                            <td>{ tr(&format!("service_kind.{}", i.contract.kind.as_str())) }</td>
                            <td><span class={classes!("badge", i.contract.status.as_str())}>{ tr(&format!("contract_status.{}", i.contract.status.as_str())) }</span></td>
                            <td>{ i.contract.ends_on.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default() }</td>
                        </tr> }
                    }) }</tbody>
                </table>
            } }) }
            <h4>{ tr("after_sale.tickets") }</h4>
            { tickets.as_ref().filter(|p| !p.items.is_empty()).map(|p| html! {
                <table class="list" id="record-tickets">
                    <thead><tr><th>{ field_label("title") }</th><th>{ field_label("kind") }</th><th>{ field_label("status") }</th><th>{ tr("after_sale.sla") }</th><th>{ tr("after_sale.open_tasks") }</th></tr></thead>
                    <tbody>{ for p.items.iter().map(|i| {
                        let (open, tid) = (open.clone(), i.ticket.id);
                        html! { <tr tabindex="0" onclick={Callback::from(move |_| open.set(Some(Open::Ticket(tid))))}>
                            <td>{ &i.ticket.title }</td>
                            <td>{ tr(&format!("ticket_kind.{}", i.ticket.kind.as_str())) }</td>
                            <td>{ tr(&format!("work_status.{}", i.ticket.status.as_str())) }</td>
                            <td>{ local_time(&i.ticket.sla_due_at) }</td>
                            <td class="num">{ i.open_tasks }</td>
                        </tr> }
                    }) }</tbody>
                </table>
            }) }
            <form class="inline-form" id="ticket-form" onsubmit={on_open_ticket}>
                <label>{ field_label("kind") }
                    <select id="ticket-kind" onchange={{ let s = ticket_kind.clone(); Callback::from(move |e: Event| if let Ok(k) = select_value(&e).parse() { s.set(k) }) }}>
                        { for TicketKind::ALL.iter().map(|k| html! { <option value={k.as_str()} selected={*ticket_kind == *k}>{ tr(&format!("ticket_kind.{}", k.as_str())) }</option> }) }
                    </select></label>
                <label>{ field_label("priority") }
                    <select id="ticket-priority" onchange={{ let s = priority.clone(); Callback::from(move |e: Event| if let Ok(p) = select_value(&e).parse() { s.set(p) }) }}>
                        { for TicketPriority::ALL.iter().map(|p| html! { <option value={p.as_str()} selected={*priority == *p}>{ tr(&format!("priority.{}", p.as_str())) }</option> }) }
                    </select></label>
                <label>{ field_label("template") }
                    <select id="ticket-template" onchange={{ let s = template.clone(); Callback::from(move |e: Event| s.set(select_value(&e))) }}>
                        <option value="" selected={template.is_empty()}>{ tr("after_sale.template_auto") }</option>
                        { for templates.iter().filter(|t| t.ticket_kind == *ticket_kind).map(|t| html! { <option value={t.name.clone()} selected={*template == t.name}>{ &t.name }</option> }) }
                    </select>{ error_for(&errors, "template") }</label>
                <label>{ field_label("kit") }
                    <select id="ticket-kit" onchange={{ let s = kit.clone(); Callback::from(move |e: Event| s.set(select_value(&e))) }}>
                        <option value="" selected={kit.is_empty()}>{ "—" }</option>
                        { for kits.iter().map(|k| html! { <option value={k.name.clone()} selected={*kit == k.name}>{ &k.name }</option> }) }
                    </select></label>
                <button class="primary" type="submit" id="ticket-open">{ tr("after_sale.open_ticket") }</button>
            </form>
            <h4>{ tr("after_sale.tasks") }</h4>
            { tasks.as_ref().map(|p| html! { <TaskRows items={p.items.clone()} on_change={bump.clone()} show_record={false} /> }) }
            <form class="inline-form" id="task-form" onsubmit={on_add_task}>
                <label>{ field_label("title") }{ text_input("task-title", "text", &task_title) }{ error_for(&errors, "title") }</label>
                <label>{ tr("after_sale.due") }{ text_input("task-due", "datetime-local", &task_due) }</label>
                <button class="secondary" type="submit" id="task-add">{ tr("after_sale.add_task") }</button>
            </form>
            { open.map(|o| html! {
                <aside class="detail" id="after-sale-detail">
                    <button class="close" data-escape="true" onclick={{ let open = open.clone(); Callback::from(move |_| open.set(None)) }}>{ "×" }</button>
                    { match o {
                        Open::Contract(cid) => html! { <ContractPanel key={cid.to_string()} id={cid} on_changed={bump.clone()} /> },
                        Open::Ticket(tid) => html! { <TicketPanel key={tid.to_string()} id={tid} on_changed={bump.clone()} /> },
                    } }
                </aside>
            }) }
        </div>
    }
}
