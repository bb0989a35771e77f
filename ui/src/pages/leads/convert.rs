//! Convert a lead to a deal: which rules would open one, or a pipeline picked by hand.

use uuid::Uuid;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, tr, tr_with};

#[derive(Properties, PartialEq)]
pub struct ConvertProps {
    pub lead_id: Uuid,
    pub campaign_pipeline: Option<Uuid>,
    pub on_done: Callback<()>,
}

/// "Convert to deal" by hand (always there), with what the conversion rules
/// would do when the lead is qualified.
#[function_component(ConvertToDeal)]
pub fn convert_to_deal(props: &ConvertProps) -> Html {
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
