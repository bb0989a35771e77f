//! The identifiers of a supply that an activation needs, each checked
//! against its published rule: the electricity POD and the gas PDR
//! (ARERA), a SIM's ICCID (ITU-T E.118, Luhn via `luhn`), an IBAN
//! (ISO 13616 via `iban_validate`), a mobile number (libphonenumber) and a
//! fixed line's migration code (AGCOM delibera 274/07/CONS). Each returns
//! the normalised form (no spaces, upper case; E.164 for a number).

use super::{FieldError, Phone};

fn compact_upper(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '.')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Checks an electricity POD (punto di prelievo, ARERA): `IT`, the
/// distributor's three digits, `E`, then eight digits (nine in some
/// distributors' codes). Spaces and case are forgiven.
///
/// Errors: `invalid_pod` on `field`, with `value`.
pub fn check_pod(raw: &str, field: &str) -> Result<String, FieldError> {
    let v = compact_upper(raw);
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let ok = (b.len() == 14 || b.len() == 15)
        && v.starts_with("IT")
        && digits(2..5)
        && b[5] == b'E'
        && digits(6..b.len());
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(field, "invalid_pod").with("value", raw.trim()))
    }
}

/// Checks a gas PDR (punto di riconsegna, ARERA): fourteen digits.
///
/// Errors: `invalid_pdr` on `field`, with `value`.
pub fn check_pdr(raw: &str, field: &str) -> Result<String, FieldError> {
    let v = compact_upper(raw);
    if v.len() == 14 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(v)
    } else {
        Err(FieldError::new(field, "invalid_pdr").with("value", raw.trim()))
    }
}

/// Checks an ICCID (ITU-T E.118): `89` (telecommunications), 18 to 20
/// digits in all, the last the Luhn check digit of the others (via the
/// `luhn` crate).
///
/// Errors: `invalid_iccid` on `field`, with `value`.
pub fn check_iccid(raw: &str, field: &str) -> Result<String, FieldError> {
    let v = compact_upper(raw);
    let ok = (18..=20).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_digit())
        && v.starts_with("89")
        && luhn::valid(&v);
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(field, "invalid_iccid").with("value", raw.trim()))
    }
}

/// Checks an IBAN (ISO 13616: country format and mod-97 check digits, via
/// `iban_validate`); returns its electronic form (no spaces, upper case).
///
/// Errors: `invalid_iban` on `field`, with `value`.
pub fn check_iban(raw: &str, field: &str) -> Result<String, FieldError> {
    let v = compact_upper(raw);
    v.parse::<iban::Iban>()
        .map(|i| iban::IbanLike::electronic_str(&i).to_string())
        .map_err(|_| FieldError::new(field, "invalid_iban").with("value", raw.trim()))
}

/// Checks a mobile number (MSISDN) against the numbering plan (via
/// [`Phone::parse`], national numbers read in `region`); returns E.164.
///
/// Errors: `invalid_phone` on `field`.
pub fn check_msisdn(raw: &str, region: &str, field: &str) -> Result<String, FieldError> {
    Phone::parse(raw, region, field).map(|p| p.e164().to_string())
}

