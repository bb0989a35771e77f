-- no-transaction
-- An open deal may have no customer yet (imported from a CRM export
-- before its account existed): the deals table loses its
-- "person or company" CHECK. SQLite cannot drop a constraint, so the
-- table is rebuilt as its documentation prescribes (foreign keys off,
-- new table, copy, drop, rename, indexes, check). sqlx runs a migration
-- in its own transaction, where the foreign_keys pragma is ignored, hence
-- no-transaction.
PRAGMA foreign_keys = OFF;
CREATE TABLE deals_new (
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
    custom TEXT NOT NULL DEFAULT '{}',
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
    CHECK (status <> 'lost' OR lost_reason_id IS NOT NULL),
    CHECK (status = 'open' OR closed_at IS NOT NULL)
);
INSERT INTO deals_new SELECT * FROM deals;
DROP TABLE deals;
ALTER TABLE deals_new RENAME TO deals;
CREATE INDEX deals_board ON deals (tenant_id, pipeline_id, status, stage_id, stage_entered_at);
CREATE INDEX deals_closed ON deals (tenant_id, status, closed_at, pipeline_id, owner_id, store_id, campaign_id, value_minor, created_at);
CREATE INDEX deals_created ON deals (tenant_id, created_at, owner_id, store_id);
CREATE INDEX deals_campaign ON deals (tenant_id, campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX deals_lead ON deals (tenant_id, lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX deals_person ON deals (tenant_id, person_id) WHERE person_id IS NOT NULL;
CREATE INDEX deals_company ON deals (tenant_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX deals_external_ref ON deals (tenant_id, external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX deals_rule_owner ON deals (tenant_id, rule_id, owner_id, created_at) WHERE rule_id IS NOT NULL;
PRAGMA foreign_key_check;
PRAGMA foreign_keys = ON;
