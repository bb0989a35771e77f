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
    // The first two characters, whatever their width (an en dash is three
    // bytes): a byte index could fall inside one.
    let (prefix, rest) = v.split_at(v.char_indices().nth(2).map_or(v.len(), |(i, _)| i));
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

/// The letters that stand for the digits 0–9 where a codice fiscale was
/// changed to tell two people apart (omocodia): `L M N P Q R S T U V`
/// (DM 23/12/1976, as applied by the Agenzia delle Entrate).
const OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";

/// The month letters of a codice fiscale, January to December.
const CF_MONTHS: &[u8; 12] = b"ABCDEHLMPRST";

/// The value of `0`–`9` and `A`–`Z` in an odd (1st, 3rd, …) position of
/// the check character's sum; digits count as the letter of the same index
/// (`0` as `A`). DM 23/12/1976, annex: "caratteri dispari".
const CF_ODD: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/// The positions (0-based) of the seven digits a codice fiscale may carry
/// as omocodia letters: year, day and the place's number.
const CF_DIGITS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];

/// The check character of a person's codice fiscale from its first fifteen
/// characters (DM 23/12/1976): each character's value (odd positions from
/// [`CF_ODD`], even positions `0`–`9` → 0–9 and `A`–`Z` → 0–25) summed,
/// modulo 26, as a letter. `None` unless `first15` is fifteen ASCII
/// digits or capital letters.
pub fn codice_fiscale_check_char(first15: &str) -> Option<char> {
    if first15.len() != 15 {
        return None;
    }
    cin_check_char(first15)
}

/// The codice fiscale's check character (the "CIN" of DM 23/12/1976) of
/// any run of ASCII digits and capital letters: the same tables applied
/// position by position, the first position odd. `None` for an empty
/// text or any other character.
pub fn cin_check_char(text: &str) -> Option<char> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in bytes.iter().enumerate() {
        let index = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' => c - b'A',
            _ => return None,
        };
        sum += if i % 2 == 0 {
            CF_ODD[usize::from(index)]
        } else {
            u32::from(index)
        };
    }
    let letter = u8::try_from(sum % 26).ok()?;
    Some(char::from(b'A' + letter))
}

/// Whether `code` (upper case, no spaces) is a well-formed person's codice
/// fiscale: six letters (surname and name), year, month letter, day (1–31,
/// or 41–71 for women, within the month; 29 February always, the century
/// being unknown), the place (a letter and three digits: the comune's
/// cadastral code, `Z…` for a foreign country) and the check character.
/// Any of the seven digits may be an omocodia letter ([`OMOCODIA`]); the
/// check character is computed on the code as written.
fn codice_fiscale_ok(code: &str) -> bool {
    codice_fiscale_birth(code).is_some()
        && std::str::from_utf8(&code.as_bytes()[..15])
            .ok()
            .and_then(codice_fiscale_check_char)
            == code.chars().nth(15)
}

/// The birth a person's codice fiscale encodes (DM 23/12/1976): the last
/// two digits of the year, the month (1–12) and the day (1–31; women's
/// days, written +40, given back as the day). Omocodia letters are read
/// as their digits. `None` when `code` (upper case, no spaces) is not
/// shaped as a codice fiscale or names no such day; the check character
/// is not checked here ([`check_person_tax_code`] does).
pub fn codice_fiscale_birth(code: &str) -> Option<(u32, u32, u32)> {
    let b = code.as_bytes();
    if b.len() != 16 {
        return None;
    }
    let mut plain = [0u8; 16];
    for (i, &c) in b.iter().enumerate() {
        plain[i] = if CF_DIGITS.contains(&i) {
            match c {
                b'0'..=b'9' => c,
                _ => b'0' + u8::try_from(OMOCODIA.iter().position(|&l| l == c)?).ok()?,
            }
        } else if c.is_ascii_uppercase() {
            c
        } else {
            return None;
        };
    }
    let number =
        |from: usize| u32::from(plain[from] - b'0') * 10 + u32::from(plain[from + 1] - b'0');
    let month = CF_MONTHS.iter().position(|&m| m == plain[8])?;
    let day = match number(9) {
        d @ 1..=31 => d,
        d @ 41..=71 => d - 40,
        _ => return None,
    };
    let month_days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if day > month_days[month] {
        return None;
    }
    Some((number(6), u32::try_from(month).ok()? + 1, day))
}

