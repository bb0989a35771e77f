//! Calls: the call button of every number (contact rules, manager
//! override, dialling through the opener), the outcome dialog shown when
//! the user comes back, the inbound-call dialog, the "to call" queue, and
//! the calls-and-meetings panel of a record.

use banco::model::{
    CallOutcome, CallerMatch, ContactChannel, ContactPreferences, EntityType, InboundCall,
    Interaction, OutcomeInput, QueueItem, Role, StartCall, StartedCall,
};
use chrono::Utc;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api;
use crate::format::local_input_to_utc;
use crate::format::{local_time, phone_display};
use crate::i18n::{error_text, tr, tr_with};
use crate::Shared;

fn is_manager(shared: &Option<Shared>) -> bool {
    shared
        .as_ref()
        .is_some_and(|s| matches!(s.info.user.role, Role::Admin | Role::StoreManager))
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

#[derive(Properties, PartialEq)]
pub struct OutcomeFormProps {
    /// Length to start from, in seconds.
    pub seconds: i64,
    pub on_submit: Callback<OutcomeInput>,
    #[prop_or_default]
    pub error: Option<String>,
}

/// Outcome, length, note and call-back time of a call.
#[function_component(OutcomeForm)]
pub fn outcome_form(props: &OutcomeFormProps) -> Html {
    let outcome = use_state(|| CallOutcome::Reached);
    let minutes = use_state(|| (props.seconds / 60).to_string());
    let seconds = use_state(|| (props.seconds % 60).to_string());
    let note = use_state(String::new);
    let back = use_state(String::new);
    let submit = {
        let (outcome, minutes, seconds, note, back, on_submit) = (
            outcome.clone(),
            minutes.clone(),
            seconds.clone(),
            note.clone(),
            back.clone(),
            props.on_submit.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let m: i64 = minutes.trim().parse().unwrap_or(0);
            let s: i64 = seconds.trim().parse().unwrap_or(0);
            on_submit.emit(OutcomeInput {
                outcome: *outcome,
                duration_seconds: Some(m * 60 + s),
                note: Some((*note).clone()).filter(|n| !n.trim().is_empty()),
                call_back_at: if *outcome == CallOutcome::CallBack {
                    local_input_to_utc(&back)
                } else {
                    None
                },
            });
        })
    };
    let text_input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <form onsubmit={submit} id="call-outcome-form">
            <div class="checks" role="radiogroup">
                { for CallOutcome::ALL.iter().map(|o| {
                    let (state, o) = (outcome.clone(), *o);
                    html! {
                        <label>
                            <input type="radio" name="outcome" id={format!("outcome-{}", o.as_str())} checked={*outcome == o}
                                onchange={Callback::from(move |_| state.set(o))} />
                            { tr(&format!("outcome.{}", o.as_str())) }
                        </label>
                    }
                }) }
            </div>
            <div class="grid2">
                <label class="field">{ tr("calls.minutes") }
                    <input id="call-minutes" type="number" min="0" value={(*minutes).clone()} oninput={text_input(&minutes)} /></label>
                <label class="field">{ tr("calls.seconds") }
                    <input id="call-seconds" type="number" min="0" max="59" value={(*seconds).clone()} oninput={text_input(&seconds)} /></label>
            </div>
            { (*outcome == CallOutcome::CallBack).then(|| html! {
                <label class="field">{ tr("calls.call_back_at") }
                    <input id="call-back-at" type="datetime-local" value={(*back).clone()} oninput={text_input(&back)} /></label>
            }) }
            <label class="field">{ tr("calls.note") }
                <textarea id="call-note" rows="3" value={(*note).clone()}
                    oninput={{ let note = note.clone(); Callback::from(move |e: InputEvent| note.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} /></label>
            { props.error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            <div class="actions"><button type="submit" class="primary" id="call-outcome-save">{ tr("calls.save_outcome") }</button></div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct OutcomeDialogProps {
    pub call: StartedCall,
    /// Called after the outcome is saved (or the dialog is put aside).
    pub on_done: Callback<bool>,
}

/// The small dialog that records how a call went, shown when the user
/// comes back to Banco after dialling (and again at start for calls left
/// without an outcome).
#[function_component(OutcomeDialog)]
pub fn outcome_dialog(props: &OutcomeDialogProps) -> Html {
    let error = use_state(|| None::<String>);
    let elapsed = (Utc::now() - props.call.interaction.started_at)
        .num_seconds()
        .clamp(0, 86_400);
    let save = {
        let (error, on_done, id) = (
            error.clone(),
            props.on_done.clone(),
            props.call.interaction.id,
        );
        Callback::from(move |o: OutcomeInput| {
            let (error, on_done) = (error.clone(), on_done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::record_call_outcome(id, &o).await {
                    Ok(_) => on_done.emit(true),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    html! {
        <div class="dialog wide" id="call-outcome">
            <h3>{ tr_with("calls.outcome_title", [("who", props.call.title.clone())]) }</h3>
            <p class="hint">{ format!("{} · {}", phone_display(&props.call.interaction.phone), local_time(&props.call.interaction.started_at)) }</p>
            <OutcomeForm seconds={elapsed} on_submit={save} error={(*error).clone()} />
            <div class="actions"><button class="secondary" id="call-outcome-later" onclick={{ let on_done = props.on_done.clone(); Callback::from(move |_| on_done.emit(false)) }}>{ tr("calls.later") }</button></div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct InboundProps {
    pub on_close: Callback<bool>,
}

/// Logs an inbound call: type or paste the caller's number, pick the
/// person, lead or deal it is about, record outcome, length and note.
#[function_component(InboundDialog)]
pub fn inbound_dialog(props: &InboundProps) -> Html {
    let phone = use_state(String::new);
    let matches = use_state(|| None::<Vec<CallerMatch>>);
    let chosen = use_state(|| None::<(EntityType, Uuid)>);
    let error = use_state(|| None::<String>);
    let find = {
        let (phone, matches, chosen, error) = (
            phone.clone(),
            matches.clone(),
            chosen.clone(),
            error.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (phone, matches, chosen, error) = (
                phone.clone(),
                matches.clone(),
                chosen.clone(),
                error.clone(),
            );
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
            <div class="actions"><button class="secondary" id="inbound-close" onclick={{ let c = props.on_close.clone(); Callback::from(move |_| c.emit(false)) }}>{ tr("app.close") }</button></div>
        </div>
    }
}

/// One interaction as a line: direction, outcome, length, note, who, when;
/// a call still waiting for its outcome has a button that reopens the
/// outcome dialog (`record`).
pub fn interaction_line(i: &Interaction, record: &Callback<StartedCall>) -> Html {
    let outcome = i
        .outcome
        .map(|o| tr(&format!("outcome.{}", o.as_str())))
        .unwrap_or_else(|| tr("calls.pending"));
    let length = i
        .duration_seconds
        .filter(|s| *s > 0)
        .map(|s| format!(" · {}:{:02}", s / 60, s % 60))
        .unwrap_or_default();
    html! {
        <li data-outcome={i.outcome.map(|o| o.as_str()).unwrap_or("pending")}>
            <span class="when">{ format!("{} · {}", local_time(&i.started_at), i.user_name.clone().unwrap_or_default()) }</span><br/>
            <strong>{ format!("{} · {}", tr(&format!("channel.{}", i.channel.as_str())), tr(&format!("direction.{}", i.direction.as_str()))) }</strong>{ " " }
            { phone_display(&i.phone) }{ " — " }{ outcome }{ length }
            { i.note.as_ref().map(|n| html!{ <div>{ n }</div> }) }
            { i.override_reason.as_ref().map(|r| html!{ <div class="hint">{ tr_with("calls.overridden", [("code", tr(&format!("contact_rule.short.{}", i.override_code.clone().unwrap_or_default()))), ("reason", r.clone())]) }</div> }) }
            { (i.outcome.is_none() && i.channel == ContactChannel::Call).then(|| {
                let (record, call) = (record.clone(), StartedCall {
                    interaction: i.clone(),
                    dial_url: String::new(),
                    title: phone_display(&i.phone),
                });
                html! { <button class="link record-outcome" onclick={Callback::from(move |_| record.emit(call.clone()))}>{ tr("calls.save_outcome") }</button> }
            }) }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct ContactPanelProps {
    pub entity_type: EntityType,
    pub entity_id: Uuid,
    /// The record's main number (E.164), for the call button.
    #[prop_or_default]
    pub phone: Option<String>,
    /// The customer's e-mail, offered for meeting invitations.
    #[prop_or_default]
    pub email: Option<String>,
}

/// Calls and meetings of a record: call, schedule a meeting, the
/// interactions, the meetings; a person's contact preferences.
#[function_component(ContactPanel)]
pub fn contact_panel(props: &ContactPanelProps) -> Html {
    let shared = use_context::<Shared>();
    let version = shared.as_ref().map(|s| s.data_version).unwrap_or(0);
    let items = use_state(Vec::<Interaction>::new);
    let error = use_state(|| None::<String>);
    let scheduling = use_state(|| false);
    let warning = use_state(|| None::<String>);
    let record_outcome = shared
        .as_ref()
        .map(|s| s.call_started.clone())
        .unwrap_or_default();
    {
        // Says ahead of the click whether a call would be refused now.
        let warning = warning.clone();
        let (kind, id) = (props.entity_type, props.entity_id);
        use_effect_with((id, version), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(check) =
                    api::shown(api::check_contact(kind, id, ContactChannel::Call).await)
                {
                    warning.set(check.refusal.as_ref().map(crate::i18n::refusal_text));
                }
            });
        });
    }
    let meetings_key = use_state(|| 0u32);
    {
        let (items, error) = (items.clone(), error.clone());
        let (kind, id) = (props.entity_type, props.entity_id);
        use_effect_with((id, version), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::interactions(kind, id).await {
                    Ok(i) => items.set(i),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    html! {
        <div class="card contact-panel" id="contact-panel">
            <div class="actions quick">
                <CallButton entity_type={props.entity_type} entity_id={props.entity_id} phone={props.phone.clone()} />
                <button class="secondary" id="meeting-new" onclick={{ let s = scheduling.clone(); Callback::from(move |_| s.set(!*s)) }}>{ tr("meetings.schedule") }</button>
            </div>
            { warning.as_ref().map(|w| html!{ <p class="hint" id="contact-warning">{ format!("{} {w}", tr("calls.refused")) }</p> }) }
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            { (*scheduling).then(|| html! {
                <super::meetings::MeetingForm entity_type={props.entity_type} entity_id={props.entity_id} email={props.email.clone()}
                    on_done={{ let (s, k) = (scheduling.clone(), meetings_key.clone()); Callback::from(move |_| { s.set(false); k.set(*k + 1) }) }} />
            }) }
            <super::meetings::RecordMeetings entity_type={props.entity_type} entity_id={props.entity_id} version={*meetings_key + version} />
            <h4>{ tr("calls.history") }</h4>
            { if items.is_empty() { html!{ <p class="hint">{ tr("calls.none") }</p> } } else { html!{} } }
            <ul class="timeline" id="interactions">{ for items.iter().map(|i| interaction_line(i, &record_outcome)) }</ul>
            { (props.entity_type == EntityType::Person).then(|| html! { <Preferences person={props.entity_id} /> }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PreferencesProps {
    person: Uuid,
}

/// A person's wishes: not to be contacted at all, or not on some channels.
#[function_component(Preferences)]
fn preferences(props: &PreferencesProps) -> Html {
    let prefs = use_state(|| None::<ContactPreferences>);
    let notice = use_state(|| None::<String>);
    {
        let prefs = prefs.clone();
        use_effect_with(props.person, move |id| {
            let id = *id;
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(p) = api::shown(api::contact_preferences(id).await) {
                    prefs.set(Some(p));
                }
            });
        });
    }
    let Some(p) = (*prefs).clone() else {
        return html! {};
    };
    let save = {
        let (prefs, notice, person) = (prefs.clone(), notice.clone(), props.person);
        Callback::from(move |next: ContactPreferences| {
            let (prefs, notice) = (prefs.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_contact_preferences(person, &next).await {
                    Ok(p) => {
                        prefs.set(Some(p));
                        notice.set(Some(tr("settings.saved")));
                    }
                    Err(e) => notice.set(Some(error_text(&e))),
                }
            });
        })
    };
    html! {
        <div id="contact-preferences">
            <h4>{ tr("prefs.title") }</h4>
            <div class="checks">
                <label><input type="checkbox" id="pref-do-not-contact" checked={p.do_not_contact}
                    onchange={{ let (save, p) = (save.clone(), p.clone()); Callback::from(move |_| save.emit(ContactPreferences { do_not_contact: !p.do_not_contact, ..p.clone() })) }} />
                    { tr("prefs.do_not_contact") }</label>
                { for ContactChannel::ALL.iter().filter(|c| **c != ContactChannel::Meeting).map(|ch| {
                    let (save, p, ch) = (save.clone(), p.clone(), *ch);
                    let blocked = p.blocked_channels.contains(&ch);
                    html! {
                        <label><input type="checkbox" id={format!("pref-block-{}", ch.as_str())} checked={blocked}
                            onchange={Callback::from(move |_| {
                                let mut next = p.clone();
                                if blocked { next.blocked_channels.retain(|c| *c != ch) } else { next.blocked_channels.push(ch) }
                                save.emit(next)
                            })} />
                            { tr_with("prefs.no_channel", [("channel", tr(&format!("channel.{}", ch.as_str())))]) }</label>
                    }
                }) }
            </div>
            { notice.as_ref().map(|n| html!{ <p class="hint">{ n }</p> }) }
        </div>
    }
}

/// The "to call" screen: leads and deals whose SLA is running out or has
/// passed, and due call-backs, most urgent first, with the reason.
#[function_component(ToCall)]
pub fn to_call() -> Html {
    let shared = use_context::<Shared>();
    let version = shared.as_ref().map(|s| s.data_version).unwrap_or(0);
    let items = use_state(|| None::<Vec<QueueItem>>);
    let error = use_state(|| None::<String>);
    let reload = {
        let (items, error) = (items.clone(), error.clone());
        Callback::from(move |_: ()| {
            let (items, error) = (items.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::call_queue().await {
                    Ok(q) => items.set(Some(q)),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(version, move |_| reload.emit(()));
    }
    let now = Utc::now();
    html! {
        <div class="card">
            <h2>{ tr("queue.title") }</h2>
            <p class="hint">{ tr("queue.hint") }</p>
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            { match &*items {
                None => html! { <p>{ tr("app.loading") }</p> },
                Some(q) if q.is_empty() => html! { <p class="hint" id="queue-empty">{ tr("queue.empty") }</p> },
                Some(q) => html! {
                    <table id="call-queue">
                        <thead><tr><th>{ tr("queue.reason") }</th><th>{ tr("queue.record") }</th><th>{ tr("queue.stage") }</th><th>{ tr("queue.deadline") }</th><th>{ tr("queue.attempts") }</th><th></th></tr></thead>
                        <tbody>
                            { for q.iter().map(|i| {
                                let hours = (i.deadline - now).num_minutes();
                                let when = if hours < 0 {
                                    tr_with("queue.late_by", [("time", duration_text(-hours))])
                                } else {
                                    tr_with("queue.due_in", [("time", duration_text(hours))])
                                };
                                let open = shared.as_ref().map(|s| s.open_record.clone());
                                let (kind, id) = (i.entity_type, i.entity_id);
                                html! {
                                    <tr data-reason={i.reason.as_str()}>
                                        <td><span class={classes!("pill", i.reason.as_str())}>{ tr(&format!("queue.reason.{}", i.reason.as_str())) }</span></td>
                                        <td><button class="link" onclick={Callback::from(move |_| if let Some(o) = &open { o.emit((kind, id)) })}>{ &i.title }</button>
                                            <span class="hint">{ format!(" · {}", tr(&format!("entity.{}", i.entity_type.as_str()))) }</span></td>
                                        <td>{ &i.stage }</td>
                                        <td>{ local_time(&i.deadline) }<br/><span class="hint">{ when }</span></td>
                                        <td>{ i.attempts }</td>
                                        <td>
                                            { i.phone.as_ref().map(|_| html! { <CallButton entity_type={i.entity_type} entity_id={i.entity_id} phone={i.phone.clone()} id={format!("queue-call-{}", i.entity_id)} /> }) }
                                            { i.reminder_id.map(|r| {
                                                let reload = reload.clone();
                                                html! { <button class="secondary" onclick={Callback::from(move |_| {
                                                    let reload = reload.clone();
                                                    wasm_bindgen_futures::spawn_local(async move {
                                                        api::shown(api::complete_reminder(r).await);
                                                        reload.emit(());
                                                    });
                                                })}>{ tr("queue.done") }</button> }
                                            }) }
                                        </td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                },
            } }
        </div>
    }
}

/// "2 h 05 min" / "45 min".
fn duration_text(minutes: i64) -> String {
    if minutes >= 60 {
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}
