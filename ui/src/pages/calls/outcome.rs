//! The outcome of a call: the form (outcome, length, note, call-back time) and the dialog shown when the user comes back to Banco.

use banco::model::{CallOutcome, OutcomeInput, StartedCall};
use chrono::Utc;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api;
use crate::format::local_input_to_utc;
use crate::format::{local_time, phone_display};
use crate::i18n::{error_text, tr, tr_with};

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
