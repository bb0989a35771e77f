//! Settings → consent texts (issue 15; admins): the text the person is
//! shown before giving consents, in Italian and English. Saving writes a
//! new version, which new decisions point at; older versions stay, listed
//! here, for the decisions taken under them.

use banco::model::ConsentText;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};

/// The consent texts card.
#[function_component(ConsentTexts)]
pub fn consent_texts() -> Html {
    let kept = use_state(|| None::<Vec<ConsentText>>);
    let message = use_state(|| None::<(bool, String)>);
    // What was typed, per language (`None`: the current text). Kept in
    // state: Yew puts a textarea's `value` back on every render, which
    // would wipe typing done while the versions load.
    let (it_draft, en_draft) = (use_state(|| None::<String>), use_state(|| None::<String>));
    let load = {
        let (kept, message) = (kept.clone(), message.clone());
        Callback::from(move |_: ()| {
            let (kept, message) = (kept.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::consent_texts().await {
                    Ok(k) => kept.set(Some(k)),
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(()));
    }
    let current = |language: &str| {
        kept.as_ref()
            .and_then(|k| k.iter().find(|t| t.language == language))
            .map(|t| t.body.clone())
            .unwrap_or_else(|| banco::model::default_consent_text(language).to_string())
    };
    let (it_text, en_text) = (
        (*it_draft).clone().unwrap_or_else(|| current("it")),
        (*en_draft).clone().unwrap_or_else(|| current("en")),
    );
    let save = {
        let (message, load) = (message.clone(), load.clone());
        let (it, en) = (it_text.clone(), en_text.clone());
        let (it_draft, en_draft) = (it_draft.clone(), en_draft.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (it, en) = (it.clone(), en.clone());
            let (it_draft, en_draft) = (it_draft.clone(), en_draft.clone());
            let (message, load) = (message.clone(), load.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_consent_texts(&it, &en).await {
                    Ok(version) => {
                        it_draft.set(None);
                        en_draft.set(None);
                        message.set(Some((
                            true,
                            tr_with("consent_texts.saved", [("version", version)]),
                        )));
                        load.emit(());
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    let typing = |draft: &UseStateHandle<Option<String>>| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(Some(
                e.target_unchecked_into::<HtmlTextAreaElement>().value(),
            ))
        })
    };
    html! {
        <form class="card" id="consent-texts-card" onsubmit={save}>
            <h2>{ tr("consent_texts.title") }</h2>
            <p class="hint">{ tr("consent_texts.hint") }</p>
            <div class="field">
                <label for="consent-text-it">{ tr("consent_texts.it") }</label>
                <textarea id="consent-text-it" rows="6" value={it_text} oninput={typing(&it_draft)} />
            </div>
            <div class="field">
                <label for="consent-text-en">{ tr("consent_texts.en") }</label>
                <textarea id="consent-text-en" rows="6" value={en_text} oninput={typing(&en_draft)} />
            </div>
            <div class="actions"><button id="consent-texts-save" type="submit" class="primary">{ tr("consent_texts.save") }</button></div>
            { message.as_ref().map(|(ok, m)| html! {
                <p class={if *ok { "message ok" } else { "message error" }} role="status">{ m.clone() }</p>
            }) }
            { kept.as_ref().filter(|k| !k.is_empty()).map(|k| html! {
                <ul id="consent-text-versions" class="hint">{ for k.iter().filter(|t| t.language == "it").map(|t| html! {
                    <li>{ tr_with("consent_texts.version", [("version", t.version.clone()), ("when", local_time(&t.created_at))]) }</li>
                }) }</ul>
            }) }
        </form>
    }
}
