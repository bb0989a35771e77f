-- Deals, pipelines, campaigns, conversion rules and customer contracts (Postgres).
-- Same conventions as 0001: tenant_id leads every key; uuid ids; timestamptz
-- times; date columns; money as bigint minor
-- units in the tenant's currency (ISO 4217, tenants.currency).

ALTER TABLE tenants ADD COLUMN currency text NOT NULL DEFAULT 'EUR';
ALTER TABLE leads ADD COLUMN utm_term text;
ALTER TABLE leads ADD COLUMN utm_content text;

CREATE TABLE pipelines (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    position integer NOT NULL,
    archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE pipeline_stages (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    pipeline_id uuid NOT NULL,
    name text NOT NULL,
    position integer NOT NULL,
    probability integer NOT NULL CHECK (probability BETWEEN 0 AND 100),
    archived boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, pipeline_id) REFERENCES pipelines (tenant_id, id)
);
CREATE INDEX pipeline_stages_pipeline ON pipeline_stages (tenant_id, pipeline_id, position);

CREATE TABLE lost_reasons (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    label text NOT NULL,
    position integer NOT NULL,
    archived boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, label)
);

-- The minimal company record deals need (accounts); issue 5 extends it.
CREATE TABLE companies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    -- accent-folded lower-case name, for matching on import
    name_key text NOT NULL,
    is_customer boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX companies_name_key ON companies (tenant_id, name_key);

CREATE TABLE campaigns (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    channel text NOT NULL,
    starts_on date,
    ends_on date,
    cost_minor bigint NOT NULL DEFAULT 0 CHECK (cost_minor >= 0),
    utm_source text,
    utm_medium text,
    utm_campaign text,
    default_pipeline_id uuid,
    archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, default_pipeline_id) REFERENCES pipelines (tenant_id, id)
);

CREATE TABLE campaign_pipelines (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    campaign_id uuid NOT NULL,
    pipeline_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, campaign_id, pipeline_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id),
    FOREIGN KEY (tenant_id, pipeline_id) REFERENCES pipelines (tenant_id, id)
);

ALTER TABLE leads ADD FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id);
CREATE INDEX leads_created_by_group ON leads (tenant_id, created_at, owner_id, store_id);
CREATE INDEX leads_campaign ON leads (tenant_id, campaign_id, created_at) WHERE campaign_id IS NOT NULL;

-- Every marketing touch of a lead, oldest first: the first row is the first
-- touch, the newest the last touch.
CREATE TABLE lead_attributions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    lead_id uuid NOT NULL,
    campaign_id uuid,
    source_channel text NOT NULL,
    utm_source text,
    utm_medium text,
    utm_campaign text,
    utm_term text,
    utm_content text,
    at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id)
);
CREATE INDEX lead_attributions_lead ON lead_attributions (tenant_id, lead_id, at);

CREATE TABLE conversion_rules (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL,
    position integer NOT NULL,
    active boolean NOT NULL DEFAULT true,
    trigger_on text NOT NULL CHECK (trigger_on IN ('captured', 'qualified')),
    source_channel text,
    campaign_id uuid,
    interest text,
    store_id uuid,
    required_consent text,
    pipeline_id uuid NOT NULL,
    owner_mode text NOT NULL CHECK (owner_mode IN ('lead_owner', 'round_robin', 'user')),
    owner_user_id uuid,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, pipeline_id) REFERENCES pipelines (tenant_id, id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_user_id) REFERENCES users (tenant_id, id),
    CHECK (owner_mode <> 'user' OR owner_user_id IS NOT NULL)
);

CREATE TABLE deals (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    pipeline_id uuid NOT NULL,
    stage_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    title text NOT NULL,
    person_id uuid,
    company_id uuid,
    lead_id uuid,
    owner_id uuid,
    store_id uuid,
    campaign_id uuid,
    source_channel text NOT NULL,
    utm_source text,
    utm_medium text,
    utm_campaign text,
    utm_term text,
    utm_content text,
    currency text NOT NULL,
    one_off_minor bigint NOT NULL DEFAULT 0,
    monthly_minor bigint NOT NULL DEFAULT 0,
    contract_months integer NOT NULL DEFAULT 24 CHECK (contract_months BETWEEN 0 AND 120),
    -- one_off + monthly × contract_months, kept in step by the store
    value_minor bigint NOT NULL DEFAULT 0,
    probability integer NOT NULL CHECK (probability BETWEEN 0 AND 100),
    probability_overridden boolean NOT NULL DEFAULT false,
    expected_close date,
    closed_at timestamptz,
    lost_reason_id uuid,
    lost_note text,
    external_ref text,
    rule_id uuid,
    -- accent-folded lower-case title, person and company names (list search)
    search_text text NOT NULL,
    stage_entered_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    created_by uuid,
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
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    deal_id uuid NOT NULL,
    position integer NOT NULL,
    product text NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    one_off_minor bigint NOT NULL CHECK (one_off_minor >= 0),
    monthly_minor bigint NOT NULL CHECK (monthly_minor >= 0),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id)
);
CREATE INDEX deal_lines_deal ON deal_lines (tenant_id, deal_id, position);

-- A deal's timeline; rows with a to_stage_id are its stage history (the
-- creation row enters the first stage), which drives velocity.
CREATE TABLE deal_events (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    deal_id uuid NOT NULL,
    kind text NOT NULL,
    from_stage_id uuid,
    to_stage_id uuid,
    detail text,
    user_id uuid,
    at timestamptz NOT NULL,
    -- for rows that enter a stage: when the deal left it (next move, win,
    -- loss); set by the store when that next entry is written
    left_at timestamptz,
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
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    deal_id uuid NOT NULL,
    person_id uuid,
    company_id uuid,
    offer text NOT NULL,
    start_date date NOT NULL,
    one_off_minor bigint NOT NULL,
    monthly_minor bigint NOT NULL,
    currency text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, deal_id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id)
);
CREATE INDEX contracts_person ON contracts (tenant_id, person_id) WHERE person_id IS NOT NULL;
