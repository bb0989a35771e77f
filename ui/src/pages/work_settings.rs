//! Settings of the work after the sale (issue 16, seed 004): workflow
//! templates and commercial kits (admins), and the tasks a pipeline stage
//! gives a deal entering it (managers). Each is edited as lines of text in
//! the formats of [`TemplateMilestone::parse`], [`KitService::parse`] and
//! [`TemplateTask::parse`], the same as the command line's; the core
//! refuses anyone else with a clear error.

use banco::model::{
    FieldError, Kit, KitService, Pipeline, TemplateMilestone, TemplateTask, TicketKind,
    WorkflowTemplate,
};
use uuid::Uuid;
use yew::prelude::*;

use crate::api;
use crate::format::money;
use crate::i18n::{error_text, field_error, field_label, tr, tr_with};
use crate::widgets::form::select_value;
use crate::Shared;

/// The non-empty lines of a text area, each parsed by `parse` with its
/// field name `{field}.{N}`; the first error stops.
fn lines<T>(
    text: &str,
    field: &str,
    parse: impl Fn(&str, &str) -> Result<T, FieldError>,
) -> Result<Vec<T>, FieldError> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| parse(l, &format!("{field}.{i}")))
        .collect()
}

/// A line's error, with its line number (1-based, from the `N` of
/// `{field}.{N}…`).
fn line_error(e: &FieldError) -> String {
    match e
        .field
        .split('.')
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok())
    {
        Some(n) => tr_with(
            "work_settings.line_error",
            [("line", (n + 1).to_string()), ("error", field_error(e))],
        ),
        None => field_error(e),
    }
}

fn text_input(id: &'static str, state: &UseStateHandle<String>) -> Html {
    let s = state.clone();
    html! { <input id={id} type="text" value={(**state).clone()}
    oninput={Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))} /> }
}

fn text_area(id: &'static str, state: &UseStateHandle<String>) -> Html {
    let s = state.clone();
    html! { <textarea id={id} rows="4" value={(**state).clone()}
    oninput={Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value()))} /> }
}

/// What a save said: `(ok, text)`.
type Message = UseStateHandle<Option<(bool, String)>>;

fn report<T>(message: &Message, done: Result<T, banco::ErrorPayload>, ok: String) -> bool {
    match done {
        Ok(_) => {
            message.set(Some((true, ok)));
            true
        }
        Err(e) => {
            message.set(Some((false, error_text(&e))));
            false
        }
    }
}