/// Checks a fixed line's migration code (AGCOM delibera 274/07/CONS) by
/// its parts: the operator's code (COW, three letters or digits), the
/// resource code (COR, up to 12 letters or digits, usually the line's
/// number), the intermediate service code (COS, three digits, `001`–`008`,
/// `222` or `999`) and a check letter, e.g. `2ZZ 069279152 001 K`. Spaces
/// and case are forgiven.
///
/// The check letter's own algorithm is in the operators' technical
/// annex, which could not be confirmed here: the published examples do
/// not follow the codice fiscale's, so a code is not refused for its
/// letter (a genuine code refused at the counter would stop the sale);
/// the donating operator validates it on the migration request.
///
/// Errors: `invalid_migration_code` on `field`, with `value`.
pub fn check_migration_code(raw: &str, field: &str) -> Result<String, FieldError> {
    let v = compact_upper(raw);
    let b = v.as_bytes();
    let n = b.len();
    let ok = (8..=19).contains(&n)
        && b.iter().all(u8::is_ascii_alphanumeric)
        && b[n - 1].is_ascii_uppercase()
        && b[n - 4..n - 1].iter().all(u8::is_ascii_digit);
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(field, "invalid_migration_code").with("value", raw.trim()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pods_as_distributors_print_them() {
        assert_eq!(
            check_pod("IT001E12345678", "pod").unwrap(),
            "IT001E12345678"
        );
        assert_eq!(
            check_pod("it 012 e 00123456", "pod").unwrap(),
            "IT012E00123456"
        );
        assert_eq!(
            check_pod("IT020E123456789", "pod").unwrap(),
            "IT020E123456789"
        );
        for bad in [
            "IT001X12345678",
            "FR001E12345678",
            "IT01E12345678",
            "IT001E1234567",
            "IT001E1234567A",
            "",
        ] {
            assert_eq!(
                check_pod(bad, "pod").unwrap_err().code,
                "invalid_pod",
                "{bad}"
            );
        }
    }

    #[test]
    fn pdrs_are_fourteen_digits() {
        assert_eq!(
            check_pdr("0088 1234 5678 90", "pdr").unwrap(),
            "00881234567890"
        );
        for bad in ["0088123456789", "008812345678901", "0088123456789A"] {
            assert_eq!(
                check_pdr(bad, "pdr").unwrap_err().code,
                "invalid_pdr",
                "{bad}"
            );
        }
    }

    #[test]
    fn iccids_carry_their_luhn_digit() {
        // 8939 1000 0000 0000 001 + its Luhn digit.
        let body = "893910000000000000";
        let check = (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|c| luhn::valid(c))
            .unwrap();
        assert_eq!(check_iccid(&check, "iccid").unwrap(), check);
        assert_eq!(
            check_iccid("8939 1000 0000 0000 0000 0", "iccid")
                .unwrap_err()
                .code,
            "invalid_iccid"
        );
        // The published example of ITU-T E.118 style numbers: Luhn-valid.
        assert!(check_iccid("89014103211118510720", "iccid").is_ok());
        let wrong = format!("{body}{}", (check.as_bytes()[18] - b'0' + 1) % 10);
        assert!(check_iccid(&wrong, "iccid").is_err());
        assert!(check_iccid("12345678901234567890", "iccid").is_err());
    }

    #[test]
    fn ibans_by_iso_13616() {
        assert_eq!(
            check_iban("it60 x054 2811 1010 0000 0123 456", "iban").unwrap(),
            "IT60X0542811101000000123456"
        );
        assert_eq!(
            check_iban("DE89 3704 0044 0532 0130 00", "iban").unwrap(),
            "DE89370400440532013000"
        );
        for bad in [
            "IT61X0542811101000000123456",
            "IT60X05428111010000001234",
            "XX00",
        ] {
            assert_eq!(
                check_iban(bad, "iban").unwrap_err().code,
                "invalid_iban",
                "{bad}"
            );
        }
    }

    #[test]
    fn migration_codes_are_read_by_their_parts() {
        // As published by operators' and consumer guides.
        for (raw, code) in [
            ("2ZZ 069279152 001 K", "2ZZ069279152001K"),
            ("win0612345678001h", "WIN0612345678001H"),
            ("2ZZ-069279152-001K", "2ZZ069279152001K"),
        ] {
            assert_eq!(check_migration_code(raw, "m").unwrap(), code);
        }
        for bad in [
            "2ZZ069279152001",   // no check letter
            "2ZZ0692791520A1K",  // COS not three digits
            "2ZZ069279152001/K", // a stray sign
            "ABC",
            "",
        ] {
            assert_eq!(
                check_migration_code(bad, "m").unwrap_err().code,
                "invalid_migration_code",
                "{bad}"
            );
        }
    }
}
