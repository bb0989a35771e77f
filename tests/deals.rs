//! Deals, pipelines, campaigns, conversion rules, board, KPIs and the deals
//! import; each test runs on SQLite and on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::sync::atomic::AtomicBool;

use banco::model::*;
use banco::services::pipelines::PipelineEdit;
use banco::services::{
    campaigns, capture, deal_import, deals, export, kpi, leads, pipelines, rules, staff, Ctx,
};
use banco::Error;
use chrono::NaiveDate;
use common::{fixture, TestDb};
use uuid::Uuid;

fn walk_in(first: &str, phone: &str, consent: bool) -> CaptureLead {
    CaptureLead {
        first_name: first.into(),
        last_name: "Rossi".into(),
        phone: phone.into(),
        consents: ConsentChoices {
            service_contact: consent,
            ..Default::default()
        },
        ..Default::default()
    }
}

async fn pipeline(t: &TestDb, name: &str) -> Pipeline {
    pipelines::find(&t.db, &t.ctx, name).await.unwrap()
}

fn line(product: &str, one_off: i64, monthly: i64) -> DealLine {
    DealLine {
        id: Uuid::nil(),
        product: product.into(),
        quantity: 1,
        one_off_minor: one_off,
        monthly_minor: monthly,
    }
}

fn rule(name: &str, trigger: RuleTrigger, pipeline_id: Uuid) -> ConversionRule {
    ConversionRule {
        id: Uuid::now_v7(),
        name: name.into(),
        position: 0,
        active: true,
        trigger,
        source_channel: None,
        campaign_id: None,
        interest: None,
        store_id: None,
        required_consent: Some(ConsentKind::ServiceContact),
        pipeline_id,
        owner_mode: OwnerMode::LeadOwner,
        owner_user_id: None,
    }
}

fn campaign(name: &str, cost_minor: i64, default_pipeline: Uuid) -> Campaign {
    Campaign {
        id: Uuid::now_v7(),
        name: name.into(),
        channel: SourceChannel::MetaAds,
        starts_on: None,
        ends_on: None,
        cost_minor,
        utm_source: Some("facebook".into()),
        utm_medium: Some("paid".into()),
        utm_campaign: Some("fibra-q4".into()),
        default_pipeline_id: Some(default_pipeline),
        pipeline_ids: vec![],
        archived: false,
    }
}

async fn add_staff(t: &TestDb, name: &str) -> User {
    staff::add_user(
        &t.db,
        &t.ctx,
        NewUser {
            display_name: name.into(),
            email: String::new(),
            role: Role::Staff,
            store_id: t.ctx.user.store_id,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

fn import_request(path: &str, pipeline_id: Uuid) -> DealImportRequest {
    let preview = deal_import::preview(std::path::Path::new(path), "IT").unwrap();
    DealImportRequest {
        path: path.into(),
        mapping: preview.mapping,
        pipeline_id,
        missing_owners: MissingPolicy::Create,
        missing_accounts: MissingPolicy::Create,
        missing_stages: MissingPolicy::Reject,
        no_customer: NoCustomerPolicy::Reject,
        date_order: None,
        store_id: None,
    }
}

async fn run_import(t: &TestDb, req: &DealImportRequest) -> banco::Result<ImportReport> {
    deal_import::run(&t.db, &t.ctx, req, |_, _| {}, &AtomicBool::new(false)).await
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

store_test!(
    new_database_has_the_seed_pipelines,
    |t: TestDb| async move {
        let all = pipelines::list(&t.db, &t.ctx).await.unwrap();
        let names: Vec<_> = all.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Fisso", "Energia", "Mobile", "Assistenza"]);
        let fisso: Vec<_> = all[0].stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            fisso,
            ["Pre-check", "Offerta", "Contratto", "Attivazione", "Attivo"]
        );
        assert!(!pipelines::lost_reasons(&t.db, &t.ctx)
            .await
            .unwrap()
            .is_empty());
        // Loading the context again does not seed twice.
        let again = Ctx::load(&t.db, None).await.unwrap();
        assert_eq!(pipelines::list(&t.db, &again).await.unwrap().len(), 4);
    }
);

store_test!(
    pipelines_are_editable_by_managers_only,
    |t: TestDb| async move {
        let p = pipelines::create(
            &t.db,
            &t.ctx,
            "Business",
            &[("Visita".into(), 20), ("Firma".into(), 70)],
        )
        .await
        .unwrap();
        let p = pipelines::edit(
            &t.db,
            &t.ctx,
            p.id,
            &PipelineEdit::AddStage {
                name: "Attivo".into(),
                probability: 95,
            },
        )
        .await
        .unwrap();
        let ids: Vec<Uuid> = p.stages.iter().rev().map(|s| s.id).collect();
        let p = pipelines::edit(
            &t.db,
            &t.ctx,
            p.id,
            &PipelineEdit::ReorderStages { stage_ids: ids },
        )
        .await
        .unwrap();
        assert_eq!(p.stages[0].name, "Attivo");
        let err = pipelines::edit(
            &t.db,
            &t.ctx,
            p.id,
            &PipelineEdit::Rename {
                name: "fisso".into(),
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, Error::Validation(v) if v[0].code == "taken"),
            "{err:?}"
        );
        let err = pipelines::create(&t.db, &t.ctx, "X", &[("A".into(), 140)])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation(v) if v[0].field == "stages.0.probability"),
            "{err:?}"
        );
        let clerk = add_staff(&t, "Carla").await;
        let as_clerk = Ctx::load(&t.db, Some(clerk.id)).await.unwrap();
        let err = pipelines::create(&t.db, &as_clerk, "Y", &[("A".into(), 10)])
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden { .. }));
    }
);

