//! Linking a deal without a customer to a person or company.

use banco::model::{DealDetail, PersonMatch};
use uuid::Uuid;
use yew::prelude::*;

use super::lines::input_value;
use crate::api;
use crate::i18n::{error_text, tr};

/// Properties of [`LinkCustomer`].
#[derive(Properties, PartialEq)]
pub struct LinkCustomerProps {
    /// The deal without a customer.
    pub deal_id: Uuid,
    /// Called with the deal once linked.
    pub on_linked: Callback<DealDetail>,
}

/// "Without customer yet": find a person by phone or e-mail and link them
/// to the deal (deals imported before their account existed).
#[function_component(LinkCustomer)]
pub fn link_customer(props: &LinkCustomerProps) -> Html {
    let contact = use_state(String::new);
    let matches = use_state(Vec::<PersonMatch>::new);
    let error = use_state(|| None::<String>);
    let on_contact = {
        let (contact, matches) = (contact.clone(), matches.clone());
        Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            contact.set(v.clone());
            let matches = matches.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let (phone, email) = if v.contains('@') {
                    ("", v.as_str())
                } else {
                    (v.as_str(), "")
                };
                match api::find_matches(phone, email).await {
                    Ok(m) => matches.set(m),
                    Err(e) => web_sys::console::warn_1(
                        &format!("customer lookup failed: {}", e.message).into(),
                    ),
                }
            });
        })
    };
    html! {
        <div class="link-customer" id="deal-link-customer">
            <p class="muted">{ tr("deals.without_customer") }</p>
            <input name="link_contact" value={(*contact).clone()} oninput={on_contact} placeholder={tr("deals.find_customer_hint")} />
            { for matches.iter().map(|m| {
                let (person_id, deal_id) = (m.person.id, props.deal_id);
                let (on_linked, error) = (props.on_linked.clone(), error.clone());
                let link = Callback::from(move |_| {
                    let (on_linked, error) = (on_linked.clone(), error.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        match api::link_deal_customer(deal_id, Some(person_id), None).await {
                            Ok(d) => on_linked.emit(d),
                            Err(e) => error.set(Some(error_text(&e))),
                        }
                    });
                });
                html! {
                    <div class="inline">
                        { format!("{} · {}", m.person.full_name(), crate::format::phone_display(&m.person.phone)) }
                        { " " }<button type="button" class="small" onclick={link}>{ tr("deals.link_customer") }</button>
                    </div>
                }
            }) }
            { error.as_ref().map(|e| html! { <p class="error">{ e }</p> }) }
        </div>
    }
}
