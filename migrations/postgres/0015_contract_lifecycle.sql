-- After the sale (issue 16): a contract's lifecycle, term, payment and the
-- identifiers its activation needs, and its history. A contract stays one
-- per won deal; its store and owner are the deal's. The row security of
-- contract_events is its deal's (store/row_security.sql).
ALTER TABLE contracts ADD COLUMN status text NOT NULL DEFAULT 'signed';
ALTER TABLE contracts ADD COLUMN kind text NOT NULL DEFAULT 'other';
ALTER TABLE contracts ADD COLUMN activated_on date;
ALTER TABLE contracts ADD COLUMN ended_on date;
ALTER TABLE contracts ADD COLUMN duration_months integer NOT NULL DEFAULT 24;
-- last day of the current term (NULL: open-ended), kept by the core
ALTER TABLE contracts ADD COLUMN ends_on date;
ALTER TABLE contracts ADD COLUMN tacit_renewal boolean NOT NULL DEFAULT true;
ALTER TABLE contracts ADD COLUMN notice_days integer NOT NULL DEFAULT 30;
ALTER TABLE contracts ADD COLUMN payment_method text;
ALTER TABLE contracts ADD COLUMN iban text;
ALTER TABLE contracts ADD COLUMN pod text;
ALTER TABLE contracts ADD COLUMN pdr text;
ALTER TABLE contracts ADD COLUMN msisdn text;
ALTER TABLE contracts ADD COLUMN iccid text;
ALTER TABLE contracts ADD COLUMN portability boolean NOT NULL DEFAULT false;
ALTER TABLE contracts ADD COLUMN migration_code text;
ALTER TABLE contracts ADD COLUMN status_reason text;
ALTER TABLE contracts ADD COLUMN updated_at timestamptz;

UPDATE contracts c SET duration_months = d.contract_months
  FROM deals d WHERE d.tenant_id = c.tenant_id AND d.id = c.deal_id;
-- Won deals imported from another system's history are running contracts.
UPDATE contracts c SET status = 'active', activated_on = start_date
 WHERE EXISTS (SELECT 1 FROM deal_events e WHERE e.tenant_id = c.tenant_id
                 AND e.deal_id = c.deal_id AND e.kind = 'imported');
UPDATE contracts SET ends_on = (COALESCE(activated_on, start_date) + make_interval(months => duration_months))::date - 1
 WHERE duration_months > 0;

CREATE INDEX contracts_company ON contracts (tenant_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX contracts_status ON contracts (tenant_id, status);
CREATE INDEX contracts_ends_on ON contracts (tenant_id, ends_on) WHERE ends_on IS NOT NULL;

CREATE TABLE contract_events (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    contract_id uuid NOT NULL,
    deal_id uuid NOT NULL,
    kind text NOT NULL,
    from_status text,
    to_status text,
    detail text,
    user_id uuid,
    at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, contract_id) REFERENCES contracts (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX contract_events_contract ON contract_events (tenant_id, contract_id, at);
