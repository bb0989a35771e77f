//! Companies and contacts, notes and mentions, documents, the timeline,
//! custom fields, search and duplicate merge; each test runs on SQLite and
//! on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::model::{NewNote, NoteEdit};
use banco::services::{
    capture, companies, company_import, duplicates, leads, notes, search, vcard,
};
use banco::Error;
use common::{staff_ctx, walk_in, TestDb};
use serde_json::json;
use uuid::Uuid;

async fn capture(t: &TestDb, c: CaptureLead) -> CaptureOutcome {
    capture::capture_lead(&t.db, &t.ctx, c).await.unwrap()
}

fn company(name: &str) -> CompanyInput {
    CompanyInput {
        name: name.into(),
        ..Default::default()
    }
}

fn codes(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Validation(v) => v.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// A people CSV with `text` in `dir`, previewed, as a request with
/// duplicates skipped and no custom columns.
fn people_csv(dir: &tempfile::TempDir, text: &str) -> ImportRequest {
    let path = dir.path().join("clienti.csv");
    std::fs::write(&path, text).unwrap();
    let path = path.display().to_string();
    let preview = banco::services::import::preview(std::path::Path::new(&path)).unwrap();
    ImportRequest {
        path,
        mapping: preview.mapping.clone(),
        duplicates: DuplicatePolicy::Skip,
        default_source: SourceChannel::Import,
        store_id: None,
        phone_region: None,
        custom_columns: Vec::new(),
    }
}

/// Runs a people import without progress or cancel.
async fn import_people(t: &TestDb, request: &ImportRequest) -> banco::Result<ImportReport> {
    banco::services::import::run(
        &t.db,
        &t.ctx,
        request,
        |_, _| {},
        &std::sync::atomic::AtomicBool::new(false),
    )
    .await
}

store_test!(
    a_company_with_two_contacts_and_a_primary,
    |t: TestDb| async move {
        let bad = companies::create(
            &t.db,
            &t.ctx,
            &CompanyInput {
                name: "Rossi Impianti".into(),
                vat_number: "06363391002".into(),
                tax_code: "XYZ".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            codes(bad),
            [
                ("vat_number".to_string(), "invalid_vat".to_string()),
                ("tax_code".to_string(), "invalid_tax_code".to_string())
            ]
        );
        let group = companies::create(&t.db, &t.ctx, &company("Gruppo Rossi"))
            .await
            .unwrap();
        let acme = companies::create(
            &t.db,
            &t.ctx,
            &CompanyInput {
                name: "Rossi Impianti".into(),
                legal_name: "Rossi Impianti S.r.l.".into(),
                kind: "client".into(),
                vat_number: "IT06363391001".into(),
                website: "rossi-impianti.it".into(),
                tags: "fotovoltaico, B2B".into(),
                parent_id: Some(group.id),
                sector: "Energia".into(),
                employees: "12".into(),
                office_location: "Torino".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(acme.vat_number.as_deref(), Some("06363391001"));
        // A company cannot become its own grandparent.
        let mut cyc = group.to_input();
        cyc.parent_id = Some(acme.id);
        assert_eq!(
            codes(
                companies::update(&t.db, &t.ctx, group.id, &cyc)
                    .await
                    .unwrap_err()
            ),
            [("parent_id".to_string(), "cycle".to_string())]
        );

        let anna = capture(&t, walk_in("Anna", "Ferri", "3331112222", ""))
            .await
            .person;
        let luca = capture(&t, walk_in("Luca", "Neri", "3334445555", ""))
            .await
            .person;
        companies::link_contact(&t.db, &t.ctx, acme.id, anna.id, "Titolare", true)
            .await
            .unwrap();
        let card =
            companies::link_contact(&t.db, &t.ctx, acme.id, luca.id, "Amministrazione", true)
                .await
                .unwrap();
        // Luca is now the only primary contact, listed first.
        let contacts: Vec<_> = card
            .contacts
            .iter()
            .map(|c| (c.person_name.as_str(), c.role.as_deref(), c.is_primary))
            .collect();
        assert_eq!(
            contacts,
            [
                ("Luca Neri", Some("Amministrazione"), true),
                ("Anna Ferri", Some("Titolare"), false)
            ]
        );
        assert_eq!(card.parent_name.as_deref(), Some("Gruppo Rossi"));
        let group_card = companies::card(&t.db, &t.ctx, group.id).await.unwrap();
        assert_eq!(
            group_card.children,
            [(acme.id, "Rossi Impianti".to_string())]
        );
        let anna_card = companies::person_card(&t.db, &t.ctx, anna.id)
            .await
            .unwrap();
        assert_eq!(anna_card.companies[0].company_name, "Rossi Impianti");
        assert_eq!(anna_card.leads.len(), 1);

        // The list filters by tag and text, and exports what it shows.
        let q = CompanyQuery {
            tag: Some("b2b".into()),
            ..Default::default()
        };
        let page = companies::list(&t.db, &t.ctx, &q).await.unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.items[0].name, "Rossi Impianti");
        let csv = companies::export_csv(&t.db, &t.ctx, &q).await.unwrap();
        assert_eq!(csv.lines().count(), 2, "{csv}");
        assert!(csv.lines().nth(1).unwrap().contains("06363391001"));

        let tl = notes::timeline(&t.db, &t.ctx, EntityType::Company, acme.id, 0, 50)
            .await
            .unwrap();
        let kinds: Vec<_> = tl.items.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["contact_linked", "contact_linked", "created"]);
    }
);

store_test!(
    notes_render_mention_and_keep_their_history,
    |t: TestDb| async move {
        let giulia = staff_ctx(&t, "Giulia Conti", Role::Staff).await;
        let marco = staff_ctx(&t, "Marco Bruno", Role::Staff).await;
        let acme = companies::create(&t.db, &t.ctx, &company("Acme"))
            .await
            .unwrap();
        let note = notes::add(
            &t.db,
            &t.ctx,
            &NewNote {
                entity_type: EntityType::Company,
                entity_id: acme.id,
                kind: NoteKind::Call,
                body: "Chiamato: **richiama** lunedì, @Giulia Conti segui tu <script>x()</script>"
                    .into(),
                pinned: false,
            },
        )
        .await
        .unwrap();
        assert_eq!(note.mentions, [giulia.user.id]);
        assert!(note.html.contains("<strong>richiama</strong>"));
        assert!(!note.html.contains("<script"));

        let inbox = notes::inbox(&t.db, &giulia, true).await.unwrap();
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].record_title, "Acme");
        assert_eq!(inbox[0].author_name.as_deref(), Some("Amministratore"));
        assert_eq!(notes::mark_read(&t.db, &giulia, None).await.unwrap(), 1);
        assert!(notes::inbox(&t.db, &giulia, true).await.unwrap().is_empty());

        // Someone else's note: staff may not edit it; the author may.
        let edit = NoteEdit {
            kind: NoteKind::Call,
            body: "Richiamato: ok. @Marco Bruno prepara l'offerta".into(),
            pinned: true,
        };
        assert!(matches!(
            notes::edit(&t.db, &marco, note.id, &edit).await,
            Err(Error::Forbidden { .. })
        ));
        let edited = notes::edit(&t.db, &t.ctx, note.id, &edit).await.unwrap();
        assert_eq!(edited.mentions, [marco.user.id]);
        assert_eq!(edited.revisions, 1);
        let history = notes::revisions(&t.db, &t.ctx, note.id).await.unwrap();
        assert!(history[0].body.starts_with("Chiamato"));
        assert_eq!(notes::inbox(&t.db, &marco, true).await.unwrap().len(), 1);
        assert!(notes::inbox(&t.db, &giulia, false)
            .await
            .unwrap()
            .is_empty());

        // Pinned notes come first.
        notes::add(
            &t.db,
            &t.ctx,
            &NewNote {
                entity_type: EntityType::Company,
                entity_id: acme.id,
                kind: NoteKind::General,
                body: "dopo".into(),
                pinned: false,
            },
        )
        .await
        .unwrap();
        let list = notes::list(&t.db, &t.ctx, acme.id).await.unwrap();
        assert_eq!(list[0].id, note.id);
        assert!(list[0].pinned);

        let empty = notes::add(
            &t.db,
            &t.ctx,
            &NewNote {
                entity_type: EntityType::Company,
                entity_id: Uuid::now_v7(),
                kind: NoteKind::General,
                body: "x".into(),
                pinned: false,
            },
        )
        .await;
        assert!(matches!(empty, Err(Error::NotFound { .. })));

        // Lead notes live in the same table and show on the lead.
        let lead = capture(&t, walk_in("Nora", "Galli", "3337778888", ""))
            .await
            .lead;
        let d = leads::add_note(&t.db, &t.ctx, lead.id, "primo contatto")
            .await
            .unwrap();
        assert_eq!(d.notes[0].body, "primo contatto");
        assert_eq!(d.notes[0].entity_type, EntityType::Lead);
    }
);

