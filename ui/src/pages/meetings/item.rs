//! One meeting as a line: join, end, cancel, copy the link, save the .ics invitation.

use banco::model::{Meeting, MeetingStatus};
use chrono::Duration;
use uuid::Uuid;
use yew::prelude::*;

use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};
use crate::Shared;

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
    let link = use_state(|| None::<String>);
    let m = &props.meeting;
    let run = {
        let (error, notice, on_change) = (error.clone(), notice.clone(), props.on_change.clone());
        move |action: &'static str, id: Uuid| {
            let (error, notice, on_change) = (error.clone(), notice.clone(), on_change.clone());
            Callback::from(move |_| {
                let (error, notice, on_change) = (error.clone(), notice.clone(), on_change.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    // A meeting on meet.jit.si opens in the browser: say why.
                    let result = match action {
                        "join" => api::join_meeting(id)
                            .await
                            .map(|j| j.in_browser.then(|| tr("meetings.in_browser"))),
                        "end" => api::end_meeting(id).await.map(|_| None),
                        _ => api::cancel_meeting(id, "").await.map(|_| None),
                    };
                    match result {
                        Ok(said) => {
                            if said.is_some() {
                                notice.set(said);
                            }
                            on_change.emit(())
                        }
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
    // The customer's link: with a guest token when the tenant lets guests
    // in by token (asked of the core when copied; shown once asked).
    let url = (*link).clone().unwrap_or_else(|| m.url());
    let copy = {
        let (notice, error, link, id) = (notice.clone(), error.clone(), link.clone(), m.id);
        Callback::from(move |_| {
            let (notice, error, link) = (notice.clone(), error.clone(), link.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::meeting_invitation_link(id).await {
                    Ok(l) => {
                        copy_text(&l);
                        link.set(Some(l));
                        notice.set(Some(tr("meetings.link_copied")));
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
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
pub fn copy_text(text: &str) {
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
