//! Benchmarks of the search box and of duplicate detection on SQLite and on
//! Postgres, each beside a baseline measured in the same run, on `--people
//! N` (default 1,000,000) people, `--companies M` (200,000) companies and
//! `--notes K` (1,000,000) notes:
//!
//! - **search** (`services::search::search`: fold, index lookup, grouping,
//!   note targets) for a name prefix, a phone suffix, a company word and
//!   city, a note word, and a typo (the fuzzy path), against the same index
//!   query written by hand (SQLite FTS5 `MATCH`, Postgres `tsvector @@`);
//!   and the name query against the substring scan it replaces (`LIKE
//!   '%…%'` over `people.search_text`);
//! - **duplicate lookup at capture** (`capture::find_matches_with_name`:
//!   phone, e-mail and same name) against the three indexed lookups by hand;
//! - **duplicate scan on demand** (`duplicates::scan` over every person)
//!   against reading the same keys with one `SELECT`.
//!
//! Run: `scripts/bench.sh` (every bench, throwaway Postgres) or
//! `cargo bench --bench records_bench -- --people 200000` with
//! `BANCO_BENCH_PG_URL` set.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use banco::model::EntityType;
use banco::services::{capture, duplicates, search, seed, Ctx};
use banco::store::{Db, Pool};
use common::{arg, median, Row};
use uuid::Uuid;

const SEARCH_RUNS: usize = 15;
const CAPTURE_RUNS: usize = 50;