store_test!(
    documents_keep_their_hash_and_size_limit,
    |t: TestDb| async move {
        let _keep = t.guard();
        let acme = companies::create(&t.db, &t.ctx, &company("Acme"))
            .await
            .unwrap();
        let doc = notes::attach(
            &t.db,
            &t.ctx,
            EntityType::Company,
            acme.id,
            "../contratti/offerta.pdf",
            b"%PDF-1.4 offerta",
        )
        .await
        .unwrap();
        assert_eq!(doc.file_name, "offerta.pdf");
        assert_eq!(doc.media_type, "application/pdf");
        assert_eq!(doc.size_bytes, 16);
        assert_eq!(doc.sha256.len(), 64);
        let (back, bytes) = notes::read(&t.db, &t.ctx, doc.id).await.unwrap();
        assert_eq!(
            (back.id, bytes.as_slice()),
            (doc.id, &b"%PDF-1.4 offerta"[..])
        );
        let too_big = vec![0u8; (MAX_DOCUMENT_BYTES + 1) as usize];
        let err = notes::attach(
            &t.db,
            &t.ctx,
            EntityType::Company,
            acme.id,
            "big.bin",
            &too_big,
        )
        .await
        .unwrap_err();
        assert_eq!(codes(err), [("file".to_string(), "too_large".to_string())]);
        assert_eq!(
            notes::documents(&t.db, &t.ctx, acme.id)
                .await
                .unwrap()
                .len(),
            1
        );
        let tl = notes::timeline(&t.db, &t.ctx, EntityType::Company, acme.id, 0, 10)
            .await
            .unwrap();
        assert_eq!(tl.items[0].kind, "document_added");
        assert_eq!(tl.items[0].detail.as_deref(), Some("offerta.pdf"));
    }
);

