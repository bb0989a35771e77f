//! Tasks for every desk (issue 16), on SQLite and on Postgres: by hand in
//! "My tasks" and "My store's tasks" as overdue, today and upcoming, with
//! their refusals; a pipeline stage giving a deal its tasks once; call
//! tasks in the "to call" queue.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{deals, pipelines, tasks};
use banco::Error;
use chrono::{Duration, Utc};
use common::{customer, staff_ctx, TestDb};
use uuid::Uuid;

store_test!(
    tasks_by_hand_fall_into_overdue_today_and_upcoming,
    |t: TestDb| async move {
        let person = customer(&t, "Ivo", "+39 333 700 2000").await;
        let sara = staff_ctx(&t, "Sara Banco", Role::Staff).await;
        let task = |title: &str, due: Option<chrono::DateTime<Utc>>, who: Option<Uuid>| NewTask {
            title: title.into(),
            due_at: due,
            assignee_id: who,
            entity_type: Some(EntityType::Person),
            entity_id: Some(person.id),
            ..Default::default()
        };
        let now = Utc::now();
        for (title, due) in [
            ("Richiamare per il modem", Some(now - Duration::days(2))),
            ("Portare il contratto firmato", None),
            (
                "Verificare la prima bolletta",
                Some(now + Duration::days(7)),
            ),
        ] {
            tasks::add(&t.db, &t.ctx, &task(title, due, None))
                .await
                .unwrap();
        }
        tasks::add(
            &t.db,
            &t.ctx,
            &task("Consegnare la SIM", None, Some(sara.user.id)),
        )
        .await
        .unwrap();

        let mine = tasks::list(&t.db, &t.ctx, &TaskQuery::default())
            .await
            .unwrap();
        let buckets: Vec<_> = mine
            .items
            .iter()
            .map(|i| (i.task.title.as_str(), i.bucket))
            .collect();
        assert_eq!(
            buckets,
            vec![
                ("Richiamare per il modem", Some(DueBucket::Overdue)),
                ("Portare il contratto firmato", Some(DueBucket::Today)),
                ("Verificare la prima bolletta", Some(DueBucket::Upcoming)),
            ]
        );
        assert_eq!(mine.items[0].record_title.as_deref(), Some("Ivo Ferrara"));
        let hers = tasks::list(&t.db, &sara, &TaskQuery::default())
            .await
            .unwrap();
        assert_eq!(hers.total, 1);
        let store = tasks::list(
            &t.db,
            &sara,
            &TaskQuery {
                scope: Some(TaskScope::Store),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(store.total, 4, "the store's tasks, whoever has them");

        // Done tasks leave the lists unless asked for.
        tasks::set_done(&t.db, &sara, hers.items[0].task.id, true)
            .await
            .unwrap();
        assert_eq!(
            tasks::list(&t.db, &sara, &TaskQuery::default())
                .await
                .unwrap()
                .total,
            0
        );
        let with_done = tasks::list(
            &t.db,
            &sara,
            &TaskQuery {
                include_done: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(with_done.items[0].task.status, TaskStatus::Done);
        assert_eq!(with_done.items[0].bucket, None);

        // Refusals name the field; nothing is written.
        let bad = tasks::add(&t.db, &t.ctx, &task("  ", None, Some(Uuid::now_v7())))
            .await
            .unwrap_err();
        assert!(
            matches!(&bad, Error::Validation(v) if v[0].field == "title"),
            "{bad:?}"
        );
        let bad = tasks::add(&t.db, &t.ctx, &task("x", None, Some(Uuid::now_v7())))
            .await
            .unwrap_err();
        assert!(
            matches!(&bad, Error::Validation(v) if v[0].field == "assignee_id"),
            "{bad:?}"
        );
        let mut nowhere = task("x", None, None);
        nowhere.entity_id = Some(Uuid::now_v7());
        assert!(matches!(
            tasks::add(&t.db, &t.ctx, &nowhere).await,
            Err(Error::NotFound { .. })
        ));
        assert_eq!(
            tasks::list(
                &t.db,
                &t.ctx,
                &TaskQuery {
                    scope: Some(TaskScope::Store),
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .total,
            3
        );
    }
);

store_test!(
    a_stage_gives_a_deal_its_tasks_once,
    |t: TestDb| async move {
        let fisso = pipelines::find(&t.db, &t.ctx, "Fisso").await.unwrap();
        let (first, second) = (fisso.stages[0].id, fisso.stages[1].id);
        let task = |title: &str, due_days| TemplateTask {
            title: title.into(),
            due_days,
        };
        let sara = staff_ctx(&t, "Sara Banco", Role::Staff).await;
        let err = tasks::save_stage_tasks(&t.db, &sara, second, vec![task("x", 0)])
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
        let err = tasks::save_stage_tasks(&t.db, &t.ctx, second, vec![task(" ", 400)])
            .await
            .unwrap_err();
        let fields: Vec<_> = match err {
            Error::Validation(v) => v.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fields, vec!["tasks.0.title", "tasks.0.due_days"]);
        tasks::save_stage_tasks(
            &t.db,
            &t.ctx,
            second,
            vec![
                task("Inviare l'offerta", 0),
                task("Richiamare per la firma", 3),
            ],
        )
        .await
        .unwrap();
        assert_eq!(
            tasks::stage_tasks(&t.db, &t.ctx).await.unwrap()[0].1.len(),
            2
        );

        let person = customer(&t, "Olga", "+39 333 700 6000").await;
        let deal = deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                pipeline_id: Some(fisso.id),
                person_id: Some(person.id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .deal;
        let on_deal = || TaskQuery {
            entity_id: Some(deal.id),
            ..Default::default()
        };
        assert_eq!(
            tasks::list(&t.db, &t.ctx, &on_deal()).await.unwrap().total,
            0
        );
        for stage in [second, first, second] {
            deals::move_deal(&t.db, &t.ctx, deal.id, &DealMove::Stage { stage_id: stage })
                .await
                .unwrap();
        }
        let made = tasks::list(&t.db, &t.ctx, &on_deal()).await.unwrap();
        let titles: Vec<_> = made.items.iter().map(|i| i.task.title.as_str()).collect();
        assert_eq!(titles, vec!["Inviare l'offerta", "Richiamare per la firma"]);
        assert!(made
            .items
            .iter()
            .all(|i| i.task.assignee_id == deal.owner_id));
        // In "My tasks" of the owner, the first today.
        let mine = tasks::list(&t.db, &t.ctx, &TaskQuery::default())
            .await
            .unwrap();
        assert_eq!(mine.items[0].bucket, Some(DueBucket::Today));
        // Cleared, the stage gives nothing more.
        tasks::save_stage_tasks(&t.db, &t.ctx, second, Vec::new())
            .await
            .unwrap();
        assert!(tasks::stage_tasks(&t.db, &t.ctx).await.unwrap().is_empty());
    }
);

store_test!(
    a_call_task_is_in_the_to_call_queue_of_its_assignee_and_their_manager,
    |t: TestDb| async move {
        let person = customer(&t, "Elsa", "+39 333 700 2001").await;
        let sara = staff_ctx(&t, "Sara Banco", Role::Staff).await;
        let ugo = staff_ctx(&t, "Ugo Banco", Role::Staff).await;
        let manager = staff_ctx(&t, "Marta Banco", Role::StoreManager).await;
        let call = tasks::add(
            &t.db,
            &sara,
            &NewTask {
                title: "Chiedere della bolletta".into(),
                kind: Some(TaskKind::Call),
                due_at: Some(Utc::now() + Duration::minutes(20)),
                entity_type: Some(EntityType::Person),
                entity_id: Some(person.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        // A to-do is not a call: it stays out of the queue.
        tasks::add(
            &t.db,
            &sara,
            &NewTask {
                title: "Archiviare il modulo".into(),
                due_at: Some(Utc::now()),
                entity_type: Some(EntityType::Person),
                entity_id: Some(person.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let in_queue = |ctx: banco::services::Ctx| {
            let db = t.db.clone();
            async move {
                banco::services::calls::queue(&db, &ctx)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|q| q.reason == QueueReason::CallBack)
                    .map(|q| (q.task_id, q.entity_id, q.stage, q.phone))
                    .collect::<Vec<_>>()
            }
        };
        let expected = vec![(
            Some(call.id),
            person.id,
            "Chiedere della bolletta".to_string(),
            Some("+393337002001".to_string()),
        )];
        assert_eq!(in_queue(sara.clone()).await, expected);
        assert_eq!(in_queue(manager.clone()).await, expected);
        assert!(in_queue(ugo.clone()).await.is_empty(), "not Ugo's call");
        // Done from the queue (as the page does): gone for everyone.
        tasks::set_done(&t.db, &sara, call.id, true).await.unwrap();
        assert!(in_queue(sara).await.is_empty());
        assert!(in_queue(manager).await.is_empty());
    }
);

/// Runs `sql` on `db` with `binds` (UUIDs and UTC times), as the test's
/// schema owner.
async fn raw(db: &banco::store::Db, sql: &str, ids: &[Uuid], times: &[chrono::DateTime<Utc>]) {
    macro_rules! run {
        ($p:expr) => {{
            let mut q = sqlx::query(sql);
            for id in ids {
                q = q.bind(*id);
            }
            for at in times {
                q = q.bind(*at);
            }
            q.execute($p).await.map(|_| ())
        }};
    }
    match db.pool() {
        banco::store::Pool::Sqlite(p) => run!(p),
        banco::store::Pool::Postgres(p) => run!(p),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

store_test!(
    call_backs_kept_before_the_upgrade_become_call_tasks,
    |t: TestDb| async move {
        let person = customer(&t, "Nino", "+39 333 700 2002").await;
        let owner = t.owner_db().await;
        let sqlite = matches!(owner.pool(), banco::store::Pool::Sqlite(_));
        // Back to the schema before migration 17: its index (and on a chain
        // server its change feed) gone, the reminders table of migration 4.
        let dir = if sqlite { "sqlite" } else { "postgres" };
        let m4 = std::fs::read_to_string(format!("migrations/{dir}/0004_contact.sql")).unwrap();
        let from = m4.find("CREATE TABLE reminders (").unwrap();
        let to = from + m4[from..].find(");").unwrap() + 2;
        let mut undo = vec![
            "DROP INDEX tasks_calls_due".to_string(),
            "DELETE FROM _sqlx_migrations WHERE version = 17".to_string(),
            m4[from..to].to_string(),
        ];
        if !sqlite {
            undo.push("DROP TRIGGER banco_changes ON tasks".into());
            undo.push("DROP TRIGGER banco_changes ON tickets".into());
        }
        for sql in &undo {
            raw(&owner, sql, &[], &[]).await;
        }
        let (open_id, done_id) = (Uuid::now_v7(), Uuid::now_v7());
        let now = Utc::now();
        let due = now + Duration::minutes(15);
        let me = t.ctx.user.id;
        for (id, note, done) in [
            (open_id, "'dopo le 17'", None),
            (done_id, "NULL", Some(now - Duration::hours(1))),
        ] {
            let (sql, times) = match done {
                None => (
                    format!("INSERT INTO reminders (tenant_id, id, entity_type, entity_id, person_id, due_at, user_id, note, created_at) \
                             VALUES ($1, $2, 'person', $3, $3, $5, $4, {note}, $6)"),
                    vec![due, now],
                ),
                Some(at) => (
                    format!("INSERT INTO reminders (tenant_id, id, entity_type, entity_id, person_id, due_at, user_id, note, created_at, done_at) \
                             VALUES ($1, $2, 'person', $3, $3, $5, $4, {note}, $6, $7)"),
                    vec![due, now, at],
                ),
            };
            raw(
                &owner,
                &sql,
                &[t.ctx.tenant_id(), id, person.id, me],
                &times,
            )
            .await;
        }
        // The upgrade, as a desk (SQLite) or `banco admin migrate` runs it.
        match &t.owner_url {
            Some(url) => banco::services::admin::migrate(url).await.unwrap(),
            None => t.db.ready().await.unwrap(),
        }
        let all = tasks::list(
            &t.db,
            &t.ctx,
            &TaskQuery {
                include_done: true,
                entity_id: Some(person.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let mut got: Vec<_> = all
            .items
            .iter()
            .map(|i| {
                let k = &i.task;
                (
                    k.id,
                    k.kind,
                    k.status,
                    k.title.clone(),
                    k.assignee_id,
                    k.store_id,
                )
            })
            .collect();
        got.sort_by_key(|g| g.0);
        let store = t.ctx.user.store_id;
        assert_eq!(
            got,
            vec![
                (
                    open_id,
                    TaskKind::Call,
                    TaskStatus::Open,
                    "dopo le 17".to_string(),
                    Some(me),
                    store
                ),
                (
                    done_id,
                    TaskKind::Call,
                    TaskStatus::Done,
                    String::new(),
                    Some(me),
                    store
                ),
            ]
        );
        let queue = banco::services::calls::queue(&t.db, &t.ctx).await.unwrap();
        assert!(queue.iter().any(|q| q.task_id == Some(open_id)));
        assert!(queue.iter().all(|q| q.task_id != Some(done_id)));
    }
);
