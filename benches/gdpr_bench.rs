//! Benchmarks of issue 15 on SQLite and on Postgres, each beside raw SQL
//! of the same work in the same run, on `--deals N` synthetic deals
//! (default 1,000,000; one person per `--deals-per-person` deals, default
//! ten, about 45 % won, so about N/10 people, most of them customers):
//!
//! - **segment classification**: `services::segments::refresh` (every
//!   customer's facts in two grouped reads, the VIP threshold, each
//!   classified, all segments and the day's counts written in one
//!   transaction) against the same two grouped reads and one
//!   `INSERT … SELECT` that writes a segment per customer by hand;
//! - **erasure of one person**: `services::gdpr::erase` (everything of the
//!   person's records anonymised, the index rewritten and, on SQLite,
//!   compacted with FTS5 `optimize`, the WAL emptied) against the same
//!   person's row anonymised and their notes deleted by hand.
//!
//! Run: `cargo bench --bench gdpr_bench -- --deals 2000000
//! --deals-per-person 2` (a million people) with `BANCO_BENCH_PG_URL` set
//! for Postgres.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use banco::services::{gdpr, seed, segments, Ctx};
use banco::store::{Db, Pool};
use common::{arg, exec, median, Row};

const RUNS: usize = 5;

/// The classification's reads and write, by hand.
macro_rules! raw_classify {
    ($pool:expr, $t:expr) => {{
        let won: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
            "SELECT person_id, CAST(COALESCE(SUM(value_minor), 0) AS BIGINT) FROM deals \
             WHERE tenant_id = $1 AND status = 'won' AND person_id IS NOT NULL GROUP BY person_id",
        )
        .bind($t)
        .fetch_all($pool)
        .await
        .unwrap();
        let contacts: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
            "SELECT person_id, COUNT(*) FROM interactions WHERE tenant_id = $1 AND person_id IS NOT NULL \
             GROUP BY person_id",
        )
        .bind($t)
        .fetch_all($pool)
        .await
        .unwrap();
        sqlx::query("DELETE FROM bench_segments").execute($pool).await.unwrap();
        sqlx::query(
            "INSERT INTO bench_segments (person_id, segment) SELECT person_id, \
             CASE WHEN MAX(closed_at) IS NULL THEN 'dormant' ELSE 'regular' END FROM deals \
             WHERE tenant_id = $1 AND status = 'won' AND person_id IS NOT NULL GROUP BY person_id",
        )
        .bind($t)
        .execute($pool)
        .await
        .unwrap();
        std::hint::black_box((won.len(), contacts.len()));
    }};
}

/// One person anonymised and their notes deleted, by hand.
macro_rules! raw_erase {
    ($pool:expr, $t:expr, $id:expr) => {{
        sqlx::query(
            "UPDATE people SET first_name = 'Anonimo', last_name = 'X', phone_e164 = NULL, phone_2_e164 = NULL, \
             email = NULL, email_2 = NULL, tax_code = NULL, search_text = 'anonimo x' \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind($t)
        .bind($id)
        .execute($pool)
        .await
        .unwrap();
        sqlx::query("DELETE FROM notes WHERE tenant_id = $1 AND entity_id = $2")
            .bind($t)
            .bind($id)
            .execute($pool)
            .await
            .unwrap();
    }};
}

async fn bench(name: &'static str, db: Db, n: u64, per_person: u64, rows: &mut Vec<Row>) {
    let sqlite = matches!(db.pool(), Pool::Sqlite(_));
    db.ready().await.unwrap();
    let ctx = Ctx::load(&db, None).await.unwrap();
    let t0 = Instant::now();
    seed::deals_per_person(&db, &ctx, n, 0, 42, per_person, |_, _| {})
        .await
        .unwrap();
    exec(
        &db,
        if sqlite {
            "CREATE TABLE bench_segments (person_id BLOB PRIMARY KEY, segment TEXT)"
        } else {
            "CREATE TABLE bench_segments (person_id uuid PRIMARY KEY, segment text)"
        },
    )
    .await;
    exec(&db, "ANALYZE").await;
    eprintln!(
        "{name}: seeded {n} deals in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let t = ctx.tenant_id();

    // Segment classification.
    let (mut b, mut r) = (Vec::new(), Vec::new());
    let mut customers = 0;
    for _ in 0..RUNS {
        let s = Instant::now();
        let summary = segments::refresh(&db, &ctx).await.unwrap();
        b.push(s.elapsed());
        customers = summary.counts.iter().map(|(_, n)| n).sum::<u64>();
        let s = Instant::now();
        match db.pool() {
            Pool::Sqlite(p) => raw_classify!(p, t),
            Pool::Postgres(p) => raw_classify!(p, t),
        }
        r.push(s.elapsed());
    }
    rows.push(Row {
        backend: name,
        operation: format!("classify {customers} customers ({n} deals)"),
        banco: median(b),
        baseline_name: "the same reads and one INSERT … SELECT by hand",
        baseline: median(r),
    });

    // Erasure of one person among them (a different one each run).
    let people: Vec<uuid::Uuid> = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar("SELECT id FROM people ORDER BY id LIMIT 20")
            .fetch_all(p)
            .await
            .unwrap(),
        Pool::Postgres(p) => sqlx::query_scalar("SELECT id FROM people ORDER BY id LIMIT 20")
            .fetch_all(p)
            .await
            .unwrap(),
    };
    let (mut b, mut r) = (Vec::new(), Vec::new());
    for i in 0..RUNS {
        let s = Instant::now();
        gdpr::erase(&db, &ctx, people[2 * i], None).await.unwrap();
        b.push(s.elapsed());
        let s = Instant::now();
        match db.pool() {
            Pool::Sqlite(p) => raw_erase!(p, t, people[2 * i + 1]),
            Pool::Postgres(p) => raw_erase!(p, t, people[2 * i + 1]),
        }
        r.push(s.elapsed());
    }
    let total: i64 = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar("SELECT COUNT(*) FROM people")
            .fetch_one(p)
            .await
            .unwrap(),
        Pool::Postgres(p) => sqlx::query_scalar("SELECT COUNT(*) FROM people")
            .fetch_one(p)
            .await
            .unwrap(),
    };
    rows.push(Row {
        backend: name,
        operation: format!("erase one person among {total}"),
        banco: median(b),
        baseline_name: "the person's row and notes by hand",
        baseline: median(r),
    });
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = arg(&args, "--deals", 1_000_000);
    let per_person = arg(&args, "--deals-per-person", 10);
    let mut rows = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&banco::store::sqlite_url_in(dir.path()))
        .await
        .unwrap();
    bench("SQLite", db, n, per_person, &mut rows).await;
    // The shop's file (6 GB at a million people) goes before Postgres
    // seeds its own copy.
    drop(dir);
    // Printed as each backend ends: a long Postgres seed cut short keeps
    // SQLite's figures.
    common::print_rows("operation", &rows);
    if let Some(db) = common::postgres_db().await {
        rows.clear();
        bench("Postgres", db, n, per_person, &mut rows).await;
        common::print_rows("operation", &rows);
    }
}
