//! One pipeline with its stages: rename, archive, add a stage.

use banco::model::{Pipeline, PipelineEdit};
use uuid::Uuid;
use yew::prelude::*;

use super::stage_row::{input, StageRow};
use crate::api;
use crate::i18n::{error_text, tr};

#[derive(Properties, PartialEq)]
pub struct PipelineCardProps {
    pub pipeline: Pipeline,
    pub on_changed: Callback<Result<(), String>>,
}

#[function_component(PipelineCard)]
pub fn pipeline_card(p: &PipelineCardProps) -> Html {
    let name = use_node_ref();
    let new_stage = use_node_ref();
    let new_prob = use_node_ref();
    let pipeline = &p.pipeline;
    crate::widgets::form::use_field_value(&name, pipeline.name.clone());
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
                <input ref={name} aria-label={tr("pipelines.name")} />
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
