//! The meeting server section of Settings (issue 19): where meetings run,
//! how the server admits people (no token, a self-hosted Jitsi with a
//! shared secret or a key pair, JaaS), how the customer gets in, and this
//! computer's key for it (kept in the OS keychain, never shown again).

use banco::model::{ContactSettings, GuestAccess, MeetingAccess, MeetingAuth, MeetingKeyStatus};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::inputs::text_input;
use crate::api;
use crate::i18n::{error_text, tr};

/// The section's inputs: the tenant's settings as loaded, and who gets
/// them back once saved (the rest of Settings keeps them).
#[derive(Properties, PartialEq)]
pub struct MeetingServerProps {
    /// The tenant's contact settings (meeting server included).
    pub settings: Option<ContactSettings>,
    /// Called with the settings as saved.
    pub on_saved: Callback<ContactSettings>,
}

/// Settings → meeting server.
#[function_component(MeetingServerSettings)]
pub fn meeting_server_settings(props: &MeetingServerProps) -> Html {
    let domain = use_state(String::new);
    let auth = use_state(|| MeetingAuth::Open);
    let app_id = use_state(String::new);
    let key_id = use_state(String::new);
    let guests = use_state(|| GuestAccess::Lobby);
    let key = use_state(String::new);
    let status = use_state(MeetingKeyStatus::default);
    let message = use_state(|| None::<(bool, String)>);
    {
        let (domain, auth, app_id, key_id, guests, status) = (
            domain.clone(),
            auth.clone(),
            app_id.clone(),
            key_id.clone(),
            guests.clone(),
            status.clone(),
        );
        use_effect_with(props.settings.clone(), move |s| {
            if let Some(s) = s {
                domain.set(s.meeting_domain.clone());
                auth.set(s.meeting_access.auth);
                app_id.set(s.meeting_access.app_id.clone());
                key_id.set(s.meeting_access.key_id.clone());
                guests.set(s.meeting_access.guests);
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(k) = api::shown(api::meeting_key_status().await) {
                        status.set(k);
                    }
                });
            }
        });
    }
    let save = {
        let (settings, on_saved, message) = (
            props.settings.clone(),
            props.on_saved.clone(),
            message.clone(),
        );
        let (domain, auth, app_id, key_id, guests) = (
            domain.clone(),
            auth.clone(),
            app_id.clone(),
            key_id.clone(),
            guests.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(mut s) = settings.clone() else {
                return;
            };
            s.meeting_domain = (*domain).clone();
            s.meeting_access = MeetingAccess {
                auth: *auth,
                app_id: (*app_id).clone(),
                key_id: (*key_id).clone(),
                guests: *guests,
            };
            let (on_saved, message) = (on_saved.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_contact_settings(&s).await {
                    Ok(s) => {
                        on_saved.emit(s);
                        message.set(Some((true, tr("settings.saved"))));
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let key_action = |forget: bool| {
        let (key, status, message) = (key.clone(), status.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let (key, status, message) = (key.clone(), status.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let done = if forget {
                    api::forget_meeting_key().await
                } else {
                    api::save_meeting_key(&key).await
                };
                match done {
                    Ok(s) => {
                        status.set(s);
                        key.set(String::new());
                        message.set(Some((true, tr("settings.saved"))));
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let on_auth = {
        let auth = auth.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(a) = v.parse::<MeetingAuth>() {
                auth.set(a);
            }
        })
    };
    let on_guests = {
        let guests = guests.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(g) = v.parse::<GuestAccess>() {
                guests.set(g);
            }
        })
    };
    let on_key = {
        let key = key.clone();
        Callback::from(move |e: InputEvent| {
            key.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let tokens = *auth != MeetingAuth::Open;
    let with_key_id = matches!(*auth, MeetingAuth::KeyPair | MeetingAuth::Jaas);
    html! {
        <form id="meeting-server" onsubmit={save}>
            <h3>{ tr("meetings.server_title") }</h3>
            { message.as_ref().map(|(ok, m)| html!{ <div class={classes!("banner", if *ok { "ok" } else { "error" })} id="meeting-server-message">{ m }</div> }) }
            <div class="grid2">
                <label class="field">{ tr("field.meeting_domain") }<input id="policy-domain" value={(*domain).clone()} oninput={text_input(&domain)} /></label>
                <label class="field">{ tr("field.meeting_auth") }
                    <select id="meeting-auth" onchange={on_auth}>
                        { for MeetingAuth::ALL.iter().map(|a| html!{ <option value={a.as_str()} selected={*a == *auth}>{ tr(&format!("meeting_auth.{}", a.as_str())) }</option> }) }
                    </select>
                </label>
                if tokens {
                    <label class="field">{ tr("field.meeting_app_id") }<input id="meeting-app-id" value={(*app_id).clone()} oninput={text_input(&app_id)} /></label>
                }
                if with_key_id {
                    <label class="field">{ tr("field.meeting_key_id") }<input id="meeting-key-id" value={(*key_id).clone()} oninput={text_input(&key_id)} /></label>
                }
                if tokens {
                    <label class="field">{ tr("field.meeting_guests") }
                        <select id="meeting-guests" onchange={on_guests}>
                            { for GuestAccess::ALL.iter().map(|g| html!{ <option value={g.as_str()} selected={*g == *guests}>{ tr(&format!("meeting_guests.{}", g.as_str())) }</option> }) }
                        </select>
                    </label>
                }
            </div>
            <p class="hint">{ tr("meetings.server_hint") }</p>
            <div class="actions"><button type="submit" class="primary" id="meeting-server-save">{ tr("contact_settings.save") }</button></div>
            if status.needed {
                <div id="meeting-key-area">
                    <p id="meeting-key-status" data-kept={status.kept.to_string()}>
                        { tr(if status.kept { "meetings.key_kept" } else { "meetings.key_missing" }) }
                    </p>
                    <label class="field">{ tr("field.meeting_key") }
                        <textarea id="meeting-key" rows="4" autocomplete="off" spellcheck="false" value={(*key).clone()} oninput={on_key}></textarea>
                    </label>
                    <div class="actions">
                        <button type="button" class="secondary" id="meeting-key-save" onclick={key_action(false)}>{ tr("meetings.key_save") }</button>
                        if status.kept {
                            <button type="button" class="link" id="meeting-key-forget" onclick={key_action(true)}>{ tr("meetings.key_forget") }</button>
                        }
                    </div>
                </div>
            }
        </form>
    }
}
