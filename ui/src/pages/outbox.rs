//! The outbox: the banner that says the desk is offline or has captures waiting, and the screen that lists them with the server's reason for each refusal.

use banco::model::{AppInfo, OutboxEntry, OutboxState, OutboxStatus};
use uuid::Uuid;
use yew::prelude::*;

use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};
use crate::{api, Shared};

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    /// Opens the Outbox screen.
    pub on_open: Callback<()>,
    /// The server is back for a desk signed in offline: the frame's data
    /// is read again.
    pub on_online: Callback<AppInfo>,
}

/// A line above every screen while the desk is offline or captures wait:
/// how many, and a button to the Outbox screen. Follows the shell's
/// `outbox-changed` event, and reads the figures again when the data changes.
#[function_component(OutboxBanner)]
pub fn outbox_banner(props: &BannerProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let status = use_state(|| None::<OutboxStatus>);
    {
        let status = status.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                api::listen(api::OUTBOX_EVENT, move |s: OutboxStatus| {
                    status.set(Some(s))
                })
                .await;
            });
        });
    }
    {
        // Signed in offline and the server answers again: the frame's data
        // (colleagues, stores, every screen) is read again.
        let on_online = props.on_online.clone();
        let back = shared.info.offline && status.is_some_and(|s| !s.offline);
        use_effect_with(back, move |back| {
            if *back {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(info) = api::app_info().await {
                        on_online.emit(info);
                    }
                });
            }
        });
    }
    {
        let status = status.clone();
        use_effect_with(shared.data_version, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(s) = api::outbox_status().await {
                    status.set(Some(s));
                }
            });
        });
    }
    let s = (*status).unwrap_or(OutboxStatus {
        offline: shared.info.offline,
        ..Default::default()
    });
    if !s.offline && s.waiting == 0 && s.refused == 0 {
        return html! {};
    }
    let mut parts = Vec::new();
    if s.offline {
        parts.push(tr("outbox.offline"));
    }
    if s.waiting > 0 {
        parts.push(tr_with("outbox.waiting", [("n", s.waiting.to_string())]));
    }
    if s.refused > 0 {
        parts.push(tr_with("outbox.refused", [("n", s.refused.to_string())]));
    }
    let open = props.on_open.clone();
    html! {
        <div class={classes!("banner", if s.refused > 0 { "error" } else { "warn" })} id="outbox-banner" role="status">
            { parts.join(" · ") }
            { " " }
            <button class="link" id="outbox-open" onclick={Callback::from(move |_| open.emit(()))}>{ tr("outbox.open") }</button>
        </div>
    }
}

/// The Outbox screen: every capture of this computer waiting for the chain
/// server or refused by it, oldest first, with "Send now", and for a
/// refused one its reason, "Back to the counter" (the form again, to fix
/// and save) and "Remove".
#[function_component(Outbox)]
pub fn outbox() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let list = use_state(|| None::<Vec<OutboxEntry>>);
    let message = use_state(|| None::<(bool, String)>);
    let generation = use_state(|| 0u32);
    {
        let (list, message) = (list.clone(), message.clone());
        use_effect_with((*generation, shared.data_version), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_outbox().await {
                    Ok(l) => list.set(Some(l)),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        });
    }
    let reload = {
        let generation = generation.clone();
        Callback::from(move |_: ()| generation.set(generation.wrapping_add(1)))
    };
    let send = {
        let (message, reload) = (message.clone(), reload.clone());
        Callback::from(move |_| {
            let (message, reload) = (message.clone(), reload.clone());
            message.set(Some((true, tr("outbox.sending"))));
            wasm_bindgen_futures::spawn_local(async move {
                match api::send_outbox().await {
                    Ok(r) if r.waiting > 0 => {
                        message.set(Some((false, tr("error.offline"))));
                    }
                    Ok(r) => message.set(Some((
                        true,
                        tr_with(
                            "outbox.sent",
                            [
                                ("sent", (r.delivered + r.already_there).to_string()),
                                ("refused", r.refused.to_string()),
                            ],
                        ),
                    ))),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
                reload.emit(());
            });
        })
    };
    let remove = |lead_id: Uuid| {
        let (message, reload) = (message.clone(), reload.clone());
        Callback::from(move |_| {
            let (message, reload) = (message.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = api::remove_outbox_entry(lead_id).await {
                    message.set(Some((false, error_text(&e))));
                }
                reload.emit(());
            });
        })
    };
    let to_counter = |entry: &OutboxEntry| {
        let open = shared.open_counter.clone();
        let mut form = entry.capture.clone();
        // A new lead id: the refused one is never sent again.
        form.id = Some(Uuid::now_v7());
        Callback::from(move |_| open.emit(form.clone()))
    };
    html! {
        <div>
            <h1>{ tr("outbox.title") }</h1>
            <p class="hint">{ tr("outbox.hint") }</p>
            <div class="actions">
                <button id="outbox-send" onclick={send}>{ tr("outbox.send") }</button>
            </div>
            { message.as_ref().map(|(ok, m)| html!{ <div class={classes!("banner", if *ok { "ok" } else { "error" })} id="outbox-message" role="status">{ m }</div> }) }
            { match list.as_ref() {
                None => html!{ <p>{ tr("app.loading") }</p> },
                Some(l) if l.is_empty() => html!{ <p class="hint" id="outbox-empty">{ tr("outbox.empty") }</p> },
                Some(l) => html! {
                    <table id="outbox-table">
                        <thead><tr>
                            <th>{ tr("outbox.taken_at") }</th>
                            <th>{ tr("field.name") }</th>
                            <th>{ tr("field.phone") }</th>
                            <th>{ tr("outbox.by") }</th>
                            <th>{ tr("outbox.state") }</th>
                            <th></th>
                        </tr></thead>
                        <tbody>{ for l.iter().map(|e| html! {
                            <tr key={e.lead_id.to_string()} class={classes!((e.state == OutboxState::Refused).then_some("refused"))}>
                                <td>{ local_time(&e.taken_at) }</td>
                                <td>{ format!("{} {}", e.capture.first_name, e.capture.last_name) }</td>
                                <td>{ &e.capture.phone }</td>
                                <td>{ &e.user_name }</td>
                                <td>{ match (&e.state, &e.reason) {
                                    (OutboxState::Refused, Some(r)) => tr_with("outbox.refused_because", [("reason", error_text(r))]),
                                    (OutboxState::Refused, None) => tr("outbox.state_refused"),
                                    (OutboxState::Waiting, _) if e.attempts > 0 => tr_with("outbox.state_retrying", [("n", e.attempts.to_string())]),
                                    (OutboxState::Waiting, _) => tr("outbox.state_waiting"),
                                } }</td>
                                <td>{ (e.state == OutboxState::Refused).then(|| html! { <>
                                    <button class="secondary" onclick={to_counter(e)}>{ tr("outbox.to_counter") }</button>
                                    <button class="secondary" onclick={remove(e.lead_id)}>{ tr("outbox.remove") }</button>
                                </> }) }</td>
                            </tr>
                        }) }</tbody>
                    </table>
                },
            } }
        </div>
    }
}
