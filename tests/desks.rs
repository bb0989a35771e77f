//! Several desks on one database: who may change a deal, and two desks
//! changing the same deal, person or company at once (optimistic
//! concurrency). Each test runs on SQLite and on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{capture, deals, leads, pipelines, staff, Ctx};
use banco::Error;
use common::{walk_in, TestDb};
use uuid::Uuid;

/// An open deal of the acting user in the "Fisso" pipeline, for a new
/// walk-in customer `first`.
async fn open_deal(t: &TestDb, first: &str, phone: &str) -> Deal {
    let fisso = pipelines::find(&t.db, &t.ctx, "Fisso").await.unwrap();
    let out = capture::capture_lead(&t.db, &t.ctx, walk_in(first, "Rossi", phone, ""))
        .await
        .unwrap();
    deals::create(
        &t.db,
        &t.ctx,
        NewDeal {
            pipeline_id: Some(fisso.id),
            person_id: Some(out.person.id),
            lines: vec![DealLine {
                id: Uuid::nil(),
                product: "Luce Casa".into(),
                quantity: 1,
                one_off_minor: 0,
                monthly_minor: 4_500,
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .deal
}

/// A staff member `name` of a new store (`store`, `code`), and their
/// context: someone whose store owns none of the records made so far.
async fn clerk_of_new_store(t: &TestDb, store: &str, code: &str, name: &str) -> Ctx {
    let shop = staff::add_store(&t.db, &t.ctx, store, code).await.unwrap();
    let clerk = staff::add_user(
        &t.db,
        &t.ctx,
        NewUser {
            display_name: name.into(),
            email: format!("{}@banco.test", name.to_lowercase().replace(' ', ".")),
            role: Role::Staff,
            store_id: Some(shop.id),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    Ctx::load(&t.db, Some(clerk.id)).await.unwrap()
}

store_test!(
    staff_change_only_deals_of_their_store_or_their_own,
    |t: TestDb| async move {
        let deal = open_deal(&t, "Piero", "333 200 0001").await;
        let person = deal.person_id;
        assert_eq!(deal.owner_id, Some(t.ctx.user.id));
        // A clerk of another store: the deal is neither theirs nor of their store.
        let clerk = clerk_of_new_store(&t, "Bari Centro", "BA1", "Nadia Conte").await;
        let won = DealMove::Won {
            contract_start: None,
        };
        for attempt in [
            deals::move_deal(&t.db, &clerk, deal.id, &won).await,
            deals::link_customer(&t.db, &clerk, deal.id, person, None).await,
        ] {
            match attempt {
                Err(Error::Forbidden { role, action }) => {
                    assert_eq!((role, action), (Role::Staff, "edit_deal"))
                }
                other => panic!("expected a refusal, got {other:?}"),
            }
        }
        let unchanged = deals::detail(&t.db, &t.ctx, deal.id).await.unwrap().deal;
        assert_eq!(
            unchanged.status,
            DealStatus::Open,
            "a refused move changes nothing"
        );
        // A clerk of the deal's own store may close it.
        let colleague = common::staff_ctx(&t, "Luca Neri", Role::Staff).await;
        let closed = deals::move_deal(&t.db, &colleague, deal.id, &won)
            .await
            .unwrap();
        assert_eq!(closed.deal.status, DealStatus::Won);
    }
);

store_test!(
    a_save_from_a_stale_form_is_refused_and_names_who_saved_first,
    |t: TestDb| async move {
        let deal = open_deal(&t, "Rita", "333 200 0002").await;
        assert_eq!(deal.version, 1);
        let colleague = common::staff_ctx(&t, "Luca Neri", Role::Staff).await;
        // Both desks opened the deal at version 1; the colleague saves first.
        let first = DealUpdate {
            title: "Luce Casa – Rita (sconto)".into(),
            expected_version: Some(deal.version),
            ..Default::default()
        };
        let saved = deals::update(&t.db, &colleague, deal.id, &first)
            .await
            .unwrap();
        assert_eq!(saved.deal.version, 2);
        let late = DealUpdate {
            title: "Luce Casa – Rita (listino)".into(),
            expected_version: Some(deal.version),
            ..Default::default()
        };
        match deals::update(&t.db, &t.ctx, deal.id, &late).await {
            Err(Error::Conflict { entity, by, .. }) => {
                assert_eq!((entity, by.as_deref()), ("deal", Some("Luca Neri")))
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        let stored = deals::detail(&t.db, &t.ctx, deal.id).await.unwrap().deal;
        assert_eq!(
            stored.title, "Luce Casa – Rita (sconto)",
            "the refused save wrote nothing"
        );
        assert_eq!(stored.version, 2);
        // Reloaded, the same change goes through.
        let again = DealUpdate {
            expected_version: Some(stored.version),
            ..late
        };
        let saved = deals::update(&t.db, &t.ctx, deal.id, &again).await.unwrap();
        assert_eq!(saved.deal.title, "Luce Casa – Rita (listino)");
        assert_eq!(saved.deal.version, 3);
    }
);

store_test!(
    a_win_and_a_loss_at_the_same_moment_leave_exactly_one_outcome,
    |t: TestDb| async move {
        let reason = pipelines::lost_reasons(&t.db, &t.ctx).await.unwrap()[0].clone();
        let colleague = common::staff_ctx(&t, "Luca Neri", Role::Staff).await;
        for round in 0..5 {
            let deal = open_deal(&t, "Sara", &format!("333 210 000{round}")).await;
            let won = DealMove::Won {
                contract_start: None,
            };
            let lost = DealMove::Lost {
                reason_id: Some(reason.id),
                note: None,
            };
            let (a, b) = tokio::join!(
                deals::move_deal(&t.db, &t.ctx, deal.id, &won),
                deals::move_deal(&t.db, &colleague, deal.id, &lost),
            );
            let outcome = match (&a, &b) {
                (Ok(w), Err(_)) => w.deal.status,
                (Err(_), Ok(l)) => l.deal.status,
                other => panic!("round {round}: exactly one may succeed, got {other:?}"),
            };
            for refused in [&a, &b].into_iter().filter_map(|r| r.as_ref().err()) {
                assert!(
                    matches!(
                        refused,
                        Error::Conflict { .. } | Error::IllegalDealMove { .. }
                    ),
                    "round {round}: {refused:?}"
                );
            }
            let detail = deals::detail(&t.db, &t.ctx, deal.id).await.unwrap();
            assert_eq!(detail.deal.status, outcome, "round {round}");
            assert_eq!(
                detail.contract.is_some(),
                outcome == DealStatus::Won,
                "round {round}: a contract only for a win"
            );
        }
    }
);

store_test!(
    staff_of_another_store_cannot_move_a_lead,
    |t: TestDb| async move {
        let out = capture::capture_lead(&t.db, &t.ctx, walk_in("Elsa", "Riva", "333 220 0001", ""))
            .await
            .unwrap();
        let clerk = clerk_of_new_store(&t, "Lecce Sud", "LE1", "Pia Sala").await;
        let change = StatusChange {
            lead_id: out.lead.id,
            to: LeadStatus::InProgress,
            reason: None,
        };
        match leads::change_status(&t.db, &clerk, &change).await {
            Err(Error::Forbidden { action, .. }) => assert_eq!(action, "change_lead_status"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        // A colleague of the lead's store may.
        let colleague = common::staff_ctx(&t, "Luca Neri", Role::Staff).await;
        let moved = leads::change_status(&t.db, &colleague, &change)
            .await
            .unwrap();
        assert_eq!(moved.lead.status, LeadStatus::InProgress);
    }
);

/// `e` refuses `action` to counter staff, naming a manager as who may.
fn refused_to_staff(e: Error, action: &str) {
    let payload = e.payload();
    assert!(
        matches!(e, Error::Forbidden { role: Role::Staff, action: a } if a == action),
        "{e:?}"
    );
    assert_eq!(payload.params["needed"], "store_manager", "{payload:?}");
}

store_test!(
    staff_may_not_export_import_merge_or_reopen,
    |t: TestDb| async move {
        use banco::services::{companies, duplicates, export, import, vcard};
        let clerk = common::staff_ctx(&t, "Anna Ferri", Role::Staff).await;
        let deal = open_deal(&t, "Mario", "333 123 4567").await;
        let other =
            capture::capture_lead(&t.db, &t.ctx, walk_in("Maria", "Rossi", "333 765 4321", ""))
                .await
                .unwrap();
        let leads_before = leads::list(&t.db, &t.ctx, &LeadQuery::default())
            .await
            .unwrap()
            .total;

        // Exports: the lists as CSV, several vCards at once.
        let e = export::all_leads(&t.db, &clerk, &LeadQuery::default())
            .await
            .unwrap_err();
        refused_to_staff(e, "export_data");
        let e = export::deals_csv(&t.db, &clerk, &DealFilter::default())
            .await
            .unwrap_err();
        refused_to_staff(e, "export_data");
        let e = companies::export_csv(&t.db, &clerk, &CompanyQuery::default())
            .await
            .unwrap_err();
        refused_to_staff(e, "export_data");
        let both = [deal.person_id.unwrap(), other.person.id];
        let e = vcard::export(&t.db, &clerk, &both).await.unwrap_err();
        refused_to_staff(e, "export_data");
        // One customer's card is the clerk's to hand over.
        assert!(vcard::export(&t.db, &clerk, &both[..1])
            .await
            .unwrap()
            .contains("BEGIN:VCARD"));
        assert!(export::all_leads(&t.db, &t.ctx, &LeadQuery::default())
            .await
            .is_ok());

        // Imports write nothing for staff.
        let path = common::fixture("customers-100.csv");
        let preview = import::preview(std::path::Path::new(&path)).unwrap();
        let request = common::import_request(&path, &preview, DuplicatePolicy::Skip);
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let e = import::run(&t.db, &clerk, &request, |_, _| {}, &cancel)
            .await
            .unwrap_err();
        refused_to_staff(e, "import_data");
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Luca Neri\r\nN:Neri;Luca;;;\r\nTEL;TYPE=CELL:+393471112222\r\nEND:VCARD\r\n";
        let e = vcard::import(&t.db, &clerk, card.as_bytes(), DuplicatePolicy::Skip)
            .await
            .unwrap_err();
        refused_to_staff(e, "import_data");
        assert_eq!(
            leads::list(&t.db, &t.ctx, &LeadQuery::default())
                .await
                .unwrap()
                .total,
            leads_before,
            "nothing was imported"
        );

        // Duplicates: neither merged nor dismissed by staff.
        let e = duplicates::dismiss(&t.db, &clerk, EntityType::Person, both[0], both[1])
            .await
            .unwrap_err();
        refused_to_staff(e, "dismiss_duplicates");

        // The clerk wins a deal of her store; reopening it is a manager's.
        let won = deals::move_deal(
            &t.db,
            &clerk,
            deal.id,
            &DealMove::Won {
                contract_start: None,
            },
        )
        .await
        .unwrap();
        let stage_id = won.deal.stage_id;
        let e = deals::move_deal(&t.db, &clerk, deal.id, &DealMove::Reopen { stage_id })
            .await
            .unwrap_err();
        refused_to_staff(e, "reopen_deal");
        let reopened = deals::move_deal(&t.db, &t.ctx, deal.id, &DealMove::Reopen { stage_id })
            .await
            .unwrap();
        assert_eq!(reopened.deal.status, DealStatus::Open);
    }
);

store_test!(
    desks_starting_together_on_an_empty_database_make_one_tenant,
    |t: TestDb| async move {
        // A second database, empty, opened by eight desks at once.
        let url = match t.db.backend() {
            banco::store::Backend::Postgres => {
                // On a chain server a desk makes no tenant at all: an empty
                // server says an administrator must set it up, and a set-up
                // schema without tenants still gets none from a desk.
                let url = common::fresh_pg_url().await;
                let db = banco::store::Db::connect(&url).await.unwrap();
                assert!(matches!(
                    db.ready().await,
                    Err(Error::SchemaMismatch { database: None, .. })
                ));
                banco::services::admin::migrate(&url).await.unwrap();
                db.ready().await.unwrap();
                assert!(matches!(
                    banco::services::context::bootstrap(&db).await,
                    Err(Error::NotFound {
                        entity: "tenant",
                        ..
                    })
                ));
                db.close().await;
                return;
            }
            banco::store::Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap().keep();
                banco::store::sqlite_url_in(&dir)
            }
        };
        let db = banco::store::Db::connect(&url).await.unwrap();
        db.ready().await.unwrap();
        // Each desk its own connection pool, as separate computers.
        let mut desks = Vec::new();
        for _ in 0..8 {
            let desk = banco::store::Db::connect(&url).await.unwrap();
            // Each desk runs the migrations first, as at start (and its
            // connection is open when the race begins).
            desk.ready().await.unwrap();
            desks.push(desk);
        }
        let starts = desks
            .into_iter()
            .map(|db| tokio::spawn(async move { banco::services::context::bootstrap(&db).await }));
        let mut tenants = Vec::new();
        // While one desk sets up, another desk's set-up waits for it (the
        // check-then-create of the first tenant is never interleaved).
        let other = banco::store::Db::connect(&url).await.unwrap();
        let mut first = db.begin().await.unwrap();
        first.conn().lock_bootstrap().await.unwrap();
        let second = tokio::spawn(async move {
            let mut tx = other.begin().await?;
            tx.conn().lock_bootstrap().await?;
            tx.finish(Ok(())).await
        });
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(!second.is_finished(), "the second set-up waits");
        first.finish(Ok(())).await.unwrap();
        second.await.unwrap().unwrap();
        for start in starts {
            tenants.push(start.await.unwrap().unwrap().id);
        }
        tenants.dedup();
        assert_eq!(tenants.len(), 1, "every desk works in the same tenant");
        let stores = staff::list_stores(&db, &Ctx::load(&db, None).await.unwrap())
            .await
            .unwrap();
        assert_eq!(stores.len(), 1, "one first store, not one per desk");
    }
);

store_test!(
    another_desks_change_reaches_a_desk_within_two_seconds,
    |t: TestDb| async move {
        // This desk follows the tenant's changes; another desk (another
        // pool on the same database) captures a lead.
        let mut feed = banco::store::changes::ChangeFeed::open(&t.db, t.ctx.tenant_id())
            .await
            .unwrap();
        let other = t.db.clone();
        let ctx = t.ctx.clone();
        let started = std::time::Instant::now();
        tokio::spawn(async move {
            capture::capture_lead(&other, &ctx, walk_in("Elena", "Galli", "333 777 8888", ""))
                .await
                .unwrap();
        });
        let tables = tokio::time::timeout(std::time::Duration::from_secs(2), feed.next())
            .await
            .expect("a change within two seconds")
            .unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        if t.db.backend() == banco::store::Backend::Postgres {
            // A chain server names what changed; SQLite only says that
            // something did.
            assert!(
                tables.iter().any(|t| t == "leads" || t == "people"),
                "{tables:?}"
            );
        }
    }
);

store_test!(
    two_desks_editing_one_person_or_company_the_second_save_is_refused,
    |t: TestDb| async move {
        use banco::services::companies;
        let marta = common::staff_ctx(&t, "Marta Neri", Role::StoreManager).await;
        // A person: both desks open her details at the same version.
        let out =
            capture::capture_lead(&t.db, &t.ctx, walk_in("Ugo", "Bassi", "+393331234567", ""))
                .await
                .unwrap();
        let read = companies::person_card(&t.db, &t.ctx, out.person.id)
            .await
            .unwrap();
        let details = |city: &str| PersonDetails {
            city: city.into(),
            expected_version: Some(read.person.updated_at),
            ..Default::default()
        };
        companies::update_person_details(&t.db, &marta, out.person.id, &details("Bologna"))
            .await
            .unwrap();
        match companies::update_person_details(&t.db, &t.ctx, out.person.id, &details("Modena"))
            .await
        {
            Err(Error::Conflict { entity, by, .. }) => {
                assert_eq!(entity, "person");
                assert_eq!(by.as_deref(), Some("Marta Neri"));
            }
            other => panic!("a stale save went through: {other:?}"),
        }
        let now = companies::person_card(&t.db, &t.ctx, out.person.id)
            .await
            .unwrap();
        assert_eq!(
            now.person.city.as_deref(),
            Some("Bologna"),
            "the first save stands"
        );
        // Re-applied on the new version, it saves.
        let again = PersonDetails {
            city: "Modena".into(),
            expected_version: Some(now.person.updated_at),
            ..Default::default()
        };
        let saved = companies::update_person_details(&t.db, &t.ctx, out.person.id, &again)
            .await
            .unwrap();
        assert_eq!(saved.person.city.as_deref(), Some("Modena"));

        // A company, through its form's view.
        let acme = companies::create(
            &t.db,
            &t.ctx,
            &CompanyInput {
                name: "Acme Srl".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let mut first = acme.to_input();
        first.sector = "Energia".into();
        let mut second = acme.to_input();
        second.sector = "Telefonia".into();
        companies::update(&t.db, &marta, acme.id, &first)
            .await
            .unwrap();
        match companies::update(&t.db, &t.ctx, acme.id, &second).await {
            Err(Error::Conflict { entity, by, .. }) => {
                assert_eq!(entity, "company");
                assert_eq!(by.as_deref(), Some("Marta Neri"));
            }
            other => panic!("a stale save went through: {other:?}"),
        }
        // The command line (no version) still saves over whatever is there.
        second.expected_version = None;
        let saved = companies::update(&t.db, &t.ctx, acme.id, &second)
            .await
            .unwrap();
        assert_eq!(saved.sector.as_deref(), Some("Telefonia"));
    }
);
