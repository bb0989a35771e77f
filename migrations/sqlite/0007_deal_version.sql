-- Optimistic concurrency for deals: every write bumps `version`, and a
-- write based on an older version is refused (two desks saving, or winning
-- and losing, the same deal at once).
ALTER TABLE deals ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
