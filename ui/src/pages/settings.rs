//! Settings: language, staff (who can be at the counter) and where the data lives.

use banco::model::{NewUser, Role};
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
    let message = use_state(|| None::<(bool, String)>);

    let on_lang = {
        let set = shared.set_lang.clone();
        Callback::from(move |e: Event| {
            set.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_add = {
        let (name, email, role, store, message, shared) = (
            name.clone(),
            email.clone(),
            role.clone(),
            store.clone(),
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
            };
            let (name, email, message, shared) =
                (name.clone(), email.clone(), message.clone(), shared.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::add_user(&new).await {
                    Ok(u) => {
                        message.set(Some((
                            true,
                            tr_with("settings.user_added", [("name", u.display_name)]),
                        )));
                        name.set(String::new());
                        email.set(String::new());
                        if let Some(info) = api::shown(api::app_info().await) {
                            shared.set_info.emit(info);
                        }
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let store_name = |id: Option<Uuid>| {
        id.and_then(|id| shared.info.stores.iter().find(|s| s.id == id))
            .map(|s| s.name.clone())
            .unwrap_or_default()
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
                    <thead><tr><th>{ tr("field.display_name") }</th><th>{ tr("field.role") }</th><th>{ tr("field.email") }</th><th>{ tr("field.store_id") }</th></tr></thead>
                    <tbody>{ for shared.info.users.iter().map(|u| html!{
                        <tr><td>{ &u.display_name }</td><td>{ tr(&format!("role.{}", u.role.as_str())) }</td>
                            <td>{ u.email.clone().unwrap_or_default() }</td><td>{ store_name(u.store_id) }</td></tr>
                    }) }</tbody>
                </table>
                <h2>{ tr("settings.add_user") }</h2>
                { message.as_ref().map(|(ok, m)| html!{ <div class={classes!("banner", if *ok { "ok" } else { "error" })}>{ m }</div> }) }
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
                    <div class="actions"><button type="submit" class="primary">{ tr("settings.add") }</button></div>
                </form>
            </div>
            <super::contact_settings::ContactSettingsView />
            <super::sales_settings::SalesSettings />
            <super::pipeline_settings::PipelineSettings />
            <super::custom_fields::CustomFieldsSettings />
            <div class="card">
                <h2>{ tr("settings.data") }</h2>
                <p>{ tr_with("settings.where", [("backend", shared.info.backend.clone()), ("location", shared.info.location.clone())]) }</p>
                <p class="hint">{ tr_with("settings.tenant", [("name", shared.info.tenant.name.clone()), ("region", shared.info.tenant.default_region.clone()),
                    ("version", shared.info.tenant.consent_text_version.clone())]) }</p>
            </div>
        </div>
    }
}
