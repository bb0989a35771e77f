//! Video meetings: the scheduling form of a record, a record's meetings,
//! the day and week view, and the note dialog shown when a meeting ends.

use banco::model::{EntityType, Meeting, MeetingEnded, MeetingStatus, NewMeeting, NoteKind};
use chrono::{Duration, Utc};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api;
use crate::format::local_time;
use crate::format::{local_input_to_utc, utc_to_local_input};
use crate::i18n::{error_text, tr, tr_with};
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
    let manager = shared.as_ref().is_some_and(|s| {
        matches!(
            s.info.user.role,
            banco::model::Role::Admin | banco::model::Role::StoreManager
        )
    });
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

#[derive(Properties, PartialEq)]
pub struct MeetingItemProps {
    pub meeting: Meeting,
    pub on_change: Callback<()>,
    /// Show which record it is about (the day and week view).
    #[prop_or_default]
    pub show_record: bool,
}

/// One meeting with its actions: join, end, cancel, invitation, link.
#[function_component(MeetingItem)]
pub fn meeting_item(props: &MeetingItemProps) -> Html {
    let shared = use_context::<Shared>();
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let m = &props.meeting;
    let run = {
        let (error, on_change) = (error.clone(), props.on_change.clone());
        move |action: &'static str, id: Uuid| {
            let (error, on_change) = (error.clone(), on_change.clone());
            Callback::from(move |_| {
                let (error, on_change) = (error.clone(), on_change.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let result = match action {
                        "join" => api::join_meeting(id).await.map(|_| ()),
                        "end" => api::end_meeting(id).await.map(|_| ()),
                        _ => api::cancel_meeting(id, "").await.map(|_| ()),
                    };
                    match result {
                        Ok(()) => on_change.emit(()),
                        Err(e) => error.set(Some(error_text(&e))),
                    }
                });
            })
        }
    };
    let ics = {
        let (error, notice, id) = (error.clone(), notice.clone(), m.id);
        Callback::from(move |_| {
            let (error, notice) = (error.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_meeting_ics(id).await {
                    Ok(Some(path)) => {
                        notice.set(Some(tr_with("meetings.ics_saved", [("path", path)])))
                    }
                    Ok(None) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let url = m.url();
    let copy = {
        let (notice, url) = (notice.clone(), url.clone());
        Callback::from(move |_| {
            copy_text(&url);
            notice.set(Some(tr("meetings.link_copied")));
        })
    };
    let open = shared.as_ref().map(|s| s.open_record.clone());
    let (kind, rid) = (m.entity_type, m.entity_id);
    let end_time = m.starts_at + Duration::minutes(i64::from(m.duration_minutes));
    html! {
        <li class="meeting" data-status={m.status.as_str()} data-room={m.room.clone()}>
            <span class="when">{ format!("{} – {}", local_time(&m.starts_at), &local_time(&end_time)[11..]) }</span>{ " " }
            <strong>{ &m.title }</strong>{ " " }
            <span class={classes!("pill", m.status.as_str())}>{ tr(&format!("meeting_status.{}", m.status.as_str())) }</span>
            { props.show_record.then(|| html! { <>{ " · " }<button class="link" onclick={Callback::from(move |_| if let Some(o) = &open { o.emit((kind, rid)) })}>{ &m.record_title }</button></> }) }
            <div class="hint">{ m.participants.iter().map(|(_, n)| n.clone()).chain(m.customer_email.clone()).collect::<Vec<_>>().join(", ") }
                { m.actual_minutes().map(|n| format!(" · {}", tr_with("meetings.lasted", [("n", n.to_string())]))) }</div>
            <div class="actions">
                { matches!(m.status, MeetingStatus::Scheduled | MeetingStatus::InProgress).then(|| html! {
                    <button class="primary meeting-join" onclick={run("join", m.id)}>{ tr("meetings.join") }</button> }) }
                { (m.status == MeetingStatus::InProgress).then(|| html! {
                    <button class="secondary meeting-end" onclick={run("end", m.id)}>{ tr("meetings.end") }</button> }) }
                { matches!(m.status, MeetingStatus::Scheduled | MeetingStatus::InProgress).then(|| html! {
                    <button class="secondary meeting-cancel" onclick={run("cancel", m.id)}>{ tr("meetings.cancel") }</button> }) }
                <button class="secondary meeting-ics" onclick={ics}>{ tr("meetings.ics") }</button>
                <input class="meeting-link" readonly=true value={url.clone()} size="40" />
                <button class="secondary meeting-copy" onclick={copy}>{ tr("meetings.copy_link") }</button>
            </div>
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            { notice.as_ref().map(|n| html!{ <div class="hint">{ n }</div> }) }
        </li>
    }
}

/// Copies text to the clipboard (the async Clipboard API where the webview
/// has it; else a hidden text field and `execCommand("copy")`).
fn copy_text(text: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let clipboard = js_sys::Reflect::get(&window, &"navigator".into())
        .and_then(|n| js_sys::Reflect::get(&n, &"clipboard".into()))
        .ok()
        .filter(|c| !c.is_undefined());
    if let Some(c) = clipboard {
        if let Ok(write) = js_sys::Reflect::get(&c, &"writeText".into()) {
            if let Some(f) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&write) {
                if f.call1(&c, &text.into()).is_ok() {
                    return;
                }
            }
        }
    }
    if let Some(doc) = window.document() {
        if let Ok(el) = doc.create_element("textarea") {
            let area: web_sys::HtmlTextAreaElement = wasm_bindgen::JsCast::unchecked_into(el);
            area.set_value(text);
            if let Some(body) = doc.body() {
                let _ = body.append_child(&area);
                area.select();
                if let Ok(exec) = js_sys::Reflect::get(&doc, &"execCommand".into()) {
                    if let Some(f) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&exec) {
                        let _ = f.call1(&doc, &"copy".into());
                    }
                }
                let _ = body.remove_child(&area);
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct RecordMeetingsProps {
    pub entity_type: EntityType,
    pub entity_id: Uuid,
    /// Reloads when it changes (a meeting scheduled, ended elsewhere).
    pub version: u32,
}

/// A record's meetings, by start.
#[function_component(RecordMeetings)]
pub fn record_meetings(props: &RecordMeetingsProps) -> Html {
    let list = use_state(Vec::<Meeting>::new);
    let bump = use_state(|| 0u32);
    {
        let list = list.clone();
        let (kind, id) = (props.entity_type, props.entity_id);
        use_effect_with((id, *bump, props.version), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(m) = api::shown(api::record_meetings(kind, id).await) {
                    list.set(m);
                }
            });
        });
    }
    if list.is_empty() {
        return html! {};
    }
    html! {
        <>
            <h4>{ tr("meetings.of_record") }</h4>
            <ul class="timeline" id="record-meetings">
                { for list.iter().map(|m| html! { <MeetingItem meeting={m.clone()} on_change={{ let bump = bump.clone(); Callback::from(move |_| bump.set(*bump + 1)) }} /> }) }
            </ul>
        </>
    }
}

/// The day and week view of meetings, with the previous/next period.
#[function_component(Meetings)]
pub fn meetings() -> Html {
    let shared = use_context::<Shared>();
    let version = shared.as_ref().map(|s| s.data_version).unwrap_or(0);
    let week = use_state(|| false);
    let offset = use_state(|| 0i64);
    let list = use_state(|| None::<Vec<Meeting>>);
    let error = use_state(|| None::<String>);
    let bump = use_state(|| 0u32);
    // Local midnight today, as UTC.
    let today = {
        let d = js_sys::Date::new_0();
        d.set_hours(0);
        d.set_minutes(0);
        d.set_seconds(0);
        d.set_milliseconds(0);
        chrono::DateTime::<Utc>::from_timestamp_millis(d.get_time() as i64).unwrap_or_else(Utc::now)
    };
    let days = if *week { 7 } else { 1 };
    let from = if *week {
        // Monday of this week.
        let weekday = js_sys::Date::new_0().get_day(); // 0 = Sunday
        today - Duration::days(i64::from((weekday + 6) % 7)) + Duration::days(7 * *offset)
    } else {
        today + Duration::days(*offset)
    };
    let to = from + Duration::days(days);
    {
        let (list, error) = (list.clone(), error.clone());
        use_effect_with((from, to, version, *bump), move |(from, to, _, _)| {
            let (from, to) = (*from, *to);
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_meetings(from, to).await {
                    Ok(m) => list.set(Some(m)),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let on_change = {
        let bump = bump.clone();
        Callback::from(move |_| bump.set(*bump + 1))
    };
    html! {
        <div class="card">
            <h2>{ tr("meetings.heading") }</h2>
            <div class="actions">
                <button class={classes!("secondary", (!*week).then_some("active"))} id="meetings-day" onclick={{ let (w, o) = (week.clone(), offset.clone()); Callback::from(move |_| { w.set(false); o.set(0) }) }}>{ tr("meetings.day") }</button>
                <button class={classes!("secondary", (*week).then_some("active"))} id="meetings-week" onclick={{ let (w, o) = (week.clone(), offset.clone()); Callback::from(move |_| { w.set(true); o.set(0) }) }}>{ tr("meetings.week") }</button>
                <button class="secondary" id="meetings-prev" onclick={{ let o = offset.clone(); Callback::from(move |_| o.set(*o - 1)) }}>{ "←" }</button>
                <button class="secondary" id="meetings-today" onclick={{ let o = offset.clone(); Callback::from(move |_| o.set(0)) }}>{ tr("meetings.today") }</button>
                <button class="secondary" id="meetings-next" onclick={{ let o = offset.clone(); Callback::from(move |_| o.set(*o + 1)) }}>{ "→" }</button>
                <span class="hint">{ format!("{} – {}", &local_time(&from)[..10], &local_time(&(to - Duration::minutes(1)))[..10]) }</span>
            </div>
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            { match &*list {
                None => html! { <p>{ tr("app.loading") }</p> },
                Some(ms) => html! {
                    <div id="meetings-list">
                        { for (0..days).map(|d| {
                            let day_start = from + Duration::days(d);
                            let day_end = day_start + Duration::days(1);
                            let of_day: Vec<&Meeting> = ms.iter().filter(|m| m.starts_at >= day_start && m.starts_at < day_end).collect();
                            html! {
                                <section class="meeting-day">
                                    <h4>{ &local_time(&day_start)[..10] }</h4>
                                    { if of_day.is_empty() { html!{ <p class="hint">{ tr("meetings.none") }</p> } } else { html!{} } }
                                    <ul class="timeline">{ for of_day.iter().map(|m| html! { <MeetingItem meeting={(*m).clone()} on_change={on_change.clone()} show_record=true /> }) }</ul>
                                </section>
                            }
                        }) }
                    </div>
                },
            } }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct MeetingNoteProps {
    pub ended: MeetingEnded,
    pub on_close: Callback<()>,
}

/// Shown when a meeting ends: its note (already on the record's timeline,
/// prefilled with participants and length) to complete.
#[function_component(MeetingNoteDialog)]
pub fn meeting_note_dialog(props: &MeetingNoteProps) -> Html {
    let body = use_state(|| props.ended.note.body.clone());
    let error = use_state(|| None::<String>);
    let save = {
        let (body, error, on_close, id) = (
            body.clone(),
            error.clone(),
            props.on_close.clone(),
            props.ended.note.id,
        );
        Callback::from(move |_| {
            let (body, error, on_close) = (body.clone(), error.clone(), on_close.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::edit_note(id, NoteKind::Meeting, &body, false).await {
                    Ok(_) => on_close.emit(()),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let m = &props.ended.meeting;
    html! {
        <div class="dialog wide" id="meeting-note">
            <h3>{ tr_with("meetings.ended_title", [("title", m.title.clone()), ("n", m.actual_minutes().unwrap_or(0).to_string())]) }</h3>
            <p class="hint">{ tr_with("meetings.note_hint", [("record", m.record_title.clone())]) }</p>
            <textarea id="meeting-note-body" rows="8" value={(*body).clone()}
                oninput={{ let body = body.clone(); Callback::from(move |e: InputEvent| body.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            <div class="actions">
                <button class="primary" id="meeting-note-save" onclick={save}>{ tr("meetings.save_note") }</button>
                <button class="secondary" id="meeting-note-close" onclick={{ let c = props.on_close.clone(); Callback::from(move |_| c.emit(())) }}>{ tr("app.close") }</button>
            </div>
        </div>
    }
}
