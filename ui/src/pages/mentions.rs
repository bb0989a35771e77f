//! The mentions inbox: notes where a colleague wrote `@you`, newest first;
//! opening one marks it read.

use banco::model::Mention;
use yew::prelude::*;

use crate::format::local_time;
use crate::i18n::{error_text, tr};
use crate::{api, Shared};

#[function_component(Mentions)]
pub fn mentions() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let list = use_state(|| None::<Vec<Mention>>);
    let error = use_state(|| None::<String>);
    let generation = use_state(|| 0u32);
    {
        let (list, error) = (list.clone(), error.clone());
        use_effect_with((shared.info.user.id, *generation), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::mentions(false).await {
                    Ok(m) => list.set(Some(m)),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let mark_all = {
        let generation = generation.clone();
        Callback::from(move |_| {
            let generation = generation.clone();
            wasm_bindgen_futures::spawn_local(async move {
                api::shown(api::mark_mentions_read(None).await);
                generation.set(generation.wrapping_add(1));
            });
        })
    };
    html! {
        <div>
            <h1>{ tr("mentions.title") }</h1>
            <div class="actions"><button class="secondary" id="mentions-read-all" onclick={mark_all}>{ tr("mentions.read_all") }</button></div>
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            { match list.as_ref() {
                None => html!{ <p>{ tr("app.loading") }</p> },
                Some(l) if l.is_empty() => html!{ <p class="hint">{ tr("mentions.none") }</p> },
                Some(l) => html! { <ul class="mention-list" id="mentions-list">{ for l.iter().map(|m| {
                    let (open, kind, id, note) = (shared.open_record.clone(), m.entity_type, m.entity_id, m.note_id);
                    let onclick = Callback::from(move |_| {
                        let open = open.clone();
                        wasm_bindgen_futures::spawn_local(async move {
                            api::shown(api::mark_mentions_read(Some(note)).await);
                            open.emit((kind, id));
                        });
                    });
                    html! {
                        <li class={classes!("card", "mention", m.read_at.is_none().then_some("unread"))}>
                            <button class="link" {onclick}><strong>{ &m.record_title }</strong></button>
                            <span class="muted">{ format!(" · {} · {}", m.author_name.clone().unwrap_or_default(), local_time(&m.created_at)) }</span>
                            <p>{ &m.excerpt }</p>
                        </li>
                    }
                }) }</ul> },
            } }
        </div>
    }
}
