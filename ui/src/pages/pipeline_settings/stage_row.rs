//! One stage of a pipeline: rename, default probability, reorder, archive.

use banco::model::{PipelineEdit, Stage};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::tr;

pub fn input(r: &NodeRef) -> String {
    r.cast::<HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct StageRowProps {
    pub stage: Stage,
    pub first: bool,
    pub last: bool,
    pub on_edit: Callback<PipelineEdit>,
    pub on_move: Callback<(Uuid, i32)>,
}

#[function_component(StageRow)]
pub fn stage_row(p: &StageRowProps) -> Html {
    let name = use_node_ref();
    let prob = use_node_ref();
    let s = &p.stage;
    crate::widgets::form::use_field_value(&name, s.name.clone());
    crate::widgets::form::use_field_value(&prob, s.probability.to_string());
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
            <td><input ref={name} aria-label={tr("pipelines.stage_name")} /></td>
            <td><input ref={prob} class="narrow" inputmode="numeric" aria-label={tr("deals.probability")} />{ " %" }</td>
            <td class="row-actions">
                <button class="small" onclick={save}>{ tr("deals.save") }</button>
                <button class="small" disabled={p.first} onclick={up} title={tr("pipelines.up")}>{ "↑" }</button>
                <button class="small" disabled={p.last} onclick={down} title={tr("pipelines.down")}>{ "↓" }</button>
                <button class="small" onclick={archive}>{ if s.archived { tr("pipelines.restore") } else { tr("pipelines.archive") } }</button>
            </td>
        </tr>
    }
}
