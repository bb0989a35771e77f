//! "Open log folder" and "Save diagnostics…" (issue 14): on About, and on
//! the screen that says why Banco could not start, where they matter most.

use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, tr, tr_with};

/// The two buttons and what came of the last press.
#[function_component(DiagnosticsActions)]
pub fn diagnostics_actions() -> Html {
    let message = use_state(|| None::<(bool, String)>);
    let busy = use_state(|| false);
    let open_logs = {
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let message = message.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = api::open_log_folder().await {
                    message.set(Some((false, error_text(&e))));
                }
            });
        })
    };
    let save = {
        let (message, busy) = (message.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            let (message, busy) = (message.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_diagnostics().await {
                    Ok(Some(saved)) => message.set(Some((
                        true,
                        tr_with("diagnostics.saved", [("path", saved.path)]),
                    ))),
                    Ok(None) => message.set(None),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <div class="diagnostics">
            <p class="hint">{ tr("diagnostics.hint") }</p>
            <div class="actions">
                <button id="open-logs" type="button" onclick={open_logs}>{ tr("diagnostics.open_logs") }</button>
                <button id="save-diagnostics" type="button" disabled={*busy} onclick={save}>{ tr("diagnostics.save") }</button>
            </div>
            { message.as_ref().map(|(ok, m)| html!{ <div id="diagnostics-message" class={classes!("banner", if *ok { "ok" } else { "error" })}>{ m }</div> }) }
        </div>
    }
}
