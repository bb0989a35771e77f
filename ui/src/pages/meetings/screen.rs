//! The Meetings screen: the day or the week, from the computer's clock.

use banco::model::Meeting;
use chrono::{Duration, Utc};
use yew::prelude::*;

use super::item::MeetingItem;
use crate::api;
use crate::format::local_time;
use crate::i18n::{error_text, tr};
use crate::Shared;

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
        // Days paged through quickly: an older day's answer is dropped.
        let latest = crate::widgets::latest::use_latest();
        use_effect_with((from, to, version, *bump), move |(from, to, _, _)| {
            let (from, to) = (*from, *to);
            let current = latest.ask();
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_meetings(from, to).await {
                    Ok(m) if current() => list.set(Some(m)),
                    Ok(_) => {}
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
