-- Companies and contacts, notes, documents, the record timeline, custom
-- fields, the search index and merges (SQLite). Same conventions as 0001.
-- SQLite cannot add a composite foreign key to an existing table: the new
-- companies.owner_id / parent_id references are checked by the service.

ALTER TABLE companies ADD COLUMN kind TEXT NOT NULL DEFAULT 'client'
    CHECK (kind IN ('client', 'supplier', 'stakeholder', 'partner'));
ALTER TABLE companies ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('prospect', 'active', 'inactive'));
ALTER TABLE companies ADD COLUMN legal_name TEXT;
ALTER TABLE companies ADD COLUMN vat_number TEXT;
ALTER TABLE companies ADD COLUMN tax_code TEXT;
ALTER TABLE companies ADD COLUMN billing_address TEXT;
ALTER TABLE companies ADD COLUMN shipping_address TEXT;
ALTER TABLE companies ADD COLUMN website TEXT;
ALTER TABLE companies ADD COLUMN email TEXT;
ALTER TABLE companies ADD COLUMN phone_e164 TEXT;
-- JSON array of strings
ALTER TABLE companies ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE companies ADD COLUMN owner_id BLOB;
ALTER TABLE companies ADD COLUMN parent_id BLOB;
ALTER TABLE companies ADD COLUMN sector TEXT;
ALTER TABLE companies ADD COLUMN year_established INTEGER;
-- annual revenue, minor units of tenants.currency
ALTER TABLE companies ADD COLUMN revenue_minor INTEGER;
ALTER TABLE companies ADD COLUMN employees INTEGER;
ALTER TABLE companies ADD COLUMN office_location TEXT;
-- custom field values: JSON object {key: value}
ALTER TABLE companies ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
CREATE INDEX companies_vat ON companies (tenant_id, vat_number) WHERE vat_number IS NOT NULL;
CREATE INDEX companies_parent ON companies (tenant_id, parent_id) WHERE parent_id IS NOT NULL;

ALTER TABLE people ADD COLUMN tax_code TEXT;
ALTER TABLE people ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
ALTER TABLE leads ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
ALTER TABLE deals ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
CREATE INDEX people_tax_code ON people (tenant_id, tax_code) WHERE tax_code IS NOT NULL;

-- A person's role at a company; at most one primary contact per company.
CREATE TABLE company_contacts (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    company_id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    role TEXT,
    is_primary INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, company_id, person_id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)
);
CREATE UNIQUE INDEX company_contacts_primary ON company_contacts (tenant_id, company_id) WHERE is_primary = 1;
CREATE INDEX company_contacts_person ON company_contacts (tenant_id, person_id);

-- Notes on any record (lead notes move here).
CREATE TABLE notes (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    entity_id BLOB NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('general', 'call', 'meeting', 'email')),
    body TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    author_id BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX notes_entity ON notes (tenant_id, entity_id, pinned DESC, created_at DESC);
INSERT INTO notes (tenant_id, id, entity_type, entity_id, kind, body, pinned, author_id, created_at, updated_at)
    SELECT tenant_id, id, 'lead', lead_id, 'general', body, 0, author_id, created_at, created_at FROM lead_notes;
DROP TABLE lead_notes;

-- Earlier versions of a note, one row per edit.
CREATE TABLE note_revisions (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    note_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    edited_by BLOB,
    edited_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, note_id) REFERENCES notes (tenant_id, id)
);
CREATE INDEX note_revisions_note ON note_revisions (tenant_id, note_id, edited_at DESC);

CREATE TABLE note_mentions (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    note_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    PRIMARY KEY (tenant_id, note_id, user_id),
    FOREIGN KEY (tenant_id, note_id) REFERENCES notes (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX note_mentions_inbox ON note_mentions (tenant_id, user_id, created_at DESC);

-- Files attached to a record. On SQLite the bytes live beside the database
-- file in documents/<sha256>; the row holds name, type, size and hash.
CREATE TABLE documents (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    entity_id BLOB NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, uploaded_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX documents_entity ON documents (tenant_id, entity_id, created_at DESC);

-- What happened to a record, beside lead_events and deal_events.
CREATE TABLE record_events (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT,
    user_id BLOB,
    at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX record_events_entity ON record_events (tenant_id, entity_id, at DESC);

CREATE TABLE custom_fields (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'select', 'multiselect', 'boolean', 'url', 'email')),
    required INTEGER NOT NULL DEFAULT 0,
    -- JSON value, or NULL
    default_value TEXT,
    -- JSON array of strings (select, multiselect)
    options TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entity_type, key)
);

-- The search index: one row per person, company, lead, deal and note, with
-- accent-folded lower-case text written by the store in the same
-- transaction as the record (rebuilt by `banco reindex` or at start when
-- empty). search_fts (FTS5, external content) follows
-- it through the triggers below.
CREATE TABLE search_docs (
    rowid INTEGER PRIMARY KEY,
    tenant_id BLOB NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    -- shown in results
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL,
    -- folded title, and folded other text (e-mail, phone suffixes, note body)
    name_key TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (tenant_id, entity_id)
);
CREATE VIRTUAL TABLE search_fts USING fts5 (
    name_key, body,
    content = 'search_docs', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, name_key, body) VALUES (new.rowid, new.name_key, new.body);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, name_key, body) VALUES ('delete', old.rowid, old.name_key, old.body);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, name_key, body) VALUES ('delete', old.rowid, old.name_key, old.body);
    INSERT INTO search_fts (rowid, name_key, body) VALUES (new.rowid, new.name_key, new.body);
END;
-- Same-name lookups (duplicates at capture and import).
CREATE INDEX search_docs_name_key ON search_docs (tenant_id, name_key);
-- Terms of the index, for typo-tolerant lookups.
CREATE VIRTUAL TABLE search_terms USING fts5vocab (search_fts, row);

-- Pairs a user said are not duplicates (a_id < b_id, byte order).
CREATE TABLE duplicate_dismissals (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    entity_type TEXT NOT NULL,
    a_id BLOB NOT NULL,
    b_id BLOB NOT NULL,
    dismissed_by BLOB,
    at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, a_id, b_id)
);

-- Audit of merges: the record that was merged away, as JSON.
CREATE TABLE merges (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('person', 'company')),
    kept_id BLOB NOT NULL,
    merged_id BLOB NOT NULL,
    snapshot TEXT NOT NULL,
    merged_by BLOB,
    at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, merged_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX merges_kept ON merges (tenant_id, kept_id);
