//! A person's address, date of birth and preferences (issue 15: "edit a
//! person: … address, birth date, … preferred language and channel"):
//! the edit as typed, its checks, and the birthday arithmetic the
//! birthday greeting uses.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{codice_fiscale_birth, ContactChannel, FieldError, Person};

/// Longest street address, characters.
pub const MAX_ADDRESS: usize = 200;

/// Longest province or region outside Italy, characters.
pub const MAX_PROVINCE: usize = 60;

/// Longest postal code outside Italy (the longest in the Universal Postal
/// Union's list is 10 characters; a little room for spaces).
pub const MAX_POSTAL_CODE: usize = 12;

/// The channels a person may prefer: those staff reach people by, without
/// the video meeting (which is arranged, not preferred).
pub const PREFERRED_CHANNELS: [ContactChannel; 4] = [
    ContactChannel::Call,
    ContactChannel::Sms,
    ContactChannel::Email,
    ContactChannel::Whatsapp,
];

/// The first day a date of birth may be (older dates are typing errors).
pub fn earliest_birth_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// A correction of a person's address, date of birth and preferences.
/// Each field is `None` to keep it; `Some("")` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileEdit {
    /// Street and number.
    #[serde(default)]
    pub address: Option<String>,
    /// Postal code (in Italy the CAP: 5 digits).
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Province (in Italy the two-letter sigla) or region.
    #[serde(default)]
    pub province: Option<String>,
    /// Date of birth: `YYYY-MM-DD` (a date field) or `DD/MM/YYYY` (also
    /// with `.` or `-`), as Italians write it.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Preferred language: an ISO 639-1 code (`it`, `en`, …).
    #[serde(default)]
    pub preferred_language: Option<String>,
    /// Preferred channel: `call`, `sms`, `email` or `whatsapp`.
    #[serde(default)]
    pub preferred_channel: Option<String>,
}

/// Whether the person's address is Italian for the checks: the tenant is
/// in Italy and the person's country is empty or Italy.
fn italian(p: &Person, region: &str) -> bool {
    region.eq_ignore_ascii_case("IT")
        && p.country.as_deref().is_none_or(|c| {
            let c = c.trim();
            c.is_empty() || ["it", "ita", "italia", "italy"].contains(&c.to_lowercase().as_str())
        })
}

