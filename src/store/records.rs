//! [`RecordRepo`]: companies and contacts, notes, documents, the timeline,
//! custom fields, the search index and merges, written once for both
//! backends (like [`Repo`]).
//!
//! The search index (`search_docs`) is written here, in the same
//! transaction as the record it describes: people by
//! [`Repo::insert_person`]/[`Repo::update_person`], leads by
//! [`RecordRepo::index_lead`], deals by the deal writes, companies and notes
//! below. SQLite's FTS5 table follows `search_docs` through triggers;
//! Postgres keeps a generated `tsvector` and a trigram index.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, QueryBuilder, SqliteConnection};
use uuid::Uuid;

use super::repo::{like_escape, parse_enum, push_custom_filter, Repo};
use super::Backend;
use crate::model::{
    search_key, Company, CompanyContact, CompanyKind, CompanyListItem, CompanyQuery, CompanyStatus,
    CustomField, CustomFieldKind, CustomValues, Document, EntityType, Mention, Note, NoteKind,
    NoteRevision, Page, Person, TimelineEntry,
};
use crate::{Error, Result};

/// One row of the search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// `person`, `company`, `lead`, `deal` or `note`.
    pub kind: &'static str,
    /// The record's id.
    pub id: Uuid,
    /// Shown as the hit's title.
    pub title: String,
    /// Shown under it.
    pub subtitle: String,
    /// Folded title (ranked first; trigram-matched for typos on Postgres).
    pub name_key: String,
    /// Other folded text.
    pub body: String,
}

/// A raw search hit: kind, id, title, subtitle.
pub type RawHit = (String, Uuid, String, String);

