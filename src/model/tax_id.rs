//! Italian (and other EU) tax identifiers of people and companies: the
//! partita IVA with its check digit, other EU VAT numbers by shape, and the
//! codice fiscale of a person or a company.

use super::FieldError;

/// Checks an Italian partita IVA: 11 digits whose last is the Luhn check
/// digit of the first ten (DPR 633/1972 art. 35 and DM 23/12/1976; the
/// algorithm as published by the Agenzia delle Entrate). `true` if valid.
pub fn partita_iva_ok(digits: &str) -> bool {
    if digits.len() != 11 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    partita_iva_check_digit(&digits[..10]) == Some(digits.as_bytes()[10] - b'0')
}

/// The check digit of the first ten digits of a partita IVA (Luhn: odd
/// positions as they are, even positions doubled with 9 subtracted above
/// 9; the digit that brings the sum to a multiple of 10). `None` unless
/// `first_ten` is ten ASCII digits.
pub fn partita_iva_check_digit(first_ten: &str) -> Option<u8> {
    if first_ten.len() != 10 || !first_ten.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first_ten
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (i % 2, d * 2) {
                (1, x) if x > 9 => x - 9,
                (1, x) => x,
                _ => d,
            }
        })
        .sum();
    u8::try_from((10 - sum % 10) % 10).ok()
}

/// National formats of EU VAT numbers after the two-letter prefix, as
/// listed by the European Commission's VIES FAQ ("VAT number format"):
/// `9` a digit, `A` a letter, `X` a letter or digit; several patterns per
/// country. Greece uses `EL`; Northern Ireland `XI`.
const EU_VAT_FORMATS: &[(&str, &[&str])] = &[
    ("AT", &["U99999999"]),
    ("BE", &["9999999999"]),
    ("BG", &["999999999", "9999999999"]),
    ("CY", &["99999999A"]),
    ("CZ", &["99999999", "999999999", "9999999999"]),
    ("DE", &["999999999"]),
    ("DK", &["99999999"]),
    ("EE", &["999999999"]),
    ("EL", &["999999999"]),
    ("ES", &["X9999999X"]),
    ("FI", &["99999999"]),
    ("FR", &["XX999999999"]),
    ("HR", &["99999999999"]),
    ("HU", &["99999999"]),
    ("IE", &["9X99999A", "9999999AA", "9999999A"]),
    ("IT", &["99999999999"]),
    ("LT", &["999999999", "999999999999"]),
    ("LU", &["99999999"]),
    ("LV", &["99999999999"]),
    ("MT", &["99999999"]),
    ("NL", &["999999999B99"]),
    ("PL", &["9999999999"]),
    ("PT", &["999999999"]),
    (
        "RO",
        &[
            "99",
            "999",
            "9999",
            "99999",
            "999999",
            "9999999",
            "99999999",
            "999999999",
            "9999999999",
        ],
    ),
    ("SE", &["999999999901"]),
    ("SI", &["99999999"]),
    ("SK", &["9999999999"]),
    ("XI", &["999999999", "999999999999", "GD999", "HA999"]),
];

fn matches_format(value: &str, pattern: &str) -> bool {
    value.len() == pattern.len()
        && value.chars().zip(pattern.chars()).all(|(v, p)| match p {
            '9' => v.is_ascii_digit(),
            'A' => v.is_ascii_uppercase(),
            'X' => v.is_ascii_alphanumeric(),
            other => v == other,
        })
}

