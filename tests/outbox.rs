//! Never lose a lead: captures taken while the chain server cannot be reached wait in the desk's outbox and arrive exactly once — after the server comes back, through `SIGKILL`s of `banco outbox send`, and through connections dropped mid-transaction.
//!
//! The server is reached through a loopback TCP proxy the test controls
//! (`tests/proxy`).
#![allow(missing_docs, clippy::unwrap_used)]

mod common;
mod proxy;

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use banco::model::*;
use banco::services::{outbox, sign_in, staff, Ctx};
use banco::store::outbox::Outbox;
use banco::store::Db;
use sqlx::Connection;
use uuid::Uuid;

use common::{unique_login, walk_in, PG_PASSWORD};
use proxy::{random_below, Proxy};

/// A chain server, a staff member of its store with a login, and that
/// member's desk signed in through `proxy`.
struct Chain {
    owner: String,
    login: String,
    colleague: String,
    server: String,
}

async fn chain() -> Chain {
    let (owner, admin_url) = common::fresh_chain().await;
    let admin_db = Db::connect(&admin_url).await.unwrap();
    let admin = Ctx::load(&admin_db, None).await.unwrap();
    let (login, colleague) = (unique_login("sara"), unique_login("luca"));
    for (name, login) in [("Sara Conti", &login), ("Luca Neri", &colleague)] {
        staff::add_user(
            &admin_db,
            &admin,
            NewUser {
                display_name: name.into(),
                role: Role::Staff,
                store_id: admin.user.store_id,
                login: login.clone(),
                password: Password(PG_PASSWORD.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    admin_db.close().await;
    let server = {
        let mut u = url::Url::parse(&owner).unwrap();
        u.set_username("").unwrap();
        u.set_password(None).unwrap();
        u.to_string()
    };
    Chain {
        owner,
        login,
        colleague,
        server,
    }
}

async fn desk(chain: &Chain, proxy: &Proxy) -> (Db, Ctx) {
    sign_in::sign_in_server(
        &proxy.url(&chain.server),
        &chain.login,
        Password(PG_PASSWORD.into()),
    )
    .await
    .unwrap()
}

/// The `n`-th walk-in: a distinct Italian mobile and e-mail each.
fn walk_in_n(n: usize) -> CaptureLead {
    walk_in(
        "Cliente",
        &format!("Numero {n}"),
        &format!("+39 347 {:07}", 1_000_000 + n),
        &format!("cliente.{n}@esempio.it"),
    )
}

/// How many leads of `ids` the server holds, and how many leads in all.
async fn leads_on_server(owner: &str, ids: &[Uuid]) -> (i64, i64) {
    let mut o = sqlx::PgConnection::connect(owner).await.unwrap();
    let of_ids: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM leads WHERE id = ANY($1)")
        .bind(ids)
        .fetch_one(&mut o)
        .await
        .unwrap();
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM leads")
        .fetch_one(&mut o)
        .await
        .unwrap();
    (of_ids, all)
}

async fn queue_thousand(outbox: &Outbox, server: &str, ctx: &Ctx) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for n in 0..1000 {
        match outbox::queue_offline(outbox, server, ctx, walk_in_n(n))
            .await
            .unwrap()
        {
            SavedCapture::Queued { lead_id, .. } => ids.push(lead_id),
            other => panic!("queued offline, yet {other:?}"),
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_captures_taken_while_the_server_is_down_arrive_once_each() {
    let chain = chain().await;
    let proxy = Proxy::start(&chain.owner).await;
    let (db, ctx) = desk(&chain, &proxy).await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(dir.path()).await.unwrap();

    // Online, a capture goes straight to the server.
    let first = outbox::save(&db, &ctx, &outbox, walk_in_n(5000))
        .await
        .unwrap();
    assert!(matches!(first, SavedCapture::Delivered(_)), "{first:?}");

    proxy.stop();
    let mut ids = Vec::new();
    for n in 0..1000 {
        match outbox::save(&db, &ctx, &outbox, walk_in_n(n))
            .await
            .unwrap()
        {
            SavedCapture::Queued {
                lead_id,
                waiting,
                because,
            } => {
                assert_eq!(waiting, n as u64 + 1);
                let why = match n {
                    0 => QueuedBecause::Unreachable,
                    _ => QueuedBecause::Behind,
                };
                assert_eq!(because, why);
                ids.push(lead_id);
            }
            other => panic!("the server is down, yet {other:?}"),
        }
    }
    // A bad form is refused at the desk, never queued.
    let bad = outbox::save(&db, &ctx, &outbox, walk_in("", "", "123", ""))
        .await
        .unwrap_err();
    assert!(matches!(bad, banco::Error::Validation(_)), "{bad:?}");
    let status = outbox::status(&db, &outbox).await.unwrap();
    assert_eq!(
        (status.offline, status.waiting, status.refused),
        (true, 1000, 0)
    );

    // A send while the server is still down keeps everything.
    let report = outbox::send(&db, &ctx, &outbox).await.unwrap();
    assert_eq!((report.delivered, report.waiting), (0, 1000));

    // The outbox survives the process: a new handle sees the same entries.
    outbox.close().await;
    let outbox = Outbox::open(dir.path()).await.unwrap();
    let entries = outbox.entries(None).await.unwrap();
    assert_eq!(entries.len(), 1000);
    assert_eq!(entries[0].lead_id, ids[0]);

    proxy.resume().await;
    let report = outbox::send(&db, &ctx, &outbox).await.unwrap();
    assert_eq!(
        (
            report.delivered,
            report.already_there,
            report.refused,
            report.waiting
        ),
        (1000, 0, 0, 0),
        "{report:?}"
    );
    assert_eq!(leads_on_server(&chain.owner, &ids).await, (1000, 1001));
    assert!(outbox.entries(None).await.unwrap().is_empty());
    assert!(!outbox::status(&db, &outbox).await.unwrap().offline);

    // Each lead keeps the time it was taken, and its owner is who took it.
    let lead = banco::services::leads::detail(&db, &ctx, ids[0])
        .await
        .unwrap();
    assert_eq!(lead.lead.created_at, entries[0].taken_at);
    assert_eq!(lead.lead.owner_id, Some(ctx.user.id));

    // Sending again changes nothing.
    let report = outbox::send(&db, &ctx, &outbox).await.unwrap();
    assert_eq!(report, OutboxSendReport::default());
    assert_eq!(leads_on_server(&chain.owner, &ids).await, (1000, 1001));
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_captures_meet_what_changed_meanwhile_and_refusals_are_kept_with_their_reason() {
    let chain = chain().await;
    let proxy = Proxy::start(&chain.owner).await;
    let (db, ctx) = desk(&chain, &proxy).await;
    let (other_db, other) = desk(&chain, &proxy).await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(dir.path()).await.unwrap();
    let server = db.server_key().unwrap();

    // Offline: Marco is captured; meanwhile another desk, still online,
    // captures him with the same mobile.
    let marco = walk_in("Marco", "Galli", "347 111 2233", "");
    let queued = outbox::queue_offline(&outbox, &server, &ctx, marco.clone())
        .await
        .unwrap();
    let SavedCapture::Queued {
        lead_id: marco_id, ..
    } = queued
    else {
        panic!("{queued:?}")
    };
    let mut lost = walk_in("Paola", "Riva", "347 999 8877", "");
    lost.campaign_id = Some(Uuid::now_v7());
    outbox::queue_offline(&outbox, &server, &ctx, lost)
        .await
        .unwrap();
    let there = banco::services::capture::capture_lead(
        &other_db,
        &other,
        walk_in(
            "Marco",
            "Galli",
            "+39 347 111 2233",
            "marco.galli@esempio.it",
        ),
    )
    .await
    .unwrap();

    let report = outbox::send(&db, &ctx, &outbox).await.unwrap();
    assert_eq!((report.delivered, report.refused), (1, 1), "{report:?}");
    let sent = banco::services::leads::detail(&db, &ctx, marco_id)
        .await
        .unwrap();
    assert_eq!(
        sent.lead.person_id, there.person.id,
        "attached to the person made meanwhile"
    );

    // The refused one stays, with its reason; a waiting one cannot be removed.
    let entries = outbox::list(&ctx, &outbox, &server).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, OutboxState::Refused);
    let reason = entries[0].reason.clone().unwrap();
    assert_eq!(
        (reason.field.as_deref(), reason.message_key.as_str()),
        (Some("campaign_id"), "error.unknown_value")
    );
    assert_eq!(outbox::status(&db, &outbox).await.unwrap().refused, 1);
    // Sending again does not retry a refusal.
    assert_eq!(
        outbox::send(&db, &ctx, &outbox).await.unwrap(),
        OutboxSendReport::default()
    );
    outbox::remove(&ctx, &outbox, &server, entries[0].lead_id)
        .await
        .unwrap();
    assert!(outbox.entries(None).await.unwrap().is_empty());

    // Entries are sent by their own user's session only: a colleague
    // signing in at this desk leaves Sara's capture waiting for her.
    outbox::queue_offline(&outbox, &server, &ctx, walk_in_n(1))
        .await
        .unwrap();
    let (luca_db, luca) = sign_in::sign_in_server(
        &proxy.url(&chain.server),
        &chain.colleague,
        Password(PG_PASSWORD.into()),
    )
    .await
    .unwrap();
    let report = outbox::send(&luca_db, &luca, &outbox).await.unwrap();
    assert_eq!((report.delivered, report.other_users), (0, 1), "{report:?}");
    assert!(
        outbox::list(&luca, &outbox, &server)
            .await
            .unwrap()
            .is_empty(),
        "staff see their own entries only"
    );
    let report = outbox::send(&db, &ctx, &outbox).await.unwrap();
    assert_eq!(report.delivered, 1, "{report:?}");
    luca_db.close().await;
    db.close().await;
    other_db.close().await;
}

/// A chain, its staff desk through a proxy, and 1,000 captures of that
/// desk's user queued in a fresh outbox.
struct Sending {
    chain: Chain,
    proxy: Proxy,
    db: Db,
    ctx: Ctx,
    dir: tempfile::TempDir,
    outbox: Outbox,
    ids: Vec<Uuid>,
}

async fn thousand_queued() -> Sending {
    let chain = chain().await;
    let proxy = Proxy::start(&chain.owner).await;
    let (db, ctx) = desk(&chain, &proxy).await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(dir.path()).await.unwrap();
    let server = db.server_key().unwrap();
    let ids = queue_thousand(&outbox, &server, &ctx).await;
    Sending {
        chain,
        proxy,
        db,
        ctx,
        dir,
        outbox,
        ids,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_banco_outbox_send_three_times_still_delivers_each_capture_once() {
    let Sending {
        chain,
        proxy,
        db,
        ctx: _,
        dir,
        outbox,
        ids,
    } = thousand_queued().await;

    let cli = |dir: &std::path::Path| {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_banco"));
        cmd.args(["--database-url", &proxy.url(&chain.server)])
            .args(["--data-dir", &dir.display().to_string()])
            .args(["--sign-in", &chain.login, "outbox", "send"])
            .env("BANCO_PASSWORD", PG_PASSWORD)
            .env_remove("BANCO_DATABASE_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        cmd
    };
    let mut delivered_before = 0;
    for round in 0..3 {
        let mut child = cli(dir.path()).spawn().unwrap();
        // Wait until this run has delivered something, then kill it at a
        // random moment after that.
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        loop {
            let (on_server, _) = leads_on_server(&chain.owner, &ids).await;
            if on_server > delivered_before || std::time::Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(random_below(800))).await;
        child.start_kill().unwrap();
        let status = child.wait().await.unwrap();
        assert!(
            !status.success(),
            "round {round}: killed before it finished"
        );

        // Nothing is lost and nothing doubled: every capture is on the
        // server or still in the outbox, never both missing, never twice.
        let (on_server, all) = leads_on_server(&chain.owner, &ids).await;
        assert_eq!(on_server, all, "only the outbox's leads reach the server");
        let waiting: HashSet<Uuid> = outbox
            .entries(None)
            .await
            .unwrap()
            .iter()
            .map(|e| e.lead_id)
            .collect();
        assert!(
            on_server as usize + waiting.len() >= 1000,
            "round {round}: {on_server} on the server, {} waiting",
            waiting.len()
        );
        assert!(
            on_server > delivered_before,
            "round {round} delivered nothing"
        );
        delivered_before = on_server;
    }
    assert!(
        delivered_before < 1000,
        "the kills came too late to test anything"
    );

    let out = cli(dir.path()).output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: OutboxSendReport = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report.waiting, 0);
    assert_eq!(leads_on_server(&chain.owner, &ids).await, (1000, 1000));
    assert!(outbox.entries(None).await.unwrap().is_empty());
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_dropped_mid_transaction_during_the_send_deliver_each_capture_once() {
    let Sending {
        chain,
        proxy,
        db,
        ctx,
        dir: _dir,
        outbox,
        ids,
    } = thousand_queued().await;

    // Every connection from now on is cut after 4–16 KiB from the desk: a
    // few captures each, at any point of their transaction.
    proxy.cut.store(16 * 1024, Ordering::SeqCst);
    proxy.stop();
    proxy.resume().await;
    let mut totals = OutboxSendReport::default();
    let mut sends = 0;
    loop {
        sends += 1;
        assert!(sends < 3000, "the outbox never drained: {totals:?}");
        let report = outbox::send(&db, &ctx, &outbox).await.unwrap();
        totals.delivered += report.delivered;
        totals.already_there += report.already_there;
        totals.refused += report.refused;
        if report.waiting == 0 {
            break;
        }
    }
    let cuts = proxy.cuts.load(Ordering::SeqCst);
    eprintln!("{sends} sends, {cuts} connections cut: {totals:?}");
    assert!(cuts >= 10, "only {cuts} connections were cut");
    assert_eq!(totals.refused, 0, "{totals:?}");
    assert_eq!(totals.delivered + totals.already_there, 1000, "{totals:?}");
    assert_eq!(leads_on_server(&chain.owner, &ids).await, (1000, 1000));
    assert!(outbox.entries(None).await.unwrap().is_empty());
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_queues_a_lead_while_the_server_is_down_and_sends_it_later() {
    let chain = chain().await;
    let proxy = Proxy::start(&chain.owner).await;
    let dir = tempfile::tempdir().unwrap();
    let url = proxy.url(&chain.server);
    let banco = |args: &[&str], password: &str| {
        let url = url.clone();
        let dir = dir.path().display().to_string();
        let (login, password) = (chain.login.clone(), password.to_string());
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        async move {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_banco"))
                .args([
                    "--database-url",
                    &url,
                    "--data-dir",
                    &dir,
                    "--sign-in",
                    &login,
                ])
                .args(&args)
                .env("BANCO_PASSWORD", password)
                .env_remove("BANCO_DATABASE_URL")
                .output()
                .await
                .unwrap()
        }
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let add = [
        "lead",
        "add",
        "--first-name",
        "Elena",
        "--last-name",
        "Fabbri",
        "--phone",
        "347 555 1212",
        "--consent",
        "service_contact",
    ];

    // Nobody signed in on this computer yet: offline, nobody can be checked.
    proxy.stop();
    let out = banco(&add, PG_PASSWORD).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("wrong login or password"),
        "{}",
        text(&out.stderr)
    );

    // Sara signs in once while the server is up: this computer keeps her.
    proxy.resume().await;
    let out = banco(&["lead", "list", "--format", "json"], PG_PASSWORD).await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Down again: a wrong password is refused, the right one queues.
    proxy.stop();
    let out = banco(&add, "not-her-password").await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = banco(&add, PG_PASSWORD).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cannot be reached"),
        "{}",
        text(&out.stderr)
    );
    let saved: SavedCapture = serde_json::from_slice(&out.stdout).unwrap();
    let SavedCapture::Queued {
        lead_id,
        waiting: 1,
        because: QueuedBecause::Unreachable,
    } = saved
    else {
        panic!("{saved:?}")
    };
    let out = banco(&["outbox", "list", "--format", "json"], PG_PASSWORD).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["lead_id"], lead_id.to_string());
    assert_eq!(listed["items"][0]["state"], "waiting");
    // A send while the server is down says so and keeps it.
    let out = banco(&["outbox", "send"], PG_PASSWORD).await;
    assert!(!out.status.success());
    assert_eq!(leads_on_server(&chain.owner, &[lead_id]).await, (0, 0));

    proxy.resume().await;
    let out = banco(&["outbox", "send"], PG_PASSWORD).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: OutboxSendReport = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report.delivered, 1, "{report:?}");
    assert_eq!(leads_on_server(&chain.owner, &[lead_id]).await, (1, 1));
    let out = banco(&["outbox", "list", "--format", "json"], PG_PASSWORD).await;
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["total"], 0);
}

/// Offline, the counter's match panel and the search box answer from the
/// desk's copy of the store's people, taken while the server answered:
/// only the user's own copy, only their store's people, marked with the
/// time it was taken; a new copy replaces the old one whole, and "Forget
/// this computer" deletes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_the_match_panel_and_search_answer_from_the_copy_of_the_stores_people() {
    use banco::services::{capture, people_copy};
    let chain = chain().await;
    let proxy = Proxy::start(&chain.owner).await;
    let (db, ctx) = desk(&chain, &proxy).await;
    let dir = tempfile::tempdir().unwrap();
    let o = Outbox::open(dir.path()).await.unwrap();
    let server = db.outbox_key().unwrap().to_string();

    // Sara's store has Giulia (with an accent in her name); another store
    // of the chain has Marco, whom the copy of Sara's store leaves out.
    let giulia = walk_in(
        "Giùlia",
        "Bianchi",
        "+39 333 765 4321",
        "giulia.b@esempio.it",
    );
    let giulia = capture::capture_lead(&db, &ctx, giulia).await.unwrap();
    let admin_db = Db::connect(&chain.owner).await.unwrap();
    let admin = Ctx::load(&admin_db, None).await.unwrap();
    let other = staff::add_store(&admin_db, &admin, "Torino Lingotto", "TO02")
        .await
        .unwrap();
    let mut marco = walk_in("Marco", "Verdi", "+39 340 111 2233", "marco.v@esempio.it");
    marco.store_id = Some(other.id);
    capture::capture_lead(&admin_db, &admin, marco)
        .await
        .unwrap();

    assert!(matches!(
        people_copy::find_matches(&o, &server, &ctx, "333 7654321", "", "", "").await,
        Err(banco::Error::Offline)
    ));
    let before = chrono::Utc::now();
    let info = people_copy::refresh(&db, &ctx, &o).await.unwrap().unwrap();
    assert_eq!((info.people, info.complete), (1, true));
    assert!(
        info.stores.iter().any(|s| s.code == "TO02"),
        "{:?}",
        info.stores
    );
    // Taken again after 15 minutes, or after 30 seconds when people changed.
    let now = info.taken_at;
    let due = |at, changed| people_copy::is_due(&o, &server, &ctx, at, changed);
    assert!(!due(now, false).await.unwrap());
    assert!(!due(now, true).await.unwrap());
    let later = now + people_copy::CHANGED_REFRESH_AFTER;
    assert!(!due(later, false).await.unwrap());
    assert!(due(later, true).await.unwrap());
    assert!(due(now + people_copy::REFRESH_EVERY, false).await.unwrap());

    // The server goes away; the desk answers from its copy.
    proxy.stop();
    let by_phone = people_copy::find_matches(&o, &server, &ctx, "333 7654321", "", "", "")
        .await
        .unwrap();
    assert_eq!(by_phone.len(), 1, "{by_phone:?}");
    let m = &by_phone[0];
    assert_eq!(m.person.id, giulia.person.id);
    assert_eq!(
        (m.matched_on.clone(), m.open_leads),
        (vec!["phone".to_string()], 1)
    );
    assert!(m
        .copy_taken_at
        .is_some_and(|t| t >= before - chrono::Duration::seconds(1)));
    let by_mail_and_name = people_copy::find_matches(
        &o,
        &server,
        &ctx,
        "",
        "Giulia.B@Esempio.it",
        "bianchi",
        "GIULIA",
    )
    .await
    .unwrap();
    assert_eq!(by_mail_and_name.len(), 1, "{by_mail_and_name:?}");
    assert_eq!(by_mail_and_name[0].matched_on, vec!["email".to_string()]);
    let by_name = people_copy::find_matches(&o, &server, &ctx, "", "", "Giulia", "Bianchi")
        .await
        .unwrap();
    assert_eq!(by_name[0].matched_on, vec!["name".to_string()]);
    let marco_offline =
        people_copy::find_matches(&o, &server, &ctx, "+39 340 111 2233", "", "Marco", "Verdi")
            .await
            .unwrap();
    assert!(marco_offline.is_empty(), "{marco_offline:?}");

    let found = people_copy::search(&o, &server, &ctx, "bianc 4321", 10)
        .await
        .unwrap();
    assert!(found.copy_taken_at.is_some());
    let hits = &found.groups[0].1;
    assert_eq!((hits.len(), hits[0].open_id), (1, giulia.person.id));
    assert!(hits[0].title.contains("Bianchi"), "{hits:?}");
    let none = people_copy::search(&o, &server, &ctx, "verdi", 10)
        .await
        .unwrap();
    assert!(none.groups.is_empty(), "{none:?}");

    // Another user of this computer has no copy of their own.
    let luca = Ctx {
        user: User {
            id: Uuid::now_v7(),
            ..ctx.user.clone()
        },
        ..ctx.clone()
    };
    assert!(matches!(
        people_copy::search(&o, &server, &luca, "bianchi", 10).await,
        Err(banco::Error::Offline)
    ));

    // Back online: a new copy replaces the old one whole.
    proxy.resume().await;
    let (db, ctx) = desk(&chain, &proxy).await;
    let mut edited = giulia.person.clone();
    edited.phone = Some("+393337000000".into());
    sqlx::query("UPDATE people SET phone_e164 = $1 WHERE id = $2")
        .bind(&edited.phone)
        .bind(edited.id)
        .execute(&mut sqlx::PgConnection::connect(&chain.owner).await.unwrap())
        .await
        .unwrap();
    people_copy::refresh(&db, &ctx, &o).await.unwrap();
    let old = people_copy::find_matches(&o, &server, &ctx, "333 7654321", "", "", "")
        .await
        .unwrap();
    assert!(old.is_empty(), "{old:?}");
    let new = people_copy::find_matches(&o, &server, &ctx, "333 7000000", "", "", "")
        .await
        .unwrap();
    assert_eq!(new.len(), 1);

    // "Forget this computer" takes the people with it.
    o.forget_users(&server).await.unwrap();
    assert!(o.copy_info(&server, ctx.user.id).await.unwrap().is_none());
    admin_db.close().await;
    db.close().await;
}
