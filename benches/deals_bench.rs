//! Benchmarks of deals on SQLite and on Postgres, each beside a raw-SQL
//! baseline measured in the same run, on `--deals N` synthetic deals
//! (default 1,000,000) of which `--open M` (default 10,000) are open in the
//! first pipeline:
//!
//! - **board load** (`services::deals::board`: stage totals and 100 cards
//!   per column) against the same `GROUP BY` and card `SELECT`s by hand;
//! - **stage move** (`services::deals::move_deal`) against the same read,
//!   `UPDATE` and timeline `INSERT` in one raw transaction;
//! - **KPI report** (`services::kpi::report`, every table) over all time
//!   and over one month, against the same main aggregates written by hand,
//!   and against one bare aggregate scan of the deals (the floor).
//!
//! Run: `scripts/bench.sh` (both benches, throwaway Postgres) or
//! `cargo bench --bench deals_bench -- --deals 200000` with
//! `BANCO_BENCH_PG_URL` set.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use banco::model::{DealFilter, DealMove, KpiRange};
use banco::services::{deals, kpi, pipelines, seed, Ctx};
use banco::store::{Db, Pool};
use chrono::{Duration as Days, NaiveDate, NaiveTime, Utc};
use common::{arg, median, Row};
use uuid::Uuid;

const BOARD_RUNS: usize = 15;
const MOVES: usize = 200;
const KPI_RUNS: usize = 5;

/// The board's queries by hand: stage totals, then 100 cards per stage.
macro_rules! raw_board {
    ($pool:expr, $t:expr, $p:expr, $stages:expr) => {{
        let stats: Vec<(Uuid, i64, i64, i64)> = sqlx::query_as(
            "SELECT stage_id, COUNT(*), CAST(SUM(value_minor) AS BIGINT), CAST(SUM(value_minor * probability) AS BIGINT) \
             FROM deals WHERE tenant_id = $1 AND pipeline_id = $2 AND status = 'open' GROUP BY stage_id",
        )
        .bind($t)
        .bind($p)
        .fetch_all($pool)
        .await
        .unwrap();
        std::hint::black_box(stats.len());
        for s in $stages {
            let rows = sqlx::query(
                "SELECT d.id, d.title, p.first_name, p.last_name, u.display_name, d.value_minor, d.monthly_minor, \
                 d.probability, d.expected_close, d.stage_entered_at FROM deals d \
                 LEFT JOIN people p ON p.tenant_id = d.tenant_id AND p.id = d.person_id \
                 LEFT JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.owner_id \
                 WHERE d.tenant_id = $1 AND d.pipeline_id = $2 AND d.status = 'open' AND d.stage_id = $3 \
                 ORDER BY d.stage_entered_at, d.id LIMIT 100",
            )
            .bind($t)
            .bind($p)
            .bind(*s)
            .fetch_all($pool)
            .await
            .unwrap();
            std::hint::black_box(rows.len());
        }
    }};
}

/// A stage move by hand: read, update, timeline entry, one transaction.
macro_rules! raw_move {
    ($tx:expr, $t:expr, $deal:expr, $stage:expr, $user:expr) => {{
        let mut tx = $tx;
        let now = Utc::now();
        let (_status, _from): (String, Uuid) =
            sqlx::query_as("SELECT status, stage_id FROM deals WHERE tenant_id = $1 AND id = $2")
                .bind($t)
                .bind($deal)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        sqlx::query(
            "UPDATE deals SET stage_id = $3, stage_entered_at = $4, probability = $5, updated_at = $4 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind($t)
        .bind($deal)
        .bind($stage)
        .bind(now)
        .bind(30i32)
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO deal_events (tenant_id, id, deal_id, kind, from_stage_id, to_stage_id, user_id, at) \
             VALUES ($1, $2, $3, 'stage_moved', $4, $5, $6, $7)",
        )
        .bind($t)
        .bind(Uuid::now_v7())
        .bind($deal)
        .bind(_from)
        .bind($stage)
        .bind($user)
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }};
}

