//! The person card's consents (issue 15): each purpose on every channel
//! and on each channel one by one, as the newest decision leaves it;
//! a click gives or withdraws it (where it was asked: at the store, on
//! the phone, on a web form); the objection to marketing in one click;
//! the receipt as a PDF in Italian or English; the history of decisions
//! with where, who and the text version.

use banco::model::{
    consent_state, Consent, ConsentDecision, ConsentKind, ConsentSource, ContactChannel,
    CONSENT_CHANNELS,
};
use uuid::Uuid;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};

#[derive(Properties, PartialEq)]
pub struct ConsentsProps {
    /// The person.
    pub person_id: Uuid,
    /// Their decisions, newest first.
    pub consents: Vec<Consent>,
    /// After a change: the card reloads.
    pub on_change: Callback<()>,
}

fn channel_label(channel: Option<ContactChannel>) -> String {
    match channel {
        Some(c) => tr(&format!("channel.{}", c.as_str())),
        None => tr("consents.every_channel"),
    }
}

/// The consents panel.
#[function_component(ConsentsPanel)]
pub fn consents_panel(props: &ConsentsProps) -> Html {
    let source = use_state(|| ConsentSource::Store);
    let message = use_state(|| None::<(bool, String)>);
    let send = {
        let (source, message, on_change, id) = (
            source.clone(),
            message.clone(),
            props.on_change.clone(),
            props.person_id,
        );
        Callback::from(move |decision: ConsentDecision| {
            let (message, on_change, from) = (message.clone(), on_change.clone(), *source);
            wasm_bindgen_futures::spawn_local(async move {
                match api::record_consents(id, vec![decision], from).await {
                    Ok(_) => {
                        message.set(None);
                        on_change.emit(());
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let object = {
        let (message, on_change, id) = (message.clone(), props.on_change.clone(), props.person_id);
        Callback::from(move |_| {
            let (message, on_change) = (message.clone(), on_change.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::object_to_marketing(id).await {
                    Ok(_) => {
                        message.set(Some((true, tr("consents.objected"))));
                        on_change.emit(());
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let receipt = |language: &'static str| {
        let (message, id) = (message.clone(), props.person_id);
        Callback::from(move |_| {
            let message = message.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_consent_receipt(id, language).await {
                    Ok(Some(path)) => message.set(Some((
                        true,
                        tr_with("consents.receipt_saved", [("path", path)]),
                    ))),
                    Ok(None) => {}
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let on_source = {
        let source = source.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(s) = value.parse::<ConsentSource>() {
                source.set(s);
            }
        })
    };
    let channels: Vec<Option<ContactChannel>> = std::iter::once(None)
        .chain(CONSENT_CHANNELS.iter().copied().map(Some))
        .collect();
    html! {
        <div id="consents-panel">
            <h3>{ tr("leads.consents") }</h3>
            <div class="consents-wrap"><table class="list consents" id="consents-grid">
                <thead><tr>
                    <th>{ tr("consents.purpose") }</th>
                    { for channels.iter().map(|ch| html! { <th>{ channel_label(*ch) }</th> }) }
                </tr></thead>
                <tbody>{ for ConsentKind::ALL.iter().map(|kind| html! {
                    <tr>
                        <td>{ tr(&format!("consent.{}", kind.as_str())) }</td>
                        { for channels.iter().map(|ch| {
                            let state = consent_state(&props.consents, *kind, *ch);
                            let (label, class) = match state {
                                Some(true) => ("consent.granted", "consent-cell given"),
                                Some(false) => ("consent.refused", "consent-cell refused"),
                                None => ("consents.not_asked", "consent-cell"),
                            };
                            let decision = ConsentDecision { kind: *kind, channel: *ch, granted: state != Some(true) };
                            let send = send.clone();
                            let id = format!("consent-{}-{}", kind.as_str(), ch.map_or("all", |c| c.as_str()));
                            let title = tr(if state == Some(true) { "consents.withdraw" } else { "consents.give" });
                            html! { <td><button {id} class={class} {title} type="button"
                                onclick={Callback::from(move |_| send.emit(decision))}>{ tr(label) }</button></td> }
                        }) }
                    </tr>
                }) }</tbody>
            </table></div>
            <div class="actions">
                <label for="consent-source">{ tr("consents.source") }</label>
                <select id="consent-source" onchange={on_source}>
                    { for [ConsentSource::Store, ConsentSource::Phone, ConsentSource::WebForm].iter().map(|s| html! {
                        <option value={s.as_str()} selected={*s == *source}>{ tr(&format!("consent_source.{}", s.as_str())) }</option>
                    }) }
                </select>
                <button id="consent-object" class="secondary" type="button" title={tr("consents.object_hint")} onclick={object}>{ tr("consents.object") }</button>
                <button id="consent-receipt-it" class="secondary" type="button" onclick={receipt("it")}>{ tr("consents.receipt_it") }</button>
                <button id="consent-receipt-en" class="secondary" type="button" onclick={receipt("en")}>{ tr("consents.receipt_en") }</button>
            </div>
            { message.as_ref().map(|(ok, m)| html! {
                <p class={if *ok { "message ok" } else { "message error" }} role="status">{ m.clone() }</p>
            }) }
            <details id="consents-history">
                <summary>{ tr_with("consents.history", [("n", props.consents.len().to_string())]) }</summary>
                <ul>{ for props.consents.iter().map(|k| html! { <li>{ format!("{} · {} · {} · {} · {} · {} {}",
                    local_time(&k.recorded_at),
                    tr(&format!("consent.{}", k.kind.as_str())),
                    channel_label(k.channel),
                    tr(if k.granted { "consent.granted" } else { "consent.refused" }),
                    tr(&format!("consent_source.{}", k.source.as_str())),
                    tr("consents.version"),
                    k.text_version) }</li> }) }</ul>
            </details>
        </div>
    }
}
