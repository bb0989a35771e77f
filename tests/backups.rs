//! Backups of a shop's embedded database, through `banco backup` as a
//! user runs it: taken while the shop works, checked, listed; a damaged
//! backup is shown as such and never restored; a good one restored into
//! a fresh folder opens with every lead; a restore keeps the database it
//! replaces; old backups go after the days kept.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use banco::services::backup::{self, BACKUP_DIR};

fn banco(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_banco"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("BANCO_DATABASE_URL")
        .output()
        .expect("run banco")
}

fn ok(out: Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "banco failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

fn add_lead(data: &Path, first: &str, phone: &str) {
    ok(banco(
        data,
        &[
            "lead",
            "add",
            "--first-name",
            first,
            "--last-name",
            "Bianchi",
            "--phone",
            phone,
        ],
    ));
}

fn leads(data: &Path) -> u64 {
    ok(banco(data, &["lead", "list", "--format", "json"]))["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn a_backup_restores_every_lead_and_a_damaged_one_is_never_restored() {
    let shop = tempfile::tempdir().unwrap();
    add_lead(shop.path(), "Luca", "333 100 0001");
    add_lead(shop.path(), "Giulia", "333 100 0002");
    add_lead(shop.path(), "Àngela", "333 100 0003");
    let taken = ok(banco(shop.path(), &["backup", "create"]));
    let good = taken["file"].as_str().unwrap().to_string();
    assert_eq!(
        (taken["ok"].clone(), taken["leads"].clone()),
        (true.into(), 3.into())
    );

    // A damaged copy (pages past the first overwritten), under a backup's
    // name: listed as not ok.
    let dir = shop.path().join(BACKUP_DIR);
    let mut bytes = std::fs::read(dir.join(&good)).unwrap();
    assert!(bytes.len() > 8 * 4096, "{} bytes", bytes.len());
    let end = bytes.len() - 4096;
    for b in &mut bytes[4096..end] {
        *b = 0x5a;
    }
    let damaged = "banco-20200101-000000.db";
    std::fs::write(dir.join(damaged), &bytes).unwrap();
    let listed = ok(banco(shop.path(), &["backup", "list"]));
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["file"], good.as_str(), "newest first");
    assert_eq!(listed[1]["ok"], false);
    assert!(listed[1]["problem"].as_str().is_some_and(|p| !p.is_empty()));

    // Restoring the damaged one is refused and changes nothing.
    add_lead(shop.path(), "Marco", "333 100 0004");
    let refused = banco(shop.path(), &["backup", "restore", damaged, "--yes"]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("damaged"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(leads(shop.path()), 4);
    // A name that is no backup of the folder (a path) is refused too.
    let outside = banco(shop.path(), &["backup", "restore", "../banco.db", "--yes"]);
    assert!(!outside.status.success());
    // Without --yes nothing happens.
    assert!(!banco(shop.path(), &["backup", "restore", &good])
        .status
        .success());
    assert_eq!(leads(shop.path()), 4);

    // The good one, restored: three leads; the replaced database (four) kept.
    let restored = ok(banco(shop.path(), &["backup", "restore", &good, "--yes"]));
    assert_eq!(leads(shop.path()), 3);
    let replaced = restored["replaced"].as_str().unwrap();
    let kept = banco::store::backup::check_file(Path::new(replaced))
        .await
        .unwrap();
    assert_eq!((kept.ok, kept.leads), (true, Some(4)));

    // Into a fresh folder (a new computer): every lead, accents included.
    let fresh = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(fresh.path().join(BACKUP_DIR)).unwrap();
    std::fs::copy(dir.join(&good), fresh.path().join(BACKUP_DIR).join(&good)).unwrap();
    ok(banco(fresh.path(), &["backup", "restore", &good, "--yes"]));
    let names = ok(banco(fresh.path(), &["lead", "list", "--format", "json"]));
    let text = names.to_string();
    for first in ["Luca", "Giulia", "Àngela"] {
        assert!(text.contains(first), "{first} in {text}");
    }
    assert_eq!(names["total"], 3);

    // Retention: a backup older than the days kept goes; the newest good
    // one stays whatever its age.
    let old = "banco-20200102-000000.db";
    std::fs::copy(dir.join(&good), dir.join(old)).unwrap();
    let gone = backup::prune(&dir, 14, chrono::Utc::now()).await.unwrap();
    assert_eq!(
        gone,
        vec![old.to_string(), damaged.to_string()],
        "newest first"
    );
    let far_future = chrono::Utc::now() + chrono::Duration::days(400);
    assert!(backup::prune(&dir, 14, far_future)
        .await
        .unwrap()
        .is_empty());
    assert!(dir.join(&good).is_file());
}

#[tokio::test]
async fn the_shop_sets_how_long_backups_are_kept() {
    let shop = tempfile::tempdir().unwrap();
    add_lead(shop.path(), "Luca", "333 100 0001");
    assert_eq!(ok(banco(shop.path(), &["backup", "keep"]))["keep_days"], 14);
    assert_eq!(
        ok(banco(shop.path(), &["backup", "keep", "30"]))["keep_days"],
        30
    );
    // Out of range: refused with the field, the setting kept.
    let refused = banco(shop.path(), &["backup", "keep", "0"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("backup_keep_days"));
    assert_eq!(ok(banco(shop.path(), &["backup", "keep"]))["keep_days"], 30);
    // `create` prunes by the shop's setting: a backup 20 days old stays
    // under 30 days, goes under 14.
    let good = ok(banco(shop.path(), &["backup", "create"]))["file"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = shop.path().join(BACKUP_DIR);
    let twenty = (chrono::Utc::now() - chrono::Duration::days(20)).format("banco-%Y%m%d-%H%M%S.db");
    std::fs::copy(dir.join(&good), dir.join(twenty.to_string())).unwrap();
    ok(banco(shop.path(), &["backup", "create"]));
    assert!(dir.join(twenty.to_string()).exists(), "kept 30 days");
    ok(banco(shop.path(), &["backup", "keep", "14"]));
    ok(banco(shop.path(), &["backup", "create"]));
    assert!(!dir.join(twenty.to_string()).exists(), "gone after 14 days");
}

store_test!(
    only_managers_keep_and_restore_backups,
    |t: common::TestDb| async move {
        use banco::model::Role;
        use banco::Error;
        let staff = common::staff_ctx(&t, "Giulia Banco", Role::Staff).await;
        let manager = common::staff_ctx(&t, "Marco Negozio", Role::StoreManager).await;
        let forbidden = |r: Result<u32, Error>| matches!(r, Err(Error::Forbidden { .. }));
        assert!(forbidden(backup::keep_days(&t.db, &staff).await));
        assert!(forbidden(backup::set_keep_days(&t.db, &staff, 7).await));
        assert_eq!(backup::set_keep_days(&t.db, &manager, 7).await.unwrap(), 7);
        assert_eq!(backup::keep_days(&t.db, &t.ctx).await.unwrap(), 7);
        match backup::set_keep_days(&t.db, &t.ctx, 3651).await {
            Err(Error::Validation(v)) => assert_eq!(v[0].code, "out_of_range"),
            other => panic!("expected out_of_range, got {other:?}"),
        }
        assert_eq!(backup::keep_days(&t.db, &manager).await.unwrap(), 7);
        // Restoring is checked before the app closes anything: the role, then
        // the name (a path or an unknown file is no backup).
        let data = tempfile::tempdir().unwrap();
        assert!(matches!(
            backup::check_restore(&staff, data.path(), "banco-20261204-183005.db").await,
            Err(Error::Forbidden {
                action: "restore_backup",
                ..
            })
        ));
        for name in ["banco-20261204-183005.db", "../banco.db"] {
            match backup::check_restore(&manager, data.path(), name).await {
                Err(Error::Validation(v)) => assert_eq!(v[0].code, "unknown_value", "{name}"),
                other => panic!("expected unknown_value for {name}, got {other:?}"),
            }
        }
    }
);
