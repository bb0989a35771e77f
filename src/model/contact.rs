//! Phone numbers and e-mail addresses: parsed, not merely checked.
//!
//! Phone rules are Google's libphonenumber, through `rlibphonenumber` (a
//! port of its C++ code, differentially fuzzed against it, with current
//! metadata). The older `phonenumber` crate read national Italian mobiles
//! of the 39x range ("391 1234567") as "+39 11234567" and refused them;
//! libphonenumber keeps the leading 39 when the number is only valid so.
//! E-mail syntax is RFC 5322 as implemented by the
//! `email_address` crate (with a dot required in the domain, as real
//! mailboxes need one).

use std::str::FromStr;

use rlibphonenumber::{enums::Region, PhoneNumberFormat, PHONE_NUMBER_UTIL};
use serde::{Deserialize, Serialize};

use super::FieldError;

/// Region used to read national numbers when the tenant sets none (ISO 3166-1 alpha-2).
pub const DEFAULT_REGION: &str = "IT";

/// Checks a region code for reading phone numbers (ISO 3166-1 alpha-2 known
/// to the numbering metadata) and returns it upper-cased.
/// Errors: `unknown_value` on `field`.
pub fn parse_region(code: &str, field: &str) -> Result<String, FieldError> {
    let upper = code.trim().to_ascii_uppercase();
    let known = Region::from_str(&upper)
        .ok()
        .and_then(|r| PHONE_NUMBER_UTIL.get_country_code_for_region(r))
        .is_some_and(|code| code > 0);
    match known {
        true => Ok(upper),
        false => Err(FieldError::new(field, "unknown_value")
            .with("value", code.trim())
            .with("allowed", "ISO 3166-1 alpha-2 codes such as IT, US, GB, DE")),
    }
}

/// A valid phone number, held in E.164 form (`+393331234567`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Parses `input` as typed by a person (spaces, dots, dashes, brackets,
    /// `00` or `+` prefixes, an `x123` extension, which is dropped) and
    /// checks it against the numbering plan. National numbers are read in
    /// `region` (ISO 3166-1 alpha-2, e.g. `IT`).
    ///
    /// Errors: `invalid_phone` on field `field`, with `value` and `region`.
    pub fn parse(input: &str, region: &str, field: &str) -> Result<Phone, FieldError> {
        let err = || {
            FieldError::new(field, "invalid_phone")
                .with("value", input.trim())
                .with("region", region)
        };
        let region_id = Region::from_str(&region.trim().to_ascii_uppercase()).ok();
        let valid = |text: &str| {
            PHONE_NUMBER_UTIL
                .parse(text, region_id)
                .ok()
                .filter(|n| n.is_valid())
        };
        // "+39 (0)6 …" and "+44 (0)20 …": the bracketed trunk zero is kept
        // where it belongs to the number (Italy) and dropped where it does
        // not (everywhere else, and Italian mobiles written "+39 (0)333 …").
        let number = valid(input.trim())
            .or_else(|| {
                input
                    .contains("(0)")
                    .then(|| valid(&input.trim().replacen("(0)", "", 1)))
                    .flatten()
            })
            .ok_or_else(err)?;
        Ok(Phone(
            number.format_as(PhoneNumberFormat::E164).into_owned(),
        ))
    }

    /// Wraps a value already stored in E.164 form (from the database).
    pub fn from_e164_unchecked(e164: String) -> Phone {
        Phone(e164)
    }

    /// The E.164 form, e.g. `+393331234567`.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// National format for display, e.g. `333 123 4567` (or the E.164 form
    /// if the metadata cannot format it).
    pub fn national(&self) -> String {
        national_format(&self.0)
    }

    /// The digits only, without `+` (`393331234567`).
    pub fn digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }
}

/// Formats an E.164 string for display in national format; numbers outside
/// `region` are shown in international format. Unparseable input is returned as is.
pub fn national_format(e164: &str) -> String {
    national_format_in(e164, DEFAULT_REGION)
}

/// A phone as a spreadsheet cell shows it (`excel-it` and `xlsx`
/// exports): national format for numbers of `region` (`333 123 4567`),
/// otherwise the international format with `00` for `+`
/// (`0044 20 7946 0958`), so that Excel reads it as text: no leading `+`
/// (a formula) and spaces (not a number).
pub fn phone_for_sheet(e164: &str, region: &str) -> String {
    let shown = national_format_in(e164, region);
    match shown.strip_prefix('+') {
        Some(rest) => format!("00{rest}"),
        None => shown,
    }
}

fn national_format_in(e164: &str, region: &str) -> String {
    match PHONE_NUMBER_UTIL.parse(e164, None) {
        Ok(n) => {
            let same_region = n
                .get_region_code()
                .map(|id| id.as_region_str().eq_ignore_ascii_case(region))
                .unwrap_or(false);
            let mode = if same_region {
                PhoneNumberFormat::National
            } else {
                PhoneNumberFormat::International
            };
            n.format_as(mode).into_owned()
        }
        Err(_) => e164.to_string(),
    }
}

