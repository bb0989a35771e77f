//! Correcting a person (issue 15), on SQLite and on Postgres: names,
//! phones and e-mails through the record card, each change named on the
//! timeline; the search box and the deals list find the new name; bad
//! input refused field by field with nothing written; a correction that
//! meets another person's number offered for a merge; another desk's
//! save refused as a conflict; the access export (GDPR art. 15), audited;
//! deals found under the names their people and companies carry after a
//! rename or a merge.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{
    access_pdf, capture, companies, deals, duplicates, gdpr, notes, pipelines, search,
};
use banco::Error;
use common::{walk_in, TestDb};

fn codes(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Validation(v) => v.into_iter().map(|f| (f.field, f.code)).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

/// The text shown by a PDF of `services::pdf`: its `(…) Tj` and `<hex>
/// Tj` strings (WinAnsi, read here as Latin-1 but for `·`), one per line.
fn pdf_text(pdf: &[u8]) -> String {
    let raw = String::from_utf8_lossy(pdf);
    raw.lines()
        .filter_map(|l| l.strip_suffix(" Tj"))
        .map(|s| {
            if let Some(hex) = s.strip_prefix('<').and_then(|h| h.strip_suffix('>')) {
                (0..hex.len() / 2)
                    .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
                    .map(char::from)
                    .collect()
            } else {
                s.trim_start_matches('(').trim_end_matches(')').to_string()
            }
        })
        .collect::<Vec<String>>()
        .join("\n")
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.into(), code.into())
}

