//! A record's calls, messages and meetings panel, with the person's contact
//! preferences.

use banco::model::{
    ContactChannel, ContactPreferences, ContactPurpose, EntityType, Interaction, StartMessage,
    StartedCall,
};
use uuid::Uuid;
use yew::prelude::*;

use super::call_button::{CallButton, RefusalBanner};
use crate::api;
use crate::format::{local_time, phone_display};
use crate::i18n::{error_text, tr, tr_with};
use crate::Shared;

/// One interaction as a line: direction, outcome, length, note, who, when;
/// a call still waiting for its outcome has a button that reopens the
/// outcome dialog (`record`); every one can open a ticket (`on_ticket`,
/// with the interaction's id).
pub fn interaction_line(
    i: &Interaction,
    record: &Callback<StartedCall>,
    on_ticket: &Callback<Uuid>,
) -> Html {
    // A message has no outcome (Banco does not see it sent); a call waits
    // for one.
    let outcome = match (i.outcome, i.channel) {
        (Some(o), _) => format!(" — {}", tr(&format!("outcome.{}", o.as_str()))),
        (None, ContactChannel::Call) => format!(" — {}", tr("calls.pending")),
        (None, _) => String::new(),
    };
    let length = i
        .duration_seconds
        .filter(|s| *s > 0)
        .map(|s| format!(" · {}:{:02}", s / 60, s % 60))
        .unwrap_or_default();
    html! {
        <li data-outcome={match (i.outcome, i.channel) {
            (Some(o), _) => o.as_str(),
            (None, ContactChannel::Call) => "pending",
            (None, _) => "none",
        }}>
            <span class="when">{ format!("{} · {}", local_time(&i.started_at), i.user_name.clone().unwrap_or_default()) }</span><br/>
            <strong>{ format!("{} · {}", tr(&format!("channel.{}", i.channel.as_str())), tr(&format!("direction.{}", i.direction.as_str()))) }</strong>{ " " }
            { phone_display(&i.phone) }{ outcome }{ length }
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
            { {
                let (on_ticket, id) = (on_ticket.clone(), i.id);
                html! { <button class="link ticket-from-call" onclick={Callback::from(move |_| on_ticket.emit(id))}>{ tr("calls.open_ticket") }</button> }
            } }
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
    let ticket_opened = use_state(|| None::<String>);
    let on_ticket = {
        let (ticket_opened, error) = (ticket_opened.clone(), error.clone());
        Callback::from(move |interaction: Uuid| {
            let (ticket_opened, error) = (ticket_opened.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let new = banco::model::NewTicket {
                    interaction_id: Some(interaction),
                    ..Default::default()
                };
                match api::open_ticket(&new).await {
                    Ok(d) => ticket_opened.set(Some(d.ticket.title)),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
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
    // A message button: the contact rules decide on its channel, the
    // message is logged, then the desk's app opens. A refusal says why; a
    // manager may write anyway with a reason (as for a call).
    let refused_message = use_state(|| None::<(ContactChannel, String)>);
    let write = {
        let (items, error, refused) = (items.clone(), error.clone(), refused_message.clone());
        let (entity_type, entity_id) = (props.entity_type, props.entity_id);
        Callback::from(move |(channel, reason): (ContactChannel, Option<String>)| {
            let (items, error, refused) = (items.clone(), error.clone(), refused.clone());
            let message = StartMessage {
                entity_type,
                entity_id,
                channel,
                purpose: ContactPurpose::Service,
                override_reason: reason,
            };
            wasm_bindgen_futures::spawn_local(async move {
                match api::start_message(&message).await {
                    Ok(started) => {
                        error.set(None);
                        refused.set(None);
                        let mut next = vec![started.interaction];
                        next.extend((*items).iter().cloned());
                        items.set(next);
                        if let Err(e) = api::open_url(&started.open_url).await {
                            error.set(Some(error_text(&e)));
                        }
                    }
                    Err(e) if e.kind == banco::ErrorKind::ContactRefused => {
                        refused.set(Some((channel, error_text(&e))))
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    // Always offered: the core answers which number or address is missing.
    let message_button = |channel: ContactChannel, label: &str| {
        let write = write.clone();
        html! {
            <button class="secondary" id={format!("write-{}", channel.as_str())}
                title={tr("calls.write_hint")} onclick={Callback::from(move |_| write.emit((channel, None)))}>{ tr(label) }</button>
        }
    };
    let message_refused = refused_message.as_ref().map(|(channel, text)| {
        let (write, channel) = (write.clone(), *channel);
        html! {
            <RefusalBanner id="message-refused" text={text.clone()} reason_id="message-override-reason" button_id="message-override"
                button_label={tr("calls.write_anyway")} on_override={Callback::from(move |reason| write.emit((channel, Some(reason))))} />
        }
    });
    html! {
        <div class="card contact-panel" id="contact-panel">
            <div class="actions quick">
                <CallButton entity_type={props.entity_type} entity_id={props.entity_id} phone={props.phone.clone()} />
                { message_button(ContactChannel::Whatsapp, "calls.write_whatsapp") }
                { message_button(ContactChannel::Sms, "calls.write_sms") }
                { message_button(ContactChannel::Email, "calls.write_email") }
                <button class="secondary" id="meeting-new" onclick={{ let s = scheduling.clone(); Callback::from(move |_| s.set(!*s)) }}>{ tr("meetings.schedule") }</button>
            </div>
            { message_refused }
            { warning.as_ref().map(|w| html!{ <p class="hint" id="contact-warning">{ format!("{} {w}", tr("calls.refused")) }</p> }) }
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            { (*scheduling).then(|| html! {
                <crate::pages::meetings::MeetingForm entity_type={props.entity_type} entity_id={props.entity_id} email={props.email.clone()}
                    on_done={{ let (s, k) = (scheduling.clone(), meetings_key.clone()); Callback::from(move |_| { s.set(false); k.set(*k + 1) }) }} />
            }) }
            <crate::pages::meetings::RecordMeetings entity_type={props.entity_type} entity_id={props.entity_id} version={*meetings_key + version} />
            <h4>{ tr("calls.history") }</h4>
            { if items.is_empty() { html!{ <p class="hint">{ tr("calls.none") }</p> } } else { html!{} } }
            { ticket_opened.as_ref().map(|t| html! { <p class="banner" role="status" id="ticket-opened">{ tr_with("calls.ticket_opened", [("title", t.clone())]) }</p> }) }
            <ul class="timeline" id="interactions">{ for items.iter().map(|i| interaction_line(i, &record_outcome, &on_ticket)) }</ul>
            { (props.entity_type == EntityType::Person).then(|| html! { <Preferences person={props.entity_id} /> }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PreferencesProps {
    pub person: Uuid,
}

/// A person's wishes: not to be contacted at all, or not on some channels.
#[function_component(Preferences)]
pub fn preferences(props: &PreferencesProps) -> Html {
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
