-- A person's address, birth date and preferences (issue 15): street,
-- postal code and province beside the city and country already kept; the
-- date of birth as a calendar day; the language (ISO 639-1) and the
-- channel (call, sms, email, whatsapp) they prefer.
ALTER TABLE people ADD COLUMN address text;
ALTER TABLE people ADD COLUMN postal_code text;
ALTER TABLE people ADD COLUMN province text;
ALTER TABLE people ADD COLUMN birth_date date;
ALTER TABLE people ADD COLUMN preferred_language text;
ALTER TABLE people ADD COLUMN preferred_channel text
    CHECK (preferred_channel IN ('call', 'sms', 'email', 'whatsapp'));

-- The birthday greeting is a new kind of automation.
ALTER TABLE automation_rules DROP CONSTRAINT automation_rules_kind_check;
ALTER TABLE automation_rules ADD CONSTRAINT automation_rules_kind_check
    CHECK (kind IN ('welcome_call', 'renewal_reminder', 're_engagement', 'birthday_greeting'));
