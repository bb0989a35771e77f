-- Erasure (GDPR art. 17, issue 15): a person whose data was erased keeps
-- their row, anonymised, so that the leads, deals and contracts that point
-- at it still count in the KPIs; `erased_at` says when, and the card shows
-- it instead of a name.
ALTER TABLE people ADD COLUMN erased_at TEXT;
