//! Erasing a person's data (GDPR art. 17, issue 15), on SQLite and on
//! Postgres: after `gdpr::erase`, no table (notes and their revisions,
//! merge snapshots, calls, meetings, titles, contracts, the search index)
//! and, on the embedded database, no file under the data folder (the
//! database, its write-ahead log, backups, document files, the outbox)
//! holds the person's names, phones, e-mails or codice fiscale, searched
//! byte for byte; the KPI report is the same as before; another person's
//! data is untouched; only admins may erase.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{
    backup, calls, capture, companies, contact_policy, deals, duplicates, gdpr, kpi, meetings,
    notes, pipelines, search, tasks, tickets,
};
use banco::store::outbox::Outbox;
use banco::Error;
use chrono::{Duration, Utc};
use common::{line, staff_ctx, walk_in, TestDb};

/// What must not survive, as typed and as the database keeps it.
const NEEDLES: &[&str] = &[
    "Zebedeo",
    "Quaglierini",
    "3477654321",
    "+393477654321",
    "3391112233",
    "zebedeo.q@esempio.it",
    "zq.casa@esempio.it",
    "RSSMRA85T10A562S",
    "IT60X0542811101000000123456",
    "Vicolo dei Gelsomini 41",
    "1985-12-10",
];

/// Every file under `dir` that contains a needle (ASCII case folded),
/// as `(file, needle)`.
fn files_with_needles(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap().to_ascii_lowercase();
            for needle in NEEDLES {
                let n = needle.to_ascii_lowercase().into_bytes();
                if bytes.windows(n.len()).any(|w| w == n.as_slice()) {
                    found.push((path.display().to_string(), needle.to_string()));
                }
            }
        }
    }
    found
}

/// Every table of the chain server's database with a row whose text
/// contains a needle, read as a superuser (no row security), as
/// `(table, needle)`.
async fn tables_with_needles(owner_url: &str) -> Vec<(String, String)> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(owner_url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(tables.len() > 30, "{tables:?}");
    let mut found = Vec::new();
    for table in tables {
        for needle in NEEDLES {
            let n: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM public.{table} x WHERE strpos(lower(x::text), lower($1)) > 0"
            ))
            .bind(needle)
            .fetch_one(&mut conn)
            .await
            .unwrap();
            if n > 0 {
                found.push((table.clone(), needle.to_string()));
            }
        }
    }
    found
}

/// Where the needles are now: the data folder's files (SQLite) or the
/// server's tables (Postgres).
async fn traces(t: &TestDb) -> Vec<(String, String)> {
    match (&t.owner_url, t.db.sqlite_dir()) {
        (Some(url), _) => tables_with_needles(url).await,
        (None, Some(dir)) => files_with_needles(dir),
        (None, None) => panic!("a test database has a folder or a server"),
    }
}

