//! What hangs on any record: notes (with mentions and revisions),
//! documents, the timeline; plus the search box's results, duplicate
//! candidates, merges, and the record card of a person or company.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::company::{Company, CompanyContact};
use super::custom::{CustomValues, EntityType};
use super::string_enum::string_enum;
use super::{Consent, DealListItem, FieldError, LeadListItem, Person};

string_enum! {
    /// The type of a note (seed 001).
    NoteKind {
        /// Anything.
        General = "general",
        /// Notes of a phone call.
        Call = "call",
        /// Minutes of a meeting.
        Meeting = "meeting",
        /// An e-mail's gist.
        Email = "email",
    }
}

/// Longest note body, in characters.
pub const MAX_NOTE_CHARS: usize = 20_000;

/// A note on a person, company, lead or deal. `body` is Markdown; `html`
/// is its safe rendering (no raw HTML, no scripts, links open outside),
/// filled by the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Note {
    /// UUID v7.
    pub id: Uuid,
    /// What the note is on.
    pub entity_type: EntityType,
    /// Id of that record.
    pub entity_id: Uuid,
    /// Type.
    pub kind: NoteKind,
    /// Markdown text.
    pub body: String,
    /// Rendered, sanitised HTML of `body`.
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(skip))]
    pub html: String,
    /// Pinned notes come first.
    pub pinned: bool,
    /// Author.
    pub author_id: Option<Uuid>,
    /// Author's display name.
    pub author_name: Option<String>,
    /// Users mentioned with `@Name`.
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(skip))]
    pub mentions: Vec<Uuid>,
    /// How many times it was edited (earlier versions are kept).
    #[serde(default)]
    #[cfg_attr(feature = "store", sqlx(skip))]
    pub revisions: u32,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last edited (UTC).
    pub updated_at: DateTime<Utc>,
}

/// Checks a note body: not blank, at most [`MAX_NOTE_CHARS`]. Returns it
/// trimmed. Errors: `required` or `too_long` on `body`.
pub fn check_note_body(body: &str) -> Result<String, FieldError> {
    let b = body.trim();
    if b.is_empty() {
        return Err(FieldError::new("body", "required"));
    }
    if b.chars().count() > MAX_NOTE_CHARS {
        return Err(FieldError::new("body", "too_long").with("max", MAX_NOTE_CHARS.to_string()));
    }
    Ok(b.to_string())
}

/// Users mentioned in `body`: an `@` followed by a user's display name
/// (accents and case ignored, the longest name wins, so `@Anna Maria`
/// beats `@Anna`). `users` are `(id, display name)`; ids come back once
/// each, in order of first mention.
pub fn find_mentions(body: &str, users: &[(Uuid, String)]) -> Vec<Uuid> {
    let folded = super::search_key(body);
    let mut names: Vec<(Uuid, String)> = users
        .iter()
        .map(|(id, n)| (*id, super::search_key(n)))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.1.len()));
    let mut found = Vec::new();
    for (i, _) in folded.match_indices('@') {
        let rest = &folded[i + 1..];
        if let Some((id, _)) = names.iter().find(|(_, n)| {
            rest.starts_with(n.as_str())
                && rest[n.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        }) {
            if !found.contains(id) {
                found.push(*id);
            }
        }
    }
    found
}

/// An earlier version of a note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct NoteRevision {
    /// Type then.
    pub kind: NoteKind,
    /// Markdown then.
    pub body: String,
    /// Who replaced it.
    pub edited_by: Option<String>,
    /// When (UTC).
    pub edited_at: DateTime<Utc>,
}

/// A mention in the user's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Mention {
    /// The note.
    pub note_id: Uuid,
    /// What it is on.
    pub entity_type: EntityType,
    /// That record's id.
    pub entity_id: Uuid,
    /// That record's title (name).
    pub record_title: String,
    /// Who wrote it.
    pub author_name: Option<String>,
    /// The note's first 200 characters.
    pub excerpt: String,
    /// When mentioned (UTC).
    pub created_at: DateTime<Utc>,
    /// When the user opened it, if they did.
    pub read_at: Option<DateTime<Utc>>,
}

/// Largest document Banco accepts, in bytes (25 MiB).
pub const MAX_DOCUMENT_BYTES: u64 = 25 * 1024 * 1024;

