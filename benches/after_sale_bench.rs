//! Benchmarks after the sale (issue 16) on SQLite and on Postgres, each
//! beside the same query written by hand and run in the same run, on
//! `--contracts N` contracts (default 1,000,000: one per synthetic deal,
//! spread over every status) and two tasks per contract (2,000,000, spread
//! over 20 users, one in five open, due over two months):
//!
//! - **My tasks**: `services::tasks::list` (a user's open tasks, first 100
//!   by due time, with each task's record title, assignee and ticket, and
//!   the count) against the same count and `SELECT` by hand;
//! - **Customers list**: `services::contracts::customers` (first page of
//!   people and companies with a contract, by name) against the same three
//!   reads by hand (customers counted, names walked with an `EXISTS`
//!   probe, the page's contracts grouped) and against the first design
//!   (every contract grouped, then paged), unfiltered and filtered to the
//!   renewals of one month;
//! - **contracts list**: `services::contracts::list`, first page.
//!
//! Run: `cargo bench --bench after_sale_bench -- --contracts 1000000` with
//! `BANCO_BENCH_PG_URL` set for Postgres.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use banco::model::{ContractFilter, NewUser, Role, TaskQuery};
use banco::services::{contracts, seed, staff, tasks, Ctx};
use banco::store::{Db, Pool};
use common::{arg, exec, median, Row};

const RUNS: usize = 15;
const USERS: i64 = 20;

/// Contracts for every deal and two tasks each, by set-based SQL.
fn seed_sql(sqlite: bool) -> Vec<String> {
    let (status, kind, start, ends, task_id, due, mod_) = if sqlite {
        (
            "CASE d.rowid % 5 WHEN 0 THEN 'signed' WHEN 1 THEN 'activation_requested' WHEN 2 THEN 'active' WHEN 3 THEN 'suspended' ELSE 'ceased' END",
            "CASE d.rowid % 4 WHEN 0 THEN 'electricity' WHEN 1 THEN 'gas' WHEN 2 THEN 'mobile' ELSE 'fixed_line' END",
            "substr(d.created_at, 1, 10)",
            "date(substr(d.created_at, 1, 10), '+24 months', '-1 day')",
            "randomblob(16)",
            "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-30 days', '+' || ((d.rowid * 7 + k.n) % 60) || ' days')",
            "d.rowid",
        )
    } else {
        (
            "CASE abs(hashtext(d.id::text)::bigint) % 5 WHEN 0 THEN 'signed' WHEN 1 THEN 'activation_requested' WHEN 2 THEN 'active' WHEN 3 THEN 'suspended' ELSE 'ceased' END",
            "CASE abs(hashtext(d.id::text)::bigint) % 4 WHEN 0 THEN 'electricity' WHEN 1 THEN 'gas' WHEN 2 THEN 'mobile' ELSE 'fixed_line' END",
            "d.created_at::date",
            "(d.created_at::date + interval '24 months')::date - 1",
            "gen_random_uuid()",
            "now() - interval '30 days' + ((abs(hashtext(d.id::text)::bigint) * 7 + k.n) % 60) * interval '1 day'",
            "abs(hashtext(d.id::text)::bigint)",
        )
    };
    vec![
        format!(
            "INSERT INTO contracts (tenant_id, id, deal_id, person_id, company_id, offer, start_date, \
             one_off_minor, monthly_minor, currency, created_at, status, kind, duration_months, ends_on) \
             SELECT d.tenant_id, d.id, d.id, d.person_id, d.company_id, d.title, {start}, d.one_off_minor, \
             d.monthly_minor, d.currency, d.created_at, {status}, {kind}, 24, {ends} FROM deals d"
        ),
        format!(
            "INSERT INTO tasks (tenant_id, id, title, kind, status, due_at, assignee_id, store_id, \
             entity_type, entity_id, created_at) \
             SELECT d.tenant_id, {task_id}, 'Richiamare ' || d.title, 'todo', \
             CASE WHEN ({mod_} + k.n) % 5 = 0 THEN 'open' ELSE 'done' END, {due}, \
             (SELECT u.id FROM bench_users u WHERE u.n = (({mod_} + k.n) / 5) % {USERS}), d.store_id, 'deal', d.id, d.created_at \
             FROM deals d CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1) k"
        ),
    ]
}

/// "My tasks" by hand: the count, then the first 100 with their names.
macro_rules! raw_my_tasks {
    ($pool:expr, $t:expr, $user:expr) => {{
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tasks WHERE tenant_id = $1 AND status = 'open' AND assignee_id = $2",
        )
        .bind($t)
        .bind($user)
        .fetch_one($pool)
        .await
        .unwrap();
        let rows = sqlx::query(
            "SELECT t.id, t.title, t.due_at, u.display_name, d.title, k.title FROM tasks t \
             LEFT JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.assignee_id \
             LEFT JOIN deals d ON d.tenant_id = t.tenant_id AND d.id = t.entity_id \
             LEFT JOIN tickets k ON k.tenant_id = t.tenant_id AND k.id = t.ticket_id \
             WHERE t.tenant_id = $1 AND t.status = 'open' AND t.assignee_id = $2 \
             ORDER BY COALESCE(t.due_at, t.created_at), t.id LIMIT 100",
        )
        .bind($t)
        .bind($user)
        .fetch_all($pool)
        .await
        .unwrap();
        std::hint::black_box((n, rows.len()));
    }};
}

