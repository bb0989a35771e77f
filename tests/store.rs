//! Store and service tests, each run on SQLite and on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::sync::atomic::AtomicBool;

use banco::model::*;
use banco::services::{capture, export, import, leads, staff, Ctx};
use banco::store::sql::query;
use banco::{with_conn, Error};
use common::{fixture, import_request, run_import, walk_in, TestDb};
use uuid::Uuid;

/// The first page of leads matching a free-text search.
async fn search_leads(t: &TestDb, text: &str) -> Page<LeadListItem> {
    let query = LeadQuery {
        search: Some(text.into()),
        ..Default::default()
    };
    leads::list(&t.db, &t.ctx, &query).await.unwrap()
}

async fn count_leads(t: &TestDb) -> u64 {
    leads::list(&t.db, &t.ctx, &LeadQuery::default())
        .await
        .unwrap()
        .total
}

store_test!(
    empty_database_bootstraps_tenant_store_and_admin,
    |t: TestDb| async move {
        assert_eq!(t.ctx.tenant.default_region, "IT");
        assert_eq!(t.ctx.user.role, Role::Admin);
        let stores = staff::list_stores(&t.db, &t.ctx).await.unwrap();
        assert_eq!(stores.len(), 1);
        assert_eq!(t.ctx.user.store_id, Some(stores[0].id));
        // Loading again finds the same tenant instead of making another.
        let again = Ctx::load(&t.db, None).await.unwrap();
        assert_eq!(again.tenant.id, t.ctx.tenant.id);
        assert_eq!(again.user.id, t.ctx.user.id);
    }
);

store_test!(
    capture_stores_person_lead_consents_and_history,
    |t: TestDb| async move {
        let out = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Nicolò", "Rossi", "333 123 4567", "Nicolo.Rossi@Example.it"),
        )
        .await
        .unwrap();
        assert!(out.created && !out.existing_person);
        assert_eq!(out.person.phone.as_deref(), Some("+393331234567"));
        assert_eq!(out.person.email.as_deref(), Some("nicolo.rossi@example.it"));
        assert_eq!(out.lead.status, LeadStatus::New);
        assert_eq!(out.lead.source_channel, SourceChannel::StoreWalkin);
        assert_eq!(out.lead.owner_id, Some(t.ctx.user.id));
        assert_eq!(out.lead.store_id, t.ctx.user.store_id);

        let d = leads::detail(&t.db, &t.ctx, out.lead.id).await.unwrap();
        assert_eq!(d.person.id, out.person.id);
        assert_eq!(d.consents.len(), 4);
        let marketing = d
            .consents
            .iter()
            .find(|c| c.kind == ConsentKind::Marketing)
            .unwrap();
        assert!(marketing.granted);
        assert_eq!(marketing.text_version, t.ctx.tenant.consent_text_version);
        assert_eq!(marketing.recorded_by, Some(t.ctx.user.id));
        let profiling = d
            .consents
            .iter()
            .find(|c| c.kind == ConsentKind::Profiling)
            .unwrap();
        assert!(!profiling.granted);
        assert_eq!(d.history.len(), 1);
        assert_eq!(d.history[0].kind, LeadEventKind::Created);
        assert_eq!(d.history[0].user_name.as_deref(), Some("Amministratore"));
        assert_eq!(d.store_name.as_deref(), Some("Negozio principale"));
    }
);

store_test!(
    capture_with_known_phone_reuses_person,
    |t: TestDb| async move {
        let first = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Mario", "Rossi", "+39 333 1234567", ""),
        )
        .await
        .unwrap();
        let matches = capture::find_matches(&t.db, &t.ctx, "0039-333-123-4567", "")
            .await
            .unwrap();
        assert_eq!(matches.len(), 1);
        assert_eq!(matches[0].person.id, first.person.id);
        assert_eq!(matches[0].matched_on, vec!["phone".to_string()]);
        assert_eq!(matches[0].open_leads, 1);

        let mut second = walk_in("Mario", "Rossi", "333.123.4567", "mario@rossi.it");
        second.interest = Interest::Electricity;
        let out = capture::capture_lead(&t.db, &t.ctx, second).await.unwrap();
        assert!(out.existing_person);
        assert_eq!(out.person.id, first.person.id);
        assert_eq!(
            out.person.email.as_deref(),
            Some("mario@rossi.it"),
            "missing e-mail is completed"
        );

        // Found again by e-mail alone, now with two open leads.
        let by_mail = capture::find_matches(&t.db, &t.ctx, "", "MARIO@rossi.it")
            .await
            .unwrap();
        assert_eq!(by_mail[0].person.id, first.person.id);
        assert_eq!(by_mail[0].open_leads, 2);
        assert_eq!(count_leads(&t).await, 2);
    }
);