store_test!(
    custom_fields_are_defined_checked_filtered_and_exported,
    |t: TestDb| async move {
        let staff = staff_ctx(&t, "Sara Villa", Role::Staff).await;
        let tier = CustomField {
            id: Uuid::now_v7(),
            entity_type: EntityType::Company,
            key: "tier".into(),
            label: "Fascia".into(),
            kind: CustomFieldKind::Select,
            required: true,
            default_value: Some(json!("Silver")),
            options: vec!["Gold".into(), "Silver".into()],
            position: 0,
            archived: false,
        };
        assert!(matches!(
            companies::save_field(&t.db, &staff, &tier).await,
            Err(Error::Forbidden { .. })
        ));
        companies::save_field(&t.db, &t.ctx, &tier).await.unwrap();
        let services = CustomField {
            id: Uuid::now_v7(),
            key: "services".into(),
            label: "Servizi".into(),
            kind: CustomFieldKind::Multiselect,
            required: false,
            default_value: None,
            options: vec!["Luce".into(), "Gas".into(), "Fibra".into()],
            ..tier.clone()
        };
        let all = companies::save_field(&t.db, &t.ctx, &services)
            .await
            .unwrap();
        assert_eq!(all.iter().map(|f| f.position).collect::<Vec<_>>(), [0, 1]);
        let dup = CustomField {
            id: Uuid::now_v7(),
            ..services.clone()
        };
        assert_eq!(
            codes(
                companies::save_field(&t.db, &t.ctx, &dup)
                    .await
                    .unwrap_err()
            ),
            [("key".to_string(), "taken".to_string())]
        );

        // The default fills a new record; bad values are named.
        let plain = companies::create(&t.db, &t.ctx, &company("Alfa"))
            .await
            .unwrap();
        assert_eq!(plain.custom["tier"], json!("Silver"));
        let mut input = company("Beta");
        input.custom.insert("tier".into(), json!("Bronze"));
        input.custom.insert("services".into(), json!("gas, fibra"));
        assert_eq!(
            codes(companies::create(&t.db, &t.ctx, &input).await.unwrap_err()),
            [("custom.tier".to_string(), "unknown_value".to_string())]
        );
        input.custom.insert("tier".into(), json!("gold"));
        let beta = companies::create(&t.db, &t.ctx, &input).await.unwrap();
        assert_eq!(beta.custom["services"], json!(["Gas", "Fibra"]));

        let by = |k: &str, v: &str| CompanyQuery {
            custom: vec![(k.into(), v.into())],
            ..Default::default()
        };
        let names =
            |p: Page<CompanyListItem>| p.items.into_iter().map(|i| i.name).collect::<Vec<_>>();
        assert_eq!(
            names(
                companies::list(&t.db, &t.ctx, &by("tier", "gold"))
                    .await
                    .unwrap()
            ),
            ["Beta"]
        );
        assert_eq!(
            names(
                companies::list(&t.db, &t.ctx, &by("services", "Fibra"))
                    .await
                    .unwrap()
            ),
            ["Beta"]
        );
        assert_eq!(
            names(
                companies::list(&t.db, &t.ctx, &by("tier", "Silver"))
                    .await
                    .unwrap()
            ),
            ["Alfa"]
        );
        let csv = companies::export_csv(&t.db, &t.ctx, &CompanyQuery::default())
            .await
            .unwrap();
        let header = csv.lines().next().unwrap();
        assert!(header.ends_with(",tier,services"), "{header}");
        assert!(csv.contains("Gold,Gas; Fibra"), "{csv}");

        // Person custom fields and tax code through the record card.
        let consent_date = CustomField {
            id: Uuid::now_v7(),
            entity_type: EntityType::Person,
            key: "birthday".into(),
            label: "Compleanno".into(),
            kind: CustomFieldKind::Date,
            required: false,
            default_value: None,
            options: vec![],
            position: 0,
            archived: false,
        };
        companies::save_field(&t.db, &t.ctx, &consent_date)
            .await
            .unwrap();
        let p = capture(&t, walk_in("Ugo", "Riva", "3339990000", ""))
            .await
            .person;
        let mut details = banco::model::PersonDetails {
            tax_code: "RSSMRA80A01H501X".into(),
            ..Default::default()
        };
        details
            .custom
            .insert("birthday".into(), json!("31/12/1980"));
        assert_eq!(
            codes(
                companies::update_person_details(&t.db, &t.ctx, p.id, &details)
                    .await
                    .unwrap_err()
            ),
            [("tax_code".to_string(), "invalid_tax_code".to_string())]
        );
        details.tax_code = "rssmra80a01h501u".into();
        let card = companies::update_person_details(&t.db, &t.ctx, p.id, &details)
            .await
            .unwrap();
        assert_eq!(card.person.tax_code.as_deref(), Some("RSSMRA80A01H501U"));
        assert_eq!(card.person.custom["birthday"], json!("1980-12-31"));
    }
);

