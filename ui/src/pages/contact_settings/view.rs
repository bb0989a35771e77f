//! The contact settings screen: dialling scheme, the store's rules, the do-not-call list.

use banco::model::{ContactSettings, DialScheme, QuietHours};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::cadences::CampaignCadences;
use super::inputs::{count, hm, parse_hm, text_input};
use super::meeting_server::MeetingServerSettings;
use super::playbooks::StagePlaybooks;
use crate::api;
use crate::i18n::{error_text, tr};

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
    let dnc_phone = use_state(String::new);
    let dnc_reason = use_state(String::new);
    let fill = {
        let (settings, tz, quiet_start, quiet_end, cap, sla) = (
            settings.clone(),
            tz.clone(),
            quiet_start.clone(),
            quiet_end.clone(),
            cap.clone(),
            sla.clone(),
        );
        Callback::from(move |s: ContactSettings| {
            tz.set(s.time_zone.clone());
            quiet_start.set(hm(s.quiet_hours.map(|q| q.start)));
            quiet_end.set(hm(s.quiet_hours.map(|q| q.end)));
            cap.set(s.daily_cap.map(|c| c.to_string()).unwrap_or_default());
            sla.set(s.lead_sla_hours.map(|c| c.to_string()).unwrap_or_default());
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
        let (fill, message, settings) = (fill.clone(), message.clone(), settings.clone());
        let (tz, quiet_start, quiet_end, cap, sla) = (
            tz.clone(),
            quiet_start.clone(),
            quiet_end.clone(),
            cap.clone(),
            sla.clone(),
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
            // The meeting server is saved in its own section: kept as loaded.
            let loaded = (*settings).clone().unwrap_or_default();
            let s = ContactSettings {
                time_zone: (*tz).clone(),
                quiet_hours,
                daily_cap: count(&cap),
                lead_sla_hours: count(&sla),
                meeting_domain: loaded.meeting_domain,
                meeting_access: loaded.meeting_access,
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
                    <label class="field">{ tr("contact_settings.quiet_start") }<input id="policy-quiet-start" placeholder="21:00" value={(*quiet_start).clone()} oninput={text_input(&quiet_start)} /></label>
                    <label class="field">{ tr("contact_settings.quiet_end") }<input id="policy-quiet-end" placeholder="09:00" value={(*quiet_end).clone()} oninput={text_input(&quiet_end)} /></label>
                    <label class="field">{ tr("field.daily_cap") }<input id="policy-cap" type="number" min="1" value={(*cap).clone()} oninput={text_input(&cap)} /></label>
                    <label class="field">{ tr("field.lead_sla_hours") }<input id="policy-sla" type="number" min="1" value={(*sla).clone()} oninput={text_input(&sla)} /></label>
                </div>
                <p class="hint">{ tr("contact_settings.policy_hint") }</p>
                <div class="actions"><button type="submit" class="primary" id="policy-save">{ tr("contact_settings.save") }</button></div>
            </form>
            <MeetingServerSettings settings={(*settings).clone()} on_saved={fill.clone()} />
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