store_test!(
    capture_retried_with_same_id_makes_one_lead,
    |t: TestDb| async move {
        let mut input = walk_in("Anna", "Bianchi", "3401112222", "");
        input.id = Some(Uuid::now_v7());
        let a = capture::capture_lead(&t.db, &t.ctx, input.clone())
            .await
            .unwrap();
        let b = capture::capture_lead(&t.db, &t.ctx, input).await.unwrap();
        assert!(a.created);
        assert!(!b.created);
        assert_eq!(a.lead.id, b.lead.id);
        assert_eq!(count_leads(&t).await, 1);
    }
);

store_test!(
    invalid_capture_says_what_is_missing_and_writes_nothing,
    |t: TestDb| async move {
        let err = capture::capture_lead(&t.db, &t.ctx, walk_in("", "", "12", ""))
            .await
            .unwrap_err();
        let Error::Validation(fields) = &err else {
            panic!("{err:?}")
        };
        let codes: Vec<_> = fields
            .iter()
            .map(|f| (f.field.as_str(), f.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            vec![("first_name", "name_required"), ("phone", "invalid_phone")]
        );
        let payload = err.payload();
        assert_eq!(payload.kind, banco::ErrorKind::Validation);
        assert_eq!(payload.field.as_deref(), Some("first_name"));
        assert_eq!(payload.message_key, "error.name_required");

        let mut unknown_store = walk_in("Anna", "Verdi", "3401112222", "");
        unknown_store.store_id = Some(Uuid::now_v7());
        let err = capture::capture_lead(&t.db, &t.ctx, unknown_store)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation(f) if f[0].field == "store_id"),
            "{err:?}"
        );
        assert_eq!(count_leads(&t).await, 0);
    }
);

store_test!(
    lead_lifecycle_refuses_illegal_moves_and_keeps_history,
    |t: TestDb| async move {
        let lead = capture::capture_lead(&t.db, &t.ctx, walk_in("Luca", "Verdi", "3471234567", ""))
            .await
            .unwrap()
            .lead;
        let change = |to, reason: Option<&str>| StatusChange {
            lead_id: lead.id,
            to,
            reason: reason.map(str::to_string),
        };

        let err = leads::change_status(&t.db, &t.ctx, &change(LeadStatus::Converted, None))
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            Error::IllegalTransition {
                from: LeadStatus::New,
                to: LeadStatus::Converted
            }
        ));
        assert_eq!(err.payload().message_key, "error.illegal_transition");

        let err =
            leads::change_status(&t.db, &t.ctx, &change(LeadStatus::Disqualified, Some("  ")))
                .await
                .unwrap_err();
        assert!(matches!(&err, Error::Validation(f) if f[0].code == "reason_required"));

        leads::change_status(&t.db, &t.ctx, &change(LeadStatus::InProgress, None))
            .await
            .unwrap();
        let d = leads::change_status(
            &t.db,
            &t.ctx,
            &change(
                LeadStatus::Disqualified,
                Some("Già cliente di un altro operatore"),
            ),
        )
        .await
        .unwrap();
        assert_eq!(d.lead.status, LeadStatus::Disqualified);
        assert_eq!(
            d.lead.disqualify_reason.as_deref(),
            Some("Già cliente di un altro operatore")
        );
        assert_eq!(d.next_statuses, vec![LeadStatus::InProgress]);
        let d = leads::change_status(&t.db, &t.ctx, &change(LeadStatus::InProgress, None))
            .await
            .unwrap();
        assert_eq!(
            d.lead.disqualify_reason, None,
            "reopening clears the reason"
        );
        let d = leads::add_note(&t.db, &t.ctx, lead.id, "Richiamare sabato mattina")
            .await
            .unwrap();
        assert_eq!(d.notes.len(), 1);
        assert_eq!(d.notes[0].author_name.as_deref(), Some("Amministratore"));
        let kinds: Vec<_> = d.history.iter().map(|e| (e.kind, e.to_status)).collect();
        assert_eq!(
            kinds,
            vec![
                (LeadEventKind::NoteAdded, None),
                (LeadEventKind::StatusChanged, Some(LeadStatus::InProgress)),
                (LeadEventKind::StatusChanged, Some(LeadStatus::Disqualified)),
                (LeadEventKind::StatusChanged, Some(LeadStatus::InProgress)),
                (LeadEventKind::Created, None),
            ]
        );
        assert!(matches!(
            leads::add_note(&t.db, &t.ctx, lead.id, " ").await,
            Err(Error::Validation(_))
        ));
        assert!(matches!(
            leads::detail(&t.db, &t.ctx, Uuid::now_v7()).await,
            Err(Error::NotFound { entity: "lead", .. })
        ));
    }
);

