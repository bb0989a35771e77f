//! A people import run end to end against inserting the same rows by hand with raw SQL in one transaction, on SQLite and Postgres; the import's peak memory at two file sizes; and how long a counter save waits while an import runs.
//!
//! `cargo bench --bench import_run_bench -- [--rows N]` (default 20,000;
//! the figure is `--rows 200000`). Postgres runs when
//! `BANCO_BENCH_PG_URL` (or `BANCO_TEST_PG_URL`) names a server.
//!
//! - Throughput: `import::run` of an N-row people CSV (every row a new
//!   person and lead) against `INSERT INTO people` + `INSERT INTO leads`
//!   of the same N rows in one transaction (the baseline).
//! - Memory: the bench runs itself as a child (`--peak-kib ROWS`) that
//!   imports ROWS rows into a fresh SQLite file and prints its peak
//!   resident size (`VmHWM` of `/proc/self/status`), for N/4 and N rows.
//! - Counter latency: while an N-row import runs, a capture is saved
//!   every 100 ms on the same database through the counter's save
//!   (`outbox::save`); the median, 95th-percentile and slowest answer,
//!   how many took over 250 ms, and how many
//!   went in at once or waited in the outbox until the import ended.

#[allow(dead_code)]
mod common;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use banco::model::{DuplicatePolicy, ImportRequest, SavedCapture, SourceChannel};
use banco::services::{import, outbox, Ctx};
use banco::store::outbox::Outbox;
use banco::store::{sqlite_url_in, Db, Pool};
use common::{arg, ms, postgres_db, print_rows, Row};
use uuid::Uuid;

/// The `i`-th row's first and last name (real names: the import checks
/// that a name column holds names).
fn names(i: u64) -> (&'static str, &'static str) {
    const FIRST: [&str; 8] = [
        "Mario", "Anna", "Luca", "Giulia", "Marco", "Sara", "Paolo", "Elena",
    ];
    const LAST: [&str; 8] = [
        "Rossi", "Bianchi", "Russo", "Ferrari", "Esposito", "Romano", "Gallo", "Conti",
    ];
    (FIRST[(i % 8) as usize], LAST[((i / 8) % 8) as usize])
}

/// An N-row people file: names, a mobile, an e-mail, a note.
fn people_file(dir: &Path, n: u64) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join(format!("people-{n}.csv"));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    writeln!(f, "Nome;Cognome;Cellulare;Email;Note").expect("write");
    for i in 0..n {
        let (first, last) = names(i);
        writeln!(
            f,
            "{first};{last};+39 3{:09};cliente{i}@esempio.it;nota {i}",
            i % 1_000_000_000
        )
        .expect("write");
    }
    f.flush().expect("flush");
    path
}

async fn sqlite(dir: &Path) -> (Db, Ctx) {
    let db = Db::connect(&sqlite_url_in(dir)).await.expect("sqlite");
    db.ready().await.expect("migrate");
    let ctx = Ctx::load(&db, None).await.expect("ctx");
    (db, ctx)
}

fn request(path: &Path) -> ImportRequest {
    let preview = import::preview(path).expect("preview");
    ImportRequest {
        path: path.display().to_string(),
        mapping: preview.mapping,
        duplicates: DuplicatePolicy::Create,
        default_source: SourceChannel::Import,
        store_id: None,
        phone_region: None,
        custom_columns: Vec::new(),
    }
}

async fn run_import(db: &Db, ctx: &Ctx, request: &ImportRequest) -> Duration {
    let cancel = AtomicBool::new(false);
    let t = Instant::now();
    let report = import::run(db, ctx, request, |_, _| {}, &cancel)
        .await
        .expect("import");
    assert_eq!(report.summary.rejected, 0);
    t.elapsed()
}

