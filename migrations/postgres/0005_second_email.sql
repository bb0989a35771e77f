-- A second e-mail per person (imports with two e-mail columns, vCards with
-- two addresses); found again like the first one.
ALTER TABLE people ADD COLUMN email_2 text;
CREATE INDEX people_email_2 ON people (tenant_id, email_2) WHERE email_2 IS NOT NULL;