store_test!(
    lead_list_searches_filters_sorts_and_pages,
    |t: TestDb| async move {
        let shop = staff::add_store(&t.db, &t.ctx, "Roma Tuscolana", "rm01")
            .await
            .unwrap();
        assert_eq!(shop.code, "RM01");
        capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Nicolò", "D'Amato", "333 123 4567", "nico@example.it"),
        )
        .await
        .unwrap();
        let mut b = walk_in("Giulia", "Bianchi", "", "giulia.b@example.it");
        b.store_id = Some(shop.id);
        b.source_channel = SourceChannel::QrCode;
        let giulia = capture::capture_lead(&t.db, &t.ctx, b).await.unwrap();
        capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Anna", "Zeta", "+39 02 1234 5678", ""),
        )
        .await
        .unwrap();
        leads::change_status(
            &t.db,
            &t.ctx,
            &StatusChange {
                lead_id: giulia.lead.id,
                to: LeadStatus::Qualified,
                reason: None,
            },
        )
        .await
        .unwrap();

        let find = |q: LeadQuery| {
            let (db, ctx) = (t.db.clone(), t.ctx.clone());
            async move { leads::list(&db, &ctx, &q).await.unwrap() }
        };
        let names = |p: &Page<LeadListItem>| {
            p.items
                .iter()
                .map(|i| i.last_name.clone())
                .collect::<Vec<_>>()
        };
        let search = |s: &str| LeadQuery {
            search: Some(s.into()),
            ..Default::default()
        };

        assert_eq!(
            names(&find(search("nicolo")).await),
            vec!["D'Amato"],
            "accents ignored"
        );
        assert_eq!(
            names(&find(search("NICOLÒ d'amato")).await),
            vec!["D'Amato"]
        );
        assert_eq!(
            names(&find(search("3331234567")).await),
            vec!["D'Amato"],
            "national digits"
        );
        assert_eq!(
            names(&find(search("+39 333-123-4567")).await),
            vec!["D'Amato"],
            "international format"
        );
        assert_eq!(names(&find(search("0039 02 1234")).await), vec!["Zeta"]);
        assert_eq!(
            names(&find(search("giulia.b@")).await),
            vec!["Bianchi"],
            "e-mail part"
        );
        assert_eq!(
            find(search("100%")).await.total,
            0,
            "LIKE wildcards are literal"
        );

        let q = LeadQuery {
            statuses: vec![LeadStatus::Qualified],
            ..Default::default()
        };
        assert_eq!(names(&find(q).await), vec!["Bianchi"]);
        let q = LeadQuery {
            source_channel: Some(SourceChannel::QrCode),
            ..Default::default()
        };
        assert_eq!(names(&find(q).await), vec!["Bianchi"]);
        let q = LeadQuery {
            store_id: Some(shop.id),
            ..Default::default()
        };
        let page = find(q).await;
        assert_eq!(names(&page), vec!["Bianchi"]);
        assert_eq!(page.items[0].store_name.as_deref(), Some("Roma Tuscolana"));

        let today = chrono::Utc::now().date_naive();
        let q = LeadQuery {
            from: Some(today),
            to: Some(today),
            ..Default::default()
        };
        assert_eq!(find(q).await.total, 3);
        let q = LeadQuery {
            to: Some(today - chrono::Duration::days(1)),
            ..Default::default()
        };
        assert_eq!(find(q).await.total, 0);

        let q = LeadQuery {
            sort: LeadSort::Name,
            ..Default::default()
        };
        assert_eq!(names(&find(q).await), vec!["Bianchi", "D'Amato", "Zeta"]);
        let q = LeadQuery {
            sort: LeadSort::NewestFirst,
            limit: 2,
            offset: 2,
            ..Default::default()
        };
        let page = find(q).await;
        assert_eq!(
            (page.total, page.offset, names(&page)),
            (3, 2, vec!["D'Amato".to_string()])
        );
    }
);