/// The index queries by hand, as the search's prefix path runs them:
/// names ranked, then anywhere unranked.
async fn raw_index(db: &Db, tenant: Uuid, terms: &[String]) -> usize {
    match db.pool() {
        Pool::Sqlite(p) => {
            let q = terms
                .iter()
                .map(|t| format!("\"{t}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            let select = "SELECT d.entity_type, d.entity_id, d.title, d.subtitle FROM search_fts f \
                 JOIN search_docs d ON d.rowid = f.rowid WHERE search_fts MATCH $1 AND d.tenant_id = $2";
            let a: Vec<(String, Uuid, String, String)> = sqlx::query_as(&format!(
                "{select} ORDER BY bm25(search_fts, 10.0, 1.0) LIMIT 200"
            ))
            .bind(format!("name_key : ({q})"))
            .bind(tenant)
            .fetch_all(p)
            .await
            .unwrap();
            let b: Vec<(String, Uuid, String, String)> =
                sqlx::query_as(&format!("{select} ORDER BY f.rowid DESC LIMIT 200"))
                    .bind(q)
                    .bind(tenant)
                    .fetch_all(p)
                    .await
                    .unwrap();
            a.len() + b.len()
        }
        Pool::Postgres(p) => {
            let q = |w: &str| {
                terms
                    .iter()
                    .map(|t| format!("{t}:*{w}"))
                    .collect::<Vec<_>>()
                    .join(" & ")
            };
            let a: Vec<(String, Uuid, String, String)> = sqlx::query_as(
                "SELECT entity_type, entity_id, title, subtitle FROM search_docs \
                 WHERE tenant_id = $1 AND name_tsv @@ to_tsquery('simple', $2) \
                 ORDER BY ts_rank(name_tsv, to_tsquery('simple', $2)) DESC LIMIT 200",
            )
            .bind(tenant)
            .bind(q(""))
            .fetch_all(p)
            .await
            .unwrap();
            let b: Vec<(String, Uuid, String, String)> = sqlx::query_as(
                "SELECT entity_type, entity_id, title, subtitle FROM search_docs \
                 WHERE tenant_id = $1 AND tsv @@ to_tsquery('simple', $2) LIMIT 200",
            )
            .bind(tenant)
            .bind(q(""))
            .fetch_all(p)
            .await
            .unwrap();
            a.len() + b.len()
        }
    }
}

/// The single ranked query over everything (what the first version did):
/// every match is ranked before the best 200 are kept.
async fn ranked_everything(db: &Db, tenant: Uuid, terms: &[String]) -> usize {
    match db.pool() {
        Pool::Sqlite(p) => {
            let q = terms
                .iter()
                .map(|t| format!("\"{t}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            let rows: Vec<(String, Uuid)> = sqlx::query_as(
                "SELECT d.entity_type, d.entity_id FROM search_fts f JOIN search_docs d ON d.rowid = f.rowid \
                 WHERE search_fts MATCH $1 AND d.tenant_id = $2 ORDER BY bm25(search_fts, 10.0, 1.0) LIMIT 200",
            )
            .bind(q)
            .bind(tenant)
            .fetch_all(p)
            .await
            .unwrap();
            rows.len()
        }
        Pool::Postgres(p) => {
            let q = terms
                .iter()
                .map(|t| format!("{t}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            let rows: Vec<(String, Uuid)> = sqlx::query_as(
                "SELECT entity_type, entity_id FROM search_docs WHERE tenant_id = $1 \
                 AND tsv @@ to_tsquery('simple', $2) ORDER BY ts_rank(tsv, to_tsquery('simple', $2)) DESC LIMIT 200",
            )
            .bind(tenant)
            .bind(q)
            .fetch_all(p)
            .await
            .unwrap();
            rows.len()
        }
    }
}

/// What the list search did before the index: a substring scan.
async fn raw_like(db: &Db, tenant: Uuid, terms: &[String]) -> usize {
    let mut sql = "SELECT id FROM people WHERE tenant_id = $1".to_string();
    for (i, _) in terms.iter().enumerate() {
        sql.push_str(&format!(" AND search_text LIKE ${}", i + 2));
    }
    sql.push_str(" LIMIT 200");
    macro_rules! run {
        ($p:expr) => {{
            let mut q = sqlx::query_scalar::<_, Uuid>(&sql).bind(tenant);
            for t in terms {
                q = q.bind(format!("%{t}%"));
            }
            q.fetch_all($p).await.unwrap().len()
        }};
    }
    match db.pool() {
        Pool::Sqlite(p) => run!(p),
        Pool::Postgres(p) => run!(p),
    }
}

/// Capture's three lookups by hand: phone, e-mail, same name.
async fn raw_capture(db: &Db, tenant: Uuid, phone: &str, email: &str, name: &str) -> usize {
    macro_rules! run {
        ($p:expr, $name_sql:expr, $name_arg:expr) => {{
            let a: Vec<Uuid> = sqlx::query_scalar(
                "SELECT id FROM people WHERE tenant_id = $1 AND (phone_e164 = $2 OR phone_2_e164 = $2)",
            )
            .bind(tenant)
            .bind(phone)
            .fetch_all($p)
            .await
            .unwrap();
            let b: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM people WHERE tenant_id = $1 AND email = $2")
                .bind(tenant)
                .bind(email)
                .fetch_all($p)
                .await
                .unwrap();
            let c: Vec<Uuid> = sqlx::query_scalar($name_sql)
                .bind(tenant)
                .bind($name_arg)
                .bind(name)
                .fetch_all($p)
                .await
                .unwrap();
            a.len() + b.len() + c.len()
        }};
    }
    let sql = "SELECT entity_id FROM search_docs WHERE tenant_id = $1 AND entity_type = $2 \
               AND name_key = $3 LIMIT 5";
    match db.pool() {
        Pool::Sqlite(p) => run!(p, sql, "person"),
        Pool::Postgres(p) => run!(p, sql, "person"),
    }
}

async fn time<F, Fut>(runs: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        v.push(t.elapsed());
    }
    median(v)
}

async fn bench(name: &'static str, db: Db, sizes: (u64, u64, u64), rows: &mut Vec<Row>) {
    db.ready().await.unwrap();
    let ctx = Ctx::load(&db, None).await.unwrap();
    let t0 = Instant::now();
    seed::records(&db, &ctx, sizes.0, sizes.1, sizes.2, 42, |_, _| {})
        .await
        .unwrap();
    eprintln!(
        "{name}: seeded {} people, {} companies, {} notes in {:.1} s",
        sizes.0,
        sizes.1,
        sizes.2,
        t0.elapsed().as_secs_f64()
    );
    let tenant = ctx.tenant_id();
    // Warm the caches once.
    search::search(&db, &ctx, "rossi", 6).await.unwrap();

    for (label, query) in [
        ("search: name prefix `mario ross`", "mario ross"),
        ("search: phone suffix `4567`", "4567"),
        (
            "search: company word + city `energia torino`",
            "energia torino",
        ),
        ("search: note word `fotovoltaico`", "fotovoltaico"),
        ("search: typo `giusepe rosi` (fuzzy)", "giusepe rosi"),
    ] {
        let terms = search::terms(query);
        let hits = search::search(&db, &ctx, query, 6).await.unwrap();
        eprintln!(
            "{name}: `{query}` → {} groups, fuzzy {}",
            hits.groups.len(),
            hits.fuzzy
        );
        let banco = time(SEARCH_RUNS, || async {
            std::hint::black_box(search::search(&db, &ctx, query, 6).await.unwrap());
        })
        .await;
        let baseline = time(SEARCH_RUNS, || async {
            std::hint::black_box(raw_index(&db, tenant, &terms).await);
        })
        .await;
        rows.push(Row {
            backend: name,
            operation: label.into(),
            banco,
            baseline_name: "the same index queries by hand",
            baseline,
        });
    }
    let terms = search::terms("fotovoltaico");
    let banco = time(SEARCH_RUNS, || async {
        std::hint::black_box(search::search(&db, &ctx, "fotovoltaico", 6).await.unwrap());
    })
    .await;
    let baseline = time(5, || async {
        std::hint::black_box(ranked_everything(&db, tenant, &terms).await);
    })
    .await;
    rows.push(Row {
        backend: name,
        operation: "search: note word `fotovoltaico`".into(),
        banco,
        baseline_name: "one ranked query over every match",
        baseline,
    });
    let terms = search::terms("mario ross");
    let banco = time(SEARCH_RUNS, || async {
        std::hint::black_box(search::search(&db, &ctx, "mario ross", 6).await.unwrap());
    })
    .await;
    let baseline = time(5, || async {
        std::hint::black_box(raw_like(&db, tenant, &terms).await);
    })
    .await;
    rows.push(Row {
        backend: name,
        operation: "search: name prefix `mario ross`".into(),
        banco,
        baseline_name: "substring scan (`LIKE '%…%'`) of people",
        baseline,
    });

    // Capture: a new walk-in whose name exists with another number.
    let (phone, email, first, last) = ("+393331234567", "nessuno@example.it", "Mario", "Rossi");
    let banco = time(CAPTURE_RUNS, || async {
        std::hint::black_box(
            capture::find_matches_with_name(&db, &ctx, phone, email, first, last)
                .await
                .unwrap(),
        );
    })
    .await;
    let baseline = time(CAPTURE_RUNS, || async {
        std::hint::black_box(raw_capture(&db, tenant, phone, email, "mario rossi").await);
    })
    .await;
    rows.push(Row {
        backend: name,
        operation: "duplicate lookup at capture (phone, e-mail, same name)".into(),
        banco,
        baseline_name: "the three indexed lookups by hand",
        baseline,
    });

    // On demand: every person.
    let t = Instant::now();
    let pairs = duplicates::scan(&db, &ctx, EntityType::Person)
        .await
        .unwrap();
    let banco = t.elapsed();
    let t = Instant::now();
    let keys: Vec<(Uuid, String, String)> = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_as(
            "SELECT id, first_name, last_name FROM people WHERE tenant_id = $1 ORDER BY created_at, id",
        )
        .bind(tenant)
        .fetch_all(p)
        .await
        .unwrap(),
        Pool::Postgres(p) => sqlx::query_as(
            "SELECT id, first_name, last_name FROM people WHERE tenant_id = $1 ORDER BY created_at, id",
        )
        .bind(tenant)
        .fetch_all(p)
        .await
        .unwrap(),
    };
    let baseline = t.elapsed();
    eprintln!(
        "{name}: duplicate scan found {} pairs over {} people",
        pairs.len(),
        keys.len()
    );
    rows.push(Row {
        backend: name,
        operation: format!("duplicate scan of {} people (on demand)", keys.len()),
        banco,
        baseline_name: "reading the names with one SELECT",
        baseline,
    });
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes = (
        arg(&args, "--people", 1_000_000),
        arg(&args, "--companies", 200_000),
        arg(&args, "--notes", 1_000_000),
    );
    let mut rows = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&banco::store::sqlite_url_in(dir.path()))
        .await
        .unwrap();
    bench("SQLite", db, sizes, &mut rows).await;
    if let Some(db) = common::postgres_db().await {
        bench("Postgres", db, sizes, &mut rows).await;
    }
    common::print_rows("operation", &rows);
}
