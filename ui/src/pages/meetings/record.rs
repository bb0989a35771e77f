//! A record's meetings, newest first.

use banco::model::{EntityType, Meeting};
use uuid::Uuid;
use yew::prelude::*;

use super::item::MeetingItem;
use crate::api;
use crate::i18n::tr;

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