/// The report's main aggregates by hand: closed deals per pipeline, stage
/// stays (window function), forecast, owners.
macro_rules! raw_kpi {
    ($pool:expr, $t:expr, $days:expr, $month:expr, $g:expr, $from:expr, $to:expr) => {{
        let a: Vec<(Uuid, String, i64, i64, f64)> = sqlx::query_as(&format!(
            "SELECT pipeline_id, status, COUNT(*), CAST(SUM(value_minor) AS BIGINT), \
             CAST(SUM({}) AS DOUBLE PRECISION) FROM deals WHERE tenant_id = $1 AND status IN ('won', 'lost') \
             AND closed_at >= $2 AND closed_at < $3 GROUP BY {g}status, {g}pipeline_id",
            $days("created_at", "closed_at"),
            g = $g
        ))
        .bind($t)
        .bind($from)
        .bind($to)
        .fetch_all($pool)
        .await
        .unwrap();
        let b: Vec<(Uuid, i64, f64)> = sqlx::query_as(&format!(
            "SELECT to_stage_id, COUNT(*), CAST(SUM({}) AS DOUBLE PRECISION) FROM deal_events \
             WHERE tenant_id = $1 AND left_at IS NOT NULL AND to_stage_id IS NOT NULL \
             AND left_at >= $2 AND left_at < $3 GROUP BY to_stage_id",
            $days("at", "left_at")
        ))
        .bind($t)
        .bind($from)
        .bind($to)
        .fetch_all($pool)
        .await
        .unwrap();
        let c: Vec<(Uuid, String, i64)> = sqlx::query_as(&format!(
            "SELECT pipeline_id, {m}, COUNT(*) FROM deals WHERE tenant_id = $1 AND status = 'open' \
             AND expected_close IS NOT NULL GROUP BY {g}pipeline_id, {m}",
            m = $month,
            g = $g
        ))
        .bind($t)
        .fetch_all($pool)
        .await
        .unwrap();
        let d: Vec<(Option<Uuid>, String, i64, i64)> = sqlx::query_as(
            "SELECT owner_id, status, COUNT(*), CAST(SUM(value_minor) AS BIGINT) FROM deals WHERE tenant_id = $1 \
             AND status IN ('won', 'lost') AND closed_at >= $2 AND closed_at < $3 GROUP BY owner_id, status",
        )
        .bind($t)
        .bind($from)
        .bind($to)
        .fetch_all($pool)
        .await
        .unwrap();
        std::hint::black_box((a.len(), b.len(), c.len(), d.len()));
    }};
}

macro_rules! raw_scan {
    ($pool:expr, $t:expr) => {{
        let r: (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(SUM(value_minor) AS BIGINT) FROM deals WHERE tenant_id = $1",
        )
        .bind($t)
        .fetch_one($pool)
        .await
        .unwrap();
        std::hint::black_box(r);
    }};
}

fn sqlite_days(a: &str, b: &str) -> String {
    format!("julianday({b}) - julianday({a})")
}

fn pg_days(a: &str, b: &str) -> String {
    format!("EXTRACT(EPOCH FROM ({b} - {a})) / 86400.0")
}