/// A file attached to a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Document {
    /// UUID v7.
    pub id: Uuid,
    /// What it is on.
    pub entity_type: EntityType,
    /// That record's id.
    pub entity_id: Uuid,
    /// File name as uploaded (no folders).
    pub file_name: String,
    /// Media type guessed from the name (`application/pdf`).
    pub media_type: String,
    /// Size in bytes.
    #[cfg_attr(feature = "store", sqlx(try_from = "i64"))]
    pub size_bytes: u64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    /// Who attached it.
    pub uploaded_by: Option<String>,
    /// When (UTC).
    pub created_at: DateTime<Utc>,
}

/// One line of a record's timeline, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct TimelineEntry {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// What happened: `created`, `updated`, `imported`, `note_added`,
    /// `note_edited`, `document_added`, `contact_linked`,
    /// `contact_unlinked`, `merged`, and for leads and deals their own
    /// event kinds (`status_changed`, `stage_changed`, `won`, `lost`, …).
    pub kind: String,
    /// The record the event is about (a person's timeline also shows its
    /// leads' and deals' events).
    pub entity_type: EntityType,
    /// That record's id.
    pub entity_id: Uuid,
    /// Details (`new → qualified`, a note's excerpt, a file name).
    pub detail: Option<String>,
    /// Who did it.
    pub user_name: Option<String>,
}

/// One hit of the search box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// `person`, `company`, `lead`, `deal` or `note`.
    pub kind: String,
    /// The hit's id (the note's id for a note).
    pub id: Uuid,
    /// The record to open: itself, or for a note the record it is on.
    pub open_type: EntityType,
    /// Id of the record to open.
    pub open_id: Uuid,
    /// Display title.
    pub title: String,
    /// Display detail (phone, company, stage, excerpt).
    pub subtitle: String,
}

/// Results of the search box, grouped by kind in the order people,
/// companies, leads, deals, notes; at most `per_group` each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query as understood (folded terms).
    pub terms: Vec<String>,
    /// `(kind, hits)` per non-empty group.
    pub groups: Vec<(String, Vec<SearchHit>)>,
    /// Whether typo-tolerant matching was used (no exact hit).
    pub fuzzy: bool,
    /// Set when the results come from the desk's copy of the store's
    /// people (the chain server could not be reached): when that copy was
    /// taken (UTC). Only people are in it, as they were then.
    #[serde(default)]
    pub copy_taken_at: Option<chrono::DateTime<chrono::Utc>>,
}

string_enum! {
    /// Why two records look like the same one.
    EvidenceKind {
        /// The same phone number (E.164).
        Phone = "phone",
        /// The same e-mail.
        Email = "email",
        /// The same codice fiscale or VAT number.
        TaxId = "tax_id",
        /// The same normalised name and the same company.
        NameAndCompany = "name_and_company",
        /// Very similar names (Jaro-Winkler ≥ the threshold).
        SimilarName = "similar_name",
    }
}

/// One reason with the shared value (`+393331234567`, `0.94`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The reason.
    pub kind: EvidenceKind,
    /// What matched.
    pub value: String,
}

/// A record as shown side by side in the duplicates review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordSummary {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub title: String,
    /// Phone / e-mail / company or VAT / location.
    pub lines: Vec<String>,
    /// Leads, deals, notes and documents hanging on it.
    pub linked: u64,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
}

/// A likely duplicate pair with its evidence. `score` is 0–100: 100 for a
/// shared phone, e-mail or tax id, else the name similarity in percent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicatePair {
    /// Person or company.
    pub entity_type: EntityType,
    /// The older record (kept by default).
    pub a: RecordSummary,
    /// The newer one.
    pub b: RecordSummary,
    /// Why they look alike.
    pub evidence: Vec<Evidence>,
    /// Likelihood, 0–100.
    pub score: u8,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeOutcome {
    /// The record kept.
    pub kept_id: Uuid,
    /// The record merged into it (now gone; a JSON snapshot is audited).
    pub merged_id: Uuid,
    /// Rows moved to the kept record (leads, deals, notes, documents,
    /// consents, contacts, events).
    pub moved: u64,
    /// Consent kinds set to "denied" because one of the two had denied it.
    pub consents_restricted: Vec<String>,
}

/// The record card of a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonCard {
    /// The person.
    pub person: Person,
    /// Their companies and roles.
    pub companies: Vec<CompanyContact>,
    /// Their leads, newest first.
    pub leads: Vec<LeadListItem>,
    /// Their deals, newest first.
    pub deals: Vec<DealListItem>,
    /// Consent decisions, newest first.
    pub consents: Vec<Consent>,
    /// Notes, pinned first then newest.
    pub notes: Vec<Note>,
    /// Documents, newest first.
    pub documents: Vec<Document>,
    /// Other people with one of this person's phones or e-mails (a
    /// correction that made two records meet): the card offers a merge.
    #[serde(default)]
    pub same_contact: Vec<Person>,
}

