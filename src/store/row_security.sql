-- Row security of a chain server (Postgres only), applied by
-- `banco admin migrate` right after the migrations, as the owner role
-- `banco_owner`, in one transaction. It is the desired state, not a
-- migration: every run drops Banco's policies and writes them again, so a
-- table added by a later migration is covered by the next run.
--
-- Who is connected is `session_user` (the login the server authenticated),
-- looked up in `users` by a SECURITY DEFINER function; never a setting,
-- `application_name` or anything else the client can change. `SET ROLE`
-- changes `current_user`, not `session_user`; `SET SESSION AUTHORIZATION`
-- needs a superuser.
--
-- Every table, function and reference below is schema-qualified: a login
-- may not create objects in `public`, and a temporary table of its own
-- cannot shadow one of ours.

-- 1. The lookups: the connected login's tenant, user, role and store.
--    STABLE and without arguments, so a policy calls each once per query
--    as `(SELECT public.banco_tenant())`. PL/pgSQL, not SQL: a SQL
--    function's query is parsed and planned again at every call, while
--    PL/pgSQL keeps its plan for the session, and these run in every
--    policy of every statement (measured: about half of a capture's cost
--    under row security). They carry no `SET search_path`, which would
--    cost every call a configuration save and restore: their bodies name
--    every table schema-qualified, and a caller's own search path can lead
--    to nothing of theirs, since a login may create no schema, no
--    function, no operator, and `pg_temp` is never searched for functions
--    or operators.
CREATE OR REPLACE FUNCTION public.banco_tenant() RETURNS uuid
    LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
    AS $$ BEGIN RETURN (SELECT u.tenant_id FROM public.users u WHERE u.login OPERATOR(pg_catalog.=) session_user::text AND u.active); END $$;

CREATE OR REPLACE FUNCTION public.banco_user() RETURNS uuid
    LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
    AS $$ BEGIN RETURN (SELECT u.id FROM public.users u WHERE u.login OPERATOR(pg_catalog.=) session_user::text AND u.active); END $$;

CREATE OR REPLACE FUNCTION public.banco_role() RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
    AS $$ BEGIN RETURN (SELECT u.role FROM public.users u WHERE u.login OPERATOR(pg_catalog.=) session_user::text AND u.active); END $$;

CREATE OR REPLACE FUNCTION public.banco_store() RETURNS uuid
    LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
    AS $$ BEGIN RETURN (SELECT u.store_id FROM public.users u WHERE u.login OPERATOR(pg_catalog.=) session_user::text AND u.active); END $$;

