//! Deal forms: editing a deal's offer lines and terms, and opening a deal by
//! hand for a person found by phone or e-mail.

use banco::model::{
    parse_money, DealDetail, DealLine, DealUpdate, FieldError, NewDeal, PersonMatch, SourceChannel,
};
use chrono::NaiveDate;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::{error_text, field_error, field_label, tr};
use crate::{api, Shared};

/// A line as typed: amounts in major units, as text.
#[derive(Clone, PartialEq, Default)]
struct LineDraft {
    id: Uuid,
    product: String,
    quantity: String,
    one_off: String,
    monthly: String,
}

fn major(minor: i64) -> String {
    banco::model::minor_to_decimal(minor).replace('.', ",")
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// Parses the drafts; errors name the line and field (`lines.0.one_off_minor`).
fn parse_lines(drafts: &[LineDraft]) -> Result<Vec<DealLine>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        if d.product.trim().is_empty() && d.one_off.trim().is_empty() && d.monthly.trim().is_empty()
        {
            continue;
        }
        let money = |v: &str, f: &str, errors: &mut Vec<FieldError>| -> i64 {
            if v.trim().is_empty() {
                return 0;
            }
            parse_money(v, &format!("lines.{i}.{f}"))
                .map_err(|e| errors.push(e))
                .unwrap_or(0)
        };
        let quantity = match d.quantity.trim() {
            "" => 1,
            q => q.parse().unwrap_or_else(|_| {
                errors.push(
                    FieldError::new(format!("lines.{i}.quantity"), "not_a_number").with("value", q),
                );
                1
            }),
        };
        lines.push(DealLine {
            id: d.id,
            product: d.product.clone(),
            quantity,
            one_off_minor: money(&d.one_off, "one_off_minor", &mut errors),
            monthly_minor: money(&d.monthly, "monthly_minor", &mut errors),
        });
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

fn lines_editor(drafts: &UseStateHandle<Vec<LineDraft>>) -> Html {
    let set = |i: usize, f: fn(&mut LineDraft, String)| {
        let drafts = drafts.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*drafts).clone();
            if let Some(d) = next.get_mut(i) {
                f(d, input_value(&e));
            }
            drafts.set(next);
        })
    };
    let add = {
        let drafts = drafts.clone();
        Callback::from(move |_| {
            let mut next = (*drafts).clone();
            next.push(LineDraft {
                quantity: "1".into(),
                ..Default::default()
            });
            drafts.set(next);
        })
    };
    html! {
        <>
            <table class="list lines-editor">
                <thead><tr><th>{ tr("deals.product") }</th><th>{ tr("deals.quantity") }</th><th>{ tr("deals.one_off") }</th><th>{ tr("deals.monthly") }</th></tr></thead>
                <tbody>
                    { for drafts.iter().enumerate().map(|(i, d)| html! {
                        <tr>
                            <td><input name={format!("line-{i}-product")} value={d.product.clone()} oninput={set(i, |d, v| d.product = v)} /></td>
                            <td><input name={format!("line-{i}-quantity")} class="narrow" inputmode="numeric" value={d.quantity.clone()} oninput={set(i, |d, v| d.quantity = v)} /></td>
                            <td><input name={format!("line-{i}-one_off")} class="narrow" inputmode="decimal" value={d.one_off.clone()} oninput={set(i, |d, v| d.one_off = v)} /></td>
                            <td><input name={format!("line-{i}-monthly")} class="narrow" inputmode="decimal" value={d.monthly.clone()} oninput={set(i, |d, v| d.monthly = v)} /></td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <button type="button" class="small" id="line-add" onclick={add}>{ tr("deals.add_line") }</button>
        </>
    }
}

fn errors_html(errors: &[FieldError]) -> Html {
    if errors.is_empty() {
        return html! {};
    }
    html! {
        <div class="banner error" role="alert"><ul>
            { for errors.iter().map(|e| html! { <li>{ format!("{}: {}", field_label(&e.field), field_error(e)) }</li> }) }
        </ul></div>
    }
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub detail: DealDetail,
    pub on_saved: Callback<DealDetail>,
}

/// Edits a deal's lines, contract months, probability, expected close and owner.
#[function_component(DealEditor)]
pub fn deal_editor(props: &EditorProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let d = &props.detail;
    let drafts = use_state(|| {
        let mut v: Vec<LineDraft> = d
            .lines
            .iter()
            .map(|l| LineDraft {
                id: l.id,
                product: l.product.clone(),
                quantity: l.quantity.to_string(),
                one_off: major(l.one_off_minor),
                monthly: major(l.monthly_minor),
            })
            .collect();
        if v.is_empty() {
            v.push(LineDraft {
                quantity: "1".into(),
                ..Default::default()
            });
        }
        v
    });
    let months = use_state(|| d.deal.contract_months.to_string());
    let probability = use_state(|| {
        if d.deal.probability_overridden {
            d.deal.probability.to_string()
        } else {
            String::new()
        }
    });
    let expected = use_state(|| {
        d.deal
            .expected_close
            .map(|x| x.to_string())
            .unwrap_or_default()
    });
    let owner = use_state(|| d.deal.owner_id);
    let errors = use_state(Vec::<FieldError>::new);
    let on_save = {
        let (drafts, months, probability, expected, owner, errors, on_saved) = (
            drafts.clone(),
            months.clone(),
            probability.clone(),
            expected.clone(),
            owner.clone(),
            errors.clone(),
            props.on_saved.clone(),
        );
        let (id, title) = (d.deal.id, d.deal.title.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut errs = Vec::new();
            let lines = parse_lines(&drafts).unwrap_or_else(|e| {
                errs.extend(e);
                Vec::new()
            });
            let contract_months = months.trim().parse::<u32>().unwrap_or_else(|_| {
                errs.push(
                    FieldError::new("contract_months", "not_a_number")
                        .with("value", (*months).clone()),
                );
                0
            });
            let probability = match probability.trim() {
                "" => None,
                p => match p.parse::<u8>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        errs.push(
                            FieldError::new("probability", "out_of_range")
                                .with("min", "0")
                                .with("max", "100"),
                        );
                        None
                    }
                },
            };
            if !errs.is_empty() {
                errors.set(errs);
                return;
            }
            let update = DealUpdate {
                title: title.clone(),
                lines,
                contract_months,
                probability,
                expected_close: NaiveDate::parse_from_str(&expected, "%Y-%m-%d").ok(),
                owner_id: *owner,
            };
            let (errors, on_saved) = (errors.clone(), on_saved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::update_deal(id, &update).await {
                    Ok(d) => {
                        errors.set(Vec::new());
                        on_saved.emit(d);
                    }
                    Err(e) if !e.fields.is_empty() => errors.set(e.fields.clone()),
                    Err(e) => errors.set(vec![
                        FieldError::new("deal", "error").with("detail", error_text(&e))
                    ]),
                }
            });
        })
    };
    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(input_value(&e)))
    };
    html! {
        <form class="deal-editor" id="deal-editor" onsubmit={on_save}>
            { errors_html(&errors) }
            { lines_editor(&drafts) }
            <div class="grid2">
                <label>{ tr("deals.contract_months") }<input name="contract_months" inputmode="numeric" value={(*months).clone()} oninput={text(&months)} /></label>
                <label>{ tr("deals.probability_override") }<input name="probability" inputmode="numeric" placeholder={tr("deals.stage_default")} value={(*probability).clone()} oninput={text(&probability)} /></label>
                <label>{ tr("deals.expected_close") }<input type="date" name="expected_close" value={(*expected).clone()} oninput={text(&expected)} /></label>
                <label>{ tr("deals.owner") }
                    <select name="owner" onchange={{ let owner = owner.clone(); Callback::from(move |e: Event| owner.set(Uuid::parse_str(&e.target_unchecked_into::<HtmlSelectElement>().value()).ok())) }}>
                        { for shared.info.users.iter().filter(|u| u.active).map(|u| html! { <option value={u.id.to_string()} selected={Some(u.id) == *owner}>{ &u.display_name }</option> }) }
                    </select>
                </label>
            </div>
            <div class="actions"><button type="submit" class="primary" id="deal-save">{ tr("deals.save") }</button></div>
        </form>
    }
}

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
                <button type="button" onclick={cancel}>{ tr("common.cancel") }</button>
            </div>
        </form>
    }
}

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
