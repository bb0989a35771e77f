//! Meetings on a chain's own Jitsi or on JaaS (issue 19): the server's
//! access is the admins', the key stays in the desk's keychain (here an
//! in-memory one), staff join with a moderator's token for their room,
//! the customer's link and invitation carry a guest's (or none, through
//! the lobby); each test runs on SQLite and on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::meeting_keys::{self, MemoryKeys};
use banco::services::meeting_tokens::{check, MeetingClaims, TokenCheck, TOKEN_GRACE};
use banco::services::{capture, contact_policy, meetings};
use banco::Error;
use chrono::{Duration, Utc};
use common::{staff_ctx, TestDb};

const SECRET: &str = "0123456789abcdef0123456789abcdef-negozio";
const PRIVATE_PEM: &str = include_str!("fixtures/meeting-test-key.private.txt");
const PUBLIC_PEM: &str = include_str!("fixtures/meeting-test-key.public.txt");
const JAAS_APP: &str = "vpaas-magic-cookie-1fc542a3e4414a44b2611668195e2bfe";

fn code(e: Error) -> (String, String) {
    match e {
        Error::Validation(v) => (v[0].field.clone(), v[0].code.clone()),
        Error::Forbidden { action, .. } => ("forbidden".into(), action.into()),
        other => panic!("unexpected error {other:?}"),
    }
}

fn token_of(link: &str) -> &str {
    link.split_once("?jwt=").map(|(_, t)| t).unwrap_or("")
}

