//! The `banco` command line, run as a user would, on SQLite and on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::process::{Command, Output};

fn banco(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_banco"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .expect("run banco")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "banco failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn scenario(url: &str) {
    ok(banco(url, &["migrate"]));
    ok(banco(
        url,
        &[
            "lead",
            "add",
            "--first-name",
            "Nicolò",
            "--last-name",
            "Rossi",
            "--phone",
            "333 123 4567",
            "--interest",
            "fibre",
            "--consent",
            "service_contact,marketing",
        ],
    ));
    let list: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["lead", "list", "--format", "json"]))).unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["phone"], "+393331234567");
    assert_eq!(list["items"][0]["first_name"], "Nicolò");

    // Bad input: exit status 2 and a message naming the field.
    let bad = banco(
        url,
        &["lead", "add", "--first-name", "Anna", "--phone", "12"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("phone: `12` is not a valid phone number")
    );

    let fixture = common::fixture("customers-100.csv");
    let report = tempfile::NamedTempFile::new().unwrap();
    let out = ok(banco(
        url,
        &[
            "import",
            &fixture,
            "--report",
            report.path().to_str().unwrap(),
        ],
    ));
    assert!(
        out.contains("100 rows: 100 imported, 0 merged, 0 skipped, 0 rejected"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(report.path())
            .unwrap()
            .lines()
            .count(),
        101
    );

    let mislabelled = banco(
        url,
        &[
            "import",
            &common::fixture("customers-mislabelled-header.csv"),
        ],
    );
    assert_eq!(mislabelled.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&mislabelled.stderr)
        .contains("column `EMAIL` is mapped to email but only 0 of 101"));
    // Remapping by hand makes it import.
    let fixed = ok(banco(
        url,
        &[
            "import",
            &common::fixture("customers-mislabelled-header.csv"),
            "--map",
            "PHONE1=email",
            "--map",
            "EMAIL=phone_2",
            "--map",
            "PHONE2=phone",
            "--duplicates",
            "skip",
        ],
    ));
    assert!(fixed.contains("101 rows:"), "{fixed}");

    let csv = ok(banco(
        url,
        &["export", "leads", "--format", "csv", "--search", "rossi"],
    ));
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .starts_with("id,created_at,first_name"));
    assert!(
        csv.contains("Nicolò,Rossi,+393331234567,333 123 4567"),
        "{csv}"
    );

    let seeded: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["seed", "--leads", "300"]))).unwrap();
    assert_eq!(seeded["leads"], 300);
}

#[test]
fn cli_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    scenario(&banco::store::sqlite_url_in(dir.path()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_on_postgres() {
    let url = common::fresh_pg_url().await;
    tokio::task::spawn_blocking(move || scenario(&url))
        .await
        .unwrap();
}
