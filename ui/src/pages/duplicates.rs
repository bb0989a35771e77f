//! The duplicates review: likely duplicate people or companies side by
//! side with their evidence; merge one into the other (store managers and
//! admins), or mark the pair "not a duplicate".

use banco::model::{DuplicatePair, EntityType, RecordSummary};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::format::local_time;
use crate::i18n::{error_text, tr, tr_with};
use crate::{api, Shared};

/// A stored value as shown: E.164 phones in national format.
fn line(l: &str) -> String {
    if l.starts_with('+') && l[1..].chars().all(|c| c.is_ascii_digit()) {
        crate::format::phone_display(&Some(l.to_string()))
    } else {
        l.to_string()
    }
}

fn side(
    s: &RecordSummary,
    shared: &Shared,
    kind: EntityType,
    keep: Callback<MouseEvent>,
    class: &'static str,
) -> Html {
    let (open, id) = (shared.open_record.clone(), s.id);
    html! {
        <div class="dup-side">
            <button class="link" onclick={Callback::from(move |_| open.emit((kind, id)))}><strong>{ &s.title }</strong></button>
            <ul>{ for s.lines.iter().map(|l| html!{ <li>{ line(l) }</li> }) }</ul>
            <p class="hint">{ tr_with("duplicates.linked", [("n", s.linked.to_string()), ("when", local_time(&s.created_at))]) }</p>
            <button class={classes!("secondary", class)} onclick={keep}>{ tr("duplicates.keep_this") }</button>
        </div>
    }
}

fn evidence_text(e: &banco::model::Evidence) -> String {
    if e.kind == banco::model::EvidenceKind::SimilarName && e.value == "1.00" {
        tr("evidence.same_name")
    } else {
        let value = if e.kind == banco::model::EvidenceKind::Phone {
            line(&e.value)
        } else {
            e.value.clone()
        };
        tr_with(&format!("evidence.{}", e.kind.as_str()), [("value", value)])
    }
}

#[function_component(Duplicates)]
pub fn duplicates() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let kind = use_state(|| EntityType::Person);
    let pairs = use_state(|| None::<Vec<DuplicatePair>>);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let generation = use_state(|| 0u32);
    {
        let (pairs, error) = (pairs.clone(), error.clone());
        // People and companies switched quickly: the older list is dropped.
        let latest = crate::widgets::latest::use_latest();
        use_effect_with((*kind, *generation), move |(k, _)| {
            let k = *k;
            pairs.set(None);
            let current = latest.ask();
            wasm_bindgen_futures::spawn_local(async move {
                match api::duplicate_pairs(k).await {
                    Ok(p) if current() => pairs.set(Some(p)),
                    Ok(_) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        });
    }
    let act = |keep: uuid::Uuid, merge: uuid::Uuid, dismiss: bool| {
        let (kind, error, notice, generation) =
            (*kind, error.clone(), notice.clone(), generation.clone());
        Callback::from(move |_| {
            let (error, notice, generation) = (error.clone(), notice.clone(), generation.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let done = if dismiss {
                    api::dismiss_duplicate(kind, keep, merge)
                        .await
                        .map(|_| tr("duplicates.dismissed"))
                } else {
                    api::merge_records(kind, keep, merge)
                        .await
                        .map(|o| tr_with("duplicates.merged", [("moved", o.moved.to_string())]))
                };
                match done {
                    Ok(text) => {
                        notice.set(Some(text));
                        error.set(None);
                        generation.set(generation.wrapping_add(1));
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    html! {
        <div>
            <h1>{ tr("duplicates.title") }</h1>
            <div class="filters">
                <div class="field">
                    <label for="duplicates-kind">{ tr("duplicates.kind") }</label>
                    <select id="duplicates-kind" onchange={{ let kind = kind.clone(); Callback::from(move |e: Event| {
                        kind.set(if e.target_unchecked_into::<HtmlSelectElement>().value() == "company" { EntityType::Company } else { EntityType::Person })
                    }) }}>
                        <option value="person" selected={*kind == EntityType::Person}>{ tr("duplicates.people") }</option>
                        <option value="company" selected={*kind == EntityType::Company}>{ tr("duplicates.companies") }</option>
                    </select>
                </div>
                <p class="hint">{ tr("duplicates.hint") }</p>
            </div>
            { error.as_ref().map(|e| html!{ <div class="banner error" role="alert">{ e }</div> }) }
            { notice.as_ref().map(|e| html!{ <div class="banner ok" role="status" id="duplicates-notice">{ e }</div> }) }
            { match pairs.as_ref() {
                None => html!{ <p>{ tr("app.loading") }</p> },
                Some(p) if p.is_empty() => html!{ <p class="hint" id="duplicates-none">{ tr("duplicates.none") }</p> },
                Some(p) => html! { <div id="duplicates-list">{ for p.iter().map(|pair| html! {
                    <div class="card dup-pair" data-a={pair.a.id.to_string()} data-b={pair.b.id.to_string()}>
                        <p>
                            <span class="pill">{ format!("{} %", pair.score) }</span>
                            { for pair.evidence.iter().map(|e| html!{ <span class="pill evidence">{ evidence_text(e) }</span> }) }
                        </p>
                        <div class="grid2">
                            { side(&pair.a, &shared, pair.entity_type, act(pair.a.id, pair.b.id, false), "merge-into-a") }
                            { side(&pair.b, &shared, pair.entity_type, act(pair.b.id, pair.a.id, false), "merge-into-b") }
                        </div>
                        <div class="actions">
                            <button class="secondary dismiss" onclick={act(pair.a.id, pair.b.id, true)}>{ tr("duplicates.not_duplicate") }</button>
                        </div>
                    </div>
                }) }</div> },
            } }
        </div>
    }
}
