//! "My tasks" and "My store's tasks" (issue 16): the open tasks in three
//! groups (overdue, today, upcoming), each with a box to mark it done, its
//! record (Enter or a click opens it), its due time and its ticket. Also
//! the task list of a record or a ticket ([`TaskRows`]).

use banco::model::{DueBucket, TaskListItem, TaskQuery, TaskScope, TaskStatus};
use yew::prelude::*;

use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};
use crate::{api, Shared};

#[derive(Properties, PartialEq)]
pub struct TaskRowsProps {
    pub items: Vec<TaskListItem>,
    /// Told after a task was done or reopened.
    pub on_change: Callback<()>,
    /// Whether to show each task's record (not on the record's own page).
    #[prop_or(true)]
    pub show_record: bool,
}

/// Task rows with their done boxes.
#[function_component(TaskRows)]
pub fn task_rows(props: &TaskRowsProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let error = use_state(|| None::<String>);
    html! { <>
        { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
        <ul class="tasks">
            { for props.items.iter().map(|i| {
                let t = &i.task;
                let (id, done) = (t.id, t.status == TaskStatus::Done);
                let toggle = {
                    let (on_change, error) = (props.on_change.clone(), error.clone());
                    Callback::from(move |_: Event| {
                        let (on_change, error) = (on_change.clone(), error.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match api::set_task_done(id, !done).await {
                                Ok(_) => { error.set(None); on_change.emit(()) }
                                Err(e) => error.set(Some(error_text(&e))),
                            }
                        });
                    })
                };
                let (open, kind, record) = (shared.open_record.clone(), t.entity_type, t.entity_id);
                let open_key = open.clone();
                // A call-back logged without a note has no title of its own.
                let title = if t.title.is_empty() { tr("tasks.call_back") } else { t.title.clone() };
                html! {
                    <li class={classes!("task", done.then_some("done"), i.bucket.map(|b| b.as_str()))} data-id={t.id.to_string()}>
                        <label class="check"><input type="checkbox" checked={done} onchange={toggle}
                            aria-label={tr_with("tasks.mark_done", [("title", title.clone())])} />
                            <span class="title">{ title }</span></label>
                        { (t.kind == banco::model::TaskKind::Call).then(|| html! { <span class="pill">{ tr("tasks.call") }</span> }) }
                        <span class="muted">{ t.due_at.map(|d| local_time(&d)).unwrap_or_else(|| tr("tasks.no_due")) }</span>
                        { (props.show_record).then(|| html! {
                            <a href="#" class="record" tabindex="0"
                                onclick={Callback::from(move |e: MouseEvent| { e.prevent_default(); open.emit((kind, record)) })}
                                onkeydown={Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { open_key.emit((kind, record)) })}>
                                { i.record_title.clone().unwrap_or_else(|| tr(&format!("entity.{}", kind.as_str()))) }</a>
                        }) }
                        { i.ticket_title.as_ref().map(|k| html! { <span class="muted">{ format!("· {k}") }</span> }) }
                        { (shared.info.user.role.is_manager() || i.task.assignee_id != Some(shared.info.user.id)).then(|| i.assignee_name.as_ref().map(|a| html! { <span class="muted">{ format!("· {a}") }</span> })).flatten() }
                    </li>
                }
            }) }
        </ul>
    </> }
}

#[function_component(Tasks)]
pub fn tasks() -> Html {
    let scope = use_state(|| TaskScope::Mine);
    let page = use_state(|| None::<banco::model::Page<TaskListItem>>);
    let error = use_state(|| None::<String>);
    let reload = use_state(|| 0u32);
    {
        let (page, error) = (page.clone(), error.clone());
        // A tab switched while a list is on its way: the older one is dropped.
        let latest = crate::widgets::latest::use_latest();
        use_effect_with((*scope, *reload), move |(scope, _)| {
            let q = TaskQuery {
                scope: Some(*scope),
                limit: Some(500),
                ..Default::default()
            };
            let current = latest.ask();
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_tasks(&q).await {
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
    let tab = |s: TaskScope, id: &'static str, key: &'static str| {
        let scope = scope.clone();
        html! { <button id={id} role="tab" aria-selected={(*scope == s).to_string()} class={classes!((*scope == s).then_some("active"))}
        onclick={Callback::from(move |_| scope.set(s))}>{ tr(key) }</button> }
    };
    let on_change = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    html! {
        <div>
            <h1>{ tr("tasks.title") }</h1>
            <div class="tabs" role="tablist">
                { tab(TaskScope::Mine, "tasks-mine", "tasks.mine") }
                { tab(TaskScope::Store, "tasks-store", "tasks.store") }
            </div>
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
            { page.as_ref().map(|p| html! { <div id="tasks-list">
                { if p.items.is_empty() { html! { <p class="hint" id="tasks-empty">{ tr("tasks.none") }</p> } } else { html! {} } }
                { for DueBucket::ALL.iter().map(|b| {
                    let items: Vec<TaskListItem> = p.items.iter().filter(|i| i.bucket == Some(*b)).cloned().collect();
                    if items.is_empty() { html! {} } else { html! {
                        <section class={classes!("task-group", b.as_str())} id={format!("tasks-{}", b.as_str())}>
                            <h3>{ tr(&format!("tasks.bucket.{}", b.as_str())) }{ format!(" ({})", items.len()) }</h3>
                            <TaskRows {items} on_change={on_change.clone()} />
                        </section>
                    } }
                }) }
            </div> }) }
        </div>
    }
}
