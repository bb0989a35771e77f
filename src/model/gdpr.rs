//! Requests of the person a record is about (GDPR, Regulation (EU)
//! 2016/679): the access export of art. 15 — everything Banco holds about
//! one person, as one machine-readable document.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    CompanyContact, Consent, ContactPreferences, ContractListItem, DealDetail, Document,
    Interaction, LeadDetail, Meeting, Note, Person, Task, TicketListItem, TimelineEntry,
};

/// Everything Banco holds about a person (GDPR art. 15, "right of access"),
/// as one JSON document handed to them: their details, consents and
/// contact preferences, the companies they work for, their leads and deals
/// with their histories, contracts (with the identifiers and IBAN they
/// gave), calls and messages, meetings, notes and documents (names and
/// sizes: the files are handed over separately), tickets, tasks and the
/// whole timeline. Records of other stores that the acting user may not
/// open are left out (a chain's admin makes complete exports). Times in
/// UTC; money in minor units with its ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonDataExport {
    /// The document's format, `banco.person-data.v1`.
    pub format: String,
    /// When it was made (UTC).
    pub generated_at: DateTime<Utc>,
    /// The controller: the tenant's name.
    pub controller: String,
    /// The person.
    pub person: Person,
    /// Consent decisions, newest first.
    pub consents: Vec<Consent>,
    /// Their contact preferences (channels refused, quiet times).
    pub contact_preferences: ContactPreferences,
    /// The companies they are a contact of.
    pub companies: Vec<CompanyContact>,
    /// Their leads, each with its notes and history.
    pub leads: Vec<LeadDetail>,
    /// Their deals, each with its lines, history and contract.
    pub deals: Vec<DealDetail>,
    /// Their contracts.
    pub contracts: Vec<ContractListItem>,
    /// Calls and messages with them (also from their leads and deals).
    pub interactions: Vec<Interaction>,
    /// Video meetings on their record.
    pub meetings: Vec<Meeting>,
    /// Notes on their record.
    pub notes: Vec<Note>,
    /// Documents on their record (metadata).
    pub documents: Vec<Document>,
    /// Tickets on their record.
    pub tickets: Vec<TicketListItem>,
    /// Tasks on their record.
    pub tasks: Vec<Task>,
    /// Their timeline, newest first.
    pub timeline: Vec<TimelineEntry>,
    /// The customer segment the last classification gave them (a
    /// profiling result, GDPR art. 15(1)(h)); `None` for a non-customer.
    #[serde(default)]
    pub segment: Option<super::Segment>,
}

/// The export's `format` value.
pub const PERSON_DATA_FORMAT: &str = "banco.person-data.v1";

/// What an erasure (GDPR art. 17) changed, for the audit trail and the
/// confirmation shown to the user. Counts of rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureCounts {
    /// Leads of the person, anonymised (kept for the KPIs).
    pub leads: u64,
    /// Deals of the person, anonymised (kept with their values).
    pub deals: u64,
    /// Notes deleted, with their revisions.
    pub notes: u64,
    /// Documents deleted.
    pub documents: u64,
    /// Calls and messages whose note and number were blanked.
    pub interactions: u64,
    /// Ticket, task and meeting titles rewritten.
    pub titles: u64,
    /// Notes on other records (a company they were a contact of, or any
    /// record whose note quotes their e-mail, number or codice fiscale)
    /// whose text, earlier versions and history excerpts hid their
    /// details.
    #[serde(default)]
    pub other_notes: u64,
}

/// The result of erasing a person's data ([`crate::model::Person::erased_at`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    /// The person (their row stays, anonymised).
    pub person_id: uuid::Uuid,
    /// When (UTC).
    pub erased_at: DateTime<Utc>,
    /// What was changed in the database.
    pub counts: ErasureCounts,
    /// Queued captures and offline copies removed from this desk's outbox.
    pub outbox_rows: u64,
    /// Backup files of the shop cleaned the same way (names in
    /// `backups/`, and copies kept by a restore).
    pub backups_cleaned: Vec<String>,
    /// Backup files that could not be cleaned, with why: they still hold
    /// the person's data until deleted.
    pub backups_failed: Vec<(String, String)>,
}

