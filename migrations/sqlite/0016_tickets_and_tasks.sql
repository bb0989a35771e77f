-- After the sale (issue 16, seed 004): workflow templates, commercial
-- kits, tickets with milestones, and tasks for every desk. A task or a
-- ticket hangs on a record (entity_type, entity_id) like a note; a
-- milestone and a kit's deals hang on their ticket.
CREATE TABLE workflow_templates (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    ticket_kind TEXT NOT NULL,
    pipeline_id BLOB,
    milestones TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, pipeline_id) REFERENCES pipelines (tenant_id, id)
);

CREATE TABLE kits (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    services TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE tickets (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    deal_id BLOB,
    contract_id BLOB,
    parent_id BLOB,
    kit_id BLOB,
    template_id BLOB,
    assignee_id BLOB,
    store_id BLOB,
    sla_due_at TEXT NOT NULL,
    created_by BLOB,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id),
    FOREIGN KEY (tenant_id, contract_id) REFERENCES contracts (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, kit_id) REFERENCES kits (tenant_id, id),
    FOREIGN KEY (tenant_id, template_id) REFERENCES workflow_templates (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
);
CREATE INDEX tickets_open ON tickets (tenant_id, status, sla_due_at);
CREATE INDEX tickets_entity ON tickets (tenant_id, entity_id);
-- One child ticket per deal of a parent (a kit's "Create child tickets").
CREATE UNIQUE INDEX tickets_child_deal ON tickets (tenant_id, parent_id, deal_id)
    WHERE parent_id IS NOT NULL AND deal_id IS NOT NULL;

CREATE TABLE ticket_milestones (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    ticket_id BLOB NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    closed_at TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id)
);
CREATE INDEX ticket_milestones_ticket ON ticket_milestones (tenant_id, ticket_id, position);

-- The deals a parent ticket's kit generated, one per service.
CREATE TABLE kit_deals (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    ticket_id BLOB NOT NULL,
    service_index INTEGER NOT NULL,
    deal_id BLOB NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, service_index),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id)
);

CREATE TABLE tasks (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    due_at TEXT,
    assignee_id BLOB,
    store_id BLOB,
    entity_type TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    ticket_id BLOB,
    milestone_id BLOB,
    -- what made it, for the buttons that must not make it twice
    -- (`milestone:<id>` for a milestone's task on its deal)
    source_key TEXT,
    created_by BLOB,
    created_at TEXT NOT NULL,
    done_at TEXT,
    done_by BLOB,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    FOREIGN KEY (tenant_id, milestone_id) REFERENCES ticket_milestones (tenant_id, id)
);
CREATE UNIQUE INDEX tasks_source ON tasks (tenant_id, source_key) WHERE source_key IS NOT NULL;
CREATE INDEX tasks_assignee ON tasks (tenant_id, assignee_id, status, due_at);
CREATE INDEX tasks_store ON tasks (tenant_id, store_id, status, due_at);
CREATE INDEX tasks_ticket ON tasks (tenant_id, ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX tasks_entity ON tasks (tenant_id, entity_id);

-- The tasks a deal gets when it enters a stage (JSON list of
-- {title, due_days}), set by a manager per stage.
CREATE TABLE stage_tasks (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    stage_id BLOB NOT NULL,
    tasks TEXT NOT NULL,
    PRIMARY KEY (tenant_id, stage_id),
    FOREIGN KEY (tenant_id, stage_id) REFERENCES pipeline_stages (tenant_id, id)
);
