//! A lead's marketing touches (first to last).

use yew::prelude::*;

use crate::api;
use crate::format::local_time;
use crate::i18n::tr;

#[derive(Properties, PartialEq)]
pub struct TouchesProps {
    pub attributions: Vec<banco::model::Attribution>,
}

/// The lead's marketing touches: the first, then the later ones.
#[function_component(Touches)]
pub fn touches(props: &TouchesProps) -> Html {
    let campaigns = use_state(Vec::<banco::model::Campaign>::new);
    {
        let campaigns = campaigns.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(c) = api::shown(api::list_campaigns().await) {
                    campaigns.set(c);
                }
            });
        });
    }
    html! {
        <>
            <h2>{ tr("leads.touches") }</h2>
            <ul class="timeline" id="lead-touches">
                { for props.attributions.iter().enumerate().map(|(i, a)| {
                    let campaign = a.campaign_id.and_then(|id| campaigns.iter().find(|c| c.id == id)).map(|c| c.name.clone());
                    let utm = [&a.utm.source, &a.utm.medium, &a.utm.campaign].iter().filter_map(|x| x.as_deref()).collect::<Vec<_>>().join(" / ");
                    html! {
                        <li>
                            <span class="when">{ format!("{} · {}", local_time(&a.at), if i == 0 { tr("leads.first_touch") } else { tr("leads.later_touch") }) }</span><br/>
                            { tr(&format!("source.{}", a.source_channel.as_str())) }
                            { campaign.map(|c| format!(" · {c}")) }
                            { (!utm.is_empty()).then(|| format!(" · utm {utm}")) }
                        </li>
                    }
                }) }
            </ul>
        </>
    }
}