/// The same rows inserted by hand in transaction `$tx`: one person and
/// one lead each, with the values the import writes.
macro_rules! raw_rows {
    ($tx:expr, $ctx:expr, $n:expr) => {{
        let (tenant, now) = ($ctx.tenant_id(), chrono::Utc::now());
        let mut tx = $tx;
        for i in 0..$n {
            let (person, lead) = (Uuid::now_v7(), Uuid::now_v7());
            sqlx::query(
                "INSERT INTO people (tenant_id, id, first_name, last_name, phone_e164, email, \
                 is_customer, search_text, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, $8)",
            )
            .bind(tenant)
            .bind(person)
            .bind(names(i).0)
            .bind(names(i).1)
            .bind(format!("+393{:09}", i % 1_000_000_000))
            .bind(format!("cliente{i}@esempio.it"))
            .bind(format!("{} {}", names(i).0, names(i).1).to_lowercase())
            .bind(now)
            .execute(&mut *tx)
            .await
            .expect("person");
            sqlx::query(
                "INSERT INTO leads (tenant_id, id, person_id, store_id, owner_id, status, \
                 source_channel, interest, note, created_at, updated_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, 'new', 'import', 'other', $6, $7, $7, $5)",
            )
            .bind(tenant)
            .bind(lead)
            .bind(person)
            .bind($ctx.user.store_id)
            .bind($ctx.user.id)
            .bind(format!("Note: nota {i}"))
            .bind(now)
            .execute(&mut *tx)
            .await
            .expect("lead");
        }
        tx.commit().await.expect("commit");
    }};
}

/// [`raw_rows!`] of `n` rows, timed.
async fn raw_insert(db: &Db, ctx: &Ctx, n: u64) -> Duration {
    let t = Instant::now();
    match db.pool() {
        Pool::Sqlite(p) => raw_rows!(p.begin().await.expect("begin"), ctx, n),
        Pool::Postgres(p) => raw_rows!(p.begin().await.expect("begin"), ctx, n),
    }
    t.elapsed()
}

/// What the counter met during an import.
struct CounterDuring {
    /// How long each save took to answer, sorted.
    waits: Vec<Duration>,
    /// Saves the database took at once.
    delivered: usize,
    /// Saves that waited in the outbox, all sent once the import ended.
    queued: usize,
}

/// Saves a capture every 100 ms through the counter's save
/// (`outbox::save`) while an import of `request` runs, then sends what
/// waited.
async fn counter_during(db: &Db, ctx: &Ctx, request: &ImportRequest) -> CounterDuring {
    let dir = tempfile::tempdir().expect("outbox dir");
    let outbox = Outbox::open(dir.path()).await.expect("outbox");
    let (db2, ctx2, request) = (db.clone(), ctx.clone(), request.clone());
    let import = tokio::spawn(async move { run_import(&db2, &ctx2, &request).await });
    let mut during = CounterDuring {
        waits: Vec::new(),
        delivered: 0,
        queued: 0,
    };
    let mut n = 0u32;
    while !import.is_finished() {
        tokio::time::sleep(Duration::from_millis(100)).await;
        n += 1;
        let t = Instant::now();
        let saved = outbox::save(
            db,
            ctx,
            &outbox,
            banco::model::CaptureLead {
                first_name: "Banco".into(),
                last_name: format!("Durante{n}"),
                phone: format!("+39 351 {:07}", n),
                ..Default::default()
            },
        )
        .await;
        during.waits.push(t.elapsed());
        match saved {
            Ok(SavedCapture::Delivered(_)) => during.delivered += 1,
            Ok(SavedCapture::Queued { .. }) => during.queued += 1,
            Err(e) => eprintln!("a counter save during the import failed: {e}"),
        }
    }
    import.await.expect("import task");
    // What still waits goes now; a save that came right after the import's
    // commit may already have sent the older captures ahead of itself.
    let sent = outbox::send(db, ctx, &outbox).await.expect("send");
    let key = db.outbox_key().expect("a file database");
    let left = outbox.waiting_of(key, ctx.user.id).await.expect("outbox");
    assert_eq!((left, sent.refused), (0, 0), "{sent:?}");
    outbox.close().await;
    during.waits.sort();
    during
}

