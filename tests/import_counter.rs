//! The counter during an import on a shop's embedded database: the import holds SQLite's one write lock for its whole, all-or-nothing transaction, so a counter save made meanwhile goes to the desk's outbox at once and into the database, exactly once, as soon as the import ends — committed or cancelled.
//!
//! The import is held still mid-way (its progress callback waits for the
//! test), so what the counter meets is certain, not a race.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

use banco::model::*;
use banco::services::{import, outbox, Ctx};
use banco::store::outbox::Outbox;
use banco::store::Db;
use uuid::Uuid;

use common::walk_in;

/// A semicolon-separated export of `rows` new people, as Italian Excel
/// writes it.
fn people_file(dir: &Path, rows: u64) -> PathBuf {
    use std::io::Write;
    let path = dir.join(format!("persone-{rows}.csv"));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    const FIRST: [&str; 6] = ["Mario", "Anna", "Lucia", "Paolo", "Elena", "Franco"];
    const LAST: [&str; 6] = ["Rossi", "Russo", "Ferrari", "Esposito", "Romano", "Conti"];
    writeln!(f, "Nome;Cognome;Cellulare;Email").unwrap();
    for i in 0..rows {
        let (first, last) = (FIRST[(i % 6) as usize], LAST[((i / 6) % 6) as usize]);
        writeln!(f, "{first};{last};+39 320 {i:07};importato.{i}@esempio.it").unwrap();
    }
    f.flush().unwrap();
    path
}

fn request(path: &Path) -> ImportRequest {
    let preview = import::preview(path).unwrap();
    common::import_request(
        &path.display().to_string(),
        &preview,
        DuplicatePolicy::Create,
    )
}

fn pool(db: &Db) -> &sqlx::SqlitePool {
    match db.pool() {
        banco::store::Pool::Sqlite(p) => p,
        banco::store::Pool::Postgres(_) => unreachable!("a shop's database"),
    }
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool(db)).await.unwrap()
}

/// An import of `rows` rows that stops after its first progress report
/// until `resume` is sent (`started` says it got there), with `cancel`.
struct HeldImport {
    started: tokio::sync::oneshot::Receiver<()>,
    resume: mpsc::Sender<()>,
    cancel: Arc<AtomicBool>,
    done: tokio::task::JoinHandle<banco::Result<ImportReport>>,
}

fn held_import(db: &Db, ctx: &Ctx, request: ImportRequest) -> HeldImport {
    let (started_tx, started) = tokio::sync::oneshot::channel();
    let (resume, resume_rx) = mpsc::channel::<()>();
    let cancel = Arc::new(AtomicBool::new(false));
    let (db, ctx, flag) = (db.clone(), ctx.clone(), cancel.clone());
    let done = tokio::spawn(async move {
        let mut started_tx = Some(started_tx);
        let progress = move |_done: u64, _total: u64| {
            if let Some(tx) = started_tx.take() {
                let _ = tx.send(());
                // Holds the import (and its write lock) still.
                resume_rx.recv().unwrap();
            }
        };
        import::run(&db, &ctx, &request, progress, &flag).await
    });
    HeldImport {
        started,
        resume,
        cancel,
        done,
    }
}

fn queued(saved: SavedCapture) -> (Uuid, QueuedBecause) {
    match saved {
        SavedCapture::Queued {
            lead_id, because, ..
        } => (lead_id, because),
        other => panic!("expected the capture to wait in the outbox, got {other:?}"),
    }
}

