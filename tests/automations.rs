//! Automations (issue 15), on SQLite and on Postgres, on a fixed clock: a
//! welcome call after each first won deal and a call to win back
//! customers at risk, for the deal's owner, exactly once (a second run
//! makes nothing new), leaving out who asked not to be contacted or did
//! not agree to marketing calls; the runs listed; staff refused.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{automations, contact_policy, segments, tasks};
use banco::Error;
use chrono::{Duration, Utc};
use common::{staff_ctx, walk_in, TestDb};

/// A walk-in (marketing consent as given) who wins a fibre deal now.
async fn customer(t: &TestDb, first: &str, phone: &str, marketing: bool) -> Person {
    let mut form = walk_in(first, "Automatici", phone, "");
    form.consents.marketing = marketing;
    common::wins(t, form, &format!("Fibra {first}"), 2_990).await
}

async fn calls_of(t: &TestDb, person: uuid::Uuid) -> Vec<Task> {
    tasks::list(
        &t.db,
        &t.ctx,
        &TaskQuery {
            entity_id: Some(person),
            include_done: true,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .map(|i| i.task)
    .filter(|t| t.kind == TaskKind::Call)
    .collect()
}

store_test!(
    rules_make_each_call_once_and_respect_the_contact_rules,
    |t: TestDb| async move {
        let vittoria = customer(&t, "Vittoria", "347 902 0001", true).await;
        let rino = customer(&t, "Rino", "347 902 0002", true).await;
        let silvia = customer(&t, "Silvia", "347 902 0003", false).await;
        contact_policy::save_preferences(
            &t.db,
            &t.ctx,
            silvia.id,
            &ContactPreferences {
                do_not_contact: true,
                blocked_channels: vec![],
            },
        )
        .await
        .unwrap();

        let staff = staff_ctx(&t, "Sara", Role::Staff).await;
        assert!(matches!(
            automations::run(&t.db, &staff).await.unwrap_err(),
            Error::Forbidden { .. }
        ));
        // Nothing is active at first.
        assert!(automations::run(&t.db, &t.ctx).await.unwrap().is_empty());

        let mut welcome = AutomationRule::default_for(AutomationKind::WelcomeCall);
        welcome.active = true;
        automations::save_rule(&t.db, &t.ctx, &welcome)
            .await
            .unwrap();
        let bad = AutomationRule {
            days: 400,
            ..welcome
        };
        assert!(matches!(
            automations::save_rule(&t.db, &t.ctx, &bad)
                .await
                .unwrap_err(),
            Error::Validation(_)
        ));
        let now = Utc::now();
        let runs = automations::run_at(&t.db, &t.ctx, now).await.unwrap();
        assert_eq!((runs[0].created, runs[0].skipped), (2, 1), "{runs:?}");
        let call = &calls_of(&t, vittoria.id).await[0];
        assert_eq!(call.assignee_id, Some(t.ctx.user.id));
        assert!(call.title.contains("benvenuto"), "{}", call.title);
        let due = call.due_at.unwrap();
        assert!(
            due > now + Duration::days(2) && due < now + Duration::days(4),
            "{due}"
        );
        assert!(calls_of(&t, silvia.id).await.is_empty());
        // Again: nothing new.
        let again = automations::run_at(&t.db, &t.ctx, now).await.unwrap();
        assert_eq!((again[0].created, again[0].skipped), (0, 3));
        assert_eq!(calls_of(&t, rino.id).await.len(), 1);

        // 200 days on, everyone is at risk; only those who agreed to
        // marketing calls are called back, once this month.
        welcome.active = false;
        automations::save_rule(&t.db, &t.ctx, &welcome)
            .await
            .unwrap();
        let mut back = AutomationRule::default_for(AutomationKind::ReEngagement);
        back.active = true;
        automations::save_rule(&t.db, &t.ctx, &back).await.unwrap();
        let later = now + Duration::days(200);
        segments::refresh_at(&t.db, &t.ctx, later).await.unwrap();
        let runs = automations::run_at(&t.db, &t.ctx, later).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(
            (runs[0].kind.as_str(), runs[0].created, runs[0].skipped),
            ("re_engagement", 2, 1)
        );
        assert_eq!(calls_of(&t, vittoria.id).await.len(), 2);
        let again = automations::run_at(&t.db, &t.ctx, later).await.unwrap();
        assert_eq!(again[0].created, 0);

        // The runs are listed, newest first.
        let listed = automations::runs(&t.db, &t.ctx, 10).await.unwrap();
        assert_eq!(listed.len(), 4);
        assert_eq!(listed[0].kind, "re_engagement");
    }
);