store_test!(
    a_persons_name_and_contacts_are_corrected_and_found_again,
    |t: TestDb| async move {
        let gennaro = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in(
                "Genaro",
                "Esposito",
                "+39 333 100 2000",
                "gennaro@esempio.it",
            ),
        )
        .await
        .unwrap()
        .person;
        let anna =
            capture::capture_lead(&t.db, &t.ctx, walk_in("Anna", "Russo", "347 000 1111", ""))
                .await
                .unwrap()
                .person;
        let pipeline = pipelines::list(&t.db, &t.ctx).await.unwrap()[0].clone();
        let deal = deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                pipeline_id: Some(pipeline.id),
                person_id: Some(gennaro.id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .deal;

        // Bad input: every field named, nothing written.
        let bad = PersonDetails {
            identity: IdentityEdit {
                first_name: Some(" ".into()),
                last_name: Some("".into()),
                phone: Some("12".into()),
                email_2: Some("gennaro@".into()),
                ..Default::default()
            },
            expected_version: Some(gennaro.updated_at),
            ..Default::default()
        };
        let err = companies::update_person_details(&t.db, &t.ctx, gennaro.id, &bad)
            .await
            .unwrap_err();
        assert_eq!(
            codes(err),
            vec![
                pair("first_name", "name_required"),
                pair("phone", "invalid_phone"),
                pair("email_2", "invalid_email"),
            ]
        );
        let unchanged = companies::person_card(&t.db, &t.ctx, gennaro.id)
            .await
            .unwrap();
        assert_eq!(unchanged.person, gennaro);

        // The correction: his name was misspelt, his number and e-mail
        // changed.
        let fix = PersonDetails {
            identity: IdentityEdit {
                first_name: Some("Gennaro".into()),
                last_name: Some("Esposito".into()),
                phone: Some("081 555 1234".into()),
                email: Some("G.Esposito@Esempio.IT".into()),
                ..Default::default()
            },
            expected_version: Some(gennaro.updated_at),
            ..Default::default()
        };
        let card = companies::update_person_details(&t.db, &t.ctx, gennaro.id, &fix)
            .await
            .unwrap();
        let p = &card.person;
        assert_eq!(p.full_name(), "Gennaro Esposito");
        assert_eq!(p.phone.as_deref(), Some("+390815551234"));
        assert_eq!(p.email.as_deref(), Some("g.esposito@esempio.it"));
        assert!(card.same_contact.is_empty());
        let timeline = notes::timeline(&t.db, &t.ctx, EntityType::Person, gennaro.id, 0, 50)
            .await
            .unwrap();
        let updated = timeline
            .items
            .iter()
            .find(|e| e.kind == "updated")
            .expect("the correction is on the timeline");
        assert_eq!(
            updated.detail.as_deref(),
            Some("first_name, phone, email"),
            "field names, never the values"
        );

        // Found by the new name: the person, the lead and the deal.
        let found = search::search(&t.db, &t.ctx, "gennaro", 10).await.unwrap();
        let kinds: Vec<&str> = found
            .groups
            .iter()
            .flat_map(|(_, hits)| hits.iter())
            .filter(|h| h.title.contains("Gennaro") || h.subtitle.contains("Gennaro"))
            .map(|h| h.kind.as_str())
            .collect();
        assert!(
            kinds.contains(&"person") && kinds.contains(&"lead"),
            "{found:?}"
        );
        let listed = deals::list(
            &t.db,
            &t.ctx,
            &DealQuery {
                filter: DealFilter {
                    search: Some("gennaro".into()),
                    ..Default::default()
                },
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            listed.items.iter().map(|d| d.card.id).collect::<Vec<_>>(),
            vec![deal.id]
        );

        // A second number that is Anna's: saved, and offered for a merge.
        let meets = PersonDetails {
            identity: IdentityEdit {
                phone_2: Some("+39 347 000 1111".into()),
                ..Default::default()
            },
            tax_code: String::new(),
            expected_version: Some(p.updated_at),
            ..Default::default()
        };
        let card = companies::update_person_details(&t.db, &t.ctx, gennaro.id, &meets)
            .await
            .unwrap();
        assert_eq!(
            card.same_contact.iter().map(|o| o.id).collect::<Vec<_>>(),
            vec![anna.id]
        );

        // A save based on the first version: another desk saved since.
        let late = companies::update_person_details(&t.db, &t.ctx, gennaro.id, &fix)
            .await
            .unwrap_err();
        assert!(matches!(late, Error::Conflict { .. }), "{late:?}");
    }
);

store_test!(
    a_persons_access_export_holds_their_records_and_is_audited,
    |t: TestDb| async move {
        common::open_policy(&t).await;
        let out = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Carla", "Neri", "+39 333 200 3000", "carla@esempio.it"),
        )
        .await
        .unwrap();
        let carla = out.person;
        let pipeline = pipelines::list(&t.db, &t.ctx).await.unwrap()[0].clone();
        let deal = deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                pipeline_id: Some(pipeline.id),
                person_id: Some(carla.id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .deal;
        deals::move_deal(
            &t.db,
            &t.ctx,
            deal.id,
            &DealMove::Won {
                contract_start: None,
            },
        )
        .await
        .unwrap();
        notes::add(
            &t.db,
            &t.ctx,
            &NewNote {
                entity_type: EntityType::Person,
                entity_id: carla.id,
                kind: NoteKind::General,
                body: "Preferisce essere chiamata la mattina".into(),
                pinned: false,
            },
        )
        .await
        .unwrap();
        banco::services::calls::start(
            &t.db,
            &t.ctx,
            &StartCall {
                entity_type: EntityType::Person,
                entity_id: carla.id,
                phone: None,
                purpose: ContactPurpose::Service,
                override_reason: None,
            },
        )
        .await
        .unwrap();
        // Two documents of hers with the same awkward name.
        for content in [&b"prima"[..], &b"seconda"[..]] {
            notes::attach(
                &t.db,
                &t.ctx,
                EntityType::Person,
                carla.id,
                "doc: \"C:\\carta?.txt",
                content,
            )
            .await
            .unwrap();
        }

        let export = gdpr::access_export(&t.db, &t.ctx, carla.id).await.unwrap();
        // Their files go with the export, each under a safe, distinct name.
        let files = gdpr::export_documents(&t.db, &t.ctx, &export)
            .await
            .unwrap();
        let mut got: Vec<(String, Vec<u8>)> = files;
        got.sort();
        assert_eq!(got.len(), 2);
        for (name, _) in &got {
            assert!(!name.contains(['/', '\\', ':', '?', '"']), "{name}");
            assert!(name.ends_with("carta_.txt"), "{name}");
        }
        assert_ne!(got[0].0, got[1].0);
        let mut contents: Vec<&[u8]> = got.iter().map(|(_, b)| b.as_slice()).collect();
        contents.sort();
        assert_eq!(contents, [&b"prima"[..], &b"seconda"[..]]);
        assert_eq!(export.format, PERSON_DATA_FORMAT);
        assert_eq!(export.person.id, carla.id);
        assert_eq!(export.leads.len(), 1);
        assert_eq!(export.leads[0].lead.id, out.lead.id);
        assert_eq!(export.deals.len(), 1);
        assert!(export.deals[0].contract.is_some());
        assert_eq!(export.contracts.len(), 1);
        assert!(!export.consents.is_empty());
        assert_eq!(export.interactions.len(), 1);
        assert_eq!(export.notes.len(), 1);
        assert!(!export.timeline.is_empty());
        // As a document it reads back whole.
        let text = serde_json::to_string(&export).unwrap();
        assert!(text.contains("Preferisce essere chiamata la mattina"));
        let back: PersonDataExport = serde_json::from_str(&text).unwrap();
        assert_eq!(back, export);
        // Every table that refers to a person (a `person_id`, or a record
        // column that may name one) is in the export, or says why not.
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        for table in tables_referring_to_people(&t).await {
            let Some((_, field)) = EXPORTED.iter().find(|(name, _)| *name == table) else {
                panic!("{table} refers to people: put it in the access export (EXPORTED)")
            };
            if let Some(field) = field.strip_prefix("export.") {
                assert!(json.get(field).is_some(), "{table} → {field} missing");
            }
        }
        // And as a readable PDF.
        let pdf = access_pdf::access_export_pdf(&export, "it");
        assert!(pdf.starts_with(b"%PDF-"));
        // Statuses in words, in the PDF's language, not as codes.
        let text = pdf_text(&pdf);
        assert!(
            text.contains("· Nuovo ·") && !text.contains("· new ·"),
            "{text}"
        );
        let english = pdf_text(&access_pdf::access_export_pdf(&export, "en"));
        assert!(english.contains("· New ·"), "{english}");

        // The trail: who, when, whose id; none of her data.
        let trail = banco::services::audit::list(&t.db, &t.ctx, &Default::default(), 10)
            .await
            .unwrap();
        let entry = trail
            .iter()
            .find(|e| e.action == "gdpr_access")
            .expect("the request is in the trail");
        assert_eq!(entry.subject, format!("person:{}", carla.id));
        assert_eq!(entry.user_id, Some(t.ctx.user.id));
        for private in ["Carla", "Neri", "333", "carla@"] {
            assert!(!entry.detail.contains(private), "{}", entry.detail);
        }
        // Staff may not make one.
        let clerk = common::staff_ctx(&t, "Sara Banco", Role::Staff).await;
        let refused = gdpr::access_export(&t.db, &clerk, carla.id)
            .await
            .unwrap_err();
        assert!(
            matches!(
                refused,
                Error::Forbidden {
                    action: "gdpr_requests",
                    ..
                }
            ),
            "{refused:?}"
        );
    }
);

/// Where each table that refers to a person is in the access export
/// (`export.<field>`), or why it is not.
const EXPORTED: &[(&str, &str)] = &[
    ("people", "export.person"),
    ("leads", "export.leads"),
    ("lead_events", "export.leads"),
    ("deals", "export.deals"),
    ("deal_events", "export.deals"),
    ("consents", "export.consents"),
    ("contact_preferences", "export.contact_preferences"),
    ("company_contacts", "export.companies"),
    ("contracts", "export.contracts"),
    ("contract_events", "export.deals"),
    ("interactions", "export.interactions"),
    ("meetings", "export.meetings"),
    ("notes", "export.notes"),
    ("documents", "export.documents"),
    ("record_events", "export.timeline"),
    ("tickets", "export.tickets"),
    ("tasks", "export.tasks"),
    ("person_segments", "export.segment"),
    ("search_docs", "an index of the fields above"),
    (
        "lead_attributions",
        "campaign touches of the leads, no personal data",
    ),
];

/// The tables with a `person_id`, `entity_id` or `lead_id` column.
async fn tables_referring_to_people(t: &TestDb) -> Vec<String> {
    let sql = match t.db.backend() {
        banco::store::Backend::Sqlite => {
            "SELECT DISTINCT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND c.name IN ('person_id', 'entity_id', 'lead_id')"
        }
        banco::store::Backend::Postgres => {
            "SELECT DISTINCT table_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND column_name IN ('person_id', 'entity_id', 'lead_id')"
        }
    };
    let mut names: Vec<String> = async {
        banco::with_conn!(t.db, |c| {
            banco::store::sql::query_scalar::<String>(sql)
                .fetch_all(&mut *c)
                .await
        })
    }
    .await
    .unwrap();
    names.push("people".into());
    names.sort();
    names.dedup();
    names
}

store_test!(
    an_address_a_birth_date_and_preferences_are_kept_and_checked,
    |t: TestDb| async move {
        let maria = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Maria", "Rossi", "+39 333 100 3000", ""),
        )
        .await
        .unwrap()
        .person;
        // A birth date the codice fiscale contradicts (it says 10
        // December '85), a CAP of four digits, a language that is none.
        let bad = PersonDetails {
            profile: ProfileEdit {
                postal_code: Some("8013".into()),
                birth_date: Some("11/12/1985".into()),
                preferred_language: Some("zz".into()),
                ..Default::default()
            },
            tax_code: "RSSMRA85T10A562S".into(),
            ..Default::default()
        };
        let err = companies::update_person_details(&t.db, &t.ctx, maria.id, &bad)
            .await
            .unwrap_err();
        assert_eq!(
            codes(err),
            vec![
                pair("postal_code", "invalid_postal_code"),
                pair("birth_date", "tax_code_mismatch"),
                pair("preferred_language", "unknown_language"),
            ]
        );
        let good = PersonDetails {
            profile: ProfileEdit {
                address: Some("Via Toledo 12".into()),
                postal_code: Some("80134".into()),
                province: Some("na".into()),
                birth_date: Some("10/12/1985".into()),
                preferred_language: Some("ro".into()),
                preferred_channel: Some("email".into()),
            },
            tax_code: "RSSMRA85T10A562S".into(),
            city: "Napoli".into(),
            ..Default::default()
        };
        let card = companies::update_person_details(&t.db, &t.ctx, maria.id, &good)
            .await
            .unwrap();
        let p = &card.person;
        assert_eq!(p.address.as_deref(), Some("Via Toledo 12"));
        assert_eq!(p.postal_code.as_deref(), Some("80134"));
        assert_eq!(p.province.as_deref(), Some("NA"));
        assert_eq!(
            p.birth_date.map(|d| d.to_string()).as_deref(),
            Some("1985-12-10")
        );
        assert_eq!(p.preferred_language.as_deref(), Some("ro"));
        assert_eq!(p.preferred_channel, Some(ContactChannel::Email));
        // Read back as stored.
        let again = companies::person_card(&t.db, &t.ctx, maria.id)
            .await
            .unwrap()
            .person;
        assert_eq!(&again, p);
        let timeline = notes::timeline(&t.db, &t.ctx, EntityType::Person, maria.id, 0, 50)
            .await
            .unwrap();
        let detail = timeline
            .items
            .iter()
            .find(|e| e.kind == "updated")
            .and_then(|e| e.detail.clone())
            .unwrap();
        assert_eq!(
            detail,
            "address, postal_code, province, birth_date, preferred_language, preferred_channel, tax_code, city"
        );
        // The access export carries them.
        let export = gdpr::access_export(&t.db, &t.ctx, maria.id).await.unwrap();
        assert_eq!(export.person.address.as_deref(), Some("Via Toledo 12"));
        // Saving the card again with nothing new changes nothing.
        let same = PersonDetails {
            tax_code: "RSSMRA85T10A562S".into(),
            city: "Napoli".into(),
            ..Default::default()
        };
        let card = companies::update_person_details(&t.db, &t.ctx, maria.id, &same)
            .await
            .unwrap();
        assert_eq!(card.person.birth_date, p.birth_date);
    }
);