store_test!(
    a_rule_converts_a_captured_lead_with_its_attribution,
    |t: TestDb| async move {
        let fisso = pipeline(&t, "Fisso").await;
        let camp = campaigns::save(&t.db, &t.ctx, &campaign("Promo Fibra Q4", 50_000, fisso.id))
            .await
            .unwrap();
        let mut r = rule("Fibra da campagna", RuleTrigger::Captured, fisso.id);
        r.campaign_id = Some(camp.id);
        r.interest = Some(Interest::Fibre);
        rules::save(&t.db, &t.ctx, &r).await.unwrap();

        let mut input = walk_in("Mario", "3331234567", true);
        input.campaign_id = Some(camp.id);
        input.source_channel = SourceChannel::MetaAds;
        input.utm = Utm {
            source: Some("facebook".into()),
            campaign: Some("fibra-q4".into()),
            ..Default::default()
        };
        let out = capture::capture_lead(&t.db, &t.ctx, input).await.unwrap();
        let deal_id = out.deal_id.expect("the rule fires");
        assert_eq!(out.lead.status, LeadStatus::Converted);

        let d = deals::detail(&t.db, &t.ctx, deal_id).await.unwrap();
        assert_eq!(d.deal.pipeline_id, fisso.id);
        assert_eq!(d.deal.stage_id, fisso.stages[0].id);
        assert_eq!(d.deal.campaign_id, Some(camp.id));
        assert_eq!(d.deal.source_channel, SourceChannel::MetaAds);
        assert_eq!(d.deal.utm.source.as_deref(), Some("facebook"));
        assert_eq!(d.deal.utm.campaign.as_deref(), Some("fibra-q4"));
        assert_eq!(d.deal.lead_id, Some(out.lead.id));
        assert_eq!(d.deal.owner_id, Some(t.ctx.user.id));
        assert_eq!(d.deal.probability, fisso.stages[0].probability);
        assert_eq!(d.events[0].kind, DealEventKind::Converted);
        assert_eq!(d.events[0].detail.as_deref(), Some("Fibra da campagna"));
        let lead = leads::detail(&t.db, &t.ctx, out.lead.id).await.unwrap();
        assert!(lead
            .history
            .iter()
            .any(|e| e.kind == LeadEventKind::DealOpened));
        assert_eq!(lead.deals, vec![(deal_id, d.deal.title.clone())]);

        // Without the consent the rule does not fire, and the preview says why.
        let mut no_consent = walk_in("Luca", "3331234568", false);
        no_consent.campaign_id = Some(camp.id);
        let out = capture::capture_lead(&t.db, &t.ctx, no_consent)
            .await
            .unwrap();
        assert_eq!(out.deal_id, None);
        assert_eq!(out.lead.status, LeadStatus::New);
        let p = rules::preview(&t.db, &t.ctx, out.lead.id, RuleTrigger::Captured)
            .await
            .unwrap();
        assert_eq!(p.fires, None);
        assert_eq!(p.verdicts[0].2, RuleVerdict::ConsentMissing);
        // By hand, "convert to deal" is always there.
        let d = deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                lead_id: Some(out.lead.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            d.deal.pipeline_id, fisso.id,
            "the campaign's default pipeline"
        );
        assert_eq!(d.deal.campaign_id, Some(camp.id));
    }
);