/// The Customers list by hand, the way the store reads it: the customers
/// counted (`DISTINCT`), the page's customers by walking names with an
/// `EXISTS` probe, then only their contracts grouped. `$naive` instead
/// groups every contract and pages the groups (the first design), shown
/// as a second baseline.
macro_rules! raw_customers {
    ($pool:expr, $t:expr, $window:expr, $naive:expr) => {{
        let (first, last): (chrono::NaiveDate, chrono::NaiveDate) = $window;
        let window = "k.tenant_id = $1 AND k.ends_on >= $2 AND k.ends_on <= $3";
        let aggregates = "SELECT CASE WHEN k.company_id IS NOT NULL THEN 'company' ELSE 'person' END AS entity_type, \
             COALESCE(k.company_id, k.person_id) AS entity_id, COUNT(*) AS contracts, \
             SUM(CASE WHEN k.status = 'active' THEN 1 ELSE 0 END) AS active, \
             SUM(CASE WHEN k.status IN ('active', 'suspended') THEN k.monthly_minor ELSE 0 END) AS monthly, \
             MIN(CASE WHEN k.status <> 'ceased' THEN k.ends_on END) AS next_end FROM contracts k";
        let group = "GROUP BY CASE WHEN k.company_id IS NOT NULL THEN 'company' ELSE 'person' END, COALESCE(k.company_id, k.person_id)";
        let names = "LEFT JOIN people p ON g.entity_type = 'person' AND p.tenant_id = $1 AND p.id = g.entity_id \
             LEFT JOIN companies co ON g.entity_type = 'company' AND co.tenant_id = $1 AND co.id = g.entity_id";
        if $naive {
            let grouped = format!("{aggregates} WHERE {window} AND COALESCE(k.company_id, k.person_id) IS NOT NULL {group}");
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM ({grouped}) g"))
                .bind($t).bind(first).bind(last).fetch_one($pool).await.unwrap();
            let rows = sqlx::query(&format!(
                "SELECT g.*, COALESCE(co.name, p.first_name || ' ' || p.last_name) FROM ({grouped}) g {names} \
                 ORDER BY COALESCE(co.name_key, p.search_text), g.entity_id LIMIT 50"
            ))
            .bind($t).bind(first).bind(last).fetch_all($pool).await.unwrap();
            std::hint::black_box((n, rows.len()));
        } else {
            let n: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM (SELECT DISTINCT k.company_id, CASE WHEN k.company_id IS NULL THEN k.person_id END \
                 FROM contracts k WHERE {window} AND (k.company_id IS NOT NULL OR k.person_id IS NOT NULL)) g"
            ))
            .bind($t).bind(first).bind(last).fetch_one($pool).await.unwrap();
            let keys: Vec<(String, uuid::Uuid, String)> = sqlx::query_as(&format!(
                "SELECT 'person', p.id, p.search_text FROM people p WHERE p.tenant_id = $1 AND EXISTS \
                 (SELECT 1 FROM contracts k WHERE {window} AND k.person_id = p.id AND k.company_id IS NULL) \
                 UNION ALL SELECT 'company', co.id, co.name_key FROM companies co WHERE co.tenant_id = $1 AND EXISTS \
                 (SELECT 1 FROM contracts k WHERE {window} AND k.company_id = co.id) ORDER BY 3, 2 LIMIT 50"
            ))
            .bind($t).bind(first).bind(last).fetch_all($pool).await.unwrap();
            // The page's ids bound as $4, $5, …: companies first, then people.
            let ordered: Vec<uuid::Uuid> = keys.iter().filter(|k| k.0 == "company")
                .chain(keys.iter().filter(|k| k.0 == "person")).map(|k| k.1).collect();
            let n_companies = keys.iter().filter(|k| k.0 == "company").count();
            let marks: Vec<String> = (0..ordered.len()).map(|i| format!("${}", i + 4)).collect();
            let (companies, people) = marks.split_at(n_companies);
            let list = |ids: &[String]| if ids.is_empty() { "NULL".to_string() } else { ids.join(", ") };
            let sql = format!(
                "SELECT g.*, COALESCE(co.name, p.first_name || ' ' || p.last_name) FROM ({aggregates} WHERE {window} \
                 AND (k.company_id IN ({}) OR (k.company_id IS NULL AND k.person_id IN ({}))) {group}) g {names} \
                 ORDER BY COALESCE(co.name_key, p.search_text), g.entity_id LIMIT 50",
                list(companies),
                list(people)
            );
            let mut q = sqlx::query(&sql).bind($t).bind(first).bind(last);
            for id in &ordered {
                q = q.bind(*id);
            }
            let rows = q.fetch_all($pool).await.unwrap();
            std::hint::black_box((n, rows.len()));
        }
    }};
}

