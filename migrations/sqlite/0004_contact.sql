-- Calls, contact rules and video meetings (issue 6), SQLite. Same
-- conventions as 0001–0003: tenant_id leads every key; UUIDs as BLOBs;
-- times RFC 3339 UTC TEXT; local clock times as 'HH:MM' TEXT.

-- The tenant's contact policy (one row per tenant; absent = defaults).
CREATE TABLE contact_policies (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    -- IANA zone of the tenant's days and hours
    time_zone TEXT NOT NULL,
    quiet_start TEXT,
    quiet_end TEXT,
    daily_cap INTEGER CHECK (daily_cap IS NULL OR daily_cap > 0),
    -- hours within which a new lead should be called (the "to call" queue)
    lead_sla_hours INTEGER CHECK (lead_sla_hours IS NULL OR lead_sla_hours > 0),
    -- Jitsi server: a host (meet.jit.si) or an http(s) base URL
    meeting_domain TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by BLOB,
    PRIMARY KEY (tenant_id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

-- Numbers (E.164) that must never be called or texted.
CREATE TABLE do_not_call (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    phone_e164 TEXT NOT NULL,
    reason TEXT,
    added_by BLOB,
    added_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, phone_e164),
    FOREIGN KEY (tenant_id, added_by) REFERENCES users (tenant_id, id)
);

-- A stage's playbook: allowed channels (JSON array), attempts per day,
-- SLA hours, quiet hours.
CREATE TABLE stage_playbooks (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    stage_id BLOB NOT NULL,
    allowed_channels TEXT NOT NULL DEFAULT '[]',
    max_attempts_per_day INTEGER CHECK (max_attempts_per_day IS NULL OR max_attempts_per_day > 0),
    sla_hours INTEGER CHECK (sla_hours IS NULL OR sla_hours > 0),
    quiet_start TEXT,
    quiet_end TEXT,
    PRIMARY KEY (tenant_id, stage_id),
    FOREIGN KEY (tenant_id, stage_id) REFERENCES pipeline_stages (tenant_id, id)
);

-- A campaign's contact cadence.
CREATE TABLE campaign_cadences (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    campaign_id BLOB NOT NULL,
    min_hours_between INTEGER CHECK (min_hours_between IS NULL OR min_hours_between > 0),
    max_per_week INTEGER CHECK (max_per_week IS NULL OR max_per_week > 0),
    PRIMARY KEY (tenant_id, campaign_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id)
);

-- A person's contact preferences beside their consents.
CREATE TABLE contact_preferences (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    person_id BLOB NOT NULL,
    do_not_contact INTEGER NOT NULL DEFAULT 0,
    blocked_channels TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL,
    updated_by BLOB,
    PRIMARY KEY (tenant_id, person_id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

-- Per-user settings: how the call button dials.
CREATE TABLE user_settings (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    user_id BLOB NOT NULL,
    dial_scheme TEXT NOT NULL DEFAULT 'tel' CHECK (dial_scheme IN ('tel', 'sip', 'callto')),
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

-- Every contact with a person: calls (out and in), meetings, messages.
CREATE TABLE interactions (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    entity_id BLOB NOT NULL,
    person_id BLOB,
    channel TEXT NOT NULL CHECK (channel IN ('call', 'sms', 'email', 'whatsapp', 'meeting')),
    direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    purpose TEXT NOT NULL CHECK (purpose IN ('service', 'marketing')),
    -- NULL while the call's outcome is not recorded yet
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('reached', 'no_answer', 'busy', 'wrong_number', 'call_back')),
    phone_e164 TEXT,
    campaign_id BLOB,
    started_at TEXT NOT NULL,
    duration_seconds INTEGER CHECK (duration_seconds IS NULL OR duration_seconds >= 0),
    note TEXT,
    user_id BLOB NOT NULL,
    -- a contact rule refused and a manager overrode it
    override_code TEXT,
    override_reason TEXT,
    recorded_at TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    CHECK (override_code IS NULL OR override_reason IS NOT NULL)
);
CREATE INDEX interactions_entity ON interactions (tenant_id, entity_id, started_at);
CREATE INDEX interactions_person ON interactions (tenant_id, person_id, started_at) WHERE person_id IS NOT NULL;
CREATE INDEX interactions_pending ON interactions (tenant_id, user_id, started_at) WHERE outcome IS NULL AND channel = 'call';

-- Call-backs and other follow-ups, due at a time, for a user.
CREATE TABLE reminders (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    entity_id BLOB NOT NULL,
    person_id BLOB,
    interaction_id BLOB,
    due_at TEXT NOT NULL,
    user_id BLOB NOT NULL,
    note TEXT,
    done_at TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, interaction_id) REFERENCES interactions (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX reminders_due ON reminders (tenant_id, due_at) WHERE done_at IS NULL;
CREATE INDEX reminders_entity ON reminders (tenant_id, entity_id);

-- Video meetings (Jitsi): scheduled → in_progress → ended | cancelled.
CREATE TABLE meetings (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    entity_id BLOB NOT NULL,
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    -- 128 random bits: the room cannot be guessed
    room TEXT NOT NULL,
    domain TEXT NOT NULL,
    customer_email TEXT,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'ended', 'cancelled')),
    started_at TEXT,
    ended_at TEXT,
    note_id BLOB,
    cancel_reason TEXT,
    created_by BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, room),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    CHECK (status <> 'ended' OR (started_at IS NOT NULL AND ended_at IS NOT NULL))
);
CREATE INDEX meetings_start ON meetings (tenant_id, starts_at);
CREATE INDEX meetings_entity ON meetings (tenant_id, entity_id);

CREATE TABLE meeting_participants (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    meeting_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    PRIMARY KEY (tenant_id, meeting_id, user_id),
    FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
