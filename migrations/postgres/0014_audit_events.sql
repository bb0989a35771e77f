-- The audit trail (issue 15): who did what with the shop's data, and when.
-- Exports first (which list, in which format, how many rows, with which
-- filters); the GDPR requests will join them. Append-only: a row is never
-- changed or deleted (on a chain server logins may only insert their own
-- rows and admins read them: row_security.sql). No customer's personal
-- data goes in `detail`.
CREATE TABLE audit_events (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    at timestamptz NOT NULL,
    user_id uuid,
    action text NOT NULL,
    subject text NOT NULL,
    detail text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX audit_events_at ON audit_events (tenant_id, at DESC);
