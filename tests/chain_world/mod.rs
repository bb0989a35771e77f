//! The world the chain attack suite (tests/chain.rs) attacks: tenant 1 with real data in two stores, made through the services, and tenant 2, a copy of all of it made by the owner; plus the helpers that count what a login sees.
#![allow(dead_code)]

use std::collections::BTreeMap;

use banco::model::*;
use banco::services::{admin, calls, capture, deals, leads, meetings, notes, tickets, Ctx};
use banco::store::Db;
use sqlx::{Connection, PgConnection, Row};
use uuid::Uuid;

use crate::common::{self, as_login, unique_login, walk_in, PG_PASSWORD};

/// How each table's rows belong to store B (its own scoping columns).
/// Every table with one of these columns must be listed here or in
/// [`TENANT_WIDE`].
pub const STORE_SCOPED: &[(&str, &str)] = &[
    ("leads", "store"),
    ("deals", "store"),
    ("lead_notes", "lead_id"),
    ("lead_events", "lead_id"),
    ("lead_attributions", "lead_id"),
    ("deal_lines", "deal_id"),
    ("deal_events", "deal_id"),
    ("contracts", "deal_id"),
    ("contract_events", "deal_id"),
    ("notes", "entity_id"),
    ("documents", "entity_id"),
    ("record_events", "entity_id"),
    ("interactions", "entity_id"),
    ("meetings", "entity_id"),
    ("search_docs", "entity_id"),
    ("note_revisions", "note_id"),
    ("note_mentions", "note_id"),
    ("meeting_participants", "meeting_id"),
    ("tickets", "entity_id"),
    ("tasks", "entity_id"),
    ("ticket_milestones", "ticket_id"),
    ("kit_deals", "ticket_id"),
];

/// Tables with a store, lead or record column whose rows are the whole
/// tenant's: a person's consents (given at any store, needed at every
/// one), the tenant's staff, its conversion rules and its automation rules
/// (whose store is a filter of the rule).
pub const TENANT_WIDE: &[&str] = &[
    "consents",
    "users",
    "user_stores",
    "conversion_rules",
    "automation_rules",
];

/// The attacker's and the owner's view of the same server.
pub struct World {
    pub owner: String,
    pub t1: Uuid,
    pub t2: Uuid,
    pub store_b: Uuid,
    /// Ids of store B's records and of what hangs on them.
    pub b_ids: Vec<Uuid>,
    pub staff_a: String,
    pub admin_1: String,
    /// Every table with a `tenant_id`, and its columns an INSERT may name.
    pub tables: BTreeMap<String, Vec<String>>,
}

pub async fn pg(url: &str) -> PgConnection {
    PgConnection::connect(url).await.expect("connect")
}