/// Checks and normalises a VAT number. Spaces, dots and dashes are
/// dropped and letters upper-cased. Eleven digits alone, or `IT` + eleven
/// digits, are an Italian partita IVA and must pass [`partita_iva_ok`]; the
/// result is the 11 digits. Any other EU prefix must match its national
/// format (`EU_VAT_FORMATS`); the result keeps the prefix.
///
/// Errors on `field`: `invalid_vat` (with `value` and `country`) when the
/// format or the Italian check digit is wrong; `unknown_value` for a prefix
/// that is not an EU VAT country.
pub fn check_vat(raw: &str, field: &str) -> Result<String, FieldError> {
    let v: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '/'))
        .collect::<String>()
        .to_ascii_uppercase();
    let err = |country: &str| {
        FieldError::new(field, "invalid_vat")
            .with("value", raw.trim())
            .with("country", country)
    };
    let italian = v.strip_prefix("IT").unwrap_or(&v);
    if italian.bytes().all(|b| b.is_ascii_digit()) {
        return if partita_iva_ok(italian) {
            Ok(italian.to_string())
        } else {
            Err(err("IT"))
        };
    }
    let (prefix, rest) = v.split_at(v.len().min(2));
    match EU_VAT_FORMATS.iter().find(|(c, _)| *c == prefix) {
        Some((_, formats)) if formats.iter().any(|f| matches_format(rest, f)) => Ok(v.clone()),
        Some(_) => Err(err(prefix)),
        None => Err(FieldError::new(field, "unknown_value")
            .with("value", raw.trim())
            .with(
                "allowed",
                "IT + 11 digits, or an EU VAT number with its country prefix",
            )),
    }
}

/// Checks a person's codice fiscale (16 characters, check character and
/// structure per DM 23/12/1976, omocodia included) with the
/// `codice_fiscale` crate. Returns it upper-cased without spaces.
/// Errors: `invalid_tax_code` on `field`, with `value`.
pub fn check_person_tax_code(raw: &str, field: &str) -> Result<String, FieldError> {
    let v: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    match codice_fiscale::CodiceFiscale::check(&v) {
        Ok(()) => Ok(v),
        Err(_) => Err(FieldError::new(field, "invalid_tax_code").with("value", raw.trim())),
    }
}

/// Checks a company's codice fiscale: 11 digits (same rule as the
/// partita IVA) or, for a sole trader, a person's 16-character code.
/// Errors: `invalid_tax_code` on `field`.
pub fn check_company_tax_code(raw: &str, field: &str) -> Result<String, FieldError> {
    let v: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if v.len() == 11 && v.bytes().all(|b| b.is_ascii_digit()) {
        return if partita_iva_ok(&v) {
            Ok(v)
        } else {
            Err(FieldError::new(field, "invalid_tax_code").with("value", raw.trim()))
        };
    }
    check_person_tax_code(raw, field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partita_iva_check_digit() {
        // Published examples: Agenzia delle Entrate (06363391001) and a
        // well-known listed company (00743110157).
        assert!(partita_iva_ok("06363391001"));
        assert!(partita_iva_ok("00743110157"));
        assert!(!partita_iva_ok("06363391002"));
        assert!(!partita_iva_ok("0636339100"));
        assert_eq!(
            check_vat("IT 06363391001", "v").as_deref(),
            Ok("06363391001")
        );
        let e = check_vat("06363391002", "v").unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.params["country"].as_str()),
            ("invalid_vat", "IT")
        );
    }

    #[test]
    fn other_eu_formats_are_accepted_by_shape() {
        assert_eq!(check_vat("DE 123456789", "v").as_deref(), Ok("DE123456789"));
        assert_eq!(
            check_vat("fr12345678901", "v").as_deref(),
            Ok("FR12345678901")
        );
        assert_eq!(check_vat("ESX1234567X", "v").as_deref(), Ok("ESX1234567X"));
        assert_eq!(
            check_vat("DE12345678", "v").unwrap_err().code,
            "invalid_vat"
        );
        assert_eq!(check_vat("US123", "v").unwrap_err().code, "unknown_value");
    }

    #[test]
    fn tax_codes() {
        assert_eq!(
            check_person_tax_code("rssmra80a01h501u", "cf").as_deref(),
            Ok("RSSMRA80A01H501U")
        );
        assert_eq!(
            check_person_tax_code("RSSMRA80A01H501X", "cf")
                .unwrap_err()
                .code,
            "invalid_tax_code"
        );
        assert_eq!(
            check_company_tax_code("06363391001", "cf").as_deref(),
            Ok("06363391001")
        );
    }
}
