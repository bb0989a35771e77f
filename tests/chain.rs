//! A chain on one shared Postgres, attacked from inside: a staff login of store A of tenant 1 tries to read, insert, change and delete rows of store B and of tenant 2 on every table, by direct SQL and through Banco's own services, and to escape its role by `SET ROLE`, settings and the `SECURITY DEFINER` functions; 0 rows may be seen or changed. An admin of tenant 1 sees nothing of tenant 2.
//!
//! Tenant 1 gets real data through the services (leads, deals, notes and
//! their revisions, a document, a call and its call-back task, a meeting, in both
//! stores); tenant 2 is then a copy of all of it made by the owner, so every
//! table the first tenant fills has rows of the second too.
#![allow(missing_docs, clippy::unwrap_used)]

mod chain_world;
mod common;

use banco::model::*;
use banco::services::{capture, leads, search, Ctx};
use sqlx::Connection;
use uuid::Uuid;

use chain_world::{
    count, desk, pg, seen, sqlstate, store_b_rows, world, STORE_SCOPED, TENANT_WIDE,
};
use common::walk_in;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_login_sees_and_changes_nothing_outside_its_tenant_and_store() {
    let w = world().await;

    // Every table with a store, lead or record column is classified.
    let mut o = pg(&w.owner).await;
    let linked: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT c.relname::text FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid \
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' \
           AND a.attname IN ('store_id', 'lead_id', 'deal_id', 'entity_id', 'note_id', 'meeting_id')",
    )
    .fetch_all(&mut o)
    .await
    .unwrap();
    for table in &linked {
        assert!(
            STORE_SCOPED.iter().any(|(t, _)| t == table) || TENANT_WIDE.contains(&table.as_str()),
            "{table} links to a store or record: say whether store B's rows of it are store B's"
        );
    }

    // The owner sees both tenants and store B: the checks below are not
    // vacuous.
    let truth = seen(&w.owner, &w, true).await;
    let filled: Vec<&String> = truth
        .iter()
        .filter(|(_, (t2, _))| *t2 > 0)
        .map(|(t, _)| t)
        .collect();
    for must in [
        "tenants",
        "stores",
        "users",
        "people",
        "leads",
        "consents",
        "lead_events",
        "pipelines",
        "pipeline_stages",
        "deals",
        "deal_lines",
        "deal_events",
        "contracts",
        "contract_events",
        "tickets",
        "ticket_milestones",
        "tasks",
        "workflow_templates",
        "notes",
        "note_revisions",
        "documents",
        "document_blobs",
        "search_docs",
        "interactions",
        "meetings",
        "meeting_participants",
    ] {
        assert!(
            filled.iter().any(|t| *t == must),
            "tenant 2 has no {must} rows to attack: {truth:?}"
        );
    }
    for (table, _) in STORE_SCOPED.iter().filter(|(t, _)| {
        [
            "leads",
            "deals",
            "lead_events",
            "deal_events",
            "notes",
            "note_revisions",
            "documents",
            "interactions",
            "meetings",
            "meeting_participants",
            "search_docs",
            "contracts",
            "contract_events",
            "tickets",
            "ticket_milestones",
            "tasks",
        ]
        .contains(t)
    }) {
        assert!(truth[*table].1 > 0, "store B has no {table} rows to attack");
    }

    // Reading: nothing of tenant 2, nothing of store B.
    for (who, url) in [
        ("staff of store A", &w.staff_a),
        ("admin of tenant 1", &w.admin_1),
    ] {
        let store_b = who.starts_with("staff");
        for (table, (t2, b)) in seen(url, &w, store_b).await {
            assert_eq!(t2, 0, "{who} sees {t2} rows of tenant 2 in {table}");
            assert_eq!(b, 0, "{who} sees {b} rows of store B in {table}");
        }
    }

    // Writing: no UPDATE or DELETE reaches a row of tenant 2 or store B,
    // and no INSERT may write one.
    let mut a = pg(&w.staff_a).await;
    for (table, cols) in &w.tables {
        let col = cols
            .iter()
            .find(|c| !["tenant_id", "login", "password_hash"].contains(&c.as_str()))
            .cloned()
            .unwrap_or_else(|| "name".into());
        let mut targets = vec![format!("tenant_id <> '{}'", w.t1)];
        targets.extend(store_b_rows(table, &w));
        for target in targets {
            for sql in [
                format!("UPDATE {table} SET \"{col}\" = \"{col}\" WHERE {target}"),
                format!("DELETE FROM {table} WHERE {target}"),
            ] {
                let q = sqlx::query(&sql);
                let q = if sql.contains("$1") {
                    q.bind(&w.b_ids)
                } else {
                    q
                };
                match q.execute(&mut a).await {
                    Ok(done) => assert_eq!(done.rows_affected(), 0, "{sql}"),
                    Err(e) => assert_eq!(sqlstate(&e), "42501", "{sql}: {e}"),
                }
            }
        }
        if table == "tenants" {
            continue;
        }
        // A copy of a row of tenant 2, and of a row of store B with a new id.
        let list = cols
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut sources = vec![format!("tenant_id = '{}'", w.t2)];
        sources.extend(store_b_rows(table, &w));
        for source in sources {
            let row: Option<serde_json::Value> = {
                let sql = format!("SELECT row_to_json(x) FROM (SELECT {list} FROM {table} WHERE {source} LIMIT 1) x");
                let q = sqlx::query_scalar(&sql);
                let q = if sql.contains("$1") {
                    q.bind(&w.b_ids)
                } else {
                    q
                };
                q.fetch_optional(&mut o).await.unwrap()
            };
            let Some(mut row) = row else { continue };
            if row.get("id").is_some() {
                row["id"] = serde_json::json!(Uuid::now_v7());
            }
            let sql = format!(
                "INSERT INTO {table} ({list}) SELECT {list} FROM jsonb_populate_record(NULL::{table}, $1)"
            );
            let e = sqlx::query(&sql)
                .bind(&row)
                .execute(&mut a)
                .await
                .expect_err(&format!(
                    "staff of store A inserted into {table} where {source}"
                ));
            assert_eq!(sqlstate(&e), "42501", "{table}: {e}");
        }
    }

    // Escaping the role: no SET ROLE to the owner or a higher group, no
    // session authorisation, no objects of one's own, no switching RLS
    // off; a group it may take or a changed setting sees no more.
    for sql in [
        "SET ROLE banco_owner",
        "SET ROLE banco_admin",
        "SET ROLE banco_store_manager",
        "SET SESSION AUTHORIZATION banco",
        "CREATE TABLE public.mine (id int)",
        "CREATE TEMP TABLE leads (id uuid)",
        "ALTER TABLE public.leads DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE public.leads NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY banco_rows ON public.leads",
        "GRANT banco_admin TO CURRENT_USER",
    ] {
        let e = sqlx::raw_sql(sql).execute(&mut a).await.expect_err(sql);
        assert_eq!(sqlstate(&e), "42501", "{sql}: {e}");
    }
    let admin_login = url::Url::parse(&w.admin_1).unwrap().username().to_string();
    for sql in [
        "SET ROLE banco_login".to_string(),
        format!("SET application_name = '{admin_login}'"),
        format!("SELECT set_config('banco.user', '{admin_login}', false)"),
        "SET row_security = off".to_string(),
    ] {
        // `row_security = off` makes a query that RLS would filter fail
        // instead; the others are allowed and change nothing.
        let _ = sqlx::raw_sql(&sql).execute(&mut a).await;
        for table in ["leads", "deals", "notes", "people", "users"] {
            let n = sqlx::query_scalar::<_, i64>(&format!(
                "SELECT COUNT(*) FROM {table} WHERE tenant_id <> '{}'",
                w.t1
            ))
            .fetch_one(&mut a)
            .await;
            match n {
                Ok(n) => assert_eq!(n, 0, "after {sql}: {table}"),
                Err(e) => assert_eq!(sqlstate(&e), "42501", "after {sql}: {e}"),
            }
        }
        let _ = sqlx::raw_sql("RESET ALL; RESET ROLE").execute(&mut a).await;
    }

    // The SECURITY DEFINER functions, called with other ids: the lookups
    // take none; setting a password needs the right to.
    let who: (Option<Uuid>, Option<String>) =
        sqlx::query_as("SELECT public.banco_tenant(), public.banco_role()")
            .fetch_one(&mut a)
            .await
            .unwrap();
    assert_eq!(who, (Some(w.t1), Some("staff".into())));
    let verifier = banco::store::chain::scram_verifier(&Password("rubata".into()));
    let users: Vec<(Uuid, Uuid, Option<String>)> =
        sqlx::query_as("SELECT tenant_id, id, login FROM users WHERE id <> $1")
            .bind(
                sqlx::query_scalar::<_, Uuid>("SELECT public.banco_user()")
                    .fetch_one(&mut a)
                    .await
                    .unwrap(),
            )
            .fetch_all(&mut o)
            .await
            .unwrap();
    for (tenant, user, login) in users {
        let login = login.unwrap_or_else(|| "hijack".into());
        let e = sqlx::query("SELECT public.banco_set_login($1, $2, $3)")
            .bind(user)
            .bind(&login)
            .bind(&verifier)
            .execute(&mut a)
            .await
            .expect_err("a staff login set another user's password");
        assert_eq!(sqlstate(&e), "42501", "{tenant} {user}: {e}");
    }
    // The search functions: nothing of tenant 2, nothing of store B.
    for (tenant, term) in [
        (w.t2, "bianchi"),
        (w.t2, "neri"),
        (w.t1, "bianchi"),
        (w.t1, "neri"),
        (w.t1, "fibra"),
    ] {
        for f in [
            "banco_search_names",
            "banco_search_text",
            "banco_search_fuzzy",
        ] {
            let hits: Vec<Uuid> =
                sqlx::query_scalar(&format!("SELECT entity_id FROM public.{f}($1, $2, 100)"))
                    .bind(tenant)
                    .bind(term)
                    .fetch_all(&mut a)
                    .await
                    .unwrap();
            if tenant == w.t2 {
                assert!(hits.is_empty(), "{f}(tenant 2, {term}): {hits:?}");
            }
            for id in &hits {
                assert!(!w.b_ids.contains(id), "{f}({term}) shows store B's {id}");
            }
        }
        let visible: bool = sqlx::query_scalar("SELECT public.banco_may_search($1)")
            .bind(tenant)
            .fetch_one(&mut a)
            .await
            .unwrap();
        assert_eq!(visible, tenant == w.t1);
    }
    for id in &w.b_ids {
        for kind in ["lead", "deal", "note"] {
            let sees: bool = sqlx::query_scalar("SELECT public.banco_doc_visible($1, $2)")
                .bind(kind)
                .bind(id)
                .fetch_one(&mut a)
                .await
                .unwrap();
            assert!(!sees, "banco_doc_visible({kind}, {id})");
        }
    }
    for id in &w.b_ids {
        for (tenant, kind) in [
            (w.t1, "lead"),
            (w.t1, "deal"),
            (w.t1, "note"),
            (w.t2, "lead"),
            (w.t2, "deal"),
        ] {
            let sees: bool = sqlx::query_scalar("SELECT public.banco_sees_entity($1, $2, $3)")
                .bind(tenant)
                .bind(kind)
                .bind(id)
                .fetch_one(&mut a)
                .await
                .unwrap();
            assert!(!sees, "banco_sees_entity({tenant}, {kind}, {id})");
        }
    }
    a.close().await.unwrap();
    o.close().await.unwrap();

    // Through Banco itself: the search box, a context naming tenant 2, and
    // an import into store B by store A's manager.
    let (db_a, ctx_a) = desk(&w.owner, url::Url::parse(&w.staff_a).unwrap().username()).await;
    let found = search::search(&db_a, &ctx_a, "Bianchi", 50).await.unwrap();
    let found = serde_json::to_string(&found).unwrap();
    for id in &w.b_ids {
        assert!(
            !found.contains(&id.to_string()),
            "search shows store B's {id}"
        );
    }
    let forged = Ctx {
        tenant: Tenant {
            id: w.t2,
            ..ctx_a.tenant.clone()
        },
        ..ctx_a.clone()
    };
    // The counter's match panel: the customer of store B is one person
    // across the chain, and Anna learns that store B is working them —
    // its name and the status, not the lead.
    let matched = capture::find_matches(&db_a, &ctx_a, "333 555 6666", "")
        .await
        .unwrap();
    assert_eq!(matched.len(), 1);
    assert_eq!(
        matched[0].open_leads, 0,
        "store B's lead is not Anna's to read"
    );
    assert_eq!(
        matched[0].open_elsewhere,
        vec![LeadElsewhere {
            store_name: Some("Negozio B".into()),
            status: LeadStatus::New,
        }]
    );
    assert_eq!(
        leads::list(&db_a, &forged, &LeadQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(capture::find_matches(&db_a, &forged, "333 111 2222", "")
        .await
        .unwrap()
        .is_empty());
    assert!(capture::capture_lead(
        &db_a,
        &forged,
        walk_in("Finto", "Cliente", "333 999 8888", "")
    )
    .await
    .is_err());
    db_a.close().await;

    let manager = {
        let mut o = pg(&w.owner).await;
        let login: String = sqlx::query_scalar(
            "SELECT login FROM users WHERE tenant_id = $1 AND role = 'store_manager'",
        )
        .bind(w.t1)
        .fetch_one(&mut o)
        .await
        .unwrap();
        o.close().await.unwrap();
        login
    };
    let (db_m, ctx_m) = desk(&w.owner, &manager).await;
    let before = leads::list(&db_m, &ctx_m, &LeadQuery::default())
        .await
        .unwrap()
        .total;
    let path = common::fixture("customers-100.csv");
    let preview = banco::services::import::preview(std::path::Path::new(&path)).unwrap();
    let mut request = common::import_request(&path, &preview, DuplicatePolicy::Skip);
    request.store_id = Some(w.store_b);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let refused = banco::services::import::run(&db_m, &ctx_m, &request, |_, _| {}, &cancel).await;
    match refused {
        Err(banco::Error::ServerRefused(_)) => {}
        Err(other) => panic!("an import into another store failed otherwise: {other}"),
        Ok(report) => panic!("an import into another store ran: {:?}", report.summary),
    }
    let after = leads::list(&db_m, &ctx_m, &LeadQuery::default())
        .await
        .unwrap()
        .total;
    assert_eq!(before, after, "a refused import writes nothing");

    // Merging away a person whose leads are in store B, which the server
    // hides from this manager, is an admin's: refused as such, and nothing
    // moves.
    let (b_person, b_leads) = {
        let mut o = pg(&w.owner).await;
        let person: Uuid = sqlx::query_scalar(
            "SELECT person_id FROM leads WHERE tenant_id = $1 AND store_id = $2 LIMIT 1",
        )
        .bind(w.t1)
        .bind(w.store_b)
        .fetch_one(&mut o)
        .await
        .unwrap();
        let n = count(
            &mut o,
            "SELECT COUNT(*) FROM leads WHERE person_id = ANY($1)",
            &[person],
        )
        .await;
        o.close().await.unwrap();
        (person, n)
    };
    let twin = capture::capture_lead(
        &db_m,
        &ctx_m,
        walk_in("Gemella", "Negozio A", "333 444 5566", ""),
    )
    .await
    .unwrap();
    let err = banco::services::duplicates::merge(
        &db_m,
        &ctx_m,
        EntityType::Person,
        twin.person.id,
        b_person,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            banco::Error::Forbidden {
                action: "merge_records_elsewhere",
                ..
            }
        ),
        "{err:?}"
    );
    let mut o = pg(&w.owner).await;
    let still = count(
        &mut o,
        "SELECT COUNT(*) FROM leads WHERE person_id = ANY($1)",
        &[b_person],
    )
    .await;
    o.close().await.unwrap();
    assert_eq!(still, b_leads, "the refused merge moved nothing");
    db_m.close().await;
}

