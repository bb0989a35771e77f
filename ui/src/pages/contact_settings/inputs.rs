//! Reading and showing the settings' times and counts.

use chrono::NaiveTime;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub fn parse_hm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

pub fn hm(t: Option<NaiveTime>) -> String {
    t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
}

pub fn count(s: &str) -> Option<u32> {
    s.trim().parse().ok()
}

pub fn text_input(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        state.set(e.target_unchecked_into::<HtmlInputElement>().value())
    })
}
