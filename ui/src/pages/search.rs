//! The search box (Ctrl+K): one field over people, companies, leads, deals
//! and notes; results grouped by kind, ↑/↓ to move, Enter to open, Esc to
//! close. Typing waits 150 ms before asking, and an answer to an older
//! query is dropped.

use std::cell::RefCell;
use std::rc::Rc;

use banco::model::{SearchHit, SearchResults};
use gloo_timers::callback::Timeout;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{error_text, tr, tr_with};
use crate::{api, Shared};

/// A hit's detail line in the current language: a lead's interest and
/// status and a deal's status are stored as codes.
fn subtitle(h: &SearchHit) -> String {
    let parts: Vec<&str> = h.subtitle.split(" · ").collect();
    match (h.kind.as_str(), parts.as_slice()) {
        ("lead", [interest, status]) => format!(
            "{} · {}",
            tr(&format!("interest.{interest}")),
            tr(&format!("status.{status}"))
        ),
        ("deal", [status, rest @ ..]) => std::iter::once(tr(&format!("deal_status.{status}")))
            .chain(rest.iter().map(|r| r.to_string()))
            .collect::<Vec<_>>()
            .join(" · "),
        _ => h.subtitle.clone(),
    }
}

#[derive(Properties, PartialEq)]
pub struct SearchBoxProps {
    pub on_close: Callback<()>,
}

#[function_component(SearchBox)]
pub fn search_box(props: &SearchBoxProps) -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let query = use_state(String::new);
    let results = use_state(|| None::<SearchResults>);
    let active = use_state(|| 0usize);
    let error = use_state(|| None::<String>);
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    // Typing on: an answer to what was typed before is dropped.
    let latest = crate::widgets::latest::use_latest();
    let input_ref = use_node_ref();
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        });
    }
    let hits: Vec<SearchHit> = results
        .as_ref()
        .map(|r| {
            r.groups
                .iter()
                .flat_map(|(_, h)| h.iter().cloned())
                .collect()
        })
        .unwrap_or_default();
    // Offline the hits come from the desk's copy of the store's people:
    // their contacts are shown, but no record can be opened.
    let from_copy = results.as_ref().is_some_and(|r| r.copy_taken_at.is_some());
    let open = {
        let shared = shared.clone();
        Callback::from(move |h: SearchHit| {
            if !from_copy {
                shared.open_record.emit((h.open_type, h.open_id))
            }
        })
    };
    let on_input = {
        let (query, results, active, error, timer, latest) = (
            query.clone(),
            results.clone(),
            active.clone(),
            error.clone(),
            timer.clone(),
            latest.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            query.set(text.clone());
            active.set(0);
            let current = latest.ask();
            let (results, error) = (results.clone(), error.clone());
            *timer.borrow_mut() = Some(Timeout::new(150, move || {
                wasm_bindgen_futures::spawn_local(async move {
                    if text.trim().is_empty() {
                        results.set(None);
                        return;
                    }
                    match api::search(&text).await {
                        Ok(r) if current() => {
                            results.set(Some(r));
                            error.set(None);
                        }
                        Ok(_) => {}
                        Err(e) => error.set(Some(error_text(&e))),
                    }
                });
            }));
        })
    };
    let on_key = {
        let (active, on_close, open, hits) = (
            active.clone(),
            props.on_close.clone(),
            open.clone(),
            hits.clone(),
        );
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" => {
                e.prevent_default();
                if !hits.is_empty() {
                    active.set((*active + 1).min(hits.len() - 1));
                }
            }
            "ArrowUp" => {
                e.prevent_default();
                active.set(active.saturating_sub(1));
            }
            "Enter" => {
                e.prevent_default();
                if let Some(h) = hits.get(*active) {
                    open.emit(h.clone());
                }
            }
            "Escape" => {
                e.prevent_default();
                on_close.emit(())
            }
            _ => {}
        })
    };
    let mut index = 0usize;
    html! {
        <div class="overlay" onclick={{ let c = props.on_close.clone(); Callback::from(move |_| c.emit(())) }}>
            <div class="searchbox" role="dialog" aria-label={tr("search.open")}
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <input id="search-input" ref={input_ref} type="search" autocomplete="off"
                    placeholder={tr("search.placeholder")} value={(*query).clone()}
                    oninput={on_input} onkeydown={on_key} />
                { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
                { results.as_ref().and_then(|r| r.copy_taken_at).map(|at| html! {
                    <p class="hint" id="search-copy">{ tr_with("people_copy.stale", [("at", crate::format::local_time(&at))]) }</p>
                }) }
                { match results.as_ref() {
                    None => html! { <p class="hint">{ tr("search.hint") }</p> },
                    Some(r) if r.groups.is_empty() => html! { <p class="hint" id="search-empty">{ tr("search.none") }</p> },
                    Some(r) => html! {
                        <div id="search-results">
                            { r.fuzzy.then(|| html!{ <p class="hint">{ tr("search.fuzzy") }</p> }) }
                            { for r.groups.iter().map(|(kind, group)| html! {
                                <section>
                                    <h4>{ tr(&format!("search.group_{kind}")) }</h4>
                                    <ul role="listbox">
                                        { for group.iter().map(|h| {
                                            let i = index;
                                            index += 1;
                                            let (open, hit) = (open.clone(), h.clone());
                                            html! {
                                                <li role="option" class={classes!("hit", (i == *active).then_some("active"))}
                                                    aria-selected={(i == *active).to_string()}
                                                    data-kind={h.kind.clone()}
                                                    onclick={Callback::from(move |_| open.emit(hit.clone()))}>
                                                    <strong>{ &h.title }</strong>
                                                    <span class="muted">{ format!(" {}", subtitle(h)) }</span>
                                                </li>
                                            }
                                        }) }
                                    </ul>
                                </section>
                            }) }
                        </div>
                    },
                } }
            </div>
        </div>
    }
}
