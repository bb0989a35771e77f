-- After the sale (issue 16): a contract's lifecycle, term, payment and the
-- identifiers its activation needs, and its history. A contract stays one
-- per won deal; its store and owner are the deal's.
ALTER TABLE contracts ADD COLUMN status TEXT NOT NULL DEFAULT 'signed';
ALTER TABLE contracts ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';
ALTER TABLE contracts ADD COLUMN activated_on TEXT;
ALTER TABLE contracts ADD COLUMN ended_on TEXT;
ALTER TABLE contracts ADD COLUMN duration_months INTEGER NOT NULL DEFAULT 24;
-- last day of the current term (NULL: open-ended), kept by the core
ALTER TABLE contracts ADD COLUMN ends_on TEXT;
ALTER TABLE contracts ADD COLUMN tacit_renewal INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contracts ADD COLUMN notice_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE contracts ADD COLUMN payment_method TEXT;
ALTER TABLE contracts ADD COLUMN iban TEXT;
ALTER TABLE contracts ADD COLUMN pod TEXT;
ALTER TABLE contracts ADD COLUMN pdr TEXT;
ALTER TABLE contracts ADD COLUMN msisdn TEXT;
ALTER TABLE contracts ADD COLUMN iccid TEXT;
ALTER TABLE contracts ADD COLUMN portability INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contracts ADD COLUMN migration_code TEXT;
ALTER TABLE contracts ADD COLUMN status_reason TEXT;
ALTER TABLE contracts ADD COLUMN updated_at TEXT;

UPDATE contracts SET duration_months = (
    SELECT d.contract_months FROM deals d WHERE d.tenant_id = contracts.tenant_id AND d.id = contracts.deal_id);
-- Won deals imported from another system's history are running contracts.
UPDATE contracts SET status = 'active', activated_on = start_date
 WHERE EXISTS (SELECT 1 FROM deal_events e WHERE e.tenant_id = contracts.tenant_id
                 AND e.deal_id = contracts.deal_id AND e.kind = 'imported');
UPDATE contracts SET ends_on = date(COALESCE(activated_on, start_date), '+' || duration_months || ' months', '-1 day')
 WHERE duration_months > 0;

CREATE INDEX contracts_company ON contracts (tenant_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX contracts_status ON contracts (tenant_id, status);
CREATE INDEX contracts_ends_on ON contracts (tenant_id, ends_on) WHERE ends_on IS NOT NULL;

CREATE TABLE contract_events (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    contract_id BLOB NOT NULL,
    deal_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    detail TEXT,
    user_id BLOB,
    at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, contract_id) REFERENCES contracts (tenant_id, id),
    FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX contract_events_contract ON contract_events (tenant_id, contract_id, at);