/// The first name an erased person is shown with.
pub const ERASED_FIRST_NAME: &str = "Anonimo";

/// The pieces of a person's identity to look for in free text before it
/// is kept: each name of at least two letters, every e-mail, the codice
/// fiscale and each phone in E.164, its digits and its national number
/// (as digits and as shown, `347 123 4567`).
pub fn identity_needles(p: &Person) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in p
        .first_name
        .split_whitespace()
        .chain(p.last_name.split_whitespace())
    {
        if word.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            out.push(word.to_string());
        }
    }
    out.extend(p.email.iter().chain(p.email_2.iter()).cloned());
    out.extend(p.tax_code.iter().cloned());
    out.extend(p.phone_raw.iter().filter(|&r| r.trim().len() >= 4).cloned());
    for phone in p.phone.iter().chain(p.phone_2.iter()) {
        out.push(phone.clone());
        out.push(phone.trim_start_matches('+').to_string());
        let shown = super::Phone::from_e164_unchecked(phone.clone()).national();
        let national: String = shown.chars().filter(char::is_ascii_digit).collect();
        if national.len() >= 4 {
            out.push(national);
            out.push(shown);
        }
    }
    // Longest first: "+39347…" before "39347…" before "347…".
    out.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    out.dedup();
    out
}

/// `text` with every needle of [`identity_needles`] replaced by `***`
/// where it stands as a whole word (not inside a longer word or number),
/// ignoring case (`Nicolò` also hides `NICOLÒ`). Used on titles that staff
/// typed with the person's name or number in them.
pub fn redact_identity(text: &str, needles: &[String]) -> String {
    let mut out = text.to_string();
    for needle in needles {
        let n = needle.to_lowercase();
        let lower = out.to_lowercase();
        if n.is_empty() || lower.len() != out.len() {
            continue;
        }
        let mut result = String::with_capacity(out.len());
        let (mut last, mut from) = (0, 0);
        while let Some(pos) = lower[from..].find(&n) {
            let (start, end) = (from + pos, from + pos + n.len());
            let whole = out.is_char_boundary(start)
                && out.is_char_boundary(end)
                && !out[..start]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
                && !out[end..].chars().next().is_some_and(char::is_alphanumeric);
            if whole {
                result.push_str(&out[last..start]);
                result.push_str("***");
                (last, from) = (end, end);
            } else {
                from = start + lower[start..].chars().next().map_or(1, char::len_utf8);
            }
        }
        result.push_str(&out[last..]);
        out = result;
    }
    out
}

/// The months after which untouched, never-converted leads' people are
/// erased unless the tenant says otherwise: 24.
pub const DEFAULT_RETENTION_MONTHS: u32 = 24;

/// The longest retention a tenant may set: 120 months.
pub const MAX_RETENTION_MONTHS: u32 = 120;

/// A person the retention rule would erase: only leads, none converted,
/// no deal or contract, nothing done with them since the cut-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct RetentionCandidate {
    /// The person.
    pub person_id: uuid::Uuid,
    /// Their name, as shown before the erasure.
    pub name: String,
    /// Their leads.
    pub leads: i64,
    /// The last time they, a lead of theirs or a call with them changed
    /// (UTC).
    pub last_touched: DateTime<Utc>,
}

/// What the retention rule would touch now (a preview) or touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPreview {
    /// The tenant's rule, in months (0: off).
    pub months: u32,
    /// People untouched since before this time (UTC) are candidates.
    pub cutoff: DateTime<Utc>,
    /// How many people it would erase.
    pub people: u64,
    /// The first of them, oldest first (at most 50).
    pub sample: Vec<RetentionCandidate>,
    /// When the daily job last ran (UTC).
    pub last_run: Option<DateTime<Utc>>,
}

/// What a run of the retention rule did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRun {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// The rule applied, in months.
    pub months: u32,
    /// People erased.
    pub erased: u64,
    /// Backup files cleaned.
    pub backups_cleaned: Vec<String>,
    /// Backup files that could not be cleaned, with why.
    pub backups_failed: Vec<(String, String)>,
}
