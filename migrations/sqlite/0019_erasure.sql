-- Erasure (GDPR art. 17, issue 15): a person whose data was erased keeps
-- their row, anonymised, so that the leads, deals and contracts that point
-- at it still count in the KPIs; `erased_at` says when, and the card shows
-- it instead of a name.
ALTER TABLE people ADD COLUMN erased_at TEXT;

-- Retention (issue 15): people whose leads were never converted and who
-- were not touched for this many months are erased by the daily job
-- (0: never); when it last ran, so that one desk a day runs it.
ALTER TABLE tenants ADD COLUMN lead_retention_months INTEGER NOT NULL DEFAULT 24;
ALTER TABLE tenants ADD COLUMN retention_run_at TEXT;
