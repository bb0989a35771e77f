//! What the benchmark binaries share: their `--name N` arguments, medians,
//! the result rows and their Markdown table, and a fresh Postgres database
//! for a run.

use std::time::Duration;

use banco::store::Db;
use uuid::Uuid;

/// The number after `name` in `args` (`--deals 200000`), else `default`.
pub fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The median of some timings.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// One measured operation beside its baseline from the same run.
pub struct Row {
    pub backend: &'static str,
    pub operation: String,
    pub banco: Duration,
    pub baseline_name: &'static str,
    pub baseline: Duration,
}

/// Prints the rows as the Markdown table `BENCHMARKS.md` keeps.
pub fn print_rows(operation_header: &str, rows: &[Row]) {
    println!(
        "| backend | {operation_header} | Banco (median) | baseline | baseline (median) | ratio |"
    );
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {:.2}× |",
            r.backend,
            r.operation,
            ms(r.banco),
            r.baseline_name,
            ms(r.baseline),
            r.banco.as_secs_f64() / r.baseline.as_secs_f64()
        );
    }
}

/// A new database on the server named by `BANCO_BENCH_PG_URL` (or
/// `BANCO_TEST_PG_URL`); `None` (and a note on stderr) without one.
#[allow(dead_code)] // Each bench binary uses one of the two.
pub async fn postgres_db() -> Option<Db> {
    postgres_db_url().await.map(|(db, _)| db)
}

/// [`postgres_db`], with the database's URL (the server's superuser).
#[allow(dead_code)]
pub async fn postgres_db_url() -> Option<(Db, String)> {
    use sqlx::Connection;
    let Ok(admin) =
        std::env::var("BANCO_BENCH_PG_URL").or_else(|_| std::env::var("BANCO_TEST_PG_URL"))
    else {
        eprintln!("Postgres skipped: set BANCO_BENCH_PG_URL or run scripts/bench.sh");
        return None;
    };
    let name = format!("banco_bench_{}", Uuid::now_v7().simple());
    let mut c = sqlx::PgConnection::connect(&admin).await.ok()?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut c)
        .await
        .ok()?;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    let url = format!("{base}/{name}");
    // Set up as a chain server (`banco admin init`); the benchmarks then
    // work as the server's superuser, beside whom row security is measured
    // in banco_bench's "as a staff login" rows.
    let login = format!("bench_{}", &Uuid::now_v7().simple().to_string()[20..]);
    banco::services::admin::init(
        &url,
        "Banco",
        &login,
        "Amministratore",
        banco::model::Password(BENCH_PASSWORD.into()),
    )
    .await
    .ok()?;
    let db = Db::connect(&url).await.ok()?;
    Some((db, url))
}

/// The password of the logins the benchmarks make.
pub const BENCH_PASSWORD: &str = "bench-2026";

/// Runs one statement of set-up SQL on either backend; panics with the
/// statement on failure (a bench's seed must not half-succeed).
#[allow(dead_code)] // Not every bench binary seeds by SQL.
pub async fn exec(db: &Db, sql: &str) {
    match db.pool() {
        banco::store::Pool::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        banco::store::Pool::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}
