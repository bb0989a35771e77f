-- Live refresh between desks (Postgres' 0009 adds NOTIFY triggers). On
-- SQLite nothing is stored for it: a desk sees another connection's commit
-- in `PRAGMA data_version` (store::changes), so this migration only keeps
-- the two numberings in step.
SELECT 1;
