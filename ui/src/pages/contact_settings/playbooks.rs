//! Each stage's playbook: allowed channels, attempts per day, SLA, quiet hours.

use banco::model::{ContactChannel, Pipeline, QuietHours, StagePlaybook};
use uuid::Uuid;
use yew::prelude::*;

use super::inputs::{count, hm, parse_hm, text_input};
use crate::api;
use crate::i18n::{error_text, tr};

/// Each stage's playbook: SLA hours, attempts per day, allowed channels,
/// quiet hours.
#[function_component(StagePlaybooks)]
pub fn stage_playbooks() -> Html {
    let pipelines = use_state(Vec::<Pipeline>::new);
    let playbooks = use_state(Vec::<(Uuid, StagePlaybook)>::new);
    let message = use_state(|| None::<String>);
    {
        let (pipelines, playbooks) = (pipelines.clone(), playbooks.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(p) = api::shown(api::list_pipelines().await) {
                    pipelines.set(p.into_iter().filter(|p| !p.archived).collect());
                }
                if let Some(p) = api::shown(api::stage_playbooks().await) {
                    playbooks.set(p);
                }
            });
        });
    }
    let save = {
        let (playbooks, message) = (playbooks.clone(), message.clone());
        Callback::from(move |(stage, p): (Uuid, StagePlaybook)| {
            let (playbooks, message) = (playbooks.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_stage_playbook(stage, &p).await {
                    Ok(all) => {
                        playbooks.set(all);
                        message.set(Some(tr("settings.saved")));
                    }
                    Err(e) => message.set(Some(error_text(&e))),
                }
            });
        })
    };
    html! {
        <>
            <h3>{ tr("contact_settings.playbooks") }</h3>
            <p class="hint">{ tr("contact_settings.playbooks_hint") }</p>
            { message.as_ref().map(|m| html!{ <p class="hint" id="playbook-message">{ m }</p> }) }
            <table id="stage-playbooks">
                <thead><tr><th>{ tr("contact_settings.stage") }</th><th>{ tr("field.sla_hours") }</th><th>{ tr("field.max_attempts_per_day") }</th><th>{ tr("contact_settings.channels") }</th><th>{ tr("contact_settings.quiet") }</th><th></th></tr></thead>
                <tbody>
                    { for pipelines.iter().flat_map(|p| p.stages.iter().filter(|s| !s.archived).map(move |s| (p.name.clone(), s.clone()))).map(|(pname, stage)| {
                        let current = playbooks.iter().find(|(id, _)| *id == stage.id).map(|(_, p)| p.clone()).unwrap_or_default();
                        html! { <PlaybookRow key={stage.id.to_string()} stage={stage.id} name={format!("{pname} · {}", stage.name)} playbook={current} on_save={save.clone()} /> }
                    }) }
                </tbody>
            </table>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct PlaybookRowProps {
    pub stage: Uuid,
    pub name: String,
    pub playbook: StagePlaybook,
    pub on_save: Callback<(Uuid, StagePlaybook)>,
}

#[function_component(PlaybookRow)]
pub fn playbook_row(props: &PlaybookRowProps) -> Html {
    let p = &props.playbook;
    let sla = use_state(|| p.sla_hours.map(|v| v.to_string()).unwrap_or_default());
    let attempts = use_state(|| {
        p.max_attempts_per_day
            .map(|v| v.to_string())
            .unwrap_or_default()
    });
    let channels = use_state(|| p.allowed_channels.clone());
    let quiet = use_state(|| {
        p.quiet_hours
            .map(|q| format!("{}-{}", hm(Some(q.start)), hm(Some(q.end))))
            .unwrap_or_default()
    });
    let save = {
        let (sla, attempts, channels, quiet, on_save, stage) = (
            sla.clone(),
            attempts.clone(),
            channels.clone(),
            quiet.clone(),
            props.on_save.clone(),
            props.stage,
        );
        Callback::from(move |_| {
            let quiet_hours = quiet.split_once('-').and_then(|(a, b)| {
                Some(QuietHours {
                    start: parse_hm(a)?,
                    end: parse_hm(b)?,
                })
            });
            on_save.emit((
                stage,
                StagePlaybook {
                    allowed_channels: (*channels).clone(),
                    max_attempts_per_day: count(&attempts),
                    sla_hours: count(&sla),
                    quiet_hours,
                },
            ))
        })
    };
    let slug = props.stage.simple().to_string();
    html! {
        <tr>
            <td>{ &props.name }</td>
            <td><input class="playbook-sla" id={format!("sla-{slug}")} type="number" min="1" size="4" value={(*sla).clone()} oninput={text_input(&sla)} /></td>
            <td><input type="number" min="1" size="3" value={(*attempts).clone()} oninput={text_input(&attempts)} /></td>
            <td class="checks">{ for ContactChannel::ALL.iter().map(|ch| {
                let (state, ch) = (channels.clone(), *ch);
                let on = channels.contains(&ch);
                html! { <label><input type="checkbox" checked={on} onchange={Callback::from(move |_| {
                    let mut next = (*state).clone();
                    if on { next.retain(|c| *c != ch) } else { next.push(ch) }
                    state.set(next)
                })} />{ tr(&format!("channel.{}", ch.as_str())) }</label> }
            }) }</td>
            <td><input placeholder="13:00-14:30" size="11" value={(*quiet).clone()} oninput={text_input(&quiet)} /></td>
            <td><button class="secondary" id={format!("save-playbook-{slug}")} onclick={save}>{ tr("contact_settings.save") }</button></td>
        </tr>
    }
}