/// The record card of a company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyCard {
    /// The company.
    pub company: Company,
    /// Parent company name.
    pub parent_name: Option<String>,
    /// Subsidiaries `(id, name)`.
    pub children: Vec<(Uuid, String)>,
    /// Owner's display name.
    pub owner_name: Option<String>,
    /// Contacts, primary first.
    pub contacts: Vec<CompanyContact>,
    /// Deals of the company, newest first.
    pub deals: Vec<DealListItem>,
    /// Notes, pinned first then newest.
    pub notes: Vec<Note>,
    /// Documents, newest first.
    pub documents: Vec<Document>,
}

/// The person fields the record card edits: name and contacts
/// ([`super::IdentityEdit`]), address, date of birth and preferences
/// ([`super::ProfileEdit`]), codice fiscale, city and custom fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonDetails {
    /// Names, phones and e-mails (each `None` kept).
    #[serde(default)]
    pub identity: super::IdentityEdit,
    /// Address, date of birth, preferred language and channel (each
    /// `None` kept).
    #[serde(default)]
    pub profile: super::ProfileEdit,
    /// Codice fiscale as typed (blank clears it).
    #[serde(default)]
    pub tax_code: String,
    /// City.
    #[serde(default)]
    pub city: String,
    /// Custom field values.
    #[serde(default)]
    pub custom: CustomValues,
    /// The person's version (`updated_at`, UTC) the form was filled from:
    /// when another desk saved the person since, the save is refused with
    /// a conflict naming them. `None` skips the check (the CLI, scripts).
    #[serde(default)]
    pub expected_version: Option<chrono::DateTime<chrono::Utc>>,
}

/// A new note as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewNote {
    /// What it is on.
    pub entity_type: EntityType,
    /// That record's id.
    pub entity_id: Uuid,
    /// Type (general by default).
    #[serde(default = "general")]
    pub kind: NoteKind,
    /// Markdown text (1–20,000 characters).
    pub body: String,
    /// Pin it.
    #[serde(default)]
    pub pinned: bool,
}

fn general() -> NoteKind {
    NoteKind::General
}

/// A change to a note: every field is the new value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteEdit {
    /// Type.
    pub kind: NoteKind,
    /// Markdown text.
    pub body: String,
    /// Pinned.
    pub pinned: bool,
}

/// Everything the lead detail screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadDetail {
    /// The lead.
    pub lead: super::Lead,
    /// Its person.
    pub person: super::Person,
    /// Store name.
    pub store_name: Option<String>,
    /// Owner name.
    pub owner_name: Option<String>,
    /// The person's consents, newest first.
    pub consents: Vec<super::Consent>,
    /// Notes, newest first.
    pub notes: Vec<super::Note>,
    /// History, newest first.
    pub history: Vec<super::LeadEvent>,
    /// Statuses the lead may move to now.
    pub next_statuses: Vec<super::LeadStatus>,
    /// Deals opened from it: (deal id, title), oldest first.
    #[serde(default)]
    pub deals: Vec<(uuid::Uuid, String)>,
    /// Its marketing touches, oldest (first touch) to newest (last touch).
    #[serde(default)]
    pub attributions: Vec<super::Attribution>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_find_the_longest_name_once() {
        let anna = Uuid::from_u128(1);
        let anna_maria = Uuid::from_u128(2);
        let nicolo = Uuid::from_u128(3);
        let users = vec![
            (anna, "Anna".to_string()),
            (anna_maria, "Anna Maria".to_string()),
            (nicolo, "Nicolò Bianchi".to_string()),
        ];
        let body = "Ciao @anna maria, senti @Nicolo Bianchi; ancora @Anna Maria. mail a x@y.it";
        assert_eq!(find_mentions(body, &users), [anna_maria, nicolo]);
        assert_eq!(find_mentions("@Annalisa no", &users), Vec::<Uuid>::new());
        assert_eq!(find_mentions("ok @Anna.", &users), [anna]);
    }

    #[test]
    fn note_body_rules() {
        assert_eq!(check_note_body("  x ").as_deref(), Ok("x"));
        assert_eq!(check_note_body(" ").unwrap_err().code, "required");
        let long = "a".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(check_note_body(&long).unwrap_err().code, "too_long");
    }
}