-- The stores whose leads and deals the login works: an area manager's set
-- (`user_stores`), anyone else's home store.
CREATE OR REPLACE FUNCTION public.banco_stores() RETURNS uuid[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
    AS $$ BEGIN RETURN (SELECT CASE WHEN u.role OPERATOR(pg_catalog.=) 'area_manager'
        THEN ARRAY(SELECT s.store_id FROM public.user_stores s
                    WHERE s.tenant_id OPERATOR(pg_catalog.=) u.tenant_id AND s.user_id OPERATOR(pg_catalog.=) u.id)
        ELSE ARRAY[u.store_id] END
      FROM public.users u WHERE u.login OPERATOR(pg_catalog.=) session_user::text AND u.active); END $$;

-- The stores whose leads and deals the login may read and write, for the
-- store rule of the policies: NULL for an admin (every store of the
-- tenant), an empty array for a login Banco does not know. One lookup where
-- the role and the stores were two, in every policy of every statement.
CREATE OR REPLACE FUNCTION public.banco_scope() RETURNS uuid[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
    AS $$
DECLARE
    scope uuid[];
BEGIN
    SELECT CASE
        WHEN u.role OPERATOR(pg_catalog.=) 'admin' THEN NULL
        WHEN u.role OPERATOR(pg_catalog.=) 'area_manager'
        THEN ARRAY(SELECT s.store_id FROM public.user_stores s
                    WHERE s.tenant_id OPERATOR(pg_catalog.=) u.tenant_id AND s.user_id OPERATOR(pg_catalog.=) u.id
                      AND s.store_id IS NOT NULL)
        ELSE pg_catalog.array_remove(ARRAY[u.store_id], NULL) END
      INTO scope
      FROM public.users u WHERE u.login OPERATOR(pg_catalog.=) session_user::text AND u.active;
    IF NOT FOUND THEN
        RETURN '{}'::uuid[];
    END IF;
    RETURN scope;
END $$;

-- 2. May the connected login see this record? Runs as the caller
--    (SECURITY INVOKER), so the leads, deals and notes it looks at are
--    filtered by their own policies: it answers only what the caller could
--    read anyway. People and companies are the whole tenant's.
CREATE OR REPLACE FUNCTION public.banco_sees_entity(tenant uuid, kind text, id uuid) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN CASE kind
        WHEN 'lead' THEN EXISTS (SELECT 1 FROM public.leads l WHERE l.tenant_id = tenant AND l.id = banco_sees_entity.id)
        WHEN 'deal' THEN EXISTS (SELECT 1 FROM public.deals d WHERE d.tenant_id = tenant AND d.id = banco_sees_entity.id)
        WHEN 'note' THEN EXISTS (SELECT 1 FROM public.notes n WHERE n.tenant_id = tenant AND n.id = banco_sees_entity.id)
        ELSE true
    END;
END
$$;

-- 2b. The counter's match panel: open leads of a person of the caller's
--     tenant in stores other than the caller's, as store name and status
--     only (the clerk may not read those leads, but must know a colleague
--     is working the customer). Another tenant's person gives nothing.
CREATE OR REPLACE FUNCTION public.banco_open_leads_elsewhere(person uuid)
    RETURNS TABLE (store_name text, lead_status text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT s.name, l.status FROM public.leads l
      LEFT JOIN public.stores s ON s.tenant_id = l.tenant_id AND s.id = l.store_id
     WHERE l.tenant_id = public.banco_tenant() AND l.person_id = $1
       AND l.status IN ('new', 'in_progress', 'qualified')
       AND NOT COALESCE(l.store_id OPERATOR(pg_catalog.=) ANY (public.banco_stores()), false)
     ORDER BY l.created_at, l.id
    $$;

-- 2c. Whether a person or company of the caller's tenant has a won deal in
--     any store: yes or no, nothing about the deals. Reopening a won deal
--     leaves its person and company customers only while another of their
--     deals is won, which may be in a store the login does not see.
CREATE OR REPLACE FUNCTION public.banco_won_anywhere(kind text, id uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT EXISTS (SELECT 1 FROM public.deals d
     WHERE d.tenant_id = public.banco_tenant() AND d.status = 'won'
       AND CASE $1 WHEN 'company' THEN d.company_id = $2 ELSE d.person_id = $2 END)
    $$;

-- 3. Setting a login's password (and creating its Postgres login role).
--    The password arrives as a SCRAM-SHA-256 verifier made by the client,
--    so the server never sees it in clear, not even in a statement log.
--    Allowed: the owner (`banco admin user add`); an admin for any user of
--    their tenant; a store manager for themselves and the staff of their
--    store; anyone for their own password (not their login).
CREATE OR REPLACE FUNCTION public.banco_set_login(target uuid, new_login text, verifier text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    me public.users;
    t public.users;
    is_owner boolean := pg_catalog.pg_has_role(session_user, 'banco_owner', 'MEMBER');
    group_role text;
BEGIN
    IF verifier IS NULL OR verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
        RAISE EXCEPTION 'banco: the password must arrive as a SCRAM-SHA-256 verifier' USING ERRCODE = '22023';
    END IF;
    IF new_login IS NULL OR new_login !~ '^[a-z][a-z0-9._-]{0,62}$'
       OR new_login LIKE 'pg\_%' OR new_login LIKE 'banco\_%' THEN
        RAISE EXCEPTION 'banco: invalid login' USING ERRCODE = '22023';
    END IF;
    SELECT * INTO me FROM public.users u WHERE u.login = session_user::text AND u.active;
    SELECT * INTO t FROM public.users u WHERE u.id = target
        AND (is_owner OR u.tenant_id = me.tenant_id);
    IF t.id IS NULL THEN
        RAISE EXCEPTION 'banco: no such user' USING ERRCODE = '42501';
    END IF;
    IF NOT (is_owner
            OR me.role = 'admin'
            OR (me.role = 'store_manager' AND (t.id = me.id OR (t.role = 'staff' AND t.store_id = me.store_id)))
            OR (me.role = 'area_manager' AND (t.id = me.id OR (t.role IN ('staff', 'store_manager')
                AND t.store_id = ANY (public.banco_stores()))))
            OR (t.id = me.id AND new_login = t.login)) THEN
        RAISE EXCEPTION 'banco: not allowed to set this password' USING ERRCODE = '42501';
    END IF;
    -- A role of that name that is not this user's own login belongs to
    -- someone else (another user, another database, the server itself).
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = new_login)
       AND new_login IS DISTINCT FROM t.login THEN
        RAISE EXCEPTION 'banco: login already used' USING ERRCODE = '23505';
    END IF;
    group_role := 'banco_' || t.role;
    IF t.login IS NOT NULL AND EXISTS (
        SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = t.login
           AND pg_catalog.pg_has_role(r.oid, 'banco_login', 'MEMBER') AND NOT r.rolsuper) THEN
        IF t.login <> new_login THEN
            EXECUTE pg_catalog.format('ALTER ROLE %I RENAME TO %I', t.login, new_login);
        END IF;
        EXECUTE pg_catalog.format('ALTER ROLE %I LOGIN PASSWORD %L', new_login, verifier);
    ELSE
        EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN INHERIT PASSWORD %L IN ROLE %I',
                                  new_login, verifier, group_role);
    END IF;
    UPDATE public.users SET login = new_login, password_hash = 'postgres-login',
           failed_sign_ins = 0, locked_until = NULL
     WHERE tenant_id = t.tenant_id AND id = t.id;
END
$$;

-- 3b. A deactivated user's login role may not connect (NOLOGIN); a
--     reactivated one may again. It only mirrors `users.active`, which
--     only those the `users` policy lets write can change, so any login
--     may call it: the result is the state the table already says.
CREATE OR REPLACE FUNCTION public.banco_sync_login(target uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    t public.users;
BEGIN
    SELECT * INTO t FROM public.users u WHERE u.id = target;
    IF t.login IS NULL OR NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = t.login
           AND pg_catalog.pg_has_role(r.oid, 'banco_login', 'MEMBER') AND NOT r.rolsuper) THEN
        RETURN;
    END IF;
    IF t.active THEN
        EXECUTE pg_catalog.format('ALTER ROLE %I LOGIN', t.login);
    ELSE
        EXECUTE pg_catalog.format('ALTER ROLE %I NOLOGIN', t.login);
    END IF;
END
$$;

-- 4. Grants: logins (members of banco_login) read and write rows, within
--    the policies below; they own nothing and create nothing.
REVOKE ALL ON FUNCTION public.banco_tenant(), public.banco_user(), public.banco_role(),
    public.banco_store(), public.banco_stores(), public.banco_scope(), public.banco_sees_entity(uuid, text, uuid),
    public.banco_set_login(uuid, text, text), public.banco_sync_login(uuid),
    public.banco_open_leads_elsewhere(uuid), public.banco_won_anywhere(text, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.banco_tenant(), public.banco_user(), public.banco_role(),
    public.banco_store(), public.banco_stores(), public.banco_scope(), public.banco_sees_entity(uuid, text, uuid),
    public.banco_set_login(uuid, text, text), public.banco_sync_login(uuid),
    public.banco_open_leads_elsewhere(uuid), public.banco_won_anywhere(text, uuid) TO banco_login;
GRANT USAGE ON SCHEMA public TO banco_login;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO banco_login;
REVOKE ALL ON public._sqlx_migrations FROM banco_login;
GRANT SELECT ON public._sqlx_migrations TO banco_login;

-- Whether the caller may search `tenant`: its own, or any for the owner.
CREATE OR REPLACE FUNCTION public.banco_may_search(tenant uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ SELECT tenant = public.banco_tenant() OR pg_catalog.pg_has_role(session_user, 'banco_owner', 'MEMBER') $$;

-- People whose search text matches a LIKE pattern (escape `\`), for the
-- lists' free-text filter: people are the whole tenant's, so this answers
-- nothing the caller could not read, but with the trigram index that the
-- policies would otherwise keep the non-LEAKPROOF `LIKE` from using.
CREATE OR REPLACE FUNCTION public.banco_people_like(tenant uuid, pattern text) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
    AS $$
    SELECT p.id FROM public.people p
     WHERE (SELECT public.banco_may_search($1)) AND p.tenant_id = $1
       AND p.search_text LIKE $2 ESCAPE '\'
    $$;
REVOKE ALL ON FUNCTION public.banco_people_like(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.banco_people_like(uuid, text) TO banco_login;

-- 5. The policies. Each table with a `tenant_id` gets ENABLE + FORCE ROW
--    LEVEL SECURITY, `banco_owner_all` for the owner (migrations, `banco
--    admin`), and for logins the policies of its kind:
--      tenant   the whole tenant reads and writes (people, companies,
--               consents, search documents of people and companies, …);
--      config   the tenant reads, store managers and admins write;
--      store    leads and deals: an admin all of the tenant; others read
--               and change the records of their store, the ones they own,
--               and the ones of no store, and write only into their store
--               (or none);
--      lead/deal/note/meeting child   as its parent row;
--      entity   rows hanging on a record (notes, documents, calls,
--               tasks, tickets, meetings, timeline): as that record;
--      audit    the audit trail: a login inserts rows signed by itself,
--               an admin reads the tenant's, nobody changes or deletes.
--    A table not named below is `tenant`.
DO $$
DECLARE
    tbl text;
    kind text;
    pol record;
    tenant_ok text := 'tenant_id = (SELECT public.banco_tenant())';
    manager text := '(SELECT public.banco_role()) IN (''admin'', ''store_manager'', ''area_manager'')';
    admin text := '(SELECT public.banco_role()) = ''admin''';
    -- The store rule of leads and deals, once for the policies and the
    -- search functions: `@.` stands for the row's table or alias. A row of
    -- no store, of a store in the login's scope (every store for an
    -- admin, whose scope is NULL), or owned by the login.
    store_rule text := '(@.store_id IS NULL '
        'OR COALESCE(@.store_id = ANY ((SELECT public.banco_scope())::uuid[]), true) '
        'OR @.owner_id = (SELECT public.banco_user()))';
    sees_store text := replace(store_rule, '@.', '');
    writes_store text := '(store_id IS NULL '
        'OR COALESCE(store_id = ANY ((SELECT public.banco_scope())::uuid[]), true))';
    -- When a search hit may be shown: the owner always; people and
    -- companies always; a lead or a deal by the store rule; a note as the
    -- record it hangs on. OR and CASE stop at the first answer, so the
    -- owner pays nothing and others one primary-key probe per lead, deal
    -- or note hit. The probes are scalar subqueries, not EXISTS: Postgres
    -- may turn an EXISTS into a hash of every visible lead or deal of the
    -- tenant, built at each search (measured: 5 ms of a 9 ms search over
    -- 20,000 deals), where a few hundred index probes cost a tenth of it.
    search_shown text := format('((SELECT pg_catalog.pg_has_role(session_user, ''banco_owner'', ''MEMBER'')) '
        'OR d.entity_type IN (''person'', ''company'') '
        'OR CASE d.entity_type '
        'WHEN ''lead'' THEN COALESCE((SELECT %1$s FROM public.leads l WHERE l.tenant_id = d.tenant_id AND l.id = d.entity_id), false) '
        'WHEN ''deal'' THEN COALESCE((SELECT %1$s FROM public.deals l WHERE l.tenant_id = d.tenant_id AND l.id = d.entity_id), false) '
        'WHEN ''note'' THEN COALESCE((SELECT n.entity_type NOT IN (''lead'', ''deal'') '
        'OR COALESCE((SELECT %1$s FROM public.leads l WHERE n.entity_type = ''lead'' AND l.tenant_id = n.tenant_id AND l.id = n.entity_id), false) '
        'OR COALESCE((SELECT %1$s FROM public.deals l WHERE n.entity_type = ''deal'' AND l.tenant_id = n.tenant_id AND l.id = n.entity_id), false) '
        'FROM public.notes n WHERE n.tenant_id = d.tenant_id AND n.id = d.entity_id), false) '
        'ELSE false END)',
        replace(store_rule, '@', 'l'));
    entity_check text := '(entity_type IN (''person'', ''company'') '
        'OR public.banco_sees_entity(tenant_id, entity_type, entity_id))';
    search_from text := 'public.search_docs d';
    search_where text := 'd.tenant_id = $1 AND (SELECT public.banco_may_search($1))';
    kinds jsonb := '{
        "tenants": "tenants", "users": "users", "stores": "admin", "user_stores": "admin",
        "pipelines": "config", "pipeline_stages": "config", "lost_reasons": "config",
        "campaigns": "config", "campaign_pipelines": "config", "conversion_rules": "config",
        "custom_fields": "config", "contact_policies": "config", "do_not_call": "config",
        "consent_texts": "admin", "segment_rules": "config",
        "automation_rules": "config",
        "stage_playbooks": "config", "campaign_cadences": "config",
        "workflow_templates": "config", "kits": "config", "stage_tasks": "config",
        "leads": "store", "deals": "store",
        "lead_notes": "lead", "lead_events": "lead", "lead_attributions": "lead",
        "deal_lines": "deal", "deal_events": "deal", "contracts": "deal", "contract_events": "deal",
        "note_revisions": "note", "note_mentions": "note",
        "meeting_participants": "meeting",
        "notes": "entity", "documents": "entity", "record_events": "entity",
        "interactions": "entity", "meetings": "entity",
        "search_docs": "entity", "tickets": "entity", "tasks": "entity",
        "ticket_milestones": "ticket", "kit_deals": "ticket",
        "audit_events": "audit"
    }';
BEGIN
    FOR tbl IN
        SELECT c.relname FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
         ORDER BY c.relname
    LOOP
        kind := COALESCE(kinds ->> tbl, 'tenant');
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', tbl);
        EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', tbl);
        FOR pol IN SELECT policyname FROM pg_catalog.pg_policies
                    WHERE schemaname = 'public' AND tablename = tbl AND policyname LIKE 'banco\_%'
        LOOP
            EXECUTE format('DROP POLICY %I ON public.%I', pol.policyname, tbl);
        END LOOP;
        EXECUTE format('CREATE POLICY banco_owner_all ON public.%I TO banco_owner USING (true) WITH CHECK (true)', tbl);
        CASE kind
        WHEN 'tenant' THEN
            EXECUTE format('CREATE POLICY banco_rows ON public.%I TO banco_login USING (%s) WITH CHECK (%s)',
                           tbl, tenant_ok, tenant_ok);
        WHEN 'config', 'admin' THEN
            EXECUTE format('CREATE POLICY banco_read ON public.%I FOR SELECT TO banco_login USING (%s)', tbl, tenant_ok);
            EXECUTE format('CREATE POLICY banco_insert ON public.%I FOR INSERT TO banco_login WITH CHECK (%s AND %s)',
                           tbl, tenant_ok, CASE kind WHEN 'admin' THEN admin ELSE manager END);
            EXECUTE format('CREATE POLICY banco_update ON public.%I FOR UPDATE TO banco_login USING (%s AND %s) WITH CHECK (%s AND %s)',
                           tbl, tenant_ok, CASE kind WHEN 'admin' THEN admin ELSE manager END,
                           tenant_ok, CASE kind WHEN 'admin' THEN admin ELSE manager END);
            EXECUTE format('CREATE POLICY banco_delete ON public.%I FOR DELETE TO banco_login USING (%s AND %s)',
                           tbl, tenant_ok, CASE kind WHEN 'admin' THEN admin ELSE manager END);
        WHEN 'tenants' THEN
            -- A tenant is created only by the owner (`banco admin tenant add`).
            EXECUTE format('CREATE POLICY banco_read ON public.%I FOR SELECT TO banco_login USING (%s)', tbl, tenant_ok);
            EXECUTE format('CREATE POLICY banco_update ON public.%I FOR UPDATE TO banco_login USING (%s AND %s) WITH CHECK (%s AND %s)',
                           tbl, tenant_ok, admin, tenant_ok, admin);
        WHEN 'users' THEN
            -- Colleagues are visible to the whole tenant (owners, mentions,
            -- participants); an admin changes anyone, a store manager the
            -- staff of their own store (or of none: owners an import names),
            -- an area manager the staff and store managers of their stores.
            EXECUTE format('CREATE POLICY banco_read ON public.%I FOR SELECT TO banco_login USING (%s)', tbl, tenant_ok);
            EXECUTE format('CREATE POLICY banco_write ON public.%I TO banco_login USING (%s AND (%s OR %s)) WITH CHECK (%s AND (%s OR %s))',
                           tbl,
                           tenant_ok, admin,
                           '((SELECT public.banco_role()) = ''store_manager'' AND role = ''staff'' AND (store_id IS NULL OR store_id = (SELECT public.banco_store()))) '
                           'OR ((SELECT public.banco_role()) = ''area_manager'' AND role IN (''staff'', ''store_manager'') AND (store_id IS NULL OR store_id = ANY ((SELECT public.banco_stores())::uuid[])))',
                           tenant_ok, admin,
                           '((SELECT public.banco_role()) = ''store_manager'' AND role = ''staff'' AND (store_id IS NULL OR store_id = (SELECT public.banco_store()))) '
                           'OR ((SELECT public.banco_role()) = ''area_manager'' AND role IN (''staff'', ''store_manager'') AND (store_id IS NULL OR store_id = ANY ((SELECT public.banco_stores())::uuid[])))');
        WHEN 'audit' THEN
            -- Append-only: anyone signs their own rows, admins read them.
            EXECUTE format('CREATE POLICY banco_read ON public.%I FOR SELECT TO banco_login USING (%s AND %s)',
                           tbl, tenant_ok, admin);
            EXECUTE format('CREATE POLICY banco_insert ON public.%I FOR INSERT TO banco_login WITH CHECK (%s AND %s)',
                           tbl, tenant_ok, 'user_id = (SELECT public.banco_user())');
            EXECUTE format('REVOKE UPDATE, DELETE ON public.%I FROM banco_login', tbl);
        WHEN 'store' THEN
            -- Read and change what one sees; write only into one's own store
            -- (or none): owning a record of another store is no licence to
            -- put records there.
            EXECUTE format('CREATE POLICY banco_rows ON public.%I TO banco_login USING (%s AND %s) WITH CHECK (%s AND %s)',
                           tbl, tenant_ok, sees_store, tenant_ok, writes_store);
        WHEN 'lead', 'deal', 'note', 'meeting', 'ticket' THEN
            EXECUTE format('CREATE POLICY banco_rows ON public.%I TO banco_login USING (%s AND %s) WITH CHECK (%s AND %s)',
                           tbl, tenant_ok,
                           format('EXISTS (SELECT 1 FROM public.%I p WHERE p.tenant_id = %I.tenant_id AND p.id = %I.%I)',
                                  kind || 's', tbl, tbl, kind || '_id'),
                           tenant_ok,
                           format('EXISTS (SELECT 1 FROM public.%I p WHERE p.tenant_id = %I.tenant_id AND p.id = %I.%I)',
                                  kind || 's', tbl, tbl, kind || '_id'));
        WHEN 'entity' THEN
            -- People and companies need no probe; a lead, deal or note one
            -- through `banco_sees_entity`. (Written into the policy as
            -- scalar probes instead, the planning of an upsert on
            -- search_docs, whose four checks each nest the leads', deals'
            -- and notes' policies, cost a capture more than the calls.)
            EXECUTE format('CREATE POLICY banco_rows ON public.%I TO banco_login USING (%s AND %s) WITH CHECK (%s AND %s)',
                           tbl, tenant_ok, entity_check, tenant_ok, entity_check);
        END CASE;
    END LOOP;
    -- An objection to marketing (GDPR art. 21) is taken by whoever is at
    -- the counter: anyone may add a marketing-only do-not-call entry.
    EXECUTE format('CREATE POLICY banco_objection ON public.do_not_call FOR INSERT TO banco_login WITH CHECK (%s AND marketing_only)',
                   tenant_ok);

    -- The search box. Its matches (`@@`, trigram `<%`) are not LEAKPROOF,
    -- so under a table's policies Postgres may not use their indexes and
    -- would test every row's policy first (measured: seconds on 40,000
    -- documents). These functions search as the owner, with the indexes,
    -- within the caller's own tenant (the owner may name any), and keep a
    -- hit only when the caller may read its record: the same store rule as
    -- the policies above (`sees_store`, one text for both).
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION public.banco_doc_visible(kind text, doc uuid) RETURNS boolean
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
            AS $b$
            SELECT pg_catalog.pg_has_role(session_user, 'banco_owner', 'MEMBER') OR CASE kind
                WHEN 'lead' THEN EXISTS (SELECT 1 FROM public.leads l
                    WHERE l.tenant_id = public.banco_tenant() AND l.id = doc AND %1$s)
                WHEN 'deal' THEN EXISTS (SELECT 1 FROM public.deals l
                    WHERE l.tenant_id = public.banco_tenant() AND l.id = doc AND %1$s)
                WHEN 'note' THEN EXISTS (SELECT 1 FROM public.notes n
                    WHERE n.tenant_id = public.banco_tenant() AND n.id = doc
                      AND (n.entity_type NOT IN ('lead', 'deal')
                           OR public.banco_doc_visible(n.entity_type, n.entity_id)))
                ELSE true
            END
            $b$ $f$, sees_store);
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION public.banco_search_names(tenant uuid, q text, lim bigint)
            RETURNS TABLE (entity_type text, entity_id uuid, title text, subtitle text)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
            AS $b$
            -- The best-ranked 8 × lim candidates, then those the caller
            -- may see: ranking needs every match, checking needs only these.
            SELECT d.entity_type, d.entity_id, d.title, d.subtitle FROM (
                SELECT d.*, ts_rank(d.name_tsv, to_tsquery('simple', $2)) AS rank FROM %s
                 WHERE %s AND d.name_tsv @@ to_tsquery('simple', $2)
                 ORDER BY rank DESC LIMIT $3 * 8) d
             WHERE %s
             ORDER BY d.rank DESC LIMIT $3
            $b$ $f$, search_from, search_where, search_shown);
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION public.banco_search_text(tenant uuid, q text, lim bigint)
            RETURNS TABLE (entity_type text, entity_id uuid, title text, subtitle text)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
            AS $b$
            SELECT d.entity_type, d.entity_id, d.title, d.subtitle FROM %s
             WHERE %s AND d.tsv @@ to_tsquery('simple', $2) AND %s
             LIMIT $3
            $b$ $f$, search_from, search_where, search_shown);
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION public.banco_search_fuzzy(tenant uuid, q text, lim bigint)
            RETURNS TABLE (entity_type text, entity_id uuid, title text, subtitle text)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
            AS $b$
            SELECT d.entity_type, d.entity_id, d.title, d.subtitle FROM (
                SELECT d.*, word_similarity($2, d.name_key) AS similarity FROM %s
                 WHERE %s AND $2 <%% d.name_key
                 ORDER BY similarity DESC LIMIT $3 * 8) d
             WHERE %s
             ORDER BY d.similarity DESC LIMIT $3
            $b$ $f$, search_from, search_where, search_shown);
END
$$;

REVOKE ALL ON FUNCTION public.banco_doc_visible(text, uuid), public.banco_may_search(uuid),
    public.banco_search_names(uuid, text, bigint), public.banco_search_text(uuid, text, bigint),
    public.banco_search_fuzzy(uuid, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.banco_doc_visible(text, uuid), public.banco_may_search(uuid),
    public.banco_search_names(uuid, text, bigint), public.banco_search_text(uuid, text, bigint),
    public.banco_search_fuzzy(uuid, text, bigint) TO banco_login;

-- 6. `login` and `password_hash` of `users` are written only by
--    `banco_set_login`: a login that could write them could give itself the
--    name of another server role.
DO $$
DECLARE
    cols text;
BEGIN
    SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum) INTO cols
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = 'public.users'::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname NOT IN ('login', 'password_hash');
    REVOKE INSERT, UPDATE ON public.users FROM banco_login;
    EXECUTE format('GRANT INSERT (%s), UPDATE (%s) ON public.users TO banco_login', cols, cols);
END
$$;
