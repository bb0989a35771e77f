//! Benchmarks of the counter's hot paths on 100,000 seeded leads, on SQLite
//! and on Postgres, each beside a raw-SQL baseline measured in the same run:
//!
//! - **capture with duplicate lookup** (`services::capture::capture_lead`,
//!   half the phones already known) against (a) the same work written as
//!   raw SQL in one transaction — look up the person by phone, insert person
//!   if new, lead, four consents, history — and (b) a single raw `INSERT`
//!   of the lead row;
//! - **lead search** (`services::leads::list`, one page of 50 plus the
//!   total) against the same `SELECT` and `COUNT` written by hand.
//!
//! Run: `scripts/bench.sh` (starts a throwaway Postgres), or `cargo bench`
//! with `BANCO_BENCH_PG_URL` (or `BANCO_TEST_PG_URL`) naming a server where
//! a database may be created. `--leads N` changes the data size;
//! `--only row-security` runs only the chain server's row-security table.
//! Prints a Markdown table; `BENCHMARKS.md` keeps the figures.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use banco::model::{CaptureLead, ConsentChoices, LeadQuery, LeadSort, LeadStatus};
use banco::services::{capture, leads, seed, Ctx};
use banco::store::{Db, Pool};
use chrono::Utc;
use common::{median, Row};
use uuid::Uuid;

const CAPTURES: usize = 200;
const SEARCH_RUNS: usize = 15;

/// Phones of seeded people (for the "known person" half of the captures).
async fn known_phones(db: &Db, n: usize) -> Vec<String> {
    match db.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar(
            "SELECT phone_e164 FROM people WHERE phone_e164 IS NOT NULL LIMIT $1",
        )
        .bind(n as i64)
        .fetch_all(p)
        .await
        .unwrap(),
        Pool::Postgres(p) => sqlx::query_scalar(
            "SELECT phone_e164 FROM people WHERE phone_e164 IS NOT NULL LIMIT $1",
        )
        .bind(n as i64)
        .fetch_all(p)
        .await
        .unwrap(),
    }
}

fn new_phone(i: usize) -> String {
    format!("+39391{:07}", 1_000_000 + i)
}

/// The capture's work as raw SQL in one transaction.
macro_rules! raw_capture {
    ($pool:expr, $ctx:expr, $phone:expr, $begin:expr) => {{
        let t = $ctx.tenant_id();
        let now = Utc::now();
        let mut tx = $begin;
        let found: Option<Uuid> = sqlx::query_scalar("SELECT id FROM people WHERE tenant_id = $1 AND phone_e164 = $2 UNION SELECT id FROM people WHERE tenant_id = $1 AND phone_2_e164 = $2 LIMIT 1")
            .bind(t).bind($phone).fetch_optional(&mut *tx).await.unwrap();
        let person = match found {
            Some(p) => p,
            None => {
                let p = Uuid::now_v7();
                sqlx::query("INSERT INTO people (tenant_id, id, first_name, last_name, phone_e164, is_customer, search_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, false, $6, $7, $7)")
                    .bind(t).bind(p).bind("Bench").bind("Raw").bind($phone).bind("bench raw").bind(now).execute(&mut *tx).await.unwrap();
                p
            }
        };
        let lead = Uuid::now_v7();
        sqlx::query("INSERT INTO leads (tenant_id, id, person_id, store_id, owner_id, status, source_channel, interest, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, 'new', 'store_walkin', 'fibre', $6, $6, $5)")
            .bind(t).bind(lead).bind(person).bind($ctx.user.store_id).bind($ctx.user.id).bind(now).execute(&mut *tx).await.unwrap();
        for kind in ["service_contact", "marketing", "profiling", "third_parties"] {
            sqlx::query("INSERT INTO consents (tenant_id, id, person_id, lead_id, kind, granted, text_version, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, true, '2026-01', $6, $7)")
                .bind(t).bind(Uuid::now_v7()).bind(person).bind(lead).bind(kind).bind(now).bind($ctx.user.id).execute(&mut *tx).await.unwrap();
        }
        sqlx::query("INSERT INTO lead_events (tenant_id, id, lead_id, kind, user_id, at) VALUES ($1, $2, $3, 'created', $4, $5)")
            .bind(t).bind(Uuid::now_v7()).bind(lead).bind($ctx.user.id).bind(now).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }};
}

