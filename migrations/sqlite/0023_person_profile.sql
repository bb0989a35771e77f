-- A person's address, birth date and preferences (issue 15): street,
-- postal code and province beside the city and country already kept; the
-- date of birth as a calendar day (YYYY-MM-DD); the language (ISO 639-1)
-- and the channel (call, sms, email, whatsapp) they prefer.
ALTER TABLE people ADD COLUMN address TEXT;
ALTER TABLE people ADD COLUMN postal_code TEXT;
ALTER TABLE people ADD COLUMN province TEXT;
ALTER TABLE people ADD COLUMN birth_date TEXT;
ALTER TABLE people ADD COLUMN preferred_language TEXT;
ALTER TABLE people ADD COLUMN preferred_channel TEXT
    CHECK (preferred_channel IN ('call', 'sms', 'email', 'whatsapp'));

-- The birthday greeting is a new kind of automation: SQLite cannot change
-- a CHECK, so the rules' table is rebuilt with the same rows.
CREATE TABLE automation_rules_new (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL CHECK (kind IN ('welcome_call', 'renewal_reminder', 're_engagement', 'birthday_greeting')),
    active INTEGER NOT NULL DEFAULT 1,
    days INTEGER NOT NULL,
    segment TEXT,
    pipeline_id BLOB,
    store_id BLOB,
    PRIMARY KEY (tenant_id, kind)
);
INSERT INTO automation_rules_new (tenant_id, kind, active, days, segment, pipeline_id, store_id)
    SELECT tenant_id, kind, active, days, segment, pipeline_id, store_id FROM automation_rules;
DROP TABLE automation_rules;
ALTER TABLE automation_rules_new RENAME TO automation_rules;