/// A syntactically valid e-mail address, trimmed and with its domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Validates `input`. Errors: `invalid_email` on `field`, with `value`.
    pub fn parse(input: &str, field: &str) -> Result<Email, FieldError> {
        let normalized = normalize_email(input);
        let valid = email_address::EmailAddress::from_str(&normalized)
            .map(|a| a.domain().contains('.') && !a.domain().ends_with('.'))
            .unwrap_or(false);
        if valid {
            Ok(Email(normalized))
        } else {
            Err(FieldError::new(field, "invalid_email").with("value", input.trim()))
        }
    }

    /// Wraps a value already validated (from the database).
    pub fn from_stored_unchecked(value: String) -> Email {
        Email(value)
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Trims an address and lower-cases it whole. Mailbox local parts are
/// case-sensitive in theory (RFC 5321 §2.4) but no real provider treats them
/// so, and matching people by e-mail needs one spelling.
pub fn normalize_email(input: &str) -> String {
    input.trim().to_lowercase()
}

/// Reads a website: an absolute `http`/`https` URL with a host; a bare
/// host (`www.x.it`) gets `https://`. Errors: `invalid_url` on `field`.
pub fn check_url(raw: &str, field: &str) -> Result<String, FieldError> {
    let t = raw.trim();
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    match url::Url::parse(&with_scheme) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| h.contains('.')) =>
        {
            Ok(u.to_string())
        }
        _ => Err(FieldError::new(field, "invalid_url").with("value", t)),
    }
}

/// The number in a phone link (`tel:+393471112222`, `callto://…`,
/// `sip:+39…@pbx`), percent-decoded, without its parameters; `None` for
/// any other argument.
pub fn phone_link_number(arg: &str) -> Option<String> {
    let lower = arg.to_ascii_lowercase();
    let rest = ["tel:", "callto:", "sip:"]
        .iter()
        .find_map(|scheme| lower.starts_with(scheme).then(|| &arg[scheme.len()..]))?;
    let rest = rest.trim_start_matches('/');
    let number = rest.split([';', '?', '@']).next().unwrap_or_default();
    let number =
        url::form_urlencoded::parse(format!("n={}", number.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
    let number = number.trim().to_string();
    (number.chars().filter(char::is_ascii_digit).count() >= 3).then_some(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_mobile_in_any_format_becomes_e164() {
        for input in [
            "333 123 4567",
            "+39 333 1234567",
            "0039-333-123-4567",
            "(333) 123.4567",
        ] {
            assert_eq!(
                Phone::parse(input, "IT", "phone").unwrap().e164(),
                "+393331234567",
                "{input}"
            );
        }
    }

    #[test]
    fn invalid_phone_names_field_value_and_region() {
        let e = Phone::parse("12", "IT", "phone").unwrap_err();
        assert_eq!(e.code, "invalid_phone");
        assert_eq!(e.params["value"], "12");
        assert_eq!(e.params["region"], "IT");
    }

    #[test]
    fn national_display_of_italian_and_foreign_numbers() {
        let it = Phone::parse("3331234567", "IT", "phone").unwrap();
        assert_eq!(it.national(), "333 123 4567");
        let us = Phone::parse("+1 202 555 0143", "IT", "phone").unwrap();
        assert!(us.national().starts_with("+1"), "{}", us.national());
    }

    #[test]
    fn email_is_validated_and_normalized() {
        assert_eq!(
            Email::parse(" Mario.Rossi@Example.IT ", "email")
                .unwrap()
                .as_str(),
            "mario.rossi@example.it"
        );
        assert_eq!(
            Email::parse("mario@", "email").unwrap_err().code,
            "invalid_email"
        );
        assert_eq!(
            Email::parse("mario@localhost", "email").unwrap_err().code,
            "invalid_email"
        );
        assert_eq!(
            Email::parse("229.077.5154", "email").unwrap_err().code,
            "invalid_email"
        );
    }

    #[test]
    fn phone_links() {
        assert_eq!(
            phone_link_number("tel:+393471112222").as_deref(),
            Some("+393471112222")
        );
        assert_eq!(
            phone_link_number("TEL:+39%20347%20111%202222").as_deref(),
            Some("+39 347 111 2222")
        );
        assert_eq!(
            phone_link_number("callto://+390612345678").as_deref(),
            Some("+390612345678")
        );
        assert_eq!(
            phone_link_number("sip:+393471112222@pbx.negozio.it;user=phone").as_deref(),
            Some("+393471112222")
        );
        assert_eq!(
            phone_link_number("tel:+39-347-111;ext=2").as_deref(),
            Some("+39-347-111")
        );
        assert_eq!(phone_link_number("--data-dir"), None);
        assert_eq!(phone_link_number("/home/negozio/clienti.csv"), None);
        assert_eq!(phone_link_number("tel:"), None);
    }
}
