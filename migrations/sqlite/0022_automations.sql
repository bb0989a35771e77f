-- Automations (issue 15, seed 002): rules that create work for people —
-- a call or a task for the owner — never messages sent behind anyone's
-- back. One rule per kind and tenant: when (days), for whom (segment,
-- pipeline, store), active or not; each run is kept with what it made.
-- The tasks carry `source_key` `auto:<kind>:<target>`, so a second run
-- makes nothing twice.
CREATE TABLE automation_rules (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL CHECK (kind IN ('welcome_call', 'renewal_reminder', 're_engagement')),
    active INTEGER NOT NULL DEFAULT 1,
    days INTEGER NOT NULL,
    segment TEXT,
    pipeline_id BLOB,
    store_id BLOB,
    PRIMARY KEY (tenant_id, kind)
);
CREATE TABLE automation_runs (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    created INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    user_id BLOB,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX automation_runs_at ON automation_runs (tenant_id, at DESC);