/// Checks a person's codice fiscale (16 characters, structure and check
/// character per DM 23/12/1976, omocodia included: see
/// `codice_fiscale_ok`). Spaces are dropped and letters upper-cased.
/// Returns it so normalised. Errors: `invalid_tax_code` on `field`, with
/// `value`; any text, accents and symbols included, gives that error and
/// never a panic.
pub fn check_person_tax_code(raw: &str, field: &str) -> Result<String, FieldError> {
    let v: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if codice_fiscale_ok(&v) {
        Ok(v)
    } else {
        Err(FieldError::new(field, "invalid_tax_code").with("value", raw.trim()))
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

    /// Codes made by python-codicefiscale 0.x (`encode`, and its list of
    /// omocodic variants), an implementation independent of this one:
    /// Mario Rossi (Rome, 10/12/1985), Giulia Bianchi (Milan, 29/02/1996),
    /// Dario Fo (Sangiano, 1926), Anna Esposito (Naples, 2001), a man born
    /// in Switzerland (`Z133`) and Nicolò D'Angelo (Palermo, 31/08/1999).
    const VALID_CODES: &[&str] = &[
        "RSSMRA85T10H501O",
        "RSSMRAU5TM0H50MO",
        "RSSMRAURT1LHRLMY",
        "RSSMRAURTMLHRLMJ",
        "BNCGLI96B69F205J",
        "BNCGLI96BS9FN05K",
        "BNCGLIVSBSVFNLRG",
        "FOXDRA26C24H872Y",
        "FOXDRAN6C24H872N",
        "SPSNNA01A41F839X",
        "SPSNNALMAQMFUPVN",
        "LTHJRG70L15Z133D",
        "LTHJRGT0L15Z13PW",
        "DNGNCL99M31G273K",
        "DNGNCLV9M31GNT3A",
    ];

    #[test]
    fn codici_fiscali_with_and_without_omocodia() {
        for code in VALID_CODES {
            assert_eq!(
                check_person_tax_code(&code.to_lowercase(), "cf").as_deref(),
                Ok(*code)
            );
        }
        for bad in [
            "RSSMRA85T10H501A",  // wrong check character
            "RSSMRA85F10H501O",  // F is no month
            "RSSMRA85T32H501O",  // day 32
            "RSSMRA85T00H501O",  // day 0
            "RSSMRA85T72H501O",  // day 72
            "BNCGLI96B70F205J",  // 30 February (a woman's 70)
            "RSSMRA85T10H501",   // 15 characters
            "RSSMRA85T10H501OO", // 17
            "RSSMRAW5T10H501O",  // W stands for no digit
            "RSSMR485T10H501O",  // a digit among the letters
            "RSSMRÀ85T10H501O",  // an accented letter
            "RSSMRA85T10H5–1O",  // an en dash
            "",
        ] {
            assert_eq!(
                check_person_tax_code(bad, "cf").unwrap_err().code,
                "invalid_tax_code",
                "{bad}"
            );
        }
        assert_eq!(codice_fiscale_check_char("RSSMRA85T10H501"), Some('O'));
        assert_eq!(codice_fiscale_check_char("RSSMRA85T10H50"), None);
    }

    #[test]
    fn a_vat_number_of_any_text_is_an_error_not_a_panic() {
        for raw in ["–", "–1", "IT–", "àè", "I\u{0301}T12345678901", "€€€"] {
            assert!(check_vat(raw, "v").is_err(), "{raw}");
        }
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
