//! Click-to-call, call outcomes and call-back tasks, inbound calls, contact
//! rules with overrides, the "to call" queue, and video meetings; each
//! test runs on SQLite and on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::meeting_keys::MemoryKeys;
use banco::services::{
    calls, capture, contact_policy, deals, duplicates, meetings, notes, pipelines, tasks,
};
use banco::Error;
use chrono::{Duration, NaiveTime, Timelike, Utc};
use common::{open_policy, staff_ctx, TestDb};
use uuid::Uuid;

fn walk_in(first: &str, phone: &str, marketing: bool) -> CaptureLead {
    CaptureLead {
        first_name: first.into(),
        last_name: "Ferri".into(),
        phone: phone.into(),
        email: format!("{}@esempio.it", first.to_lowercase()),
        consents: ConsentChoices {
            service_contact: true,
            marketing,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn call(entity_type: EntityType, entity_id: Uuid) -> StartCall {
    StartCall {
        entity_type,
        entity_id,
        phone: None,
        purpose: ContactPurpose::Service,
        override_reason: None,
    }
}

fn outcome(o: CallOutcome) -> OutcomeInput {
    OutcomeInput {
        outcome: o,
        duration_seconds: Some(0),
        note: None,
        call_back_at: None,
    }
}

fn refusal(e: Error) -> Refusal {
    match e {
        Error::ContactRefused(r) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn codes(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Validation(v) => v.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

store_test!(
    a_call_from_a_lead_is_dialled_in_e164_and_its_outcome_lands_on_the_timeline,
    |t: TestDb| async move {
        open_policy(&t).await;
        let lead = capture::capture_lead(&t.db, &t.ctx, walk_in("Marta", "333 123 4567", false))
            .await
            .unwrap()
            .lead;
        let started = calls::start(&t.db, &t.ctx, &call(EntityType::Lead, lead.id))
            .await
            .unwrap();
        assert_eq!(started.dial_url, "tel:+393331234567");
        assert_eq!(started.title, "Marta Ferri");
        assert_eq!(started.interaction.outcome, None);
        assert_eq!(started.interaction.person_id, Some(lead.person_id));
        let id = started.interaction.id;
        // Until the outcome is recorded the call is pending for its caller.
        let pending = calls::pending(&t.db, &t.ctx).await.unwrap();
        assert_eq!(pending.iter().map(|i| i.id).collect::<Vec<_>>(), vec![id]);

        let recorded = calls::record_outcome(
            &t.db,
            &t.ctx,
            id,
            &OutcomeInput {
                outcome: CallOutcome::Reached,
                duration_seconds: Some(125),
                note: Some("  Interessata alla fibra 1 Gbit  ".into()),
                call_back_at: None,
            },
        )
        .await
        .unwrap();
        assert_eq!(recorded.interaction.outcome, Some(CallOutcome::Reached));
        assert_eq!(
            recorded.interaction.note.as_deref(),
            Some("Interessata alla fibra 1 Gbit")
        );
        assert!(recorded.call_back.is_none());
        assert!(calls::pending(&t.db, &t.ctx).await.unwrap().is_empty());
        // Once only.
        let again = calls::record_outcome(&t.db, &t.ctx, id, &outcome(CallOutcome::Busy))
            .await
            .unwrap_err();
        assert_eq!(
            codes(again),
            [("outcome".to_string(), "already_recorded".to_string())]
        );

        // On the person's timeline once, with outcome, length and note; in
        // the lead's history too.
        let timeline = notes::timeline(&t.db, &t.ctx, EntityType::Person, lead.person_id, 0, 50)
            .await
            .unwrap();
        let calls_seen: Vec<_> = timeline.items.iter().filter(|e| e.kind == "call").collect();
        assert_eq!(calls_seen.len(), 1, "{timeline:?}");
        assert_eq!(
            calls_seen[0].detail.as_deref(),
            Some("reached · 2:05 · Interessata alla fibra 1 Gbit")
        );
        let detail = banco::services::leads::detail(&t.db, &t.ctx, lead.id)
            .await
            .unwrap();
        assert!(detail.history.iter().any(|e| e.kind == LeadEventKind::Call));
        let listed = calls::interactions(&t.db, &t.ctx, EntityType::Person, lead.person_id)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].duration_seconds, Some(125));

        // Another number, typed nationally; and the user's own scheme.
        contact_policy::set_dial_scheme(&t.db, &t.ctx, DialScheme::Sip)
            .await
            .unwrap();
        let mut other = call(EntityType::Person, lead.person_id);
        other.phone = Some("02 1234 5678".into());
        let started = calls::start(&t.db, &t.ctx, &other).await.unwrap();
        assert_eq!(started.dial_url, "sip:+390212345678");
        other.phone = Some("12".into());
        let bad = calls::start(&t.db, &t.ctx, &other).await.unwrap_err();
        assert_eq!(codes(bad)[0].0, "phone");

        // A call back needs a future time and becomes a call task in the queue.
        let err = calls::record_outcome(
            &t.db,
            &t.ctx,
            started.interaction.id,
            &outcome(CallOutcome::CallBack),
        )
        .await
        .unwrap_err();
        assert_eq!(
            codes(err),
            [("call_back_at".to_string(), "required".to_string())]
        );
        let back = Utc::now() + Duration::minutes(30);
        let done = calls::record_outcome(
            &t.db,
            &t.ctx,
            started.interaction.id,
            &OutcomeInput {
                call_back_at: Some(back),
                note: Some("dopo le 17".into()),
                ..outcome(CallOutcome::CallBack)
            },
        )
        .await
        .unwrap();
        let task = done.call_back.unwrap();
        assert_eq!(
            (
                task.kind,
                task.status,
                task.title.as_str(),
                task.assignee_id
            ),
            (
                TaskKind::Call,
                TaskStatus::Open,
                "dopo le 17",
                Some(t.ctx.user.id)
            )
        );
        assert!((task.due_at.unwrap() - back).abs() < Duration::milliseconds(1));
        // It is in My tasks too.
        let mine = tasks::list(&t.db, &t.ctx, &TaskQuery::default())
            .await
            .unwrap();
        assert!(mine.items.iter().any(|i| i.task.id == task.id));
        let queue = calls::queue(&t.db, &t.ctx).await.unwrap();
        let item = queue
            .iter()
            .find(|q| q.reason == QueueReason::CallBack)
            .expect("the call-back is in the queue");
        assert_eq!(item.task_id, Some(task.id));
        assert_eq!(item.stage, "dopo le 17");
        assert_eq!(item.phone.as_deref(), Some("+393331234567"));
        tasks::set_done(&t.db, &t.ctx, task.id, true).await.unwrap();
        assert!(calls::queue(&t.db, &t.ctx)
            .await
            .unwrap()
            .iter()
            .all(|q| q.reason != QueueReason::CallBack));
        // Someone else's call: staff may not record it.
        let anna = staff_ctx(&t, "Anna", Role::Staff).await;
        let mine = calls::start(&t.db, &t.ctx, &call(EntityType::Lead, lead.id))
            .await
            .unwrap();
        let err = calls::record_outcome(
            &t.db,
            &anna,
            mine.interaction.id,
            &outcome(CallOutcome::Busy),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    }
);

store_test!(
    contact_rules_refuse_in_precedence_and_a_manager_overrides_with_a_reason,
    |t: TestDb| async move {
        open_policy(&t).await;
        let lead = capture::capture_lead(&t.db, &t.ctx, walk_in("Luca", "347 555 0101", false))
            .await
            .unwrap()
            .lead;
        // No marketing consent: a marketing call is refused (person level).
        let mut marketing = call(EntityType::Lead, lead.id);
        marketing.purpose = ContactPurpose::Marketing;
        let r = refusal(calls::start(&t.db, &t.ctx, &marketing).await.unwrap_err());
        assert_eq!(
            (r.level, r.code.as_str()),
            (RuleLevel::Person, "no_consent")
        );
        assert_eq!(r.english(), "no consent to marketing contacts");
        let payload = Error::ContactRefused(r).payload();
        assert_eq!(payload.kind, banco::ErrorKind::ContactRefused);
        assert_eq!(payload.message_key, "contact_rule.no_consent");

        // Quiet hours around now (UTC): refused with the end time.
        let now = Utc::now();
        let start = hm((now.hour() + 23) % 24, 0);
        let end = hm((now.hour() + 2) % 24, 0);
        let mut policy = open_policy(&t).await;
        policy.quiet_hours = Some(QuietHours { start, end });
        contact_policy::save_settings(&t.db, &t.ctx, &policy)
            .await
            .unwrap();
        let r = refusal(
            calls::start(&t.db, &t.ctx, &call(EntityType::Lead, lead.id))
                .await
                .unwrap_err(),
        );
        assert_eq!(
            (r.level, r.code.as_str()),
            (RuleLevel::Tenant, "quiet_hours")
        );
        assert_eq!(r.params["until"], end.format("%H:%M").to_string());
        let check = contact_policy::check(
            &t.db,
            &t.ctx,
            EntityType::Lead,
            lead.id,
            ContactChannel::Call,
            ContactPurpose::Service,
        )
        .await
        .unwrap();
        assert!(!check.allowed && check.can_override);

        // Staff may not override; a manager must give a reason, which is logged.
        let anna = staff_ctx(&t, "Anna", Role::Staff).await;
        let mut forced = call(EntityType::Lead, lead.id);
        forced.override_reason = Some("Ha chiesto lei di essere richiamata".into());
        let err = calls::start(&t.db, &anna, &forced).await.unwrap_err();
        assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
        let boss = staff_ctx(&t, "Bruno", Role::StoreManager).await;
        let mut blank = forced.clone();
        blank.override_reason = Some("  ".into());
        assert_eq!(
            codes(calls::start(&t.db, &boss, &blank).await.unwrap_err()),
            [("override_reason".to_string(), "required".to_string())]
        );
        let started = calls::start(&t.db, &boss, &forced).await.unwrap();
        assert_eq!(
            started.interaction.override_code.as_deref(),
            Some("quiet_hours")
        );
        assert_eq!(
            started.interaction.override_reason.as_deref(),
            Some("Ha chiesto lei di essere richiamata")
        );
        let timeline = notes::timeline(&t.db, &t.ctx, EntityType::Lead, lead.id, 0, 50)
            .await
            .unwrap();
        let logged = timeline
            .items
            .iter()
            .find(|e| e.kind == "contact_override")
            .unwrap();
        assert!(logged.detail.as_deref().unwrap().contains("Ha chiesto lei"));
        assert_eq!(logged.user_name.as_deref(), Some("Bruno"));
        calls::record_outcome(
            &t.db,
            &boss,
            started.interaction.id,
            &outcome(CallOutcome::NoAnswer),
        )
        .await
        .unwrap();

        // The do-not-call list (tenant) comes before the daily cap.
        policy.quiet_hours = None;
        policy.daily_cap = Some(2);
        contact_policy::save_settings(&t.db, &t.ctx, &policy)
            .await
            .unwrap();
        let listed =
            contact_policy::add_do_not_call(&t.db, &t.ctx, "347 555 0101", Some("reclamo"))
                .await
                .unwrap();
        assert_eq!(listed.do_not_call[0].phone, "+393475550101");
        let r = refusal(
            calls::start(&t.db, &t.ctx, &call(EntityType::Lead, lead.id))
                .await
                .unwrap_err(),
        );
        assert_eq!(r.code, "do_not_call");
        contact_policy::remove_do_not_call(&t.db, &t.ctx, "+393475550101")
            .await
            .unwrap();
        // One attempt today so far; the second is allowed, the third is not.
        let second = calls::start(&t.db, &t.ctx, &call(EntityType::Lead, lead.id))
            .await
            .unwrap();
        calls::record_outcome(
            &t.db,
            &t.ctx,
            second.interaction.id,
            &outcome(CallOutcome::Busy),
        )
        .await
        .unwrap();
        let r = refusal(
            calls::start(&t.db, &t.ctx, &call(EntityType::Lead, lead.id))
                .await
                .unwrap_err(),
        );
        assert_eq!(
            (r.code.as_str(), r.english()),
            ("daily_cap", "2 of 2 attempts today".to_string())
        );

        // The person's own wishes come first of all.
        policy.daily_cap = None;
        contact_policy::save_settings(&t.db, &t.ctx, &policy)
            .await
            .unwrap();
        contact_policy::save_preferences(
            &t.db,
            &anna,
            lead.person_id,
            &ContactPreferences {
                do_not_contact: false,
                blocked_channels: vec![ContactChannel::Call],
            },
        )
        .await
        .unwrap();
        let r = refusal(
            calls::start(&t.db, &t.ctx, &call(EntityType::Person, lead.person_id))
                .await
                .unwrap_err(),
        );
        assert_eq!(
            (r.level, r.code.as_str()),
            (RuleLevel::Person, "channel_blocked")
        );
        contact_policy::save_preferences(
            &t.db,
            &anna,
            lead.person_id,
            &ContactPreferences::default(),
        )
        .await
        .unwrap();

        // The stage playbook: a deal at a stage that only uses e-mail.
        let pipelines = pipelines::list(&t.db, &t.ctx).await.unwrap();
        let stage = pipelines[0].stages[0].id;
        let deal = deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                title: "Fibra casa".into(),
                person_id: Some(lead.person_id),
                pipeline_id: Some(pipelines[0].id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .deal;
        let err =
            contact_policy::save_stage_playbook(&t.db, &anna, stage, &StagePlaybook::default())
                .await
                .unwrap_err();
        assert!(matches!(err, Error::Forbidden { .. }));
        let bad = StagePlaybook {
            sla_hours: Some(0),
            ..Default::default()
        };
        assert_eq!(
            codes(
                contact_policy::save_stage_playbook(&t.db, &t.ctx, stage, &bad)
                    .await
                    .unwrap_err()
            ),
            [("sla_hours".to_string(), "out_of_range".to_string())]
        );
        contact_policy::save_stage_playbook(
            &t.db,
            &t.ctx,
            stage,
            &StagePlaybook {
                allowed_channels: vec![ContactChannel::Email, ContactChannel::Meeting],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let r = refusal(
            calls::start(&t.db, &t.ctx, &call(EntityType::Deal, deal.id))
                .await
                .unwrap_err(),
        );
        assert_eq!(
            (r.level, r.english()),
            (
                RuleLevel::Stage,
                "call is not used at this stage".to_string()
            )
        );
        // The same person called from her card is not bound by the deal's stage.
        calls::start(&t.db, &t.ctx, &call(EntityType::Person, lead.person_id))
            .await
            .unwrap();

        // Settings: managers only, checked by field.
        assert!(matches!(
            contact_policy::save_settings(&t.db, &anna, &policy)
                .await
                .unwrap_err(),
            Error::Forbidden { .. }
        ));
        let mut wrong = policy.clone();
        wrong.time_zone = "Europa/Roma".into();
        wrong.meeting_domain = "ftp://video".into();
        assert_eq!(
            codes(
                contact_policy::save_settings(&t.db, &t.ctx, &wrong)
                    .await
                    .unwrap_err()
            ),
            [
                ("time_zone".to_string(), "unknown_value".to_string()),
                ("meeting_domain".to_string(), "invalid".to_string())
            ]
        );
        assert_eq!(
            contact_policy::settings(&t.db, &t.ctx)
                .await
                .unwrap()
                .time_zone,
            "UTC"
        );
    }
);

store_test!(
    a_campaign_cadence_spaces_its_calls,
    |t: TestDb| async move {
        open_policy(&t).await;
        let campaign = banco::services::campaigns::save(
            &t.db,
            &t.ctx,
            &Campaign {
                id: Uuid::now_v7(),
                name: "Volantino Natale".into(),
                channel: SourceChannel::QrCode,
                starts_on: None,
                ends_on: None,
                cost_minor: 0,
                utm_source: None,
                utm_medium: None,
                utm_campaign: None,
                default_pipeline_id: None,
                pipeline_ids: vec![],
                archived: false,
            },
        )
        .await
        .unwrap();
        let mut c = walk_in("Elena", "320 111 2233", true);
        c.campaign_id = Some(campaign.id);
        let lead = capture::capture_lead(&t.db, &t.ctx, c).await.unwrap().lead;
        contact_policy::save_campaign_cadence(
            &t.db,
            &t.ctx,
            campaign.id,
            &CampaignCadence {
                min_hours_between: Some(48),
                max_per_week: None,
            },
        )
        .await
        .unwrap();
        let first = calls::start(&t.db, &t.ctx, &call(EntityType::Lead, lead.id))
            .await
            .unwrap();
        assert_eq!(first.interaction.campaign_id, Some(campaign.id));
        let r = refusal(
            calls::start(&t.db, &t.ctx, &call(EntityType::Lead, lead.id))
                .await
                .unwrap_err(),
        );
        assert_eq!((r.level, r.code.as_str()), (RuleLevel::Campaign, "cadence"));
        let cadences = contact_policy::campaign_cadences(&t.db, &t.ctx)
            .await
            .unwrap();
        assert_eq!(cadences.len(), 1);
        let err = contact_policy::save_campaign_cadence(
            &t.db,
            &t.ctx,
            Uuid::now_v7(),
            &CampaignCadence::default(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }));
    }
);

store_test!(
    an_inbound_call_finds_the_person_by_number_and_is_logged,
    |t: TestDb| async move {
        open_policy(&t).await;
        let out = capture::capture_lead(&t.db, &t.ctx, walk_in("Paola", "+39 349 777 8899", false))
            .await
            .unwrap();
        let found = calls::find_caller(&t.db, &t.ctx, "349.777.8899")
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "Paola Ferri");
        assert_eq!(found[0].leads.len(), 1);
        assert!(calls::find_caller(&t.db, &t.ctx, "06 999 0000")
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            codes(calls::find_caller(&t.db, &t.ctx, "ciao").await.unwrap_err())[0].0,
            "phone"
        );
        let logged = calls::log_inbound(
            &t.db,
            &t.ctx,
            &InboundCall {
                phone: "3497778899".into(),
                entity_type: EntityType::Lead,
                entity_id: out.lead.id,
                outcome: OutcomeInput {
                    outcome: CallOutcome::Reached,
                    duration_seconds: Some(61),
                    note: Some("Chiede la copertura".into()),
                    call_back_at: None,
                },
            },
        )
        .await
        .unwrap();
        assert_eq!(logged.interaction.direction, Direction::Inbound);
        assert_eq!(logged.interaction.person_id, Some(out.person.id));
        let timeline = notes::timeline(&t.db, &t.ctx, EntityType::Person, out.person.id, 0, 50)
            .await
            .unwrap();
        let e = timeline.items.iter().find(|e| e.kind == "call_in").unwrap();
        assert_eq!(
            e.detail.as_deref(),
            Some("reached · 1:01 · Chiede la copertura")
        );
    }
);

store_test!(
    the_to_call_queue_lists_what_runs_out_of_sla_first,
    |t: TestDb| async move {
        open_policy(&t).await;
        let pipelines = pipelines::list(&t.db, &t.ctx).await.unwrap();
        let (pipeline, stage) = (pipelines[0].id, pipelines[0].stages[0].id);
        contact_policy::save_stage_playbook(
            &t.db,
            &t.ctx,
            stage,
            &StagePlaybook {
                sla_hours: Some(8),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let a = capture::capture_lead(&t.db, &t.ctx, walk_in("Aldo", "333 000 1111", false))
            .await
            .unwrap();
        let deal = deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                title: "Mobile famiglia".into(),
                person_id: Some(a.person.id),
                pipeline_id: Some(pipeline),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .deal;
        let now = Utc::now();
        // Fresh: not urgent yet.
        let q = calls::queue_at(&t.db, &t.ctx, now).await.unwrap();
        assert!(q.iter().all(|i| i.entity_id != deal.id), "{q:?}");
        // Six hours on: within the last quarter (2 h) of an 8-hour SLA.
        let q = calls::queue_at(
            &t.db,
            &t.ctx,
            now + Duration::hours(6) + Duration::minutes(30),
        )
        .await
        .unwrap();
        let item = q.iter().find(|i| i.entity_id == deal.id).unwrap();
        assert_eq!(item.reason, QueueReason::DueSoon);
        assert_eq!(item.phone.as_deref(), Some("+393330001111"));
        assert!(item.stage.ends_with(&pipelines[0].stages[0].name));
        // A day on: the deal (8 h) is overdue and before the lead (24 h SLA).
        let later = now + Duration::hours(25);
        let q = calls::queue_at(&t.db, &t.ctx, later).await.unwrap();
        let order: Vec<_> = q.iter().map(|i| (i.entity_type, i.reason)).collect();
        assert_eq!(
            order,
            [
                (EntityType::Deal, QueueReason::Overdue),
                (EntityType::Lead, QueueReason::Overdue)
            ]
        );
        // An unanswered call keeps it there with one attempt; reaching the
        // person takes it out.
        let c1 = calls::start(&t.db, &t.ctx, &call(EntityType::Deal, deal.id))
            .await
            .unwrap();
        calls::record_outcome(
            &t.db,
            &t.ctx,
            c1.interaction.id,
            &outcome(CallOutcome::NoAnswer),
        )
        .await
        .unwrap();
        let q = calls::queue_at(&t.db, &t.ctx, later).await.unwrap();
        assert_eq!(
            q.iter().find(|i| i.entity_id == deal.id).unwrap().attempts,
            1
        );
        let c2 = calls::start(&t.db, &t.ctx, &call(EntityType::Deal, deal.id))
            .await
            .unwrap();
        calls::record_outcome(
            &t.db,
            &t.ctx,
            c2.interaction.id,
            &outcome(CallOutcome::Reached),
        )
        .await
        .unwrap();
        let q = calls::queue_at(&t.db, &t.ctx, later).await.unwrap();
        assert_eq!(
            q.iter().map(|i| i.entity_type).collect::<Vec<_>>(),
            [EntityType::Lead]
        );
    }
);

store_test!(
    a_meeting_is_scheduled_joined_ended_with_a_note_and_exported,
    |t: TestDb| async move {
        open_policy(&t).await;
        let out = capture::capture_lead(&t.db, &t.ctx, walk_in("Sara", "333 222 4455", false))
            .await
            .unwrap();
        let anna = staff_ctx(&t, "Anna", Role::Staff).await;
        let start = Utc::now() + Duration::hours(2);
        let mut new = NewMeeting {
            entity_type: EntityType::Person,
            entity_id: out.person.id,
            title: " ".into(),
            starts_at: start,
            duration_minutes: 2,
            participants: vec![anna.user.id, Uuid::now_v7()],
            customer_email: Some("sara@".into()),
            override_reason: None,
        };
        let fields: Vec<_> = codes(meetings::schedule(&t.db, &t.ctx, &new).await.unwrap_err())
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            [
                "title",
                "duration_minutes",
                "customer_email",
                "participants"
            ]
        );
        new.title = "Offerta fibra + mobile".into();
        new.duration_minutes = 30;
        new.participants = vec![anna.user.id];
        new.customer_email = Some("sara.ferri@esempio.it".into());
        let m = meetings::schedule(&t.db, &t.ctx, &new).await.unwrap();
        assert_eq!(m.status, MeetingStatus::Scheduled);
        assert!(
            m.room.starts_with("banco-") && m.room.len() == 38,
            "{}",
            m.room
        );
        assert_eq!(m.url(), format!("https://meet.jit.si/{}", m.room));
        let names: Vec<_> = m.participants.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["Amministratore", "Anna"]);
        let other = meetings::schedule(&t.db, &t.ctx, &new).await.unwrap();
        assert_ne!(other.room, m.room);

        // The invitation.
        let ics = meetings::ics(&t.db, &t.ctx, &MemoryKeys::default(), m.id)
            .await
            .unwrap();
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
        assert!(ics.contains("METHOD:REQUEST"));
        assert!(ics.contains(&format!("UID:{}@banco", m.id)));
        assert!(ics.contains(&format!("DTSTART:{}", start.format("%Y%m%dT%H%M%SZ"))));
        assert!(ics.contains(&format!(
            "DTEND:{}",
            (start + Duration::minutes(30)).format("%Y%m%dT%H%M%SZ")
        )));
        assert!(ics.contains("mailto:sara.ferri@esempio.it"));
        assert!(ics.contains("SUMMARY:Offerta fibra + mobile"));

        // Day view: today's and tomorrow's window.
        let listed = meetings::between(
            &t.db,
            &t.ctx,
            start - Duration::hours(1),
            start + Duration::hours(1),
        )
        .await
        .unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].record_title, "Sara Ferri");
        assert!(
            meetings::between(&t.db, &t.ctx, start, start - Duration::hours(1))
                .await
                .is_err()
        );

        // Cannot end what never started; join, end, note.
        assert!(matches!(
            meetings::end(&t.db, &t.ctx, m.id, &MeetingNoteLabels::default())
                .await
                .unwrap_err(),
            Error::IllegalMeetingMove { .. }
        ));
        let joined = meetings::join(&t.db, &anna, &MemoryKeys::default(), m.id)
            .await
            .unwrap();
        assert_eq!(joined.meeting.status, MeetingStatus::InProgress);
        assert_eq!(
            (joined.base_url.as_str(), joined.host.as_str()),
            ("https://meet.jit.si", "meet.jit.si")
        );
        assert_eq!(joined.display_name, "Anna");
        // meet.jit.si ends embedded meetings after five minutes: the
        // window opens it in the system browser.
        assert!(joined.in_browser);
        let ended = meetings::end(&t.db, &t.ctx, m.id, &MeetingNoteLabels::default())
            .await
            .unwrap();
        assert_eq!(ended.meeting.status, MeetingStatus::Ended);
        assert_eq!(ended.note.kind, NoteKind::Meeting);
        assert!(
            ended
                .note
                .body
                .contains("Amministratore, Anna, sara.ferri@esempio.it"),
            "{}",
            ended.note.body
        );
        assert!(ended.note.body.contains("30 min"));
        // The meeting counts as a contact with her.
        let contacts = calls::interactions(&t.db, &t.ctx, EntityType::Person, out.person.id)
            .await
            .unwrap();
        assert_eq!(contacts.len(), 1);
        assert_eq!(
            (contacts[0].channel, contacts[0].outcome),
            (ContactChannel::Meeting, Some(CallOutcome::Reached))
        );
        // Ending again returns the same note.
        let again = meetings::end(&t.db, &t.ctx, m.id, &MeetingNoteLabels::default())
            .await
            .unwrap();
        assert_eq!(again.note.id, ended.note.id);
        assert!(matches!(
            meetings::join(&t.db, &t.ctx, &MemoryKeys::default(), m.id)
                .await
                .unwrap_err(),
            Error::IllegalMeetingMove { .. }
        ));
        let timeline = notes::timeline(&t.db, &t.ctx, EntityType::Person, out.person.id, 0, 50)
            .await
            .unwrap();
        let kinds: Vec<_> = timeline.items.iter().map(|e| e.kind.as_str()).collect();
        for k in [
            "meeting_scheduled",
            "meeting_started",
            "meeting_ended",
            "note_added",
        ] {
            assert!(kinds.contains(&k), "{k} in {kinds:?}");
        }
        // Cancel the other one; it stays listed, cancelled.
        let cancelled = meetings::cancel(&t.db, &t.ctx, other.id, Some("Cliente malata"))
            .await
            .unwrap();
        assert_eq!(cancelled.status, MeetingStatus::Cancelled);
        assert!(
            meetings::ics(&t.db, &t.ctx, &MemoryKeys::default(), other.id)
                .await
                .unwrap()
                .contains("STATUS:CANCELLED")
        );
        assert!(matches!(
            meetings::cancel(&t.db, &t.ctx, m.id, None)
                .await
                .unwrap_err(),
            Error::IllegalMeetingMove { .. }
        ));

        // A self-hosted server applies to meetings scheduled after it.
        let mut policy = contact_policy::settings(&t.db, &t.ctx).await.unwrap();
        policy.meeting_domain = "http://127.0.0.1:8443/".into();
        contact_policy::save_settings(&t.db, &t.ctx, &policy)
            .await
            .unwrap();
        let local = meetings::schedule(&t.db, &t.ctx, &new).await.unwrap();
        assert_eq!(local.url(), format!("http://127.0.0.1:8443/{}", local.room));
        let joined = meetings::join(&t.db, &t.ctx, &MemoryKeys::default(), local.id)
            .await
            .unwrap();
        assert_eq!(joined.host, "127.0.0.1:8443");
        assert!(!joined.in_browser, "a chain's own server is embedded");
        let of_person = meetings::of_record(&t.db, &t.ctx, EntityType::Person, out.person.id)
            .await
            .unwrap();
        assert_eq!(of_person.len(), 3);

        // The time rules apply at the meeting's own time: with quiet hours
        // 21:00–09:00, 22:00 tomorrow is refused and 10:00 tomorrow is fine,
        // whenever it is scheduled.
        policy.quiet_hours = Some(QuietHours {
            start: hm(21, 0),
            end: hm(9, 0),
        });
        contact_policy::save_settings(&t.db, &t.ctx, &policy)
            .await
            .unwrap();
        let tomorrow = (Utc::now() + Duration::days(1)).date_naive();
        new.starts_at = tomorrow.and_time(hm(22, 0)).and_utc();
        let r = refusal(meetings::schedule(&t.db, &t.ctx, &new).await.unwrap_err());
        assert_eq!(
            (r.code.as_str(), r.params["until"].as_str()),
            ("quiet_hours", "09:00")
        );
        new.starts_at = tomorrow.and_time(hm(10, 0)).and_utc();
        meetings::schedule(&t.db, &t.ctx, &new).await.unwrap();
    }
);

store_test!(
    a_merge_moves_calls_meetings_and_keeps_the_stricter_preferences,
    |t: TestDb| async move {
        open_policy(&t).await;
        let a = capture::capture_lead(&t.db, &t.ctx, walk_in("Gino", "333 777 0001", false))
            .await
            .unwrap();
        let b = capture::capture_lead(&t.db, &t.ctx, walk_in("Gina", "333 777 0002", false))
            .await
            .unwrap();
        let c = calls::start(&t.db, &t.ctx, &call(EntityType::Person, b.person.id))
            .await
            .unwrap();
        calls::record_outcome(
            &t.db,
            &t.ctx,
            c.interaction.id,
            &outcome(CallOutcome::Reached),
        )
        .await
        .unwrap();
        meetings::schedule(
            &t.db,
            &t.ctx,
            &NewMeeting {
                entity_type: EntityType::Person,
                entity_id: b.person.id,
                title: "Consulenza".into(),
                starts_at: Utc::now() + Duration::days(1),
                duration_minutes: 20,
                participants: vec![],
                customer_email: None,
                override_reason: None,
            },
        )
        .await
        .unwrap();
        contact_policy::save_preferences(
            &t.db,
            &t.ctx,
            b.person.id,
            &ContactPreferences {
                do_not_contact: true,
                blocked_channels: vec![ContactChannel::Sms],
            },
        )
        .await
        .unwrap();
        duplicates::merge(&t.db, &t.ctx, EntityType::Person, a.person.id, b.person.id)
            .await
            .unwrap();
        let moved = calls::interactions(&t.db, &t.ctx, EntityType::Person, a.person.id)
            .await
            .unwrap();
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].person_id, Some(a.person.id));
        let m = meetings::of_record(&t.db, &t.ctx, EntityType::Person, a.person.id)
            .await
            .unwrap();
        assert_eq!(m.len(), 1);
        let prefs = contact_policy::preferences(&t.db, &t.ctx, a.person.id)
            .await
            .unwrap();
        assert!(prefs.do_not_contact);
        assert_eq!(prefs.blocked_channels, [ContactChannel::Sms]);
        let r = refusal(
            calls::start(&t.db, &t.ctx, &call(EntityType::Person, a.person.id))
                .await
                .unwrap_err(),
        );
        assert_eq!(r.code, "do_not_contact");
    }
);