/// An area manager (stores A and B) works the leads of both, adds staff
/// and store managers there and nowhere else, and no area manager; the
/// area manager of store C sees nothing of store B, by SQL or the services.
/// The owner's pool and tenant 1's store A ("S01").
async fn owner_and_store_a(w: &chain_world::World) -> (banco::store::Db, Uuid) {
    let owner_db = banco::store::Db::connect_owner(&w.owner).await.unwrap();
    let tenant = banco::services::admin::tenant_named(&owner_db, "Banco")
        .await
        .unwrap();
    let store_a = banco::services::admin::store_named(&owner_db, &tenant, "S01")
        .await
        .unwrap()
        .id;
    (owner_db, store_a)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_area_manager_works_the_stores_of_their_area_and_no_other() {
    let w = world().await;
    let (owner_db, store_a) = owner_and_store_a(&w).await;
    let store_c = banco::services::admin::add_store(&owner_db, "Banco", "Negozio C")
        .await
        .unwrap()
        .id;
    let area = |login: &str, stores: Vec<Uuid>| {
        banco::services::admin::add_user(
            &owner_db,
            "Banco",
            NewUser {
                display_name: login.into(),
                email: String::new(),
                role: Role::AreaManager,
                store_id: None,
                stores,
                login: login.into(),
                password: Password(common::PG_PASSWORD.into()),
            },
        )
    };
    let (north, south) = (common::unique_login("nord"), common::unique_login("sud"));
    let n = area(&north, vec![store_a, w.store_b]).await.unwrap();
    assert_eq!(
        n.store_id,
        Some(store_a),
        "the first store is the home store"
    );
    assert_eq!(n.stores, [store_a, w.store_b]);
    area(&south, vec![store_c]).await.unwrap();
    match area(&common::unique_login("nessuno"), Vec::new()).await {
        Err(banco::Error::Validation(e)) => assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("stores", "required")
        ),
        other => panic!("{other:?}"),
    }

    // By SQL: store B's leads are the north's, not the south's.
    let b_leads = &format!(
        "SELECT COUNT(*) FROM leads WHERE tenant_id = '{}' AND store_id = ANY($1)",
        w.t1
    );
    let owner_sees = count(&mut pg(&w.owner).await, b_leads, &[w.store_b]).await;
    assert!(owner_sees > 0, "store B has leads");
    let north_url = common::as_login(&w.owner, &north);
    let south_url = common::as_login(&w.owner, &south);
    assert_eq!(
        count(&mut pg(&north_url).await, b_leads, &[w.store_b]).await,
        owner_sees
    );
    assert_eq!(
        count(&mut pg(&south_url).await, b_leads, &[w.store_b]).await,
        0
    );
    let mut s = pg(&south_url).await;
    let changed = sqlx::query("UPDATE leads SET store_id = $1 WHERE store_id = $2")
        .bind(store_c)
        .bind(w.store_b)
        .execute(&mut s)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(changed, 0);
    assert_eq!(
        count(&mut pg(&w.owner).await, b_leads, &[w.store_b]).await,
        owner_sees
    );

    // Through the services: the lists, and who they may add.
    let (db_n, ctx_n) = desk(&w.owner, &north).await;
    let (db_s, ctx_s) = desk(&w.owner, &south).await;
    let total = |db: banco::store::Db, ctx: Ctx| async move {
        leads::list(&db, &ctx, &LeadQuery::default())
            .await
            .unwrap()
            .total
    };
    assert!(total(db_n.clone(), ctx_n.clone()).await >= owner_sees as u64);
    assert_eq!(total(db_s.clone(), ctx_s.clone()).await, 0);
    let colleague = |role: Role, store: Uuid| NewUser {
        display_name: "Collega".into(),
        email: String::new(),
        role,
        store_id: Some(store),
        stores: Vec::new(),
        login: common::unique_login("collega"),
        password: Password("4821".into()),
    };
    let added =
        banco::services::staff::add_user(&db_n, &ctx_n, colleague(Role::StoreManager, w.store_b))
            .await
            .unwrap();
    banco::services::sign_in::set_password(&db_n, &ctx_n, added.id, "", Password("5932".into()))
        .await
        .unwrap();
    for (role, store, field) in [
        (Role::Staff, store_c, "store_id"),
        (Role::AreaManager, store_a, "role"),
        (Role::Admin, store_a, "role"),
    ] {
        match banco::services::staff::add_user(&db_n, &ctx_n, colleague(role, store)).await {
            Err(banco::Error::Validation(e)) => {
                assert!(e.iter().any(|e| e.field == field), "{role:?}: {e:?}")
            }
            other => panic!("{role:?} in {store}: {other:?}"),
        }
    }
    db_n.close().await;
    db_s.close().await;
}

