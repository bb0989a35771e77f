//! Settings: language, staff (who can be at the counter, their logins and
//! passwords), the desk lock, and where the data lives. Counter staff do
//! not see this screen; the core refuses its writes to them anyway.

use banco::model::{NewUser, Password, Role};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::{error_text, tr, tr_with, LANGUAGES};
use crate::{api, Shared};

#[function_component(Settings)]
pub fn settings() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let name = use_state(String::new);
    let email = use_state(String::new);
    let role = use_state(|| Role::Staff);
    let store = use_state(|| shared.info.user.store_id);
    // An area manager's stores (their home store is `store`).
    let area = use_state(Vec::<Uuid>::new);
    let login = use_state(String::new);
    let password = use_state(String::new);
    let message = use_state(|| None::<(bool, String)>);
    // The user whose password is being set, and the typed login/password.
    let setting = use_state(|| None::<Uuid>);
    let set_login = use_state(String::new);
    let set_password = use_state(String::new);
    let idle = use_state(|| shared.info.tenant.idle_lock_minutes.to_string());

    let on_lang = {
        let set = shared.set_lang.clone();
        Callback::from(move |e: Event| {
            set.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_add = {
        let (name, email, role, store, area, login, password, message, shared) = (
            name.clone(),
            email.clone(),
            role.clone(),
            store.clone(),
            area.clone(),
            login.clone(),
            password.clone(),
            message.clone(),
            shared.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let new = NewUser {
                display_name: (*name).clone(),
                email: (*email).clone(),
                role: *role,
                store_id: *store,
                stores: (*area).clone(),
                login: (*login).clone(),
                password: Password((*password).clone()),
            };
            password.set(String::new());
            let (name, email, login, area, message, shared) = (
                name.clone(),
                email.clone(),
                login.clone(),
                area.clone(),
                message.clone(),
                shared.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::add_user(&new).await {
                    Ok(u) => {
                        message.set(Some((
                            true,
                            tr_with("settings.user_added", [("name", u.display_name)]),
                        )));
                        name.set(String::new());
                        email.set(String::new());
                        login.set(String::new());
                        area.set(Vec::new());
                        if let Some(info) = api::shown(api::app_info().await) {
                            shared.set_info.emit(info);
                        }
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let on_set_password = {
        let (setting, set_login, set_password, message, shared) = (
            setting.clone(),
            set_login.clone(),
            set_password.clone(),
            message.clone(),
            shared.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(user) = *setting else {
                return;
            };
            let (login, pw) = ((*set_login).clone(), Password((*set_password).clone()));
            set_password.set(String::new());
            let (setting, message, shared) = (setting.clone(), message.clone(), shared.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::set_password(user, &login, pw).await {
                    Ok(u) => {
                        setting.set(None);
                        message.set(Some((
                            true,
                            tr_with("settings.password_set", [("name", u.display_name)]),
                        )));
                        if let Some(info) = api::shown(api::app_info().await) {
                            shared.set_info.emit(info);
                        }
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let on_idle = {
        let (idle, message, shared) = (idle.clone(), message.clone(), shared.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let minutes = idle.trim().parse::<u32>().unwrap_or(u32::MAX);
            let (message, shared) = (message.clone(), shared.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::set_idle_lock(minutes).await {
                    Ok(t) => {
                        message.set(Some((
                            true,
                            tr_with(
                                "settings.idle_lock_saved",
                                [("minutes", t.idle_lock_minutes.to_string())],
                            ),
                        )));
                        if let Some(info) = api::shown(api::app_info().await) {
                            shared.set_info.emit(info);
                        }
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let text_input = |id: &str, kind: &str, value: &UseStateHandle<String>| {
        crate::widgets::form::bound_input(id, kind, value, "off")
    };
    let on_forget = {
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let message = message.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::forget_computer().await {
                    Ok(true) => message.set(Some((true, tr("settings.forgotten")))),
                    Ok(false) => message.set(Some((true, tr("settings.nothing_to_forget")))),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    // Deactivating or reactivating a colleague; the staff list reloads.
    let toggle_active = {
        let (message, shared) = (message.clone(), shared.clone());
        move |user: Uuid, active: bool| {
            let (message, shared) = (message.clone(), shared.clone());
            Callback::from(move |_: MouseEvent| {
                let (message, shared) = (message.clone(), shared.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match api::set_user_active(user, active).await {
                        Ok(u) => {
                            let key = if active {
                                "settings.user_reactivated"
                            } else {
                                "settings.user_deactivated"
                            };
                            message.set(Some((true, tr_with(key, [("name", u.display_name)]))));
                            if let Some(info) = api::shown(api::app_info().await) {
                                shared.set_info.emit(info);
                            }
                        }
                        Err(e) => message.set(Some((false, error_text(&e)))),
                    }
                });
            })
        }
    };
    let store_name = |id: Option<Uuid>| {
        id.and_then(|id| shared.info.stores.iter().find(|s| s.id == id))
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    // A user's stores as the staff table shows them: an area manager's
    // whole set, anyone else's one store.
    let stores_of = |u: &banco::model::User| {
        if u.role == Role::AreaManager {
            u.stores
                .iter()
                .map(|s| store_name(Some(*s)))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            store_name(u.store_id)
        }
    };
    html! {
        <div>
            <h1>{ tr("settings.title") }</h1>
            <div class="card">
                <div class="field">
                    <label for="settings-language">{ tr("settings.language") }</label>
                    <select id="settings-language" name="language" onchange={on_lang}>
                        { for LANGUAGES.iter().map(|(code, label)| html!{ <option value={*code} selected={shared.lang == *code}>{ *label }</option> }) }
                    </select>
                </div>
            </div>
            <div class="card">
                <h2>{ tr("settings.staff") }</h2>
                <table>
                    <thead><tr><th>{ tr("field.display_name") }</th><th>{ tr("field.role") }</th><th>{ tr("field.email") }</th><th>{ tr("field.store_id") }</th><th>{ tr("settings.sign_in") }</th><th></th></tr></thead>
                    <tbody id="users-table">{ for shared.info.users.iter().map(|u| {
                        let (setting, set_login, id, current) = (setting.clone(), set_login.clone(), u.id, u.login.clone().unwrap_or_default());
                        html!{
                        <tr class={classes!((!u.active).then_some("inactive"))}>
                            <td>{ &u.display_name }{ if u.active { html! {} } else { html! { <span class="hint">{ format!(" ({})", tr("settings.inactive")) }</span> } } }</td>
                            <td>{ tr(&format!("role.{}", u.role.as_str())) }</td>
                            <td>{ u.email.clone().unwrap_or_default() }</td><td>{ stores_of(u) }</td>
                            <td>{ match (&u.login, u.has_password) { (Some(l), true) => l.clone(), _ => tr("settings.no_sign_in") } }</td>
                            <td><div class="row-actions"><button id={format!("set-password-{}", u.id)} type="button"
                                onclick={Callback::from(move |_| { set_login.set(current.clone()); setting.set(Some(id)) })}>{ tr("settings.set_password") }</button>
                                { if u.id == shared.info.user.id { html! {} } else { html! {
                                    <button id={format!("toggle-active-{}", u.id)} type="button" onclick={toggle_active(u.id, !u.active)}>
                                        { tr(if u.active { "settings.deactivate" } else { "settings.reactivate" }) }
                                    </button>
                                } } }</div></td></tr>
                    } }) }</tbody>
                </table>
                { message.as_ref().map(|(ok, m)| html!{ <div id="settings-message" class={classes!("banner", if *ok { "ok" } else { "error" })}>{ m }</div> }) }
                { setting.and_then(|id| shared.info.users.iter().find(|u| u.id == id)).map(|u| html! {
                    <form class="grid2" id="set-password-form" onsubmit={on_set_password.clone()}>
                        <h3>{ format!("{} · {}", tr("settings.set_password"), u.display_name) }</h3>
                        <div class="field"><label for="set-login">{ tr("field.login") }</label>{ text_input("set-login", "text", &set_login) }</div>
                        <div class="field"><label for="set-password">{ tr("field.password") }</label>{ text_input("set-password", "password", &set_password) }</div>
                        <div class="actions">
                            <button type="button" onclick={{ let setting = setting.clone(); Callback::from(move |_| setting.set(None)) }}>{ tr("common.cancel") }</button>
                            <button id="set-password-save" type="submit" class="primary">{ tr("settings.set_password") }</button>
                        </div>
                    </form>
                }).unwrap_or_default() }
                <h2>{ tr("settings.add_user") }</h2>
                <form class="grid2" onsubmit={on_add}>
                    <div class="field">
                        <label for="user-name">{ tr("field.display_name") }</label>
                        <input id="user-name" name="display_name" value={(*name).clone()}
                            oninput={{ let name = name.clone(); Callback::from(move |e: InputEvent| name.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                    </div>
                    <div class="field">
                        <label for="user-email">{ tr("field.email") }</label>
                        <input id="user-email" name="email" type="email" value={(*email).clone()}
                            oninput={{ let email = email.clone(); Callback::from(move |e: InputEvent| email.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                    </div>
                    <div class="field">
                        <label for="user-role">{ tr("field.role") }</label>
                        <select id="user-role" name="role" onchange={{ let role = role.clone(); Callback::from(move |e: Event| {
                            role.set(e.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(Role::Staff)) }) }}>
                            { for Role::ALL.iter().map(|r| html!{ <option value={r.as_str()} selected={*r == *role}>{ tr(&format!("role.{}", r.as_str())) }</option> }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="user-store">{ tr("field.store_id") }</label>
                        <select id="user-store" name="store_id" onchange={{ let store = store.clone(); Callback::from(move |e: Event| {
                            store.set(Uuid::parse_str(&e.target_unchecked_into::<HtmlSelectElement>().value()).ok()) }) }}>
                            { for shared.info.stores.iter().map(|s| html!{ <option value={s.id.to_string()} selected={Some(s.id) == *store}>{ &s.name }</option> }) }
                        </select>
                    </div>
                    { if *role == Role::AreaManager { html! {
                        <fieldset class="field" id="user-stores">
                            <legend>{ tr("field.stores") }</legend>
                            { for shared.info.stores.iter().map(|s| {
                                let (area, id) = (area.clone(), s.id);
                                let checked = area.contains(&id) || Some(id) == *store;
                                html! {
                                    <label class="check">
                                        <input type="checkbox" value={id.to_string()} {checked}
                                            onchange={Callback::from(move |e: Event| {
                                                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                                                let mut next: Vec<Uuid> = (*area).iter().copied().filter(|s| *s != id).collect();
                                                if on { next.push(id); }
                                                area.set(next);
                                            })} />
                                        { &s.name }
                                    </label>
                                }
                            }) }
                            <span class="hint">{ tr("settings.area_hint") }</span>
                        </fieldset>
                    } } else { html! {} } }
                    <div class="field">
                        <label for="user-login">{ tr("field.login") }</label>
                        { text_input("user-login", "text", &login) }
                    </div>
                    <div class="field">
                        <label for="user-password">{ tr("field.password") }</label>
                        { text_input("user-password", "password", &password) }
                    </div>
                    <div class="actions"><button type="submit" class="primary">{ tr("settings.add") }</button></div>
                </form>
            </div>
            { if shared.info.user.role == Role::Admin { html! {
                <form class="card" id="idle-lock-form" onsubmit={on_idle}>
                    <h2>{ tr("settings.idle_lock") }</h2>
                    <p class="hint">{ tr("settings.idle_lock_hint") }</p>
                    <div class="field">
                        <label for="idle-lock">{ tr("field.idle_lock_minutes") }</label>
                        { text_input("idle-lock", "number", &idle) }
                    </div>
                    <div class="actions"><button id="idle-lock-save" type="submit" class="primary">{ tr("settings.save_idle_lock") }</button></div>
                </form>
            } } else { html! {} } }
            <super::contact_settings::ContactSettingsView />
            <super::sales_settings::SalesSettings />
            <super::pipeline_settings::PipelineSettings />
            { if shared.info.user.role.is_manager() { html! { <><super::work_settings::WorkSettings /><super::automations::Automations /></> } } else { html! {} } }
            <super::custom_fields::CustomFieldsSettings />
            { if shared.info.backend == "sqlite" && shared.info.user.role.is_manager() { html! { <super::backups::Backups /> } } else { html! {} } }
            { if shared.info.user.role == Role::Admin { html! { <><super::consent_texts::ConsentTexts /><super::retention::Retention /><super::audit::AuditTrail /></> } } else { html! {} } }
            <div class="card">
                <h2>{ tr("settings.data") }</h2>
                <p>{ tr_with("settings.where", [("backend", shared.info.backend.clone()), ("location", shared.info.location.clone())]) }</p>
                <p class="hint">{ tr_with("settings.tenant", [("name", shared.info.tenant.name.clone()), ("region", shared.info.tenant.default_region.clone()),
                    ("version", shared.info.tenant.consent_text_version.clone())]) }</p>
                { if shared.info.backend == "postgres" { html! {
                    <div class="actions">
                        <p class="hint">{ tr("settings.forget_hint") }</p>
                        <button id="forget-computer" type="button" onclick={on_forget}>{ tr("settings.forget") }</button>
                    </div>
                } } else { html! {} } }
            </div>
        </div>
    }
}
