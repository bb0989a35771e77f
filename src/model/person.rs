//! People: one identity across the CRM (`person_id`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A person: lead, customer and contact are roles of the same record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Person {
    /// UUID v7.
    pub id: Uuid,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Phone in E.164 (`+393331234567`).
    pub phone: Option<String>,
    /// A second phone in E.164.
    pub phone_2: Option<String>,
    /// A phone as given when it could not be read as a number (imports
    /// keep it here rather than lose it).
    pub phone_raw: Option<String>,
    /// E-mail, normalised (see [`crate::model::normalize_email`]).
    pub email: Option<String>,
    /// A second e-mail, normalised (imports of files with two e-mail
    /// columns, vCards with two addresses).
    #[serde(default)]
    pub email_2: Option<String>,
    /// Company name as given (companies become records of their own later).
    pub company_name: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Country as given.
    pub country: Option<String>,
    /// Id of this person in the system it was imported from.
    pub external_ref: Option<String>,
    /// Whether the person has won at least one deal.
    pub is_customer: bool,
    /// Codice fiscale (16 characters, checked by
    /// [`crate::model::check_person_tax_code`]).
    #[serde(default)]
    pub tax_code: Option<String>,
    /// Values of the tenant's custom fields for people.
    #[serde(default)]
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<crate::model::CustomValues>")
    )]
    pub custom: crate::model::CustomValues,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
    /// When their data was erased (GDPR art. 17,
    /// [`crate::services::gdpr::erase`]): the row stays, anonymised, so
    /// that their leads, deals and contracts still count. `None` for
    /// everyone else.
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(default))]
    pub erased_at: Option<DateTime<Utc>>,
    /// Street and number (`Via Toledo 12`).
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(default))]
    pub address: Option<String>,
    /// Postal code (in Italy the 5-digit CAP).
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(default))]
    pub postal_code: Option<String>,
    /// Province or region (in Italy the two-letter sigla, `NA`).
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(default))]
    pub province: Option<String>,
    /// Date of birth (a calendar day, no time zone).
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(default))]
    pub birth_date: Option<chrono::NaiveDate>,
    /// The language they prefer to be spoken and written to in: an ISO
    /// 639-1 code (`it`, `en`, `ro`).
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(default))]
    pub preferred_language: Option<String>,
    /// How they prefer to be reached (`call`, `sms`, `email`, `whatsapp`).
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(default))]
    pub preferred_channel: Option<super::ContactChannel>,
}

impl Person {
    /// A new person (not a customer) with a name and contacts, created and
    /// updated at `at`; the optional details are empty. `phone` in E.164.
    pub fn new(
        id: Uuid,
        first_name: String,
        last_name: String,
        phone: Option<String>,
        email: Option<String>,
        at: DateTime<Utc>,
    ) -> Person {
        Person {
            id,
            first_name,
            last_name,
            phone,
            phone_2: None,
            phone_raw: None,
            email,
            email_2: None,
            company_name: None,
            city: None,
            country: None,
            external_ref: None,
            is_customer: false,
            tax_code: None,
            custom: Default::default(),
            erased_at: None,
            address: None,
            postal_code: None,
            province: None,
            birth_date: None,
            preferred_language: None,
            preferred_channel: None,
            created_at: at,
            updated_at: at,
        }
    }

