//! About Banco (issue 14): the version, the database in use (no
//! password), the data and log folders, how this copy was installed, and
//! new versions: "check for updates", the offered version with its notes,
//! "update and restart" with the download's progress. Admins set where the
//! tenant's desks look for new versions. Updating is only ever started by
//! a click here, never on its own, so nobody loses a capture to a restart;
//! after the restart Banco opens this screen again ([`RESUME_KEY`]).

use banco::model::{AboutDesk, UpdateOffer, UpdateProgress, UPDATE_PROGRESS_EVENT};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, tr, tr_with};
use crate::Shared;

/// The `localStorage` key that tells the next start to open this screen
/// (set just before an update restarts Banco), holding the version left.
pub const RESUME_KEY: &str = "banco.resume-after-update";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The version an update left from, if this start follows one (read once:
/// the key is removed).
pub fn take_resume() -> Option<String> {
    let s = storage()?;
    let v = s.get_item(RESUME_KEY).ok().flatten()?;
    let _ = s.remove_item(RESUME_KEY);
    Some(v)
}

#[derive(Properties, PartialEq)]
pub struct AboutProps {
    /// The version Banco was updated from, when this start follows an update.
    pub updated_from: Option<String>,
    /// An offer found by the check at start, if any.
    pub offer: Option<UpdateOffer>,
}

#[function_component(About)]
pub fn about(props: &AboutProps) -> Html {
    let shared = use_context::<Shared>().expect("shared");
    let about = use_state(|| None::<AboutDesk>);
    let offer = use_state(|| props.offer.clone());
    let checked = use_state(|| false);
    let message = use_state(|| None::<(bool, String)>);
    let busy = use_state(|| false);
    let progress = use_state(|| None::<UpdateProgress>);
    let endpoint = use_node_ref();
    crate::widgets::form::use_field_value(
        &endpoint,
        about
            .as_ref()
            .and_then(|a| a.update_endpoint.clone())
            .unwrap_or_default(),
    );
    {
        let (about, message) = (about.clone(), message.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::about_desk().await {
                    Ok(a) => about.set(Some(a)),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        });
    }
    {
        let progress = progress.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                api::listen(UPDATE_PROGRESS_EVENT, move |p: UpdateProgress| {
                    progress.set(Some(p))
                })
                .await;
            });
        });
    }
    let check = {
        let (offer, checked, message, busy) = (
            offer.clone(),
            checked.clone(),
            message.clone(),
            busy.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (offer, checked, message, busy) = (
                offer.clone(),
                checked.clone(),
                message.clone(),
                busy.clone(),
            );
            busy.set(true);
            message.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::check_update().await {
                    Ok(o) => {
                        offer.set(o);
                        checked.set(true);
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
                busy.set(false);
            });
        })
    };
    let install = {
        let (offer, message, busy, progress) = (
            offer.clone(),
            message.clone(),
            busy.clone(),
            progress.clone(),
        );
        let current = about
            .as_ref()
            .map(|a| a.version.clone())
            .unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            let Some(version) = offer.as_ref().map(|o| o.version.clone()) else {
                return;
            };
            let (message, busy, progress) = (message.clone(), busy.clone(), progress.clone());
            busy.set(true);
            message.set(None);
            progress.set(Some(UpdateProgress {
                downloaded: 0,
                total: None,
            }));
            // Banco comes back here after the restart.
            if let Some(s) = storage() {
                let _ = s.set_item(RESUME_KEY, &current);
            }
            wasm_bindgen_futures::spawn_local(async move {
                // Success never answers: Banco restarts.
                if let Err(e) = api::install_update(version).await {
                    if let Some(s) = storage() {
                        let _ = s.remove_item(RESUME_KEY);
                    }
                    progress.set(None);
                    message.set(Some((false, error_text(&e))));
                }
                busy.set(false);
            });
        })
    };
    let save_endpoint = {
        let (endpoint, about, message) = (endpoint.clone(), about.clone(), message.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = endpoint.cast::<HtmlInputElement>() else {
                return;
            };
            let value = input.value();
            let (about, message) = (about.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = (!value.trim().is_empty()).then_some(value);
                match api::save_update_server(text).await {
                    Ok(saved) => {
                        if let Some(a) = (*about).clone() {
                            about.set(Some(AboutDesk {
                                update_endpoint: saved.endpoint,
                                ..a
                            }));
                        }
                        message.set(Some((true, tr("about.server_saved"))));
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let Some(a) = (*about).clone() else {
        return html! { <section class="page" id="about"><h1>{ tr("about.title") }</h1>
        { message.as_ref().map(|(_, m)| html!{ <div class="banner error">{ m }</div> }) }</section> };
    };
    let admin = shared.info.user.role == banco::model::Role::Admin;
    html! {
        <section class="page" id="about">
            <h1>{ tr("about.title") }</h1>
            { props.updated_from.as_ref().map(|from| html! {
                <div id="about-updated" class="banner ok">{ tr_with("about.updated", [("from", from.clone()), ("version", a.version.clone())]) }</div>
            }) }
            { message.as_ref().map(|(ok, m)| html!{ <div id="about-message" class={classes!("banner", if *ok { "ok" } else { "error" })}>{ m }</div> }) }
            <div class="card">
                <dl class="facts">
                    <dt>{ tr("about.version") }</dt><dd id="about-version">{ &a.version }</dd>
                    <dt>{ tr("about.installed_as") }</dt><dd id="about-installed">{ a.installed_as.clone().unwrap_or_else(|| tr("about.from_source")) }</dd>
                    <dt>{ tr("about.database") }</dt><dd id="about-database">{ format!("{} · {}", a.backend, a.location) }</dd>
                    <dt>{ tr("about.data_dir") }</dt><dd id="about-data-dir">{ &a.data_dir }</dd>
                    <dt>{ tr("about.log_dir") }</dt><dd id="about-log-dir">{ &a.log_dir }</dd>
                </dl>
                <crate::widgets::diagnostics::DiagnosticsActions />
            </div>
            <div class="card" id="updates">
                <h2>{ tr("about.updates") }</h2>
                <p class="hint">{ match &a.update_endpoint {
                    Some(url) => tr_with("about.server_is", [("url", url.clone())]),
                    None => tr("about.no_server"),
                } }</p>
                { match (&*offer, *checked) {
                    (Some(o), _) => html! {
                        <div id="update-offer">
                            <p><strong>{ tr_with("about.offer", [("version", o.version.clone()), ("current", o.current_version.clone())]) }</strong>
                               { o.date.as_ref().map(|d| html!{ <span class="hint">{ format!(" · {}", d.get(..10).unwrap_or(d)) }</span> }) }</p>
                            { o.notes.as_ref().map(|n| html!{ <pre id="update-notes" class="notes">{ n }</pre> }) }
                            <p class="hint">{ tr("about.restart_hint") }</p>
                            { progress.as_ref().map(|p| html! {
                                <div id="update-progress">
                                    <progress max="100" value={p.percent().unwrap_or(0).to_string()}></progress>
                                    <span>{ match p.percent() {
                                        Some(n) => format!("{n}%"),
                                        None => tr_with("about.downloaded", [("kb", (p.downloaded / 1024).to_string())]),
                                    } }</span>
                                </div>
                            }) }
                            <div class="actions">
                                <button id="update-install" class="primary" type="button" disabled={*busy} onclick={install}>{ tr("about.install") }</button>
                            </div>
                        </div>
                    },
                    (None, true) => html! { <p id="update-none">{ tr_with("about.newest", [("version", a.version.clone())]) }</p> },
                    (None, false) => html! {},
                } }
                <div class="actions">
                    <button id="update-check" type="button" disabled={*busy || a.update_endpoint.is_none()} onclick={check}>{ tr("about.check") }</button>
                </div>
                if admin {
                    <form id="update-server-form" onsubmit={save_endpoint}>
                        <label for="update-endpoint">{ tr("about.server_label") }</label>
                        <input id="update-endpoint" type="url" ref={endpoint}
                            placeholder="https://aggiornamenti.example.it/banco/latest.json" />
                        <p class="hint">{ tr("about.server_hint") }</p>
                        <div class="actions"><button id="update-server-save" type="submit">{ tr("about.server_save") }</button></div>
                    </form>
                }
            </div>
        </section>
    }
}
