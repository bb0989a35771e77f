-- An open deal may have no customer yet (imported from a CRM export
-- before its account existed): the deals table loses its
-- "person or company" CHECK (named by Postgres, so found by its text).
DO $$
DECLARE c text;
BEGIN
    SELECT conname INTO c FROM pg_constraint
     WHERE conrelid = 'deals'::regclass AND contype = 'c'
       AND pg_get_constraintdef(oid) LIKE '%person_id IS NOT NULL%company_id IS NOT NULL%';
    IF c IS NOT NULL THEN
        EXECUTE format('ALTER TABLE deals DROP CONSTRAINT %I', c);
    END IF;
END $$;