async fn leads_with_ids(db: &Db, ids: &[Uuid]) -> i64 {
    let mut n = 0;
    for id in ids {
        let one: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM leads WHERE id = ?")
            .bind(id)
            .fetch_one(pool(db))
            .await
            .unwrap();
        n += one;
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_save_during_an_import_waits_in_the_outbox_and_goes_in_right_after_it() {
    let t = common::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let file = people_file(dir.path(), 1_000);
    let outbox = Outbox::open(dir.path()).await.unwrap();
    let before = count(&t.db, "SELECT COUNT(*) FROM leads").await;

    let mut held = held_import(&t.db, &t.ctx, request(&file));
    (&mut held.started).await.unwrap();
    // The import is mid-way and holds the write lock: the counter answers
    // anyway, its capture kept in the outbox.
    let first = walk_in(
        "Giorgia",
        "Marini",
        "+39 347 123 4567",
        "giorgia@esempio.it",
    );
    let (a, why_a) = queued(outbox::save(&t.db, &t.ctx, &outbox, first).await.unwrap());
    assert_eq!(why_a, QueuedBecause::Busy);
    // A second one waits behind it, so the two keep their order.
    let second = walk_in("Dario", "Fontana", "333 765 4321", "");
    let (b, why_b) = queued(outbox::save(&t.db, &t.ctx, &outbox, second).await.unwrap());
    assert_eq!(why_b, QueuedBecause::Behind);
    let status = outbox::status(&t.db, &outbox).await.unwrap();
    assert_eq!((status.offline, status.waiting), (false, 2));
    // Reads are not blocked: the counter's match panel still answers.
    let matches = banco::services::capture::find_matches(&t.db, &t.ctx, "+39 347 123 4567", "")
        .await
        .unwrap();
    assert!(matches.is_empty(), "not in the database yet");

    held.resume.send(()).unwrap();
    let report = held.done.await.unwrap().unwrap();
    assert_eq!(report.summary.imported, 1_000);
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM leads").await,
        before + 1_000,
        "the import is whole, the captures not in yet"
    );

    let sent = outbox::send(&t.db, &t.ctx, &outbox).await.unwrap();
    assert_eq!((sent.delivered, sent.waiting, sent.refused), (2, 0, 0));
    assert_eq!(leads_with_ids(&t.db, &[a, b]).await, 2);
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM leads").await,
        before + 1_002
    );
    // Sent again (a lost answer, a second sender): nothing doubles.
    let again = outbox::send(&t.db, &t.ctx, &outbox).await.unwrap();
    assert_eq!(again.delivered + again.already_there, 0);
    // Each lead keeps the time it was taken, in the order taken.
    let a_at: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM leads l JOIN leads m ON l.created_at < m.created_at \
         WHERE l.id = ? AND m.id = ?",
    )
    .bind(a)
    .bind(b)
    .fetch_one(pool(&t.db))
    .await
    .unwrap();
    assert_eq!(a_at, 1, "the first capture was taken before the second");
    // With the lock free, the counter saves straight into the database.
    let third = walk_in("Anna", "Verdi", "+39 340 000 1111", "");
    assert!(matches!(
        outbox::save(&t.db, &t.ctx, &outbox, third).await.unwrap(),
        SavedCapture::Delivered(_)
    ));
    outbox.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_import_leaves_nothing_and_the_captures_made_meanwhile_still_go_in() {
    let t = common::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let file = people_file(dir.path(), 1_000);
    let outbox = Outbox::open(dir.path()).await.unwrap();
    let before = count(&t.db, "SELECT COUNT(*) FROM leads").await;
    let people_before = count(&t.db, "SELECT COUNT(*) FROM people").await;

    let mut held = held_import(&t.db, &t.ctx, request(&file));
    (&mut held.started).await.unwrap();
    let capture = walk_in("Luca", "Neri", "+39 351 555 0101", "luca.neri@esempio.it");
    let (id, because) = queued(outbox::save(&t.db, &t.ctx, &outbox, capture).await.unwrap());
    assert_eq!(because, QueuedBecause::Busy);

    held.cancel.store(true, Ordering::SeqCst);
    held.resume.send(()).unwrap();
    assert!(matches!(
        held.done.await.unwrap(),
        Err(banco::Error::Cancelled)
    ));
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM leads").await, before);

    // The next save of this user sends the waiting one first.
    let next = walk_in("Sofia", "Greco", "+39 329 444 2222", "");
    assert!(matches!(
        outbox::save(&t.db, &t.ctx, &outbox, next).await.unwrap(),
        SavedCapture::Delivered(_)
    ));
    assert_eq!(leads_with_ids(&t.db, &[id]).await, 1);
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM leads").await, before + 2);
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM people").await,
        people_before + 2,
        "none of the cancelled import's people"
    );
    assert_eq!(outbox::status(&t.db, &outbox).await.unwrap().waiting, 0);
    outbox.close().await;
}

/// Whether some connection holds the write lock of the SQLite file `db`.
async fn write_locked(db: &Path) -> bool {
    use sqlx::{ConnectOptions, Connection};
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .busy_timeout(std::time::Duration::ZERO);
    let mut c = options.connect().await.unwrap();
    let locked = match sqlx::query("BEGIN IMMEDIATE").execute(&mut c).await {
        Ok(_) => {
            sqlx::query("ROLLBACK").execute(&mut c).await.unwrap();
            false
        }
        Err(_) => true,
    };
    c.close().await.unwrap();
    locked
}

/// A count over the SQLite file `db`.
async fn count_in(db: &Path, sql: &str) -> i64 {
    use sqlx::{ConnectOptions, Connection};
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .connect()
        .await
        .unwrap();
    let n = sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap();
    c.close().await.unwrap();
    n
}

/// Rows of the command line's import: long enough (seconds, in a debug
/// build) for a `banco lead add` to start meanwhile.
const ROWS: u64 = 8_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn banco_lead_add_during_a_banco_import_is_queued_and_sent_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let banco = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_banco"));
        c.env("BANCO_DATA_DIR", &data)
            .env_remove("BANCO_DATABASE_URL")
            .args(args);
        c
    };
    assert!(banco(&["lead", "list"]).status().unwrap().success());
    let file = people_file(dir.path(), ROWS);
    let mut import = banco(&["import", file.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let db_file = data.join(banco::store::SQLITE_FILE);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !write_locked(&db_file).await {
        assert!(
            std::time::Instant::now() < deadline,
            "the import never took the write lock"
        );
        assert!(
            import.try_wait().unwrap().is_none(),
            "the import ended early"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let added = banco(&[
        "lead",
        "add",
        "--first-name",
        "Paola",
        "--last-name",
        "Ferri",
        "--phone",
        "+39 348 222 3344",
    ])
    .output()
    .unwrap();
    assert!(
        import.try_wait().unwrap().is_none(),
        "the import ended before the capture"
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let saved: serde_json::Value = serde_json::from_slice(&added.stdout).unwrap();
    assert_eq!(saved["saved"], "queued", "{saved}");
    assert_eq!(saved["because"], "busy");
    assert!(import.wait().unwrap().success());
    let sent = banco(&["outbox", "send"]).output().unwrap();
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let sent: serde_json::Value = serde_json::from_slice(&sent.stdout).unwrap();
    assert_eq!(sent["delivered"], 1, "{sent}");
    let found = banco(&["search", "Ferri", "--format", "json"])
        .output()
        .unwrap();
    let found: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    let kinds: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["person", "lead"], "{found}");
    let rows = count_in(&db_file, "SELECT COUNT(*) FROM leads").await;
    assert_eq!(
        rows,
        ROWS as i64 + 1,
        "the import's rows and the capture, each once"
    );
}
