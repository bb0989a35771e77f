//! "Save diagnostics…" (issue 14): the zip holds the desk's facts, the
//! tenant's settings, the shop's backups and the logs, and no personal
//! data or secret — not the customers' names, phones, e-mails or codici
//! fiscali, not the do-not-call list, not a password in a URL or a token
//! that a database error or a library wrote into the log; on SQLite and
//! on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::io::Read;

use banco::services::diagnostics::{self, DeskFacts};
use banco::services::{backup, capture, contact_policy};
use common::{walk_in, TestDb};

/// Every file of the zip at `path`, by name.
fn unzip(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

store_test!(diagnostics_hold_no_personal_data, |t: TestDb| async move {
    let guard = t.guard();
    let scratch = tempfile::tempdir().unwrap();
    let data_dir = guard
        .as_ref()
        .map(|g| g.path().to_path_buf())
        .unwrap_or_else(|| scratch.path().join("data"));
    let mut lead = walk_in(
        "Zaccaria",
        "Quintavalle",
        "347 812 3456",
        "zaccaria.q@posta.example.it",
    );
    lead.note = "CF QNTZCR80A01H501Y, IBAN IT60X0542811101000000123456".into();
    capture::capture_lead(&t.db, &t.ctx, lead).await.unwrap();
    contact_policy::add_do_not_call(&t.db, &t.ctx, "+39 06 9876 5432", Some("asked"))
        .await
        .unwrap();
    if guard.is_some() {
        backup::take(&t.db, &data_dir.join(backup::BACKUP_DIR))
            .await
            .unwrap();
    }
    // Log lines as a desk writes them, with what a database error, a URL
    // or a library can put in one.
    let logs = scratch.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(
        logs.join("banco.2026-12-04.log"),
        "2026-12-04T08:00:01.000000Z  INFO banco_app: Banco started version=0.1.0 pid=4242\n\
         2026-12-04T08:03:12.5Z  WARN banco::services::outbox: queued capture refused: duplicate key value \
         violates unique constraint \"people_phone\" DETAIL: Key (tenant_id, phone)=(0193a6b2-7c1d-7e2f-8a3b-4c5d6e7f8091, +393478123456) already exists.\n\
         2026-12-04T08:04:00Z  WARN banco::store: cannot connect to postgres://zaccaria:Segreto-99@db.catena.example.it/banco?sslmode=verify-full\n\
         2026-12-04T08:05:00Z  INFO tauri_plugin_updater: GET https://upd.example.it/latest.json?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n",
    )
    .unwrap();
    std::fs::write(
        logs.join("banco.2026-12-05.log"),
        "2026-12-05T09:00:00Z ERROR banco: import row 7: e-mail zaccaria.q@posta.example.it, phone 347 812 3456, \
         cf QNTZCR80A01H501Y, iban IT60X0542811101000000123456\n",
    )
    .unwrap();
    std::fs::write(logs.join("notes.txt"), "not a log: Quintavalle").unwrap();
    let facts = DeskFacts {
        version: "0.1.0".into(),
        installed_as: Some("deb".into()),
        location: "postgres://db.catena.example.it/banco".into(),
        data_dir: data_dir.clone(),
        log_dir: logs.clone(),
        start_up_failure: None,
    };
    let out = scratch.path().join(diagnostics::default_file_name());
    let saved = diagnostics::save(Some((&t.db, &t.ctx)), &facts, &out)
        .await
        .unwrap();
    let files = unzip(&out);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, saved.files);
    let mut want = vec!["README.txt", "desk.json", "settings.json"];
    if guard.is_some() {
        want.push("backups.json");
    }
    want.extend(["logs/banco.2026-12-04.log", "logs/banco.2026-12-05.log"]);
    assert_eq!(names, want);

    // Nothing personal and no secret, byte for byte, in any file.
    let all: Vec<u8> = files.iter().flat_map(|(_, b)| b.clone()).collect();
    let text = String::from_utf8_lossy(&all).to_lowercase();
    for secret in [
        "zaccaria",
        "quintavalle",
        "3478123456",
        "347 812 3456",
        "posta.example.it",
        "qntzcr80a01h501y",
        "698765432",
        "9876 5432",
        "segreto-99",
        "eyjhbgcioijiuzi1nij9",
        "it60x0542811101000000123456",
    ] {
        assert!(!text.contains(secret), "{secret} is in the diagnostics");
    }
    // What helps to understand the desk is there.
    let json = |name: &str| -> serde_json::Value {
        let (_, bytes) = files.iter().find(|(n, _)| n == name).unwrap();
        serde_json::from_slice(bytes).unwrap()
    };
    let desk = json("desk.json");
    assert_eq!(desk["banco_version"], "0.1.0");
    assert_eq!(desk["installed_as"], "deb");
    assert_eq!(desk["os"], std::env::consts::OS);
    let settings = json("settings.json");
    assert_eq!(settings["backend"], t.db.backend().as_str());
    assert_eq!(settings["do_not_call_entries"], 1);
    assert_eq!(settings["users_by_role"]["admin"], 1);
    assert_eq!(
        settings["contact_settings"]["do_not_call"],
        serde_json::json!([])
    );
    if guard.is_some() {
        assert_eq!(json("backups.json")[0]["leads"], 1);
    }
    let log = String::from_utf8_lossy(&files.last().unwrap().1).to_string();
    assert!(
        log.contains(
            "import row 7: e-mail <e-mail>, phone <number>, cf <codice fiscale>, iban <iban>"
        ),
        "{log}"
    );
    let first = String::from_utf8_lossy(&files[files.len() - 2].1).to_string();
    assert!(
        first.contains("Banco started version=0.1.0 pid=4242"),
        "{first}"
    );
    assert!(
        first.contains("0193a6b2-7c1d-7e2f-8a3b-4c5d6e7f8091, <number>"),
        "{first}"
    );
    assert!(
        first.contains("postgres://***@db.catena.example.it"),
        "{first}"
    );
});

#[tokio::test]
async fn diagnostics_without_a_database_and_a_failed_save() {
    // Nobody signed in (the database would not open): the desk and the
    // logs alone.
    let dir = tempfile::tempdir().unwrap();
    let facts = DeskFacts {
        version: "0.1.0".into(),
        log_dir: dir.path().join("no-logs-yet"),
        data_dir: dir.path().to_path_buf(),
        start_up_failure: Some("cannot open postgres://anna:pw@db/banco".into()),
        ..Default::default()
    };
    let out = dir.path().join("d.zip");
    let saved = diagnostics::save(None, &facts, &out).await.unwrap();
    assert_eq!(saved.files, ["README.txt", "desk.json"]);
    let desk: serde_json::Value = serde_json::from_slice(&unzip(&out)[1].1).unwrap();
    assert_eq!(
        desk["start_up_failure"],
        "cannot open postgres://***@db/banco"
    );
    // A folder that does not exist: an error, and no half file anywhere.
    let bad = dir.path().join("missing/d.zip");
    assert!(diagnostics::save(None, &facts, &bad).await.is_err());
    assert!(!dir.path().join("missing").exists());
}
