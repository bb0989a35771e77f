//! Each campaign's cadence of contacts.

use banco::model::CampaignCadence;
use uuid::Uuid;
use yew::prelude::*;

use super::inputs::{count, text_input};
use crate::api;
use crate::i18n::{error_text, tr};

/// Each campaign's cadence: least hours between contacts, most per week.
#[function_component(CampaignCadences)]
pub fn campaign_cadences() -> Html {
    let campaigns = use_state(Vec::<banco::model::Campaign>::new);
    let cadences = use_state(Vec::<(Uuid, CampaignCadence)>::new);
    let message = use_state(|| None::<String>);
    {
        let (campaigns, cadences) = (campaigns.clone(), cadences.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(c) = api::shown(api::list_campaigns().await) {
                    campaigns.set(c.into_iter().filter(|c| !c.archived).collect());
                }
                if let Some(c) = api::shown(api::campaign_cadences().await) {
                    cadences.set(c);
                }
            });
        });
    }
    if campaigns.is_empty() {
        return html! {};
    }
    html! {
        <>
            <h3>{ tr("contact_settings.cadences") }</h3>
            { message.as_ref().map(|m| html!{ <p class="hint">{ m }</p> }) }
            <table id="campaign-cadences">
                <thead><tr><th>{ tr("field.campaign") }</th><th>{ tr("field.min_hours_between") }</th><th>{ tr("field.max_per_week") }</th><th></th></tr></thead>
                <tbody>
                    { for campaigns.iter().map(|c| {
                        let current = cadences.iter().find(|(id, _)| *id == c.id).map(|(_, x)| x.clone()).unwrap_or_default();
                        let (cadences, message) = (cadences.clone(), message.clone());
                        html! { <CadenceRow key={c.id.to_string()} campaign={c.id} name={c.name.clone()} cadence={current}
                            on_save={Callback::from(move |(id, cad): (Uuid, CampaignCadence)| {
                                let (cadences, message) = (cadences.clone(), message.clone());
                                wasm_bindgen_futures::spawn_local(async move {
                                    match api::save_campaign_cadence(id, &cad).await {
                                        Ok(all) => { cadences.set(all); message.set(Some(tr("settings.saved"))) }
                                        Err(e) => message.set(Some(error_text(&e))),
                                    }
                                });
                            })} /> }
                    }) }
                </tbody>
            </table>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct CadenceRowProps {
    pub campaign: Uuid,
    pub name: String,
    pub cadence: CampaignCadence,
    pub on_save: Callback<(Uuid, CampaignCadence)>,
}

#[function_component(CadenceRow)]
pub fn cadence_row(props: &CadenceRowProps) -> Html {
    let hours = use_state(|| {
        props
            .cadence
            .min_hours_between
            .map(|v| v.to_string())
            .unwrap_or_default()
    });
    let week = use_state(|| {
        props
            .cadence
            .max_per_week
            .map(|v| v.to_string())
            .unwrap_or_default()
    });
    let save = {
        let (hours, week, on_save, id) = (
            hours.clone(),
            week.clone(),
            props.on_save.clone(),
            props.campaign,
        );
        Callback::from(move |_| {
            on_save.emit((
                id,
                CampaignCadence {
                    min_hours_between: count(&hours),
                    max_per_week: count(&week),
                },
            ))
        })
    };
    html! {
        <tr>
            <td>{ &props.name }</td>
            <td><input type="number" min="1" size="4" value={(*hours).clone()} oninput={text_input(&hours)} /></td>
            <td><input type="number" min="1" size="4" value={(*week).clone()} oninput={text_input(&week)} /></td>
            <td><button class="secondary" onclick={save}>{ tr("contact_settings.save") }</button></td>
        </tr>
    }
}
