//! Settings of contacts: the user's dialling scheme; the tenant's contact
//! rules (time zone, quiet hours, daily cap, lead SLA, meeting server);
//! the do-not-call list; each stage's playbook and each campaign's cadence.

use banco::model::{
    CampaignCadence, ContactChannel, ContactSettings, DialScheme, Pipeline, QuietHours,
    StagePlaybook,
};
use chrono::NaiveTime;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, tr};

fn parse_hm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

fn hm(t: Option<NaiveTime>) -> String {
    t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
}

fn count(s: &str) -> Option<u32> {
    s.trim().parse().ok()
}

fn text_input(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        state.set(e.target_unchecked_into::<HtmlInputElement>().value())
    })
}

/// The contact-rules section of Settings.
#[function_component(ContactSettingsView)]
pub fn contact_settings_view() -> Html {
    let settings = use_state(|| None::<ContactSettings>);
    let scheme = use_state(|| DialScheme::Tel);
    let message = use_state(|| None::<(bool, String)>);
    let tz = use_state(String::new);
    let quiet_start = use_state(String::new);
    let quiet_end = use_state(String::new);
    let cap = use_state(String::new);
    let sla = use_state(String::new);
    let domain = use_state(String::new);
    let dnc_phone = use_state(String::new);
    let dnc_reason = use_state(String::new);
    let fill = {
        let (settings, tz, quiet_start, quiet_end, cap, sla, domain) = (
            settings.clone(),
            tz.clone(),
            quiet_start.clone(),
            quiet_end.clone(),
            cap.clone(),
            sla.clone(),
            domain.clone(),
        );
        Callback::from(move |s: ContactSettings| {
            tz.set(s.time_zone.clone());
            quiet_start.set(hm(s.quiet_hours.map(|q| q.start)));
            quiet_end.set(hm(s.quiet_hours.map(|q| q.end)));
            cap.set(s.daily_cap.map(|c| c.to_string()).unwrap_or_default());
            sla.set(s.lead_sla_hours.map(|c| c.to_string()).unwrap_or_default());
            domain.set(s.meeting_domain.clone());
            settings.set(Some(s));
        })
    };
    {
        let (fill, scheme, message) = (fill.clone(), scheme.clone(), message.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::contact_settings().await {
                    Ok(s) => fill.emit(s),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
                if let Some(s) = api::shown(api::dial_scheme().await) {
                    scheme.set(s);
                }
            });
        });
    }
    let save = {
        let (fill, message) = (fill.clone(), message.clone());
        let (tz, quiet_start, quiet_end, cap, sla, domain) = (
            tz.clone(),
            quiet_start.clone(),
            quiet_end.clone(),
            cap.clone(),
            sla.clone(),
            domain.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let quiet_hours = match (parse_hm(&quiet_start), parse_hm(&quiet_end)) {
                (Some(start), Some(end)) => Some(QuietHours { start, end }),
                _ if quiet_start.trim().is_empty() && quiet_end.trim().is_empty() => None,
                _ => {
                    message.set(Some((false, tr("contact_settings.bad_quiet"))));
                    return;
                }
            };
            let s = ContactSettings {
                time_zone: (*tz).clone(),
                quiet_hours,
                daily_cap: count(&cap),
                lead_sla_hours: count(&sla),
                meeting_domain: (*domain).clone(),
                do_not_call: Vec::new(),
            };
            let (fill, message) = (fill.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_contact_settings(&s).await {
                    Ok(s) => {
                        fill.emit(s);
                        message.set(Some((true, tr("settings.saved"))));
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let add_dnc = {
        let (fill, message, phone, reason) = (
            fill.clone(),
            message.clone(),
            dnc_phone.clone(),
            dnc_reason.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (fill, message, phone, reason) =
                (fill.clone(), message.clone(), phone.clone(), reason.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::add_do_not_call(&phone, &reason).await {
                    Ok(s) => {
                        fill.emit(s);
                        phone.set(String::new());
                        reason.set(String::new());
                        message.set(None);
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let on_scheme = {
        let (scheme, message) = (scheme.clone(), message.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let Ok(s) = value.parse::<DialScheme>() else {
                return;
            };
            let (scheme, message) = (scheme.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::set_dial_scheme(s).await {
                    Ok(s) => scheme.set(s),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    html! {
        <div class="card" id="contact-settings">
            <h2>{ tr("contact_settings.title") }</h2>
            { message.as_ref().map(|(ok, m)| html!{ <div class={classes!("banner", if *ok { "ok" } else { "error" })} id="contact-settings-message">{ m }</div> }) }
            <div class="field">
                <label for="dial-scheme">{ tr("contact_settings.dial_scheme") }</label>
                <select id="dial-scheme" onchange={on_scheme}>
                    { for DialScheme::ALL.iter().map(|s| html!{ <option value={s.as_str()} selected={*s == *scheme}>{ tr(&format!("dial_scheme.{}", s.as_str())) }</option> }) }
                </select>
            </div>
            <form onsubmit={save} id="contact-policy">
                <h3>{ tr("contact_settings.policy") }</h3>
                <div class="grid2">
                    <label class="field">{ tr("field.time_zone") }<input id="policy-tz" value={(*tz).clone()} oninput={text_input(&tz)} /></label>
                    <label class="field">{ tr("field.meeting_domain") }<input id="policy-domain" value={(*domain).clone()} oninput={text_input(&domain)} /></label>
                    <label class="field">{ tr("contact_settings.quiet_start") }<input id="policy-quiet-start" placeholder="21:00" value={(*quiet_start).clone()} oninput={text_input(&quiet_start)} /></label>
                    <label class="field">{ tr("contact_settings.quiet_end") }<input id="policy-quiet-end" placeholder="09:00" value={(*quiet_end).clone()} oninput={text_input(&quiet_end)} /></label>
                    <label class="field">{ tr("field.daily_cap") }<input id="policy-cap" type="number" min="1" value={(*cap).clone()} oninput={text_input(&cap)} /></label>
                    <label class="field">{ tr("field.lead_sla_hours") }<input id="policy-sla" type="number" min="1" value={(*sla).clone()} oninput={text_input(&sla)} /></label>
                </div>
                <p class="hint">{ tr("contact_settings.policy_hint") }</p>
                <div class="actions"><button type="submit" class="primary" id="policy-save">{ tr("contact_settings.save") }</button></div>
            </form>
            <h3>{ tr("contact_settings.do_not_call") }</h3>
            <ul id="do-not-call">
                { for settings.as_ref().map(|s| s.do_not_call.clone()).unwrap_or_default().into_iter().map(|d| {
                    let (fill, message, phone) = (fill.clone(), message.clone(), d.phone.clone());
                    html! { <li>{ crate::format::phone_display(&Some(d.phone.clone())) }{ d.reason.map(|r| format!(" — {r}")) }{ " " }
                        <button class="link" onclick={Callback::from(move |_| {
                            let (fill, message, phone) = (fill.clone(), message.clone(), phone.clone());
                            wasm_bindgen_futures::spawn_local(async move {
                                match api::remove_do_not_call(&phone).await {
                                    Ok(s) => fill.emit(s),
                                    Err(e) => message.set(Some((false, error_text(&e)))),
                                }
                            });
                        })}>{ tr("contact_settings.remove") }</button></li> }
                }) }
            </ul>
            <form class="actions" onsubmit={add_dnc}>
                <input id="dnc-phone" placeholder={tr("field.phone")} value={(*dnc_phone).clone()} oninput={text_input(&dnc_phone)} />
                <input id="dnc-reason" placeholder={tr("contact_settings.reason")} value={(*dnc_reason).clone()} oninput={text_input(&dnc_reason)} />
                <button type="submit" class="secondary" id="dnc-add">{ tr("contact_settings.add_number") }</button>
            </form>
            <StagePlaybooks />
            <CampaignCadences />
        </div>
    }
}

/// Each stage's playbook: SLA hours, attempts per day, allowed channels,
/// quiet hours.
#[function_component(StagePlaybooks)]
fn stage_playbooks() -> Html {
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
struct PlaybookRowProps {
    stage: Uuid,
    name: String,
    playbook: StagePlaybook,
    on_save: Callback<(Uuid, StagePlaybook)>,
}

#[function_component(PlaybookRow)]
fn playbook_row(props: &PlaybookRowProps) -> Html {
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

/// Each campaign's cadence: least hours between contacts, most per week.
#[function_component(CampaignCadences)]
fn campaign_cadences() -> Html {
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
struct CadenceRowProps {
    campaign: Uuid,
    name: String,
    cadence: CampaignCadence,
    on_save: Callback<(Uuid, CampaignCadence)>,
}

#[function_component(CadenceRow)]
fn cadence_row(props: &CadenceRowProps) -> Html {
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
