//! The meeting note dialog: prefilled with participants and length when a meeting ends.

use banco::model::{MeetingEnded, NoteKind};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::api;
use crate::i18n::{error_text, tr, tr_with};

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
                <button class="secondary" id="meeting-note-close" data-escape="true" onclick={{ let c = props.on_close.clone(); Callback::from(move |_| c.emit(())) }}>{ tr("app.close") }</button>
            </div>
        </div>
    }
}
