-- Deals, pipelines, campaigns, conversion rules and customer contracts (SQLite).
-- Same conventions as 0001: tenant_id leads every key; UUIDs as BLOBs; times
-- as RFC 3339 UTC TEXT; dates as YYYY-MM-DD TEXT; money as INTEGER minor
-- units in the tenant's currency (ISO 4217, tenants.currency).

ALTER TABLE tenants ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';
ALTER TABLE leads ADD COLUMN utm_term TEXT;
ALTER TABLE leads ADD COLUMN utm_content TEXT;

CREATE TABLE pipelines (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE pipeline_stages (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    pipeline_id BLOB NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    archived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, pipeline_id) REFERENCES pipelines (tenant_id, id)
);
CREATE INDEX pipeline_stages_pipeline ON pipeline_stages (tenant_id, pipeline_id, position);

CREATE TABLE lost_reasons (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    label TEXT NOT NULL,
    position INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, label)
);

-- The minimal company record deals need (accounts); issue 5 extends it.
CREATE TABLE companies (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    -- accent-folded lower-case name, for matching on import
    name_key TEXT NOT NULL,
    is_customer INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX companies_name_key ON companies (tenant_id, name_key);

CREATE TABLE campaigns (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    channel TEXT NOT NULL,
    starts_on TEXT,
    ends_on TEXT,
    cost_minor INTEGER NOT NULL DEFAULT 0 CHECK (cost_minor >= 0),
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    default_pipeline_id BLOB,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, default_pipeline_id) REFERENCES pipelines (tenant_id, id)
);

CREATE TABLE campaign_pipelines (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    campaign_id BLOB NOT NULL,
    pipeline_id BLOB NOT NULL,
    PRIMARY KEY (tenant_id, campaign_id, pipeline_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id),
    FOREIGN KEY (tenant_id, pipeline_id) REFERENCES pipelines (tenant_id, id)
);

CREATE INDEX leads_created_by_group ON leads (tenant_id, created_at, owner_id, store_id);
CREATE INDEX leads_campaign ON leads (tenant_id, campaign_id, created_at) WHERE campaign_id IS NOT NULL;

-- Every marketing touch of a lead, oldest first: the first row is the first
-- touch, the newest the last touch.
CREATE TABLE lead_attributions (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    lead_id BLOB NOT NULL,
    campaign_id BLOB,
    source_channel TEXT NOT NULL,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    utm_term TEXT,
    utm_content TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id)
);
CREATE INDEX lead_attributions_lead ON lead_attributions (tenant_id, lead_id, at);

CREATE TABLE conversion_rules (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    trigger_on TEXT NOT NULL CHECK (trigger_on IN ('captured', 'qualified')),
    source_channel TEXT,
    campaign_id BLOB,
    interest TEXT,
    store_id BLOB,
    required_consent TEXT,
    pipeline_id BLOB NOT NULL,
    owner_mode TEXT NOT NULL CHECK (owner_mode IN ('lead_owner', 'round_robin', 'user')),
    owner_user_id BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, pipeline_id) REFERENCES pipelines (tenant_id, id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_user_id) REFERENCES users (tenant_id, id),
    CHECK (owner_mode <> 'user' OR owner_user_id IS NOT NULL)
);

CREATE TABLE deals (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    pipeline_id BLOB NOT NULL,
    stage_id BLOB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    title TEXT NOT NULL,
    person_id BLOB,
    company_id BLOB,
    lead_id BLOB,
    owner_id BLOB,
    store_id BLOB,
    campaign_id BLOB,
    source_channel TEXT NOT NULL,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    utm_term TEXT,
    utm_content TEXT,
    currency TEXT NOT NULL,
    one_off_minor INTEGER NOT NULL DEFAULT 0,
    monthly_minor INTEGER NOT NULL DEFAULT 0,
    contract_months INTEGER NOT NULL DEFAULT 24 CHECK (contract_months BETWEEN 0 AND 120),
    -- one_off + monthly × contract_months, kept in step by the store
    value_minor INTEGER NOT NULL DEFAULT 0,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    probability_overridden INTEGER NOT NULL DEFAULT 0,
    expected_close TEXT,
    closed_at TEXT,
    lost_reason_id BLOB,
    lost_note TEXT,
    external_ref TEXT,
    rule_id BLOB,
    -- accent-folded lower-case title, person and company names (list search)
    search_text TEXT NOT NULL,
    stage_entered_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by BLOB,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, pipeline_id) REFERENCES pipelines (tenant_id, id),
    FOREIGN KEY (tenant_id, stage_id) REFERENCES pipeline_stages (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id),
    FOREIGN KEY (tenant_id, lost_reason_id) REFERENCES lost_reasons (tenant_id, id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES conversion_rules (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    CHECK (person_id IS NOT NULL OR company_id IS NOT NULL),
    CHECK (status <> 'lost' OR lost_reason_id IS NOT NULL),
    CHECK (status = 'open' OR closed_at IS NOT NULL)
);
CREATE INDEX deals_board ON deals (tenant_id, pipeline_id, status, stage_id, stage_entered_at);
-- Covering indexes for the KPIs: every closed-in-range and opened-in-range
-- aggregate reads only the index, whatever the range.
CREATE INDEX deals_closed ON deals (tenant_id, status, closed_at, pipeline_id, owner_id, store_id, campaign_id, value_minor, created_at);
CREATE INDEX deals_created ON deals (tenant_id, created_at, owner_id, store_id);
CREATE INDEX deals_campaign ON deals (tenant_id, campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX deals_lead ON deals (tenant_id, lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX deals_person ON deals (tenant_id, person_id) WHERE person_id IS NOT NULL;
CREATE INDEX deals_company ON deals (tenant_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX deals_external_ref ON deals (tenant_id, external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX deals_rule_owner ON deals (tenant_id, rule_id, owner_id, created_at) WHERE rule_id IS NOT NULL;

CREATE TABLE deal_lines (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    deal_id BLOB NOT NULL,
    position INTEGER NOT NULL,
    product TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    one_off_minor INTEGER NOT NULL CHECK (one_off_minor >= 0),
    monthly_minor INTEGER NOT NULL CHECK (monthly_minor >= 0),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id)
);
CREATE INDEX deal_lines_deal ON deal_lines (tenant_id, deal_id, position);

-- A deal's timeline; rows with a to_stage_id are its stage history (the
-- creation row enters the first stage), which drives velocity.
CREATE TABLE deal_events (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    deal_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    from_stage_id BLOB,
    to_stage_id BLOB,
    detail TEXT,
    user_id BLOB,
    at TEXT NOT NULL,
    -- for rows that enter a stage: when the deal left it (next move, win,
    -- loss); set by the store when that next entry is written
    left_at TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX deal_events_deal ON deal_events (tenant_id, deal_id, at);
-- Stage stays that ended, by when they ended (velocity KPIs).
CREATE INDEX deal_events_stays ON deal_events (tenant_id, left_at, to_stage_id, at) WHERE left_at IS NOT NULL;
-- The open stay of each deal (set left_at on the next move).
CREATE INDEX deal_events_open_stay ON deal_events (tenant_id, deal_id) WHERE left_at IS NULL AND to_stage_id IS NOT NULL;

CREATE TABLE contracts (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    deal_id BLOB NOT NULL,
    person_id BLOB,
    company_id BLOB,
    offer TEXT NOT NULL,
    start_date TEXT NOT NULL,
    one_off_minor INTEGER NOT NULL,
    monthly_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, deal_id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id)
);
CREATE INDEX contracts_person ON contracts (tenant_id, person_id) WHERE person_id IS NOT NULL;
