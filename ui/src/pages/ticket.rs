//! One ticket (seed 004): kind, priority, SLA, its milestones with their
//! tasks (a box marks each done; the milestone and the ticket close with
//! their last task), a kit's three buttons with what each did, its child
//! tickets, and closing it by hand.

use banco::model::{TaskListItem, TicketDetail, WorkStatus};
use uuid::Uuid;
use yew::prelude::*;

use super::tasks::TaskRows;
use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};

#[derive(Properties, PartialEq)]
pub struct TicketPanelProps {
    pub id: Uuid,
    /// Told after a change (a list refreshes).
    #[prop_or_default]
    pub on_changed: Callback<()>,
}

#[function_component(TicketPanel)]
pub fn ticket_panel(props: &TicketPanelProps) -> Html {
    let detail = use_state(|| None::<TicketDetail>);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let reload = use_state(|| 0u32);
    let shown = use_state(|| props.id);
    {
        let (detail, error) = (detail.clone(), error.clone());
        use_effect_with((*shown, *reload), move |(id, _)| {
            let id = *id;
            wasm_bindgen_futures::spawn_local(async move {
                match api::ticket_detail(id).await {
                    Ok(d) => detail.set(Some(d)),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let changed = {
        let (reload, up) = (reload.clone(), props.on_changed.clone());
        Callback::from(move |_| {
            reload.set(*reload + 1);
            up.emit(())
        })
    };
    let Some(d) = (*detail).clone() else {
        return html! { <section class="ticket" id="ticket-panel">
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
        </section> };
    };
    let k = &d.ticket;
    let id = k.id;
    let step = |step: &'static str, key: &'static str| {
        let (notice, error, changed) = (notice.clone(), error.clone(), changed.clone());
        html! { <button class="secondary" id={format!("kit-{step}")} onclick={Callback::from(move |_| {
            let (notice, error, changed) = (notice.clone(), error.clone(), changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::kit_step(id, step).await {
                    Ok(s) => {
                        error.set(None);
                        notice.set(Some(tr_with(&format!("ticket.kit_done.{step}"), [("created", s.created.to_string()), ("existing", s.existing.to_string())])));
                        changed.emit(());
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })}>{ tr(key) }</button> }
    };
    let close = {
        let (error, changed) = (error.clone(), changed.clone());
        Callback::from(move |_| {
            let (error, changed) = (error.clone(), changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::close_ticket(id).await {
                    Ok(_) => changed.emit(()),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let overdue = k.status == WorkStatus::Open && k.sla_due_at < chrono::Utc::now();
    html! {
        <section class="ticket" id="ticket-panel" data-status={k.status.as_str()}>
            { (*shown != props.id).then(|| html! {
                <button class="link" id="ticket-back" onclick={{ let shown = shown.clone(); let back = props.id; Callback::from(move |_| shown.set(back)) }}>{ tr("ticket.back_to_parent") }</button>
            }) }
            <h3>{ &k.title }{ " " }
                <span class={classes!("badge", if k.status == WorkStatus::Closed { "won" } else { "open" })} id="ticket-status">{ tr(&format!("work_status.{}", k.status.as_str())) }</span>
            </h3>
            <p class="muted">
                { tr(&format!("ticket_kind.{}", k.kind.as_str())) }{ " · " }{ tr(&format!("priority.{}", k.priority.as_str())) }
                { " · " }<span class={classes!(overdue.then_some("late"))} id="ticket-sla">{ tr_with("ticket.sla", [("at", local_time(&k.sla_due_at))]) }</span>
                { d.record_title.as_ref().map(|r| html! { <>{ " · " }{ r }</> }) }
                { d.assignee_name.as_ref().map(|a| html! { <>{ " · " }{ a }</> }) }
            </p>
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
            { notice.as_ref().map(|e| html! { <div class="banner ok" role="status" id="ticket-notice">{ e }</div> }) }
            { for d.milestones.iter().map(|(m, tasks)| {
                let items: Vec<TaskListItem> = tasks.iter().map(|t| TaskListItem { task: t.clone(), assignee_name: None, record_title: None, ticket_title: None, bucket: None }).collect();
                html! {
                    <div class={classes!("milestone", m.status.as_str())} data-milestone={m.name.clone()}>
                        <h4>{ &m.name }{ " " }<span class="badge">{ tr(&format!("work_status.{}", m.status.as_str())) }</span></h4>
                        <TaskRows {items} on_change={changed.clone()} show_record={false} />
                    </div>
                }
            }) }
            { k.kit_id.map(|_| html! {
                <div class="actions" id="kit-buttons">
                    { step("deals", "ticket.kit.deals") }
                    { step("tickets", "ticket.kit.tickets") }
                    { step("activities", "ticket.kit.activities") }
                </div>
            }) }
            { (!d.children.is_empty()).then(|| html! { <>
                <h4>{ tr("ticket.children") }</h4>
                <ul class="children" id="ticket-children">
                    { for d.children.iter().map(|c| {
                        let (shown, cid) = (shown.clone(), c.id);
                        html! { <li><a href="#" onclick={Callback::from(move |e: MouseEvent| { e.prevent_default(); shown.set(cid) })}>{ &c.title }</a>
                            { " " }<span class="badge">{ tr(&format!("work_status.{}", c.status.as_str())) }</span></li> }
                    }) }
                </ul>
            </> }) }
            { (k.status == WorkStatus::Open).then(|| html! {
                <div class="actions"><button class="secondary" id="ticket-close" onclick={close}>{ tr("ticket.close") }</button></div>
            }) }
        </section>
    }
}
