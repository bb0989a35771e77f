//! [`FieldError`]: one broken rule on one input field, the shape every
//! validation error takes, and the checks shared by several records
//! (`check_name`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One broken rule on one input field.
///
/// `field` is the model's field name (`first_name`, `phone`, …), or for an
/// import `row 12: email` / a column name; `code` is a stable machine code
/// (`required`, `invalid_phone`, `invalid_email`, `name_required`,
/// `contact_required`, `reason_required`, `too_long`, `unknown_value`,
/// `invalid_date`, `column_mismatch`, `duplicate_mapping`, `missing_mapping`,
/// `not_allowed`, `already_used`, `duplicate_skipped`, `empty`, `invalid_mapping`;
/// for deals `out_of_range`, `not_a_number`, `negative`, `taken`,
/// `before_start`, `last_open_stage`, `mismatch`, `no_stages`,
/// `missing_field`, `customer_column_required`, `customer_required`,
/// `already_imported`, and `created` as an import report's note; for
/// records `invalid_vat`, `invalid_tax_code`, `invalid_url`, `cycle`,
/// `not_a_boolean`, `invalid_key`, `too_large`, `empty_file`,
/// `same_record`, `possible_duplicate`, `invalid_vcard`; for a chain
/// server's settings `invalid_host`, `ca_without_verify`) which the
/// UI translates as `error.<code>`; `params` fill the message. Inside a
/// list the field is `list.index.field` (`lines.0.quantity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Field (or `row N: field`) the error is about.
    pub field: String,
    /// Stable error code.
    pub code: String,
    /// Values for the message (`value`, `max`, `column`, …).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

impl FieldError {
    /// An error without parameters.
    pub fn new(field: impl Into<String>, code: &str) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            params: BTreeMap::new(),
        }
    }

    /// Adds one parameter.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.params.insert(key.into(), value.into());
        self
    }

    /// English explanation of the code, with the parameters filled in.
    pub fn english(&self) -> String {
        let p = |k: &str| self.params.get(k).cloned().unwrap_or_default();
        match self.code.as_str() {
            "required" => "is required".into(),
            "name_required" => "a first or last name is required".into(),
            "contact_required" => "a phone number or an e-mail address is required".into(),
            "invalid_phone" => format!(
                "`{}` is not a valid phone number (region {})",
                p("value"),
                p("region")
            ),
            "invalid_email" => format!("`{}` is not a valid e-mail address", p("value")),
            "reason_required" => "a reason is required".into(),
            "too_long" => format!("is longer than {} characters", p("max")),
            "unknown_value" if p("allowed").is_empty() => format!("`{}` is not known", p("value")),
            "unknown_value" => format!("`{}` is not one of: {}", p("value"), p("allowed")),
            "missing_field" => format!("map a column to {}", p("target")),
            "customer_column_required" => {
                "map a column to the account, or to a contact's name, phone or e-mail".into()
            }
            "created" => format!("`{}` did not exist and was created", p("value")),
            "already_imported" => format!("`{}` was imported before: skipped", p("value")),
            "customer_required" => "the row names no account and no contact".into(),
            "no_customer" => "imported without a customer: link one to the deal later".into(),
            "not_a_number" => format!("`{}` is not an amount", p("value")),
            "out_of_range" => format!("must be between {} and {}", p("min"), p("max")),
            "negative" => "cannot be negative".into(),
            "not_yourself" => "cannot be done to yourself".into(),
            "last_admin" => "is the tenant's last active admin".into(),
            "one_store_only" => "only an area manager has more than one store".into(),
            "invalid_host" => format!("`{}` is not a host name or an IP address", p("value")),
            "ca_without_verify" => format!(
                "a CA file is used only by verify-ca and verify-full, not by {}",
                p("value")
            ),
            "before_start" => "ends before it starts".into(),
            "taken" => format!("`{}` already exists", p("value")),
            "last_open_stage" => "is the pipeline's only open stage".into(),
            "mismatch" => "must list every stage exactly once".into(),
            "no_stages" => "the pipeline has no open stage".into(),
            "invalid_date" => format!(
                "`{}` is not a date (use YYYY-MM-DD, DD/MM/YYYY or M/D/YYYY)",
                p("value")
            ),
            "column_mismatch" => {
                let suggestion = match self.params.get("suggestion") {
                    Some(s) => format!("; column `{s}` looks like {}", p("target")),
                    None => String::new(),
                };
                format!(
                    "column `{}` is mapped to {} but only {} of {} values look like one{suggestion}",
                    p("column"), p("target"), p("matching"), p("total")
                )
            }
            "duplicate_mapping" => format!("{} is mapped from more than one column", p("target")),
            "missing_mapping" => "map at least a name column and a phone or e-mail column".into(),
            "not_allowed" => format!("a {} may not do this", p("value")),
            "already_used" => format!("`{}` is already used", p("value")),
            "duplicate_skipped" => format!("already in the CRM as {}: skipped", p("value")),
            "empty" => "the file has no header row".into(),
            "invalid_mapping" => "use COLUMN=FIELD".into(),
            "invalid_vat" => format!(
                "`{}` is not a valid VAT number for {} (Italian: 11 digits with a correct check digit)",
                p("value"),
                p("country")
            ),
            "invalid_tax_code" => format!("`{}` is not a valid codice fiscale", p("value")),
            "invalid_url" => format!("`{}` is not a web address", p("value")),
            "cycle" => "a company cannot be its own parent or a parent of its parent".into(),
            "not_a_boolean" => format!("`{}` is not yes or no", p("value")),
            "invalid_key" => format!(
                "`{}` is not a valid key (lower-case letters, digits and _, starting with a letter)",
                p("value")
            ),
            "too_large" => format!("is larger than {}", p("max")),
            "empty_file" => "the file is empty".into(),
            "same_record" => "a record cannot be merged with itself".into(),
            "possible_duplicate" => format!(
                "imported; someone named `{}` is already in the CRM with other contacts: see Duplicates",
                p("value")
            ),
            "invalid_vcard" => format!("the vCard cannot be read: {}", p("detail")),
            other => other.to_string(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.english())
    }
}

/// Longest pipeline, stage, campaign, rule or product name, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// Checks a pipeline or stage name: 1–120 characters after trimming.
///
/// Errors: `required` or `too_long` on `field`.
pub fn check_name(value: &str, field: &str) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if v.chars().count() > MAX_NAME_CHARS {
        return Err(FieldError::new(field, "too_long").with("max", MAX_NAME_CHARS.to_string()));
    }
    Ok(v.to_string())
}
