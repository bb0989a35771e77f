//! The first start's chain-server set-up (host, port, database, TLS mode,
//! an optional CA file chosen in the system's file dialog, login,
//! password), offered beside the shop's own set-up by
//! [`super::desk`]. The shell checks the server and keeps the password
//! in the OS keychain (`banco::wire::ConnectServer`).

use banco::model::{AppInfo, Password, ServerSettings, TlsMode};
use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, tr};
use crate::widgets::form::{bound_input, error_for, field_errors, labelled_input, select_value};

#[derive(Properties, PartialEq)]
pub struct ServerFormProps {
    pub on_done: Callback<AppInfo>,
}

/// The chain server's settings and the first login.
#[function_component(ServerForm)]
pub fn server_form(props: &ServerFormProps) -> Html {
    let host = use_state(String::new);
    let port = use_state(|| "5432".to_string());
    let database = use_state(|| "banco".to_string());
    let tls = use_state(|| TlsMode::VerifyFull);
    let ca_file = use_state(|| None::<String>);
    let login = use_state(String::new);
    let password = use_state(String::new);
    let error = use_state(|| None::<banco::ErrorPayload>);
    let busy = use_state(|| false);
    let pick_ca = {
        let (ca_file, error) = (ca_file.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let (ca_file, error) = (ca_file.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::pick_ca_file().await {
                    Ok(Some(path)) => ca_file.set(Some(path)),
                    Ok(None) => {}
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_submit = {
        let (host, port, database, tls, ca_file, login, password, error, busy) = (
            host.clone(),
            port.clone(),
            database.clone(),
            tls.clone(),
            ca_file.clone(),
            login.clone(),
            password.clone(),
            error.clone(),
            busy.clone(),
        );
        let on_done = props.on_done.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(port_number) = port.trim().parse::<u16>() else {
                error.set(Some(port_error()));
                return;
            };
            let settings = ServerSettings {
                host: (*host).clone(),
                port: port_number,
                database: (*database).clone(),
                tls: *tls,
                ca_file: (*ca_file).clone(),
                login: (*login).clone(),
            };
            let pw = Password((*password).clone());
            let (password, error, busy, on_done) = (
                password.clone(),
                error.clone(),
                busy.clone(),
                on_done.clone(),
            );
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::connect_server(settings, pw).await;
                busy.set(false);
                match result {
                    Ok(info) => on_done.emit(info),
                    Err(e) => {
                        password.set(String::new());
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    let errors = error.as_ref().map(field_errors).unwrap_or_default();
    let on_tls = {
        let (tls, ca_file) = (tls.clone(), ca_file.clone());
        Callback::from(move |e: Event| {
            let mode = TlsMode::parse(&select_value(&e), "tls").unwrap_or(TlsMode::VerifyFull);
            if !matches!(mode, TlsMode::VerifyFull | TlsMode::VerifyCa) {
                ca_file.set(None);
            }
            tls.set(mode);
        })
    };
    let verifies = matches!(*tls, TlsMode::VerifyFull | TlsMode::VerifyCa);
    html! {
        <div class="sign-in">
            <form class="card sign-in-card" id="connect-form" onsubmit={on_submit}>
                <h1 id="connect-title">{ tr("connect.title") }</h1>
                <p class="hint">{ tr("connect.intro") }</p>
                { error.as_ref().filter(|e| e.fields.is_empty()).map(|e| html! { <div id="connect-error" class="banner error">{ error_text(e) }</div> }).unwrap_or_default() }
                { labelled_input("connect-host", &tr("field.host"), "text", &host, "off", &errors, "host") }
                { labelled_input("connect-port", &tr("field.port"), "number", &port, "off", &errors, "port") }
                { labelled_input("connect-database", &tr("field.database"), "text", &database, "off", &errors, "database") }
                <div class="field">
                    <label for="connect-tls">{ tr("field.tls") }</label>
                    <select id="connect-tls" onchange={on_tls}>
                        { for TlsMode::ALL.iter().map(|m| html! {
                            <option value={m.as_str()} selected={*tls == *m}>{ tr(&format!("tls.{}", m.as_str())) }</option>
                        }) }
                    </select>
                    <span class="hint">{ tr(&format!("tls_hint.{}", tls.as_str())) }</span>
                </div>
                { if verifies { html! {
                    <div class="field">
                        <label for="connect-ca">{ tr("field.ca_file") }</label>
                        <div class="row">
                            <button id="connect-ca" type="button" onclick={pick_ca}>{ tr("connect.pick_ca") }</button>
                            <span id="connect-ca-name" class="hint">{ (*ca_file).clone().unwrap_or_else(|| tr("connect.system_ca")) }</span>
                        </div>
                        { error_for(&errors, "ca_file") }
                        { error_for(&errors, "path") }
                    </div>
                } } else { html! {} } }
                { labelled_input("connect-login", &tr("field.login"), "text", &login, "username", &errors, "login") }
                <div class="field">
                    <label for="connect-password">{ tr("field.server_password") }</label>
                    { bound_input("connect-password", "password", &password, "current-password") }
                    { error_for(&errors, "password") }
                    <span class="hint">{ tr("connect.keychain") }</span>
                </div>
                <div class="actions">
                    <button id="connect-submit" type="submit" class="primary" disabled={*busy}>
                        { if *busy { tr("connect.connecting") } else { tr("connect.submit") } }
                    </button>
                </div>
            </form>
        </div>
    }
}

/// A port that is not a number from 1 to 65535, caught before sending.
fn port_error() -> banco::ErrorPayload {
    banco::Error::Validation(vec![banco::model::FieldError::new("port", "out_of_range")
        .with("min", "1")
        .with("max", "65535")])
    .payload()
}