/// One raw INSERT of a lead row for an existing person, in its own transaction.
macro_rules! raw_insert {
    ($pool:expr, $ctx:expr, $person:expr, $begin:expr) => {{
        let now = Utc::now();
        let mut tx = $begin;
        sqlx::query("INSERT INTO leads (tenant_id, id, person_id, store_id, owner_id, status, source_channel, interest, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, 'new', 'store_walkin', 'fibre', $6, $6, $5)")
            .bind($ctx.tenant_id()).bind(Uuid::now_v7()).bind($person).bind($ctx.user.store_id).bind($ctx.user.id).bind(now).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }};
}

const RAW_COLS: &str =
    "SELECT l.id, l.person_id, p.first_name, p.last_name, p.phone_e164, p.email, l.status, \
    l.source_channel, l.interest, l.store_id, s.name, u.display_name, l.created_at";
const RAW_JOINS: &str = " JOIN people p ON p.tenant_id = l.tenant_id AND p.id = l.person_id \
    LEFT JOIN stores s ON s.tenant_id = l.tenant_id AND s.id = l.store_id \
    LEFT JOIN users u ON u.tenant_id = l.tenant_id AND u.id = l.owner_id";
const RAW_PEOPLE: &str = " JOIN people p ON p.tenant_id = l.tenant_id AND p.id = l.person_id";

/// The list query written by hand in the same shape Banco uses (count with
/// only the joins it needs; page ids first, then their details): `cond` is
/// extra SQL on `$2` (the pattern or status), `order` the ORDER BY.
macro_rules! raw_search {
    ($pool:expr, $t:expr, $cond:expr, $arg:expr, $order:expr) => {{
        let people_in_cond = if $cond.contains("p.") { RAW_PEOPLE } else { "" };
        let people_in_page = if $cond.contains("p.") || $order.contains("p.") { RAW_PEOPLE } else { "" };
        let count_sql = format!("SELECT COUNT(*) FROM leads l{people_in_cond} WHERE l.tenant_id = $1{}", $cond);
        let page_sql = format!(
            "{RAW_COLS} FROM (SELECT l.id AS page_id FROM leads l{people_in_page} WHERE l.tenant_id = $1{} \
             ORDER BY {} LIMIT 50) page JOIN leads l ON l.tenant_id = $1 AND l.id = page.page_id{RAW_JOINS} ORDER BY {}",
            $cond, $order, $order
        );
        let mut q = sqlx::query_scalar::<_, i64>(&count_sql).bind($t);
        if let Some(a) = $arg.clone() {
            q = q.bind(a);
        }
        let _total = q.fetch_one($pool).await.unwrap();
        let mut q = sqlx::query(&page_sql).bind($t);
        if let Some(a) = $arg.clone() {
            q = q.bind(a);
        }
        let rows = q.fetch_all($pool).await.unwrap();
        std::hint::black_box(rows.len());
    }};
}

