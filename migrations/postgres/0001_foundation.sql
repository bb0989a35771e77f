-- Banco foundation schema (Postgres).
-- Every table carries tenant_id, and every primary key, unique constraint and
-- foreign key leads with it, so that tables can later be distributed by
-- tenant_id (Citus) without rewriting keys. Ids are UUID v7 made by the client.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE tenants (
    id uuid PRIMARY KEY,
    tenant_id uuid GENERATED ALWAYS AS (id) STORED,
    name text NOT NULL,
    default_region text NOT NULL DEFAULT 'IT',
    consent_text_version text NOT NULL DEFAULT '2026-01',
    created_at timestamptz NOT NULL
);

CREATE TABLE stores (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    code text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE users (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    display_name text NOT NULL,
    email text,
    role text NOT NULL CHECK (role IN ('staff', 'store_manager', 'admin')),
    store_id uuid,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
);

CREATE TABLE people (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    phone_e164 text,
    phone_2_e164 text,
    phone_raw text,
    email text,
    company_name text,
    city text,
    country text,
    external_ref text,
    is_customer boolean NOT NULL DEFAULT false,
    -- accent-folded, lower-case "first last email phone-digits national-digits"
    search_text text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- Partial: most people have no second phone, and an index full of NULLs
-- makes the planner (SQLite after ANALYZE) scan the table instead.
CREATE INDEX people_phone ON people (tenant_id, phone_e164) WHERE phone_e164 IS NOT NULL;
CREATE INDEX people_phone_2 ON people (tenant_id, phone_2_e164) WHERE phone_2_e164 IS NOT NULL;
CREATE INDEX people_email ON people (tenant_id, email) WHERE email IS NOT NULL;
CREATE INDEX people_search_trgm ON people USING gin (search_text gin_trgm_ops);

CREATE TABLE leads (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    person_id uuid NOT NULL,
    store_id uuid,
    owner_id uuid,
    status text NOT NULL CHECK (status IN ('new', 'in_progress', 'qualified', 'converted', 'disqualified')),
    disqualify_reason text,
    source_channel text NOT NULL,
    interest text NOT NULL,
    campaign_id uuid,
    utm_source text,
    utm_medium text,
    utm_campaign text,
    note text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    created_by uuid,
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
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    person_id uuid NOT NULL,
    lead_id uuid,
    kind text NOT NULL CHECK (kind IN ('service_contact', 'marketing', 'profiling', 'third_parties')),
    granted boolean NOT NULL,
    text_version text NOT NULL,
    recorded_at timestamptz NOT NULL,
    recorded_by uuid,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id),
    FOREIGN KEY (tenant_id, recorded_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX consents_person ON consents (tenant_id, person_id, recorded_at DESC);

CREATE TABLE lead_notes (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    lead_id uuid NOT NULL,
    author_id uuid,
    body text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX lead_notes_lead ON lead_notes (tenant_id, lead_id, created_at DESC);

CREATE TABLE lead_events (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    lead_id uuid NOT NULL,
    kind text NOT NULL,
    from_status text,
    to_status text,
    detail text,
    user_id uuid,
    at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX lead_events_lead ON lead_events (tenant_id, lead_id, at DESC);