/// Text as the index stores it: folded ([`search_key`]) and with every
/// character that is not a letter or a digit made a space, so that both
/// backends split `nico@esempio.it` or `D'Amico` into the same words.
pub fn index_text(text: &str) -> String {
    search_key(text)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A note's first `n` characters for a result or inbox line, without
/// Markdown marks.
fn excerpt(body: &str, n: usize) -> String {
    body.chars()
        .filter(|c| !matches!(c, '*' | '_' | '#' | '`' | '>'))
        .take(n)
        .collect::<String>()
        .replace('\n', " ")
}

/// Phone digits as searchable tokens: the full international and national
/// digits, and every national suffix of 4 or more digits, so that typing
/// the last digits of a number finds it.
pub fn phone_tokens(e164: &str) -> Vec<String> {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    let national = crate::model::Phone::from_e164_unchecked(e164.to_string()).digits();
    let mut out = vec![digits];
    if national.len() >= 4 {
        for start in 0..=national.len() - 4 {
            out.push(national[start..].to_string());
        }
    }
    out.dedup();
    out
}

/// The index row of a person: name; e-mail, phones (with suffixes), tax
/// code, company name and city.
pub fn person_doc(p: &Person) -> SearchDoc {
    let name = p.full_name();
    let mut body = vec![
        p.email.clone().unwrap_or_default(),
        p.company_name.clone().unwrap_or_default(),
        p.city.clone().unwrap_or_default(),
        p.tax_code.clone().unwrap_or_default(),
    ];
    for phone in [&p.phone, &p.phone_2].into_iter().flatten() {
        body.extend(phone_tokens(phone));
    }
    let subtitle = [
        p.phone.clone(),
        p.email.clone(),
        p.company_name.clone(),
        p.city.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    SearchDoc {
        kind: "person",
        id: p.id,
        title: name.clone(),
        subtitle,
        name_key: search_key(&name),
        body: index_text(&body.join(" ")),
    }
}

/// The index row of a company: name, legal name; VAT, tax code, e-mail,
/// phone, sector, location, tags.
pub fn company_doc(c: &Company) -> SearchDoc {
    let mut body = vec![
        c.legal_name.clone().unwrap_or_default(),
        c.vat_number.clone().unwrap_or_default(),
        c.tax_code.clone().unwrap_or_default(),
        c.email.clone().unwrap_or_default(),
        c.sector.clone().unwrap_or_default(),
        c.office_location.clone().unwrap_or_default(),
        c.tags.join(" "),
    ];
    if let Some(phone) = &c.phone {
        body.extend(phone_tokens(phone));
    }
    let subtitle = [
        c.vat_number.clone(),
        c.office_location.clone(),
        c.sector.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    SearchDoc {
        kind: "company",
        id: c.id,
        title: c.name.clone(),
        subtitle,
        name_key: search_key(&c.name),
        body: index_text(&body.join(" ")),
    }
}

/// The index row of a note: titled by the record it is on, the text as
/// body, its first 120 characters as subtitle.
pub fn note_doc(n: &Note, record_title: &str) -> SearchDoc {
    SearchDoc {
        kind: "note",
        id: n.id,
        title: record_title.to_string(),
        subtitle: excerpt(&n.body, 120),
        name_key: String::new(),
        body: index_text(&n.body),
    }
}

/// Raw per-person facts for duplicate detection.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PersonKeys {
    /// Id.
    pub id: Uuid,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Phone (E.164).
    pub phone_e164: Option<String>,
    /// Second phone.
    pub phone_2_e164: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Company name as given.
    pub company_name: Option<String>,
    /// Codice fiscale.
    pub tax_code: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// Raw per-company facts for duplicate detection.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CompanyKeys {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Folded name.
    pub name_key: String,
    /// VAT number.
    pub vat_number: Option<String>,
    /// Tax code.
    pub tax_code: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone_e164: Option<String>,
    /// Office location.
    pub office_location: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// Companies, contacts, notes, documents, timeline, custom fields, search
/// and merges, scoped by tenant. Implemented for the same connections as
/// [`Repo`].
#[async_trait]
pub trait RecordRepo: Repo {
    /// Writes (inserts or replaces) one row of the search index.
    async fn upsert_search_doc(&mut self, tenant: Uuid, doc: &SearchDoc) -> Result<()>;
    /// Writes many new rows of the search index at once (bulk loads,
    /// reindexing); existing rows are replaced.
    async fn insert_search_docs(&mut self, tenant: Uuid, docs: &[SearchDoc]) -> Result<()>;
    /// Bulk load (seed, benchmarks): inserts people with their index rows,
    /// in chunks.
    async fn bulk_insert_people(&mut self, tenant: Uuid, people: &[Person]) -> Result<()>;
    /// Bulk load: inserts companies with their index rows.
    async fn bulk_insert_companies(&mut self, tenant: Uuid, companies: &[Company]) -> Result<()>;
    /// Bulk load: inserts notes (with their record's title for the index).
    async fn bulk_insert_notes(&mut self, tenant: Uuid, notes: &[(Note, String)]) -> Result<()>;
    /// Removes a record from the search index.
    async fn delete_search_doc(&mut self, tenant: Uuid, id: Uuid) -> Result<()>;
    /// (Re)indexes a lead from its row and its person's.
    async fn index_lead(&mut self, tenant: Uuid, lead: Uuid) -> Result<()>;
    /// Whether the tenant has records but an empty index (a database
    /// migrated from before the index existed).
    async fn search_index_missing(&mut self, tenant: Uuid) -> Result<bool>;
    /// Up to `limit` hits whose text has every term as a word prefix:
    /// first those whose name has them all (ranked: BM25 on SQLite,
    /// `ts_rank` on Postgres), then the others, newest first. Terms are
    /// folded words (`[a-z0-9]+`).
    async fn search_prefix(
        &mut self,
        tenant: Uuid,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<RawHit>>;
    /// Typo-tolerant fallback: hits whose words are within a small edit
    /// distance of the terms (SQLite: index terms within Levenshtein 1–2
    /// of each term; Postgres: trigram word similarity of the whole query).
    async fn search_fuzzy(
        &mut self,
        tenant: Uuid,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<RawHit>>;
    /// For note hits: the record each note is on.
    async fn note_targets(
        &mut self,
        tenant: Uuid,
        notes: &[Uuid],
    ) -> Result<Vec<(Uuid, EntityType, Uuid)>>;

    /// People by id order, for reindexing (`limit` from `offset`).
    async fn people_page(&mut self, tenant: Uuid, offset: u32, limit: u32) -> Result<Vec<Person>>;
    /// Every lead id.
    async fn all_lead_ids(&mut self, tenant: Uuid) -> Result<Vec<Uuid>>;
    /// Every deal id with its person's and company's names.
    async fn all_deal_names(
        &mut self,
        tenant: Uuid,
    ) -> Result<Vec<(Uuid, Option<String>, Option<String>)>>;
    /// Every note (without html, mentions or revision count).
    async fn all_notes(&mut self, tenant: Uuid) -> Result<Vec<Note>>;
    /// Ids of a person's leads, newest first.
    async fn leads_of_person(&mut self, tenant: Uuid, person: Uuid) -> Result<Vec<Uuid>>;
    /// Ids of the deals of a person or of a company, newest first.
    async fn deals_of(
        &mut self,
        tenant: Uuid,
        person: Option<Uuid>,
        company: Option<Uuid>,
    ) -> Result<Vec<Uuid>>;

    /// A company by id.
    async fn get_company(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Company>>;
    /// Creates a company with every field.
    async fn insert_company_full(&mut self, tenant: Uuid, c: &Company) -> Result<()>;
    /// Overwrites a company's fields (by id).
    async fn update_company(&mut self, tenant: Uuid, c: &Company) -> Result<()>;
    /// One page of the Companies list.
    async fn list_companies(
        &mut self,
        tenant: Uuid,
        q: &CompanyQuery,
    ) -> Result<Page<CompanyListItem>>;
    /// Subsidiaries `(id, name)` of a company, by name.
    async fn company_children(&mut self, tenant: Uuid, id: Uuid) -> Result<Vec<(Uuid, String)>>;
    /// Company ids with this VAT number.
    async fn companies_by_vat(&mut self, tenant: Uuid, vat: &str) -> Result<Vec<Uuid>>;

    /// Links a person to a company (or updates the role); `primary`
    /// demotes the company's previous primary contact.
    async fn upsert_contact(
        &mut self,
        tenant: Uuid,
        company: Uuid,
        person: Uuid,
        role: Option<&str>,
        primary: bool,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Unlinks a person from a company; `false` if they were not linked.
    async fn remove_contact(&mut self, tenant: Uuid, company: Uuid, person: Uuid) -> Result<bool>;
    /// Contacts of a company (`of_company`) or companies of a person,
    /// primary first then by name.
    async fn contacts(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        of_company: bool,
    ) -> Result<Vec<CompanyContact>>;

    /// Creates a note.
    async fn insert_note(&mut self, tenant: Uuid, n: &Note) -> Result<()>;
    /// A note by id (without html, mentions or revision count).
    async fn get_note(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Note>>;
    /// Saves a note's kind, body, pinned flag and `updated_at`, keeping the
    /// previous kind and body as a revision by `editor` when they changed.
    async fn update_note(
        &mut self,
        tenant: Uuid,
        n: &Note,
        previous: &Note,
        editor: Uuid,
    ) -> Result<()>;
    /// Notes on a record: pinned first, then newest; with mentions and
    /// revision counts (not html).
    async fn notes_of(&mut self, tenant: Uuid, entity: Uuid) -> Result<Vec<Note>>;
    /// A note's earlier versions, newest first.
    async fn note_revisions(&mut self, tenant: Uuid, note: Uuid) -> Result<Vec<NoteRevision>>;
    /// Sets the users a note mentions (adds the new, removes the gone;
    /// read marks of those kept stay).
    async fn set_mentions(
        &mut self,
        tenant: Uuid,
        note: Uuid,
        users: &[Uuid],
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// A user's mentions inbox, newest first (`unread_only` filters).
    async fn mentions_of(
        &mut self,
        tenant: Uuid,
        user: Uuid,
        unread_only: bool,
        limit: u32,
    ) -> Result<Vec<Mention>>;
    /// Marks mentions of `user` read (one note, or all when `None`).
    async fn mark_mentions_read(
        &mut self,
        tenant: Uuid,
        user: Uuid,
        note: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Result<u64>;

    /// Records a document (its bytes are stored by the service).
    async fn insert_document(&mut self, tenant: Uuid, d: &Document, by: Uuid) -> Result<()>;
    /// Documents on a record, newest first.
    async fn documents_of(&mut self, tenant: Uuid, entity: Uuid) -> Result<Vec<Document>>;
    /// A document by id.
    async fn get_document(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Document>>;
    /// Stores content by hash (Postgres `document_blobs`; idempotent).
    async fn put_blob(&mut self, tenant: Uuid, sha256: &str, content: &[u8]) -> Result<()>;
    /// Content by hash (Postgres).
    async fn get_blob(&mut self, tenant: Uuid, sha256: &str) -> Result<Option<Vec<u8>>>;

    /// Appends to a record's timeline.
    #[allow(clippy::too_many_arguments)]
    async fn insert_record_event(
        &mut self,
        tenant: Uuid,
        entity_type: EntityType,
        entity_id: Uuid,
        kind: &str,
        detail: Option<&str>,
        user: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// One page of the timeline of `records` (`(type, id)`: a record and
    /// the leads and deals shown with it), newest first: record events,
    /// lead events and deal events in one feed.
    async fn timeline(
        &mut self,
        tenant: Uuid,
        records: &[(EntityType, Uuid)],
        offset: u32,
        limit: u32,
    ) -> Result<Page<TimelineEntry>>;

    /// Every custom field definition, by entity then position.
    async fn list_custom_fields(&mut self, tenant: Uuid) -> Result<Vec<CustomField>>;
    /// Creates or overwrites a definition (by id).
    async fn save_custom_field(
        &mut self,
        tenant: Uuid,
        f: &CustomField,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Sets the custom values of a lead or deal (people and companies save
    /// them with their other fields).
    async fn set_custom_values(
        &mut self,
        tenant: Uuid,
        entity: EntityType,
        id: Uuid,
        values: &CustomValues,
    ) -> Result<()>;
    /// The custom values of a lead or deal.
    async fn custom_values(
        &mut self,
        tenant: Uuid,
        entity: EntityType,
        id: Uuid,
    ) -> Result<CustomValues>;

    /// Every person's matching keys, oldest first (on-demand duplicate scan).
    async fn people_keys(&mut self, tenant: Uuid) -> Result<Vec<PersonKeys>>;
    /// Every company's matching keys, oldest first.
    async fn company_keys(&mut self, tenant: Uuid) -> Result<Vec<CompanyKeys>>;
    /// People ids whose folded name is exactly `name_key` (via the index).
    async fn people_named(&mut self, tenant: Uuid, name_key: &str, limit: u32)
        -> Result<Vec<Uuid>>;
    /// Pairs marked "not a duplicate" `(a, b)`, `a < b`.
    async fn dismissed_pairs(&mut self, tenant: Uuid) -> Result<Vec<(Uuid, Uuid)>>;
    /// Marks a pair "not a duplicate".
    async fn dismiss_pair(
        &mut self,
        tenant: Uuid,
        entity: EntityType,
        a: Uuid,
        b: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Rows hanging on a person or company (leads, deals, notes, documents).
    async fn linked_count(&mut self, tenant: Uuid, entity: EntityType, id: Uuid) -> Result<u64>;
    /// Moves everything of `from` to `to` and deletes `from` (a person or a
    /// company); returns the rows moved. The caller audits it first.
    async fn merge_records(
        &mut self,
        tenant: Uuid,
        entity: EntityType,
        to: Uuid,
        from: Uuid,
    ) -> Result<u64>;
    /// Audits a merge: the merged record's snapshot (JSON).
    #[allow(clippy::too_many_arguments)]
    async fn insert_merge(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        entity: EntityType,
        kept: Uuid,
        merged: Uuid,
        snapshot: &str,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<()>;
}

const COMPANY_COLUMNS: &str =
    "c.id, c.name, c.legal_name, c.kind, c.status, c.vat_number, c.tax_code, \
    c.billing_address, c.shipping_address, c.website, c.email, c.phone_e164, c.tags, c.owner_id, \
    c.parent_id, c.sector, c.year_established, c.revenue_minor, c.employees, c.office_location, \
    c.is_customer, c.custom, c.created_at, c.updated_at";

#[derive(sqlx::FromRow)]
struct CompanyRow {
    id: Uuid,
    name: String,
    legal_name: Option<String>,
    kind: String,
    status: String,
    vat_number: Option<String>,
    tax_code: Option<String>,
    billing_address: Option<String>,
    shipping_address: Option<String>,
    website: Option<String>,
    email: Option<String>,
    phone_e164: Option<String>,
    tags: String,
    owner_id: Option<Uuid>,
    parent_id: Option<Uuid>,
    sector: Option<String>,
    year_established: Option<i32>,
    revenue_minor: Option<i64>,
    employees: Option<i32>,
    office_location: Option<String>,
    is_customer: bool,
    custom: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<CompanyRow> for Company {
    type Error = Error;
    fn try_from(r: CompanyRow) -> Result<Company> {
        Ok(Company {
            id: r.id,
            name: r.name,
            legal_name: r.legal_name,
            kind: parse_enum::<CompanyKind>(&r.kind, "companies.kind")?,
            status: parse_enum::<CompanyStatus>(&r.status, "companies.status")?,
            vat_number: r.vat_number,
            tax_code: r.tax_code,
            billing_address: r.billing_address,
            shipping_address: r.shipping_address,
            website: r.website,
            email: r.email,
            phone: r.phone_e164,
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            owner_id: r.owner_id,
            parent_id: r.parent_id,
            sector: r.sector,
            year_established: r.year_established,
            revenue_minor: r.revenue_minor,
            employees: r.employees,
            office_location: r.office_location,
            is_customer: r.is_customer,
            custom: serde_json::from_str(&r.custom).unwrap_or_default(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CompanyListRow {
    id: Uuid,
    name: String,
    kind: String,
    status: String,
    vat_number: Option<String>,
    office_location: Option<String>,
    sector: Option<String>,
    owner_name: Option<String>,
    tags: String,
    is_customer: bool,
    custom: String,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    company_id: Uuid,
    company_name: String,
    person_id: Uuid,
    first_name: String,
    last_name: String,
    phone_e164: Option<String>,
    email: Option<String>,
    role: Option<String>,
    is_primary: bool,
}

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: Uuid,
    entity_type: String,
    entity_id: Uuid,
    kind: String,
    body: String,
    pinned: bool,
    author_id: Option<Uuid>,
    author_name: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<NoteRow> for Note {
    type Error = Error;
    fn try_from(r: NoteRow) -> Result<Note> {
        Ok(Note {
            id: r.id,
            entity_type: parse_enum::<EntityType>(&r.entity_type, "notes.entity_type")?,
            entity_id: r.entity_id,
            kind: parse_enum::<NoteKind>(&r.kind, "notes.kind")?,
            body: r.body,
            html: String::new(),
            pinned: r.pinned,
            author_id: r.author_id,
            author_name: r.author_name,
            mentions: Vec::new(),
            revisions: 0,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: Uuid,
    entity_type: String,
    entity_id: Uuid,
    file_name: String,
    media_type: String,
    size_bytes: i64,
    sha256: String,
    uploaded_by: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<DocumentRow> for Document {
    type Error = Error;
    fn try_from(r: DocumentRow) -> Result<Document> {
        Ok(Document {
            id: r.id,
            entity_type: parse_enum::<EntityType>(&r.entity_type, "documents.entity_type")?,
            entity_id: r.entity_id,
            file_name: r.file_name,
            media_type: r.media_type,
            size_bytes: u64::try_from(r.size_bytes).unwrap_or(0),
            sha256: r.sha256,
            uploaded_by: r.uploaded_by,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CustomFieldRow {
    id: Uuid,
    entity_type: String,
    key: String,
    label: String,
    kind: String,
    required: bool,
    default_value: Option<String>,
    options: String,
    position: i32,
    archived: bool,
}

#[derive(sqlx::FromRow)]
struct TimelineRow {
    at: DateTime<Utc>,
    kind: String,
    entity_type: String,
    entity_id: Uuid,
    detail: Option<String>,
    user_name: Option<String>,
}

/// `(table, column)` pairs that point at a person, moved by a merge.
const PERSON_REFS: &[(&str, &str)] = &[
    ("leads", "person_id"),
    ("deals", "person_id"),
    ("consents", "person_id"),
    ("contracts", "person_id"),
    ("notes", "entity_id"),
    ("documents", "entity_id"),
    ("record_events", "entity_id"),
    ("interactions", "entity_id"),
    ("interactions", "person_id"),
    ("reminders", "entity_id"),
    ("reminders", "person_id"),
    ("meetings", "entity_id"),
];

/// `(table, column)` pairs that point at a company, moved by a merge.
const COMPANY_REFS: &[(&str, &str)] = &[
    ("deals", "company_id"),
    ("contracts", "company_id"),
    ("companies", "parent_id"),
    ("notes", "entity_id"),
    ("documents", "entity_id"),
    ("record_events", "entity_id"),
    ("interactions", "entity_id"),
    ("reminders", "entity_id"),
    ("meetings", "entity_id"),
];

/// The SQLite FTS5 query for `terms`: every term as a quoted prefix.
fn fts5_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"*", t.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Postgres `to_tsquery('simple', …)` text for `terms`: prefixes, ANDed.
fn tsquery(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| {
            format!(
                "{}:*",
                t.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// Largest edit distance tolerated for a term: 1 up to 6 letters, else 2.
pub fn max_typos(term: &str) -> usize {
    if term.chars().count() <= 6 {
        1
    } else {
        2
    }
}

macro_rules! push_company_filter {
    ($qb:expr, $tenant:expr, $q:expr, $backend:expr) => {{
        $qb.push(" WHERE c.tenant_id = ").push_bind($tenant);
        for word in search_key(&$q.text).split_whitespace() {
            let pattern = format!("%{}%", like_escape(word));
            $qb.push(" AND (c.name_key LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\' OR lower(coalesce(c.vat_number, '')) LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\' OR lower(coalesce(c.office_location, '')) LIKE ")
                .push_bind(pattern)
                .push(" ESCAPE '\\')");
        }
        if let Some(kind) = $q.kind {
            $qb.push(" AND c.kind = ").push_bind(kind.as_str());
        }
        if let Some(status) = $q.status {
            $qb.push(" AND c.status = ").push_bind(status.as_str());
        }
        if let Some(owner) = $q.owner_id {
            $qb.push(" AND c.owner_id = ").push_bind(owner);
        }
        if let Some(tag) = $q.tag.as_deref().filter(|t| !t.trim().is_empty()) {
            let needle = serde_json::to_string(tag.trim()).unwrap_or_default();
            $qb.push(" AND lower(c.tags) LIKE ")
                .push_bind(format!("%{}%", like_escape(&needle.to_lowercase())))
                .push(" ESCAPE '\\'");
        }
        for (key, value) in &$q.custom {
            push_custom_filter!($qb, "c", key, value, $backend);
        }
    }};
}

macro_rules! bind_company {
    ($q:expr, $c:expr) => {
        $q.bind(&$c.name)
            .bind(search_key(&$c.name))
            .bind(&$c.legal_name)
            .bind($c.kind.as_str())
            .bind($c.status.as_str())
            .bind(&$c.vat_number)
            .bind(&$c.tax_code)
            .bind(&$c.billing_address)
            .bind(&$c.shipping_address)
            .bind(&$c.website)
            .bind(&$c.email)
            .bind(&$c.phone)
            .bind(serde_json::to_string(&$c.tags).unwrap_or_else(|_| "[]".into()))
            .bind($c.owner_id)
            .bind($c.parent_id)
            .bind(&$c.sector)
            .bind($c.year_established)
            .bind($c.revenue_minor)
            .bind($c.employees)
            .bind(&$c.office_location)
            .bind($c.is_customer)
            .bind(serde_json::to_string(&$c.custom).unwrap_or_else(|_| "{}".into()))
            .bind($c.updated_at)
    };
}

macro_rules! impl_record_repo {
    ($conn:ty, $db:ty) => {
        #[async_trait]
        impl RecordRepo for $conn {
            async fn upsert_search_doc(&mut self, tenant: Uuid, d: &SearchDoc) -> Result<()> {
                sqlx::query(
                    "INSERT INTO search_docs (tenant_id, entity_type, entity_id, title, subtitle, name_key, body) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, entity_id) DO UPDATE SET \
                     entity_type = excluded.entity_type, title = excluded.title, subtitle = excluded.subtitle, \
                     name_key = excluded.name_key, body = excluded.body",
                )
                .bind(tenant)
                .bind(d.kind)
                .bind(d.id)
                .bind(&d.title)
                .bind(&d.subtitle)
                .bind(&d.name_key)
                .bind(&d.body)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn insert_search_docs(&mut self, tenant: Uuid, docs: &[SearchDoc]) -> Result<()> {
                for chunk in docs.chunks(1_000) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO search_docs (tenant_id, entity_type, entity_id, title, subtitle, name_key, body) ",
                    );
                    qb.push_values(chunk, |mut b, d| {
                        b.push_bind(tenant)
                            .push_bind(d.kind)
                            .push_bind(d.id)
                            .push_bind(d.title.clone())
                            .push_bind(d.subtitle.clone())
                            .push_bind(d.name_key.clone())
                            .push_bind(d.body.clone());
                    });
                    qb.push(
                        " ON CONFLICT (tenant_id, entity_id) DO UPDATE SET entity_type = excluded.entity_type, \
                         title = excluded.title, subtitle = excluded.subtitle, name_key = excluded.name_key, body = excluded.body",
                    );
                    qb.build().execute(&mut *self).await?;
                }
                Ok(())
            }

            async fn bulk_insert_people(&mut self, tenant: Uuid, people: &[Person]) -> Result<()> {
                for chunk in people.chunks(1_000) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO people (tenant_id, id, first_name, last_name, phone_e164, phone_2_e164, phone_raw, \
                         email, email_2, company_name, city, country, external_ref, is_customer, search_text, tax_code, custom, \
                         created_at, updated_at) ",
                    );
                    qb.push_values(chunk, |mut b, p| {
                        b.push_bind(tenant)
                            .push_bind(p.id)
                            .push_bind(p.first_name.clone())
                            .push_bind(p.last_name.clone())
                            .push_bind(p.phone.clone())
                            .push_bind(p.phone_2.clone())
                            .push_bind(p.phone_raw.clone())
                            .push_bind(p.email.clone())
                            .push_bind(p.email_2.clone())
                            .push_bind(p.company_name.clone())
                            .push_bind(p.city.clone())
                            .push_bind(p.country.clone())
                            .push_bind(p.external_ref.clone())
                            .push_bind(p.is_customer)
                            .push_bind(super::repo::person_search_text(p))
                            .push_bind(p.tax_code.clone())
                            .push_bind(serde_json::to_string(&p.custom).unwrap_or_else(|_| "{}".into()))
                            .push_bind(p.created_at)
                            .push_bind(p.updated_at);
                    });
                    qb.build().execute(&mut *self).await?;
                    let docs: Vec<SearchDoc> = chunk.iter().map(person_doc).collect();
                    self.insert_search_docs(tenant, &docs).await?;
                }
                Ok(())
            }

            async fn bulk_insert_companies(&mut self, tenant: Uuid, companies: &[Company]) -> Result<()> {
                for chunk in companies.chunks(500) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO companies (tenant_id, id, name, name_key, legal_name, kind, status, vat_number, tax_code, \
                         billing_address, shipping_address, website, email, phone_e164, tags, owner_id, parent_id, sector, \
                         year_established, revenue_minor, employees, office_location, is_customer, custom, updated_at, created_at) ",
                    );
                    qb.push_values(chunk, |mut b, c| {
                        b.push_bind(tenant)
                            .push_bind(c.id)
                            .push_bind(c.name.clone())
                            .push_bind(search_key(&c.name))
                            .push_bind(c.legal_name.clone())
                            .push_bind(c.kind.as_str())
                            .push_bind(c.status.as_str())
                            .push_bind(c.vat_number.clone())
                            .push_bind(c.tax_code.clone())
                            .push_bind(c.billing_address.clone())
                            .push_bind(c.shipping_address.clone())
                            .push_bind(c.website.clone())
                            .push_bind(c.email.clone())
                            .push_bind(c.phone.clone())
                            .push_bind(serde_json::to_string(&c.tags).unwrap_or_else(|_| "[]".into()))
                            .push_bind(c.owner_id)
                            .push_bind(c.parent_id)
                            .push_bind(c.sector.clone())
                            .push_bind(c.year_established)
                            .push_bind(c.revenue_minor)
                            .push_bind(c.employees)
                            .push_bind(c.office_location.clone())
                            .push_bind(c.is_customer)
                            .push_bind(serde_json::to_string(&c.custom).unwrap_or_else(|_| "{}".into()))
                            .push_bind(c.updated_at)
                            .push_bind(c.created_at);
                    });
                    qb.build().execute(&mut *self).await?;
                    let docs: Vec<SearchDoc> = chunk.iter().map(company_doc).collect();
                    self.insert_search_docs(tenant, &docs).await?;
                }
                Ok(())
            }

            async fn bulk_insert_notes(&mut self, tenant: Uuid, notes: &[(Note, String)]) -> Result<()> {
                for chunk in notes.chunks(1_000) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO notes (tenant_id, id, entity_type, entity_id, kind, body, pinned, author_id, created_at, updated_at) ",
                    );
                    qb.push_values(chunk, |mut b, (n, _)| {
                        b.push_bind(tenant)
                            .push_bind(n.id)
                            .push_bind(n.entity_type.as_str())
                            .push_bind(n.entity_id)
                            .push_bind(n.kind.as_str())
                            .push_bind(n.body.clone())
                            .push_bind(n.pinned)
                            .push_bind(n.author_id)
                            .push_bind(n.created_at)
                            .push_bind(n.updated_at);
                    });
                    qb.build().execute(&mut *self).await?;
                    let docs: Vec<SearchDoc> = chunk.iter().map(|(n, title)| note_doc(n, title)).collect();
                    self.insert_search_docs(tenant, &docs).await?;
                }
                Ok(())
            }

            async fn delete_search_doc(&mut self, tenant: Uuid, id: Uuid) -> Result<()> {
                sqlx::query("DELETE FROM search_docs WHERE tenant_id = $1 AND entity_id = $2")
                    .bind(tenant)
                    .bind(id)
                    .execute(&mut *self)
                    .await?;
                Ok(())
            }

            async fn index_lead(&mut self, tenant: Uuid, lead: Uuid) -> Result<()> {
                sqlx::query(
                    "INSERT INTO search_docs (tenant_id, entity_type, entity_id, title, subtitle, name_key, body) \
                     SELECT l.tenant_id, 'lead', l.id, p.first_name || ' ' || p.last_name, \
                     l.interest || ' · ' || l.status, p.search_text, lower(l.interest || ' ' || coalesce(l.note, '')) \
                     FROM leads l JOIN people p ON p.tenant_id = l.tenant_id AND p.id = l.person_id \
                     WHERE l.tenant_id = $1 AND l.id = $2 \
                     ON CONFLICT (tenant_id, entity_id) DO UPDATE SET title = excluded.title, \
                     subtitle = excluded.subtitle, name_key = excluded.name_key, body = excluded.body",
                )
                .bind(tenant)
                .bind(lead)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn search_index_missing(&mut self, tenant: Uuid) -> Result<bool> {
                let missing: bool = sqlx::query_scalar(
                    "SELECT NOT EXISTS (SELECT 1 FROM search_docs WHERE tenant_id = $1) \
                     AND (EXISTS (SELECT 1 FROM people WHERE tenant_id = $1) \
                     OR EXISTS (SELECT 1 FROM companies WHERE tenant_id = $1))",
                )
                .bind(tenant)
                .fetch_one(&mut *self)
                .await?;
                Ok(missing)
            }

            async fn search_prefix(&mut self, tenant: Uuid, terms: &[String], limit: u32) -> Result<Vec<RawHit>> {
                if terms.is_empty() {
                    return Ok(Vec::new());
                }
                // Two passes, so that a word common in notes never makes the
                // index rank every note that has it: (1) records whose
                // name has every term, ranked; (2) records with the terms
                // anywhere, newest first, unranked (stops at `limit`).
                let (by_name, anywhere): (Vec<RawHit>, Vec<RawHit>) = match self.backend() {
                    Backend::Sqlite => {
                        let select = "SELECT d.entity_type, d.entity_id, d.title, d.subtitle FROM search_fts f \
                             JOIN search_docs d ON d.rowid = f.rowid WHERE search_fts MATCH $1 AND d.tenant_id = $2";
                        let by_name = sqlx::query_as(&format!(
                            "{select} ORDER BY bm25(search_fts, 10.0, 1.0) LIMIT $3"
                        ))
                        .bind(format!("name_key : ({})", fts5_query(terms)))
                        .bind(tenant)
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self)
                        .await?;
                        let anywhere = sqlx::query_as(&format!("{select} ORDER BY f.rowid DESC LIMIT $3"))
                            .bind(fts5_query(terms))
                            .bind(tenant)
                            .bind(i64::from(limit))
                            .fetch_all(&mut *self)
                            .await?;
                        (by_name, anywhere)
                    }
                    Backend::Postgres => {
                        let by_name = sqlx::query_as(
                            "SELECT entity_type, entity_id, title, subtitle FROM search_docs \
                             WHERE tenant_id = $1 AND name_tsv @@ to_tsquery('simple', $2) \
                             ORDER BY ts_rank(name_tsv, to_tsquery('simple', $2)) DESC LIMIT $3",
                        )
                        .bind(tenant)
                        .bind(tsquery(terms))
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self)
                        .await?;
                        let anywhere = sqlx::query_as(
                            "SELECT entity_type, entity_id, title, subtitle FROM search_docs \
                             WHERE tenant_id = $1 AND tsv @@ to_tsquery('simple', $2) LIMIT $3",
                        )
                        .bind(tenant)
                        .bind(tsquery(terms))
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self)
                        .await?;
                        (by_name, anywhere)
                    }
                };
                let mut rows = by_name;
                for hit in anywhere {
                    if rows.len() >= limit as usize {
                        break;
                    }
                    if !rows.iter().any(|r| r.1 == hit.1) {
                        rows.push(hit);
                    }
                }
                Ok(rows)
            }

            async fn search_fuzzy(&mut self, tenant: Uuid, terms: &[String], limit: u32) -> Result<Vec<RawHit>> {
                if terms.is_empty() {
                    return Ok(Vec::new());
                }
                match self.backend() {
                    Backend::Sqlite => {
                        // For each term, the index's words within the tolerated
                        // distance that start with the same letter.
                        let mut groups = Vec::new();
                        for t in terms {
                            let first: String = t.chars().take(1).collect();
                            let mut next = first.clone().into_bytes();
                            if let Some(last) = next.last_mut() {
                                *last = last.saturating_add(1);
                            }
                            let next = String::from_utf8(next).unwrap_or_default();
                            let len = t.chars().count() as i64;
                            let words: Vec<String> = sqlx::query_scalar(
                                "SELECT term FROM search_terms WHERE term >= $1 AND term < $2 \
                                 AND length(term) BETWEEN $3 AND $4",
                            )
                            .bind(&first)
                            .bind(&next)
                            .bind(len - 2)
                            .bind(len + 2)
                            .fetch_all(&mut *self)
                            .await?;
                            let max = max_typos(t);
                            let mut near: Vec<(usize, String)> = words
                                .into_iter()
                                .map(|w| (strsim::levenshtein(t, &w), w))
                                .filter(|(d, _)| *d <= max)
                                .collect();
                            near.sort();
                            near.truncate(8);
                            if near.is_empty() {
                                return Ok(Vec::new());
                            }
                            groups.push(format!(
                                "({})",
                                near.iter().map(|(_, w)| format!("\"{w}\"")).collect::<Vec<_>>().join(" OR ")
                            ));
                        }
                        let rows: Vec<RawHit> = sqlx::query_as(
                            "SELECT d.entity_type, d.entity_id, d.title, d.subtitle FROM search_fts f \
                             JOIN search_docs d ON d.rowid = f.rowid \
                             WHERE search_fts MATCH $1 AND d.tenant_id = $2 \
                             ORDER BY bm25(search_fts, 10.0, 1.0) LIMIT $3",
                        )
                        .bind(groups.join(" AND "))
                        .bind(tenant)
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self)
                        .await?;
                        Ok(rows)
                    }
                    Backend::Postgres => {
                        let q = terms.join(" ");
                        let rows: Vec<RawHit> = sqlx::query_as(
                            "SELECT entity_type, entity_id, title, subtitle FROM search_docs \
                             WHERE tenant_id = $1 AND $2 <% name_key \
                             ORDER BY word_similarity($2, name_key) DESC LIMIT $3",
                        )
                        .bind(tenant)
                        .bind(q)
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self)
                        .await?;
                        Ok(rows)
                    }
                }
            }

            async fn note_targets(&mut self, tenant: Uuid, notes: &[Uuid]) -> Result<Vec<(Uuid, EntityType, Uuid)>> {
                if notes.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = QueryBuilder::<$db>::new("SELECT id, entity_type, entity_id FROM notes WHERE tenant_id = ");
                qb.push_bind(tenant).push(" AND id IN (");
                let mut sep = qb.separated(", ");
                for n in notes {
                    sep.push_bind(*n);
                }
                qb.push(")");
                let rows: Vec<(Uuid, String, Uuid)> = qb.build_query_as().fetch_all(&mut *self).await?;
                rows.into_iter()
                    .map(|(id, t, e)| Ok((id, parse_enum::<EntityType>(&t, "notes.entity_type")?, e)))
                    .collect()
            }

            async fn people_page(&mut self, tenant: Uuid, offset: u32, limit: u32) -> Result<Vec<Person>> {
                let ids: Vec<Uuid> = sqlx::query_scalar(
                    "SELECT id FROM people WHERE tenant_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
                )
                .bind(tenant)
                .bind(i64::from(limit))
                .bind(i64::from(offset))
                .fetch_all(&mut *self)
                .await?;
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    if let Some(p) = self.get_person(tenant, id).await? {
                        out.push(p);
                    }
                }
                Ok(out)
            }

            async fn all_lead_ids(&mut self, tenant: Uuid) -> Result<Vec<Uuid>> {
                Ok(sqlx::query_scalar("SELECT id FROM leads WHERE tenant_id = $1")
                    .bind(tenant)
                    .fetch_all(&mut *self)
                    .await?)
            }

            async fn all_deal_names(&mut self, tenant: Uuid) -> Result<Vec<(Uuid, Option<String>, Option<String>)>> {
                Ok(sqlx::query_as(
                    "SELECT d.id, p.first_name || ' ' || p.last_name, c.name FROM deals d \
                     LEFT JOIN people p ON p.tenant_id = d.tenant_id AND p.id = d.person_id \
                     LEFT JOIN companies c ON c.tenant_id = d.tenant_id AND c.id = d.company_id \
                     WHERE d.tenant_id = $1",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?)
            }

            async fn all_notes(&mut self, tenant: Uuid) -> Result<Vec<Note>> {
                let rows = sqlx::query_as::<_, NoteRow>(
                    "SELECT n.id, n.entity_type, n.entity_id, n.kind, n.body, n.pinned, n.author_id, \
                     NULL AS author_name, n.created_at, n.updated_at FROM notes n WHERE n.tenant_id = $1",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter().map(Note::try_from).collect()
            }

            async fn leads_of_person(&mut self, tenant: Uuid, person: Uuid) -> Result<Vec<Uuid>> {
                Ok(sqlx::query_scalar(
                    "SELECT id FROM leads WHERE tenant_id = $1 AND person_id = $2 ORDER BY created_at DESC",
                )
                .bind(tenant)
                .bind(person)
                .fetch_all(&mut *self)
                .await?)
            }

            async fn deals_of(&mut self, tenant: Uuid, person: Option<Uuid>, company: Option<Uuid>) -> Result<Vec<Uuid>> {
                let (column, id) = match (person, company) {
                    (Some(p), _) => ("person_id", p),
                    (None, Some(c)) => ("company_id", c),
                    (None, None) => return Ok(Vec::new()),
                };
                Ok(sqlx::query_scalar(&format!(
                    "SELECT id FROM deals WHERE tenant_id = $1 AND {column} = $2 ORDER BY created_at DESC"
                ))
                .bind(tenant)
                .bind(id)
                .fetch_all(&mut *self)
                .await?)
            }

            async fn get_company(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Company>> {
                let row = sqlx::query_as::<_, CompanyRow>(&format!(
                    "SELECT {COMPANY_COLUMNS} FROM companies c WHERE c.tenant_id = $1 AND c.id = $2"
                ))
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                row.map(Company::try_from).transpose()
            }

            async fn insert_company_full(&mut self, tenant: Uuid, c: &Company) -> Result<()> {
                let q = sqlx::query(
                    "INSERT INTO companies (tenant_id, id, name, name_key, legal_name, kind, status, vat_number, tax_code, \
                     billing_address, shipping_address, website, email, phone_e164, tags, owner_id, parent_id, sector, \
                     year_established, revenue_minor, employees, office_location, is_customer, custom, updated_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
                     $21, $22, $23, $24, $25, $26)",
                )
                .bind(tenant)
                .bind(c.id);
                bind_company!(q, c).bind(c.created_at).execute(&mut *self).await?;
                self.upsert_search_doc(tenant, &company_doc(c)).await
            }

            async fn update_company(&mut self, tenant: Uuid, c: &Company) -> Result<()> {
                let q = sqlx::query(
                    "UPDATE companies SET name = $3, name_key = $4, legal_name = $5, kind = $6, status = $7, \
                     vat_number = $8, tax_code = $9, billing_address = $10, shipping_address = $11, website = $12, \
                     email = $13, phone_e164 = $14, tags = $15, owner_id = $16, parent_id = $17, sector = $18, \
                     year_established = $19, revenue_minor = $20, employees = $21, office_location = $22, \
                     is_customer = $23, custom = $24, updated_at = $25 WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant)
                .bind(c.id);
                let done = bind_company!(q, c).execute(&mut *self).await?;
                if done.rows_affected() == 0 {
                    return Err(Error::NotFound { entity: "company", id: c.id.to_string() });
                }
                self.upsert_search_doc(tenant, &company_doc(c)).await
            }

            async fn list_companies(&mut self, tenant: Uuid, q: &CompanyQuery) -> Result<Page<CompanyListItem>> {
                let backend = self.backend();
                let mut count = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM companies c");
                push_company_filter!(count, tenant, q, backend);
                let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT c.id, c.name, c.kind, c.status, c.vat_number, c.office_location, c.sector, \
                     u.display_name AS owner_name, c.tags, c.is_customer, c.custom, c.created_at FROM companies c \
                     LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.owner_id",
                );
                push_company_filter!(qb, tenant, q, backend);
                let limit = if q.limit == 0 { 50 } else { q.limit.min(500) };
                qb.push(" ORDER BY c.name_key, c.id LIMIT ")
                    .push_bind(i64::from(limit))
                    .push(" OFFSET ")
                    .push_bind(i64::from(q.offset));
                let rows: Vec<CompanyListRow> = qb.build_query_as().fetch_all(&mut *self).await?;
                let items = rows
                    .into_iter()
                    .map(|r| {
                        Ok(CompanyListItem {
                            id: r.id,
                            name: r.name,
                            kind: parse_enum::<CompanyKind>(&r.kind, "companies.kind")?,
                            status: parse_enum::<CompanyStatus>(&r.status, "companies.status")?,
                            vat_number: r.vat_number,
                            office_location: r.office_location,
                            sector: r.sector,
                            owner_name: r.owner_name,
                            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
                            is_customer: r.is_customer,
                            custom: serde_json::from_str(&r.custom).unwrap_or_default(),
                            created_at: r.created_at,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(Page { items, total: total as u64, offset: q.offset })
            }

            async fn company_children(&mut self, tenant: Uuid, id: Uuid) -> Result<Vec<(Uuid, String)>> {
                Ok(sqlx::query_as(
                    "SELECT id, name FROM companies WHERE tenant_id = $1 AND parent_id = $2 ORDER BY name_key",
                )
                .bind(tenant)
                .bind(id)
                .fetch_all(&mut *self)
                .await?)
            }

            async fn companies_by_vat(&mut self, tenant: Uuid, vat: &str) -> Result<Vec<Uuid>> {
                Ok(sqlx::query_scalar(
                    "SELECT id FROM companies WHERE tenant_id = $1 AND vat_number = $2 ORDER BY created_at",
                )
                .bind(tenant)
                .bind(vat)
                .fetch_all(&mut *self)
                .await?)
            }

            async fn upsert_contact(
                &mut self,
                tenant: Uuid,
                company: Uuid,
                person: Uuid,
                role: Option<&str>,
                primary: bool,
                at: DateTime<Utc>,
            ) -> Result<()> {
                if primary {
                    sqlx::query(
                        "UPDATE company_contacts SET is_primary = $3 WHERE tenant_id = $1 AND company_id = $2 AND is_primary = $4",
                    )
                    .bind(tenant)
                    .bind(company)
                    .bind(false)
                    .bind(true)
                    .execute(&mut *self)
                    .await?;
                }
                sqlx::query(
                    "INSERT INTO company_contacts (tenant_id, company_id, person_id, role, is_primary, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, company_id, person_id) DO UPDATE SET \
                     role = excluded.role, is_primary = excluded.is_primary",
                )
                .bind(tenant)
                .bind(company)
                .bind(person)
                .bind(role)
                .bind(primary)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn remove_contact(&mut self, tenant: Uuid, company: Uuid, person: Uuid) -> Result<bool> {
                let done = sqlx::query(
                    "DELETE FROM company_contacts WHERE tenant_id = $1 AND company_id = $2 AND person_id = $3",
                )
                .bind(tenant)
                .bind(company)
                .bind(person)
                .execute(&mut *self)
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn contacts(&mut self, tenant: Uuid, id: Uuid, of_company: bool) -> Result<Vec<CompanyContact>> {
                let column = if of_company { "cc.company_id" } else { "cc.person_id" };
                let order = if of_company { "p.last_name, p.first_name" } else { "c.name_key" };
                let rows = sqlx::query_as::<_, ContactRow>(&format!(
                    "SELECT cc.company_id, c.name AS company_name, cc.person_id, p.first_name, p.last_name, \
                     p.phone_e164, p.email, cc.role, cc.is_primary FROM company_contacts cc \
                     JOIN companies c ON c.tenant_id = cc.tenant_id AND c.id = cc.company_id \
                     JOIN people p ON p.tenant_id = cc.tenant_id AND p.id = cc.person_id \
                     WHERE cc.tenant_id = $1 AND {column} = $2 ORDER BY cc.is_primary DESC, {order}"
                ))
                .bind(tenant)
                .bind(id)
                .fetch_all(&mut *self)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| CompanyContact {
                        company_id: r.company_id,
                        company_name: r.company_name,
                        person_id: r.person_id,
                        person_name: format!("{} {}", r.first_name, r.last_name).trim().to_string(),
                        phone: r.phone_e164,
                        email: r.email,
                        role: r.role,
                        is_primary: r.is_primary,
                    })
                    .collect())
            }

            async fn insert_note(&mut self, tenant: Uuid, n: &Note) -> Result<()> {
                sqlx::query(
                    "INSERT INTO notes (tenant_id, id, entity_type, entity_id, kind, body, pinned, author_id, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(tenant)
                .bind(n.id)
                .bind(n.entity_type.as_str())
                .bind(n.entity_id)
                .bind(n.kind.as_str())
                .bind(&n.body)
                .bind(n.pinned)
                .bind(n.author_id)
                .bind(n.created_at)
                .bind(n.updated_at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn get_note(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Note>> {
                let row = sqlx::query_as::<_, NoteRow>(
                    "SELECT n.id, n.entity_type, n.entity_id, n.kind, n.body, n.pinned, n.author_id, \
                     u.display_name AS author_name, n.created_at, n.updated_at FROM notes n \
                     LEFT JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.author_id \
                     WHERE n.tenant_id = $1 AND n.id = $2",
                )
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                row.map(Note::try_from).transpose()
            }

            async fn update_note(&mut self, tenant: Uuid, n: &Note, previous: &Note, editor: Uuid) -> Result<()> {
                if previous.body != n.body || previous.kind != n.kind {
                    sqlx::query(
                        "INSERT INTO note_revisions (tenant_id, id, note_id, kind, body, edited_by, edited_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(tenant)
                    .bind(Uuid::now_v7())
                    .bind(n.id)
                    .bind(previous.kind.as_str())
                    .bind(&previous.body)
                    .bind(editor)
                    .bind(n.updated_at)
                    .execute(&mut *self)
                    .await?;
                }
                let done = sqlx::query(
                    "UPDATE notes SET kind = $3, body = $4, pinned = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant)
                .bind(n.id)
                .bind(n.kind.as_str())
                .bind(&n.body)
                .bind(n.pinned)
                .bind(n.updated_at)
                .execute(&mut *self)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(Error::NotFound { entity: "note", id: n.id.to_string() });
                }
                Ok(())
            }

            async fn notes_of(&mut self, tenant: Uuid, entity: Uuid) -> Result<Vec<Note>> {
                let rows = sqlx::query_as::<_, NoteRow>(
                    "SELECT n.id, n.entity_type, n.entity_id, n.kind, n.body, n.pinned, n.author_id, \
                     u.display_name AS author_name, n.created_at, n.updated_at FROM notes n \
                     LEFT JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.author_id \
                     WHERE n.tenant_id = $1 AND n.entity_id = $2 ORDER BY n.pinned DESC, n.created_at DESC, n.id DESC",
                )
                .bind(tenant)
                .bind(entity)
                .fetch_all(&mut *self)
                .await?;
                let mut notes = rows.into_iter().map(Note::try_from).collect::<Result<Vec<_>>>()?;
                if notes.is_empty() {
                    return Ok(notes);
                }
                let mentions: Vec<(Uuid, Uuid)> = sqlx::query_as(
                    "SELECT m.note_id, m.user_id FROM note_mentions m JOIN notes n ON n.tenant_id = m.tenant_id \
                     AND n.id = m.note_id WHERE m.tenant_id = $1 AND n.entity_id = $2",
                )
                .bind(tenant)
                .bind(entity)
                .fetch_all(&mut *self)
                .await?;
                let revisions: Vec<(Uuid, i64)> = sqlx::query_as(
                    "SELECT r.note_id, COUNT(*) FROM note_revisions r JOIN notes n ON n.tenant_id = r.tenant_id \
                     AND n.id = r.note_id WHERE r.tenant_id = $1 AND n.entity_id = $2 GROUP BY r.note_id",
                )
                .bind(tenant)
                .bind(entity)
                .fetch_all(&mut *self)
                .await?;
                for n in &mut notes {
                    n.mentions = mentions.iter().filter(|(id, _)| *id == n.id).map(|(_, u)| *u).collect();
                    n.revisions = revisions
                        .iter()
                        .find(|(id, _)| *id == n.id)
                        .map(|(_, c)| u32::try_from(*c).unwrap_or(0))
                        .unwrap_or(0);
                }
                Ok(notes)
            }

            async fn note_revisions(&mut self, tenant: Uuid, note: Uuid) -> Result<Vec<NoteRevision>> {
                let rows: Vec<(String, String, Option<String>, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT r.kind, r.body, u.display_name, r.edited_at FROM note_revisions r \
                     LEFT JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.edited_by \
                     WHERE r.tenant_id = $1 AND r.note_id = $2 ORDER BY r.edited_at DESC, r.id DESC",
                )
                .bind(tenant)
                .bind(note)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter()
                    .map(|(kind, body, edited_by, edited_at)| {
                        Ok(NoteRevision {
                            kind: parse_enum::<NoteKind>(&kind, "note_revisions.kind")?,
                            body,
                            edited_by,
                            edited_at,
                        })
                    })
                    .collect()
            }

            async fn set_mentions(&mut self, tenant: Uuid, note: Uuid, users: &[Uuid], at: DateTime<Utc>) -> Result<()> {
                let existing: Vec<Uuid> = sqlx::query_scalar(
                    "SELECT user_id FROM note_mentions WHERE tenant_id = $1 AND note_id = $2",
                )
                .bind(tenant)
                .bind(note)
                .fetch_all(&mut *self)
                .await?;
                for gone in existing.iter().filter(|u| !users.contains(u)) {
                    sqlx::query("DELETE FROM note_mentions WHERE tenant_id = $1 AND note_id = $2 AND user_id = $3")
                        .bind(tenant)
                        .bind(note)
                        .bind(*gone)
                        .execute(&mut *self)
                        .await?;
                }
                for new in users.iter().filter(|u| !existing.contains(u)) {
                    sqlx::query(
                        "INSERT INTO note_mentions (tenant_id, note_id, user_id, created_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(tenant)
                    .bind(note)
                    .bind(*new)
                    .bind(at)
                    .execute(&mut *self)
                    .await?;
                }
                Ok(())
            }

            async fn mentions_of(&mut self, tenant: Uuid, user: Uuid, unread_only: bool, limit: u32) -> Result<Vec<Mention>> {
                let rows: Vec<(Uuid, String, Uuid, Option<String>, Option<String>, String, DateTime<Utc>, Option<DateTime<Utc>>)> =
                    sqlx::query_as(&format!(
                        "SELECT m.note_id, n.entity_type, n.entity_id, s.title, u.display_name, n.body, m.created_at, m.read_at \
                         FROM note_mentions m JOIN notes n ON n.tenant_id = m.tenant_id AND n.id = m.note_id \
                         LEFT JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.author_id \
                         LEFT JOIN search_docs s ON s.tenant_id = n.tenant_id AND s.entity_id = n.entity_id \
                         WHERE m.tenant_id = $1 AND m.user_id = $2 {} ORDER BY m.created_at DESC LIMIT $3",
                        if unread_only { "AND m.read_at IS NULL" } else { "" }
                    ))
                    .bind(tenant)
                    .bind(user)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self)
                    .await?;
                rows.into_iter()
                    .map(|(note_id, t, entity_id, title, author, body, created_at, read_at)| {
                        Ok(Mention {
                            note_id,
                            entity_type: parse_enum::<EntityType>(&t, "notes.entity_type")?,
                            entity_id,
                            record_title: title.unwrap_or_default(),
                            author_name: author,
                            excerpt: excerpt(&body, 200),
                            created_at,
                            read_at,
                        })
                    })
                    .collect()
            }

            async fn mark_mentions_read(&mut self, tenant: Uuid, user: Uuid, note: Option<Uuid>, at: DateTime<Utc>) -> Result<u64> {
                let mut qb = QueryBuilder::<$db>::new("UPDATE note_mentions SET read_at = ");
                qb.push_bind(at)
                    .push(" WHERE tenant_id = ")
                    .push_bind(tenant)
                    .push(" AND user_id = ")
                    .push_bind(user)
                    .push(" AND read_at IS NULL");
                if let Some(n) = note {
                    qb.push(" AND note_id = ").push_bind(n);
                }
                Ok(qb.build().execute(&mut *self).await?.rows_affected())
            }

            async fn insert_document(&mut self, tenant: Uuid, d: &Document, by: Uuid) -> Result<()> {
                sqlx::query(
                    "INSERT INTO documents (tenant_id, id, entity_type, entity_id, file_name, media_type, size_bytes, sha256, \
                     uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(tenant)
                .bind(d.id)
                .bind(d.entity_type.as_str())
                .bind(d.entity_id)
                .bind(&d.file_name)
                .bind(&d.media_type)
                .bind(i64::try_from(d.size_bytes).unwrap_or(i64::MAX))
                .bind(&d.sha256)
                .bind(by)
                .bind(d.created_at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn documents_of(&mut self, tenant: Uuid, entity: Uuid) -> Result<Vec<Document>> {
                let rows = sqlx::query_as::<_, DocumentRow>(
                    "SELECT d.id, d.entity_type, d.entity_id, d.file_name, d.media_type, d.size_bytes, d.sha256, \
                     u.display_name AS uploaded_by, d.created_at FROM documents d \
                     LEFT JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.uploaded_by \
                     WHERE d.tenant_id = $1 AND d.entity_id = $2 ORDER BY d.created_at DESC, d.id DESC",
                )
                .bind(tenant)
                .bind(entity)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter().map(Document::try_from).collect()
            }

            async fn get_document(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Document>> {
                let row = sqlx::query_as::<_, DocumentRow>(
                    "SELECT d.id, d.entity_type, d.entity_id, d.file_name, d.media_type, d.size_bytes, d.sha256, \
                     u.display_name AS uploaded_by, d.created_at FROM documents d \
                     LEFT JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.uploaded_by \
                     WHERE d.tenant_id = $1 AND d.id = $2",
                )
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                row.map(Document::try_from).transpose()
            }

            async fn put_blob(&mut self, tenant: Uuid, sha256: &str, content: &[u8]) -> Result<()> {
                sqlx::query(
                    "INSERT INTO document_blobs (tenant_id, sha256, content) VALUES ($1, $2, $3) \
                     ON CONFLICT (tenant_id, sha256) DO NOTHING",
                )
                .bind(tenant)
                .bind(sha256)
                .bind(content)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn get_blob(&mut self, tenant: Uuid, sha256: &str) -> Result<Option<Vec<u8>>> {
                Ok(sqlx::query_scalar("SELECT content FROM document_blobs WHERE tenant_id = $1 AND sha256 = $2")
                    .bind(tenant)
                    .bind(sha256)
                    .fetch_optional(&mut *self)
                    .await?)
            }

            async fn insert_record_event(
                &mut self,
                tenant: Uuid,
                entity_type: EntityType,
                entity_id: Uuid,
                kind: &str,
                detail: Option<&str>,
                user: Option<Uuid>,
                at: DateTime<Utc>,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO record_events (tenant_id, id, entity_type, entity_id, kind, detail, user_id, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(tenant)
                .bind(Uuid::now_v7())
                .bind(entity_type.as_str())
                .bind(entity_id)
                .bind(kind)
                .bind(detail)
                .bind(user)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn timeline(
                &mut self,
                tenant: Uuid,
                records: &[(EntityType, Uuid)],
                offset: u32,
                limit: u32,
            ) -> Result<Page<TimelineEntry>> {
                let ids = |qb: &mut QueryBuilder<'_, $db>, filter: &dyn Fn(&EntityType) -> bool| {
                    let mut sep = qb.separated(", ");
                    // An empty IN list is invalid SQL: the nil id never matches.
                    sep.push_bind(Uuid::nil());
                    for (t, id) in records {
                        if filter(t) {
                            sep.push_bind(*id);
                        }
                    }
                };
                let build = |qb: &mut QueryBuilder<'_, $db>| {
                    qb.push(
                        "SELECT e.at, e.kind, e.entity_type, e.entity_id, e.detail, u.display_name AS user_name \
                         FROM record_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
                         WHERE e.tenant_id = ",
                    )
                    .push_bind(tenant)
                    .push(" AND e.entity_id IN (");
                    ids(qb, &|_| true);
                    qb.push(
                        ") UNION ALL SELECT e.at, e.kind, 'lead', e.lead_id, \
                         coalesce(e.from_status || ' → ' || e.to_status, e.to_status, e.detail), u.display_name \
                         FROM lead_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
                         WHERE e.kind NOT IN ('note_added', 'call', 'meeting') AND e.tenant_id = ",
                    )
                    .push_bind(tenant)
                    .push(" AND e.lead_id IN (");
                    ids(qb, &|t| *t == EntityType::Lead);
                    qb.push(
                        ") UNION ALL SELECT e.at, e.kind, 'deal', e.deal_id, \
                         coalesce(fs.name || ' → ' || ts.name, ts.name, e.detail), u.display_name \
                         FROM deal_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
                         LEFT JOIN pipeline_stages fs ON fs.tenant_id = e.tenant_id AND fs.id = e.from_stage_id \
                         LEFT JOIN pipeline_stages ts ON ts.tenant_id = e.tenant_id AND ts.id = e.to_stage_id \
                         WHERE e.tenant_id = ",
                    )
                    .push_bind(tenant)
                    .push(" AND e.deal_id IN (");
                    ids(qb, &|t| *t == EntityType::Deal);
                    qb.push(")");
                };
                let mut count = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM (");
                build(&mut count);
                count.push(") t");
                let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;
                let mut qb = QueryBuilder::<$db>::new("SELECT * FROM (");
                build(&mut qb);
                qb.push(") t ORDER BY at DESC LIMIT ")
                    .push_bind(i64::from(limit.clamp(1, 500)))
                    .push(" OFFSET ")
                    .push_bind(i64::from(offset));
                let rows: Vec<TimelineRow> = qb.build_query_as().fetch_all(&mut *self).await?;
                let items = rows
                    .into_iter()
                    .map(|r| {
                        Ok(TimelineEntry {
                            at: r.at,
                            kind: r.kind,
                            entity_type: parse_enum::<EntityType>(&r.entity_type, "timeline.entity_type")?,
                            entity_id: r.entity_id,
                            detail: r.detail,
                            user_name: r.user_name,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(Page { items, total: total as u64, offset })
            }

            async fn list_custom_fields(&mut self, tenant: Uuid) -> Result<Vec<CustomField>> {
                let rows = sqlx::query_as::<_, CustomFieldRow>(
                    "SELECT id, entity_type, key, label, kind, required, default_value, options, position, archived \
                     FROM custom_fields WHERE tenant_id = $1 ORDER BY entity_type, position, key",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(CustomField {
                            id: r.id,
                            entity_type: parse_enum::<EntityType>(&r.entity_type, "custom_fields.entity_type")?,
                            key: r.key,
                            label: r.label,
                            kind: parse_enum::<CustomFieldKind>(&r.kind, "custom_fields.kind")?,
                            required: r.required,
                            default_value: r.default_value.and_then(|v| serde_json::from_str(&v).ok()),
                            options: serde_json::from_str(&r.options).unwrap_or_default(),
                            position: u32::try_from(r.position).unwrap_or(0),
                            archived: r.archived,
                        })
                    })
                    .collect()
            }

            async fn save_custom_field(&mut self, tenant: Uuid, f: &CustomField, at: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO custom_fields (tenant_id, id, entity_type, key, label, kind, required, default_value, options, \
                     position, archived, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                     ON CONFLICT (tenant_id, id) DO UPDATE SET label = excluded.label, required = excluded.required, \
                     default_value = excluded.default_value, options = excluded.options, position = excluded.position, \
                     archived = excluded.archived",
                )
                .bind(tenant)
                .bind(f.id)
                .bind(f.entity_type.as_str())
                .bind(&f.key)
                .bind(&f.label)
                .bind(f.kind.as_str())
                .bind(f.required)
                .bind(f.default_value.as_ref().map(|v| v.to_string()))
                .bind(serde_json::to_string(&f.options).unwrap_or_else(|_| "[]".into()))
                .bind(f.position as i32)
                .bind(f.archived)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn set_custom_values(&mut self, tenant: Uuid, entity: EntityType, id: Uuid, values: &CustomValues) -> Result<()> {
                let table = match entity {
                    EntityType::Lead => "leads",
                    EntityType::Deal => "deals",
                    EntityType::Person => "people",
                    EntityType::Company => "companies",
                };
                let done = sqlx::query(&format!("UPDATE {table} SET custom = $3 WHERE tenant_id = $1 AND id = $2"))
                    .bind(tenant)
                    .bind(id)
                    .bind(serde_json::to_string(values).unwrap_or_else(|_| "{}".into()))
                    .execute(&mut *self)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(Error::NotFound { entity: entity.as_str(), id: id.to_string() });
                }
                Ok(())
            }

            async fn custom_values(&mut self, tenant: Uuid, entity: EntityType, id: Uuid) -> Result<CustomValues> {
                let table = match entity {
                    EntityType::Lead => "leads",
                    EntityType::Deal => "deals",
                    EntityType::Person => "people",
                    EntityType::Company => "companies",
                };
                let raw: Option<String> = sqlx::query_scalar(&format!(
                    "SELECT custom FROM {table} WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(tenant)
                .bind(id)
                .fetch_optional(&mut *self)
                .await?;
                Ok(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())
            }

            async fn people_keys(&mut self, tenant: Uuid) -> Result<Vec<PersonKeys>> {
                Ok(sqlx::query_as::<_, PersonKeys>(
                    "SELECT id, first_name, last_name, phone_e164, phone_2_e164, email, company_name, tax_code, created_at \
                     FROM people WHERE tenant_id = $1 ORDER BY created_at, id",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?)
            }

            async fn company_keys(&mut self, tenant: Uuid) -> Result<Vec<CompanyKeys>> {
                Ok(sqlx::query_as::<_, CompanyKeys>(
                    "SELECT id, name, name_key, vat_number, tax_code, email, phone_e164, office_location, created_at \
                     FROM companies WHERE tenant_id = $1 ORDER BY created_at, id",
                )
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?)
            }

            async fn people_named(&mut self, tenant: Uuid, name_key: &str, limit: u32) -> Result<Vec<Uuid>> {
                Ok(sqlx::query_scalar(
                    "SELECT entity_id FROM search_docs WHERE tenant_id = $1 AND name_key = $2 \
                     AND entity_type = 'person' LIMIT $3",
                )
                .bind(tenant)
                .bind(name_key)
                .bind(i64::from(limit))
                .fetch_all(&mut *self)
                .await?)
            }

            async fn dismissed_pairs(&mut self, tenant: Uuid) -> Result<Vec<(Uuid, Uuid)>> {
                Ok(sqlx::query_as("SELECT a_id, b_id FROM duplicate_dismissals WHERE tenant_id = $1")
                    .bind(tenant)
                    .fetch_all(&mut *self)
                    .await?)
            }

            async fn dismiss_pair(&mut self, tenant: Uuid, entity: EntityType, a: Uuid, b: Uuid, by: Uuid, at: DateTime<Utc>) -> Result<()> {
                let (a, b) = if a < b { (a, b) } else { (b, a) };
                sqlx::query(
                    "INSERT INTO duplicate_dismissals (tenant_id, entity_type, a_id, b_id, dismissed_by, at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, a_id, b_id) DO NOTHING",
                )
                .bind(tenant)
                .bind(entity.as_str())
                .bind(a)
                .bind(b)
                .bind(by)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn linked_count(&mut self, tenant: Uuid, entity: EntityType, id: Uuid) -> Result<u64> {
                let sql = match entity {
                    EntityType::Company => {
                        "SELECT (SELECT COUNT(*) FROM deals WHERE tenant_id = $1 AND company_id = $2) \
                         + (SELECT COUNT(*) FROM notes WHERE tenant_id = $1 AND entity_id = $2) \
                         + (SELECT COUNT(*) FROM documents WHERE tenant_id = $1 AND entity_id = $2) \
                         + (SELECT COUNT(*) FROM company_contacts WHERE tenant_id = $1 AND company_id = $2)"
                    }
                    _ => {
                        "SELECT (SELECT COUNT(*) FROM leads WHERE tenant_id = $1 AND person_id = $2) \
                         + (SELECT COUNT(*) FROM deals WHERE tenant_id = $1 AND person_id = $2) \
                         + (SELECT COUNT(*) FROM notes WHERE tenant_id = $1 AND entity_id = $2) \
                         + (SELECT COUNT(*) FROM documents WHERE tenant_id = $1 AND entity_id = $2)"
                    }
                };
                let n: i64 = sqlx::query_scalar(sql).bind(tenant).bind(id).fetch_one(&mut *self).await?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn merge_records(&mut self, tenant: Uuid, entity: EntityType, to: Uuid, from: Uuid) -> Result<u64> {
                let mut moved = 0;
                let (refs, contact_col, table) = match entity {
                    EntityType::Company => (COMPANY_REFS, "company_id", "companies"),
                    EntityType::Person => (PERSON_REFS, "person_id", "people"),
                    other => {
                        return Err(Error::Validation(vec![crate::model::FieldError::new("entity_type", "unknown_value")
                            .with("value", other.as_str())]))
                    }
                };
                // Links to a company both records have: keep the kept one's.
                sqlx::query(&format!(
                    "DELETE FROM company_contacts WHERE tenant_id = $1 AND {contact_col} = $2 AND \
                     {other} IN (SELECT {other} FROM company_contacts WHERE tenant_id = $1 AND {contact_col} = $3)",
                    other = if contact_col == "person_id" { "company_id" } else { "person_id" }
                ))
                .bind(tenant)
                .bind(from)
                .bind(to)
                .execute(&mut *self)
                .await?;
                if entity == EntityType::Company {
                    // The kept company keeps its primary contact, if it has one.
                    sqlx::query(
                        "UPDATE company_contacts SET is_primary = $4 WHERE tenant_id = $1 AND company_id = $2 \
                         AND EXISTS (SELECT 1 FROM company_contacts k WHERE k.tenant_id = $1 AND k.company_id = $3 AND k.is_primary = $5)",
                    )
                    .bind(tenant)
                    .bind(from)
                    .bind(to)
                    .bind(false)
                    .bind(true)
                    .execute(&mut *self)
                    .await?;
                }
                let done = sqlx::query(&format!(
                    "UPDATE company_contacts SET {contact_col} = $3 WHERE tenant_id = $1 AND {contact_col} = $2"
                ))
                .bind(tenant)
                .bind(from)
                .bind(to)
                .execute(&mut *self)
                .await?;
                moved += done.rows_affected();
                for (t, col) in refs {
                    let done = sqlx::query(&format!("UPDATE {t} SET {col} = $3 WHERE tenant_id = $1 AND {col} = $2"))
                        .bind(tenant)
                        .bind(from)
                        .bind(to)
                        .execute(&mut *self)
                        .await?;
                    moved += done.rows_affected();
                }
                self.delete_search_doc(tenant, from).await?;
                sqlx::query("DELETE FROM duplicate_dismissals WHERE tenant_id = $1 AND (a_id = $2 OR b_id = $2)")
                    .bind(tenant)
                    .bind(from)
                    .execute(&mut *self)
                    .await?;
                sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1 AND id = $2"))
                    .bind(tenant)
                    .bind(from)
                    .execute(&mut *self)
                    .await?;
                Ok(moved)
            }

            async fn insert_merge(
                &mut self,
                tenant: Uuid,
                id: Uuid,
                entity: EntityType,
                kept: Uuid,
                merged: Uuid,
                snapshot: &str,
                by: Uuid,
                at: DateTime<Utc>,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO merges (tenant_id, id, entity_type, kept_id, merged_id, snapshot, merged_by, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(tenant)
                .bind(id)
                .bind(entity.as_str())
                .bind(kept)
                .bind(merged)
                .bind(snapshot)
                .bind(by)
                .bind(at)
                .execute(&mut *self)
                .await?;
                Ok(())
            }
        }
    };
}

impl_record_repo!(SqliteConnection, sqlx::Sqlite);
impl_record_repo!(PgConnection, sqlx::Postgres);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_suffixes_are_tokens() {
        let t = phone_tokens("+393331234567");
        assert_eq!(t[0], "393331234567");
        assert!(t.contains(&"3331234567".to_string()));
        assert!(t.contains(&"4567".to_string()));
        assert!(!t.contains(&"567".to_string()));
    }

    #[test]
    fn index_text_splits_on_punctuation() {
        assert_eq!(
            index_text("Nicolò D'Amico nico@esempio.it"),
            "nicolo d amico nico esempio it"
        );
        assert_eq!(
            excerpt("**Offerta** _fibra_\n# ok", 120),
            "Offerta fibra  ok"
        );
    }

    #[test]
    fn queries_are_quoted() {
        let terms = vec!["nicolo".to_string(), "ro\"ss".to_string()];
        assert_eq!(fts5_query(&terms), "\"nicolo\"* \"ross\"*");
        assert_eq!(tsquery(&terms), "nicolo:* & ross:*");
    }
}
