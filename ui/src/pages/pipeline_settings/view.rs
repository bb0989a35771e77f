//! The sales process settings: pipelines and lost reasons.

use banco::model::{LostReason, Pipeline};
use yew::prelude::*;

use super::pipeline_card::PipelineCard;
use super::stage_row::input;
use crate::api;
use crate::i18n::{error_text, tr, tr_with};

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
