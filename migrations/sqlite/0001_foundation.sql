-- Banco foundation schema (SQLite: UUIDs as 16-byte BLOBs, times as RFC 3339 UTC TEXT, booleans as 0/1).
-- Every table carries tenant_id; as in Postgres, every primary key, unique constraint and
-- foreign key leads with it, so that tables can later be distributed by
-- tenant_id (Citus) without rewriting keys. Ids are UUID v7 made by the client.

CREATE TABLE tenants (
    id BLOB PRIMARY KEY,
    tenant_id BLOB GENERATED ALWAYS AS (id) VIRTUAL,
    name TEXT NOT NULL,
    default_region TEXT NOT NULL DEFAULT 'IT',
    consent_text_version TEXT NOT NULL DEFAULT '2026-01',
    created_at TEXT NOT NULL
);

CREATE TABLE stores (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE users (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL CHECK (role IN ('staff', 'store_manager', 'admin')),
    store_id BLOB,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
);

CREATE TABLE people (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    phone_e164 TEXT,
    phone_2_e164 TEXT,
    phone_raw TEXT,
    email TEXT,
    company_name TEXT,
    city TEXT,
    country TEXT,
    external_ref TEXT,
    is_customer INTEGER NOT NULL DEFAULT 0,
    -- accent-folded, lower-case "first last email phone-digits national-digits"
    search_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- Partial: most people have no second phone, and an index full of NULLs
-- makes the planner (SQLite after ANALYZE) scan the table instead.
CREATE INDEX people_phone ON people (tenant_id, phone_e164) WHERE phone_e164 IS NOT NULL;
CREATE INDEX people_phone_2 ON people (tenant_id, phone_2_e164) WHERE phone_2_e164 IS NOT NULL;
CREATE INDEX people_email ON people (tenant_id, email) WHERE email IS NOT NULL;

CREATE TABLE leads (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    store_id BLOB,
    owner_id BLOB,
    status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'qualified', 'converted', 'disqualified')),
    disqualify_reason TEXT,
    source_channel TEXT NOT NULL,
    interest TEXT NOT NULL,
    campaign_id BLOB,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by BLOB,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    CHECK (status <> 'disqualified' OR disqualify_reason IS NOT NULL)
);
CREATE INDEX leads_person ON leads (tenant_id, person_id);
CREATE INDEX leads_created ON leads (tenant_id, created_at DESC);
CREATE INDEX leads_status ON leads (tenant_id, status, created_at DESC);

CREATE TABLE consents (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    lead_id BLOB,
    kind TEXT NOT NULL CHECK (kind IN ('service_contact', 'marketing', 'profiling', 'third_parties')),
    granted INTEGER NOT NULL,
    text_version TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by BLOB,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id),
    FOREIGN KEY (tenant_id, recorded_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX consents_person ON consents (tenant_id, person_id, recorded_at DESC);

CREATE TABLE lead_notes (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    lead_id BLOB NOT NULL,
    author_id BLOB,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX lead_notes_lead ON lead_notes (tenant_id, lead_id, created_at DESC);

CREATE TABLE lead_events (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    lead_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    detail TEXT,
    user_id BLOB,
    at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX lead_events_lead ON lead_events (tenant_id, lead_id, at DESC);
CREATE INDEX people_search ON people (tenant_id, search_text);
