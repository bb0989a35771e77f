//! Automations (issue 15), on SQLite and on Postgres, on a fixed clock: a
//! welcome call after each first won deal and a call to win back
//! customers at risk, for the deal's owner, exactly once (a second run
//! makes nothing new), leaving out who asked not to be contacted or did
//! not agree to marketing calls; the runs listed; staff refused. A
//! renewal reminder before an active contract ends, and birthday wishes
//! by the customer's preferred channel, once a year.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{
    automations, companies, consents, contact_policy, contracts, segments, tasks,
};
use banco::Error;
use chrono::{Datelike, Duration, Utc};
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
        assert_eq!(call.title, "Chiamata di benvenuto: Fibra Vittoria");
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

/// Sets a customer's date of birth and preferred channel on their card.
async fn born(t: &TestDb, person: &Person, birth: chrono::NaiveDate, channel: &str) {
    companies::update_person_details(
        &t.db,
        &t.ctx,
        person.id,
        &PersonDetails {
            profile: ProfileEdit {
                birth_date: Some(birth.to_string()),
                preferred_channel: Some(channel.into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

store_test!(
    renewal_reminders_and_birthday_greetings_come_once,
    |t: TestDb| async move {
        // A contract activated today ends in 24 months; 30 days before
        // its end the renewal reminder (60 days ahead) calls its owner.
        let ada = customer(&t, "Ada", "347 902 0011", false).await;
        let contract = contracts::list(
            &t.db,
            &t.ctx,
            &ContractFilter {
                person_id: Some(ada.id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items[0]
            .contract
            .clone();
        contracts::edit(
            &t.db,
            &t.ctx,
            contract.id,
            &ContractEdit {
                payment_method: Some("postal_slip".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        for to in [ContractStatus::ActivationRequested, ContractStatus::Active] {
            let mv = ContractMove {
                to,
                on: None,
                reason: None,
                version: None,
            };
            contracts::move_contract(&t.db, &t.ctx, contract.id, &mv)
                .await
                .unwrap();
        }
        let mut renewal = AutomationRule::default_for(AutomationKind::RenewalReminder);
        renewal.active = true;
        automations::save_rule(&t.db, &t.ctx, &renewal)
            .await
            .unwrap();
        let now = Utc::now();
        // A year on, nothing ends within 60 days.
        let runs = automations::run_at(&t.db, &t.ctx, now + Duration::days(365))
            .await
            .unwrap();
        assert_eq!((runs[0].created, runs[0].skipped), (0, 0));
        let near_end = now + Duration::days(730 - 30);
        let runs = automations::run_at(&t.db, &t.ctx, near_end).await.unwrap();
        assert_eq!((runs[0].created, runs[0].skipped), (1, 0), "{runs:?}");
        let calls = calls_of(&t, ada.id).await;
        assert!(calls[0].title.contains("scadenza"), "{}", calls[0].title);
        let again = automations::run_at(&t.db, &t.ctx, near_end).await.unwrap();
        assert_eq!((again[0].created, again[0].skipped), (0, 1));
        renewal.active = false;
        automations::save_rule(&t.db, &t.ctx, &renewal)
            .await
            .unwrap();

        // Birthdays: Bruno (marketing by WhatsApp agreed) gets a task on
        // WhatsApp three days ahead; Carla did not agree and is left out;
        // Dario's birthday is too far away.
        let today = now.date_naive();
        let bruno = customer(&t, "Bruno", "347 902 0012", false).await;
        let carla = customer(&t, "Carla", "347 902 0013", false).await;
        let dario = customer(&t, "Dario", "347 902 0014", true).await;
        let birth = |in_days: i64| {
            let d = today + Duration::days(in_days);
            // Born in 1980 on that day (29 February falls back).
            birthday_in(d, 1980)
        };
        born(&t, &bruno, birth(2), "whatsapp").await;
        born(&t, &carla, birth(1), "call").await;
        born(&t, &dario, birth(40), "call").await;
        consents::record(
            &t.db,
            &t.ctx,
            bruno.id,
            &[ConsentDecision {
                kind: ConsentKind::Marketing,
                channel: Some(ContactChannel::Whatsapp),
                granted: true,
            }],
            ConsentSource::Store,
        )
        .await
        .unwrap();
        let mut wishes = AutomationRule::default_for(AutomationKind::BirthdayGreeting);
        wishes.active = true;
        wishes.days = 3;
        automations::save_rule(&t.db, &t.ctx, &wishes)
            .await
            .unwrap();
        // Run from a desk that speaks English: the task's title is in it.
        let english = t.ctx.clone().speaking("en");
        let runs = automations::run_at(&t.db, &english, now).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(
            (runs[0].kind.as_str(), runs[0].created, runs[0].skipped),
            ("birthday_greeting", 1, 1),
            "{runs:?}"
        );
        let listed = tasks::list(
            &t.db,
            &t.ctx,
            &TaskQuery {
                entity_id: Some(bruno.id),
                include_done: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
        let wish = listed
            .iter()
            .map(|i| &i.task)
            .find(|t| t.title.contains("Birthday"))
            .unwrap();
        assert_eq!(wish.kind, TaskKind::Todo);
        assert_eq!(wish.title, "Birthday wishes (WhatsApp): Bruno Automatici");
        assert_eq!(
            wish.due_at.unwrap().date_naive(),
            birthday_in(birth(2), (today + Duration::days(2)).year())
        );
        assert!(calls_of(&t, carla.id).await.is_empty());
        // Once a year.
        let again = automations::run_at(&t.db, &t.ctx, now).await.unwrap();
        assert_eq!(again[0].created, 0);
    }
);
