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
}

/// The export's `format` value.
pub const PERSON_DATA_FORMAT: &str = "banco.person-data.v1";
