//! The call button of every number: contact rules checked first, a manager's override with a reason, dialling through the opener; the refusal banner it shares with the message buttons.

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
                <RefusalBanner id="call-refused" text={text.clone()} reason_id="override-reason" button_id="call-override"
                    button_label={tr("calls.call_anyway")} on_override={{ let dial = dial.clone(); Callback::from(move |reason| dial.emit(Some(reason))) }} />
            }) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct RefusalBannerProps {
    /// The banner's element id.
    pub id: AttrValue,
    /// Why the contact rules refuse, in words.
    pub text: String,
    /// The reason field's element id.
    pub reason_id: AttrValue,
    /// The override button's element id.
    pub button_id: AttrValue,
    /// The override button's label ("Chiama comunque", …).
    pub button_label: String,
    /// Called with the reason typed when a manager overrides.
    pub on_override: Callback<String>,
}

/// A contact refused by the rules: why, and for a store manager a reason
/// field and a button to contact anyway (the core logs the reason and
/// checks the role again); for staff, that a manager can.
#[function_component(RefusalBanner)]
pub fn refusal_banner(props: &RefusalBannerProps) -> Html {
    let shared = use_context::<Shared>();
    let reason = use_state(String::new);
    html! {
        <div class="banner warn" id={props.id.clone()}>
            <strong>{ tr("calls.refused") }</strong>{ " " }{ &props.text }
            { if is_manager(&shared) { html! {
                <div class="actions">
                    <input id={props.reason_id.clone()} placeholder={tr("calls.override_reason")} value={(*reason).clone()}
                        oninput={{ let reason = reason.clone(); Callback::from(move |e: InputEvent| reason.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                    <button class="secondary" id={props.button_id.clone()} onclick={{ let (on_override, reason) = (props.on_override.clone(), reason.clone()); Callback::from(move |_| on_override.emit((*reason).clone())) }}>{ &props.button_label }</button>
                </div>
            } } else { html! { <p class="hint">{ tr("calls.ask_manager") }</p> } } }
        </div>
    }
}