store_test!(sample_csv_imports_with_a_report, |t: TestDb| async move {
    let path = fixture("customers-100.csv");
    let preview = import::preview(std::path::Path::new(&path)).unwrap();
    assert_eq!(preview.total_rows, 100);
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    let m = |h: &str| preview.mapping[preview.headers.iter().position(|x| x == h).unwrap()];
    assert_eq!(m("First Name"), Some(ImportField::FirstName));
    assert_eq!(m("Last Name"), Some(ImportField::LastName));
    assert_eq!(m("Phone 1"), Some(ImportField::Phone));
    assert_eq!(m("Phone 2"), Some(ImportField::Phone2));
    assert_eq!(m("Email"), Some(ImportField::Email));
    assert_eq!(m("Company"), Some(ImportField::Company));
    assert_eq!(m("Customer Id"), Some(ImportField::ExternalRef));
    assert_eq!(m("Subscription Date"), Some(ImportField::CapturedAt));
    assert_eq!(m("Index"), None);

    let mut calls = 0;
    let report = import::run(
        &t.db,
        &t.ctx,
        &import_request(&path, &preview, DuplicatePolicy::Skip),
        |_, _| calls += 1,
        &AtomicBool::new(false),
    )
    .await
    .unwrap();
    assert!(calls >= 1);
    let s = report.summary;
    assert_eq!(s.rows, 100);
    assert_eq!(
        s.rejected,
        0,
        "{:?}",
        report
            .rows
            .iter()
            .filter(|r| r.status == RowStatus::Rejected)
            .collect::<Vec<_>>()
    );
    assert_eq!(s.imported + s.merged + s.skipped, 100);
    assert_eq!(count_leads(&t).await, s.imported + s.merged);
    assert_eq!(report.rows[0].line, 2);

    // Sheryl Baxter, row 1: her e-mail and US numbers (kept as text when not
    // valid Italian numbers) are searchable.
    let page = search_leads(&t, "zunigavanessa@smith.info").await;
    assert_eq!(page.total, 1);
    let d = leads::detail(&t.db, &t.ctx, page.items[0].id)
        .await
        .unwrap();
    assert_eq!(d.person.first_name, "Sheryl");
    assert_eq!(d.person.company_name.as_deref(), Some("Rasmussen Group"));
    assert_eq!(d.person.external_ref.as_deref(), Some("DD37Cf93aecA6Dc"));
    assert_eq!(d.lead.created_at.date_naive().to_string(), "2020-08-24");
    assert_eq!(d.lead.source_channel, SourceChannel::Import);
    assert_eq!(d.history[0].kind, LeadEventKind::Imported);
    assert!(d.person.phone.is_some() || d.person.phone_raw.is_some());

    let csv = import::report_csv(&report).unwrap();
    assert_eq!(csv.lines().count(), 101);
    assert!(csv.starts_with("line,status,person_id,lead_id,deal_id,messages"));

    // The same file again: every row is a duplicate.
    let again = run_import(&t, &import_request(&path, &preview, DuplicatePolicy::Skip))
        .await
        .unwrap();
    assert_eq!(again.summary.skipped, 100);
    assert_eq!(count_leads(&t).await, s.imported + s.merged);
    let update = run_import(
        &t,
        &import_request(&path, &preview, DuplicatePolicy::Update),
    )
    .await
    .unwrap();
    assert_eq!(update.summary.merged, 100);
    assert_eq!(count_leads(&t).await, s.imported + s.merged + 100);
});

