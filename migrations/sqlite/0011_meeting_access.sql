-- How the tenant's meeting server admits people (issue 19): open, a
-- self-hosted Jitsi with tokens (shared secret or key pair), or JaaS;
-- the ids its tokens name; the customer's way in. The secret or private
-- key is never stored here: each desk that hosts meetings keeps it in its
-- OS keychain.
ALTER TABLE contact_policies ADD COLUMN meeting_auth TEXT NOT NULL DEFAULT 'open'
    CHECK (meeting_auth IN ('open', 'shared_secret', 'key_pair', 'jaas'));
ALTER TABLE contact_policies ADD COLUMN meeting_app_id TEXT NOT NULL DEFAULT '';
ALTER TABLE contact_policies ADD COLUMN meeting_key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE contact_policies ADD COLUMN meeting_guests TEXT NOT NULL DEFAULT 'lobby'
    CHECK (meeting_guests IN ('token', 'lobby'));