/// Reopening a won deal leaves its person a customer while another of
/// their deals is won, also when that deal is in a store the reopening
/// manager does not see (`banco_won_anywhere`); with none left, they are a
/// customer no more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deal_reopened_in_one_store_keeps_a_customer_won_in_another() {
    use banco::services::{companies, deals, pipelines};
    let w = world().await;
    let (owner_db, store_a) = owner_and_store_a(&w).await;
    let (login_a, login_b) = (
        common::unique_login("capo_a"),
        common::unique_login("capo_b"),
    );
    chain_world::add_user(&owner_db, &login_a, "Capo A", Role::StoreManager, store_a).await;
    chain_world::add_user(&owner_db, &login_b, "Capo B", Role::StoreManager, w.store_b).await;
    let (db_a, ctx_a) = desk(&w.owner, &login_a).await;
    let (db_b, ctx_b) = desk(&w.owner, &login_b).await;
    let person = capture::capture_lead(&db_a, &ctx_a, walk_in("Sara", "Galli", "333 414 2000", ""))
        .await
        .unwrap()
        .person
        .id;
    let pipeline = pipelines::list(&db_a, &ctx_a).await.unwrap()[0].clone();
    let won_deal = |db: banco::store::Db, ctx: Ctx| {
        let pipeline = pipeline.clone();
        async move {
            let new = NewDeal {
                pipeline_id: Some(pipeline.id),
                person_id: Some(person),
                ..Default::default()
            };
            let id = deals::create(&db, &ctx, new).await.unwrap().deal.id;
            let win = DealMove::Won {
                contract_start: None,
            };
            deals::move_deal(&db, &ctx, id, &win).await.unwrap();
            id
        }
    };
    let in_a = won_deal(db_a.clone(), ctx_a.clone()).await;
    let in_b = won_deal(db_b.clone(), ctx_b.clone()).await;
    let reopen = DealMove::Reopen {
        stage_id: pipeline.stages[0].id,
    };
    let is_customer = |db: banco::store::Db, ctx: Ctx| async move {
        companies::person_card(&db, &ctx, person)
            .await
            .unwrap()
            .person
            .is_customer
    };

    // B reopens its deal: Sara's deal in A (which B cannot read) keeps her.
    deals::move_deal(&db_b, &ctx_b, in_b, &reopen)
        .await
        .unwrap();
    assert!(is_customer(db_b.clone(), ctx_b.clone()).await);
    // A reopens the last one: a customer no more.
    deals::move_deal(&db_a, &ctx_a, in_a, &reopen)
        .await
        .unwrap();
    assert!(!is_customer(db_a.clone(), ctx_a.clone()).await);
    db_a.close().await;
    db_b.close().await;
}