store_test!(phone_region_reads_a_foreign_list, |t: TestDb| async move {
    let path = fixture("customers-100.csv");
    let preview = import::preview(std::path::Path::new(&path)).unwrap();
    let mut request = import_request(&path, &preview, DuplicatePolicy::Skip);
    request.phone_region = Some("XX".into());
    let err = run_import(&t, &request).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(f) if f.iter().any(|e| e.field == "phone_region")),
        "{err:?}"
    );
    request.phone_region = Some("us".into());
    let report = run_import(&t, &request).await.unwrap();
    let with_phone = search_leads(&t, "515 343 5776").await;
    assert_eq!(
        with_phone.total, 1,
        "Preston Lozano's 5153435776 read as a US number"
    );
    let d = leads::detail(&t.db, &t.ctx, with_phone.items[0].id)
        .await
        .unwrap();
    assert_eq!(d.person.phone.as_deref(), Some("+15153435776"));
    let preston = report.rows.iter().find(|r| r.line == 3).unwrap();
    assert!(
        !preston.messages.iter().any(|m| m.field == "row 3: phone"),
        "{:?}",
        preston.messages
    );
});

store_test!(
    mislabelled_header_is_caught_and_nothing_is_written,
    |t: TestDb| async move {
        let path = fixture("customers-mislabelled-header.csv");
        let preview = import::preview(std::path::Path::new(&path)).unwrap();
        let mismatched: Vec<_> = preview
            .problems
            .iter()
            .filter(|p| p.code == "column_mismatch")
            .collect();
        assert!(!mismatched.is_empty(), "{:?}", preview.problems);
        let email = mismatched
            .iter()
            .find(|p| p.params["target"] == "email")
            .expect("e-mail column flagged");
        assert_eq!(email.params["column"], "EMAIL");
        assert_eq!(email.params["matching"], "0");
        assert!(
            email.to_string().contains("PHONE1"),
            "hint names the column holding e-mails: {email}"
        );

        let err = run_import(&t, &import_request(&path, &preview, DuplicatePolicy::Skip))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Validation(_)));
        assert_eq!(count_leads(&t).await, 0);
    }
);

store_test!(
    bad_rows_are_rejected_with_line_and_reason,
    |t: TestDb| async move {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.csv");
        std::fs::write(
            &path,
            "Nome;Cognome;Cellulare;Email;Interesse\n\
         Mario;Rossi;333 123 4567;mario@rossi.it;fibra\n\
         ;;;;\n\
         ;;3401234567;;luce\n\
         Anna;Verdi;;non-una-mail;gas\n\
         Luca;Neri;12;luca@neri.it;boh\n",
        )
        .unwrap();
        let path = path.display().to_string();
        let preview = import::preview(std::path::Path::new(&path)).unwrap();
        assert_eq!(preview.delimiter, ';');
        let report = run_import(&t, &import_request(&path, &preview, DuplicatePolicy::Skip))
            .await
            .unwrap();
        let by_line = |l: u64| report.rows.iter().find(|r| r.line == l).unwrap();
        assert_eq!(by_line(2).status, RowStatus::Imported);
        assert_eq!(by_line(4).status, RowStatus::Rejected);
        assert_eq!(by_line(4).messages[0].field, "row 4: first_name");
        assert_eq!(
            by_line(5).status,
            RowStatus::Rejected,
            "bad e-mail and no phone: no way to reach Anna"
        );
        assert_eq!(
            by_line(6).status,
            RowStatus::Imported,
            "bad phone kept as text, e-mail reaches Luca"
        );
        assert!(by_line(6)
            .messages
            .iter()
            .any(|m| m.code == "invalid_phone"));
        assert!(by_line(6)
            .messages
            .iter()
            .any(|m| m.field.ends_with("interest")));
        assert_eq!(
            report.summary,
            ImportSummary {
                rows: 4,
                imported: 2,
                merged: 0,
                skipped: 0,
                rejected: 2
            }
        );
        let luca = search_leads(&t, "neri").await;
        let d = leads::detail(&t.db, &t.ctx, luca.items[0].id)
            .await
            .unwrap();
        assert_eq!(d.person.phone_raw.as_deref(), Some("12"));
        assert_eq!(d.lead.note.as_deref(), Some("interest: boh"));
        let mario = search_leads(&t, "rossi").await;
        assert_eq!(mario.items[0].interest, Interest::Fibre);
    }
);

