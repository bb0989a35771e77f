//! How values are shown and read back in the window: phone numbers,
//! times in the computer's zone (and `datetime-local` inputs), money and
//! numbers in the user's language, history details. Shared by every page.

use chrono::{DateTime, Utc};

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

/// An amount in minor units as money in `currency` (ISO 4217), formatted
/// for `lang` by the webview's `Intl.NumberFormat` (ICU): `123456` →
/// `1.234,56 €` in Italian, `€1,234.56` in English.
pub fn money(minor: i64, currency: &str, lang: &str) -> String {
    use wasm_bindgen::JsValue;
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"style".into(), &"currency".into());
    let _ = js_sys::Reflect::set(&options, &"currency".into(), &currency.into());
    let locales = js_sys::Array::of1(&JsValue::from_str(if lang == "en" {
        "en-GB"
    } else {
        "it-IT"
    }));
    let format = js_sys::Intl::NumberFormat::new(&locales, &options).format();
    format
        .call1(&JsValue::NULL, &JsValue::from_f64(minor as f64 / 100.0))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| format!("{} {currency}", banco::model::minor_to_decimal(minor)))
}

/// A number formatted for `lang` by `Intl.NumberFormat`; `style` is
/// `decimal` or `percent` (where 0.25 reads "25,0%"), with `digits`
/// fraction digits.
pub fn number(value: f64, style: &str, digits: u32, lang: &str) -> String {
    use wasm_bindgen::JsValue;
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"style".into(), &style.into());
    let _ = js_sys::Reflect::set(&options, &"minimumFractionDigits".into(), &digits.into());
    let _ = js_sys::Reflect::set(&options, &"maximumFractionDigits".into(), &digits.into());
    let locales = js_sys::Array::of1(&JsValue::from_str(if lang == "en" {
        "en-GB"
    } else {
        "it-IT"
    }));
    js_sys::Intl::NumberFormat::new(&locales, &options)
        .format()
        .call1(&JsValue::NULL, &JsValue::from_f64(value))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| format!("{value:.1}"))
}

/// A timeline or history entry's detail in the current language: a call's
/// outcome code and call-back time, a message's channel, an override's rule, a person's
/// preferences, a lead's meeting event; other details as written.
pub fn event_detail(kind: &str, detail: &str) -> String {
    use crate::i18n::{tr, tr_with};
    let translated = |key: String, fallback: &str| {
        let t = tr(&key);
        if t == key {
            fallback.to_string()
        } else {
            t
        }
    };
    match kind {
        "call" | "call_in" => {
            let (prefix, rest) = match detail.strip_prefix("inbound: ") {
                Some(r) => (format!("{}: ", tr("direction.inbound")), r),
                None => (String::new(), detail),
            };
            let parts: Vec<String> = rest
                .split(" · ")
                .enumerate()
                .map(|(i, p)| {
                    if i == 0 {
                        return translated(format!("outcome.{p}"), p);
                    }
                    match p
                        .strip_prefix("→ ")
                        .map(chrono::DateTime::parse_from_rfc3339)
                    {
                        Some(Ok(at)) => {
                            format!("→ {}", local_time(&at.with_timezone(&chrono::Utc)))
                        }
                        _ => p.to_string(),
                    }
                })
                .collect();
            prefix + &parts.join(" · ")
        }
        "message" => translated(format!("channel.{detail}"), detail),
        "contact_override" => match detail.split_once(" — ") {
            Some((code, reason)) => format!(
                "{} — {reason}",
                translated(format!("contact_rule.short.{code}"), code)
            ),
            None => detail.to_string(),
        },
        "preferences_changed" => detail
            .split_whitespace()
            .map(|t| match t.strip_prefix('-') {
                _ if t == "do_not_contact" => tr("prefs.do_not_contact"),
                Some(ch) => tr_with(
                    "prefs.no_channel",
                    [("channel", tr(&format!("channel.{ch}")))],
                ),
                None => t.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        // The fields a correction changed, by name.
        "updated" => detail
            .split(", ")
            .map(crate::i18n::field_label)
            .collect::<Vec<_>>()
            .join(", "),
        "meeting" => match detail.split_once(": ") {
            Some((k, rest)) => format!("{}: {rest}", translated(format!("timeline.{k}"), k)),
            None => detail.to_string(),
        },
        _ => detail.to_string(),
    }
}

/// A `datetime-local` value (the computer's time) as UTC.
pub fn local_input_to_utc(value: &str) -> Option<DateTime<Utc>> {
    if value.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    if ms.is_nan() {
        return None;
    }
    DateTime::<Utc>::from_timestamp_millis(ms as i64)
}

/// A UTC time as a `datetime-local` value in the computer's time.
pub fn utc_to_local_input(at: &DateTime<Utc>) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}
