-- Consents per purpose and per channel (issue 15): a decision may name the
-- channel it is about (call, sms, email, whatsapp; NULL: every channel),
-- where it was taken (the store at the counter, an import, a web form, a
-- phone call, an objection under GDPR art. 21) and in which store. The
-- consent texts shown, by version and language, are kept (admins write a
-- new version; old ones stay for the decisions that point at them). A
-- do-not-call entry may be for marketing only (an objection), so that the
-- person can still be called about their own contract.
ALTER TABLE consents ADD COLUMN channel text CHECK (channel IS NULL OR channel IN ('call', 'sms', 'email', 'whatsapp'));
ALTER TABLE consents ADD COLUMN source text NOT NULL DEFAULT 'store'
    CHECK (source IN ('store', 'import', 'web_form', 'phone', 'objection'));
ALTER TABLE consents ADD COLUMN store_id uuid;
CREATE TABLE consent_texts (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    version text NOT NULL,
    language text NOT NULL CHECK (language IN ('it', 'en')),
    body text NOT NULL,
    created_by uuid,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, version, language),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
ALTER TABLE do_not_call ADD COLUMN marketing_only boolean NOT NULL DEFAULT false;