impl ProfileEdit {
    /// Applies the edit to `p`: texts trimmed; a postal code and province
    /// checked as Italian (5 digits; 2 letters, upper-cased) when the
    /// tenant's `region` is `IT` and the person's country is empty or
    /// Italy, else by length; the date of birth read by
    /// [`parse_birth_date`] against `today` and, when the person's
    /// codice fiscale is given (`tax_code`, checked by the caller), by
    /// [`birth_matches_tax_code`]; the language by [`check_language`]; the
    /// channel one of [`PREFERRED_CHANNELS`].
    /// Returns the names of the fields that changed (never their values).
    ///
    /// Errors: every bad field at once — `address` (`too_long`),
    /// `postal_code` (`invalid_postal_code`), `province`
    /// (`invalid_province`), `birth_date` ([`parse_birth_date`]'s, and
    /// `tax_code_mismatch`),
    /// `preferred_language` (`unknown_language`), `preferred_channel`
    /// (`unknown_value`). Nothing is changed then.
    pub fn apply(
        &self,
        p: &mut Person,
        region: &str,
        today: NaiveDate,
        tax_code: Option<&str>,
    ) -> Result<Vec<&'static str>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let it = italian(p, region);
        let text = |v: &Option<String>, old: &Option<String>| -> Option<String> {
            match v.as_deref().map(str::trim) {
                None => old.clone(),
                Some("") => None,
                Some(t) => Some(t.to_string()),
            }
        };
        let address = text(&self.address, &p.address);
        if address
            .as_deref()
            .is_some_and(|a| a.chars().count() > MAX_ADDRESS)
        {
            errors
                .push(FieldError::new("address", "too_long").with("max", MAX_ADDRESS.to_string()));
        }
        let postal_code = text(&self.postal_code, &p.postal_code)
            .map(|c| c.to_uppercase())
            .filter(|c| {
                let ok = if it {
                    c.len() == 5 && c.bytes().all(|b| b.is_ascii_digit())
                } else {
                    c.chars().count() <= MAX_POSTAL_CODE
                        && c.chars()
                            .all(|ch| ch.is_alphanumeric() || ch == ' ' || ch == '-')
                };
                if !ok {
                    errors.push(
                        FieldError::new("postal_code", "invalid_postal_code").with("value", c),
                    );
                }
                ok
            });
        let province = text(&self.province, &p.province).filter(|v| {
            let ok = if it {
                v.chars().count() == 2 && v.chars().all(|c| c.is_ascii_alphabetic())
            } else {
                v.chars().count() <= MAX_PROVINCE
            };
            if !ok {
                errors.push(FieldError::new("province", "invalid_province").with("value", v));
            }
            ok
        });
        let province = province.map(|v| if it { v.to_ascii_uppercase() } else { v });
        let birth_date = match self.birth_date.as_deref().map(str::trim) {
            None => p.birth_date,
            Some("") => None,
            Some(t) => parse_birth_date(t, today, "birth_date")
                .map_err(|e| errors.push(e))
                .ok(),
        };
        if let (Some(birth), Some(code)) = (birth_date, tax_code) {
            if !birth_matches_tax_code(birth, code) {
                errors.push(FieldError::new("birth_date", "tax_code_mismatch"));
            }
        }
        let preferred_language = match self.preferred_language.as_deref().map(str::trim) {
            None => p.preferred_language.clone(),
            Some("") => None,
            Some(t) => check_language(t, "preferred_language")
                .map_err(|e| errors.push(e))
                .ok(),
        };
        let preferred_channel = match self.preferred_channel.as_deref().map(str::trim) {
            None => p.preferred_channel,
            Some("") => None,
            Some(t) => match ContactChannel::parse(t, "preferred_channel") {
                Ok(c) if PREFERRED_CHANNELS.contains(&c) => Some(c),
                _ => {
                    errors.push(
                        FieldError::new("preferred_channel", "unknown_value")
                            .with("value", t)
                            .with(
                                "allowed",
                                PREFERRED_CHANNELS
                                    .iter()
                                    .map(|c| c.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            ),
                    );
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let changed = [
            ("address", address != p.address),
            ("postal_code", postal_code != p.postal_code),
            ("province", province != p.province),
            ("birth_date", birth_date != p.birth_date),
            (
                "preferred_language",
                preferred_language != p.preferred_language,
            ),
            (
                "preferred_channel",
                preferred_channel != p.preferred_channel,
            ),
        ]
        .into_iter()
        .filter_map(|(f, c)| c.then_some(f))
        .collect();
        p.address = address;
        p.postal_code = postal_code;
        p.province = province;
        p.birth_date = birth_date;
        p.preferred_language = preferred_language;
        p.preferred_channel = preferred_channel;
        Ok(changed)
    }
}

/// Reads a date of birth: `YYYY-MM-DD` (ISO 8601, what a date field
/// sends), or day, month and year separated by `/`, `.` or `-` (the
/// Italian order, `7/3/1985`, four-digit year).
///
/// Errors on `field`: `invalid_date` (with `value`) for any other text or
/// a day that does not exist; `in_future` after `today`; `too_old`
/// before [`earliest_birth_date`].
pub fn parse_birth_date(
    text: &str,
    today: NaiveDate,
    field: &str,
) -> Result<NaiveDate, FieldError> {
    let t = text.trim();
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            let parts: Vec<&str> = t.split(['/', '.', '-']).collect();
            match parts.as_slice() {
                [d, m, y] if y.len() == 4 => {
                    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
                }
                _ => None,
            }
        })
        .ok_or_else(|| FieldError::new(field, "invalid_date").with("value", t))?;
    if date > today {
        return Err(FieldError::new(field, "in_future"));
    }
    if date < earliest_birth_date() {
        return Err(FieldError::new(field, "too_old").with("min", "1900-01-01"));
    }
    Ok(date)
}

/// Checks a language code: an ISO 639-1 code (two letters, as listed by
/// the `isolang` crate's tables of ISO 639), lower-cased.
///
/// Errors: `unknown_language` on `field`, with `value`.
pub fn check_language(code: &str, field: &str) -> Result<String, FieldError> {
    let c = code.trim().to_ascii_lowercase();
    match isolang::Language::from_639_1(&c) {
        Some(_) => Ok(c),
        None => Err(FieldError::new(field, "unknown_language").with("value", code.trim())),
    }
}

/// Whether a date of birth agrees with a person's codice fiscale (DM
/// 23/12/1976: the year's last two digits, the month letter and the day,
/// read by [`codice_fiscale_birth`]). `true` when the code is not one a
/// birth can be read from: only a code that says another day disagrees.
pub fn birth_matches_tax_code(birth: NaiveDate, tax_code: &str) -> bool {
    codice_fiscale_birth(tax_code).is_none_or(|(yy, month, day)| {
        birth.year().rem_euclid(100) as u32 == yy && birth.month() == month && birth.day() == day
    })
}

/// The day someone born on `birth` celebrates in `year`: the same day and
/// month, and 28 February for those born on 29 February when `year` is
/// not a leap year (the common custom; Italian law sets no rule).
pub fn birthday_in(birth: NaiveDate, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .unwrap_or(birth)
}

/// The first birthday on or after `from` of someone born on `birth`.
pub fn next_birthday(birth: NaiveDate, from: NaiveDate) -> NaiveDate {
    let this_year = birthday_in(birth, from.year());
    if this_year >= from {
        this_year
    } else {
        birthday_in(birth, from.year() + 1)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::Utc;
    use uuid::Uuid;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn person() -> Person {
        Person::new(
            Uuid::now_v7(),
            "Maria".into(),
            "Rossi".into(),
            None,
            None,
            Utc::now(),
        )
    }

    #[test]
    fn a_profile_edit_sets_checks_and_names_what_changed() {
        let mut p = person();
        let edit = ProfileEdit {
            address: Some(" Via Toledo 12 ".into()),
            postal_code: Some("80134".into()),
            province: Some("na".into()),
            birth_date: Some("07/03/1985".into()),
            preferred_language: Some("RO".into()),
            preferred_channel: Some("whatsapp".into()),
        };
        let changed = edit.apply(&mut p, "IT", day(2026, 12, 6), None).unwrap();
        assert_eq!(changed.len(), 6);
        assert_eq!(p.address.as_deref(), Some("Via Toledo 12"));
        assert_eq!(p.province.as_deref(), Some("NA"));
        assert_eq!(p.birth_date, Some(day(1985, 3, 7)));
        assert_eq!(p.preferred_language.as_deref(), Some("ro"));
        assert_eq!(p.preferred_channel, Some(ContactChannel::Whatsapp));
        // Nothing given keeps everything; "" clears.
        assert!(ProfileEdit::default()
            .apply(&mut p, "IT", day(2026, 12, 6), None)
            .unwrap()
            .is_empty());
        let clear = ProfileEdit {
            birth_date: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(
            clear.apply(&mut p, "IT", day(2026, 12, 6), None).unwrap(),
            vec!["birth_date"]
        );
        assert_eq!(p.birth_date, None);
    }

    #[test]
    fn a_bad_profile_edit_names_every_field_and_changes_nothing() {
        let mut p = person();
        let before = p.clone();
        let edit = ProfileEdit {
            address: Some("x".repeat(MAX_ADDRESS + 1)),
            postal_code: Some("8013".into()),
            province: Some("Napoli".into()),
            birth_date: Some("31/02/1985".into()),
            preferred_language: Some("xx".into()),
            preferred_channel: Some("meeting".into()),
        };
        let fields: Vec<_> = edit
            .apply(&mut p, "IT", day(2026, 12, 6), None)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        let expect = [
            ("address", "too_long"),
            ("postal_code", "invalid_postal_code"),
            ("province", "invalid_province"),
            ("birth_date", "invalid_date"),
            ("preferred_language", "unknown_language"),
            ("preferred_channel", "unknown_value"),
        ];
        assert_eq!(
            fields,
            expect
                .iter()
                .map(|(f, c)| (f.to_string(), c.to_string()))
                .collect::<Vec<_>>()
        );
        assert_eq!(p, before);
    }

    #[test]
    fn a_foreign_address_is_checked_by_length_only() {
        let mut p = person();
        p.country = Some("United Kingdom".into());
        let edit = ProfileEdit {
            postal_code: Some("sw1a 1aa".into()),
            province: Some("Greater London".into()),
            ..Default::default()
        };
        edit.apply(&mut p, "IT", day(2026, 12, 6), None).unwrap();
        assert_eq!(p.postal_code.as_deref(), Some("SW1A 1AA"));
        assert_eq!(p.province.as_deref(), Some("Greater London"));
    }

    #[test]
    fn birth_dates_in_every_written_form_and_their_limits() {
        let today = day(2026, 12, 6);
        for text in ["1985-03-07", "7/3/1985", "07.03.1985", "07-03-1985"] {
            assert_eq!(parse_birth_date(text, today, "b").unwrap(), day(1985, 3, 7));
        }
        let code = |t: &str| parse_birth_date(t, today, "b").unwrap_err().code;
        assert_eq!(code("2026-12-07"), "in_future");
        assert_eq!(code("31/12/1899"), "too_old");
        assert_eq!(code("29/02/2025"), "invalid_date");
        assert_eq!(code("7/3/85"), "invalid_date");
        assert_eq!(code("ieri"), "invalid_date");
    }

    #[test]
    fn the_codice_fiscale_tells_the_birth_day() {
        // RSSMRA85C47F839X: a woman (day 47 = 7) born in March '85.
        assert!(birth_matches_tax_code(day(1985, 3, 7), "RSSMRA85C47F839X"));
        assert!(!birth_matches_tax_code(day(1985, 3, 8), "RSSMRA85C47F839X"));
        assert!(!birth_matches_tax_code(day(1986, 3, 7), "RSSMRA85C47F839X"));
        // Omocodia: 85 written as "8R" (R = 5).
        assert!(birth_matches_tax_code(day(1985, 3, 7), "RSSMRA8RC47F839X"));
        // A code no birth can be read from says nothing.
        assert!(birth_matches_tax_code(day(1985, 3, 7), "12345678901"));
    }

    #[test]
    fn birthdays_of_the_29th_of_february() {
        let leap = day(2000, 2, 29);
        assert_eq!(birthday_in(leap, 2027), day(2027, 2, 28));
        assert_eq!(birthday_in(leap, 2028), day(2028, 2, 29));
        assert_eq!(next_birthday(leap, day(2027, 3, 1)), day(2028, 2, 29));
        assert_eq!(
            next_birthday(day(1985, 3, 7), day(2026, 3, 7)),
            day(2026, 3, 7)
        );
        assert_eq!(
            next_birthday(day(1985, 3, 7), day(2026, 3, 8)),
            day(2027, 3, 7)
        );
    }
}
