//! Tasks for every desk (issue 16), on SQLite and on Postgres: by hand in
//! "My tasks" and "My store's tasks" as overdue, today and upcoming, with
//! their refusals; a pipeline stage giving a deal its tasks once.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{capture, deals, pipelines, tasks};
use banco::Error;
use chrono::{Duration, Utc};
use common::{staff_ctx, walk_in, TestDb};
use uuid::Uuid;

async fn customer(t: &TestDb, first: &str, phone: &str) -> Person {
    capture::capture_lead(&t.db, &t.ctx, walk_in(first, "Ferrara", phone, ""))
        .await
        .unwrap()
        .person
}

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
