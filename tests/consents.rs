//! Consents per purpose and per channel (issue 15), on SQLite and on
//! Postgres (as a staff login under row security for the counter's part):
//! give → withdraw → give again over three channels, checked against what
//! the contact rules then allow; the objection to marketing in one click
//! (marketing refused everywhere, the numbers on the do-not-call list for
//! marketing only, a service call still allowed); versioned texts written
//! by an admin only, old versions kept; the receipt as a PDF.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{capture, consents, contact_policy};
use banco::Error;
use common::{staff_ctx, walk_in, TestDb};

async fn allowed(
    t: &TestDb,
    ctx: &banco::services::Ctx,
    lead: uuid::Uuid,
    channel: ContactChannel,
    purpose: ContactPurpose,
) -> bool {
    contact_policy::check(&t.db, ctx, EntityType::Lead, lead, channel, purpose)
        .await
        .unwrap()
        .allowed
}

fn decision(kind: ConsentKind, channel: Option<ContactChannel>, granted: bool) -> ConsentDecision {
    ConsentDecision {
        kind,
        channel,
        granted,
    }
}

store_test!(
    consents_per_channel_decide_what_the_rules_allow,
    |t: TestDb| async move {
        common::open_policy(&t).await;
        let staff = staff_ctx(&t, "Sara", Role::Staff).await;
        // Captured with service contact only.
        let mut form = walk_in("Ilaria", "Canali", "347 818 2020", "ilaria@esempio.it");
        form.consents.marketing = false;
        let out = capture::capture_lead(&t.db, &staff, form).await.unwrap();
        let (person, lead) = (out.person.id, out.lead.id);
        let m = ContactPurpose::Marketing;
        for ch in [
            ContactChannel::Call,
            ContactChannel::Sms,
            ContactChannel::Email,
        ] {
            assert!(!allowed(&t, &staff, lead, ch, m).await, "{ch:?}");
        }

        // Given on three channels one by one.
        let given: Vec<ConsentDecision> = [
            ContactChannel::Call,
            ContactChannel::Sms,
            ContactChannel::Email,
        ]
        .into_iter()
        .map(|ch| decision(ConsentKind::Marketing, Some(ch), true))
        .collect();
        let history = consents::record(&t.db, &staff, person, &given, ConsentSource::Store)
            .await
            .unwrap();
        let newest = &history[0];
        assert_eq!(newest.recorded_by, Some(staff.user.id));
        assert_eq!(newest.source, ConsentSource::Store);
        assert_eq!(newest.text_version, t.ctx.tenant.consent_text_version);
        for ch in [
            ContactChannel::Call,
            ContactChannel::Sms,
            ContactChannel::Email,
        ] {
            assert!(allowed(&t, &staff, lead, ch, m).await, "{ch:?}");
        }
        assert!(!allowed(&t, &staff, lead, ContactChannel::Whatsapp, m).await);

        // SMS withdrawn: only SMS is refused, with the consent named.
        consents::record(
            &t.db,
            &staff,
            person,
            &[decision(
                ConsentKind::Marketing,
                Some(ContactChannel::Sms),
                false,
            )],
            ConsentSource::Phone,
        )
        .await
        .unwrap();
        assert!(!allowed(&t, &staff, lead, ContactChannel::Sms, m).await);
        assert!(allowed(&t, &staff, lead, ContactChannel::Call, m).await);
        assert!(allowed(&t, &staff, lead, ContactChannel::Email, m).await);

        // Withdrawn on every channel, then given again on SMS only.
        consents::record(
            &t.db,
            &staff,
            person,
            &[decision(ConsentKind::Marketing, None, false)],
            ConsentSource::Store,
        )
        .await
        .unwrap();
        for ch in [
            ContactChannel::Call,
            ContactChannel::Sms,
            ContactChannel::Email,
        ] {
            assert!(!allowed(&t, &staff, lead, ch, m).await, "{ch:?}");
        }
        consents::record(
            &t.db,
            &staff,
            person,
            &[decision(
                ConsentKind::Marketing,
                Some(ContactChannel::Sms),
                true,
            )],
            ConsentSource::WebForm,
        )
        .await
        .unwrap();
        assert!(allowed(&t, &staff, lead, ContactChannel::Sms, m).await);
        assert!(!allowed(&t, &staff, lead, ContactChannel::Call, m).await);
        // Service contact was never touched.
        assert!(
            allowed(
                &t,
                &staff,
                lead,
                ContactChannel::Call,
                ContactPurpose::Service
            )
            .await
        );

        // Bad decisions are refused, nothing written.
        let before = consents::record(
            &t.db,
            &staff,
            person,
            &[decision(ConsentKind::Profiling, None, false)],
            ConsentSource::Store,
        )
        .await
        .unwrap()
        .len();
        let err = consents::record(
            &t.db,
            &staff,
            person,
            &[
                decision(ConsentKind::Profiling, None, true),
                decision(ConsentKind::Marketing, Some(ContactChannel::Meeting), true),
            ],
            ConsentSource::Store,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, Error::Validation(v) if v[0].code == "not_a_consent_channel"),
            "{err:?}"
        );
        let err = consents::record(&t.db, &staff, person, &given, ConsentSource::Objection)
            .await
            .unwrap_err();
        assert!(matches!(&err, Error::Validation(v) if v[0].code == "objection_only"));
        let card = banco::services::companies::person_card(&t.db, &staff, person)
            .await
            .unwrap();
        assert_eq!(card.consents.len(), before);

        // The objection in one click: marketing refused everywhere, the
        // number on the list for marketing only; a service call still goes.
        // (As the test's own login: on a chain server the audit trail
        // takes rows signed by the session's login only.)
        consents::object_to_marketing(&t.db, &t.ctx, person)
            .await
            .unwrap();
        for ch in [
            ContactChannel::Call,
            ContactChannel::Sms,
            ContactChannel::Email,
        ] {
            assert!(!allowed(&t, &staff, lead, ch, m).await, "{ch:?}");
        }
        assert!(
            allowed(
                &t,
                &staff,
                lead,
                ContactChannel::Call,
                ContactPurpose::Service
            )
            .await
        );
        let list = contact_policy::settings(&t.db, &t.ctx)
            .await
            .unwrap()
            .do_not_call;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].phone, "+393478182020");
        assert!(list[0].marketing_only);
        // Given again on SMS afterwards: the number still stops marketing
        // texts until a manager removes it; e-mail stays refused by the
        // objection.
        consents::record(
            &t.db,
            &staff,
            person,
            &[decision(
                ConsentKind::Marketing,
                Some(ContactChannel::Sms),
                true,
            )],
            ConsentSource::Store,
        )
        .await
        .unwrap();
        assert!(!allowed(&t, &staff, lead, ContactChannel::Sms, m).await);
        assert!(!allowed(&t, &staff, lead, ContactChannel::Email, m).await);
        let card = banco::services::companies::person_card(&t.db, &staff, person)
            .await
            .unwrap();
        assert_eq!(card.consents[1].source, ConsentSource::Objection);
    }
);

