//! The inbound-call dialog: find the caller by number, log the call.

use banco::model::{CallerMatch, EntityType, InboundCall, OutcomeInput};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::outcome::OutcomeForm;
use crate::api;
use crate::i18n::{error_text, tr};

#[derive(Properties, PartialEq)]
pub struct InboundProps {
    pub on_close: Callback<bool>,
    /// A number the dialog opens with and looks up at once (a phone link
    /// handed to Banco by a softphone or the browser).
    #[prop_or_default]
    pub number: Option<String>,
}

/// Logs an inbound call: type or paste the caller's number, pick the
/// person, lead or deal it is about, record outcome, length and note.
#[function_component(InboundDialog)]
pub fn inbound_dialog(props: &InboundProps) -> Html {
    let phone = use_state(|| props.number.clone().unwrap_or_default());
    let matches = use_state(|| None::<Vec<CallerMatch>>);
    let chosen = use_state(|| None::<(EntityType, Uuid)>);
    let error = use_state(|| None::<String>);
    let lookup = {
        let (matches, chosen, error) = (matches.clone(), chosen.clone(), error.clone());
        Callback::from(move |phone: String| {
            let (matches, chosen, error) = (matches.clone(), chosen.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::find_caller(&phone).await {
                    Ok(m) => {
                        chosen.set(m.first().map(|p| (EntityType::Person, p.person_id)));
                        matches.set(Some(m));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    {
        // Opened by a phone link: look its number up straight away.
        let (lookup, number) = (lookup.clone(), props.number.clone());
        use_effect_with((), move |_| {
            if let Some(n) = number {
                lookup.emit(n);
            }
        });
    }
    let find = {
        let (phone, lookup) = (phone.clone(), lookup.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            lookup.emit((*phone).clone());
        })
    };
    let save = {
        let (phone, chosen, error, on_close) = (
            phone.clone(),
            chosen.clone(),
            error.clone(),
            props.on_close.clone(),
        );
        Callback::from(move |o: OutcomeInput| {
            let Some((entity_type, entity_id)) = *chosen else {
                error.set(Some(tr("calls.pick_record")));
                return;
            };
            let call = InboundCall {
                phone: (*phone).clone(),
                entity_type,
                entity_id,
                outcome: o,
            };
            let (error, on_close) = (error.clone(), on_close.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::log_inbound_call(&call).await {
                    Ok(_) => on_close.emit(true),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let option = |kind: EntityType, id: Uuid, label: String| {
        let chosen_state = chosen.clone();
        html! {
            <label class="caller-option">
                <input type="radio" name="inbound-record" checked={*chosen == Some((kind, id))}
                    onchange={Callback::from(move |_| chosen_state.set(Some((kind, id))))} />
                { label }
            </label>
        }
    };
    html! {
        <div class="dialog wide" id="inbound-dialog">
            <h3>{ tr("calls.inbound_title") }</h3>
            <form onsubmit={find} class="actions">
                <input id="inbound-phone" placeholder={tr("field.phone")} value={(*phone).clone()}
                    oninput={{ let phone = phone.clone(); Callback::from(move |e: InputEvent| phone.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                <button type="submit" class="secondary" id="inbound-find">{ tr("calls.find_caller") }</button>
            </form>
            { match &*matches {
                None => html! {},
                Some(m) if m.is_empty() => html! { <p class="hint" id="inbound-none">{ tr("calls.no_caller") }</p> },
                Some(m) => html! {
                    <div id="inbound-matches">
                        { for m.iter().map(|p| html! {
                            <div class="contact">
                                { option(EntityType::Person, p.person_id, format!("{}{}", p.name, if p.is_customer { format!(" · {}", tr("record.customer")) } else { String::new() })) }
                                { for p.leads.iter().map(|(id, interest)| option(EntityType::Lead, *id, format!("{} · {}", tr("entity.lead"), tr(&format!("interest.{interest}"))))) }
                                { for p.deals.iter().map(|(id, title)| option(EntityType::Deal, *id, format!("{} · {title}", tr("entity.deal")))) }
                            </div>
                        }) }
                    </div>
                },
            } }
            { (matches.as_ref().is_some_and(|m| !m.is_empty())).then(|| html! { <OutcomeForm seconds={0} on_submit={save} error={(*error).clone()} /> }) }
            { matches.as_ref().is_none_or(|m| m.is_empty()).then(|| error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> })).flatten() }
            <div class="actions"><button class="secondary" id="inbound-close" data-escape="true" onclick={{ let c = props.on_close.clone(); Callback::from(move |_| c.emit(false)) }}>{ tr("app.close") }</button></div>
        </div>
    }
}