async fn bench(name: &'static str, db: Db, n: u64, open: u64, rows: &mut Vec<Row>) {
    db.ready().await.unwrap();
    let ctx = Ctx::load(&db, None).await.unwrap();
    let t0 = Instant::now();
    seed::deals(&db, &ctx, n, open, 42, |_, _| {})
        .await
        .unwrap();
    eprintln!(
        "{name}: seeded {n} deals ({open} open) in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let t = ctx.tenant_id();
    let fisso = pipelines::list(&db, &ctx).await.unwrap()[0].clone();
    let stages: Vec<Uuid> = fisso.stages.iter().map(|s| s.id).collect();
    let filter = DealFilter {
        pipeline_id: Some(fisso.id),
        ..Default::default()
    };

    // Board load.
    let (mut b, mut r) = (Vec::new(), Vec::new());
    for _ in 0..BOARD_RUNS {
        let s = Instant::now();
        let board = deals::board(&db, &ctx, &filter, 100).await.unwrap();
        b.push(s.elapsed());
        assert_eq!(
            board.columns.iter().map(|c| c.count).sum::<u64>(),
            open,
            "every open deal is counted"
        );
        let s = Instant::now();
        match db.pool() {
            Pool::Sqlite(p) => raw_board!(p, t, fisso.id, &stages),
            Pool::Postgres(p) => raw_board!(p, t, fisso.id, &stages),
        }
        r.push(s.elapsed());
    }
    rows.push(Row {
        backend: name,
        operation: format!("board load ({open} open deals, 100 cards per column)"),
        banco: median(b),
        baseline_name: "same GROUP BY + card SELECTs as raw SQL",
        baseline: median(r),
    });

    // Stage moves: open cards of every column, each to the next stage;
    // Banco and the raw baseline alternate over different deals.
    let board = deals::board(&db, &ctx, &filter, MOVES as u64)
        .await
        .unwrap();
    let cards: Vec<(Uuid, Uuid)> = board
        .columns
        .iter()
        .enumerate()
        .flat_map(|(i, col)| {
            let next = stages[(i + 1) % stages.len()];
            col.cards.iter().map(move |c| (c.id, next))
        })
        .collect();
    assert!(cards.len() >= MOVES * 2, "enough open deals to move");
    let (mut b, mut r) = (Vec::new(), Vec::new());
    for i in 0..MOVES {
        let (deal, to) = cards[2 * i];
        let s = Instant::now();
        deals::move_deal(&db, &ctx, deal, &DealMove::Stage { stage_id: to })
            .await
            .unwrap();
        b.push(s.elapsed());
        let (deal, to) = cards[2 * i + 1];
        let s = Instant::now();
        match db.pool() {
            Pool::Sqlite(p) => raw_move!(
                p.begin_with("BEGIN IMMEDIATE").await.unwrap(),
                t,
                deal,
                to,
                ctx.user.id
            ),
            Pool::Postgres(p) => raw_move!(p.begin().await.unwrap(), t, deal, to, ctx.user.id),
        }
        r.push(s.elapsed());
    }
    rows.push(Row {
        backend: name,
        operation: "stage move".into(),
        banco: median(b),
        baseline_name: "read + UPDATE + timeline INSERT as raw SQL",
        baseline: median(r),
    });

    // KPI report: all time and one month.
    let today = Utc::now().date_naive();
    let month_ago = today - Days::days(30);
    for (label, range) in [
        ("all time", KpiRange::default()),
        (
            "last 30 days",
            KpiRange {
                from: Some(month_ago),
                to: Some(today),
            },
        ),
    ] {
        let from = range
            .from
            .unwrap_or(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap())
            .and_time(NaiveTime::MIN)
            .and_utc();
        let to = (range.to.unwrap_or(today) + Days::days(1))
            .and_time(NaiveTime::MIN)
            .and_utc();
        let (mut b, mut r, mut f) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..KPI_RUNS {
            let s = Instant::now();
            std::hint::black_box(kpi::report(&db, &ctx, range).await.unwrap());
            b.push(s.elapsed());
            let s = Instant::now();
            match db.pool() {
                Pool::Sqlite(p) => {
                    raw_kpi!(
                        p,
                        t,
                        sqlite_days,
                        "substr(expected_close, 1, 7)",
                        "+",
                        from,
                        to
                    )
                }
                Pool::Postgres(p) => raw_kpi!(
                    p,
                    t,
                    pg_days,
                    "to_char(expected_close, 'YYYY-MM')",
                    "",
                    from,
                    to
                ),
            }
            r.push(s.elapsed());
            let s = Instant::now();
            match db.pool() {
                Pool::Sqlite(p) => raw_scan!(p, t),
                Pool::Postgres(p) => raw_scan!(p, t),
            }
            f.push(s.elapsed());
        }
        let banco = median(b);
        rows.push(Row {
            backend: name,
            operation: format!("KPI report, {label} ({n} deals)"),
            banco,
            baseline_name: "main aggregates as raw SQL",
            baseline: median(r),
        });
        rows.push(Row {
            backend: name,
            operation: format!("KPI report, {label} ({n} deals)"),
            banco,
            baseline_name: "one COUNT + SUM scan of deals",
            baseline: median(f),
        });
    }
    db.close().await;
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = arg(&args, "--deals", 1_000_000);
    let open = arg(&args, "--open", 10_000).min(n);
    let mut rows = Vec::new();

    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&banco::store::sqlite_url_in(dir.path()))
        .await
        .unwrap();
    bench("SQLite", db, n, open, &mut rows).await;

    if let Some(db) = common::postgres_db().await {
        bench("Postgres", db, n, open, &mut rows).await;
    }

    common::print_rows("operation", &rows);
}
