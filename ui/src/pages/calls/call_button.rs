//! The call button of every number: contact rules checked first, a manager's override with a reason, dialling through the opener.

use banco::model::{EntityType, StartCall};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::format::phone_display;
use crate::i18n::{error_text, tr};
use crate::Shared;

/// Whether the signed-in user may override a contact rule (store manager
/// and up).
pub fn is_manager(shared: &Option<Shared>) -> bool {
    shared
        .as_ref()
        .is_some_and(|s| s.info.user.role.is_manager())
}

#[derive(Properties, PartialEq)]
pub struct CallButtonProps {
    pub entity_type: EntityType,
    pub entity_id: Uuid,
    /// The number shown (E.164); the record's main number when `None`.
    #[prop_or_default]
    pub phone: Option<String>,
    /// The button's element id.
    #[prop_or(AttrValue::from("call-button"))]
    pub id: AttrValue,
}

/// The call button: asks the core to start the call (the contact rules
/// decide), opens the dial URL through the opener, and hands the call to
/// the outcome dialog. A refusal says why; a store manager may call anyway
/// with a reason.
#[function_component(CallButton)]
pub fn call_button(props: &CallButtonProps) -> Html {
    let shared = use_context::<Shared>();
    let refused = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let reason = use_state(String::new);
    let dial = {
        let (refused, error, shared) = (refused.clone(), error.clone(), shared.clone());
        let call = StartCall {
            entity_type: props.entity_type,
            entity_id: props.entity_id,
            phone: props.phone.clone(),
            purpose: banco::model::ContactPurpose::Service,
            override_reason: None,
        };
        Callback::from(move |override_reason: Option<String>| {
            let (refused, error, shared) = (refused.clone(), error.clone(), shared.clone());
            let mut call = call.clone();
            call.override_reason = override_reason;
            wasm_bindgen_futures::spawn_local(async move {
                match api::start_call(&call).await {
                    Ok(started) => {
                        refused.set(None);
                        error.set(None);
                        // The call is logged even if no dialler answers the URL.
                        if let Err(e) = api::open_url(&started.dial_url).await {
                            error.set(Some(error_text(&e)));
                        }
                        if let Some(s) = shared {
                            s.call_started.emit(started);
                        }
                    }
                    Err(e) if e.kind == banco::ErrorKind::ContactRefused => {
                        refused.set(Some(error_text(&e)))
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let label = props
        .phone
        .as_ref()
        .map(|p| format!("{} {}", tr("calls.call"), phone_display(&Some(p.clone()))))
        .unwrap_or_else(|| tr("calls.call"));
    html! {
        <span class="call">
            <button class="primary call-button" id={props.id.clone()} onclick={{ let dial = dial.clone(); Callback::from(move |_| dial.emit(None)) }}>{ label }</button>
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            { refused.as_ref().map(|text| html! {
                <div class="banner warn" id="call-refused">
                    <strong>{ tr("calls.refused") }</strong>{ " " }{ text }
                    { if is_manager(&shared) { html! {
                        <div class="actions">
                            <input id="override-reason" placeholder={tr("calls.override_reason")} value={(*reason).clone()}
                                oninput={{ let reason = reason.clone(); Callback::from(move |e: InputEvent| reason.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                            <button class="secondary" id="call-override" onclick={{ let (dial, reason) = (dial.clone(), reason.clone()); Callback::from(move |_| dial.emit(Some((*reason).clone()))) }}>{ tr("calls.call_anyway") }</button>
                        </div>
                    } } else { html! { <p class="hint">{ tr("calls.ask_manager") }</p> } } }
                </div>
            }) }
        </span>
    }
}
