-- Tickets opened from an interaction (issue 16: "a ticket opened from a
-- record, a deal, a contract or an interaction") keep which one, and a
-- deal's page lists the tickets that work it (`deal_id`). A contract
-- carries a version, so that two back-office desks saving the same
-- contract do not silently overwrite each other. The Customers list
-- counts its companies and people along `contracts_customer`.
ALTER TABLE tickets ADD COLUMN interaction_id BLOB;
CREATE INDEX tickets_deal ON tickets (tenant_id, deal_id) WHERE deal_id IS NOT NULL;
ALTER TABLE contracts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX contracts_customer ON contracts (tenant_id, company_id, person_id);