store_test!(
    cancelled_import_leaves_database_unchanged,
    |t: TestDb| async move {
        let path = fixture("customers-100.csv");
        let preview = import::preview(std::path::Path::new(&path)).unwrap();
        let cancel = AtomicBool::new(false);
        let err = import::run(
            &t.db,
            &t.ctx,
            &import_request(&path, &preview, DuplicatePolicy::Create),
            |done, _| {
                if done >= 50 {
                    cancel.store(true, std::sync::atomic::Ordering::Relaxed)
                }
            },
            &cancel,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Cancelled));
        assert_eq!(count_leads(&t).await, 0);
        let people = async {
            with_conn!(t.db, |c| c
                .find_people_by_contact(t.ctx.tenant_id(), &[], Some("zunigavanessa@smith.info"))
                .await)
        }
        .await
        .unwrap();
        assert!(people.is_empty());
    }
);

store_test!(export_writes_every_matching_lead, |t: TestDb| async move {
    banco::services::seed::seed(&t.db, &t.ctx, 620, 7, |_, _| {})
        .await
        .unwrap();
    let all = export::all_leads(&t.db, &t.ctx, &LeadQuery::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 620, "more than one export page");
    let csv = export::leads_csv(&all, &[]).unwrap();
    assert_eq!(csv.lines().count(), 621);
    let json: Vec<LeadListItem> = serde_json::from_str(&export::leads_json(&all).unwrap()).unwrap();
    assert_eq!(json, all);
    let qualified = export::all_leads(
        &t.db,
        &t.ctx,
        &LeadQuery {
            statuses: vec![LeadStatus::Qualified],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(!qualified.is_empty() && qualified.iter().all(|l| l.status == LeadStatus::Qualified));
});

store_test!(staff_roles_and_switching_user, |t: TestDb| async move {
    let store = t.ctx.user.store_id;
    let new = |name: &str, role| NewUser {
        display_name: name.into(),
        email: String::new(),
        role,
        store_id: store,
        ..Default::default()
    };
    let giulia = staff::add_user(&t.db, &t.ctx, new("Giulia Neri", Role::Staff))
        .await
        .unwrap();
    let at_counter = Ctx::load(&t.db, Some(giulia.id)).await.unwrap();
    assert_eq!(at_counter.user.display_name, "Giulia Neri");
    let err = staff::add_user(&t.db, &at_counter, new("Altro", Role::Staff))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Validation(f) if f[0].code == "not_allowed"));
    let lead = capture::capture_lead(
        &t.db,
        &at_counter,
        walk_in("Sara", "Gallo", "3351234567", ""),
    )
    .await
    .unwrap();
    assert_eq!(lead.lead.owner_id, Some(giulia.id));
    let d = leads::detail(&t.db, &t.ctx, lead.lead.id).await.unwrap();
    assert_eq!(d.owner_name.as_deref(), Some("Giulia Neri"));
    assert_eq!(d.consents[0].recorded_by, Some(giulia.id));
    let err = staff::add_user(&t.db, &t.ctx, new("", Role::Staff))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Validation(f) if f[0].field == "display_name"));
    // A store manager adds staff to their own store, nothing more.
    let manager = common::staff_ctx(&t, "Marta Riva", Role::StoreManager).await;
    staff::add_user(&t.db, &manager, new("Nuovo Commesso", Role::Staff))
        .await
        .unwrap();
    for (user, field) in [
        (new("Altra Manager", Role::StoreManager), "role"),
        (new("Altro Admin", Role::Admin), "role"),
        (
            NewUser {
                store_id: Some(Uuid::now_v7()),
                ..new("Altrove", Role::Staff)
            },
            "store_id",
        ),
    ] {
        let err = staff::add_user(&t.db, &manager, user).await.unwrap_err();
        assert!(
            matches!(&err, Error::Validation(f) if f.iter().any(|e| e.field == field && e.code == "not_allowed")),
            "{err:?}"
        );
    }
    assert!(matches!(
        Ctx::load(&t.db, Some(Uuid::now_v7())).await,
        Err(Error::NotFound { entity: "user", .. })
    ));
});

