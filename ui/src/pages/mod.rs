//! One module per screen.

pub mod counter;
pub mod import;
pub mod leads;
pub mod settings;

use banco::model::Phone;

/// A stored E.164 number in national format for display.
pub fn phone_display(e164: &Option<String>) -> String {
    e164.clone()
        .map(|p| Phone::from_e164_unchecked(p).national())
        .unwrap_or_default()
}

/// A UTC time as local date and time (the computer's time zone, through JavaScript's `Date`).
pub fn local_time(at: &chrono::DateTime<chrono::Utc>) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year(),
        d.get_hours(),
        d.get_minutes()
    )
}