/// The throughput row of `backend`: the import of `n` rows beside the raw
/// insert of the same rows.
fn throughput(backend: &'static str, n: u64, banco: Duration, baseline: Duration) -> Row {
    Row {
        backend,
        operation: format!("people import, {n} rows, every row a new person and lead"),
        banco,
        baseline_name: "raw INSERT of the same people and leads, one transaction",
        baseline,
    }
}

/// Peak resident memory of this process, KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(rows) = args
        .iter()
        .position(|a| a == "--peak-kib")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<u64>().ok())
    {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = people_file(dir.path(), rows);
        let (db, ctx) = sqlite(dir.path()).await;
        let before = peak_kib();
        run_import(&db, &ctx, &request(&file)).await;
        println!("{before} {}", peak_kib());
        return;
    }
    let n = arg(&args, "--rows", 20_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = people_file(dir.path(), n);
    let request = request(&file);
    let mut rows = Vec::new();

    let a = tempfile::tempdir().expect("temp dir");
    let (db, ctx) = sqlite(a.path()).await;
    let banco = run_import(&db, &ctx, &request).await;
    let b = tempfile::tempdir().expect("temp dir");
    let (raw_db, raw_ctx) = sqlite(b.path()).await;
    let baseline = raw_insert(&raw_db, &raw_ctx, n).await;
    rows.push(throughput("sqlite", n, banco, baseline));
    let c = tempfile::tempdir().expect("temp dir");
    let (db, ctx) = sqlite(c.path()).await;
    let waits = counter_during(&db, &ctx, &request).await;
    let mut latency = vec![("sqlite", waits)];

    if let (Some(db), Some(raw_db)) = (postgres_db().await, postgres_db().await) {
        let ctx = Ctx::load(&db, None).await.expect("ctx");
        let raw_ctx = Ctx::load(&raw_db, None).await.expect("ctx");
        let banco = run_import(&db, &ctx, &request).await;
        let baseline = raw_insert(&raw_db, &raw_ctx, n).await;
        rows.push(throughput("postgres", n, banco, baseline));
        if let Some(fresh) = postgres_db().await {
            let ctx = Ctx::load(&fresh, None).await.expect("ctx");
            latency.push(("postgres", counter_during(&fresh, &ctx, &request).await));
        }
    }
    print_rows("operation", &rows);

    println!();
    println!(
        "| backend | counter saves during the import | median answer | 95th percentile | slowest answer | \
         over 250 ms | in the database at once | in the outbox, sent when the import ended |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (backend, during) in &latency {
        let waits = &during.waits;
        if waits.is_empty() {
            continue;
        }
        println!(
            "| {backend} | {} | {} | {} | {} | {} | {} | {} |",
            waits.len(),
            ms(waits[waits.len() / 2]),
            ms(waits[(waits.len() * 95 / 100).min(waits.len() - 1)]),
            ms(waits[waits.len() - 1]),
            waits
                .iter()
                .filter(|w| **w > Duration::from_millis(250))
                .count(),
            during.delivered,
            during.queued
        );
    }

    println!();
    println!("| rows in the file | file size | peak resident memory of the import process |");
    println!("|---|---|---|");
    let me = std::env::current_exe().expect("this bench");
    for rows in [n / 4, n] {
        let out = std::process::Command::new(&me)
            .args(["--peak-kib", &rows.to_string()])
            .output()
            .expect("child");
        let text = String::from_utf8_lossy(&out.stdout);
        let peak: Vec<u64> = text
            .split_whitespace()
            .filter_map(|v| v.parse().ok())
            .collect();
        let size = std::fs::metadata(people_file(dir.path(), rows))
            .map(|m| m.len())
            .unwrap_or(0);
        println!(
            "| {rows} | {:.1} MiB | {:.1} MiB |",
            size as f64 / 1_048_576.0,
            peak.get(1).copied().unwrap_or(0) as f64 / 1024.0
        );
    }
}
