-- Automations (issue 15, seed 002): rules that create work for people —
-- a call or a task for the owner — never messages sent behind anyone's
-- back. One rule per kind and tenant: when (days), for whom (segment,
-- pipeline, store), active or not; each run is kept with what it made.
-- The tasks carry `source_key` `auto:<kind>:<target>`, so a second run
-- makes nothing twice.
CREATE TABLE automation_rules (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL CHECK (kind IN ('welcome_call', 'renewal_reminder', 're_engagement')),
    active boolean NOT NULL DEFAULT true,
    days INTEGER NOT NULL,
    segment TEXT,
    pipeline_id uuid,
    store_id uuid,
    PRIMARY KEY (tenant_id, kind)
);
CREATE TABLE automation_runs (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    kind TEXT NOT NULL,
    at timestamptz NOT NULL,
    created bigint NOT NULL,
    skipped bigint NOT NULL,
    user_id uuid,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX automation_runs_at ON automation_runs (tenant_id, at DESC);
