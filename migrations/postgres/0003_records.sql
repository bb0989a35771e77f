-- Companies and contacts, notes, documents, the record timeline, custom
-- fields, the search index and merges (Postgres). Same conventions as 0001.

ALTER TABLE companies ADD COLUMN kind text NOT NULL DEFAULT 'client'
    CHECK (kind IN ('client', 'supplier', 'stakeholder', 'partner'));
ALTER TABLE companies ADD COLUMN status text NOT NULL DEFAULT 'active'
    CHECK (status IN ('prospect', 'active', 'inactive'));
ALTER TABLE companies ADD COLUMN legal_name text;
ALTER TABLE companies ADD COLUMN vat_number text;
ALTER TABLE companies ADD COLUMN tax_code text;
ALTER TABLE companies ADD COLUMN billing_address text;
ALTER TABLE companies ADD COLUMN shipping_address text;
ALTER TABLE companies ADD COLUMN website text;
ALTER TABLE companies ADD COLUMN email text;
ALTER TABLE companies ADD COLUMN phone_e164 text;
-- JSON array of strings
ALTER TABLE companies ADD COLUMN tags text NOT NULL DEFAULT '[]';
ALTER TABLE companies ADD COLUMN owner_id uuid;
ALTER TABLE companies ADD COLUMN parent_id uuid;
ALTER TABLE companies ADD COLUMN sector text;
ALTER TABLE companies ADD COLUMN year_established integer;
-- annual revenue, minor units of tenants.currency
ALTER TABLE companies ADD COLUMN revenue_minor bigint;
ALTER TABLE companies ADD COLUMN employees integer;
ALTER TABLE companies ADD COLUMN office_location text;
-- custom field values: JSON object {key: value}
ALTER TABLE companies ADD COLUMN custom text NOT NULL DEFAULT '{}';
ALTER TABLE companies ADD FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id);
ALTER TABLE companies ADD FOREIGN KEY (tenant_id, parent_id) REFERENCES companies (tenant_id, id);
CREATE INDEX companies_vat ON companies (tenant_id, vat_number) WHERE vat_number IS NOT NULL;
CREATE INDEX companies_parent ON companies (tenant_id, parent_id) WHERE parent_id IS NOT NULL;

ALTER TABLE people ADD COLUMN tax_code text;
ALTER TABLE people ADD COLUMN custom text NOT NULL DEFAULT '{}';
ALTER TABLE leads ADD COLUMN custom text NOT NULL DEFAULT '{}';
ALTER TABLE deals ADD COLUMN custom text NOT NULL DEFAULT '{}';
CREATE INDEX people_tax_code ON people (tenant_id, tax_code) WHERE tax_code IS NOT NULL;

CREATE TABLE company_contacts (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    company_id uuid NOT NULL,
    person_id uuid NOT NULL,
    role text,
    is_primary boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, company_id, person_id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)
);
CREATE UNIQUE INDEX company_contacts_primary ON company_contacts (tenant_id, company_id) WHERE is_primary;
CREATE INDEX company_contacts_person ON company_contacts (tenant_id, person_id);

CREATE TABLE notes (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    entity_type text NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    entity_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('general', 'call', 'meeting', 'email')),
    body text NOT NULL,
    pinned boolean NOT NULL DEFAULT false,
    author_id uuid,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX notes_entity ON notes (tenant_id, entity_id, pinned DESC, created_at DESC);
INSERT INTO notes (tenant_id, id, entity_type, entity_id, kind, body, pinned, author_id, created_at, updated_at)
    SELECT tenant_id, id, 'lead', lead_id, 'general', body, false, author_id, created_at, created_at FROM lead_notes;
DROP TABLE lead_notes;

CREATE TABLE note_revisions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    note_id uuid NOT NULL,
    kind text NOT NULL,
    body text NOT NULL,
    edited_by uuid,
    edited_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, note_id) REFERENCES notes (tenant_id, id)
);
CREATE INDEX note_revisions_note ON note_revisions (tenant_id, note_id, edited_at DESC);

CREATE TABLE note_mentions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    note_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    read_at timestamptz,
    PRIMARY KEY (tenant_id, note_id, user_id),
    FOREIGN KEY (tenant_id, note_id) REFERENCES notes (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX note_mentions_inbox ON note_mentions (tenant_id, user_id, created_at DESC);

-- Files attached to a record; on Postgres the bytes live in document_blobs,
-- shared by hash.
CREATE TABLE documents (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    entity_type text NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    entity_id uuid NOT NULL,
    file_name text NOT NULL,
    media_type text NOT NULL,
    size_bytes bigint NOT NULL,
    sha256 text NOT NULL,
    uploaded_by uuid,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, uploaded_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX documents_entity ON documents (tenant_id, entity_id, created_at DESC);
CREATE TABLE document_blobs (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    sha256 text NOT NULL,
    content bytea NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
);

CREATE TABLE record_events (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    entity_type text NOT NULL,
    entity_id uuid NOT NULL,
    kind text NOT NULL,
    detail text,
    user_id uuid,
    at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX record_events_entity ON record_events (tenant_id, entity_id, at DESC);

CREATE TABLE custom_fields (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    entity_type text NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    key text NOT NULL,
    label text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('text', 'number', 'date', 'select', 'multiselect', 'boolean', 'url', 'email')),
    required boolean NOT NULL DEFAULT false,
    default_value text,
    options text NOT NULL DEFAULT '[]',
    position integer NOT NULL,
    archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entity_type, key)
);

-- The search index: accent-folded lower-case text written by the store in
-- the same transaction as the record (rebuilt by `banco reindex` or at
-- start when empty); full-text (simple config, prefix
-- queries) plus trigrams on the title for typos.
CREATE TABLE search_docs (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    entity_id uuid NOT NULL,
    entity_type text NOT NULL,
    -- shown in results
    title text NOT NULL,
    subtitle text NOT NULL,
    -- folded title, and folded other text (e-mail, phone suffixes, note body)
    name_key text NOT NULL,
    body text NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name_key), 'A') || setweight(to_tsvector('simple', body), 'B')
    ) STORED,
    -- the name alone: the ranked first pass of the search box reads only
    -- names, so a word common in notes never makes it rank every note
    name_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', name_key)) STORED,
    PRIMARY KEY (tenant_id, entity_id)
);
CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv);
CREATE INDEX search_docs_name_tsv ON search_docs USING gin (name_tsv);
CREATE INDEX search_docs_name_trgm ON search_docs USING gin (name_key gin_trgm_ops);
-- Same-name lookups (duplicates at capture and import).
CREATE INDEX search_docs_name_key ON search_docs (tenant_id, name_key);

CREATE TABLE duplicate_dismissals (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    entity_type text NOT NULL,
    a_id uuid NOT NULL,
    b_id uuid NOT NULL,
    dismissed_by uuid,
    at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, a_id, b_id)
);

CREATE TABLE merges (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    entity_type text NOT NULL CHECK (entity_type IN ('person', 'company')),
    kept_id uuid NOT NULL,
    merged_id uuid NOT NULL,
    snapshot text NOT NULL,
    merged_by uuid,
    at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, merged_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX merges_kept ON merges (tenant_id, kept_id);