#[function_component(WorkSettings)]
pub fn work_settings() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let pipelines = use_state(Vec::<Pipeline>::new);
    let templates = use_state(Vec::<WorkflowTemplate>::new);
    let kits = use_state(Vec::<Kit>::new);
    let stage_tasks = use_state(Vec::<(Uuid, Vec<TemplateTask>)>::new);
    let message: Message = use_state(|| None);
    let generation = use_state(|| 0u32);
    {
        let (pipelines, templates, kits, stage_tasks) = (
            pipelines.clone(),
            templates.clone(),
            kits.clone(),
            stage_tasks.clone(),
        );
        use_effect_with(*generation, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(p) = api::shown(api::list_pipelines().await) {
                    pipelines.set(p);
                }
                if let Some(t) = api::shown(api::list_templates().await) {
                    templates.set(t);
                }
                if let Some(k) = api::shown(api::list_kits().await) {
                    kits.set(k);
                }
                if let Some(s) = api::shown(api::stage_tasks().await) {
                    stage_tasks.set(s);
                }
            });
        });
    }
    let reload = {
        let generation = generation.clone();
        move || generation.set(*generation + 1)
    };
    let pipeline_name = |id: Option<Uuid>| {
        id.and_then(|id| pipelines.iter().find(|p| p.id == id))
            .map(|p| p.name.clone())
            .unwrap_or_else(|| tr("work_settings.any_pipeline"))
    };

    // A workflow template.
    let t_name = use_state(String::new);
    let t_kind = use_state(|| TicketKind::Activation);
    let t_pipeline = use_state(String::new);
    let t_text = use_state(String::new);
    let on_template = {
        let (t_name, t_kind, t_pipeline, t_text, message, reload) = (
            t_name.clone(),
            t_kind.clone(),
            t_pipeline.clone(),
            t_text.clone(),
            message.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let milestones = match lines(&t_text, "milestones", TemplateMilestone::parse) {
                Ok(m) => m,
                Err(err) => return message.set(Some((false, line_error(&err)))),
            };
            let (name, kind) = ((*t_name).clone(), *t_kind);
            let pipeline = Uuid::parse_str(&t_pipeline).ok();
            let (message, reload) = (message.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let done = api::save_template(&name, kind, pipeline, milestones).await;
                if report(
                    &message,
                    done,
                    tr_with("work_settings.saved", [("name", name.clone())]),
                ) {
                    reload();
                }
            });
        })
    };
    let edit_template = {
        let (t_name, t_kind, t_pipeline, t_text) = (
            t_name.clone(),
            t_kind.clone(),
            t_pipeline.clone(),
            t_text.clone(),
        );
        move |t: &WorkflowTemplate| {
            let t = t.clone();
            let (t_name, t_kind, t_pipeline, t_text) = (
                t_name.clone(),
                t_kind.clone(),
                t_pipeline.clone(),
                t_text.clone(),
            );
            Callback::from(move |_| {
                t_name.set(t.name.clone());
                t_kind.set(t.ticket_kind);
                t_pipeline.set(t.pipeline_id.map(|p| p.to_string()).unwrap_or_default());
                let text: Vec<String> = t
                    .milestones
                    .iter()
                    .map(TemplateMilestone::to_text)
                    .collect();
                t_text.set(text.join("\n"));
            })
        }
    };

    // A commercial kit.
    let k_name = use_state(String::new);
    let k_text = use_state(String::new);
    let on_kit = {
        let (k_name, k_text, pipelines, message, reload) = (
            k_name.clone(),
            k_text.clone(),
            pipelines.clone(),
            message.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let services = match lines(&k_text, "services", |l, f| {
                KitService::parse(l, f, &pipelines)
            }) {
                Ok(s) => s,
                Err(err) => return message.set(Some((false, line_error(&err)))),
            };
            let name = (*k_name).clone();
            let (message, reload, k_name, k_text) = (
                message.clone(),
                reload.clone(),
                k_name.clone(),
                k_text.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let done = api::save_kit(&name, services).await;
                if report(
                    &message,
                    done,
                    tr_with("work_settings.saved", [("name", name.clone())]),
                ) {
                    k_name.set(String::new());
                    k_text.set(String::new());
                    reload();
                }
            });
        })
    };

    // A stage's tasks.
    let s_stage = use_state(String::new);
    let s_text = use_state(String::new);
    let pick_stage = {
        let (s_stage, s_text, stage_tasks) = (s_stage.clone(), s_text.clone(), stage_tasks.clone());
        Callback::from(move |e: Event| {
            let id = select_value(&e);
            let now = Uuid::parse_str(&id)
                .ok()
                .and_then(|id| stage_tasks.iter().find(|(s, _)| *s == id))
                .map(|(_, t)| {
                    t.iter()
                        .map(TemplateTask::to_text)
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default();
            s_stage.set(id);
            s_text.set(now);
        })
    };
    let on_stage = {
        let (s_stage, s_text, message, reload) = (
            s_stage.clone(),
            s_text.clone(),
            message.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(stage) = Uuid::parse_str(&s_stage) else {
                return message.set(Some((
                    false,
                    field_error(&FieldError::new("stage_id", "required")),
                )));
            };
            let tasks = match lines(&s_text, "tasks", TemplateTask::parse) {
                Ok(t) => t,
                Err(err) => return message.set(Some((false, line_error(&err)))),
            };
            let (message, reload) = (message.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let done = api::save_stage_tasks(stage, tasks).await;
                if report(&message, done, tr("work_settings.stage_saved")) {
                    reload();
                }
            });
        })
    };

    let admin = shared.info.user.role == banco::model::Role::Admin;
    let (currency, lang) = (shared.info.tenant.currency.clone(), shared.lang.clone());
    html! {
        <div class="card" id="work-settings">
            <h2>{ tr("work_settings.title") }</h2>
            { message.as_ref().map(|(ok, text)| html! {
                <div class={classes!("banner", (!ok).then_some("error"))} role={if *ok { "status" } else { "alert" }} id="work-settings-message">{ text }</div>
            }) }
            { admin.then(|| html! { <>
                <h3>{ tr("work_settings.templates") }</h3>
                <table class="list" id="templates-list">
                    <thead><tr><th>{ field_label("name") }</th><th>{ field_label("kind") }</th><th>{ field_label("pipeline_id") }</th><th>{ tr("work_settings.milestones") }</th></tr></thead>
                    <tbody>{ for templates.iter().map(|t| html! {
                        <tr tabindex="0" onclick={edit_template(t)}>
                            <td>{ &t.name }</td>
                            <td>{ tr(&format!("ticket_kind.{}", t.ticket_kind.as_str())) }</td>
                            <td>{ pipeline_name(t.pipeline_id) }</td>
                            <td>{ for t.milestones.iter().map(|m| html! { <div>{ m.to_text() }</div> }) }</td>
                        </tr>
                    }) }</tbody>
                </table>
                <form class="inline-form" id="template-form" onsubmit={on_template}>
                    <label>{ field_label("name") }{ text_input("template-name", &t_name) }</label>
                    <label>{ field_label("kind") }
                        <select id="template-kind" onchange={{ let s = t_kind.clone(); Callback::from(move |e: Event| if let Ok(k) = select_value(&e).parse() { s.set(k) }) }}>
                            { for TicketKind::ALL.iter().map(|k| html! { <option value={k.as_str()} selected={*t_kind == *k}>{ tr(&format!("ticket_kind.{}", k.as_str())) }</option> }) }
                        </select></label>
                    <label>{ field_label("pipeline_id") }
                        <select id="template-pipeline" onchange={{ let s = t_pipeline.clone(); Callback::from(move |e: Event| s.set(select_value(&e))) }}>
                            <option value="" selected={t_pipeline.is_empty()}>{ tr("work_settings.any_pipeline") }</option>
                            { for pipelines.iter().map(|p| html! { <option value={p.id.to_string()} selected={*t_pipeline == p.id.to_string()}>{ &p.name }</option> }) }
                        </select></label>
                    <label class="wide">{ tr("work_settings.milestones") }<span class="hint">{ tr("work_settings.milestones_hint") }</span>{ text_area("template-milestones", &t_text) }</label>
                    <button class="primary" type="submit" id="template-save">{ tr("work_settings.save_template") }</button>
                </form>

                <h3>{ tr("work_settings.kits") }</h3>
                <table class="list" id="kits-list">
                    <thead><tr><th>{ field_label("name") }</th><th>{ tr("work_settings.services") }</th></tr></thead>
                    <tbody>{ for kits.iter().map(|k| html! {
                        <tr>
                            <td>{ &k.name }</td>
                            <td>{ for k.services.iter().map(|s| html! { <div>{ format!("{} · {} · {} + {}/{}", s.product, pipeline_name(Some(s.pipeline_id)),
                                money(s.one_off_minor, &currency, &lang), money(s.monthly_minor, &currency, &lang), tr("work_settings.month")) }</div> }) }</td>
                        </tr>
                    }) }</tbody>
                </table>
                <form class="inline-form" id="kit-form" onsubmit={on_kit}>
                    <label>{ field_label("name") }{ text_input("kit-name", &k_name) }</label>
                    <label class="wide">{ tr("work_settings.services") }<span class="hint">{ tr("work_settings.services_hint") }</span>{ text_area("kit-services", &k_text) }</label>
                    <button class="primary" type="submit" id="kit-save">{ tr("work_settings.save_kit") }</button>
                </form>
            </> }) }

            <h3>{ tr("work_settings.stage_tasks") }</h3>
            <p class="hint">{ tr("work_settings.stage_tasks_hint") }</p>
            <form class="inline-form" id="stage-tasks-form" onsubmit={on_stage}>
                <label>{ tr("work_settings.stage") }
                    <select id="stage-tasks-stage" onchange={pick_stage}>
                        <option value="" selected={s_stage.is_empty()}>{ "—" }</option>
                        { for pipelines.iter().flat_map(|p| p.stages.iter().filter(|s| !s.archived).map(move |s| (p.name.clone(), s))).map(|(p, s)| {
                            let n = stage_tasks.iter().find(|(id, _)| *id == s.id).map(|(_, t)| t.len()).unwrap_or(0);
                            html! { <option value={s.id.to_string()} selected={*s_stage == s.id.to_string()}>{ format!("{p} · {} ({n})", s.name) }</option> }
                        }) }
                    </select></label>
                <label class="wide">{ tr("work_settings.tasks") }<span class="hint">{ tr("work_settings.tasks_hint") }</span>{ text_area("stage-tasks-text", &s_text) }</label>
                <button class="primary" type="submit" id="stage-tasks-save">{ tr("work_settings.save_stage") }</button>
            </form>
        </div>
    }
}
