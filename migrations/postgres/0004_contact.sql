-- Calls, contact rules and video meetings (issue 6), PostgreSQL. Same
-- conventions as 0001–0003: tenant_id leads every key; uuid; timestamptz;
-- local clock times as 'HH:MM' text.

-- The tenant's contact policy (one row per tenant; absent = defaults).
CREATE TABLE contact_policies (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    -- IANA zone of the tenant's days and hours
    time_zone text NOT NULL,
    quiet_start text,
    quiet_end text,
    daily_cap bigint CHECK (daily_cap IS NULL OR daily_cap > 0),
    -- hours within which a new lead should be called (the "to call" queue)
    lead_sla_hours bigint CHECK (lead_sla_hours IS NULL OR lead_sla_hours > 0),
    -- Jitsi server: a host (meet.jit.si) or an http(s) base URL
    meeting_domain text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by uuid,
    PRIMARY KEY (tenant_id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

-- Numbers (E.164) that must never be called or texted.
CREATE TABLE do_not_call (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    phone_e164 text NOT NULL,
    reason text,
    added_by uuid,
    added_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, phone_e164),
    FOREIGN KEY (tenant_id, added_by) REFERENCES users (tenant_id, id)
);

-- A stage's playbook: allowed channels (JSON array), attempts per day,
-- SLA hours, quiet hours.
CREATE TABLE stage_playbooks (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    stage_id uuid NOT NULL,
    allowed_channels text NOT NULL DEFAULT '[]',
    max_attempts_per_day bigint CHECK (max_attempts_per_day IS NULL OR max_attempts_per_day > 0),
    sla_hours bigint CHECK (sla_hours IS NULL OR sla_hours > 0),
    quiet_start text,
    quiet_end text,
    PRIMARY KEY (tenant_id, stage_id),
    FOREIGN KEY (tenant_id, stage_id) REFERENCES pipeline_stages (tenant_id, id)
);

-- A campaign's contact cadence.
CREATE TABLE campaign_cadences (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    campaign_id uuid NOT NULL,
    min_hours_between bigint CHECK (min_hours_between IS NULL OR min_hours_between > 0),
    max_per_week bigint CHECK (max_per_week IS NULL OR max_per_week > 0),
    PRIMARY KEY (tenant_id, campaign_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id)
);

-- A person's contact preferences beside their consents.
CREATE TABLE contact_preferences (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    person_id uuid NOT NULL,
    do_not_contact boolean NOT NULL DEFAULT false,
    blocked_channels text NOT NULL DEFAULT '[]',
    updated_at timestamptz NOT NULL,
    updated_by uuid,
    PRIMARY KEY (tenant_id, person_id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

-- Per-user settings: how the call button dials.
CREATE TABLE user_settings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    user_id uuid NOT NULL,
    dial_scheme text NOT NULL DEFAULT 'tel' CHECK (dial_scheme IN ('tel', 'sip', 'callto')),
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

-- Every contact with a person: calls (out and in), meetings, messages.
CREATE TABLE interactions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    entity_type text NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    entity_id uuid NOT NULL,
    person_id uuid,
    channel text NOT NULL CHECK (channel IN ('call', 'sms', 'email', 'whatsapp', 'meeting')),
    direction text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    purpose text NOT NULL CHECK (purpose IN ('service', 'marketing')),
    -- NULL while the call's outcome is not recorded yet
    outcome text CHECK (outcome IS NULL OR outcome IN ('reached', 'no_answer', 'busy', 'wrong_number', 'call_back')),
    phone_e164 text,
    campaign_id uuid,
    started_at timestamptz NOT NULL,
    duration_seconds bigint CHECK (duration_seconds IS NULL OR duration_seconds >= 0),
    note text,
    user_id uuid NOT NULL,
    -- a contact rule refused and a manager overrode it
    override_code text,
    override_reason text,
    recorded_at timestamptz,
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
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    entity_type text NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    entity_id uuid NOT NULL,
    person_id uuid,
    interaction_id uuid,
    due_at timestamptz NOT NULL,
    user_id uuid NOT NULL,
    note text,
    done_at timestamptz,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, interaction_id) REFERENCES interactions (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX reminders_due ON reminders (tenant_id, due_at) WHERE done_at IS NULL;
CREATE INDEX reminders_entity ON reminders (tenant_id, entity_id);

-- Video meetings (Jitsi): scheduled → in_progress → ended | cancelled.
CREATE TABLE meetings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    entity_type text NOT NULL CHECK (entity_type IN ('person', 'company', 'lead', 'deal')),
    entity_id uuid NOT NULL,
    title text NOT NULL,
    starts_at timestamptz NOT NULL,
    duration_minutes bigint NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    -- 128 random bits: the room cannot be guessed
    room text NOT NULL,
    domain text NOT NULL,
    customer_email text,
    status text NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'ended', 'cancelled')),
    started_at timestamptz,
    ended_at timestamptz,
    note_id uuid,
    cancel_reason text,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, room),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    CHECK (status <> 'ended' OR (started_at IS NOT NULL AND ended_at IS NOT NULL))
);
CREATE INDEX meetings_start ON meetings (tenant_id, starts_at);
CREATE INDEX meetings_entity ON meetings (tenant_id, entity_id);

CREATE TABLE meeting_participants (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    meeting_id uuid NOT NULL,
    user_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, meeting_id, user_id),
    FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