store_test!(
    search_box_finds_partial_accented_phone_suffix_and_typos,
    |t: TestDb| async move {
        let nicolo = capture(
            &t,
            walk_in("Nicolò", "Bellò", "+39 333 123 4567", "nico@esempio.it"),
        )
        .await;
        capture(&t, walk_in("Mario", "Rossi", "3470001111", "")).await;
        let acme = companies::create(
            &t.db,
            &t.ctx,
            &CompanyInput {
                name: "Società Elettrica Sabauda".into(),
                vat_number: "06363391001".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        notes::add(
            &t.db,
            &t.ctx,
            &NewNote {
                entity_type: EntityType::Company,
                entity_id: acme.id,
                kind: NoteKind::Meeting,
                body: "Sopralluogo per impianto fotovoltaico".into(),
                pinned: false,
            },
        )
        .await
        .unwrap();
        let find = |q: &'static str| {
            let db = t.db.clone();
            let ctx = t.ctx.clone();
            async move { search::search(&db, &ctx, q, 5).await.unwrap() }
        };
        let kinds = |r: &SearchResults| {
            r.groups
                .iter()
                .map(|(k, hits)| {
                    (
                        k.clone(),
                        hits.iter().map(|h| h.title.clone()).collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        // Capture warns about the same name, in either order, accents ignored.
        for (first, last) in [("nicolo", "BELLO"), ("Bellò", "Nicolò")] {
            let m = capture::find_matches_with_name(&t.db, &t.ctx, "3470009999", "", first, last)
                .await
                .unwrap();
            assert_eq!(m.len(), 1, "{first} {last}");
            assert_eq!(
                (m[0].person.id, m[0].matched_on.clone()),
                (nicolo.person.id, vec!["name".to_string()])
            );
        }
        let r = find("nicolo").await;
        assert_eq!(r.groups[0].1[0].id, nicolo.person.id);
        assert!(!r.fuzzy);
        // A lead is indexed under its person too.
        assert!(kinds(&r).iter().any(|(k, _)| k == "lead"));
        assert_eq!(find("BELL").await.groups[0].1[0].title, "Nicolò Bellò");
        assert_eq!(find("4567").await.groups[0].1[0].id, nicolo.person.id);
        assert_eq!(find("elettr sab").await.groups[0].1[0].id, acme.id);
        assert_eq!(find("06363391001").await.groups[0].1[0].id, acme.id);
        let note = find("fotovoltaico").await;
        let (kind, hits) = &note.groups[0];
        assert_eq!(kind, "note");
        assert_eq!(
            (hits[0].open_type, hits[0].open_id),
            (EntityType::Company, acme.id)
        );
        assert_eq!(hits[0].title, "Società Elettrica Sabauda");
        // One typo.
        let typo = find("Rosi Mario").await;
        assert!(typo.fuzzy);
        assert_eq!(typo.groups[0].1[0].title, "Mario Rossi");
        assert!(find("zzzzqqq").await.groups.is_empty());
        // Renaming updates the index in the same transaction.
        let mut input = acme.to_input();
        input.name = "Sabauda Energia".into();
        companies::update(&t.db, &t.ctx, acme.id, &input)
            .await
            .unwrap();
        assert!(find("elettrica")
            .await
            .groups
            .iter()
            .all(|(k, _)| k != "company"));
        assert_eq!(find("sabauda ener").await.groups[0].1[0].id, acme.id);
    }
);

store_test!(
    duplicates_are_found_reviewed_and_merged,
    |t: TestDb| async move {
        let manager = staff_ctx(&t, "Paola Sala", Role::StoreManager).await;
        let clerk = staff_ctx(&t, "Ivo Sala", Role::Staff).await;
        let a = capture(
            &t,
            walk_in("Mario", "Rossi", "3331234567", "mario@esempio.it"),
        )
        .await;
        // Capture finds Mario by e-mail and reuses him; create the second
        // record directly, as an import or another store would.
        let b_person = {
            let mut p = Person::new(
                Uuid::now_v7(),
                "Mario".into(),
                "Rosi".into(),
                None,
                Some("mario@esempio.it".into()),
                chrono::Utc::now(),
            );
            p.city = Some("Torino".into());
            p
        };
        let inserted: banco::Result<()> = async {
            banco::with_tx!(t.db, |c| {
                c.insert_person(t.ctx.tenant_id(), &b_person).await?;
                c.insert_consent(
                    t.ctx.tenant_id(),
                    &Consent {
                        id: Uuid::now_v7(),
                        person_id: b_person.id,
                        lead_id: None,
                        kind: ConsentKind::Marketing,
                        granted: false,
                        text_version: "2026-01".into(),
                        // Older than Mario's grant: the merged history alone
                        // would say "granted"; the merge must restrict it.
                        recorded_at: chrono::Utc::now() - chrono::Duration::days(30),
                        recorded_by: None,
                        channel: None,
                        source: ConsentSource::Store,
                        store_id: None,
                    },
                )
                .await?;
                // He also said no to service calls on WhatsApp only.
                c.insert_consent(
                    t.ctx.tenant_id(),
                    &Consent {
                        id: Uuid::now_v7(),
                        person_id: b_person.id,
                        lead_id: None,
                        kind: ConsentKind::ServiceContact,
                        granted: false,
                        text_version: "2026-01".into(),
                        recorded_at: chrono::Utc::now() - chrono::Duration::days(30),
                        recorded_by: None,
                        channel: Some(ContactChannel::Whatsapp),
                        source: ConsentSource::Store,
                        store_id: None,
                    },
                )
                .await
            })
        }
        .await;
        inserted.unwrap();
        notes::add(
            &t.db,
            &t.ctx,
            &NewNote {
                entity_type: EntityType::Person,
                entity_id: b_person.id,
                kind: NoteKind::General,
                body: "nota del doppione".into(),
                pinned: false,
            },
        )
        .await
        .unwrap();
        let unrelated = capture(&t, walk_in("Anna", "Verdi", "3471112222", "")).await;

        let pairs = duplicates::scan(&t.db, &t.ctx, EntityType::Person)
            .await
            .unwrap();
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        let pair = &pairs[0];
        assert_eq!((pair.a.id, pair.b.id), (a.person.id, b_person.id));
        assert_eq!(pair.score, 100);
        let kinds: Vec<_> = pair.evidence.iter().map(|e| e.kind).collect();
        assert!(kinds.contains(&EvidenceKind::Email));
        assert!(kinds.contains(&EvidenceKind::SimilarName));
        assert!(pair.b.linked >= 1);

        assert!(matches!(
            duplicates::merge(&t.db, &clerk, EntityType::Person, a.person.id, b_person.id).await,
            Err(Error::Forbidden { .. })
        ));
        let out = duplicates::merge(
            &t.db,
            &manager,
            EntityType::Person,
            a.person.id,
            b_person.id,
        )
        .await
        .unwrap();
        assert_eq!(
            out.consents_restricted,
            ["service_contact:whatsapp", "marketing"]
        );
        let card = companies::person_card(&t.db, &t.ctx, a.person.id)
            .await
            .unwrap();
        assert_eq!(card.person.city.as_deref(), Some("Torino"));
        assert_eq!(card.notes.len(), 1);
        assert_eq!(card.leads.len(), 1);
        let latest_marketing = card
            .consents
            .iter()
            .filter(|c| c.kind == ConsentKind::Marketing)
            .max_by_key(|c| c.recorded_at)
            .unwrap();
        assert!(!latest_marketing.granted);
        // Service calls stay allowed, WhatsApp excepted.
        let service = |ch| consent_state(&card.consents, ConsentKind::ServiceContact, Some(ch));
        assert_eq!(service(ContactChannel::Call), Some(true));
        assert_eq!(service(ContactChannel::Whatsapp), Some(false));
        assert!(companies::person_card(&t.db, &t.ctx, b_person.id)
            .await
            .is_err());
        let tl = notes::timeline(&t.db, &t.ctx, EntityType::Person, a.person.id, 0, 50)
            .await
            .unwrap();
        assert_eq!(tl.items[0].kind, "merged");
        assert_eq!(tl.items[0].detail.as_deref(), Some("Mario Rosi"));
        // The merged record is gone from search; nothing left to review.
        let r = search::search(&t.db, &t.ctx, "rosi", 5).await.unwrap();
        assert!(r
            .groups
            .iter()
            .flat_map(|(_, h)| h)
            .all(|h| h.id != b_person.id));
        assert!(duplicates::scan(&t.db, &t.ctx, EntityType::Person)
            .await
            .unwrap()
            .is_empty());

        // Dismissed pairs stay dismissed; companies merge too.
        let x = companies::create(&t.db, &t.ctx, &company("Bar Sport"))
            .await
            .unwrap();
        let y = companies::create(&t.db, &t.ctx, &company("Bar Sporrt"))
            .await
            .unwrap();
        companies::link_contact(&t.db, &t.ctx, y.id, unrelated.person.id, "Titolare", true)
            .await
            .unwrap();
        let pairs = duplicates::scan(&t.db, &t.ctx, EntityType::Company)
            .await
            .unwrap();
        assert_eq!(pairs.len(), 1);
        duplicates::merge(&t.db, &manager, EntityType::Company, x.id, y.id)
            .await
            .unwrap();
        let card = companies::card(&t.db, &t.ctx, x.id).await.unwrap();
        assert_eq!(card.contacts.len(), 1);
        assert!(card.contacts[0].is_primary);
        // Keeping a subsidiary and merging its parent into it: no parent left.
        let parent = companies::create(&t.db, &t.ctx, &company("Gruppo Alfa"))
            .await
            .unwrap();
        let mut child_in = company("Alfa Gruppo Servizi");
        child_in.parent_id = Some(parent.id);
        let child = companies::create(&t.db, &t.ctx, &child_in).await.unwrap();
        duplicates::merge(&t.db, &manager, EntityType::Company, child.id, parent.id)
            .await
            .unwrap();
        let card = companies::card(&t.db, &t.ctx, child.id).await.unwrap();
        assert_eq!(card.company.parent_id, None);
        let z = companies::create(&t.db, &t.ctx, &company("Bar Sportt"))
            .await
            .unwrap();
        duplicates::dismiss(&t.db, &t.ctx, EntityType::Company, x.id, z.id)
            .await
            .unwrap();
        assert!(duplicates::scan(&t.db, &t.ctx, EntityType::Company)
            .await
            .unwrap()
            .is_empty());
    }
);

store_test!(
    vcards_round_trip_and_import_as_people,
    |t: TestDb| async move {
        let acme = companies::create(&t.db, &t.ctx, &company("Rossi, Bianchi & C."))
            .await
            .unwrap();
        let anna = capture(
            &t,
            walk_in("Anna", "D'Amico", "3331112222", "anna@esempio.it"),
        )
        .await
        .person;
        companies::link_contact(&t.db, &t.ctx, acme.id, anna.id, "Titolare", true)
            .await
            .unwrap();
        let text = vcard::export_company(&t.db, &t.ctx, acme.id).await.unwrap();
        assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"), "{text}");
        assert!(text.contains("N:D'Amico;Anna;;;\r\n"), "{text}");
        assert!(text.contains("TEL;TYPE=CELL:+393331112222\r\n"), "{text}");
        assert!(text.contains("ORG:Rossi\\, Bianchi & C.\r\n"), "{text}");
        assert!(text.contains("TITLE:Titolare\r\n"), "{text}");

        // Re-importing the same card finds Anna by phone: skipped.
        let report = vcard::import(&t.db, &t.ctx, text.as_bytes(), DuplicatePolicy::Skip)
            .await
            .unwrap();
        assert_eq!((report.summary.skipped, report.summary.imported), (1, 0));

        let phone_export = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Nicolò Bellò\r\nN:Bellò;Nicolò;;;\r\n\
            TEL;TYPE=cell:+39 347 555 6666\r\nTEL;TYPE=work:011 123456\r\nEMAIL:NICO@Esempio.it\r\n\
            ADR;TYPE=home:;;Via Roma 1;Torino;;10100;Italia\r\nEND:VCARD\r\n\
            BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:123\r\nEND:VCARD\r\n\
            BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna D'Amico\r\nEMAIL:anna@esempio.it\r\nORG:Altra\r\nEND:VCARD\r\n";
        let report = vcard::import(
            &t.db,
            &t.ctx,
            phone_export.as_bytes(),
            DuplicatePolicy::Update,
        )
        .await
        .unwrap();
        let statuses: Vec<_> = report.rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [RowStatus::Imported, RowStatus::Rejected, RowStatus::Merged]
        );
        assert_eq!(report.rows[1].messages[0].code, "name_required");
        let nicolo = companies::person_card(&t.db, &t.ctx, report.rows[0].person_id.unwrap())
            .await
            .unwrap()
            .person;
        assert_eq!(
            (nicolo.first_name.as_str(), nicolo.last_name.as_str()),
            ("Nicolò", "Bellò")
        );
        assert_eq!(nicolo.phone.as_deref(), Some("+393475556666"));
        assert_eq!(nicolo.phone_2.as_deref(), Some("+39011123456"));
        assert_eq!(nicolo.email.as_deref(), Some("nico@esempio.it"));
        assert_eq!(nicolo.city.as_deref(), Some("Torino"));
        assert!(
            vcard::import(&t.db, &t.ctx, b"nothing here", DuplicatePolicy::Skip)
                .await
                .is_err()
        );
    }
);

store_test!(
    companies_import_maps_profile_columns_parents_and_custom_fields,
    |t: TestDb| async move {
        let tier = CustomField {
            id: Uuid::now_v7(),
            entity_type: EntityType::Company,
            key: "tier".into(),
            label: "Fascia".into(),
            kind: CustomFieldKind::Select,
            required: false,
            default_value: None,
            options: vec!["Gold".into(), "Silver".into()],
            position: 0,
            archived: false,
        };
        companies::save_field(&t.db, &t.ctx, &tier).await.unwrap();
        let path = common::fixture("companies-accounts.csv");
        let preview = company_import::preview(&t.db, &t.ctx, std::path::Path::new(&path))
            .await
            .unwrap();
        let mapping: Vec<_> = preview.mapping.iter().map(|m| m.as_deref()).collect();
        assert_eq!(
            mapping,
            [
                Some("name"),
                Some("sector"),
                Some("year_established"),
                Some("revenue"),
                Some("employees"),
                Some("office_location"),
                Some("parent"),
                Some("custom.tier")
            ]
        );
        assert!(preview.problems.is_empty(), "{:?}", preview.problems);
        let request = CompanyImportRequest {
            path: path.clone(),
            mapping: preview.mapping.clone(),
            duplicates: DuplicatePolicy::Skip,
        };
        let report = company_import::run(&t.db, &t.ctx, &request).await.unwrap();
        let s = report.summary;
        assert_eq!((s.rows, s.imported, s.rejected), (6, 4, 2));
        let by_line = |l: u64| report.rows.iter().find(|r| r.line == l).unwrap();
        // Line 5: bad year; line 6: Platinum is not a tier.
        assert_eq!(by_line(5).messages[0].field, "year_established");
        assert_eq!(by_line(6).messages[0].field, "custom.tier");
        assert_eq!(by_line(7).messages[0].code, "cycle");
        let companies = companies::list(&t.db, &t.ctx, &CompanyQuery::default())
            .await
            .unwrap();
        let betasol = companies
            .items
            .iter()
            .find(|c| c.name == "Betasol Energia")
            .unwrap();
        let card = companies::card(&t.db, &t.ctx, betasol.id).await.unwrap();
        assert_eq!(card.parent_name.as_deref(), Some("Gruppo Solare"));
        assert_eq!(card.company.revenue_minor, Some(317_824));
        assert_eq!(card.company.employees, Some(4540));
        assert_eq!(card.company.year_established, Some(1984));
        assert_eq!(card.company.custom["tier"], json!("Silver"));

        // Again with "update": nothing new, the four are merged.
        let again = company_import::run(
            &t.db,
            &t.ctx,
            &CompanyImportRequest {
                duplicates: DuplicatePolicy::Update,
                ..request.clone()
            },
        )
        .await
        .unwrap();
        assert_eq!((again.summary.imported, again.summary.merged), (0, 4));
        // A mapping without the name is refused before anything is read.
        let mut no_name = request.clone();
        no_name.mapping[0] = None;
        assert!(matches!(
            company_import::run(&t.db, &t.ctx, &no_name).await,
            Err(Error::Validation(_))
        ));
    }
);

store_test!(
    people_import_flags_a_same_name_with_other_contacts,
    |t: TestDb| async move {
        capture(&t, walk_in("Mario", "Rossi", "3331234567", "")).await;
        let dir = tempfile::tempdir().unwrap();
        let request = people_csv(
            &dir,
            "Nome,Cognome,Telefono\nMario,Rossi,3479998888\nAnna,Neri,3470001111\n",
        );
        let report = import_people(&t, &request).await.unwrap();
        let statuses: Vec<_> = report.rows.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [RowStatus::Imported, RowStatus::Imported]);
        let flagged = &report.rows[0].messages;
        assert_eq!(flagged.len(), 1, "{flagged:?}");
        assert_eq!(flagged[0].code, "possible_duplicate");
        assert_eq!(flagged[0].params["value"], "Mario Rossi");
        assert!(report.rows[1].messages.is_empty());
        // …and the scan shows the pair for review.
        let pairs = duplicates::scan(&t.db, &t.ctx, EntityType::Person)
            .await
            .unwrap();
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].evidence[0].kind, EvidenceKind::SimilarName);
        assert_eq!(pairs[0].evidence[0].value, "1.00");
        assert_eq!(pairs[0].score, 85);
    }
);

store_test!(
    lead_and_deal_custom_fields_filter_and_export,
    |t: TestDb| async move {
        let field =
            |entity: EntityType, key: &str, kind: CustomFieldKind, options: &[&str]| CustomField {
                id: Uuid::now_v7(),
                entity_type: entity,
                key: key.into(),
                label: key.into(),
                kind,
                required: false,
                default_value: None,
                options: options.iter().map(|s| s.to_string()).collect(),
                position: 0,
                archived: false,
            };
        companies::save_field(
            &t.db,
            &t.ctx,
            &field(EntityType::Lead, "pod", CustomFieldKind::Text, &[]),
        )
        .await
        .unwrap();
        companies::save_field(
            &t.db,
            &t.ctx,
            &field(
                EntityType::Deal,
                "servizi",
                CustomFieldKind::Multiselect,
                &["Luce", "Gas"],
            ),
        )
        .await
        .unwrap();
        let a = capture(&t, walk_in("Ada", "Riva", "3331110000", "")).await;
        capture(&t, walk_in("Bea", "Riva", "3331110001", "")).await;
        let mut values = CustomValues::new();
        values.insert("pod".into(), json!("IT001E0001"));
        companies::set_custom_values(&t.db, &t.ctx, EntityType::Lead, a.lead.id, &values)
            .await
            .unwrap();
        let bad: CustomValues = [("nope".to_string(), json!("x"))].into();
        assert!(
            companies::set_custom_values(&t.db, &t.ctx, EntityType::Lead, a.lead.id, &bad)
                .await
                .is_err()
        );
        let q = LeadQuery {
            custom: vec![("pod".into(), "it001e0001".into())],
            ..Default::default()
        };
        let page = leads::list(&t.db, &t.ctx, &q).await.unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.items[0].custom["pod"], json!("IT001E0001"));
        let keys = banco::services::custom_fields::custom_keys(&t.db, &t.ctx, EntityType::Lead)
            .await
            .unwrap();
        let csv = banco::services::export::leads_csv(&page.items, &keys).unwrap();
        assert!(csv.lines().next().unwrap().ends_with(",pod"));
        assert!(csv.lines().nth(1).unwrap().ends_with(",IT001E0001"));

        let deal = banco::services::deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                pipeline_id: Some(
                    banco::services::pipelines::find(&t.db, &t.ctx, "Energia")
                        .await
                        .unwrap()
                        .id,
                ),
                person_id: Some(a.person.id),
                title: "Luce e gas".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let v: CustomValues = [("servizi".to_string(), json!("gas, luce"))].into();
        companies::set_custom_values(&t.db, &t.ctx, EntityType::Deal, deal.deal.id, &v)
            .await
            .unwrap();
        let filter = DealFilter {
            custom: vec![("servizi".into(), "Gas".into())],
            ..Default::default()
        };
        let found = banco::services::deals::list(
            &t.db,
            &t.ctx,
            &DealQuery {
                filter: filter.clone(),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(found.total, 1);
        let csv = banco::services::export::deals_csv(&t.db, &t.ctx, &filter)
            .await
            .unwrap();
        assert!(csv.lines().next().unwrap().ends_with(",servizi"), "{csv}");
        assert!(csv.lines().nth(1).unwrap().ends_with(",Gas; Luce"), "{csv}");
        let none = DealFilter {
            custom: vec![("servizi".into(), "Fibra".into())],
            ..Default::default()
        };
        assert!(banco::services::export::deals_csv(&t.db, &t.ctx, &none)
            .await
            .unwrap()
            .lines()
            .nth(1)
            .is_none());
    }
);

store_test!(
    people_import_maps_columns_to_custom_fields,
    |t: TestDb| async move {
        let field = CustomField {
            id: Uuid::now_v7(),
            entity_type: EntityType::Person,
            key: "birthday".into(),
            label: "Compleanno".into(),
            kind: CustomFieldKind::Date,
            required: true,
            default_value: None,
            options: vec![],
            position: 0,
            archived: false,
        };
        companies::save_field(&t.db, &t.ctx, &field).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut request = people_csv(
            &dir,
            "Nome,Cognome,Telefono,Compleanno\nIda,Neri,3471112222,31/12/1980\nEva,Neri,3471113333,ieri\n",
        );
        request.custom_columns = vec![None, None, None, Some("birthday".into())];
        let report = import_people(&t, &request).await.unwrap();
        let statuses: Vec<_> = report.rows.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [RowStatus::Imported, RowStatus::Rejected]);
        assert_eq!(report.rows[1].messages[0].field, "row 3: custom.birthday");
        assert_eq!(report.rows[1].messages[0].code, "invalid_date");
        let ida = companies::person_card(&t.db, &t.ctx, report.rows[0].person_id.unwrap())
            .await
            .unwrap()
            .person;
        assert_eq!(ida.custom["birthday"], json!("1980-12-31"));
        // An unknown key is refused before anything is read.
        let mut bad = request.clone();
        bad.custom_columns = vec![None, None, None, Some("nope".into())];
        assert!(import_people(&t, &bad).await.is_err());
    }
);
