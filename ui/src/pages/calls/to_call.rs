//! The "to call" queue: call-backs due and deals and leads past their SLA.

use banco::model::QueueItem;
use chrono::Utc;
use yew::prelude::*;

use super::call_button::CallButton;
use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};
use crate::Shared;

/// The "to call" screen: leads and deals whose SLA is running out or has
/// passed, and due call-backs, most urgent first, with the reason.
#[function_component(ToCall)]
pub fn to_call() -> Html {
    let shared = use_context::<Shared>();
    let version = shared.as_ref().map(|s| s.data_version).unwrap_or(0);
    let items = use_state(|| None::<Vec<QueueItem>>);
    let error = use_state(|| None::<String>);
    // Changes in quick succession: an answer older than the newest asked
    // for is dropped.
    let latest = crate::widgets::latest::use_latest();
    let reload = {
        let (items, error) = (items.clone(), error.clone());
        Callback::from(move |_: ()| {
            let (items, error) = (items.clone(), error.clone());
            let current = latest.ask();
            wasm_bindgen_futures::spawn_local(async move {
                match api::call_queue().await {
                    Ok(q) if current() => items.set(Some(q)),
                    Ok(_) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(version, move |_| reload.emit(()));
    }
    let now = Utc::now();
    html! {
        <div class="card">
            <h2>{ tr("queue.title") }</h2>
            <p class="hint">{ tr("queue.hint") }</p>
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            { match &*items {
                None => html! { <p>{ tr("app.loading") }</p> },
                Some(q) if q.is_empty() => html! { <p class="hint" id="queue-empty">{ tr("queue.empty") }</p> },
                Some(q) => html! {
                    <table id="call-queue">
                        <thead><tr><th>{ tr("queue.reason") }</th><th>{ tr("queue.record") }</th><th>{ tr("queue.stage") }</th><th>{ tr("queue.deadline") }</th><th>{ tr("queue.attempts") }</th><th></th></tr></thead>
                        <tbody>
                            { for q.iter().map(|i| {
                                let hours = (i.deadline - now).num_minutes();
                                let when = if hours < 0 {
                                    tr_with("queue.late_by", [("time", duration_text(-hours))])
                                } else {
                                    tr_with("queue.due_in", [("time", duration_text(hours))])
                                };
                                let open = shared.as_ref().map(|s| s.open_record.clone());
                                let (kind, id) = (i.entity_type, i.entity_id);
                                html! {
                                    <tr data-reason={i.reason.as_str()}>
                                        <td><span class={classes!("pill", i.reason.as_str())}>{ tr(&format!("queue.reason.{}", i.reason.as_str())) }</span></td>
                                        <td><button class="link" onclick={Callback::from(move |_| if let Some(o) = &open { o.emit((kind, id)) })}>{ &i.title }</button>
                                            <span class="hint">{ format!(" · {}", tr(&format!("entity.{}", i.entity_type.as_str()))) }</span></td>
                                        <td>{ &i.stage }</td>
                                        <td>{ local_time(&i.deadline) }<br/><span class="hint">{ when }</span></td>
                                        <td>{ i.attempts }</td>
                                        <td>
                                            { i.phone.as_ref().map(|_| html! { <CallButton entity_type={i.entity_type} entity_id={i.entity_id} phone={i.phone.clone()} id={format!("queue-call-{}", i.entity_id)} /> }) }
                                            { i.task_id.map(|r| {
                                                let reload = reload.clone();
                                                html! { <button class="secondary" onclick={Callback::from(move |_| {
                                                    let reload = reload.clone();
                                                    wasm_bindgen_futures::spawn_local(async move {
                                                        api::shown(api::set_task_done(r, true).await);
                                                        reload.emit(());
                                                    });
                                                })}>{ tr("queue.done") }</button> }
                                            }) }
                                        </td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                },
            } }
        </div>
    }
}

/// "2 h 05 min" / "45 min".
pub fn duration_text(minutes: i64) -> String {
    if minutes >= 60 {
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}
