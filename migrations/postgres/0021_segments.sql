-- Customer segments (seed 002, issue 15): each tenant's thresholds, every
-- customer's segment as the daily classification left it (the lists
-- filter on it), and the count per segment per day (the dashboard's trend).
CREATE TABLE segment_rules (
    tenant_id uuid NOT NULL PRIMARY KEY REFERENCES tenants (id),
    vip_top_percent integer NOT NULL DEFAULT 10,
    vip_period_days integer NOT NULL DEFAULT 365,
    new_days integer NOT NULL DEFAULT 90,
    at_risk_days integer NOT NULL DEFAULT 180,
    dormant_days integer NOT NULL DEFAULT 365,
    computed_at timestamptz
);
CREATE TABLE person_segments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    person_id uuid NOT NULL,
    segment text NOT NULL CHECK (segment IN ('vip', 'regular', 'new', 'at_risk', 'dormant')),
    PRIMARY KEY (tenant_id, person_id)
);
CREATE INDEX person_segments_segment ON person_segments (tenant_id, segment, person_id);
CREATE TABLE segment_counts (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    day date NOT NULL,
    segment text NOT NULL,
    people bigint NOT NULL,
    PRIMARY KEY (tenant_id, day, segment)
);