store_test!(tenants_do_not_see_each_other, |t: TestDb| async move {
    capture::capture_lead(&t.db, &t.ctx, walk_in("Mario", "Rossi", "3331234567", ""))
        .await
        .unwrap();
    let other = Tenant {
        id: Uuid::now_v7(),
        name: "Altra catena".into(),
        default_region: "IT".into(),
        consent_text_version: "v1".into(),
        currency: "EUR".into(),
        idle_lock_minutes: 10,
    };
    let user = User {
        id: Uuid::now_v7(),
        display_name: "Altro".into(),
        email: None,
        role: Role::Admin,
        store_id: None,
        stores: Vec::new(),
        active: true,
        created_at: chrono::Utc::now(),
        login: None,
        has_password: false,
    };
    // A second tenant is the owner's to make (on Postgres a desk's login
    // may not). The owner's pool sees every row, so what keeps the tenants
    // apart below is each query's own tenant filter (the row security of a
    // chain server is tests/chain.rs's).
    let owner = t.owner_db().await;
    async {
        banco::with_tx!(owner, |c| {
            c.insert_tenant(&other, chrono::Utc::now()).await?;
            c.insert_user(other.id, &user).await?;
            Ok::<_, Error>(())
        })
    }
    .await
    .unwrap();
    let other_ctx = Ctx {
        tenant: other,
        user,
        language: "it".into(),
    };
    assert_eq!(
        leads::list(&owner, &other_ctx, &LeadQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(capture::find_matches(&owner, &other_ctx, "3331234567", "")
        .await
        .unwrap()
        .is_empty());
    let out = capture::capture_lead(
        &owner,
        &other_ctx,
        walk_in("Mario", "Rossi", "3331234567", ""),
    )
    .await
    .unwrap();
    assert!(
        !out.existing_person,
        "same phone in another tenant is another person"
    );
});

store_test!(
    a_damaged_row_is_an_integrity_error_naming_its_column,
    |t: TestDb| async move {
        let out = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Ada", "Neri", "333 765 4321", "ada@example.it"),
        )
        .await
        .unwrap();
        let tenant = t.ctx.tenant_id();
        let person = out.person.id;
        // Custom values that are not JSON, written behind Banco's back.
        let sql = "UPDATE people SET custom = 'not json' WHERE tenant_id = $1 AND id = $2";
        async {
            with_conn!(t.db, |c| query(sql)
                .bind(tenant)
                .bind(person)
                .execute(c)
                .await)
        }
        .await
        .unwrap();
        let err = async { with_conn!(t.db, |c| c.get_person(tenant, person).await) }
            .await
            .unwrap_err();
        match &err {
            Error::Integrity(detail) => assert!(detail.contains("custom"), "{detail}"),
            other => panic!("expected an integrity error, got {other:?}"),
        }
        // A status no version of Banco writes (the tables' CHECKs refuse
        // one, so it is read from a literal).
        let err = async {
            with_conn!(t.db, |c| banco::store::sql::query_scalar::<LeadStatus>(
                "SELECT 'frozen' AS status"
            )
            .fetch_one(c)
            .await)
        }
        .await
        .unwrap_err();
        match &err {
            Error::Integrity(detail) => {
                assert!(
                    detail.contains("LeadStatus") && detail.contains("frozen"),
                    "{detail}"
                )
            }
            other => panic!("expected an integrity error, got {other:?}"),
        }
    }
);

store_test!(
    the_match_panel_names_open_leads_of_other_stores,
    |t: TestDb| async move {
        let other = banco::services::staff::add_store(&t.db, &t.ctx, "Negozio Due", "S02")
            .await
            .unwrap();
        let mut lead = walk_in("Carla", "Neri", "333 555 6666", "");
        lead.store_id = Some(other.id);
        capture::capture_lead(&t.db, &t.ctx, lead).await.unwrap();
        // A clerk of the first store types the same number.
        let clerk = common::staff_ctx(&t, "Anna Ferri", Role::Staff).await;
        let found = capture::find_matches(&t.db, &clerk, "333 555 6666", "")
            .await
            .unwrap();
        assert_eq!(
            found[0].open_elsewhere,
            vec![LeadElsewhere {
                store_name: Some("Negozio Due".into()),
                status: LeadStatus::New,
            }]
        );
    }
);