    /// "First Last", trimmed.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// A correction of a person's name and contacts (issue 15: "a person's
/// name, phone or e-mail cannot be corrected"). Each field is `None` to
/// keep it; a phone or e-mail `Some("")` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityEdit {
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Main phone as typed (a national number is read in the tenant's
    /// region).
    #[serde(default)]
    pub phone: Option<String>,
    /// Second phone as typed.
    #[serde(default)]
    pub phone_2: Option<String>,
    /// Main e-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Second e-mail.
    #[serde(default)]
    pub email_2: Option<String>,
}

/// Longest first or last name, characters (as at capture).
pub const MAX_PERSON_NAME: usize = 100;

impl IdentityEdit {
    /// Applies the edit to `p`: names trimmed (one of the two required, each
    /// at most [`MAX_PERSON_NAME`] characters), phones parsed in `region`
    /// to E.164 (libphonenumber, via [`super::Phone`]; the main one typed
    /// is kept as `phone_raw`), e-mails checked and lower-cased
    /// ([`super::Email`]); a second phone or e-mail equal to the first is
    /// dropped. Returns the names of the fields that changed, for the
    /// history (never their values).
    ///
    /// Errors: every bad field at once — `first_name` (`name_required`),
    /// `first_name`/`last_name` (`too_long`), `phone`/`phone_2`
    /// (`invalid_phone`), `email`/`email_2` (`invalid_email`).
    pub fn apply(
        &self,
        p: &mut Person,
        region: &str,
    ) -> Result<Vec<&'static str>, Vec<super::FieldError>> {
        use super::FieldError;
        let mut errors = Vec::new();
        let name = |v: &Option<String>, old: &str| {
            v.as_deref()
                .map_or(old.to_string(), |s| s.trim().to_string())
        };
        let (first, last) = (
            name(&self.first_name, &p.first_name),
            name(&self.last_name, &p.last_name),
        );
        if first.is_empty() && last.is_empty() {
            errors.push(FieldError::new("first_name", "name_required"));
        }
        for (field, value) in [("first_name", &first), ("last_name", &last)] {
            if value.chars().count() > MAX_PERSON_NAME {
                errors.push(
                    FieldError::new(field, "too_long").with("max", MAX_PERSON_NAME.to_string()),
                );
            }
        }
        let mut phone = |v: &Option<String>, old: &Option<String>, field: &str| match v
            .as_deref()
            .map(str::trim)
        {
            None => old.clone(),
            Some("") => None,
            Some(t) => super::Phone::parse(t, region, field)
                .map(|ph| ph.e164().to_string())
                .map_err(|e| errors.push(e))
                .ok()
                .or_else(|| old.clone()),
        };
        let phone_1 = phone(&self.phone, &p.phone, "phone");
        let phone_2 = phone(&self.phone_2, &p.phone_2, "phone_2");
        let mut email = |v: &Option<String>, old: &Option<String>, field: &str| match v
            .as_deref()
            .map(str::trim)
        {
            None => old.clone(),
            Some("") => None,
            Some(t) => super::Email::parse(t, field)
                .map(|e| e.as_str().to_string())
                .map_err(|e| errors.push(e))
                .ok()
                .or_else(|| old.clone()),
        };
        let email_1 = email(&self.email, &p.email, "email");
        let email_2 = email(&self.email_2, &p.email_2, "email_2");
        if !errors.is_empty() {
            return Err(errors);
        }
        let phone_2 = phone_2.filter(|x| Some(x) != phone_1.as_ref());
        let email_2 = email_2.filter(|x| Some(x) != email_1.as_ref());
        let changed: Vec<&'static str> = [
            ("first_name", first != p.first_name),
            ("last_name", last != p.last_name),
            ("phone", phone_1 != p.phone),
            ("phone_2", phone_2 != p.phone_2),
            ("email", email_1 != p.email),
            ("email_2", email_2 != p.email_2),
        ]
        .into_iter()
        .filter_map(|(f, c)| c.then_some(f))
        .collect();
        if phone_1 != p.phone {
            p.phone_raw = self
                .phone
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from);
        }
        p.first_name = first;
        p.last_name = last;
        p.phone = phone_1;
        p.phone_2 = phone_2;
        p.email = email_1;
        p.email_2 = email_2;
        Ok(changed)
    }
}

