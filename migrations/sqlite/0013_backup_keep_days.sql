-- How many days the shop's backups are kept (issue 14): the daily backup
-- removes older ones, never the newest good one. Store managers and admins
-- change it in Settings; only the embedded database is backed up by Banco.
ALTER TABLE tenants ADD COLUMN backup_keep_days INTEGER NOT NULL DEFAULT 14;