/// The deals list's search and the search box, by the names the deal's
/// person and company carry now: after a company is renamed, and after a
/// person or a company is merged into another under a different name.
async fn deals_found_by(t: &TestDb, words: &str) -> Vec<uuid::Uuid> {
    let query = DealQuery {
        filter: DealFilter {
            search: Some(words.into()),
            ..Default::default()
        },
        limit: 50,
        ..Default::default()
    };
    let mut listed: Vec<uuid::Uuid> = deals::list(&t.db, &t.ctx, &query)
        .await
        .unwrap()
        .items
        .iter()
        .map(|d| d.card.id)
        .collect();
    listed.sort();
    let mut searched: Vec<uuid::Uuid> = search::search(&t.db, &t.ctx, words, 20)
        .await
        .unwrap()
        .groups
        .iter()
        .flat_map(|(_, hits)| hits.iter())
        .filter(|h| h.kind == "deal")
        .map(|h| h.id)
        .collect();
    searched.sort();
    assert_eq!(
        listed, searched,
        "the list and the search box agree on {words:?}"
    );
    listed
}

store_test!(
    deals_are_found_under_the_names_their_customers_carry_now,
    |t: TestDb| async move {
        let pipeline = pipelines::list(&t.db, &t.ctx).await.unwrap()[0].clone();
        let new_deal = |person: Option<uuid::Uuid>, company: Option<uuid::Uuid>| NewDeal {
            pipeline_id: Some(pipeline.id),
            title: "Fibra casa".into(),
            person_id: person,
            company_id: company,
            ..Default::default()
        };
        let bar = companies::create(
            &t.db,
            &t.ctx,
            &CompanyInput {
                name: "Bar Centrale".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let station = companies::create(
            &t.db,
            &t.ctx,
            &CompanyInput {
                name: "Chiosco Stazione".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let at_bar = deals::create(&t.db, &t.ctx, new_deal(None, Some(bar.id)))
            .await
            .unwrap()
            .deal;
        let at_station = deals::create(&t.db, &t.ctx, new_deal(None, Some(station.id)))
            .await
            .unwrap()
            .deal;

        // The bar is renamed: its deal is found under the new name only.
        let renamed = CompanyInput {
            name: "Caffè Aurora".into(),
            expected_version: Some(bar.updated_at),
            ..Default::default()
        };
        companies::update(&t.db, &t.ctx, bar.id, &renamed)
            .await
            .unwrap();
        assert_eq!(deals_found_by(&t, "aurora").await, vec![at_bar.id]);
        assert!(deals_found_by(&t, "centrale").await.is_empty());

        // The kiosk is merged into the café: its deal follows the name.
        duplicates::merge(&t.db, &t.ctx, EntityType::Company, bar.id, station.id)
            .await
            .unwrap();
        let mut both = vec![at_bar.id, at_station.id];
        both.sort();
        assert_eq!(deals_found_by(&t, "aurora").await, both);
        assert!(deals_found_by(&t, "chiosco").await.is_empty());

        // "Beppe Verdi" is merged into "Giuseppe Verdi": his deal too.
        let giuseppe = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Giuseppe", "Verdi", "+39 333 200 3000", "gverdi@esempio.it"),
        )
        .await
        .unwrap()
        .person;
        let beppe = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Beppe", "Verdi", "+39 347 200 3000", ""),
        )
        .await
        .unwrap()
        .person;
        let beppes = deals::create(&t.db, &t.ctx, new_deal(Some(beppe.id), None))
            .await
            .unwrap()
            .deal;
        duplicates::merge(&t.db, &t.ctx, EntityType::Person, giuseppe.id, beppe.id)
            .await
            .unwrap();
        assert_eq!(deals_found_by(&t, "giuseppe").await, vec![beppes.id]);
        assert!(deals_found_by(&t, "beppe").await.is_empty());
    }
);
