-- The audit trail (issue 15): who did what with the shop's data, and when.
-- Exports first (which list, in which format, how many rows, with which
-- filters); the GDPR requests will join them. Append-only: a row is never
-- changed or deleted. No customer's personal data goes in `detail`.
CREATE TABLE audit_events (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    at TEXT NOT NULL,
    user_id BLOB,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX audit_events_at ON audit_events (tenant_id, at DESC);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