async fn bench(name: &'static str, db: Db, n: u64, rows: &mut Vec<Row>) {
    db.ready().await.unwrap();
    let ctx = Ctx::load(&db, None).await.unwrap();
    let t0 = Instant::now();
    seed::seed(&db, &ctx, n, 42, |_, _| {}).await.unwrap();
    eprintln!(
        "{name}: seeded {n} leads in {:.1} s",
        t0.elapsed().as_secs_f64()
    );

    // Capture with duplicate lookup.
    let known = known_phones(&db, CAPTURES / 2).await;
    let phones: Vec<String> = (0..CAPTURES)
        .map(|i| {
            if i % 2 == 0 {
                known[i / 2 % known.len()].clone()
            } else {
                new_phone(i)
            }
        })
        .collect();
    let mut banco_times = Vec::new();
    for p in &phones {
        let input = CaptureLead {
            first_name: "Bench".into(),
            last_name: "Capture".into(),
            phone: p.clone(),
            consents: ConsentChoices {
                service_contact: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let s = Instant::now();
        capture::capture_lead(&db, &ctx, input).await.unwrap();
        banco_times.push(s.elapsed());
    }
    let raw_phones: Vec<String> = (0..CAPTURES)
        .map(|i| {
            if i % 2 == 0 {
                known[i / 2 % known.len()].clone()
            } else {
                new_phone(CAPTURES + i)
            }
        })
        .collect();
    let mut raw_times = Vec::new();
    let mut insert_times = Vec::new();
    let person: Uuid = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar("SELECT id FROM people LIMIT 1")
            .fetch_one(p)
            .await
            .unwrap(),
        Pool::Postgres(p) => sqlx::query_scalar("SELECT id FROM people LIMIT 1")
            .fetch_one(p)
            .await
            .unwrap(),
    };
    for p in &raw_phones {
        let s = Instant::now();
        match db.pool() {
            Pool::Sqlite(pool) => raw_capture!(
                pool,
                ctx,
                p,
                pool.begin_with("BEGIN IMMEDIATE").await.unwrap()
            ),
            Pool::Postgres(pool) => raw_capture!(pool, ctx, p, pool.begin().await.unwrap()),
        }
        raw_times.push(s.elapsed());
        let s = Instant::now();
        match db.pool() {
            Pool::Sqlite(pool) => raw_insert!(
                pool,
                ctx,
                person,
                pool.begin_with("BEGIN IMMEDIATE").await.unwrap()
            ),
            Pool::Postgres(pool) => raw_insert!(pool, ctx, person, pool.begin().await.unwrap()),
        }
        insert_times.push(s.elapsed());
    }
    let capture = median(banco_times);
    rows.push(Row {
        backend: name,
        operation: "capture with duplicate lookup".into(),
        banco: capture,
        baseline_name: "same work in raw SQL",
        baseline: median(raw_times),
    });
    rows.push(Row {
        backend: name,
        operation: "capture with duplicate lookup".into(),
        banco: capture,
        baseline_name: "one raw INSERT of the lead",
        baseline: median(insert_times),
    });

    // Lead search.
    let t = ctx.tenant_id();
    type Case = (
        &'static str,
        LeadQuery,
        &'static str,
        Option<String>,
        &'static str,
    );
    let q = |f: &dyn Fn(&mut LeadQuery)| {
        let mut q = LeadQuery {
            limit: 50,
            ..Default::default()
        };
        f(&mut q);
        q
    };
    let cases: Vec<Case> = vec![
        (
            "first page, no filter",
            q(&|_| {}),
            "",
            None,
            "l.created_at DESC, l.id DESC",
        ),
        (
            "search by last name",
            q(&|q| q.search = Some("esposito".into())),
            " AND p.search_text LIKE $2",
            Some("%esposito%".into()),
            "l.created_at DESC, l.id DESC",
        ),
        (
            "search by phone digits",
            q(&|q| q.search = Some("333 12".into())),
            " AND p.search_text LIKE $2",
            Some("%33312%".into()),
            "l.created_at DESC, l.id DESC",
        ),
        (
            "filter by status",
            q(&|q| q.statuses = vec![LeadStatus::Qualified]),
            " AND l.status = $2",
            Some("qualified".into()),
            "l.created_at DESC, l.id DESC",
        ),
        (
            "sort by name",
            q(&|q| q.sort = LeadSort::Name),
            "",
            None,
            "p.last_name, p.first_name, l.id",
        ),
    ];
    for (label, query, cond, arg, order) in cases {
        let mut b = Vec::new();
        let mut r = Vec::new();
        for _ in 0..SEARCH_RUNS {
            let s = Instant::now();
            std::hint::black_box(leads::list(&db, &ctx, &query).await.unwrap());
            b.push(s.elapsed());
            let s = Instant::now();
            match db.pool() {
                Pool::Sqlite(pool) => raw_search!(pool, t, cond, arg, order),
                Pool::Postgres(pool) => raw_search!(pool, t, cond, arg, order),
            }
            r.push(s.elapsed());
        }
        rows.push(Row {
            backend: name,
            operation: format!("lead search: {label}"),
            banco: median(b),
            baseline_name: "same SELECT + COUNT as raw SQL",
            baseline: median(r),
        });
    }
    if db.backend() == banco::store::Backend::Sqlite {
        db.close().await;
    }
}

/// The same service calls on Postgres as a staff login of the first store,
/// within the row security, beside the server's superuser, to whom no
/// policy applies (the data `bench` seeded, plus 20,000 deals).
async fn row_security(db: &Db, url: &str, rows: &mut Vec<Row>) {
    use banco::services::{deals, search, staff};
    let owner = Ctx::load(db, None).await.unwrap();
    seed::deals(db, &owner, 20_000, 5_000, 7, |_, _| {})
        .await
        .unwrap();
    let login = format!("bench_staff_{}", &Uuid::now_v7().simple().to_string()[20..]);
    staff::add_user(
        db,
        &owner,
        banco::model::NewUser {
            display_name: "Bench Staff".into(),
            role: banco::model::Role::Staff,
            store_id: owner.user.store_id,
            login: login.clone(),
            password: banco::model::Password(common::BENCH_PASSWORD.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (staff_db, staff) = banco::services::sign_in::sign_in_server(
        url,
        &login,
        banco::model::Password(common::BENCH_PASSWORD.into()),
    )
    .await
    .unwrap();
    let page = LeadQuery {
        limit: 50,
        ..Default::default()
    };
    let by_name = LeadQuery {
        limit: 50,
        search: Some("esposito".into()),
        ..Default::default()
    };
    let filter = banco::model::DealFilter {
        pipeline_id: Some(
            banco::services::pipelines::list(db, &owner)
                .await
                .unwrap()
                .remove(0)
                .id,
        ),
        ..Default::default()
    };
    for (label, runs) in [
        ("lead list, first page", SEARCH_RUNS),
        ("lead list, search by last name", SEARCH_RUNS),
        ("search box", SEARCH_RUNS),
        ("deal board", SEARCH_RUNS),
        ("capture with duplicate lookup", CAPTURES / 4),
    ] {
        let mut as_staff = Vec::new();
        let mut as_owner = Vec::new();
        for i in 0..runs {
            for (who_db, who, times) in [
                (&staff_db, &staff, &mut as_staff),
                (db, &owner, &mut as_owner),
            ] {
                let s = Instant::now();
                match label {
                    "lead list, first page" => {
                        std::hint::black_box(leads::list(who_db, who, &page).await.unwrap());
                    }
                    "lead list, search by last name" => {
                        std::hint::black_box(leads::list(who_db, who, &by_name).await.unwrap());
                    }
                    "search box" => {
                        std::hint::black_box(
                            search::search(who_db, who, "esposito", 10).await.unwrap(),
                        );
                    }
                    "deal board" => {
                        std::hint::black_box(deals::board(who_db, who, &filter, 20).await.unwrap());
                    }
                    _ => {
                        let input = CaptureLead {
                            first_name: "Bench".into(),
                            last_name: "Rls".into(),
                            phone: new_phone(
                                10_000 + i * 2 + usize::from(who.user.id == owner.user.id),
                            ),
                            store_id: who.user.store_id,
                            consents: ConsentChoices {
                                service_contact: true,
                                ..Default::default()
                            },
                            ..Default::default()
                        };
                        capture::capture_lead(who_db, who, input).await.unwrap();
                    }
                }
                times.push(s.elapsed());
            }
        }
        rows.push(Row {
            backend: "Postgres",
            operation: format!("as a staff login under row security: {label}"),
            banco: median(as_staff),
            baseline_name: "same call as the superuser (no row security)",
            baseline: median(as_owner),
        });
    }
    staff_db.close().await;
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = common::arg(&args, "--leads", 100_000);
    // `--only row-security`: only the chain server's staff-login-versus-
    // superuser table, on freshly seeded data (for work on the policies).
    let only_row_security = args
        .windows(2)
        .any(|w| w[0] == "--only" && w[1] == "row-security");
    let mut rows = Vec::new();

    if !only_row_security {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&banco::store::sqlite_url_in(dir.path()))
            .await
            .unwrap();
        bench("SQLite", db, n, &mut rows).await;
    }

    if let Some((db, url)) = common::postgres_db_url().await {
        if only_row_security {
            db.ready().await.unwrap();
            let ctx = Ctx::load(&db, None).await.unwrap();
            seed::seed(&db, &ctx, n, 42, |_, _| {}).await.unwrap();
        } else {
            bench("Postgres", db.clone(), n, &mut rows).await;
        }
        row_security(&db, &url, &mut rows).await;
        db.close().await;
    }

    common::print_rows(&format!("operation ({n} leads)"), &rows);
}
