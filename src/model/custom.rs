//! Custom fields: per tenant and entity, defined in settings and checked
//! here, in the core, for forms, imports and the CLI alike.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::contact::check_url;
use super::string_enum::string_enum;
use super::{Email, FieldError};

/// Custom values of one record: field key → JSON value (string, number,
/// boolean, or an array of strings for a multiselect). Dates are
/// `YYYY-MM-DD` strings.
pub type CustomValues = BTreeMap<String, Value>;

string_enum! {
    /// A kind of record that notes, documents, custom fields and the
    /// timeline attach to.
    EntityType {
        /// A person (lead, contact or customer).
        Person = "person",
        /// A company.
        Company = "company",
        /// A lead.
        Lead = "lead",
        /// A deal.
        Deal = "deal",
    }
}

string_enum! {
    /// The type of a custom field's value.
    CustomFieldKind {
        /// Free text (≤ 1,000 characters).
        Text = "text",
        /// A number (stored as JSON number).
        Number = "number",
        /// A date, `YYYY-MM-DD`.
        Date = "date",
        /// One of the options.
        Select = "select",
        /// Any of the options (an array).
        Multiselect = "multiselect",
        /// Yes or no.
        Boolean = "boolean",
        /// An `http(s)` URL.
        Url = "url",
        /// An e-mail address.
        Email = "email",
    }
}

/// The definition of a custom field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct CustomField {
    /// UUID v7.
    pub id: Uuid,
    /// Which records carry it.
    pub entity_type: EntityType,
    /// Stable key (`[a-z0-9_]`, 1–40 chars), used in files, filters and
    /// the CLI; unique per tenant and entity.
    pub key: String,
    /// Label shown in forms and lists.
    pub label: String,
    /// Value type.
    pub kind: CustomFieldKind,
    /// Whether a value is required on save.
    pub required: bool,
    /// Value used when a record is created without one.
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<Option<Value>>")
    )]
    pub default_value: Option<Value>,
    /// Options of a select or multiselect.
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<Vec<String>>")
    )]
    pub options: Vec<String>,
    /// Display order.
    #[cfg_attr(feature = "store", sqlx(try_from = "i32"))]
    pub position: u32,
    /// Archived fields are no longer asked nor checked; values are kept.
    pub archived: bool,
}

/// Checks a definition (not its values): key shape, label, options for
/// selects (1–200, distinct), and that the default is itself a valid value.
pub fn check_field_definition(f: &CustomField) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let key_ok = !f.key.is_empty()
        && f.key.len() <= 40
        && f.key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && f.key.as_bytes()[0].is_ascii_lowercase();
    if !key_ok {
        errors.push(FieldError::new("key", "invalid_key").with("value", &f.key));
    }
    if let Err(e) = super::field_error::check_name(&f.label, "label") {
        errors.push(e);
    }
    if matches!(
        f.kind,
        CustomFieldKind::Select | CustomFieldKind::Multiselect
    ) {
        let mut seen = std::collections::BTreeSet::new();
        if f.options.is_empty() || f.options.len() > 200 {
            errors.push(
                FieldError::new("options", "out_of_range")
                    .with("min", "1")
                    .with("max", "200"),
            );
        }
        for o in &f.options {
            if o.trim().is_empty() || !seen.insert(o.trim().to_lowercase()) {
                errors.push(FieldError::new("options", "taken").with("value", o));
            }
        }
    }
    if let Some(d) = &f.default_value {
        if let Err(e) = check_value(f, d, "default_value") {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Reads a date as `YYYY-MM-DD`, `DD/MM/YYYY`, `DD.MM.YYYY` or
/// `DD-MM-YYYY` (Italian day-first order for the short forms).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text.trim(), f).ok())
}

fn blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Checks and normalises one value of `field` (given as JSON, or as a
/// string as typed or read from a file). `field_name` names it in errors.
///
/// Errors: `not_a_number`, `invalid_date`, `unknown_value` (with
/// `allowed`), `invalid_url`, `invalid_email`, `not_a_boolean`, `too_long`.
pub fn check_value(field: &CustomField, v: &Value, field_name: &str) -> Result<Value, FieldError> {
    let text = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    };
    let unknown = |value: &str| {
        FieldError::new(field_name, "unknown_value")
            .with("value", value)
            .with("allowed", field.options.join(", "))
    };
    let option = |value: &str| {
        field
            .options
            .iter()
            .find(|o| o.trim().eq_ignore_ascii_case(value.trim()))
            .cloned()
            .ok_or_else(|| unknown(value))
    };
    match field.kind {
        CustomFieldKind::Text => {
            if text.chars().count() > 1000 {
                Err(FieldError::new(field_name, "too_long").with("max", "1000"))
            } else {
                Ok(Value::String(text))
            }
        }
        CustomFieldKind::Number => {
            let cleaned = text.replace(' ', "");
            // Accept the Italian decimal comma when there is no dot.
            let cleaned = if cleaned.contains('.') {
                cleaned
            } else {
                cleaned.replace(',', ".")
            };
            cleaned
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .and_then(|f| {
                    if f.fract() == 0.0 && f.abs() < 9.0e15 {
                        Some(Value::from(f as i64))
                    } else {
                        serde_json::Number::from_f64(f).map(Value::Number)
                    }
                })
                .ok_or_else(|| FieldError::new(field_name, "not_a_number").with("value", &text))
        }
        CustomFieldKind::Date => parse_date(&text)
            .map(|d: NaiveDate| Value::String(d.format("%Y-%m-%d").to_string()))
            .ok_or_else(|| FieldError::new(field_name, "invalid_date").with("value", &text)),
        CustomFieldKind::Select => option(&text).map(Value::String),
        CustomFieldKind::Multiselect => {
            let items: Vec<String> = match v {
                Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().unwrap_or_default().to_string())
                    .collect(),
                _ => text
                    .split([',', ';'])
                    .map(|s| s.trim().to_string())
                    .collect(),
            };
            let mut out = Vec::new();
            for i in items.iter().filter(|i| !i.trim().is_empty()) {
                let o = option(i)?;
                if !out.contains(&o) {
                    out.push(o);
                }
            }
            Ok(Value::from(out))
        }
        CustomFieldKind::Boolean => match text.to_lowercase().as_str() {
            "true" | "1" | "yes" | "y" | "si" | "sì" | "vero" | "x" => Ok(Value::Bool(true)),
            "false" | "0" | "no" | "n" | "falso" => Ok(Value::Bool(false)),
            _ => Err(FieldError::new(field_name, "not_a_boolean").with("value", &text)),
        },
        CustomFieldKind::Url => check_url(&text, field_name).map(Value::String),
        CustomFieldKind::Email => {
            Email::parse(&text, field_name).map(|e| Value::String(e.as_str().to_string()))
        }
    }
}

