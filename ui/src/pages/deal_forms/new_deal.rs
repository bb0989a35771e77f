//! Opening a deal by hand for a person found by phone or e-mail.

use banco::model::{DealDetail, FieldError, NewDeal, PersonMatch, SourceChannel};
use chrono::NaiveDate;
use uuid::Uuid;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::lines::{errors_html, input_value, lines_editor, parse_lines, LineDraft};
use crate::api;
use crate::i18n::{error_text, tr};

#[derive(Properties, PartialEq)]
pub struct NewDealProps {
    pub pipeline_id: Option<Uuid>,
    pub on_done: Callback<Option<DealDetail>>,
}

/// Opens a deal by hand: find the person by phone or e-mail, then the
/// source, the lines and the expected close.
#[function_component(NewDealForm)]
pub fn new_deal_form(props: &NewDealProps) -> Html {
    let contact = use_state(String::new);
    let matches = use_state(Vec::<PersonMatch>::new);
    let person = use_state(|| None::<Uuid>);
    let source = use_state(|| SourceChannel::StoreWalkin);
    let drafts = use_state(|| {
        vec![LineDraft {
            quantity: "1".into(),
            ..Default::default()
        }]
    });
    let expected = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let on_contact = {
        let (contact, matches, person) = (contact.clone(), matches.clone(), person.clone());
        Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            contact.set(v.clone());
            let (matches, person) = (matches.clone(), person.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let (phone, email) = if v.contains('@') {
                    ("", v.as_str())
                } else {
                    (v.as_str(), "")
                };
                if let Some(m) = api::shown(api::find_matches(phone, email).await) {
                    person.set(m.first().map(|m| m.person.id));
                    matches.set(m);
                }
            });
        })
    };
    let on_create = {
        let (person, source, drafts, expected, errors, on_done) = (
            person.clone(),
            source.clone(),
            drafts.clone(),
            expected.clone(),
            errors.clone(),
            props.on_done.clone(),
        );
        let pipeline_id = props.pipeline_id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let lines = match parse_lines(&drafts) {
                Ok(l) => l,
                Err(e) => {
                    errors.set(e);
                    return;
                }
            };
            let new = NewDeal {
                id: Some(Uuid::now_v7()),
                pipeline_id,
                person_id: *person,
                source_channel: Some(*source),
                lines,
                expected_close: NaiveDate::parse_from_str(&expected, "%Y-%m-%d").ok(),
                ..Default::default()
            };
            let (errors, on_done) = (errors.clone(), on_done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::create_deal(&new).await {
                    Ok(d) => on_done.emit(Some(d)),
                    Err(e) if !e.fields.is_empty() => errors.set(e.fields.clone()),
                    Err(e) => errors.set(vec![
                        FieldError::new("deal", "error").with("detail", error_text(&e))
                    ]),
                }
            });
        })
    };
    let cancel = {
        let on_done = props.on_done.clone();
        Callback::from(move |_| on_done.emit(None))
    };
    html! {
        <form class="dialog wide" id="new-deal" onsubmit={on_create}>
            <h3>{ tr("deals.new") }</h3>
            { errors_html(&errors) }
            <label>{ tr("deals.find_customer") }<input name="contact" value={(*contact).clone()} oninput={on_contact} placeholder={tr("deals.find_customer_hint")} /></label>
            <div id="new-deal-matches">
                { for matches.iter().map(|m| {
                    let id = m.person.id;
                    let person = person.clone();
                    html! {
                        <label class="inline"><input type="radio" name="person" checked={*person == Some(id)}
                            onchange={Callback::from(move |_| person.set(Some(id)))} />
                            { format!("{} · {}", m.person.full_name(), crate::format::phone_display(&m.person.phone)) }</label>
                    }
                }) }
                { (matches.is_empty() && !contact.is_empty()).then(|| html! { <p class="muted">{ tr("deals.no_customer") }</p> }) }
            </div>
            <label>{ tr("field.source_channel") }
                <select name="source" onchange={{ let source = source.clone(); Callback::from(move |e: Event| {
                    if let Ok(s) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() { source.set(s) } }) }}>
                    { for [SourceChannel::StoreWalkin, SourceChannel::InboundCall, SourceChannel::Offline, SourceChannel::Referral, SourceChannel::CrossSell].iter().map(|s| html! {
                        <option value={s.as_str()} selected={*s == *source}>{ tr(&format!("source.{}", s.as_str())) }</option>
                    }) }
                </select>
            </label>
            { lines_editor(&drafts) }
            <label>{ tr("deals.expected_close") }<input type="date" name="expected_close" value={(*expected).clone()}
                oninput={{ let expected = expected.clone(); Callback::from(move |e: InputEvent| expected.set(input_value(&e))) }} /></label>
            <div class="actions">
                <button type="submit" class="primary" id="new-deal-save">{ tr("deals.create") }</button>
                <button type="button" data-escape="true" onclick={cancel}>{ tr("common.cancel") }</button>
            </div>
        </form>
    }
}
