//! A record's timeline, newest first, a page at a time.

use banco::model::{EntityType, TimelineEntry};
use uuid::Uuid;
use yew::prelude::*;

use crate::format::local_time;
use crate::i18n::{error_text, tr};
use crate::{api, Shared};

/// Timeline entries per page.
pub const TIMELINE_PAGE: u32 = 20;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub entity_type: EntityType,
    pub entity_id: Uuid,
}

/// A record's timeline, newest first, paged ("show more").
#[function_component(TimelinePanel)]
pub fn timeline_panel(props: &TimelineProps) -> Html {
    let entries = use_state(Vec::<TimelineEntry>::new);
    let total = use_state(|| 0u64);
    let error = use_state(|| None::<String>);
    let load = {
        let (entries, total, error) = (entries.clone(), total.clone(), error.clone());
        let (kind, id) = (props.entity_type, props.entity_id);
        Callback::from(move |offset: u32| {
            let (entries, total, error) = (entries.clone(), total.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::timeline(kind, id, offset, TIMELINE_PAGE).await {
                    Ok(page) => {
                        let mut all = if offset == 0 {
                            Vec::new()
                        } else {
                            (*entries).clone()
                        };
                        all.extend(page.items);
                        entries.set(all);
                        total.set(page.total);
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    // Reloads when calls or meetings changed elsewhere (the outcome dialog).
    let version = use_context::<Shared>().map(|s| s.data_version).unwrap_or(0);
    {
        let load = load.clone();
        use_effect_with((props.entity_id, version), move |_| load.emit(0));
    }
    html! {
        <div class="card">
            { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
            { if entries.is_empty() { html!{ <p class="hint">{ tr("record.no_events") }</p> } } else { html!{} } }
            <ol class="timeline" id="record-timeline">
                { for entries.iter().map(|e| {
                    let label = tr(&format!("timeline.{}", e.kind));
                    let label = if label.starts_with("timeline.") { e.kind.clone() } else { label };
                    html! {
                        <li data-kind={e.kind.clone()}>
                            <span class="when">{ local_time(&e.at) }</span>{ " " }
                            <strong>{ label }</strong>
                            { (e.entity_type == EntityType::Lead || e.entity_type == EntityType::Deal).then(|| html!{ <span class="pill">{ tr(&format!("entity.{}", e.entity_type.as_str())) }</span> }) }
                            { e.detail.as_ref().map(|d| html!{ <span>{ format!(" — {}", crate::format::event_detail(&e.kind, d)) }</span> }) }
                            { e.user_name.as_ref().map(|u| html!{ <span class="muted">{ format!(" · {u}") }</span> }) }
                        </li>
                    }
                }) }
            </ol>
            { ((entries.len() as u64) < *total).then(|| {
                let (load, n) = (load.clone(), entries.len() as u32);
                html!{ <button class="secondary" id="timeline-more" onclick={Callback::from(move |_| load.emit(n))}>{ tr("record.more") }</button> }
            }) }
        </div>
    }
}
