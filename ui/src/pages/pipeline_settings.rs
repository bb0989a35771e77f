//! Settings of the sales process: pipelines (create, rename, archive), their
//! stages (add, rename, default probability, reorder, archive) and the lost
//! reasons. Store managers and admins; the core refuses others.

use banco::model::{LostReason, Pipeline, PipelineEdit, Stage};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, tr, tr_with};

fn input(r: &NodeRef) -> String {
    r.cast::<HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
struct StageRowProps {
    stage: Stage,
    first: bool,
    last: bool,
    on_edit: Callback<PipelineEdit>,
    on_move: Callback<(Uuid, i32)>,
}

#[function_component(StageRow)]
fn stage_row(p: &StageRowProps) -> Html {
    let name = use_node_ref();
    let prob = use_node_ref();
    let s = &p.stage;
    let save = {
        let (name, prob, on_edit, id) = (name.clone(), prob.clone(), p.on_edit.clone(), s.id);
        Callback::from(move |_| {
            on_edit.emit(PipelineEdit::EditStage {
                stage_id: id,
                name: input(&name),
                probability: input(&prob).trim().parse().unwrap_or(-1),
            })
        })
    };
    let archive = {
        let (on_edit, id, archived) = (p.on_edit.clone(), s.id, s.archived);
        Callback::from(move |_| {
            on_edit.emit(PipelineEdit::ArchiveStage {
                stage_id: id,
                archived: !archived,
            })
        })
    };
    let up = {
        let (on_move, id) = (p.on_move.clone(), s.id);
        Callback::from(move |_| on_move.emit((id, -1)))
    };
    let down = {
        let (on_move, id) = (p.on_move.clone(), s.id);
        Callback::from(move |_| on_move.emit((id, 1)))
    };
    html! {
        <tr class={classes!(s.archived.then_some("archived"))}>
            <td><input ref={name} value={s.name.clone()} aria-label={tr("pipelines.stage_name")} /></td>
            <td><input ref={prob} class="narrow" inputmode="numeric" value={s.probability.to_string()} aria-label={tr("deals.probability")} />{ " %" }</td>
            <td class="row-actions">
                <button class="small" onclick={save}>{ tr("deals.save") }</button>
                <button class="small" disabled={p.first} onclick={up} title={tr("pipelines.up")}>{ "↑" }</button>
                <button class="small" disabled={p.last} onclick={down} title={tr("pipelines.down")}>{ "↓" }</button>
                <button class="small" onclick={archive}>{ if s.archived { tr("pipelines.restore") } else { tr("pipelines.archive") } }</button>
            </td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct PipelineCardProps {
    pipeline: Pipeline,
    on_changed: Callback<Result<(), String>>,
}

#[function_component(PipelineCard)]
fn pipeline_card(p: &PipelineCardProps) -> Html {
    let name = use_node_ref();
    let new_stage = use_node_ref();
    let new_prob = use_node_ref();
    let pipeline = &p.pipeline;
    let edit = {
        let (id, on_changed) = (pipeline.id, p.on_changed.clone());
        Callback::from(move |change: PipelineEdit| {
            let on_changed = on_changed.clone();
            wasm_bindgen_futures::spawn_local(async move {
                on_changed.emit(
                    api::edit_pipeline(id, &change)
                        .await
                        .map(|_| ())
                        .map_err(|e| error_text(&e)),
                );
            });
        })
    };
    let on_move = {
        let (edit, ids) = (
            edit.clone(),
            pipeline.stages.iter().map(|s| s.id).collect::<Vec<_>>(),
        );
        Callback::from(move |(id, delta): (Uuid, i32)| {
            let mut order = ids.clone();
            if let Some(i) = order.iter().position(|x| *x == id) {
                let j = i as i32 + delta;
                if j >= 0 && (j as usize) < order.len() {
                    order.swap(i, j as usize);
                    edit.emit(PipelineEdit::ReorderStages { stage_ids: order });
                }
            }
        })
    };
    let rename = {
        let (edit, name) = (edit.clone(), name.clone());
        Callback::from(move |_| edit.emit(PipelineEdit::Rename { name: input(&name) }))
    };
    let archive = {
        let (edit, archived) = (edit.clone(), pipeline.archived);
        Callback::from(move |_| {
            edit.emit(PipelineEdit::Archive {
                archived: !archived,
            })
        })
    };
    let add_stage = {
        let (edit, new_stage, new_prob) = (edit.clone(), new_stage.clone(), new_prob.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            edit.emit(PipelineEdit::AddStage {
                name: input(&new_stage),
                probability: input(&new_prob).trim().parse().unwrap_or(50),
            });
        })
    };
    let n = pipeline.stages.len();
    html! {
        <div class={classes!("pipeline-card", pipeline.archived.then_some("archived"))} data-pipeline={pipeline.name.clone()}>
            <div class="row-actions">
                <input ref={name} value={pipeline.name.clone()} aria-label={tr("pipelines.name")} />
                <button class="small" onclick={rename}>{ tr("pipelines.rename") }</button>
                <button class="small" onclick={archive}>{ if pipeline.archived { tr("pipelines.restore") } else { tr("pipelines.archive") } }</button>
            </div>
            <table class="list stages">
                <thead><tr><th>{ tr("deals.stage") }</th><th>{ tr("pipelines.default_probability") }</th><th></th></tr></thead>
                <tbody>
                    { for pipeline.stages.iter().enumerate().map(|(i, s)| html! {
                        <StageRow key={s.id.to_string()} stage={s.clone()} first={i == 0} last={i + 1 == n} on_edit={edit.clone()} on_move={on_move.clone()} />
                    }) }
                </tbody>
            </table>
            <form class="row-actions" onsubmit={add_stage}>
                <input ref={new_stage} placeholder={tr("pipelines.stage_name")} />
                <input ref={new_prob} class="narrow" inputmode="numeric" placeholder="50" />
                <button type="submit" class="small">{ tr("pipelines.add_stage") }</button>
            </form>
        </div>
    }
}

#[function_component(PipelineSettings)]
pub fn pipeline_settings() -> Html {
    let pipelines = use_state(Vec::<Pipeline>::new);
    let reasons = use_state(Vec::<LostReason>::new);
    let message = use_state(|| None::<(bool, String)>);
    let generation = use_state(|| 0u32);
    {
        let (pipelines, reasons) = (pipelines.clone(), reasons.clone());
        use_effect_with(*generation, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(p) = api::shown(api::list_pipelines().await) {
                    pipelines.set(p);
                }
                if let Some(r) = api::shown(api::lost_reasons().await) {
                    reasons.set(r);
                }
            });
        });
    }
    let on_changed = {
        let (message, generation) = (message.clone(), generation.clone());
        Callback::from(move |r: Result<(), String>| {
            match r {
                Ok(()) => message.set(Some((true, tr("pipelines.saved")))),
                Err(e) => message.set(Some((false, e))),
            }
            generation.set(generation.wrapping_add(1));
        })
    };
    let new_name = use_node_ref();
    let new_stages = use_node_ref();
    let create = {
        let (new_name, new_stages, on_changed) =
            (new_name.clone(), new_stages.clone(), on_changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // "Visita:20, Firma:70" → [("Visita", 20), ("Firma", 70)]
            let stages: Vec<(String, i64)> = input(&new_stages)
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| match s.rsplit_once(':') {
                    Some((n, p)) => (n.trim().to_string(), p.trim().parse().unwrap_or(-1)),
                    None => (s.to_string(), 50),
                })
                .collect();
            let (name, on_changed) = (input(&new_name), on_changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                on_changed.emit(
                    api::create_pipeline(&name, &stages)
                        .await
                        .map(|_| ())
                        .map_err(|e| error_text(&e)),
                );
            });
        })
    };
    let reason = use_node_ref();
    let add_reason = {
        let (reason, on_changed) = (reason.clone(), on_changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (label, on_changed) = (input(&reason), on_changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                on_changed.emit(
                    api::add_lost_reason(&label)
                        .await
                        .map(|_| ())
                        .map_err(|e| error_text(&e)),
                );
            });
        })
    };
    html! {
        <div class="card" id="pipeline-settings">
            <h2>{ tr("pipelines.title") }</h2>
            { message.as_ref().map(|(ok, m)| html! { <div class={classes!("banner", if *ok { "ok" } else { "error" })} id="pipelines-message">{ m }</div> }) }
            { for pipelines.iter().map(|p| html! { <PipelineCard key={p.id.to_string()} pipeline={p.clone()} on_changed={on_changed.clone()} /> }) }
            <form class="row-actions" onsubmit={create}>
                <input ref={new_name} placeholder={tr("pipelines.name")} id="new-pipeline-name" />
                <input ref={new_stages} placeholder={tr("pipelines.stages_hint")} class="wide" id="new-pipeline-stages" />
                <button type="submit" class="small">{ tr("pipelines.create") }</button>
            </form>
            <h3>{ tr("pipelines.lost_reasons") }</h3>
            <p>{ reasons.iter().filter(|r| !r.archived).map(|r| r.label.clone()).collect::<Vec<_>>().join(" · ") }</p>
            <form class="row-actions" onsubmit={add_reason}>
                <input ref={reason} placeholder={tr("pipelines.reason_label")} />
                <button type="submit" class="small">{ tr("pipelines.add_reason") }</button>
            </form>
            <p class="hint">{ tr_with("pipelines.hint", [("n", pipelines.len().to_string())]) }</p>
        </div>
    }
}