/// A walk-in who agreed to be contacted about their service (meetings
/// need that consent), and their lead.
async fn walk_in(t: &TestDb, first: &str, last: &str, phone: &str) -> CaptureOutcome {
    capture::capture_lead(
        &t.db,
        &t.ctx,
        CaptureLead {
            first_name: first.into(),
            last_name: last.into(),
            phone: phone.into(),
            consents: ConsentChoices {
                service_contact: true,
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn server(t: &TestDb, domain: &str, access: MeetingAccess) -> ContactSettings {
    let mut s = contact_policy::settings(&t.db, &t.ctx).await.unwrap();
    s.time_zone = "UTC".into();
    s.quiet_hours = None;
    s.daily_cap = None;
    s.meeting_domain = domain.into();
    s.meeting_access = access;
    contact_policy::save_settings(&t.db, &t.ctx, &s)
        .await
        .unwrap()
}

async fn meeting(t: &TestDb, person: uuid::Uuid, staff: uuid::Uuid) -> Meeting {
    meetings::schedule(
        &t.db,
        &t.ctx,
        &NewMeeting {
            entity_type: EntityType::Person,
            entity_id: person,
            title: "Offerta luce".into(),
            starts_at: Utc::now() + Duration::minutes(5),
            duration_minutes: 30,
            participants: vec![staff],
            customer_email: Some("lucia.neri@example.it".into()),
            override_reason: None,
        },
    )
    .await
    .unwrap()
}

store_test!(
    a_self_hosted_jitsi_admits_staff_as_moderators_and_the_customer_as_a_guest,
    |t: TestDb| async move {
        let keys = MemoryKeys::default();
        let manager = staff_ctx(&t, "Paolo", Role::StoreManager).await;
        let anna = staff_ctx(&t, "Anna", Role::Staff).await;
        let lead = walk_in(&t, "Lucia", "Neri", "333 777 1122").await;
        let access = MeetingAccess {
            auth: MeetingAuth::SharedSecret,
            app_id: "banco".into(),
            key_id: String::new(),
            guests: GuestAccess::Token,
        };
        // The meeting server is the whole chain's: a store manager keeps
        // the rest of the rules but may not change it.
        let mut by_manager = contact_policy::settings(&t.db, &manager).await.unwrap();
        by_manager.daily_cap = Some(4);
        contact_policy::save_settings(&t.db, &manager, &by_manager)
            .await
            .unwrap();
        by_manager.meeting_domain = "video.negozio.it".into();
        by_manager.meeting_access = access.clone();
        assert_eq!(
            code(
                contact_policy::save_settings(&t.db, &manager, &by_manager)
                    .await
                    .unwrap_err()
            ),
            ("forbidden".into(), "edit_meeting_server".into())
        );
        server(&t, "https://video.negozio.it", access.clone()).await;

        // No key on this desk yet: joining says so and changes nothing.
        assert_eq!(
            meeting_keys::key_status(&t.db, &anna, &keys).await.unwrap(),
            MeetingKeyStatus {
                needed: true,
                kept: false
            }
        );
        let m = meeting(&t, lead.person.id, anna.user.id).await;
        assert_eq!(
            code(meetings::join(&t.db, &anna, &keys, m.id).await.unwrap_err()),
            ("meeting_key".into(), "key_missing".into())
        );
        assert_eq!(
            meetings::get(&t.db, &anna, m.id).await.unwrap().status,
            MeetingStatus::Scheduled
        );

        // Only an admin keeps a key, and only one that can sign (RFC 7518
        // §3.2: an HS256 secret of at least 32 bytes).
        assert_eq!(
            code(
                meeting_keys::save_key(&t.db, &anna, &keys, SECRET)
                    .await
                    .unwrap_err()
            ),
            ("forbidden".into(), "set_meeting_key".into())
        );
        assert_eq!(
            code(
                meeting_keys::save_key(&t.db, &t.ctx, &keys, "corta")
                    .await
                    .unwrap_err()
            ),
            ("meeting_key".into(), "too_short".into())
        );
        let kept = meeting_keys::save_key(&t.db, &t.ctx, &keys, &format!("{SECRET}\n"))
            .await
            .unwrap();
        assert!(kept.kept);

        // Anna joins as a moderator, with her name, for this room only,
        // until shortly after the planned end.
        let joined = meetings::join(&t.db, &anna, &keys, m.id).await.unwrap();
        assert_eq!(joined.meeting.status, MeetingStatus::InProgress);
        let jwt = joined.jwt.expect("a token for a token server");
        let secret = TokenCheck::Secret(SECRET.as_bytes());
        let claims: MeetingClaims = check(&jwt, secret, &m.room, Utc::now()).unwrap();
        assert_eq!(
            (
                claims.iss.as_str(),
                claims.sub.as_str(),
                claims.context.user.name.as_str(),
                claims.context.user.moderator.as_str(),
                claims.context.user.id,
            ),
            (
                "banco",
                "video.negozio.it",
                "Anna",
                "true",
                anna.user.id.to_string()
            )
        );
        let ends = m.starts_at + Duration::minutes(30);
        assert_eq!(claims.exp, (ends + TOKEN_GRACE).timestamp());
        let secret = || TokenCheck::Secret(SECRET.as_bytes());
        assert_eq!(
            code(check(&jwt, secret(), "banco-altra", Utc::now()).unwrap_err()),
            ("meeting_token".into(), "wrong_room".into())
        );
        assert_eq!(
            code(check(&jwt, secret(), &m.room, ends + TOKEN_GRACE).unwrap_err()),
            ("meeting_token".into(), "expired".into())
        );
        assert_eq!(
            code(
                check(
                    &jwt,
                    TokenCheck::Secret(b"another-secret-another-secret-xx"),
                    &m.room,
                    Utc::now()
                )
                .unwrap_err()
            ),
            ("meeting_token".into(), "invalid".into())
        );

        // The customer's link and invitation carry a guest's token.
        let link = meetings::invitation_link(&t.db, &anna, &keys, m.id)
            .await
            .unwrap();
        assert!(link.starts_with(&format!("https://video.negozio.it/{}?jwt=", m.room)));
        let guest = check(token_of(&link), secret(), &m.room, Utc::now()).unwrap();
        assert_eq!(
            (
                guest.context.user.name.as_str(),
                guest.context.user.email.as_str(),
                guest.context.user.moderator.as_str()
            ),
            ("Lucia Neri", "lucia.neri@example.it", "false")
        );
        let ics = meetings::ics(&t.db, &anna, &keys, m.id).await.unwrap();
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains(&format!("URL:{link}"))
                || unfolded.contains(&format!("URL;VALUE=URI:{link}")),
            "{unfolded}"
        );

        // Through the lobby instead: the plain link.
        server(
            &t,
            "https://video.negozio.it",
            MeetingAccess {
                guests: GuestAccess::Lobby,
                ..access.clone()
            },
        )
        .await;
        assert_eq!(
            meetings::invitation_link(&t.db, &anna, &keys, m.id)
                .await
                .unwrap(),
            m.url()
        );

        // Forgetting the key: the desk can no longer sign.
        assert!(
            !meeting_keys::forget_key(&t.db, &t.ctx, &keys)
                .await
                .unwrap()
                .kept
        );
        let other = meeting(&t, lead.person.id, anna.user.id).await;
        assert_eq!(
            code(
                meetings::join(&t.db, &anna, &keys, other.id)
                    .await
                    .unwrap_err()
            ),
            ("meeting_key".into(), "key_missing".into())
        );
    }
);

store_test!(
    jaas_rooms_live_under_the_app_id_and_tokens_are_rs256,
    |t: TestDb| async move {
        let keys = MemoryKeys::default();
        let lead = walk_in(&t, "Piero", "Gallo", "333 777 3344").await;
        let jaas = MeetingAccess {
            auth: MeetingAuth::Jaas,
            app_id: JAAS_APP.into(),
            key_id: "4f4910".into(),
            guests: GuestAccess::Token,
        };
        // JaaS lives on 8x8.vc and nowhere else; meet.jit.si takes no token.
        let mut wrong = contact_policy::settings(&t.db, &t.ctx).await.unwrap();
        wrong.meeting_domain = "meet.jit.si".into();
        wrong.meeting_access = jaas.clone();
        let fields: Vec<_> = match contact_policy::save_settings(&t.db, &t.ctx, &wrong)
            .await
            .unwrap_err()
        {
            Error::Validation(v) => v.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields,
            [
                ("meeting_auth".to_string(), "public_server".to_string()),
                ("meeting_domain".into(), "jaas_host".into())
            ]
        );
        server(&t, "8x8.vc", jaas.clone()).await;
        assert_eq!(
            code(
                meeting_keys::save_key(&t.db, &t.ctx, &keys, "not a key")
                    .await
                    .unwrap_err()
            ),
            ("meeting_key".into(), "invalid".into())
        );
        meeting_keys::save_key(&t.db, &t.ctx, &keys, PRIVATE_PEM)
            .await
            .unwrap();
        let m = meeting(&t, lead.person.id, t.ctx.user.id).await;
        let (app, room) = m.room.split_once('/').unwrap();
        assert_eq!(app, JAAS_APP);
        assert_eq!(m.url(), format!("https://8x8.vc/{}", m.room));
        let joined = meetings::join(&t.db, &t.ctx, &keys, m.id).await.unwrap();
        let claims = check(
            joined.jwt.as_deref().unwrap(),
            TokenCheck::PublicKey(PUBLIC_PEM.as_bytes()),
            room,
            Utc::now(),
        )
        .unwrap();
        assert_eq!(
            (
                claims.iss.as_str(),
                claims.sub.as_str(),
                claims.context.user.moderator.as_str()
            ),
            ("chat", JAAS_APP, "true")
        );

        // A new API key id is a new keychain entry: the old key no longer
        // signs for it.
        server(
            &t,
            "8x8.vc",
            MeetingAccess {
                key_id: "9a1b2c".into(),
                ..jaas
            },
        )
        .await;
        assert!(
            !meeting_keys::key_status(&t.db, &t.ctx, &keys)
                .await
                .unwrap()
                .kept
        );
    }
);
