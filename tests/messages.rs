//! Messages written from a record (SMS, WhatsApp, e-mail), on SQLite and on
//! Postgres: the URL the desk's app opens, the interaction and timeline
//! entry logged, the contact rules deciding on the message's channel (a
//! manager's override with its reason), and a missing number or address
//! refused with nothing written.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{calls, capture, contact_policy, notes};
use banco::Error;
use common::{open_policy, TestDb};

fn message(person: uuid::Uuid, channel: ContactChannel) -> StartMessage {
    StartMessage {
        entity_type: EntityType::Person,
        entity_id: person,
        channel,
        purpose: ContactPurpose::Service,
        override_reason: None,
    }
}

fn field_codes(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Validation(v) => v.into_iter().map(|f| (f.field, f.code)).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

store_test!(
    a_message_opens_the_desks_app_and_is_logged_within_the_rules,
    |t: TestDb| async move {
        // No quiet hours: the test runs at any time of day.
        open_policy(&t).await;
        let walk_in = |first: &str, phone: &str, email: &str| CaptureLead {
            first_name: first.into(),
            last_name: "Ferri".into(),
            phone: phone.into(),
            email: email.into(),
            consents: ConsentChoices {
                service_contact: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let anna = capture::capture_lead(&t.db, &t.ctx, walk_in("Anna", "333 123 4567", ""))
            .await
            .unwrap()
            .person
            .id;
        let logged = |id| {
            let (db, ctx) = (t.db.clone(), t.ctx.clone());
            async move {
                calls::interactions(&db, &ctx, EntityType::Person, id)
                    .await
                    .unwrap()
            }
        };

        // WhatsApp: the click-to-chat link, an outbound interaction with no
        // outcome, not a call waiting for one, and the timeline's entry.
        let sent = calls::start_message(&t.db, &t.ctx, &message(anna, ContactChannel::Whatsapp))
            .await
            .unwrap();
        assert_eq!(sent.open_url, "https://wa.me/393331234567");
        let i = &sent.interaction;
        assert_eq!(
            (i.channel, i.direction, i.outcome, i.phone.as_deref()),
            (
                ContactChannel::Whatsapp,
                Direction::Outbound,
                None,
                Some("+393331234567")
            )
        );
        assert_eq!(logged(anna).await, vec![i.clone()]);
        assert!(calls::pending(&t.db, &t.ctx).await.unwrap().is_empty());
        let timeline = notes::timeline(&t.db, &t.ctx, EntityType::Person, anna, 0, 50)
            .await
            .unwrap();
        assert!(
            timeline
                .items
                .iter()
                .any(|e| e.kind == "message" && e.detail.as_deref() == Some("whatsapp")),
            "{timeline:?}"
        );
        let sms = calls::start_message(&t.db, &t.ctx, &message(anna, ContactChannel::Sms))
            .await
            .unwrap();
        assert_eq!(sms.open_url, "sms:+393331234567");

        // No address for an e-mail, a call is not a message: refused,
        // nothing written.
        let no_email = calls::start_message(&t.db, &t.ctx, &message(anna, ContactChannel::Email))
            .await
            .unwrap_err();
        assert_eq!(field_codes(no_email), [("email".into(), "required".into())]);
        let not_a_message =
            calls::start_message(&t.db, &t.ctx, &message(anna, ContactChannel::Call))
                .await
                .unwrap_err();
        assert_eq!(
            field_codes(not_a_message),
            [("channel".into(), "unknown_value".into())]
        );
        assert_eq!(logged(anna).await.len(), 2);

        // Marco wants no WhatsApp: refused by the rules, nothing written;
        // his e-mail is fine.
        let marco = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Marco", "347 765 4321", "marco+casa@esempio.it"),
        )
        .await
        .unwrap()
        .person
        .id;
        let no_whatsapp = ContactPreferences {
            blocked_channels: vec![ContactChannel::Whatsapp],
            ..Default::default()
        };
        contact_policy::save_preferences(&t.db, &t.ctx, marco, &no_whatsapp)
            .await
            .unwrap();
        let refused =
            calls::start_message(&t.db, &t.ctx, &message(marco, ContactChannel::Whatsapp))
                .await
                .unwrap_err();
        assert!(matches!(refused, Error::ContactRefused(_)), "{refused:?}");
        // A clerk may not write anyway; a manager may, with a reason,
        // which is logged.
        let anyway = StartMessage {
            override_reason: Some("Ha chiesto lui il preventivo su WhatsApp".into()),
            ..message(marco, ContactChannel::Whatsapp)
        };
        let clerk = common::staff_ctx(&t, "Commesso", Role::Staff).await;
        let forbidden = calls::start_message(&t.db, &clerk, &anyway)
            .await
            .unwrap_err();
        assert!(
            matches!(forbidden, Error::Forbidden { .. }),
            "{forbidden:?}"
        );
        let overridden = calls::start_message(&t.db, &t.ctx, &anyway)
            .await
            .unwrap()
            .interaction;
        assert_eq!(
            (
                overridden.override_code.as_deref(),
                overridden.override_reason.as_deref()
            ),
            (
                Some("channel_blocked"),
                Some("Ha chiesto lui il preventivo su WhatsApp")
            )
        );
        let mail = calls::start_message(&t.db, &t.ctx, &message(marco, ContactChannel::Email))
            .await
            .unwrap();
        assert_eq!(mail.open_url, "mailto:marco+casa@esempio.it");
        assert_eq!(mail.interaction.phone, None);
        assert_eq!(logged(marco).await, vec![mail.interaction, overridden]);
    }
);