store_test!(
    consent_texts_are_versioned_by_admins_and_the_receipt_is_a_pdf,
    |t: TestDb| async move {
        let staff = staff_ctx(&t, "Sara", Role::Staff).await;
        let err = consents::save_texts(&t.db, &staff, "Testo", "Text")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
        let err = consents::save_texts(&t.db, &t.ctx, " ", "Text")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation(v) if v[0].field == "it"),
            "{err:?}"
        );

        // A consent under the first text, then a new text.
        let mut form = walk_in("Nicolò", "Bellè", "347 818 3030", "");
        form.consents.service_contact = true;
        form.consents.marketing = true;
        let person = capture::capture_lead(&t.db, &t.ctx, form)
            .await
            .unwrap()
            .person;
        let first = t.ctx.tenant.consent_text_version.clone();
        let version = consents::save_texts(
            &t.db,
            &t.ctx,
            "Nuova informativa: marketing per canale.",
            "New notice: marketing per channel.",
        )
        .await
        .unwrap();
        assert_ne!(version, first);
        let kept = consents::texts(&t.db, &t.ctx).await.unwrap();
        assert_eq!(kept.len(), 2);
        assert!(kept.iter().all(|k| k.version == version));
        // The old version's text is still there for the old decision.
        let old = consents::text_of(&t.db, &t.ctx, &first, "it")
            .await
            .unwrap();
        assert!(old.contains("GDPR"), "{old}");

        // A desk signed in before the new text records under it.
        let after = consents::record(
            &t.db,
            &t.ctx,
            person.id,
            &[decision(
                ConsentKind::Marketing,
                Some(ContactChannel::Email),
                false,
            )],
            ConsentSource::Store,
        )
        .await
        .unwrap();
        assert_eq!(after[0].text_version, version);
        assert_eq!(after[1].text_version, first);

        for language in ["it", "en"] {
            let pdf = consents::receipt_pdf(&t.db, &t.ctx, person.id, language)
                .await
                .unwrap();
            assert!(pdf.starts_with(b"%PDF-"), "{language}");
            let text = String::from_utf8_lossy(&pdf).into_owned();
            // Helvetica in WinAnsiEncoding: ò is the byte 0xF2, written as
            // an octal escape or in a hex string.
            let lower = text.to_lowercase();
            assert!(
                lower.contains("nicol\\362 bell\\350") || lower.contains("4e69636f6cf220"),
                "{language}"
            );
            assert!(text.contains("Helvetica"));
            let title = if language == "it" {
                "Ricevuta dei consensi"
            } else {
                "Consent receipt"
            };
            assert!(text.contains(title), "{language}");
        }
        let err = consents::receipt_pdf(&t.db, &t.ctx, person.id, "de")
            .await
            .unwrap_err();
        assert!(matches!(&err, Error::Validation(v) if v[0].field == "language"));
    }
);