store_test!(
    an_erased_person_leaves_no_trace_and_the_kpis_stay,
    |t: TestDb| async move {
        // Zebedeo, captured with a note, corrected with a codice fiscale
        // and a second phone.
        let mut capture_form = walk_in(
            "Zebedeo",
            "Quaglierini",
            "347 765 4321",
            "zebedeo.q@esempio.it",
        );
        capture_form.note = "Zebedeo vuole la fibra, chiamare al 3477654321".into();
        let out = capture::capture_lead(&t.db, &t.ctx, capture_form)
            .await
            .unwrap();
        let zeb = out.person.clone();
        companies::update_person_details(
            &t.db,
            &t.ctx,
            zeb.id,
            &PersonDetails {
                identity: IdentityEdit {
                    phone_2: Some("339 111 2233".into()),
                    ..Default::default()
                },
                profile: ProfileEdit {
                    address: Some("Vicolo dei Gelsomini 41".into()),
                    postal_code: Some("50123".into()),
                    birth_date: Some("10/12/1985".into()),
                    preferred_language: Some("it".into()),
                    ..Default::default()
                },
                tax_code: "RSSMRA85T10A562S".into(),
                city: "Quaglierini di Sopra".into(),
                expected_version: Some(zeb.updated_at),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        // A twin with another e-mail, merged into him (a snapshot).
        let twin = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Zebedeo", "Quaglierini", "", "zq.casa@esempio.it"),
        )
        .await
        .unwrap();
        if twin.person.id != zeb.id {
            duplicates::merge(&t.db, &t.ctx, EntityType::Person, zeb.id, twin.person.id)
                .await
                .unwrap();
        }
        // Anna, who must keep everything.
        let anna = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Annunziata", "Russo", "347 000 1111", "anna@esempio.it"),
        )
        .await
        .unwrap()
        .person;

        // A note edited once (a revision), a document.
        let note = notes::add(
            &t.db,
            &t.ctx,
            &NewNote {
                entity_type: EntityType::Person,
                entity_id: zeb.id,
                kind: NoteKind::General,
                body: "Zebedeo Quaglierini abita in via Roma".into(),
                pinned: false,
            },
        )
        .await
        .unwrap();
        notes::edit(
            &t.db,
            &t.ctx,
            note.id,
            &NoteEdit {
                kind: NoteKind::General,
                body: "Quaglierini: cliente dal 2020".into(),
                pinned: true,
            },
        )
        .await
        .unwrap();
        notes::attach(
            &t.db,
            &t.ctx,
            EntityType::Person,
            zeb.id,
            "documento.txt",
            b"Carta d'identita di Zebedeo Quaglierini, RSSMRA85T10A562S",
        )
        .await
        .unwrap();

        // A company he is a contact of, whose notes talk about him (one
        // edited: a revision), and a note on Anna's card quoting his
        // number: hidden; the rest of those notes stays.
        let shop = companies::create(
            &t.db,
            &t.ctx,
            &CompanyInput {
                name: "Ferramenta Gelsomini".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        companies::link_contact(&t.db, &t.ctx, shop.id, zeb.id, "titolare", true)
            .await
            .unwrap();
        let shop_note = notes::add(
            &t.db,
            &t.ctx,
            &NewNote {
                entity_type: EntityType::Company,
                entity_id: shop.id,
                kind: NoteKind::General,
                body: "Parlato con Zebedeo, ordine fatto".into(),
                pinned: false,
            },
        )
        .await
        .unwrap();
        notes::edit(
            &t.db,
            &t.ctx,
            shop_note.id,
            &NoteEdit {
                kind: NoteKind::General,
                body: "Parlato con Zebedeo Quaglierini, ordine confermato".into(),
                pinned: false,
            },
        )
        .await
        .unwrap();
        let anna_note = notes::add(
            &t.db,
            &t.ctx,
            &NewNote {
                entity_type: EntityType::Person,
                entity_id: anna.id,
                kind: NoteKind::General,
                body: "Anna è la vicina di Zebedeo (347 765 4321)".into(),
                pinned: false,
            },
        )
        .await
        .unwrap();

        // A deal with his name in the title, won, its contract with an IBAN.
        let pipeline = pipelines::list(&t.db, &t.ctx).await.unwrap()[0].clone();
        let deal = deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                pipeline_id: Some(pipeline.id),
                person_id: Some(zeb.id),
                title: "Fibra per Zebedeo Quaglierini".into(),
                lines: vec![line("Fibra 1 Gbit", 4_900, 2_990)],
                contract_months: Some(24),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .deal;
        let won = deals::move_deal(
            &t.db,
            &t.ctx,
            deal.id,
            &DealMove::Won {
                contract_start: Some(common::today()),
            },
        )
        .await
        .unwrap()
        .contract
        .unwrap();
        banco::services::contracts::edit(
            &t.db,
            &t.ctx,
            won.id,
            &ContractEdit {
                iban: Some("IT60X0542811101000000123456".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

        // A call with a note, a meeting with his e-mail, a ticket, a task,
        // his number on the do-not-call list.
        contact_policy::save_settings(&t.db, &t.ctx, &common::open_policy(&t).await)
            .await
            .unwrap();
        let call = calls::start(
            &t.db,
            &t.ctx,
            &StartCall {
                entity_type: EntityType::Lead,
                entity_id: out.lead.id,
                phone: None,
                purpose: ContactPurpose::Service,
                override_reason: None,
            },
        )
        .await
        .unwrap();
        calls::record_outcome(
            &t.db,
            &t.ctx,
            call.interaction.id,
            &OutcomeInput {
                outcome: CallOutcome::Reached,
                duration_seconds: Some(95),
                note: Some("Zebedeo richiede il 3391112233".into()),
                call_back_at: None,
            },
        )
        .await
        .unwrap();
        meetings::schedule(
            &t.db,
            &t.ctx,
            &NewMeeting {
                entity_type: EntityType::Person,
                entity_id: zeb.id,
                title: "Firma con Quaglierini".into(),
                starts_at: Utc::now() + Duration::days(2),
                duration_minutes: 30,
                participants: vec![t.ctx.user.id],
                customer_email: Some("zebedeo.q@esempio.it".into()),
                override_reason: None,
            },
        )
        .await
        .unwrap();
        tickets::open(
            &t.db,
            &t.ctx,
            &NewTicket {
                entity_type: Some(EntityType::Person),
                entity_id: Some(zeb.id),
                title: "Modem di Quaglierini".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        tasks::add(
            &t.db,
            &t.ctx,
            &NewTask {
                title: "Richiamare Zebedeo al 3477654321".into(),
                entity_type: Some(EntityType::Deal),
                entity_id: Some(deal.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        contact_policy::add_do_not_call(&t.db, &t.ctx, "339 111 2233", Some("chiesto"))
            .await
            .unwrap();

        // A backup and a queued capture on the shop's desk.
        let outbox = match t.db.sqlite_dir() {
            Some(dir) => {
                backup::take(&t.db, &dir.join(backup::BACKUP_DIR))
                    .await
                    .unwrap();
                let o = Outbox::open(dir).await.unwrap();
                let mut queued = walk_in("Zebedeo", "Quaglierini", "3477654321", "");
                queued.id = Some(uuid::Uuid::now_v7());
                o.push("shop", &t.ctx.user, Utc::now(), &queued)
                    .await
                    .unwrap();
                Some(o)
            }
            None => None,
        };
        assert!(
            !traces(&t).await.is_empty(),
            "the fixture holds the needles"
        );

        let range = KpiRange::default();
        let before = kpi::report(&t.db, &t.ctx, range).await.unwrap();

        // Only an admin may erase.
        let manager = staff_ctx(&t, "Carla", Role::StoreManager).await;
        let err = gdpr::erase(&t.db, &manager, zeb.id, outbox.as_ref())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");

        let erased = gdpr::erase(&t.db, &t.ctx, zeb.id, outbox.as_ref())
            .await
            .unwrap();
        assert_eq!(erased.counts.deals, 1);
        assert!(erased.counts.leads >= 1);
        assert_eq!(erased.counts.notes, 1);
        assert_eq!(erased.counts.documents, 1);
        assert!(erased.counts.titles >= 3, "{:?}", erased.counts);
        assert_eq!(erased.counts.other_notes, 2, "{:?}", erased.counts);
        assert!(erased.backups_failed.is_empty(), "{erased:?}");
        if t.db.sqlite_dir().is_some() {
            assert_eq!(erased.backups_cleaned.len(), 1, "{erased:?}");
            assert_eq!(erased.outbox_rows, 1);
        }
        if let Some(o) = &outbox {
            o.close().await;
        }

        assert_eq!(traces(&t).await, Vec::<(String, String)>::new());
        // The KPIs count the same leads, deals and values.
        let after = kpi::report(&t.db, &t.ctx, range).await.unwrap();
        assert_eq!(before, after);

        // The card shows an erased person; the search box finds nothing.
        let card = companies::person_card(&t.db, &t.ctx, zeb.id).await.unwrap();
        assert!(card.person.erased_at.is_some());
        assert_eq!(card.person.first_name, ERASED_FIRST_NAME);
        assert!(card.notes.is_empty() && card.documents.is_empty());
        // Nobody gives them data again through the card.
        let err = companies::update_person_details(
            &t.db,
            &t.ctx,
            zeb.id,
            &PersonDetails {
                identity: IdentityEdit {
                    first_name: Some("Zebedeo".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, Error::Validation(v) if v[0].code == "erased"),
            "{err:?}"
        );
        let deal_after = deals::detail(&t.db, &t.ctx, deal.id).await.unwrap();
        assert_eq!(deal_after.deal.title, "Fibra per *** ***");
        assert_eq!(deal_after.deal.totals, deal.totals);
        for q in ["Quaglierini", "3477654321"] {
            let hits = search::search(&t.db, &t.ctx, q, 20).await.unwrap();
            assert!(hits.groups.is_empty(), "{q}: {hits:?}");
        }
        // Anna is untouched.
        let anna_card = companies::person_card(&t.db, &t.ctx, anna.id)
            .await
            .unwrap();
        assert_eq!(anna_card.person.last_name, "Russo");
        assert_eq!(anna_card.person.email.as_deref(), Some("anna@esempio.it"));
        assert!(anna_card.person.erased_at.is_none());
        let anna_notes: Vec<String> = anna_card.notes.iter().map(|n| n.body.clone()).collect();
        assert_eq!(anna_notes, ["Anna è la vicina di *** (***)"]);
        let shop_card = companies::card(&t.db, &t.ctx, shop.id).await.unwrap();
        assert_eq!(
            shop_card.notes[0].body,
            "Parlato con *** ***, ordine confermato"
        );
        // Its earlier version kept, hidden the same way.
        let earlier = notes::revisions(&t.db, &t.ctx, shop_note.id).await.unwrap();
        assert_eq!(earlier[0].body, "Parlato con ***, ordine fatto");
        assert!(shop_card.contacts.is_empty());
        assert_eq!(anna_note.entity_id, anna.id);
        let hits = search::search(&t.db, &t.ctx, "Annunziata", 20)
            .await
            .unwrap();
        assert!(!hits.groups.is_empty());

        // The trail says who erased whom, with counts only.
        let trail = banco::services::audit::list(&t.db, &t.ctx, &Default::default(), 50)
            .await
            .unwrap();
        let entry = trail
            .iter()
            .find(|e| e.action == "gdpr_erasure")
            .expect("the erasure is in the audit trail");
        assert_eq!(entry.subject, format!("person:{}", zeb.id));
        assert_eq!(entry.user_id, Some(t.ctx.user.id));

        // Erasing again is harmless.
        gdpr::erase(&t.db, &t.ctx, zeb.id, None).await.unwrap();
        assert_eq!(kpi::report(&t.db, &t.ctx, range).await.unwrap(), after);
    }
);

#[test]
fn titles_lose_names_numbers_and_emails_whatever_their_case() {
    let mut p = Person::new(
        uuid::Uuid::nil(),
        "Nicolò".into(),
        "De Santis".into(),
        Some("+393471234567".into()),
        Some("nico@esempio.it".into()),
        Utc::now(),
    );
    p.tax_code = Some("DSNNCL80A01H501X".into());
    let needles = identity_needles(&p);
    for (text, want) in [
        ("Fibra per NICOLÒ de santis", "Fibra per *** *** ***"),
        ("Richiamare al 3471234567", "Richiamare al ***"),
        ("Scrivere a Nico@Esempio.it", "Scrivere a ***"),
        ("+39 347 123 4567", "+39 ***"),
        ("Offerta casa", "Offerta casa"),
        ("CF DSNNCL80A01H501X", "CF ***"),
    ] {
        assert_eq!(redact_identity(text, &needles), want, "{text}");
    }
}

store_test!(
    retention_erases_only_untouched_never_converted_leads_once,
    |t: TestDb| async move {
        let only_lead = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in(
                "Ottavio",
                "Dimenticato",
                "347 222 3333",
                "ottavio@esempio.it",
            ),
        )
        .await
        .unwrap()
        .person;
        let with_deal = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Fausta", "Cliente", "347 444 5555", ""),
        )
        .await
        .unwrap()
        .person;
        let pipeline = pipelines::list(&t.db, &t.ctx).await.unwrap()[0].clone();
        deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                pipeline_id: Some(pipeline.id),
                person_id: Some(with_deal.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();

        // Staff and managers may not see or change the rule.
        let manager = staff_ctx(&t, "Carla", Role::StoreManager).await;
        assert!(matches!(
            gdpr::retention_preview(&t.db, &manager).await.unwrap_err(),
            Error::Forbidden { .. }
        ));
        assert!(matches!(
            gdpr::apply_retention(&t.db, &manager, None)
                .await
                .unwrap_err(),
            Error::Forbidden { .. }
        ));
        let too_long = gdpr::set_retention_months(&t.db, &t.ctx, 121)
            .await
            .unwrap_err();
        assert!(
            matches!(&too_long, Error::Validation(v) if v[0].field == "months"),
            "{too_long:?}"
        );

        // Today nobody is old enough under the default 24 months.
        let preview = gdpr::retention_preview(&t.db, &t.ctx).await.unwrap();
        assert_eq!(preview.months, DEFAULT_RETENTION_MONTHS);
        assert_eq!(preview.people, 0);

        // 25 months later, Ottavio (a lead only) is erased; Fausta (a deal)
        // stays; the leads still count.
        let later = Utc::now() + Duration::days(31 * 25);
        let range = KpiRange::default();
        let before = kpi::report(&t.db, &t.ctx, range).await.unwrap();
        let run = gdpr::apply_retention_at(&t.db, &t.ctx, None, later)
            .await
            .unwrap();
        assert_eq!(run.erased, 1, "{run:?}");
        let ottavio = companies::person_card(&t.db, &t.ctx, only_lead.id)
            .await
            .unwrap()
            .person;
        assert!(ottavio.erased_at.is_some());
        assert!(ottavio.phone.is_none() && ottavio.email.is_none());
        let fausta = companies::person_card(&t.db, &t.ctx, with_deal.id)
            .await
            .unwrap()
            .person;
        assert_eq!(fausta.last_name, "Cliente");
        assert_eq!(kpi::report(&t.db, &t.ctx, range).await.unwrap(), before);

        // A second run touches nobody new.
        let again = gdpr::apply_retention_at(&t.db, &t.ctx, None, later)
            .await
            .unwrap();
        assert_eq!(again.erased, 0);

        // The run is in the trail; turned off, the rule erases nothing.
        let trail = banco::services::audit::list(&t.db, &t.ctx, &Default::default(), 50)
            .await
            .unwrap();
        assert_eq!(
            trail
                .iter()
                .filter(|e| e.action == "gdpr_retention")
                .count(),
            1
        );
        let off = gdpr::set_retention_months(&t.db, &t.ctx, 0).await.unwrap();
        assert_eq!((off.months, off.people), (0, 0));
        capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Nuovo", "Arrivo", "347 666 7777", ""),
        )
        .await
        .unwrap();
        let none = gdpr::apply_retention_at(&t.db, &t.ctx, None, later)
            .await
            .unwrap();
        assert_eq!(none.erased, 0);

        // The daily job runs once a day, for admins only.
        gdpr::set_retention_months(&t.db, &t.ctx, 24).await.unwrap();
        assert!(gdpr::retention_if_due(&t.db, &manager, None)
            .await
            .unwrap()
            .is_none());
        assert!(gdpr::retention_if_due(&t.db, &t.ctx, None)
            .await
            .unwrap()
            .is_some());
        assert!(gdpr::retention_if_due(&t.db, &t.ctx, None)
            .await
            .unwrap()
            .is_none());
    }
);
