//! Issue 12's store rule on the embedded database: staff and store
//! managers see the leads and deals of their store, the ones they own and
//! the ones of no store; an admin the whole tenant; people are the
//! tenant's. Every route that shows a lead or a deal (lists, board,
//! detail, notes, documents, calls, meetings, timeline, search, the person
//! card, the caller's matches, custom values) keeps to it, and a record out
//! of scope answers "not found", as one that does not exist. On a chain
//! server the row policies do the same (the attack suite in
//! `tests/chain.rs`).
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{
    calls, capture, companies, deals, duplicates, kpi, leads, meetings, notes, pipelines, search,
    staff, Ctx,
};
use banco::Error;
use common::{staff_ctx, walk_in, TestDb};

/// A staff member of `store` and their context.
async fn member_of(t: &TestDb, name: &str, role: Role, store: uuid::Uuid) -> Ctx {
    let user = staff::add_user(
        &t.db,
        &t.ctx,
        NewUser {
            display_name: name.into(),
            role,
            store_id: Some(store),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    Ctx::of(&t.db, t.ctx.tenant_id(), user.id).await.unwrap()
}

fn not_found(e: Error) -> bool {
    matches!(e, Error::NotFound { .. })
}

/// The lead ids of the Leads list as `ctx` sees it.
async fn listed_leads(t: &TestDb, ctx: &Ctx) -> Vec<uuid::Uuid> {
    leads::list(&t.db, ctx, &LeadQuery::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|l| l.id)
        .collect()
}

sqlite_test!(
    staff_see_their_store_what_they_own_and_what_has_no_store,
    |t: TestDb| async move {
        // Calls and meetings at any hour of the day (no quiet hours).
        common::open_policy(&t).await;
        let home = t.ctx.user.store_id.unwrap();
        let north = staff::add_store(&t.db, &t.ctx, "Negozio Nord", "N01")
            .await
            .unwrap();
        let sara = staff_ctx(&t, "Sara Banco", Role::Staff).await;
        let bea = staff_ctx(&t, "Bea Capo", Role::StoreManager).await;
        let nico = member_of(&t, "Nico Nord", Role::Staff, north.id).await;

        // Nico's walk-in at the northern store, with a note, a deal, a
        // call and a meeting; Sara's at home; one of no store.
        let mut theirs = walk_in("Lucía", "Ñúñez", "+39 347 555 0101", "lucia@example.it");
        theirs.store_id = Some(north.id);
        theirs.note = "Vuole la fibra entro giugno".into();
        let theirs = capture::capture_lead(&t.db, &nico, theirs).await.unwrap();
        let mut ours = walk_in("Marta", "Rossi", "+39 347 555 0202", "marta@example.it");
        ours.store_id = Some(home);
        let ours = capture::capture_lead(&t.db, &sara, ours).await.unwrap();
        // The chain's office: an admin of no store files leads under none.
        let office = staff::add_user(
            &t.db,
            &t.ctx,
            NewUser {
                display_name: "Ufficio Sede".into(),
                role: Role::Admin,
                store_id: None,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let office = Ctx::of(&t.db, t.ctx.tenant_id(), office.id).await.unwrap();
        let nowhere = walk_in("Gino", "Senza", "+39 347 555 0303", "gino@example.it");
        let nowhere = capture::capture_lead(&t.db, &office, nowhere)
            .await
            .unwrap();
        assert_eq!(nowhere.lead.store_id, None);

        let pipeline = pipelines::list(&t.db, &t.ctx).await.unwrap()[0].clone();
        let north_deal = deals::create(
            &t.db,
            &nico,
            NewDeal {
                title: "Fibra Nord".into(),
                person_id: Some(theirs.person.id),
                pipeline_id: Some(pipeline.id),
                store_id: Some(north.id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .deal;
        let home_deal = deals::create(
            &t.db,
            &sara,
            NewDeal {
                title: "Luce casa".into(),
                person_id: Some(ours.person.id),
                pipeline_id: Some(pipeline.id),
                store_id: Some(home),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .deal;
        let at = chrono::Utc::now() + chrono::Duration::days(1);
        meetings::schedule(
            &t.db,
            &nico,
            &NewMeeting {
                entity_type: EntityType::Lead,
                entity_id: theirs.lead.id,
                title: "Offerta fibra Nord".into(),
                starts_at: at,
                duration_minutes: 30,
                participants: Vec::new(),
                customer_email: None,
                override_reason: None,
            },
        )
        .await
        .unwrap();

        for ctx in [&sara, &bea] {
            // Lists, board and detail.
            let listed = listed_leads(&t, ctx).await;
            assert!(listed.contains(&ours.lead.id), "{}", ctx.user.display_name);
            assert!(
                listed.contains(&nowhere.lead.id),
                "a lead of no store is everyone's"
            );
            assert!(
                !listed.contains(&theirs.lead.id),
                "another store's lead is listed"
            );
            assert!(not_found(
                leads::detail(&t.db, ctx, theirs.lead.id).await.unwrap_err()
            ));
            let listed: Vec<_> = deals::list(&t.db, ctx, &DealQuery::default())
                .await
                .unwrap()
                .items
                .iter()
                .map(|d| d.card.id)
                .collect();
            assert_eq!(listed, vec![home_deal.id]);
            let filter = DealFilter {
                pipeline_id: Some(pipeline.id),
                ..Default::default()
            };
            let board = deals::board(&t.db, ctx, &filter, 50).await.unwrap();
            let count: u64 = board.columns.iter().map(|c| c.count).sum();
            assert_eq!(count, 1, "the board counts only the deals one sees");
            assert!(not_found(
                deals::detail(&t.db, ctx, north_deal.id).await.unwrap_err()
            ));

            // What hangs on the record.
            assert!(not_found(
                notes::list(&t.db, ctx, theirs.lead.id).await.unwrap_err()
            ));
            assert!(not_found(
                notes::documents(&t.db, ctx, theirs.lead.id)
                    .await
                    .unwrap_err()
            ));
            let timeline =
                notes::timeline(&t.db, ctx, EntityType::Lead, theirs.lead.id, 0, 50).await;
            assert!(not_found(timeline.unwrap_err()));
            let calls_of = calls::interactions(&t.db, ctx, EntityType::Deal, north_deal.id).await;
            assert!(not_found(calls_of.unwrap_err()));
            let met = meetings::of_record(&t.db, ctx, EntityType::Lead, theirs.lead.id).await;
            assert!(not_found(met.unwrap_err()));
            let week = meetings::between(
                &t.db,
                ctx,
                at - chrono::Duration::days(1),
                at + chrono::Duration::days(1),
            )
            .await
            .unwrap();
            assert!(
                week.is_empty(),
                "another store's meeting is in the calendar"
            );
            let custom =
                companies::custom_values(&t.db, ctx, EntityType::Deal, north_deal.id).await;
            assert!(not_found(custom.unwrap_err()));

            // Nor can it be written on.
            let note = notes::add(
                &t.db,
                ctx,
                &NewNote {
                    entity_type: EntityType::Lead,
                    entity_id: theirs.lead.id,
                    kind: NoteKind::General,
                    body: "curioso".into(),
                    pinned: false,
                },
            )
            .await;
            assert!(not_found(note.unwrap_err()));
            let moved = deals::move_deal(
                &t.db,
                ctx,
                north_deal.id,
                &DealMove::Stage {
                    stage_id: pipeline.stages[1].id,
                },
            )
            .await;
            assert!(
                moved.is_err(),
                "{} moved another store's deal",
                ctx.user.display_name
            );

            // The person is the tenant's: found and shown, without the
            // other store's lead, deal, or the notes' words.
            let found = search::search(&t.db, ctx, "Ñúñez", 10).await.unwrap();
            let kinds: Vec<&str> = found.groups.iter().map(|g| g.0.as_str()).collect();
            assert!(kinds.contains(&"person"), "{kinds:?}");
            assert!(
                !kinds.contains(&"lead") && !kinds.contains(&"deal"),
                "{kinds:?}"
            );
            let found = search::search(&t.db, ctx, "giugno", 10).await.unwrap();
            assert!(
                found.groups.is_empty(),
                "a note of another store's lead: {found:?}"
            );
            let card = companies::person_card(&t.db, ctx, theirs.person.id)
                .await
                .unwrap();
            assert!(card.leads.is_empty() && card.deals.is_empty());
            let caller = calls::find_caller(&t.db, ctx, "347 555 0101")
                .await
                .unwrap();
            assert_eq!(caller.len(), 1);
            assert!(caller[0].leads.is_empty() && caller[0].deals.is_empty());

            // The KPIs count what one sees: one open deal, at home.
            let kpi = kpi::report(&t.db, ctx, KpiRange::default()).await.unwrap();
            let open: u64 = kpi.pipelines.iter().map(|p| p.open).sum();
            assert_eq!(
                open, 1,
                "{} counts another store's deal",
                ctx.user.display_name
            );
            assert!(kpi
                .stores
                .iter()
                .all(|g| g.id != Some(north.id) || g.leads == 0));

            // The counter still says an open lead exists elsewhere.
            let matches = capture::find_matches(&t.db, ctx, "+39 347 555 0101", "")
                .await
                .unwrap();
            assert_eq!(matches.len(), 1, "the match panel finds the person");
            assert_eq!(
                matches[0].open_elsewhere.len(),
                1,
                "and says an open lead exists in another store"
            );
        }

        // Nico sees his own store's records and not Sara's.
        let listed = listed_leads(&t, &nico).await;
        assert!(listed.contains(&theirs.lead.id) && !listed.contains(&ours.lead.id));
        assert!(leads::detail(&t.db, &nico, theirs.lead.id).await.is_ok());

        // A record of another store that one owns stays one's own.
        let mut hers = walk_in("Olga", "Proprio", "+39 347 555 0404", "olga@example.it");
        hers.store_id = Some(north.id);
        let hers = capture::capture_lead(&t.db, &t.ctx, hers).await.unwrap();
        let err = leads::detail(&t.db, &sara, hers.lead.id).await.unwrap_err();
        assert!(not_found(err));
        deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                title: "Gas di Olga".into(),
                person_id: Some(hers.person.id),
                pipeline_id: Some(pipeline.id),
                store_id: Some(north.id),
                owner_id: Some(sara.user.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let sara_deals = deals::list(&t.db, &sara, &DealQuery::default())
            .await
            .unwrap();
        assert_eq!(
            sara_deals.total, 2,
            "her home deal and the one she owns up north"
        );

        // Merging away a person whose lead is up north is an admin's.
        let twin = capture::capture_lead(
            &t.db,
            &bea,
            walk_in("Lucia", "Nunez", "+39 347 555 0909", ""),
        )
        .await
        .unwrap();
        let err = duplicates::merge(
            &t.db,
            &bea,
            EntityType::Person,
            twin.person.id,
            theirs.person.id,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Forbidden {
                    action: "merge_records_elsewhere",
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(Role::needed_for("merge_records_elsewhere"), "admin");
        let merged = duplicates::merge(
            &t.db,
            &t.ctx,
            EntityType::Person,
            twin.person.id,
            theirs.person.id,
        )
        .await
        .unwrap();
        assert!(merged.moved >= 2, "the lead and the deal moved: {merged:?}");

        // The admin sees the whole tenant.
        let all = listed_leads(&t, &t.ctx).await;
        for id in [ours.lead.id, theirs.lead.id, nowhere.lead.id, hers.lead.id] {
            assert!(all.contains(&id));
        }
        assert!(deals::detail(&t.db, &t.ctx, north_deal.id).await.is_ok());
    }
);

sqlite_test!(
    a_search_is_not_crowded_out_by_records_it_may_not_open,
    |t: TestDb| async move {
        let home = t.ctx.user.store_id.unwrap();
        let north = staff::add_store(&t.db, &t.ctx, "Negozio Nord", "N01")
            .await
            .unwrap();
        let sara = staff_ctx(&t, "Sara Banco", Role::Staff).await;
        let nico = member_of(&t, "Nico Nord", Role::Staff, north.id).await;
        let pipeline = pipelines::list(&t.db, &t.ctx).await.unwrap()[0].id;
        let anna = walk_in("Anna", "Bianchi", "+39 347 555 0404", "anna@example.it");
        let anna = capture::capture_lead(&t.db, &t.ctx, anna)
            .await
            .unwrap()
            .person
            .id;
        let deal = |ctx: &Ctx, title: String, store| {
            let (db, ctx) = (t.db.clone(), ctx.clone());
            async move {
                deals::create(
                    &db,
                    &ctx,
                    NewDeal {
                        title,
                        person_id: Some(anna),
                        pipeline_id: Some(pipeline),
                        store_id: Some(store),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .deal
            }
        };
        // Sara's deal first (oldest) and with the longest title (ranked
        // last), then more of the northern store's than one search reads.
        let ours = deal(
            &sara,
            "Offerta Ferraro casa: fibra, luce e gas per tutta la famiglia".into(),
            home,
        )
        .await;
        for i in 0..210 {
            deal(&nico, format!("Offerta Ferraro {i}"), north.id).await;
        }
        let found = search::search(&t.db, &sara, "ferraro", 10).await.unwrap();
        let deals_found: Vec<uuid::Uuid> = found
            .groups
            .iter()
            .filter(|g| g.0 == "deal")
            .flat_map(|g| g.1.iter().map(|h| h.id))
            .collect();
        assert_eq!(deals_found, vec![ours.id], "{found:?}");
        // Nico finds ten of his, best first; the admin the whole tenant's.
        let his = search::search(&t.db, &nico, "ferraro", 10).await.unwrap();
        assert_eq!(his.groups[0].1.len(), 10);
        assert!(his.groups[0].1.iter().all(|h| h.id != ours.id));
    }
);