async fn bench(name: &'static str, db: Db, n: u64, rows: &mut Vec<Row>) {
    let sqlite = matches!(db.pool(), Pool::Sqlite(_));
    db.ready().await.unwrap();
    let ctx = Ctx::load(&db, None).await.unwrap();
    let t0 = Instant::now();
    seed::deals(&db, &ctx, n, 0, 42, |_, _| {}).await.unwrap();
    let mut users = Vec::new();
    for i in 0..USERS {
        let u = staff::add_user(
            &db,
            &ctx,
            NewUser {
                display_name: format!("Addetto {i}"),
                role: Role::Staff,
                store_id: ctx.user.store_id,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        users.push(u.id);
    }
    exec(
        &db,
        if sqlite {
            "CREATE TABLE bench_users (n INTEGER PRIMARY KEY, id BLOB)"
        } else {
            "CREATE TABLE bench_users (n INTEGER PRIMARY KEY, id uuid)"
        },
    )
    .await;
    let values: Vec<String> = users
        .iter()
        .enumerate()
        .map(|(i, id)| {
            if sqlite {
                format!("({i}, X'{}')", id.simple())
            } else {
                format!("({i}, '{id}')")
            }
        })
        .collect();
    exec(
        &db,
        &format!(
            "INSERT INTO bench_users (n, id) VALUES {}",
            values.join(", ")
        ),
    )
    .await;
    for sql in seed_sql(sqlite) {
        exec(&db, &sql).await;
    }
    exec(&db, "ANALYZE").await;
    eprintln!(
        "{name}: seeded {n} contracts and {} tasks in {:.1} s",
        2 * n,
        t0.elapsed().as_secs_f64()
    );
    let t = ctx.tenant_id();
    let clerk = Ctx::load(&db, Some(users[7])).await.unwrap();
    let today = chrono::Utc::now().date_naive();

    // My tasks.
    let (mut b, mut r) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let s = Instant::now();
        let page = tasks::list(
            &db,
            &clerk,
            &TaskQuery {
                limit: Some(100),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        b.push(s.elapsed());
        assert!(page.total > 0, "the clerk has open tasks");
        let s = Instant::now();
        match db.pool() {
            Pool::Sqlite(p) => raw_my_tasks!(p, t, users[7]),
            Pool::Postgres(p) => raw_my_tasks!(p, t, users[7]),
        }
        r.push(s.elapsed());
    }
    rows.push(Row {
        backend: name,
        operation: format!("My tasks, first 100 ({} tasks)", 2 * n),
        banco: median(b),
        baseline_name: "same count + SELECT by hand",
        baseline: median(r),
    });

    // The Customers list: all, and one month's renewals.
    let month = today.checked_add_months(chrono::Months::new(3)).unwrap();
    let window_all = (
        chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2999, 12, 31).unwrap(),
    );
    let first = month.with_day0(0).unwrap_or(month);
    let window_month = (
        first,
        first
            .checked_add_months(chrono::Months::new(1))
            .unwrap()
            .pred_opt()
            .unwrap(),
    );
    for (label, filter, window) in [
        (
            "Customers list, first page",
            ContractFilter::default(),
            window_all,
        ),
        (
            "Customers list, renewals of one month",
            ContractFilter {
                renews_in: Some(first.format("%Y-%m").to_string()),
                ..Default::default()
            },
            window_month,
        ),
    ] {
        let (mut b, mut r, mut naive) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS.min(7) {
            let s = Instant::now();
            std::hint::black_box(contracts::customers(&db, &ctx, &filter).await.unwrap());
            b.push(s.elapsed());
            let s = Instant::now();
            match db.pool() {
                Pool::Sqlite(p) => raw_customers!(p, t, window, false),
                Pool::Postgres(p) => raw_customers!(p, t, window, false),
            }
            r.push(s.elapsed());
            let s = Instant::now();
            match db.pool() {
                Pool::Sqlite(p) => raw_customers!(p, t, window, true),
                Pool::Postgres(p) => raw_customers!(p, t, window, true),
            }
            naive.push(s.elapsed());
        }
        let banco = median(b);
        rows.push(Row {
            backend: name,
            operation: format!("{label} ({n} contracts)"),
            banco,
            baseline_name: "same three reads by hand",
            baseline: median(r),
        });
        rows.push(Row {
            backend: name,
            operation: format!("{label} ({n} contracts)"),
            banco,
            baseline_name: "every contract grouped, then paged (first design)",
            baseline: median(naive),
        });
    }
    db.close().await;
}

use chrono::Datelike;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = arg(&args, "--contracts", 1_000_000);
    let mut rows = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&banco::store::sqlite_url_in(dir.path()))
        .await
        .unwrap();
    bench("SQLite", db, n, &mut rows).await;
    if let Some(db) = common::postgres_db().await {
        bench("Postgres", db, n, &mut rows).await;
    }
    common::print_rows("operation", &rows);
}