/// An existing person that matches what is being typed at the counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonMatch {
    /// The person.
    pub person: Person,
    /// Which contact matched: `phone`, `email` or both.
    pub matched_on: Vec<String>,
    /// Leads of this person still open (`new`, `in_progress`, `qualified`).
    pub open_leads: u64,
    /// Deals of this person still open (0 until deals exist).
    pub open_deals: u64,
    /// Open leads of this person in stores other than the acting user's:
    /// where and in which status, nothing else (on a chain server the clerk
    /// may not read those leads themselves).
    #[serde(default)]
    pub open_elsewhere: Vec<LeadElsewhere>,
    /// Set when the match comes from the desk's copy of the store's people
    /// (the chain server could not be reached): when that copy was taken
    /// (UTC). The person, and the counts, may have changed since; the
    /// copy keeps no `open_elsewhere`.
    #[serde(default)]
    pub copy_taken_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// An open lead in another store, as the counter's match panel names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct LeadElsewhere {
    /// The store's name (`None`: a lead of no store).
    pub store_name: Option<String>,
    /// The lead's status (`new`, `in_progress` or `qualified`).
    pub status: super::LeadStatus,
}

/// The search key of a text: accents folded to ASCII (Unicode → ASCII
/// transliteration by the `deunicode` crate), lower case, runs of
/// whitespace collapsed. `"Nicolò  D'Amato"` → `"nicolo d'amato"`.
pub fn search_key(text: &str) -> String {
    deunicode::deunicode(text)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn gennaro() -> Person {
        Person::new(
            Uuid::now_v7(),
            "Gennaro".into(),
            "Esposito".into(),
            Some("+393331002000".into()),
            Some("gennaro@example.it".into()),
            Utc::now(),
        )
    }

    #[test]
    fn an_identity_edit_corrects_names_and_contacts_and_names_what_changed() {
        let mut p = gennaro();
        let edit = IdentityEdit {
            first_name: Some(" Gennaro ".into()),
            last_name: Some("Esposito Russo".into()),
            phone: Some("081 555 1234".into()),
            phone_2: Some("+39 333 100 2000".into()),
            email: Some("G.Esposito@Example.IT".into()),
            email_2: Some("".into()),
        };
        let changed = edit.apply(&mut p, "IT").unwrap();
        assert_eq!(changed, vec!["last_name", "phone", "phone_2", "email"]);
        assert_eq!(p.full_name(), "Gennaro Esposito Russo");
        assert_eq!(p.phone.as_deref(), Some("+390815551234"));
        assert_eq!(p.phone_raw.as_deref(), Some("081 555 1234"));
        assert_eq!(p.phone_2.as_deref(), Some("+393331002000"));
        assert_eq!(p.email.as_deref(), Some("g.esposito@example.it"));
        // Nothing given: nothing changes.
        assert!(IdentityEdit::default()
            .apply(&mut p, "IT")
            .unwrap()
            .is_empty());
        // Clearing the main phone.
        let cleared = IdentityEdit {
            phone: Some(" ".into()),
            ..Default::default()
        };
        assert_eq!(cleared.apply(&mut p, "IT").unwrap(), vec!["phone"]);
        assert_eq!(p.phone, None);
    }

    #[test]
    fn a_bad_identity_edit_names_every_field_and_changes_nothing() {
        let mut p = gennaro();
        let before = p.clone();
        let edit = IdentityEdit {
            first_name: Some("".into()),
            last_name: Some(" ".into()),
            phone: Some("12".into()),
            email: Some("gennaro@".into()),
            ..Default::default()
        };
        let errors: Vec<_> = edit
            .apply(&mut p, "IT")
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            errors,
            vec![
                ("first_name".to_string(), "name_required".to_string()),
                ("phone".to_string(), "invalid_phone".to_string()),
                ("email".to_string(), "invalid_email".to_string()),
            ]
        );
        assert_eq!(p, before);
    }

    #[test]
    fn search_key_folds_accents_and_case() {
        assert_eq!(super::search_key("  Nicolò   D'Àmato "), "nicolo d'amato");
    }
}
