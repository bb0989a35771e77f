//! Scheduling a meeting: when, how long, who (the record's e-mail prefilled), contact rules checked by the core.

use banco::model::{EntityType, Meeting, NewMeeting};
use chrono::{Duration, Utc};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::format::{local_input_to_utc, utc_to_local_input};
use crate::i18n::{error_text, tr};
use crate::Shared;

#[derive(Properties, PartialEq)]
pub struct MeetingFormProps {
    pub entity_type: EntityType,
    pub entity_id: Uuid,
    #[prop_or_default]
    pub email: Option<String>,
    pub on_done: Callback<Meeting>,
}

/// Schedules a meeting: title, start, length, colleagues, the customer's
/// e-mail. A contact-rule refusal says why; a manager may go on with a reason.
#[function_component(MeetingForm)]
pub fn meeting_form(props: &MeetingFormProps) -> Html {
    let shared = use_context::<Shared>();
    let title = use_state(String::new);
    let start = use_state(|| {
        // The next full hour.
        let now = Utc::now() + Duration::hours(1);
        utc_to_local_input(&(now - Duration::minutes(i64::from(chrono::Timelike::minute(&now)))))
    });
    let minutes = use_state(|| "30".to_string());
    let email = use_state(|| props.email.clone().unwrap_or_default());
    let people = use_state(Vec::<Uuid>::new);
    let error = use_state(|| None::<String>);
    let refused = use_state(|| false);
    let reason = use_state(String::new);
    let submit = {
        let (title, start, minutes, email, people, error, refused, reason) = (
            title.clone(),
            start.clone(),
            minutes.clone(),
            email.clone(),
            people.clone(),
            error.clone(),
            refused.clone(),
            reason.clone(),
        );
        let (kind, id, on_done) = (props.entity_type, props.entity_id, props.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(starts_at) = local_input_to_utc(&start) else {
                error.set(Some(tr("meetings.bad_start")));
                return;
            };
            let new = NewMeeting {
                entity_type: kind,
                entity_id: id,
                title: (*title).clone(),
                starts_at,
                duration_minutes: minutes.trim().parse().unwrap_or(0),
                participants: (*people).clone(),
                customer_email: Some((*email).clone()).filter(|e| !e.trim().is_empty()),
                override_reason: (*refused).then(|| (*reason).clone()),
            };
            let (error, refused, on_done) = (error.clone(), refused.clone(), on_done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::schedule_meeting(&new).await {
                    Ok(m) => on_done.emit(m),
                    Err(e) => {
                        if e.kind == banco::ErrorKind::ContactRefused {
                            refused.set(true);
                        }
                        error.set(Some(error_text(&e)));
                    }
                }
            });
        })
    };
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let me = shared.as_ref().map(|s| s.info.user.id);
    let colleagues: Vec<(Uuid, String)> = shared
        .as_ref()
        .map(|s| {
            s.info
                .users
                .iter()
                .filter(|u| u.active && Some(u.id) != me)
                .map(|u| (u.id, u.display_name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let manager = shared
        .as_ref()
        .is_some_and(|s| s.info.user.role.is_manager());
    html! {
        <form class="card meeting-form" id="meeting-form" onsubmit={submit}>
            <div class="grid2">
                <label class="field wide">{ tr("meetings.title") }<input id="meeting-title" value={(*title).clone()} oninput={input(&title)} /></label>
                <label class="field">{ tr("meetings.start") }<input id="meeting-start" type="datetime-local" value={(*start).clone()} oninput={input(&start)} /></label>
                <label class="field">{ tr("meetings.minutes") }<input id="meeting-minutes" type="number" min="5" max="480" step="5" value={(*minutes).clone()} oninput={input(&minutes)} /></label>
                <label class="field wide">{ tr("meetings.customer_email") }<input id="meeting-email" type="email" value={(*email).clone()} oninput={input(&email)} /></label>
            </div>
            { (!colleagues.is_empty()).then(|| html! {
                <div class="field"><label>{ tr("meetings.participants") }</label>
                    <div class="checks">
                        { for colleagues.iter().map(|(id, name)| {
                            let (people_state, id) = (people.clone(), *id);
                            let on = people.contains(&id);
                            html! { <label><input type="checkbox" checked={on} onchange={Callback::from(move |_| {
                                let mut next = (*people_state).clone();
                                if on { next.retain(|p| *p != id) } else { next.push(id) }
                                people_state.set(next)
                            })} />{ name }</label> }
                        }) }
                    </div>
                </div>
            }) }
            { error.as_ref().map(|e| html!{ <div class="banner error" id="meeting-error">{ e }</div> }) }
            { (*refused && manager).then(|| html! {
                <label class="field">{ tr("calls.override_reason") }<input id="meeting-override" value={(*reason).clone()} oninput={input(&reason)} /></label>
            }) }
            <div class="actions"><button type="submit" class="primary" id="meeting-save">{ tr("meetings.save") }</button></div>
        </form>
    }
}