pub async fn count(conn: &mut PgConnection, sql: &str, ids: &[Uuid]) -> i64 {
    let q = sqlx::query_scalar::<_, i64>(sql);
    let q = if sql.contains("$1") { q.bind(ids) } else { q };
    q.fetch_one(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub fn sqlstate(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.code().map(|c| c.to_string()).unwrap_or_default(),
        other => format!("{other}"),
    }
}

/// Signs `login` in as a desk would: its own pool and context.
pub async fn desk(owner: &str, login: &str) -> (Db, Ctx) {
    let server = {
        let mut u = url::Url::parse(owner).unwrap();
        u.set_username("").unwrap();
        u.to_string()
    };
    banco::services::sign_in::sign_in_server(&server, login, Password(PG_PASSWORD.into()))
        .await
        .unwrap()
}

pub async fn add_user(owner_db: &Db, login: &str, name: &str, role: Role, store: Uuid) -> Uuid {
    admin::add_user(
        owner_db,
        "Banco",
        NewUser {
            display_name: name.into(),
            email: String::new(),
            role,
            store_id: Some(store),
            stores: Vec::new(),
            login: login.into(),
            password: Password(PG_PASSWORD.into()),
        },
    )
    .await
    .unwrap()
    .id
}

/// Tenant 1 with data in stores A and B, tenant 2 its copy.
pub async fn world() -> World {
    let (owner, admin_url) = common::fresh_chain().await;
    let owner_db = Db::connect_owner(&owner).await.unwrap();
    let tenant = admin::tenant_named(&owner_db, "Banco").await.unwrap();
    let store_a = admin::store_named(&owner_db, &tenant, "S01")
        .await
        .unwrap()
        .id;
    let store_b = admin::add_store(&owner_db, "Banco", "Negozio B")
        .await
        .unwrap()
        .id;
    let (staff_a, staff_b, manager_a) = (
        unique_login("anna"),
        unique_login("bruno"),
        unique_login("marta"),
    );
    add_user(&owner_db, &staff_a, "Anna A", Role::Staff, store_a).await;
    add_user(&owner_db, &staff_b, "Bruno B", Role::Staff, store_b).await;
    add_user(
        &owner_db,
        &manager_a,
        "Marta A",
        Role::StoreManager,
        store_a,
    )
    .await;

    // Store B's work, by Bruno at his desk.
    let (db_b, ctx_b) = desk(&owner, &staff_b).await;
    let mut lead = walk_in("Beatrice", "Bianchi", "333 111 2222", "bea@example.it");
    lead.store_id = Some(store_b);
    let lead_b = capture::capture_lead(&db_b, &ctx_b, lead).await.unwrap();
    // A second customer of store B, whose lead stays open.
    let mut open = walk_in("Carla", "Neri", "333 555 6666", "");
    open.store_id = Some(store_b);
    capture::capture_lead(&db_b, &ctx_b, open).await.unwrap();
    leads::add_note(&db_b, &ctx_b, lead_b.lead.id, "vuole la fibra")
        .await
        .unwrap();
    let pipeline = banco::services::pipelines::list(&db_b, &ctx_b)
        .await
        .unwrap()
        .remove(0)
        .id;
    let deal_b = deals::create(
        &db_b,
        &ctx_b,
        NewDeal {
            pipeline_id: Some(pipeline),
            title: "Fibra Bianchi".into(),
            person_id: Some(lead_b.person.id),
            lead_id: Some(lead_b.lead.id),
            store_id: Some(store_b),
            lines: vec![DealLine {
                id: Uuid::now_v7(),
                product: "Fibra FTTH".into(),
                quantity: 1,
                one_off_minor: 0,
                monthly_minor: 2_990,
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let note = notes::add(
        &db_b,
        &ctx_b,
        &NewNote {
            entity_type: EntityType::Deal,
            entity_id: deal_b.deal.id,
            kind: NoteKind::General,
            body: "Prima versione".into(),
            pinned: false,
        },
    )
    .await
    .unwrap();
    notes::edit(
        &db_b,
        &ctx_b,
        note.id,
        &NoteEdit {
            kind: NoteKind::General,
            body: "Seconda versione, @Anna A vede?".into(),
            pinned: true,
        },
    )
    .await
    .unwrap();
    notes::attach(
        &db_b,
        &ctx_b,
        EntityType::Deal,
        deal_b.deal.id,
        "contratto.txt",
        b"contratto firmato",
    )
    .await
    .unwrap();
    // The admin calls and meets on store B's deal (with a reason, in case
    // the test runs in the tenant's quiet hours).
    let db_1 = Db::connect(&admin_url).await.unwrap();
    let ctx_1 = Ctx::load(&db_1, None).await.unwrap();
    let call = calls::start(
        &db_1,
        &ctx_1,
        &StartCall {
            entity_type: EntityType::Deal,
            entity_id: deal_b.deal.id,
            phone: None,
            purpose: ContactPurpose::Service,
            override_reason: Some("prova".into()),
        },
    )
    .await
    .unwrap();
    calls::record_outcome(
        &db_1,
        &ctx_1,
        call.interaction.id,
        &OutcomeInput {
            outcome: CallOutcome::CallBack,
            duration_seconds: Some(30),
            note: None,
            call_back_at: Some(chrono::Utc::now() + chrono::Duration::days(1)),
        },
    )
    .await
    .unwrap();
    meetings::schedule(
        &db_1,
        &ctx_1,
        &NewMeeting {
            entity_type: EntityType::Deal,
            entity_id: deal_b.deal.id,
            title: "Firma".into(),
            starts_at: chrono::Utc::now() + chrono::Duration::days(2),
            duration_minutes: 30,
            participants: vec![ctx_b.user.id],
            customer_email: None,
            override_reason: Some("prova".into()),
        },
    )
    .await
    .unwrap();
    // A ticket on store B's deal, with a milestone and its task.
    tickets::save_template(
        &db_1,
        &ctx_1,
        "Attivazione",
        TicketKind::Activation,
        None,
        vec![TemplateMilestone {
            name: "Ordine".into(),
            tasks: vec![TemplateTask {
                title: "Inserire l'ordine".into(),
                due_days: 1,
            }],
        }],
    )
    .await
    .unwrap();
    tickets::open(
        &db_1,
        &ctx_1,
        &NewTicket {
            entity_type: Some(EntityType::Deal),
            entity_id: Some(deal_b.deal.id),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    deals::move_deal(
        &db_1,
        &ctx_1,
        deal_b.deal.id,
        &DealMove::Won {
            contract_start: None,
        },
    )
    .await
    .unwrap();
    // Store A's own lead, by Anna.
    let (db_a, ctx_a) = desk(&owner, &staff_a).await;
    let mut lead = walk_in("Aldo", "Alberti", "333 333 4444", "");
    lead.store_id = Some(store_a);
    capture::capture_lead(&db_a, &ctx_a, lead).await.unwrap();
    for db in [db_a, db_b, db_1, owner_db] {
        db.close().await;
    }

    // Tenant 2: the owner copies all of tenant 1 (as the cluster's
    // superuser, without the foreign-key triggers of the copy).
    let t1 = tenant.id;
    let t2 = Uuid::now_v7();
    let mut o = pg(&owner).await;
    let tables = tenant_tables(&mut o).await;
    sqlx::raw_sql("SET session_replication_role = replica")
        .execute(&mut o)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO tenants (id, name, default_region, consent_text_version, currency, created_at, idle_lock_minutes) \
         SELECT $2, 'Catena Due', default_region, consent_text_version, currency, created_at, idle_lock_minutes \
         FROM tenants WHERE id = $1",
    )
    .bind(t1)
    .bind(t2)
    .execute(&mut o)
    .await
    .unwrap();
    for (table, cols) in tables.iter().filter(|(t, _)| *t != "tenants") {
        let select: Vec<String> = cols
            .iter()
            .map(|c| match c.as_str() {
                "tenant_id" => "$2".to_string(),
                "login" | "password_hash" => "NULL".to_string(),
                other => format!("\"{other}\""),
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE tenant_id = $1",
            cols.iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", "),
            select.join(", ")
        );
        sqlx::query(&sql)
            .bind(t1)
            .bind(t2)
            .execute(&mut o)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    // Store B's ids: its leads and deals, then what hangs on them.
    let mut b_ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM leads WHERE tenant_id = $1 AND store_id = $2 \
         UNION SELECT id FROM deals WHERE tenant_id = $1 AND store_id = $2",
    )
    .bind(t1)
    .bind(store_b)
    .fetch_all(&mut o)
    .await
    .unwrap();
    for table in ["notes", "meetings", "interactions", "documents", "tickets"] {
        let more: Vec<Uuid> = sqlx::query_scalar(&format!(
            "SELECT id FROM {table} WHERE tenant_id = $1 AND entity_id = ANY($2)"
        ))
        .bind(t1)
        .bind(&b_ids)
        .fetch_all(&mut o)
        .await
        .unwrap();
        b_ids.extend(more);
    }
    o.close().await.unwrap();
    World {
        t1,
        t2,
        store_b,
        b_ids,
        staff_a: as_login(&owner, &staff_a),
        admin_1: admin_url,
        owner,
        tables,
    }
}

/// Every table of `public` with a `tenant_id`, with its columns that an
/// INSERT may name (not generated).
pub async fn tenant_tables(conn: &mut PgConnection) -> BTreeMap<String, Vec<String>> {
    let rows = sqlx::query(
        "SELECT c.relname::text AS t, a.attname::text AS col FROM pg_class c \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' \
           AND a.attgenerated = '' \
           AND EXISTS (SELECT 1 FROM pg_attribute t WHERE t.attrelid = c.oid AND t.attname = 'tenant_id') \
         ORDER BY c.relname, a.attnum",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows {
        tables
            .entry(r.get::<String, _>("t"))
            .or_default()
            .push(r.get("col"));
    }
    // tenants' tenant_id is generated from id; it is still a tenant table.
    tables.entry("tenants".into()).or_default();
    tables
}

/// The rows of `table` that belong to store B, as a WHERE clause over
/// `$1` (store B's ids) within tenant 1.
pub fn store_b_rows(table: &str, w: &World) -> Option<String> {
    STORE_SCOPED
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, col)| {
            let own = if *col == "store" {
                format!("store_id = '{}'", w.store_b)
            } else {
                format!("{col} = ANY($1)")
            };
            format!("tenant_id = '{}' AND {own}", w.t1)
        })
}

/// What the login `url` can see of tenant 2 and of store B, table by table.
pub async fn seen(url: &str, w: &World, check_store_b: bool) -> BTreeMap<String, (i64, i64)> {
    let mut conn = pg(url).await;
    let mut out = BTreeMap::new();
    for table in w.tables.keys() {
        let other = count(
            &mut conn,
            &format!("SELECT COUNT(*) FROM {table} WHERE tenant_id <> '{}'", w.t1),
            &[],
        )
        .await;
        let b = match store_b_rows(table, w).filter(|_| check_store_b) {
            Some(clause) => {
                count(
                    &mut conn,
                    &format!("SELECT COUNT(*) FROM {table} WHERE {clause}"),
                    &w.b_ids,
                )
                .await
            }
            None => 0,
        };
        out.insert(table.clone(), (other, b));
    }
    conn.close().await.unwrap();
    out
}