/// Checks the custom values of one record against the tenant's
/// definitions for its entity (archived ones are skipped, their values
/// kept). Blank values are dropped; a missing value takes the default when
/// `creating`; a required field without value is `required`. Keys not
/// defined are `unknown_value`. Errors name the field `custom.<key>` and
/// are all collected.
pub fn check_custom_values(
    defs: &[CustomField],
    values: &CustomValues,
    creating: bool,
) -> Result<CustomValues, Vec<FieldError>> {
    let mut out = CustomValues::new();
    let mut errors = Vec::new();
    for (key, value) in values {
        match defs.iter().find(|d| &d.key == key) {
            Some(d) if d.archived => {
                out.insert(key.clone(), value.clone());
            }
            Some(_) => {}
            None => errors
                .push(FieldError::new(format!("custom.{key}"), "unknown_value").with("value", key)),
        }
    }
    for d in defs.iter().filter(|d| !d.archived) {
        let name = format!("custom.{}", d.key);
        let given = values.get(&d.key).filter(|v| !blank(v));
        let value = match (given, creating) {
            (Some(v), _) => Some(v.clone()),
            (None, true) => d.default_value.clone(),
            (None, false) => None,
        };
        match value {
            Some(v) => match check_value(d, &v, &name) {
                Ok(v) if !blank(&v) => {
                    out.insert(d.key.clone(), v);
                }
                Ok(_) if d.required => errors.push(FieldError::new(name, "required")),
                Ok(_) => {}
                Err(e) => errors.push(e),
            },
            None if d.required => errors.push(FieldError::new(name, "required")),
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A custom value as text, for lists and CSV (`a; b` for a multiselect,
/// `sì`/`no` is left to the UI: booleans are `true`/`false`).
pub fn custom_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &str, kind: CustomFieldKind, options: &[&str], required: bool) -> CustomField {
        CustomField {
            id: Uuid::nil(),
            entity_type: EntityType::Company,
            key: key.into(),
            label: key.into(),
            kind,
            required,
            default_value: None,
            options: options.iter().map(|s| s.to_string()).collect(),
            position: 0,
            archived: false,
        }
    }

    #[test]
    fn values_are_checked_and_normalised() {
        let defs = vec![
            field("pod", CustomFieldKind::Text, &[], true),
            field("kw", CustomFieldKind::Number, &[], false),
            field("since", CustomFieldKind::Date, &[], false),
            field("tier", CustomFieldKind::Select, &["Gold", "Silver"], false),
            field(
                "svc",
                CustomFieldKind::Multiselect,
                &["Luce", "Gas", "Fibra"],
                false,
            ),
            field("vip", CustomFieldKind::Boolean, &[], false),
        ];
        let mut v = CustomValues::new();
        v.insert("pod".into(), Value::from("IT001E12345678"));
        v.insert("kw".into(), Value::from("4,5"));
        v.insert("since".into(), Value::from("01/02/2024"));
        v.insert("tier".into(), Value::from("gold"));
        v.insert("svc".into(), Value::from("gas; Luce"));
        v.insert("vip".into(), Value::from("sì"));
        let out = check_custom_values(&defs, &v, true).unwrap();
        assert_eq!(out["kw"], Value::from(4.5));
        assert_eq!(out["since"], Value::from("2024-02-01"));
        assert_eq!(out["tier"], Value::from("Gold"));
        assert_eq!(out["svc"], serde_json::json!(["Gas", "Luce"]));
        assert_eq!(out["vip"], Value::Bool(true));

        let mut bad = CustomValues::new();
        bad.insert("kw".into(), Value::from("tanti"));
        bad.insert("tier".into(), Value::from("Bronze"));
        bad.insert("nope".into(), Value::from("x"));
        let errors = check_custom_values(&defs, &bad, true).unwrap_err();
        let got: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("custom.nope", "unknown_value"),
                ("custom.pod", "required"),
                ("custom.kw", "not_a_number"),
                ("custom.tier", "unknown_value"),
            ]
        );
    }

    #[test]
    fn definitions_are_checked() {
        let mut f = field("Bad Key", CustomFieldKind::Select, &[], false);
        f.default_value = Some(Value::from("x"));
        let codes: Vec<_> = check_field_definition(&f)
            .unwrap_err()
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, ["invalid_key", "out_of_range", "unknown_value"]);
    }
}