store_test!(
    qualifying_runs_the_rules_and_round_robin_takes_turns,
    |t: TestDb| async move {
        let mobile = pipeline(&t, "Mobile").await;
        let anna = add_staff(&t, "Anna").await;
        let bruno = add_staff(&t, "Bruno").await;
        let mut r = rule("Qualificati mobile", RuleTrigger::Qualified, mobile.id);
        r.owner_mode = OwnerMode::RoundRobin;
        rules::save(&t.db, &t.ctx, &r).await.unwrap();
        let mut owners = Vec::new();
        for (i, phone) in ["3331000001", "3331000002", "3331000003", "3331000004"]
            .iter()
            .enumerate()
        {
            let out = capture::capture_lead(&t.db, &t.ctx, walk_in(&format!("P{i}"), phone, true))
                .await
                .unwrap();
            assert_eq!(out.deal_id, None, "trigger is qualified, not captured");
            let preview = rules::preview(&t.db, &t.ctx, out.lead.id, RuleTrigger::Qualified)
                .await
                .unwrap();
            assert_eq!(preview.fires, Some(r.id));
            let detail = leads::change_status(
                &t.db,
                &t.ctx,
                &StatusChange {
                    lead_id: out.lead.id,
                    to: LeadStatus::Qualified,
                    reason: None,
                },
            )
            .await
            .unwrap();
            assert_eq!(detail.lead.status, LeadStatus::Converted);
            let deal = deals::detail(&t.db, &t.ctx, detail.deals[0].0)
                .await
                .unwrap();
            owners.push(deal.deal.owner_id.unwrap());
        }
        // The store has three active users: the admin, Anna and Bruno — by name.
        let admin = t.ctx.user.id;
        assert_eq!(owners, vec![admin, anna.id, bruno.id, admin]);
    }
);

