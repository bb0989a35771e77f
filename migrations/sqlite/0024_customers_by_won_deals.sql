-- A person or company is a customer while one of their deals is won
-- (winning makes them one; from this version, reopening the last won deal
-- makes them one no more). Those left customers by a deal reopened before
-- this version, with no won deal now, are customers no more. Their version
-- (`updated_at`) is left alone: nothing a person typed changed.
UPDATE people SET is_customer = FALSE
 WHERE is_customer
   AND NOT EXISTS (SELECT 1 FROM deals d
                    WHERE d.tenant_id = people.tenant_id AND d.person_id = people.id
                      AND d.status = 'won');
UPDATE companies SET is_customer = FALSE
 WHERE is_customer
   AND NOT EXISTS (SELECT 1 FROM deals d
                    WHERE d.tenant_id = companies.tenant_id AND d.company_id = companies.id
                      AND d.status = 'won');
