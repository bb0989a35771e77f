//! The translation layer: every user-facing string goes through [`tr`]
//! (keys and texts in `locales/app.yml`, Italian first, English second,
//! read by `rust-i18n` from the core's table, `banco::texts`). Errors from the core are translated from
//! their `message_key` and `params`.

use banco::model::FieldError;
use banco::{ErrorKind, ErrorPayload};

/// Languages offered, Italian first.
pub const LANGUAGES: &[(&str, &str)] = &[("it", "Italiano"), ("en", "English")];

const STORAGE_KEY: &str = "banco.lang";

/// The translation of `key` in the current language.
pub fn tr(key: &str) -> String {
    rust_i18n::t!(key).into_owned()
}

/// What a form says after a conflict (another desk saved first), after the
/// error itself: the fields the other desk changed (field names such as
/// `tax_code` or `custom.tier`, labelled by [`field_label`]), or that it
/// changed none of them, and that pressing Save re-applies what was typed.
pub fn conflict_reapply(error: &str, changed: &[String]) -> String {
    let how = if changed.is_empty() {
        tr("conflict.reapply_none")
    } else {
        let labels: Vec<String> = changed.iter().map(|f| field_label(f)).collect();
        tr_with("conflict.reapply", [("fields", labels.join(", "))])
    };
    format!("{error} · {how}")
}

/// What a form being edited says when the record it stands on was saved
/// elsewhere meanwhile (another desk, window or the command line): who and
/// when, if known (`by`, `at` in UTC, shown in local time), then, as after
/// a refused save ([`conflict_reapply`]), the fields that changed and that
/// Save applies what was typed on top of the new version.
pub fn saved_meanwhile(
    by: Option<&str>,
    at: Option<&chrono::DateTime<chrono::Utc>>,
    changed: &[String],
) -> String {
    let said = match (by, at) {
        (Some(by), Some(at)) => tr_with(
            "conflict.meanwhile_by",
            [
                ("by", by.to_string()),
                ("at", crate::format::local_time(at)),
            ],
        ),
        _ => tr("conflict.meanwhile"),
    };
    conflict_reapply(&said, changed)
}

/// The translation of `key` with `%{name}` placeholders filled.
pub fn tr_with<'a>(key: &str, params: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let mut text = tr(key);
    for (name, value) in params {
        text = text.replace(&format!("%{{{name}}}"), &value);
    }
    text
}

/// Why a contact rule refuses, in the current language ("fascia di
/// silenzio fino alle 09:00").
pub fn refusal_text(r: &banco::model::Refusal) -> String {
    let params = r.params.iter().map(|(k, v)| {
        let value = match k.as_str() {
            "channel" => tr(&format!("channel.{v}")),
            "kind" => tr(&format!("consent.{v}")),
            _ => v.clone(),
        };
        (k.as_str(), value)
    });
    tr_with(&format!("contact_rule.{}", r.code), params)
}

/// A field error as a sentence in the current language.
pub fn field_error(e: &FieldError) -> String {
    // A contract's statuses and kinds by their translated names.
    let contract = matches!(
        e.code.as_str(),
        "illegal_contract_move" | "contract_in_progress" | "not_for_kind"
    );
    let mut params: Vec<(&str, String)> = e
        .params
        .iter()
        .map(|(k, v)| match k.as_str() {
            "from" | "to" | "status" if contract => {
                (k.as_str(), tr(&format!("contract_status.{v}")))
            }
            "kind" if contract => (k.as_str(), tr(&format!("service_kind.{v}"))),
            _ => (k.as_str(), v.clone()),
        })
        .collect();
    let target = e
        .params
        .get("target")
        .map(|t| field_label(t))
        .unwrap_or_default();
    let suggestion = match e.params.get("suggestion") {
        Some(column) => tr_with(
            "import.suggestion",
            [("column", column.clone()), ("target", target.clone())],
        ),
        None => String::new(),
    };
    params.retain(|(k, _)| *k != "target" && *k != "suggestion");
    params.push(("target", target));
    params.push(("suggestion", suggestion));
    tr_with(&format!("error.{}", e.code), params)
}

/// A failed command as one message: every field error, or the translated error.
pub fn error_text(e: &ErrorPayload) -> String {
    if !e.fields.is_empty() {
        return e
            .fields
            .iter()
            .map(|f| format!("{}: {}", field_label(&f.field), field_error(f)))
            .collect::<Vec<_>>()
            .join(" · ");
    }
    // Lead statuses in an illegal transition are shown by their translated names.
    let params = e.params.iter().map(|(k, v)| {
        let value = if e.kind == ErrorKind::IllegalTransition {
            tr(&format!("status.{v}"))
        } else if e.kind == ErrorKind::ContactRefused && k == "channel" {
            tr(&format!("channel.{v}"))
        } else if e.kind == ErrorKind::ContactRefused && k == "kind" {
            tr(&format!("consent.{v}"))
        } else if e.kind == ErrorKind::Forbidden && k == "role" {
            tr(&format!("role.{v}"))
        } else if e.kind == ErrorKind::Forbidden && k == "needed" {
            tr(&format!("needed.{v}"))
        } else if e.kind == ErrorKind::IllegalMeetingMove {
            tr(&format!("meeting_status.{v}"))
        } else {
            v.clone()
        };
        (k.as_str(), value)
    });
    let text = tr_with(&e.message_key, params);
    if text == e.message_key {
        e.message.clone()
    } else {
        text
    }
}

/// The label of a model field (`phone` → "Telefono"); unknown names pass through.
/// A field inside a list (`lines.0.one_off_minor`) reads "Riga 1 – Una tantum";
/// a custom field (`custom.tier`) reads as its key.
pub fn field_label(field: &str) -> String {
    // A custom field is named by its key (`custom.tier` → "tier").
    if let Some(key) = field.strip_prefix("custom.") {
        return key.to_string();
    }
    let parts: Vec<&str> = field.splitn(3, '.').collect();
    if let [list, index, inner] = parts[..] {
        if let Ok(i) = index.parse::<usize>() {
            return tr_with(
                &format!("field.{list}_item"),
                [("n", (i + 1).to_string()), ("field", field_label(inner))],
            );
        }
    }
    let key = format!("field.{field}");
    let label = tr(&key);
    if label == key {
        field.to_string()
    } else {
        label
    }
}

/// The language saved on this computer, else Italian.
pub fn saved_language() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .filter(|l| LANGUAGES.iter().any(|(code, _)| code == l))
        .unwrap_or_else(|| "it".into())
}

/// Switches language and remembers it.
pub fn set_language(lang: &str) {
    rust_i18n::set_locale(lang);
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(STORAGE_KEY, lang);
    }
    crate::shortcuts::set_menu();
}
