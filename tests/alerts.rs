//! The desk's alerts (issue 14): which call-backs and meetings raise a
//! system notification, for whom and when; on SQLite and on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::meeting_keys::MemoryKeys;
use banco::services::{alerts, calls, capture, meetings, tasks};
use chrono::{Duration, Utc};
use common::{open_policy, staff_ctx, walk_in, TestDb};

store_test!(
    call_backs_and_meetings_alert_their_own_people_once_due,
    |t: TestDb| async move {
        open_policy(&t).await;
        let mut form = walk_in("Marta", "Rinaldi", "333 765 4321", "marta@esempio.it");
        form.consents.service_contact = true;
        let lead = capture::capture_lead(&t.db, &t.ctx, form)
            .await
            .unwrap()
            .lead;
        let anna = staff_ctx(&t, "Anna", Role::Staff).await;
        let bruno = staff_ctx(&t, "Bruno", Role::Staff).await;
        let manager = staff_ctx(&t, "Carla", Role::StoreManager).await;

        // Anna promises a call-back in half an hour.
        let started = calls::start(
            &t.db,
            &anna,
            &StartCall {
                entity_type: EntityType::Lead,
                entity_id: lead.id,
                phone: None,
                purpose: ContactPurpose::Service,
                override_reason: None,
            },
        )
        .await
        .unwrap();
        let due = Utc::now() + Duration::minutes(30);
        let reminder = calls::record_outcome(
            &t.db,
            &anna,
            started.interaction.id,
            &OutcomeInput {
                outcome: CallOutcome::CallBack,
                duration_seconds: Some(40),
                note: Some("dopo le 17".into()),
                call_back_at: Some(due),
            },
        )
        .await
        .unwrap()
        .call_back
        .unwrap();
        // Not yet due: nothing.
        assert!(alerts::due_at(&t.db, &anna, due - Duration::minutes(1))
            .await
            .unwrap()
            .is_empty());
        // Due: Anna's alert, on the lead, with her note.
        let at = due + Duration::minutes(1);
        let mine = alerts::due_at(&t.db, &anna, at).await.unwrap();
        assert_eq!(mine.len(), 1, "{mine:?}");
        let a = &mine[0];
        assert_eq!(
            (a.kind, a.id, a.entity_type, a.entity_id),
            (AlertKind::CallBack, reminder.id, EntityType::Lead, lead.id)
        );
        // Postgres keeps microseconds.
        assert!((a.at - reminder.due_at.unwrap()).abs() < Duration::milliseconds(1));
        assert_eq!(a.record_title, "Marta Rinaldi");
        assert_eq!(a.detail, "dopo le 17");
        // Nobody else is alerted for it, a manager included.
        for other in [&bruno, &manager, &t.ctx] {
            assert!(alerts::due_at(&t.db, other, at).await.unwrap().is_empty());
        }
        // Yesterday's call-back no longer raises one (it waits in the queue).
        let late = due + Duration::hours(CALL_BACK_GRACE_HOURS) + Duration::minutes(1);
        assert!(alerts::due_at(&t.db, &anna, late).await.unwrap().is_empty());
        // Done: no alert.
        tasks::set_done(&t.db, &anna, reminder.id, true)
            .await
            .unwrap();
        assert!(alerts::due_at(&t.db, &anna, at).await.unwrap().is_empty());

        // The admin schedules a meeting in two hours with Anna.
        let start = Utc::now() + Duration::hours(2);
        let new = NewMeeting {
            entity_type: EntityType::Lead,
            entity_id: lead.id,
            title: "Offerta fibra".into(),
            starts_at: start,
            duration_minutes: 30,
            participants: vec![anna.user.id],
            customer_email: None,
            override_reason: None,
        };
        let m = meetings::schedule(&t.db, &t.ctx, &new).await.unwrap();
        let soon = start - Duration::minutes(MEETING_NOTICE_MINUTES - 1);
        for who in [&t.ctx, &anna] {
            let got = alerts::due_at(&t.db, who, soon).await.unwrap();
            assert_eq!(got.len(), 1, "{got:?}");
            assert_eq!((got[0].kind, got[0].id), (AlertKind::Meeting, m.id));
            assert!((got[0].at - m.starts_at).abs() < Duration::milliseconds(1));
            assert_eq!(
                (got[0].record_title.as_str(), got[0].detail.as_str()),
                ("Marta Rinaldi", "Offerta fibra")
            );
        }
        // Not Bruno's meeting; too early; a little late still; too late.
        assert!(alerts::due_at(&t.db, &bruno, soon)
            .await
            .unwrap()
            .is_empty());
        let early = start - Duration::minutes(MEETING_NOTICE_MINUTES + 1);
        assert!(alerts::due_at(&t.db, &anna, early)
            .await
            .unwrap()
            .is_empty());
        let a_bit_late = start + Duration::minutes(MEETING_LATE_MINUTES - 1);
        assert_eq!(
            alerts::due_at(&t.db, &anna, a_bit_late)
                .await
                .unwrap()
                .len(),
            1
        );
        let too_late = start + Duration::minutes(MEETING_LATE_MINUTES + 1);
        assert!(alerts::due_at(&t.db, &anna, too_late)
            .await
            .unwrap()
            .is_empty());
        // Once joined, or cancelled, a meeting alerts nobody.
        meetings::join(&t.db, &t.ctx, &MemoryKeys::default(), m.id)
            .await
            .unwrap();
        assert!(alerts::due_at(&t.db, &anna, soon).await.unwrap().is_empty());
        let other = meetings::schedule(&t.db, &t.ctx, &new).await.unwrap();
        assert_eq!(alerts::due_at(&t.db, &anna, soon).await.unwrap().len(), 1);
        meetings::cancel(&t.db, &t.ctx, other.id, Some("spostata"))
            .await
            .unwrap();
        assert!(alerts::due_at(&t.db, &anna, soon).await.unwrap().is_empty());
    }
);
