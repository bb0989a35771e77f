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
    #[test]
    fn search_key_folds_accents_and_case() {
        assert_eq!(super::search_key("  Nicolò   D'Àmato "), "nicolo d'amato");
    }
}
