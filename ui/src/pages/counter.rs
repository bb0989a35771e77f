//! The Counter: capture a walk-in customer as a lead, keyboard first.
//! Tab follows the form, Enter saves, the form clears and focus returns to
//! the first field. Inputs carry the model's field names as `name`.

use std::cell::RefCell;
use std::rc::Rc;

use banco::model::{
    CaptureLead, FieldError, Interest, PersonMatch, QueuedBecause, SavedCapture, SourceChannel,
};
use gloo_timers::callback::Timeout;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::format::phone_display;
use crate::i18n::{error_text, field_error, tr, tr_with};
use crate::{api, Shared};

/// Milliseconds to wait after the last key before looking up matches.
const MATCH_DELAY_MS: u32 = 300;

/// Every change the form can go through. Applied by a reducer to the
/// current state, so fast typing (or a barcode reader) never writes a field
/// back from a stale copy of the form.
enum Action {
    Text(&'static str, String),
    Interest(Interest),
    Source(SourceChannel),
    Store(Option<Uuid>),
    /// The campaign, and its channel as the source.
    Campaign(Option<(Uuid, SourceChannel)>),
    Consent(&'static str, bool),
    Person(Option<Uuid>),
    /// The clerk's answer when the phone or e-mail is someone else's under
    /// another name: `Some(id)` the same person, `None` a new one.
    SamePerson(Option<Uuid>),
    Reset(Option<Uuid>),
    Errors(Vec<FieldError>),
}

/// The form's input and the errors shown beside its fields; one state, so
/// a keystroke updates both in one render.
#[derive(Clone, PartialEq)]
struct Form(CaptureLead, Vec<FieldError>);

impl Reducible for Form {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut f = self.0.clone();
        let mut errors = self.1.clone();
        match action {
            Action::Text(field, value) => {
                errors.retain(|e| e.field != field);
                match field {
                    "first_name" => f.first_name = value,
                    "last_name" => f.last_name = value,
                    "phone" => f.phone = value,
                    "email" => f.email = value,
                    _ => f.note = value,
                }
                if field == "phone" || field == "email" {
                    f.person_id = None;
                    f.new_person = false;
                }
            }
            Action::Interest(i) => f.interest = i,
            Action::Source(s) => f.source_channel = s,
            Action::Store(s) => f.store_id = s,
            Action::Campaign(c) => {
                f.campaign_id = c.map(|(id, _)| id);
                if let Some((_, channel)) = c {
                    f.source_channel = channel;
                }
            }
            Action::Consent(which, checked) => match which {
                "service_contact" => f.consents.service_contact = checked,
                "marketing" => f.consents.marketing = checked,
                "profiling" => f.consents.profiling = checked,
                _ => f.consents.third_parties = checked,
            },
            Action::Person(p) => f.person_id = p,
            Action::SamePerson(p) => {
                f.person_id = p;
                f.new_person = p.is_none();
                errors.retain(|e| e.field != "person");
            }
            Action::Reset(store_id) => {
                f = CaptureLead {
                    id: Some(Uuid::now_v7()),
                    store_id,
                    ..CaptureLead::default()
                };
                errors.clear();
            }
            Action::Errors(found) => errors = found,
        }
        Rc::new(Form(f, errors))
    }
}

#[function_component(Counter)]
pub fn counter() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let prefill = shared.prefill.clone();
    let state = use_reducer(move || {
        Form(
            CaptureLead {
                id: Some(Uuid::now_v7()),
                ..prefill.map(|p| (*p).clone()).unwrap_or_default()
            },
            Vec::new(),
        )
    });
    let form = &state.0;
    let campaigns = use_state(Vec::<banco::model::Campaign>::new);
    {
        let campaigns = campaigns.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(c) = api::shown(api::list_campaigns().await) {
                    campaigns.set(c.into_iter().filter(|c| !c.archived).collect());
                }
            });
        });
    }
    let on_campaign = {
        let (state, campaigns) = (state.clone(), campaigns.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let picked = Uuid::parse_str(&value)
                .ok()
                .and_then(|id| campaigns.iter().find(|c| c.id == id))
                .map(|c| (c.id, c.channel));
            state.dispatch(Action::Campaign(picked));
        })
    };
    let server_error = use_state(|| None::<String>);
    let saved = use_state(|| None::<SavedCapture>);
    let matches = use_state(Vec::<PersonMatch>::new);
    let busy = use_state(|| false);
    let first = use_node_ref();
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);

    {
        let first = first.clone();
        use_effect_with((), move |_| {
            if let Some(input) = first.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
        });
    }

    {
        // Look up people with this phone or e-mail once typing pauses.
        let matches = matches.clone();
        let timer = timer.clone();
        // Typing that pauses twice: the first pause's answer, arriving
        // last, would show people matching what is no longer typed.
        let latest = crate::widgets::latest::use_latest();
        use_effect_with(
            (
                form.phone.clone(),
                form.email.clone(),
                form.first_name.clone(),
                form.last_name.clone(),
                // Another desk's capture may change who matches.
                shared.data_version,
            ),
            move |(phone, email, first, last, _)| {
                let (phone, email, first, last) =
                    (phone.clone(), email.clone(), first.clone(), last.clone());
                // Asked now, not when the pause ends: a change (a capture
                // that empties the form too) drops an answer on its way.
                let current = latest.ask();
                *timer.borrow_mut() = Some(Timeout::new(MATCH_DELAY_MS, move || {
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(found) =
                            api::find_matches_with_name(&phone, &email, &first, &last).await
                        {
                            if current() {
                                matches.set(found);
                            }
                        }
                    });
                }));
            },
        );
    }

    let on_text = |field: &'static str| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            state.dispatch(Action::Text(field, value));
        })
    };
    let on_select = |field: &'static str| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            state.dispatch(match field {
                "interest" => Action::Interest(value.parse().unwrap_or(Interest::Other)),
                "source_channel" => {
                    Action::Source(value.parse().unwrap_or(SourceChannel::StoreWalkin))
                }
                _ => Action::Store(Uuid::parse_str(&value).ok()),
            });
        })
    };
    let on_consent = |which: &'static str| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            state.dispatch(Action::Consent(
                which,
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            ));
        })
    };
    let choose_person = {
        let state = state.clone();
        Callback::from(move |id: Option<Uuid>| state.dispatch(Action::Person(id)))
    };

    // Sends `input` (already checked in the window).
    let save = {
        let (state, server_error, saved, matches, busy, first) = (
            state.clone(),
            server_error.clone(),
            saved.clone(),
            matches.clone(),
            busy.clone(),
            first.clone(),
        );
        Callback::from(move |input: CaptureLead| {
            busy.set(true);
            let (state, server_error, saved, matches, busy, first) = (
                state.clone(),
                server_error.clone(),
                saved.clone(),
                matches.clone(),
                busy.clone(),
                first.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::capture_lead(&input).await {
                    Ok(outcome) => {
                        saved.set(Some(outcome));
                        matches.set(Vec::new());
                        state.dispatch(Action::Reset(input.store_id));
                        if let Some(el) = first.cast::<HtmlInputElement>() {
                            let _ = el.focus();
                        }
                    }
                    Err(err) => {
                        if err.fields.is_empty() {
                            server_error.set(Some(error_text(&err)));
                        } else {
                            state.dispatch(Action::Errors(err.fields.clone()));
                        }
                        saved.set(None);
                    }
                }
                busy.set(false);
            });
        })
    };
    let onsubmit = {
        let (state, server_error, saved, busy, save) = (
            state.clone(),
            server_error.clone(),
            saved.clone(),
            busy.clone(),
            save.clone(),
        );
        let region = shared.info.tenant.default_region.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            server_error.set(None);
            // The form's id (made when the form was cleared) is kept until a
            // save succeeds, so pressing Enter again after a failed or lost
            // reply can never save the lead twice.
            let input = state.0.clone();
            if let Err(found) = input.validate(&region) {
                state.dispatch(Action::Errors(found));
                saved.set(None);
                return;
            }
            save.emit(input);
        })
    };
    // The phone or e-mail is someone else's under another name: ask.
    let same_question = state
        .1
        .iter()
        .find(|e| e.field == "person" && e.code == "same_contact_other_name")
        .map(|e| {
            let name = e.params.get("name").cloned().unwrap_or_default();
            let other = e.params.get("person_id").and_then(|id| Uuid::parse_str(id).ok());
            let answer = |person: Option<Uuid>| {
                let (state, save) = (state.clone(), save.clone());
                Callback::from(move |_| {
                    let mut input = state.0.clone();
                    input.person_id = person;
                    input.new_person = person.is_none();
                    state.dispatch(Action::SamePerson(person));
                    save.emit(input);
                })
            };
            html! {
                <div class="banner warn" id="counter-same-contact" role="alert">
                    <p>{ tr_with("counter.same_contact_question", [("name", name.clone())]) }</p>
                    <div class="actions">
                        <button id="counter-same-person" type="button" class="primary" onclick={answer(other)}>{ tr_with("counter.same_person", [("name", name)]) }</button>
                        <button id="counter-new-person" type="button" class="secondary" onclick={answer(None)}>{ tr("counter.new_person") }</button>
                    </div>
                </div>
            }
        });

    let error_of = |field: &str| state.1.iter().find(|e| e.field == field).map(field_error);
    let text_field = |field: &'static str,
                      kind: &'static str,
                      node: Option<NodeRef>,
                      autocomplete: &'static str| {
        let err = error_of(field);
        let value = match field {
            "first_name" => form.first_name.clone(),
            "last_name" => form.last_name.clone(),
            "phone" => form.phone.clone(),
            "email" => form.email.clone(),
            _ => form.note.clone(),
        };
        let id = format!("counter-{field}");
        html! {
            <div class={classes!("field", (field == "note").then_some("wide"), err.is_some().then_some("invalid"))}>
                <label for={id.clone()}>{ tr(&format!("field.{field}")) }</label>
                <input id={id} name={field} type={kind} value={value} autocomplete={autocomplete}
                    ref={node.unwrap_or_default()} oninput={on_text(field)}
                    aria-invalid={err.is_some().to_string()} />
                // Always present (empty when fine): a node that comes and goes
                // beside the input made Yew rebuild the input, losing focus.
                <span class="error" role="alert">{ err.unwrap_or_default() }</span>
            </div>
        }
    };
    let store_value = form.store_id.or(shared.info.user.store_id);
    let selected_person = form
        .person_id
        .or_else(|| matches.first().map(|m| m.person.id));

    html! {
        <div class="counter">
            <h1>{ tr("counter.title") }</h1>
            { saved.as_ref().map(|s| match s {
                SavedCapture::Delivered(o) => html! {
                    <div class="banner ok" id="counter-saved" role="status">
                        { tr_with("counter.saved", [("name", o.person.full_name())]) }
                        { if o.existing_person { format!(" · {}", tr("counter.saved_existing")) } else { String::new() } }
                        { if o.deal_id.is_some() { format!(" · {}", tr("counter.deal_opened")) } else { String::new() } }
                    </div>
                },
                // The database could not take it now: kept on this computer.
                SavedCapture::Queued { waiting, because, .. } => {
                    let key = match because {
                        QueuedBecause::Unreachable => "counter.queued",
                        QueuedBecause::Busy => "counter.queued_busy",
                        QueuedBecause::Behind => "counter.queued_behind",
                    };
                    html! {
                        <div class="banner warn" id="counter-queued" role="status">
                            { tr_with(key, [("waiting", waiting.to_string())]) }
                        </div>
                    }
                }
            }) }
            { server_error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { same_question }
            <div class="layout-counter">
                <form class="card" {onsubmit} id="counter-form" novalidate=true>
                    <div class="grid2">
                        { text_field("first_name", "text", Some(first.clone()), "off") }
                        { text_field("last_name", "text", None, "off") }
                        { text_field("phone", "tel", None, "off") }
                        { text_field("email", "email", None, "off") }
                        <div class="field">
                            <label for="counter-interest">{ tr("field.interest") }</label>
                            <select id="counter-interest" name="interest" onchange={on_select("interest")}>
                                { for Interest::ALL.iter().map(|i| html! {
                                    <option value={i.as_str()} selected={*i == form.interest}>{ tr(&format!("interest.{}", i.as_str())) }</option>
                                }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="counter-source">{ tr("field.source_channel") }</label>
                            <select id="counter-source" name="source_channel" onchange={on_select("source_channel")}>
                                { for SourceChannel::ALL.iter().filter(|s| **s != SourceChannel::Import).map(|s| html! {
                                    <option value={s.as_str()} selected={*s == form.source_channel}>{ tr(&format!("source.{}", s.as_str())) }</option>
                                }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="counter-store">{ tr("field.store_id") }</label>
                            <select id="counter-store" name="store_id" onchange={on_select("store_id")}>
                                { for shared.info.stores.iter().map(|s| html! {
                                    <option value={s.id.to_string()} selected={Some(s.id) == store_value}>{ &s.name }</option>
                                }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="counter-campaign">{ tr("deals.campaign") }</label>
                            <select id="counter-campaign" name="campaign_id" onchange={on_campaign}>
                                <option value="" selected={form.campaign_id.is_none()}>{ tr("counter.no_campaign") }</option>
                                { for campaigns.iter().map(|c| html! {
                                    <option value={c.id.to_string()} selected={Some(c.id) == form.campaign_id}>{ &c.name }</option>
                                }) }
                            </select>
                        </div>
                        { text_field("note", "text", None, "off") }
                        <fieldset class="field wide">
                            <legend>{ tr_with("counter.consents", [("version", shared.info.tenant.consent_text_version.clone())]) }</legend>
                            { for [("service_contact", form.consents.service_contact), ("marketing", form.consents.marketing),
                                   ("profiling", form.consents.profiling), ("third_parties", form.consents.third_parties)]
                                .into_iter().map(|(k, v)| html! {
                                    <label class="check">
                                        <input type="checkbox" name={format!("consent_{k}")} checked={v} onchange={on_consent(k)} />
                                        { tr(&format!("consent.{k}")) }
                                    </label>
                                }) }
                        </fieldset>
                    </div>
                    <div class="actions">
                        <button type="submit" class="primary" id="counter-save" disabled={*busy}>{ tr("counter.save") }</button>
                        <span class="hint">{ tr("counter.enter_hint") }</span>
                    </div>
                </form>
                <aside>
                    { if matches.is_empty() {
                        html! { <div class="card hint">{ tr("counter.no_match") }</div> }
                    } else {
                        html! {
                            <div class="card matches" id="counter-matches">
                                <strong>{ tr("counter.match_title") }</strong>
                                { matches.iter().find_map(|m| m.copy_taken_at).map(|at| html! {
                                    <p class="hint" id="counter-matches-copy">{ tr_with("people_copy.stale", [("at", crate::format::local_time(&at))]) }</p>
                                }) }
                                { for matches.iter().map(|m| {
                                    let id = m.person.id;
                                    let choose = choose_person.clone();
                                    let selected = selected_person == Some(id);
                                    html! {
                                        <div class={classes!("match", selected.then_some("selected"))}>
                                            <div>
                                                <div class="who">{ m.person.full_name() }
                                                    { m.matched_on.iter().any(|k| k == "name").then(|| html!{ <span class="pill evidence">{ tr("counter.same_name") }</span> }) }</div>
                                                <div class="hint">{ phone_display(&m.person.phone) }{ " " }{ m.person.email.clone().unwrap_or_default() }</div>
                                                <div class="hint">
                                                    { tr_with("counter.match_open", [("leads", m.open_leads.to_string()), ("deals", m.open_deals.to_string())]) }
                                                    { " · " }
                                                    { if m.person.is_customer { tr("counter.customer") } else { tr("counter.not_customer") } }
                                                </div>
                                                { (!m.open_elsewhere.is_empty()).then(|| html! {
                                                    <div class="hint elsewhere">
                                                        { tr("counter.open_elsewhere") }{ " " }
                                                        { m.open_elsewhere.iter().map(|e| tr_with("counter.open_elsewhere_item", [
                                                            ("store", e.store_name.clone().unwrap_or_else(|| tr("counter.no_store"))),
                                                            ("status", tr(&format!("status.{}", e.status.as_str()))),
                                                        ])).collect::<Vec<_>>().join(", ") }
                                                    </div>
                                                }) }
                                            </div>
                                            { if selected {
                                                html!{ <span class="pill">{ tr("counter.will_attach") }</span> }
                                            } else {
                                                html!{ <button type="button" class="secondary" onclick={Callback::from(move |_| choose.emit(Some(id)))}>{ tr("counter.use_person") }</button> }
                                            } }
                                        </div>
                                    }
                                }) }
                            </div>
                        }
                    } }
                </aside>
            </div>
        </div>
    }
}