store_test!(a_deal_moves_wins_and_reopens, |t: TestDb| async move {
    let fisso = pipeline(&t, "Fisso").await;
    let out = capture::capture_lead(&t.db, &t.ctx, walk_in("Giulia", "3332000000", true))
        .await
        .unwrap();
    let new = NewDeal {
        pipeline_id: Some(fisso.id),
        person_id: Some(out.person.id),
        lines: vec![
            line("WindTre Fibra FTTH", 4_900, 2_999),
            line("Modem", 0, 0),
        ],
        contract_months: Some(24),
        expected_close: Some(day(2026, 12, 15)),
        ..Default::default()
    };
    let d = deals::create(&t.db, &t.ctx, new.clone()).await.unwrap();
    assert_eq!(
        d.deal.totals,
        DealTotals {
            one_off_minor: 4_900,
            monthly_minor: 2_999,
            value_minor: 4_900 + 2_999 * 24
        }
    );
    assert_eq!(d.deal.source_channel, SourceChannel::StoreWalkin);
    assert_eq!(d.deal.campaign_id, None);
    assert!(d.deal.title.starts_with("WindTre Fibra FTTH – Giulia"));
    let id = d.deal.id;

    let d = deals::move_deal(
        &t.db,
        &t.ctx,
        id,
        &DealMove::Stage {
            stage_id: fisso.stages[2].id,
        },
    )
    .await
    .unwrap();
    assert_eq!(d.deal.probability, fisso.stages[2].probability);
    assert_eq!(d.events[0].from_stage_id, Some(fisso.stages[0].id));
    assert_eq!(d.events[0].to_stage_id, Some(fisso.stages[2].id));

    let err = deals::move_deal(
        &t.db,
        &t.ctx,
        id,
        &DealMove::Lost {
            reason_id: None,
            note: None,
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v[0].code == "reason_required"),
        "{err:?}"
    );
    let other = pipeline(&t, "Energia").await;
    let err = deals::move_deal(
        &t.db,
        &t.ctx,
        id,
        &DealMove::Stage {
            stage_id: other.stages[0].id,
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v[0].field == "stage_id"),
        "{err:?}"
    );

    let d = deals::move_deal(
        &t.db,
        &t.ctx,
        id,
        &DealMove::Won {
            contract_start: Some(day(2026, 12, 1)),
        },
    )
    .await
    .unwrap();
    assert_eq!(d.deal.status, DealStatus::Won);
    assert!(d.deal.closed_at.is_some());
    let contract = d.contract.clone().unwrap();
    assert_eq!(contract.monthly_minor, 2_999);
    assert_eq!(contract.offer, "WindTre Fibra FTTH, Modem");
    assert_eq!(contract.start_date, day(2026, 12, 1));
    let m = capture::find_matches(&t.db, &t.ctx, "3332000000", "")
        .await
        .unwrap();
    assert!(m[0].person.is_customer);
    let err = deals::move_deal(
        &t.db,
        &t.ctx,
        id,
        &DealMove::Stage {
            stage_id: fisso.stages[1].id,
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(
        err,
        Error::IllegalDealMove {
            status: DealStatus::Won,
            ..
        }
    ));

    // Cross-sell: a new lead prefilled from the customer.
    let template = deals::cross_sell_template(&t.db, &t.ctx, id).await.unwrap();
    assert_eq!(template.person_id, Some(out.person.id));
    assert_eq!(template.source_channel, SourceChannel::CrossSell);

    let d = deals::move_deal(
        &t.db,
        &t.ctx,
        id,
        &DealMove::Reopen {
            stage_id: fisso.stages[3].id,
        },
    )
    .await
    .unwrap();
    assert_eq!(d.deal.status, DealStatus::Open);
    assert!(d.contract.is_none() && d.deal.closed_at.is_none());
    let reason = pipelines::lost_reasons(&t.db, &t.ctx).await.unwrap()[0].clone();
    let d = deals::move_deal(
        &t.db,
        &t.ctx,
        id,
        &DealMove::Lost {
            reason_id: Some(reason.id),
            note: Some("costa troppo".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(d.lost_reason.as_deref(), Some(reason.label.as_str()));
    let kinds: Vec<_> = d.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            DealEventKind::Lost,
            DealEventKind::Reopened,
            DealEventKind::Won,
            DealEventKind::StageMoved,
            DealEventKind::Created
        ]
    );

    // Retrying the same create returns the same deal.
    let again = deals::create(
        &t.db,
        &t.ctx,
        NewDeal {
            id: Some(id),
            ..new
        },
    )
    .await
    .unwrap();
    assert_eq!(again.deal.id, id);
    // Bad lines name the line and field.
    let err = deals::create(
        &t.db,
        &t.ctx,
        NewDeal {
            pipeline_id: Some(fisso.id),
            person_id: Some(out.person.id),
            lines: vec![line("", -1, 0)],
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    let Error::Validation(v) = err else { panic!() };
    let fields: Vec<_> = v.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["lines.0.product", "lines.0.one_off_minor"]);
});

store_test!(board_columns_sum_and_filter, |t: TestDb| async move {
    let fisso = pipeline(&t, "Fisso").await;
    let anna = add_staff(&t, "Anna").await;
    let out = capture::capture_lead(&t.db, &t.ctx, walk_in("Elena", "3333000000", true))
        .await
        .unwrap();
    for (owner, value, stage) in [
        (t.ctx.user.id, 10_000, 0),
        (anna.id, 20_000, 0),
        (anna.id, 30_001, 1),
    ] {
        deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                pipeline_id: Some(fisso.id),
                stage_id: Some(fisso.stages[stage].id),
                person_id: Some(out.person.id),
                owner_id: Some(owner),
                lines: vec![line("Fibra", value, 0)],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let filter = DealFilter {
        pipeline_id: Some(fisso.id),
        ..Default::default()
    };
    let b = deals::board(&t.db, &t.ctx, &filter, 50).await.unwrap();
    assert_eq!(b.columns.len(), 5);
    assert_eq!((b.columns[0].count, b.columns[0].total_minor), (2, 30_000));
    assert_eq!(b.columns[0].weighted_minor, 3_000); // 30,000 × 10 %
    assert_eq!(b.columns[1].weighted_minor, 9_000); // 30,001 × 30 % = 9,000.3
    assert_eq!(b.columns[0].cards.len(), 2);
    let only_anna = DealFilter {
        owner_id: Some(anna.id),
        ..filter.clone()
    };
    let b = deals::board(&t.db, &t.ctx, &only_anna, 50).await.unwrap();
    assert_eq!((b.columns[0].count, b.columns[0].total_minor), (1, 20_000));
    let list = deals::list(
        &t.db,
        &t.ctx,
        &DealQuery {
            filter: DealFilter {
                search: Some("elena".into()),
                ..Default::default()
            },
            sort: DealSort::ValueDesc,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(list.total, 3);
    assert_eq!(list.items[0].card.value_minor, 30_001);
    let csv = export::deals_csv(&t.db, &t.ctx, &filter).await.unwrap();
    assert_eq!(csv.lines().count(), 4);
    assert!(csv.contains(",300.01,"), "{csv}");
});

store_test!(kpis_match_a_hand_computed_fixture, |t: TestDb| async move {
    let fisso = pipeline(&t, "Fisso").await;
    // Pipeline figures from an import with known dates (see the CSV):
    // D1 won 10 days after engage, 1,000.00; D2 won after 20 days, 500.00;
    // D3 lost after 10 days; D4 and D5 open.
    let report = run_import(
        &t,
        &import_request(&fixture("deals-crm-export.csv"), fisso.id),
    )
    .await
    .unwrap();
    assert_eq!(report.summary.imported, 5, "{report:?}");
    // A campaign of 100.00 with three leads, one converted and won.
    let camp = campaigns::save(&t.db, &t.ctx, &campaign("Volantini", 10_000, fisso.id))
        .await
        .unwrap();
    let mut lead_ids = Vec::new();
    for phone in ["3334000001", "3334000002", "3334000003"] {
        let mut c = walk_in("K", phone, true);
        c.campaign_id = Some(camp.id);
        lead_ids.push(
            capture::capture_lead(&t.db, &t.ctx, c)
                .await
                .unwrap()
                .lead
                .id,
        );
    }
    let d = deals::create(
        &t.db,
        &t.ctx,
        NewDeal {
            lead_id: Some(lead_ids[0]),
            lines: vec![line("Fibra", 2_000, 1_000)],
            contract_months: Some(12),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    deals::move_deal(
        &t.db,
        &t.ctx,
        d.deal.id,
        &DealMove::Won {
            contract_start: None,
        },
    )
    .await
    .unwrap();
    // An open deal with an expected close for the forecast: 50,000 at 30 %.
    deals::create(
        &t.db,
        &t.ctx,
        NewDeal {
            pipeline_id: Some(fisso.id),
            stage_id: Some(fisso.stages[1].id),
            person_id: Some(
                capture::capture_lead(&t.db, &t.ctx, walk_in("F", "3334000009", true))
                    .await
                    .unwrap()
                    .person
                    .id,
            ),
            lines: vec![line("Fibra", 50_000, 0)],
            expected_close: Some(day(2026, 3, 15)),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    // January 2026 only: the imported deals.
    let jan = kpi::report(
        &t.db,
        &t.ctx,
        KpiRange {
            from: Some(day(2026, 1, 1)),
            to: Some(day(2026, 1, 31)),
        },
    )
    .await
    .unwrap();
    let p = jan.pipelines.iter().find(|p| p.name == "Fisso").unwrap();
    assert_eq!((p.won, p.lost), (2, 1));
    assert_eq!(p.win_rate, Some(2.0 / 3.0));
    assert_eq!(p.avg_days_to_close, Some(15.0));
    assert_eq!(p.avg_won_value_minor, Some(75_000));
    assert_eq!(p.won_revenue_minor, 150_000);
    let stage = |name: &str| {
        p.stage_days
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (stage("Attivo").stays, stage("Attivo").avg_days),
        (2, Some(15.0))
    );
    assert_eq!(
        (stage("Pre-check").stays, stage("Pre-check").avg_days),
        (1, Some(10.0))
    );
    assert_eq!(stage("Offerta").stays, 0);
    let anna = jan.owners.iter().find(|o| o.name == "Anna Verdi").unwrap();
    assert_eq!(
        (anna.deals_opened, anna.won, anna.lost, anna.win_rate),
        (3, 2, 0, Some(1.0))
    );
    let bruno = jan.owners.iter().find(|o| o.name == "Bruno Neri").unwrap();
    assert_eq!(
        (bruno.deals_opened, bruno.won, bruno.lost, bruno.win_rate),
        (2, 0, 1, Some(0.0))
    );
    // March 2026: the forecast; D4 and D5 (no value) and the 50,000 deal.
    let march = kpi::report(
        &t.db,
        &t.ctx,
        KpiRange {
            from: Some(day(2026, 3, 1)),
            to: Some(day(2026, 3, 31)),
        },
    )
    .await
    .unwrap();
    let p = march.pipelines.iter().find(|p| p.name == "Fisso").unwrap();
    assert_eq!(
        p.forecast,
        vec![ForecastMonth {
            month: "2026-03".into(),
            deals: 3,
            value_minor: 50_000,
            weighted_minor: 15_000
        }]
    );
    assert_eq!(p.won, 0);
    assert_eq!(p.win_rate, None);

    // All time: the campaign.
    let all = kpi::report(&t.db, &t.ctx, KpiRange::default())
        .await
        .unwrap();
    let c = all
        .campaigns
        .iter()
        .find(|c| c.name == "Volantini")
        .unwrap();
    assert_eq!(c.leads, 3);
    assert_eq!(c.cost_per_lead_minor, Some(3_333)); // 10,000 / 3 = 3,333.3
    assert_eq!(c.converted_leads, 1);
    assert_eq!(c.won_deals, 1);
    assert_eq!(c.won_revenue_minor, 2_000 + 1_000 * 12);
    let csv = kpi::to_csv(&all, banco::model::KpiTable::Campaigns).unwrap();
    assert!(
        csv.contains("Volantini,3,100.00,33.33,1,0.3333,1,140.00,EUR"),
        "{csv}"
    );
    let err = kpi::report(
        &t.db,
        &t.ctx,
        KpiRange {
            from: Some(day(2026, 2, 1)),
            to: Some(day(2026, 1, 1)),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(&err, Error::Validation(v) if v[0].code == "before_start"));
});

store_test!(
    deals_import_reports_each_row_and_skips_reimports,
    |t: TestDb| async move {
        let fisso = pipeline(&t, "Fisso").await;
        let path = fixture("deals-crm-export.csv");
        let preview = deal_import::preview(std::path::Path::new(&path), "IT").unwrap();
        assert_eq!(preview.date_order, DateOrder::Mdy);
        assert!(preview.problems.is_empty());
        let req = import_request(&path, fisso.id);
        let report = run_import(&t, &req).await.unwrap();
        assert_eq!(report.summary.imported, 5);
        let first = &report.rows[0];
        let codes: Vec<_> = first
            .messages
            .iter()
            .map(|m| (m.field.as_str(), m.code.as_str()))
            .collect();
        assert_eq!(codes, [("owner", "created"), ("account", "created")]);
        let won = deals::detail(&t.db, &t.ctx, first.deal_id.unwrap())
            .await
            .unwrap();
        assert_eq!(won.deal.status, DealStatus::Won);
        assert_eq!(won.deal.totals.value_minor, 100_000);
        assert_eq!(won.deal.external_ref.as_deref(), Some("D1"));
        assert_eq!(won.company_name.as_deref(), Some("Acme Srl"));
        assert_eq!(won.owner_name.as_deref(), Some("Anna Verdi"));
        let open = deals::detail(&t.db, &t.ctx, report.rows[3].deal_id.unwrap())
            .await
            .unwrap();
        assert_eq!(open.deal.status, DealStatus::Open);
        assert_eq!(open.deal.expected_close, Some(day(2026, 3, 15)));
        assert_eq!(open.deal.totals.value_minor, 0);
        let users = staff::list_users(&t.db, &t.ctx).await.unwrap();
        assert_eq!(
            users
                .iter()
                .filter(|u| u.display_name == "Anna Verdi")
                .count(),
            1,
            "created once"
        );

        let again = run_import(&t, &req).await.unwrap();
        assert_eq!((again.summary.imported, again.summary.skipped), (0, 5));

        // Bad rows are rejected with the field and the reason; good rows land.
        let bad = import_request(&fixture("deals-with-errors.csv"), fisso.id);
        let report = run_import(&t, &bad).await.unwrap();
        let codes = |i: usize| -> Vec<(String, String)> {
            report.rows[i]
                .messages
                .iter()
                .map(|m| (m.field.clone(), m.code.clone()))
                .collect()
        };
        assert_eq!(report.rows[0].status, RowStatus::Rejected);
        assert_eq!(
            codes(0),
            [("stage".to_string(), "unknown_value".to_string())]
        );
        assert_eq!(
            codes(1),
            [("engage_date".to_string(), "invalid_date".to_string())]
        );
        assert_eq!(
            codes(2),
            [("close_value".to_string(), "not_a_number".to_string())]
        );
        assert_eq!(report.rows[3].status, RowStatus::Imported);
        assert_eq!(report.summary.rejected, 3);

        // A mapping without a stage writes nothing.
        let mut no_stage = import_request(&fixture("deals-with-errors.csv"), fisso.id);
        no_stage.mapping[4] = None;
        let before = deals::list(&t.db, &t.ctx, &DealQuery::default())
            .await
            .unwrap()
            .total;
        let err = run_import(&t, &no_stage).await.unwrap_err();
        assert!(
            matches!(&err, Error::Validation(v) if v[0].code == "missing_field"),
            "{err:?}"
        );
        assert_eq!(
            deals::list(&t.db, &t.ctx, &DealQuery::default())
                .await
                .unwrap()
                .total,
            before
        );
    }
);

store_test!(
    later_touches_are_kept_on_open_leads,
    |t: TestDb| async move {
        let fisso = pipeline(&t, "Fisso").await;
        let flyer = campaigns::save(&t.db, &t.ctx, &campaign("Volantino", 0, fisso.id))
            .await
            .unwrap();
        let mut meta = campaign("Meta autunno", 0, fisso.id);
        meta.utm_source = Some("facebook".into());
        let meta = campaigns::save(&t.db, &t.ctx, &meta).await.unwrap();
        let mut first = walk_in("Sara", "3335550001", false);
        first.campaign_id = Some(flyer.id);
        first.source_channel = SourceChannel::QrCode;
        let first = capture::capture_lead(&t.db, &t.ctx, first).await.unwrap();
        let mut again = walk_in("Sara", "3335550001", false);
        again.campaign_id = Some(meta.id);
        again.source_channel = SourceChannel::MetaAds;
        again.utm = Utm {
            source: Some("facebook".into()),
            ..Default::default()
        };
        let second = capture::capture_lead(&t.db, &t.ctx, again).await.unwrap();
        assert_eq!(second.person.id, first.person.id);
        let d = leads::detail(&t.db, &t.ctx, first.lead.id).await.unwrap();
        let touches: Vec<_> = d
            .attributions
            .iter()
            .map(|a| (a.campaign_id, a.source_channel))
            .collect();
        assert_eq!(
            touches,
            [
                (Some(flyer.id), SourceChannel::QrCode),
                (Some(meta.id), SourceChannel::MetaAds)
            ],
            "first touch, then the later one"
        );
        assert_eq!(
            d.lead.campaign_id,
            Some(flyer.id),
            "the lead keeps its own campaign"
        );
        let d2 = leads::detail(&t.db, &t.ctx, second.lead.id).await.unwrap();
        assert_eq!(d2.attributions.len(), 1);
        assert_eq!(d2.attributions[0].utm.source.as_deref(), Some("facebook"));
        // An unknown campaign is refused, naming the field.
        let mut bad = walk_in("Ugo", "3335550009", false);
        bad.campaign_id = Some(Uuid::now_v7());
        let err = capture::capture_lead(&t.db, &t.ctx, bad).await.unwrap_err();
        assert!(
            matches!(&err, Error::Validation(v) if v[0].field == "campaign_id"),
            "{err:?}"
        );
    }
);

store_test!(
    a_rejected_import_row_creates_nothing,
    |t: TestDb| async move {
        let fisso = pipeline(&t, "Fisso").await;
        let mut req = import_request(&fixture("deals-prospecting.csv"), fisso.id);
        req.missing_stages = MissingPolicy::Create;
        let report = run_import(&t, &req).await.unwrap();
        // Line 2 names no account and no contact: rejected, and neither its new
        // stage nor its new owner is created for it.
        assert_eq!(report.rows[0].status, RowStatus::Rejected);
        let codes: Vec<_> = report.rows[0]
            .messages
            .iter()
            .map(|m| m.code.as_str())
            .collect();
        assert_eq!(codes, ["customer_required"]);
        // Line 3 is good: it creates the stage, the owner and the account.
        assert_eq!(report.rows[1].status, RowStatus::Imported);
        let codes: Vec<_> = report.rows[1]
            .messages
            .iter()
            .map(|m| (m.field.as_str(), m.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("stage", "created"),
                ("owner", "created"),
                ("account", "created")
            ]
        );
        let stages = pipeline(&t, "Fisso").await.stages;
        assert_eq!(stages.iter().filter(|s| s.name == "Prospecting").count(), 1);
        let users = staff::list_users(&t.db, &t.ctx).await.unwrap();
        assert_eq!(
            users
                .iter()
                .filter(|u| u.display_name == "Nuovo Agente")
                .count(),
            1
        );
    }
);

store_test!(
    open_deals_without_customer_are_imported_listed_and_linked_later,
    |t: TestDb| async move {
        let fisso = pipeline(&t, "Fisso").await;
        let mut req = import_request(&fixture("deals-prospecting.csv"), fisso.id);
        req.missing_stages = MissingPolicy::Create;
        req.no_customer = NoCustomerPolicy::Import;
        let report = run_import(&t, &req).await.unwrap();
        // Line 2 names no account and no contact: imported, and flagged.
        assert_eq!(report.rows[0].status, RowStatus::Imported, "{report:?}");
        assert!(report.rows[0]
            .messages
            .iter()
            .any(|m| m.field == "account" && m.code == "no_customer"));
        let deal_id = report.rows[0].deal_id.unwrap();
        assert_eq!(report.rows[1].status, RowStatus::Imported);

        // Listed by the "without customer" filter, and only it.
        let query = DealQuery {
            filter: DealFilter {
                no_customer: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let page = deals::list(&t.db, &t.ctx, &query).await.unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.items[0].card.id, deal_id);

        // Linked later to a person; then the filter no longer lists it.
        let person = capture::capture_lead(&t.db, &t.ctx, walk_in("Ada", "3335550123", true))
            .await
            .unwrap()
            .person;
        let none = deals::link_customer(&t.db, &t.ctx, deal_id, None, None)
            .await
            .unwrap_err();
        assert!(matches!(&none, Error::Validation(v) if v[0].field == "person_id"));
        let stranger = deals::link_customer(&t.db, &t.ctx, deal_id, Some(Uuid::now_v7()), None)
            .await
            .unwrap_err();
        assert!(matches!(stranger, Error::NotFound { .. }));
        let detail = deals::link_customer(&t.db, &t.ctx, deal_id, Some(person.id), None)
            .await
            .unwrap();
        assert_eq!(detail.deal.person_id, Some(person.id));
        assert!(detail
            .events
            .iter()
            .any(|e| e.kind == DealEventKind::CustomerLinked));
        let page = deals::list(&t.db, &t.ctx, &query).await.unwrap();
        assert_eq!(page.total, 0);

        // Won and lost deals still need a customer: a contract needs one.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("won.csv");
        std::fs::write(
            &path,
            "opportunity_id,product,deal_stage,close_date,close_value\nW1,Fibra,Won,2026-03-01,100\n",
        )
        .unwrap();
        let mut req = import_request(&path.display().to_string(), fisso.id);
        req.no_customer = NoCustomerPolicy::Import;
        let report = run_import(&t, &req).await;
        match report {
            Ok(r) => assert_eq!(r.rows[0].status, RowStatus::Rejected, "{r:?}"),
            Err(Error::Validation(v)) => assert_eq!(v[0].code, "customer_column_required"),
            Err(e) => panic!("{e:?}"),
        }
    }
);

store_test!(
    a_reopened_deal_leaves_customers_only_those_with_another_won_deal,
    |t: TestDb| async move {
        let first = common::won(&t, &t.ctx, "Lucia", "3337001000", "Fibra", 1).await;
        let person = first.person_id.unwrap();
        let company = banco::services::companies::create(
            &t.db,
            &t.ctx,
            &CompanyInput {
                name: "Ottica Lucia".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let pipeline = pipelines::list(&t.db, &t.ctx).await.unwrap()[0].clone();
        let second = deals::create(
            &t.db,
            &t.ctx,
            NewDeal {
                pipeline_id: Some(pipeline.id),
                person_id: Some(person),
                company_id: Some(company.id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .deal
        .id;
        let win = DealMove::Won {
            contract_start: None,
        };
        deals::move_deal(&t.db, &t.ctx, second, &win).await.unwrap();
        let reopen = DealMove::Reopen {
            stage_id: pipeline.stages[0].id,
        };
        let customers = || async {
            let p = banco::services::companies::person_card(&t.db, &t.ctx, person)
                .await
                .unwrap();
            let c = banco::services::companies::card(&t.db, &t.ctx, company.id)
                .await
                .unwrap();
            (p.person.is_customer, c.company.is_customer)
        };
        assert_eq!(customers().await, (true, true));

        // The company had this deal only; Lucia has her first one too.
        deals::move_deal(&t.db, &t.ctx, second, &reopen)
            .await
            .unwrap();
        assert_eq!(customers().await, (true, false));

        // Her first deal reopened too: no won deal, no customer.
        deals::move_deal(&t.db, &t.ctx, first.deal_id, &reopen)
            .await
            .unwrap();
        assert_eq!(customers().await, (false, false));

        // Won again: a customer again.
        deals::move_deal(&t.db, &t.ctx, first.deal_id, &win)
            .await
            .unwrap();
        assert_eq!(customers().await, (true, false));
    }
);
