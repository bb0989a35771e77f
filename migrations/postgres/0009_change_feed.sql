-- Live refresh between desks: a write to what desks keep on screen (leads,
-- deals, people, companies, calls, reminders, meetings, notes) notifies
-- the tenant's channel `banco_<tenant id without dashes>` with the table's
-- name. NOTIFY is delivered at commit and folds identical payloads of one
-- transaction into one, so a large import is one notification per table.
-- Only the table's name travels; every desk then re-reads what it shows,
-- within its own row security.
CREATE FUNCTION banco_notify_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    tenant uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN
        tenant := OLD.tenant_id;
    ELSE
        tenant := NEW.tenant_id;
    END IF;
    PERFORM pg_catalog.pg_notify('banco_' || pg_catalog.replace(tenant::text, '-', ''), TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER banco_changes AFTER INSERT OR UPDATE OR DELETE ON leads
    FOR EACH ROW EXECUTE FUNCTION banco_notify_change();
CREATE TRIGGER banco_changes AFTER INSERT OR UPDATE OR DELETE ON deals
    FOR EACH ROW EXECUTE FUNCTION banco_notify_change();
CREATE TRIGGER banco_changes AFTER INSERT OR UPDATE OR DELETE ON people
    FOR EACH ROW EXECUTE FUNCTION banco_notify_change();
CREATE TRIGGER banco_changes AFTER INSERT OR UPDATE OR DELETE ON companies
    FOR EACH ROW EXECUTE FUNCTION banco_notify_change();
CREATE TRIGGER banco_changes AFTER INSERT OR UPDATE OR DELETE ON interactions
    FOR EACH ROW EXECUTE FUNCTION banco_notify_change();
CREATE TRIGGER banco_changes AFTER INSERT OR UPDATE OR DELETE ON reminders
    FOR EACH ROW EXECUTE FUNCTION banco_notify_change();
CREATE TRIGGER banco_changes AFTER INSERT OR UPDATE OR DELETE ON meetings
    FOR EACH ROW EXECUTE FUNCTION banco_notify_change();
CREATE TRIGGER banco_changes AFTER INSERT OR UPDATE OR DELETE ON notes
    FOR EACH ROW EXECUTE FUNCTION banco_notify_change();