store_test!(
    a_shared_email_under_another_name_asks_same_or_new_person,
    |t: TestDb| async move {
        let mut mario = walk_in(
            "Mario",
            "Rossi",
            "347 100 2000",
            "famiglia.rossi@esempio.it",
        );
        mario.consents.marketing = false;
        let mario = capture::capture_lead(&t.db, &t.ctx, mario)
            .await
            .unwrap()
            .person;
        let before = banco::services::companies::person_card(&t.db, &t.ctx, mario.id)
            .await
            .unwrap();

        // Lucia, his wife, at the counter with the family's e-mail and her
        // own consents: nothing is written, the clerk is asked.
        let mut lucia = walk_in("Lucia", "Rossi", "", "Famiglia.Rossi@esempio.it");
        lucia.consents.marketing = true;
        let err = capture::capture_lead(&t.db, &t.ctx, lucia.clone())
            .await
            .unwrap_err();
        let Error::Validation(v) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(v[0].field, "person");
        assert_eq!(v[0].code, "same_contact_other_name");
        assert_eq!(v[0].params["person_id"], mario.id.to_string());
        assert_eq!(v[0].params["name"], "Mario Rossi");
        let after = banco::services::companies::person_card(&t.db, &t.ctx, mario.id)
            .await
            .unwrap();
        assert_eq!(after.consents, before.consents);
        assert_eq!(after.leads.len(), 1);

        // "New person": Lucia is her own record, with her consents.
        let mut new = lucia.clone();
        new.new_person = true;
        let out = capture::capture_lead(&t.db, &t.ctx, new).await.unwrap();
        assert_ne!(out.person.id, mario.id);
        assert_eq!(out.person.first_name, "Lucia");
        let mario_now = banco::services::companies::person_card(&t.db, &t.ctx, mario.id)
            .await
            .unwrap();
        assert_eq!(mario_now.consents, before.consents);

        // "Same person": the clerk picked Mario (a nickname typed).
        let mut same = walk_in("Marietto", "Rossi", "", "famiglia.rossi@esempio.it");
        same.person_id = Some(mario.id);
        let out = capture::capture_lead(&t.db, &t.ctx, same).await.unwrap();
        assert_eq!(out.person.id, mario.id);
        assert_eq!(out.person.first_name, "Mario");

        // Only the surname typed, or the same name with other accents and
        // case: no question.
        let out =
            capture::capture_lead(&t.db, &t.ctx, walk_in("", "ROSSI", "347 100 2000", "")).await;
        assert!(
            matches!(&out, Ok(o) if o.person.id == mario.id)
                || matches!(&out, Err(Error::Validation(v)) if v[0].field != "person"),
            "{out:?}"
        );
        let out =
            capture::capture_lead(&t.db, &t.ctx, walk_in("MÀRIO", "rossi", "347 100 2000", ""))
                .await
                .unwrap();
        assert_eq!(out.person.id, mario.id);
    }
);
