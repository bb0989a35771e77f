//! Benchmarks of calls on SQLite and on Postgres, each beside a raw-SQL
//! baseline measured in the same run, on `--deals N` synthetic deals
//! (default 1,000,000; `--open M` open, default 10,000) whose first
//! pipeline's stages all have a 24-hour SLA, plus `--calls K` earlier
//! calls (default 200,000):
//!
//! - **"to call" queue** (`services::calls::queue_at`: per-stage SLA
//!   queries, new leads, due call-backs, sorted) against the same per-stage
//!   `SELECT`s written by hand;
//! - **start a call** (`services::calls::start`: resolve the record, read
//!   consents, preferences, policy, do-not-call list, cadence, playbook and
//!   the person's last 8 days of attempts, decide, insert) against one raw
//!   `INSERT` of the same interaction row;
//! - **record an outcome** (`services::calls::record_outcome`) against the
//!   raw `UPDATE` + timeline `INSERT`.
//!
//! Run: `scripts/bench.sh` or `cargo bench --bench contacts_bench --
//! --deals 200000` with `BANCO_BENCH_PG_URL` set.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use banco::model::{
    CallOutcome, CaptureLead, ConsentChoices, ContactPurpose, ContactSettings, EntityType,
    OutcomeInput, StagePlaybook, StartCall,
};
use banco::services::{calls, capture, contact_policy, pipelines, seed, Ctx};
use banco::store::{Db, Pool};
use chrono::{Duration as Span, Utc};
use common::{arg, median, Row};
use uuid::Uuid;

const QUEUE_RUNS: usize = 15;
const CALLS: usize = 200;

/// The queue's per-stage query by hand.
macro_rules! raw_queue {
    ($pool:expr, $t:expr, $p:expr, $stages:expr, $before:expr) => {{
        let mut n = 0;
        for s in $stages {
            let rows = sqlx::query(
                "SELECT d.id, d.title, d.person_id, p.first_name, p.last_name, p.phone_e164, d.stage_entered_at, \
                 (SELECT COUNT(*) FROM interactions i WHERE i.tenant_id = d.tenant_id AND i.entity_id = d.id \
                  AND i.started_at >= d.stage_entered_at) \
                 FROM deals d LEFT JOIN people p ON p.tenant_id = d.tenant_id AND p.id = d.person_id \
                 WHERE d.tenant_id = $1 AND d.pipeline_id = $2 AND d.status = 'open' AND d.stage_id = $3 \
                 AND d.stage_entered_at <= $4 AND NOT EXISTS (SELECT 1 FROM interactions i WHERE \
                 i.tenant_id = d.tenant_id AND i.entity_id = d.id AND i.outcome = 'reached' \
                 AND i.started_at >= d.stage_entered_at) ORDER BY d.stage_entered_at LIMIT 200",
            )
            .bind($t)
            .bind($p)
            .bind(*s)
            .bind($before)
            .fetch_all($pool)
            .await
            .unwrap();
            n += rows.len();
        }
        std::hint::black_box(n);
    }};
}

/// One interaction row by hand.
macro_rules! raw_insert {
    ($pool:expr, $t:expr, $entity:expr, $person:expr, $user:expr) => {{
        sqlx::query(
            "INSERT INTO interactions (tenant_id, id, entity_type, entity_id, person_id, channel, direction, purpose, \
             phone_e164, started_at, user_id) VALUES ($1, $2, 'lead', $3, $4, 'call', 'outbound', 'service', \
             '+393330000000', $5, $6)",
        )
        .bind($t)
        .bind(Uuid::now_v7())
        .bind($entity)
        .bind($person)
        .bind(Utc::now())
        .bind($user)
        .execute($pool)
        .await
        .unwrap();
    }};
}

