//! Writes that survive the worst: `banco import` killed with `SIGKILL` in the middle of a large file leaves an embedded database that opens, passes SQLite's `integrity_check`, and holds none of that import's rows.
#![allow(missing_docs, clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::time::Duration;

use banco::store::{sqlite_url_in, Db};
use sqlx::Connection;

fn banco(data: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_banco"));
    cmd.args(["--data-dir", &data.display().to_string()])
        .env_remove("BANCO_DATABASE_URL")
        .env_remove("BANCO_LOGIN");
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_midway_leaves_a_whole_database_without_its_rows() {
    let data = tempfile::tempdir().unwrap();
    let ok = banco(data.path()).arg("migrate").output().unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    // A chain's list: 200,000 people, long enough to kill mid-way.
    const FIRST: [&str; 6] = ["Mario", "Anna", "Luca", "Giulia", "Marco", "Sara"];
    const LAST: [&str; 6] = ["Rossi", "Bianchi", "Russo", "Ferrari", "Gallo", "Conti"];
    let file = data.path().join("elenco.csv");
    let mut text = String::from("Nome;Cognome;Cellulare;Email\n");
    for i in 0..200_000 {
        let (first, last) = (FIRST[i % 6], LAST[(i / 6) % 6]);
        text.push_str(&format!(
            "{first};{last};+39 347 {:07};cliente{i}@esempio.it\n",
            1_000_000 + i
        ));
    }
    std::fs::write(&file, text).unwrap();

    let mut child = banco(data.path())
        .args(["import", &file.display().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed mid-way: the file read and checked, rows being written in its
    // one transaction, pages spilled to the write-ahead log (more than
    // 4 MiB of it, about a tenth of the import).
    let wal = data.path().join("banco.db-wal");
    let wal_len = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let wal_before = wal_len();
    let started = std::time::Instant::now();
    while wal_len() < wal_before + 4 * 1024 * 1024 && started.elapsed() < Duration::from_secs(120) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import ended before it could be killed"
    );
    let wal_at_kill = wal_len();
    eprintln!("write-ahead log: {wal_before} bytes before, {wal_at_kill} at the kill");
    child.kill().unwrap();
    child.wait().unwrap();

    // The database opens (Db::ready runs quick_check), is whole, and holds
    // nothing of the killed import.
    let db = Db::connect(&sqlite_url_in(data.path())).await.unwrap();
    db.ready().await.unwrap();
    db.close().await;
    let mut conn = sqlx::SqliteConnection::connect(&sqlite_url_in(data.path()))
        .await
        .unwrap();
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(check, vec!["ok".to_string()]);
    for table in ["people", "leads", "consents", "lead_events", "search_docs"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} holds rows of the killed import");
    }
}
