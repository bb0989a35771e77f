-- Tickets opened from an interaction (issue 16: "a ticket opened from a
-- record, a deal, a contract or an interaction") keep which one, and a
-- deal's page lists the tickets that work it (`deal_id`).
ALTER TABLE tickets ADD COLUMN interaction_id BLOB;
CREATE INDEX tickets_deal ON tickets (tenant_id, deal_id) WHERE deal_id IS NOT NULL;