/// An outcome by hand: the UPDATE and the timeline row.
macro_rules! raw_outcome {
    ($pool:expr, $t:expr, $id:expr, $entity:expr, $user:expr) => {{
        let mut tx = $pool.begin().await.unwrap();
        sqlx::query(
            "UPDATE interactions SET outcome = 'no_answer', duration_seconds = 0, recorded_at = $3 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind($t)
        .bind($id)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO record_events (tenant_id, id, entity_type, entity_id, kind, detail, user_id, at) \
             VALUES ($1, $2, 'lead', $3, 'call', 'no_answer', $4, $5)",
        )
        .bind($t)
        .bind(Uuid::now_v7())
        .bind($entity)
        .bind($user)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }};
}

/// Earlier calls, spread over the deals' people (bulk, by hand).
macro_rules! seed_calls {
    ($pool:expr, $t:expr, $user:expr, $k:expr) => {{
        let people: Vec<(Uuid, Uuid)> = sqlx::query_as(
            "SELECT id, person_id FROM deals WHERE tenant_id = $1 AND person_id IS NOT NULL LIMIT 100000",
        )
        .bind($t)
        .fetch_all($pool)
        .await
        .unwrap();
        let mut done = 0usize;
        while done < $k {
            let mut tx = $pool.begin().await.unwrap();
            for i in done..($k).min(done + 5000) {
                let (deal, person) = people[i % people.len()];
                sqlx::query(
                    "INSERT INTO interactions (tenant_id, id, entity_type, entity_id, person_id, channel, direction, \
                     purpose, outcome, phone_e164, started_at, duration_seconds, user_id, recorded_at) \
                     VALUES ($1, $2, 'deal', $3, $4, 'call', 'outbound', 'service', 'no_answer', '+393330000000', $5, 0, $6, $5)",
                )
                .bind($t)
                .bind(Uuid::now_v7())
                .bind(deal)
                .bind(person)
                .bind(Utc::now() - Span::minutes((i % 20000) as i64))
                .bind($user)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
            done = ($k).min(done + 5000);
        }
    }};
}

async fn bench(name: &'static str, db: Db, n: u64, open: u64, k: usize, rows: &mut Vec<Row>) {
    db.ready().await.unwrap();
    let ctx = Ctx::load(&db, None).await.unwrap();
    let t0 = Instant::now();
    seed::deals(&db, &ctx, n, open, 42, |_, _| {})
        .await
        .unwrap();
    let t = ctx.tenant_id();
    let user = ctx.user.id;
    match db.pool() {
        Pool::Sqlite(p) => seed_calls!(p, t, user, k),
        Pool::Postgres(p) => seed_calls!(p, t, user, k),
    }
    eprintln!(
        "{name}: seeded {n} deals ({open} open) and {k} calls in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    // No quiet hours or caps: the bench runs at any hour, repeatedly.
    contact_policy::save_settings(
        &db,
        &ctx,
        &ContactSettings {
            time_zone: "Europe/Rome".into(),
            quiet_hours: None,
            daily_cap: None,
            lead_sla_hours: Some(24),
            meeting_domain: "meet.jit.si".into(),
            meeting_access: Default::default(),
            do_not_call: vec![],
        },
    )
    .await
    .unwrap();
    let fisso = pipelines::list(&db, &ctx).await.unwrap()[0].clone();
    let stages: Vec<Uuid> = fisso.stages.iter().map(|s| s.id).collect();
    for s in &stages {
        contact_policy::save_stage_playbook(
            &db,
            &ctx,
            *s,
            &StagePlaybook {
                sla_hours: Some(24),
                max_attempts_per_day: Some(5),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }

    // The queue, a day from now (every open deal is due or overdue).
    let at = Utc::now() + Span::hours(24);
    let before = at + Span::hours(6) - Span::hours(24);
    let (mut b, mut r) = (Vec::new(), Vec::new());
    for _ in 0..QUEUE_RUNS {
        let s = Instant::now();
        let q = calls::queue_at(&db, &ctx, at).await.unwrap();
        b.push(s.elapsed());
        assert!(!q.is_empty(), "open deals are due");
        let s = Instant::now();
        match db.pool() {
            Pool::Sqlite(p) => raw_queue!(p, t, fisso.id, &stages, before),
            Pool::Postgres(p) => raw_queue!(p, t, fisso.id, &stages, before),
        }
        r.push(s.elapsed());
    }
    rows.push(Row {
        backend: name,
        operation: format!("\"to call\" queue ({open} open deals, {k} calls)"),
        banco: median(b),
        baseline_name: "same per-stage SELECTs as raw SQL",
        baseline: median(r),
    });

    // Calls from leads with consent; Banco and the raw baseline alternate.
    let mut leads = Vec::new();
    for i in 0..CALLS {
        let out = capture::capture_lead(
            &db,
            &ctx,
            CaptureLead {
                first_name: format!("Bench{i}"),
                last_name: "Chiamata".into(),
                phone: format!("+39 333 9{i:06}"),
                consents: ConsentChoices {
                    service_contact: true,
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .unwrap();
        leads.push((out.lead.id, out.person.id));
    }
    let (mut b, mut r, mut started) = (Vec::new(), Vec::new(), Vec::new());
    for (lead, person) in &leads {
        let s = Instant::now();
        let call = calls::start(
            &db,
            &ctx,
            &StartCall {
                entity_type: EntityType::Lead,
                entity_id: *lead,
                phone: None,
                purpose: ContactPurpose::Service,
                override_reason: None,
            },
        )
        .await
        .unwrap();
        b.push(s.elapsed());
        started.push((call.interaction.id, *lead));
        let s = Instant::now();
        match db.pool() {
            Pool::Sqlite(p) => raw_insert!(p, t, *lead, *person, user),
            Pool::Postgres(p) => raw_insert!(p, t, *lead, *person, user),
        }
        r.push(s.elapsed());
    }
    rows.push(Row {
        backend: name,
        operation: "start a call (contact rules + interaction)".into(),
        banco: median(b),
        baseline_name: "one INSERT of the interaction as raw SQL",
        baseline: median(r),
    });

    let (mut b, mut r) = (Vec::new(), Vec::new());
    let raw_ids: Vec<Uuid> = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar(
            "SELECT id FROM interactions WHERE tenant_id = $1 AND outcome IS NULL AND note IS NULL AND override_code IS NULL \
             AND phone_e164 = '+393330000000'",
        )
        .bind(t)
        .fetch_all(p)
        .await
        .unwrap(),
        Pool::Postgres(p) => sqlx::query_scalar(
            "SELECT id FROM interactions WHERE tenant_id = $1 AND outcome IS NULL AND note IS NULL AND override_code IS NULL \
             AND phone_e164 = '+393330000000'",
        )
        .bind(t)
        .fetch_all(p)
        .await
        .unwrap(),
    };
    for ((id, lead), raw) in started.iter().zip(raw_ids) {
        let s = Instant::now();
        calls::record_outcome(
            &db,
            &ctx,
            *id,
            &OutcomeInput {
                outcome: CallOutcome::NoAnswer,
                duration_seconds: Some(0),
                note: None,
                call_back_at: None,
            },
        )
        .await
        .unwrap();
        b.push(s.elapsed());
        let s = Instant::now();
        match db.pool() {
            Pool::Sqlite(p) => raw_outcome!(p, t, raw, *lead, user),
            Pool::Postgres(p) => raw_outcome!(p, t, raw, *lead, user),
        }
        r.push(s.elapsed());
    }
    rows.push(Row {
        backend: name,
        operation: "record a call's outcome".into(),
        banco: median(b),
        baseline_name: "UPDATE + timeline INSERT as raw SQL",
        baseline: median(r),
    });
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = arg(&args, "--deals", 1_000_000);
    let open = arg(&args, "--open", 10_000).min(n);
    let k = arg(&args, "--calls", 200_000) as usize;
    let mut rows = Vec::new();

    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&banco::store::sqlite_url_in(dir.path()))
        .await
        .unwrap();
    bench("SQLite", db, n, open, k, &mut rows).await;

    if let Some(db) = common::postgres_db().await {
        bench("Postgres", db, n, open, k, &mut rows).await;
    }

    common::print_rows("operation", &rows);
}
