//! After the sale (issue 16): a won deal's contract through its lifecycle,
//! the identifiers its activation needs, the Customers list and who sees
//! which contract; each test runs on SQLite and on Postgres unless it says
//! otherwise.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{capture, companies, contracts, deals, pipelines, staff, tickets, Ctx};
use banco::Error;
use chrono::{Duration, Months, NaiveDate, Utc};
use common::{customers_both_ways, staff_ctx, walk_in, TestDb};
use uuid::Uuid;

fn line(product: &str, one_off: i64, monthly: i64) -> DealLine {
    DealLine {
        id: Uuid::nil(),
        product: product.into(),
        quantity: 1,
        one_off_minor: one_off,
        monthly_minor: monthly,
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A won deal of `ctx` for a new walk-in (`first`, `phone`) with one line,
/// signed `months_ago` months ago; its contract.
async fn won(
    t: &TestDb,
    ctx: &Ctx,
    first: &str,
    phone: &str,
    product: &str,
    months_ago: u32,
) -> Contract {
    let out = capture::capture_lead(&t.db, ctx, walk_in(first, "Esposito", phone, ""))
        .await
        .unwrap();
    let pipeline = pipelines::list(&t.db, ctx).await.unwrap()[0].clone();
    let deal = deals::create(
        &t.db,
        ctx,
        NewDeal {
            pipeline_id: Some(pipeline.id),
            person_id: Some(out.person.id),
            lines: vec![line(product, 0, 4_500)],
            contract_months: Some(24),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let start = today().checked_sub_months(Months::new(months_ago)).unwrap();
    deals::move_deal(
        &t.db,
        ctx,
        deal.deal.id,
        &DealMove::Won {
            contract_start: Some(start),
        },
    )
    .await
    .unwrap()
    .contract
    .unwrap()
}

async fn first_stage(t: &TestDb) -> Uuid {
    pipelines::list(&t.db, &t.ctx).await.unwrap()[0].stages[0].id
}

fn codes(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Validation(v) => v.into_iter().map(|f| (f.field, f.code)).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.into(), code.into())
}

async fn mv(
    t: &TestDb,
    id: Uuid,
    to: ContractStatus,
    on: Option<NaiveDate>,
    reason: Option<&str>,
) -> banco::Result<ContractDetail> {
    contracts::move_contract(
        &t.db,
        &t.ctx,
        id,
        &ContractMove {
            to,
            on,
            reason: reason.map(str::to_string),
        },
    )
    .await
}

store_test!(
    a_won_deal_goes_from_signed_to_active_to_ceased,
    |t: TestDb| async move {
        let k = won(
            &t,
            &t.ctx,
            "Gennaro",
            "+39 333 100 2000",
            "Luce Casa Verde",
            3,
        )
        .await;
        assert_eq!(k.status, ContractStatus::Signed);
        assert_eq!(k.duration_months, 24);
        assert_eq!(k.monthly_minor, 4_500);
        let d = contracts::detail(&t.db, &t.ctx, k.id).await.unwrap();
        assert_eq!(
            d.next,
            vec![ContractStatus::ActivationRequested, ContractStatus::Ceased]
        );
        assert_eq!(d.events.len(), 1);
        assert_eq!(d.events[0].kind, ContractEventKind::Created);
        assert_eq!(d.item.customer_name.as_deref(), Some("Gennaro Esposito"));

        // Nothing to activate with yet: every missing field is named.
        let err = mv(&t, k.id, ContractStatus::ActivationRequested, None, None)
            .await
            .unwrap_err();
        assert_eq!(
            codes(err),
            vec![pair("payment_method", "required_for_activation")]
        );

        // A bad edit names every bad field and changes nothing.
        let bad = ContractEdit {
            kind: Some(ServiceKind::Electricity),
            pod: Some("IT001X12345678".into()),
            iban: Some("IT60 X054 2811 1010 0000 0123 457".into()),
            ..Default::default()
        };
        let err = contracts::edit(&t.db, &t.ctx, k.id, &bad)
            .await
            .unwrap_err();
        let found = codes(err);
        assert!(found.contains(&pair("pod", "invalid_pod")), "{found:?}");
        assert!(found.contains(&pair("iban", "invalid_iban")), "{found:?}");
        let d = contracts::detail(&t.db, &t.ctx, k.id).await.unwrap();
        assert_eq!(d.item.contract.kind, ServiceKind::Other);
        assert_eq!(d.events.len(), 1);

        let edit = ContractEdit {
            kind: Some(ServiceKind::Electricity),
            pod: Some("it 001 e 12345678".into()),
            payment_method: Some("direct_debit".into()),
            ..Default::default()
        };
        let d = contracts::edit(&t.db, &t.ctx, k.id, &edit).await.unwrap();
        assert_eq!(d.item.contract.pod.as_deref(), Some("IT001E12345678"));
        assert_eq!(d.missing_for_activation[0].field, "iban");
        assert_eq!(
            d.events[0].detail.as_deref(),
            Some("kind, payment_method, pod")
        );
        let err = mv(&t, k.id, ContractStatus::ActivationRequested, None, None)
            .await
            .unwrap_err();
        assert_eq!(codes(err), vec![pair("iban", "required_for_activation")]);
        let d = contracts::edit(
            &t.db,
            &t.ctx,
            k.id,
            &ContractEdit {
                iban: Some("IT60X0542811101000000123456".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(d.missing_for_activation.is_empty());
        // The history names fields, never an IBAN.
        assert_eq!(d.events[0].detail.as_deref(), Some("iban"));
        // The same edit again changes nothing and writes nothing.
        let again = contracts::edit(
            &t.db,
            &t.ctx,
            k.id,
            &ContractEdit {
                iban: Some("IT60X0542811101000000123456".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(again.events.len(), d.events.len());

        let d = mv(&t, k.id, ContractStatus::ActivationRequested, None, None)
            .await
            .unwrap();
        assert_eq!(d.item.contract.status, ContractStatus::ActivationRequested);

        // A contract on its way is no longer undone with its deal.
        let err = deals::move_deal(
            &t.db,
            &t.ctx,
            k.deal_id,
            &DealMove::Reopen {
                stage_id: first_stage(&t).await,
            },
        )
        .await
        .unwrap_err();
        assert_eq!(codes(err), vec![pair("contract", "contract_in_progress")]);

        // Activated two months ago: the term runs from then.
        let activated = today().checked_sub_months(Months::new(2)).unwrap();
        let err = mv(
            &t,
            k.id,
            ContractStatus::Active,
            Some(today().succ_opt().unwrap()),
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(codes(err), vec![pair("on", "out_of_range")]);
        let d = mv(&t, k.id, ContractStatus::Active, Some(activated), None)
            .await
            .unwrap();
        let c = &d.item.contract;
        assert_eq!(c.activated_on, Some(activated));
        assert_eq!(
            c.ends_on,
            activated
                .checked_add_months(Months::new(24))
                .and_then(|d| d.pred_opt())
        );

        // Illegal moves and moves without their reason are refused.
        let err = mv(&t, k.id, ContractStatus::Signed, None, Some("x"))
            .await
            .unwrap_err();
        assert_eq!(codes(err), vec![pair("status", "illegal_contract_move")]);
        let err = mv(&t, k.id, ContractStatus::Suspended, None, Some("  "))
            .await
            .unwrap_err();
        assert_eq!(codes(err), vec![pair("reason", "reason_required")]);
        let d = mv(
            &t,
            k.id,
            ContractStatus::Suspended,
            None,
            Some("Bollette non pagate"),
        )
        .await
        .unwrap();
        assert_eq!(
            d.item.contract.status_reason.as_deref(),
            Some("Bollette non pagate")
        );

        // The Customers list, by the lists' filters.
        let all = customers_both_ways(&t, &t.ctx, &ContractFilter::default()).await;
        assert_eq!(all.total, 1);
        let row = &all.items[0];
        assert_eq!(row.entity_type, "person");
        assert_eq!(row.name, "Gennaro Esposito");
        assert_eq!(row.contact.as_deref(), Some("+393331002000"));
        assert_eq!(
            (row.contracts, row.active, row.monthly_minor),
            (1, 0, 4_500)
        );
        let month = c.ends_on.unwrap().format("%Y-%m").to_string();
        for (filter, expected) in [
            (
                ContractFilter {
                    status: Some(ContractStatus::Suspended),
                    ..Default::default()
                },
                1,
            ),
            (
                ContractFilter {
                    status: Some(ContractStatus::Active),
                    ..Default::default()
                },
                0,
            ),
            (
                ContractFilter {
                    kind: Some(ServiceKind::Electricity),
                    ..Default::default()
                },
                1,
            ),
            (
                ContractFilter {
                    product: Some("casa VERDE".into()),
                    ..Default::default()
                },
                1,
            ),
            (
                ContractFilter {
                    product: Some("100%_".into()),
                    ..Default::default()
                },
                0,
            ),
            (
                ContractFilter {
                    renews_in: Some(month.clone()),
                    ..Default::default()
                },
                1,
            ),
            (
                ContractFilter {
                    renews_in: Some("2020-01".into()),
                    ..Default::default()
                },
                0,
            ),
            (
                ContractFilter {
                    store_id: t.ctx.user.store_id,
                    ..Default::default()
                },
                1,
            ),
        ] {
            let page = customers_both_ways(&t, &t.ctx, &filter).await;
            assert_eq!(page.total, expected, "{filter:?}");
            let list = contracts::list(&t.db, &t.ctx, &filter).await.unwrap();
            assert_eq!(list.total, expected, "{filter:?}");
        }
        let err = contracts::list(
            &t.db,
            &t.ctx,
            &ContractFilter {
                renews_in: Some("13/2027".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(codes(err), vec![pair("renews_in", "invalid_month")]);

        let d = mv(&t, k.id, ContractStatus::Active, None, None)
            .await
            .unwrap();
        assert_eq!(
            d.item.contract.activated_on,
            Some(activated),
            "resuming keeps the day"
        );
        let d = mv(
            &t,
            k.id,
            ContractStatus::Ceased,
            None,
            Some("Passata ad altro fornitore"),
        )
        .await
        .unwrap();
        assert_eq!(d.item.contract.ended_on, Some(today()));
        assert!(d.next.is_empty());
        let kinds: Vec<_> = d
            .events
            .iter()
            .rev()
            .map(|e| (e.kind, e.to_status))
            .collect();
        use ContractEventKind::*;
        use ContractStatus::*;
        assert_eq!(
            kinds,
            vec![
                (Created, Some(Signed)),
                (Edited, None),
                (Edited, None),
                (StatusChanged, Some(ActivationRequested)),
                (StatusChanged, Some(Active)),
                (StatusChanged, Some(Suspended)),
                (StatusChanged, Some(Active)),
                (StatusChanged, Some(Ceased)),
            ]
        );
        assert_eq!(
            d.events[0].user_name.as_deref(),
            Some(t.ctx.user.display_name.as_str())
        );
        let err = contracts::edit(&t.db, &t.ctx, k.id, &ContractEdit::default())
            .await
            .unwrap_err();
        assert_eq!(codes(err), vec![pair("status", "contract_ceased")]);
        let customers = contracts::customers(&t.db, &t.ctx, &ContractFilter::default())
            .await
            .unwrap();
        assert_eq!(
            customers.items[0].next_term_end, None,
            "a ceased contract renews nothing"
        );
    }
);

store_test!(
    a_signed_contract_goes_with_its_reopened_deal,
    |t: TestDb| async move {
        // Its activation ticket stays, without the contract.
        tickets::save_template(
            &t.db,
            &t.ctx,
            "Attivazione",
            TicketKind::Activation,
            None,
            vec![TemplateMilestone {
                name: "Attivazione".into(),
                tasks: vec![TemplateTask {
                    title: "Inviare".into(),
                    due_days: 0,
                }],
            }],
        )
        .await
        .unwrap();
        let k = won(&t, &t.ctx, "Rosa", "+39 333 100 3000", "Fibra 1000", 0).await;
        let d = deals::move_deal(
            &t.db,
            &t.ctx,
            k.deal_id,
            &DealMove::Reopen {
                stage_id: first_stage(&t).await,
            },
        )
        .await
        .unwrap();
        assert_eq!(d.contract, None);
        let left = tickets::list(&t.db, &t.ctx, &TicketQuery::default())
            .await
            .unwrap();
        assert_eq!(left.total, 1);
        assert_eq!(left.items[0].ticket.contract_id, None);
        assert!(matches!(
            contracts::detail(&t.db, &t.ctx, k.id).await,
            Err(Error::NotFound {
                entity: "contract",
                ..
            })
        ));
        let again = deals::move_deal(
            &t.db,
            &t.ctx,
            k.deal_id,
            &DealMove::Won {
                contract_start: None,
            },
        )
        .await
        .unwrap()
        .contract
        .unwrap();
        assert_ne!(again.id, k.id);
        assert_eq!(again.start_date, today());
    }
);

store_test!(
    a_company_is_the_customer_of_its_contracts,
    |t: TestDb| async move {
        let company = companies::create(
            &t.db,
            &t.ctx,
            &CompanyInput {
                name: "Pizzeria Da Ciro S.r.l.".into(),
                phone: "+39 081 555 1234".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let pipeline = pipelines::list(&t.db, &t.ctx).await.unwrap()[0].clone();
        for product in ["Fibra Business", "SIM Business"] {
            let deal = deals::create(
                &t.db,
                &t.ctx,
                NewDeal {
                    pipeline_id: Some(pipeline.id),
                    company_id: Some(company.id),
                    lines: vec![line(product, 0, 2_000)],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            deals::move_deal(
                &t.db,
                &t.ctx,
                deal.deal.id,
                &DealMove::Won {
                    contract_start: None,
                },
            )
            .await
            .unwrap();
        }
        won(&t, &t.ctx, "Àlvaro", "+39 333 100 4000", "Luce", 0).await;
        let page = customers_both_ways(&t, &t.ctx, &ContractFilter::default()).await;
        let names: Vec<_> = page
            .items
            .iter()
            .map(|c| (c.entity_type.as_str(), c.name.as_str(), c.contracts))
            .collect();
        assert_eq!(
            names,
            vec![
                ("person", "Àlvaro Esposito", 1),
                ("company", "Pizzeria Da Ciro S.r.l.", 2)
            ]
        );
        let theirs = contracts::list(
            &t.db,
            &t.ctx,
            &ContractFilter {
                company_id: Some(company.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(theirs.total, 2);
        assert!(theirs
            .items
            .iter()
            .all(|i| i.customer_name.as_deref() == Some("Pizzeria Da Ciro S.r.l.")));
        let paged = customers_both_ways(
            &t,
            &t.ctx,
            &ContractFilter {
                limit: Some(1),
                offset: Some(1),
                ..Default::default()
            },
        )
        .await;
        assert_eq!((paged.total, paged.items.len()), (2, 1));
        assert_eq!(paged.items[0].entity_type, "company");
    }
);

sqlite_test!(
    staff_see_and_change_only_the_contracts_of_their_stores,
    |t: TestDb| async move {
        let north = staff::add_store(&t.db, &t.ctx, "Negozio Nord", "N01")
            .await
            .unwrap();
        let nico = staff::add_user(
            &t.db,
            &t.ctx,
            NewUser {
                display_name: "Nico Nord".into(),
                role: Role::Staff,
                store_id: Some(north.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let nico = Ctx::of(&t.db, t.ctx.tenant_id(), nico.id).await.unwrap();
        let sara = staff_ctx(&t, "Sara Banco", Role::Staff).await;
        let theirs = won(&t, &nico, "Nina", "+39 333 100 5000", "Gas Casa", 0).await;
        let ours = won(&t, &sara, "Ugo", "+39 333 100 6000", "Luce Casa", 0).await;

        let seen: Vec<_> = contracts::list(&t.db, &sara, &ContractFilter::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|i| i.contract.id)
            .collect();
        assert_eq!(seen, vec![ours.id]);
        let customers = customers_both_ways(&t, &sara, &ContractFilter::default()).await;
        assert_eq!(customers.total, 1);
        assert!(matches!(
            contracts::detail(&t.db, &sara, theirs.id).await,
            Err(Error::NotFound { .. })
        ));
        let edit = ContractEdit {
            kind: Some(ServiceKind::Gas),
            ..Default::default()
        };
        assert!(matches!(
            contracts::edit(&t.db, &sara, theirs.id, &edit).await,
            Err(Error::NotFound { .. })
        ));
        assert!(contracts::edit(&t.db, &nico, theirs.id, &edit)
            .await
            .is_ok());
        // The admin sees the chain's.
        let all = contracts::list(&t.db, &t.ctx, &ContractFilter::default())
            .await
            .unwrap();
        assert_eq!(all.total, 2);
    }
);

/// Runs `sql` with a time and an id bound (to put a fact in the past that
/// no service may backdate).
async fn backdate(t: &TestDb, sql: &str, when: chrono::DateTime<Utc>, id: Uuid) {
    let mut pc = t.db.acquire().await.unwrap();
    banco::store::sql::query(sql)
        .bind(when)
        .bind(id)
        .execute(&mut pc.conn())
        .await
        .unwrap();
}

/// Sets a contract's date column `column` to `day`.
async fn set_date(t: &TestDb, column: &str, day: chrono::NaiveDate, id: Uuid) {
    let mut pc = t.db.acquire().await.unwrap();
    banco::store::sql::query(format!("UPDATE contracts SET {column} = $1 WHERE id = $2"))
        .bind(day)
        .bind(id)
        .execute(&mut pc.conn())
        .await
        .unwrap();
}

async fn active_contract(t: &TestDb, first: &str, phone: &str, won_days_ago: i64) -> Contract {
    let k = won(t, &t.ctx, first, phone, "Fibra", 0).await;
    backdate(
        t,
        "UPDATE deals SET closed_at = $1 WHERE id = $2",
        Utc::now() - Duration::days(won_days_ago),
        k.deal_id,
    )
    .await;
    let edit = ContractEdit {
        payment_method: Some("card".into()),
        ..Default::default()
    };
    contracts::edit(&t.db, &t.ctx, k.id, &edit).await.unwrap();
    for to in [ContractStatus::ActivationRequested, ContractStatus::Active] {
        contracts::move_contract(
            &t.db,
            &t.ctx,
            k.id,
            &ContractMove {
                to,
                on: None,
                reason: None,
            },
        )
        .await
        .unwrap();
    }
    k
}

store_test!(
    after_sale_kpis_count_lead_times_tickets_renewals_and_churn,
    |t: TestDb| async move {
        let today = Utc::now().date_naive();
        let a = active_contract(&t, "Ada", "+39 333 700 4001", 10).await;
        active_contract(&t, "Bea", "+39 333 700 4002", 4).await;
        let c = active_contract(&t, "Cloe", "+39 333 700 4003", 1).await;
        // Cloe's contract has run for two months; it ends today.
        set_date(&t, "activated_on", today - Duration::days(60), c.id).await;
        contracts::move_contract(
            &t.db,
            &t.ctx,
            c.id,
            &ContractMove {
                to: ContractStatus::Ceased,
                on: None,
                reason: Some("Disdetta".into()),
            },
        )
        .await
        .unwrap();
        // Ada's term ends next month.
        let next = today.checked_add_months(chrono::Months::new(1)).unwrap();
        set_date(&t, "ends_on", next, a.id).await;

        // Tickets: an urgent complaint past its SLA, an assistance closed.
        let person = capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Dora", "Esposito", "+39 333 700 4004", ""),
        )
        .await
        .unwrap()
        .person;
        let on_dora = |kind| NewTicket {
            kind: Some(kind),
            entity_type: Some(EntityType::Person),
            entity_id: Some(person.id),
            ..Default::default()
        };
        let late = tickets::open(&t.db, &t.ctx, &on_dora(TicketKind::Complaint))
            .await
            .unwrap();
        backdate(
            &t,
            "UPDATE tickets SET sla_due_at = $1 WHERE id = $2",
            Utc::now() - Duration::hours(1),
            late.ticket.id,
        )
        .await;
        let done = tickets::open(&t.db, &t.ctx, &on_dora(TicketKind::Assistance))
            .await
            .unwrap();
        tickets::close(&t.db, &t.ctx, done.ticket.id).await.unwrap();

        let range = KpiRange {
            from: Some(today - Duration::days(30)),
            to: Some(today),
        };
        let r = banco::services::kpi::after_sale(&t.db, &t.ctx, range)
            .await
            .unwrap();
        assert_eq!(r.activation.len(), 1, "{:?}", r.activation);
        let fisso = &r.activation[0];
        assert_eq!(fisso.pipeline_name, "Fisso", "the first pipeline");
        assert_eq!(fisso.activated, 2, "Cloe's activation is before the range");
        assert_eq!((fisso.mean_days, fisso.median_days), (7.0, 7.0));
        let status = |s| {
            r.contracts_by_status
                .iter()
                .find(|(x, _)| *x == s)
                .unwrap()
                .1
        };
        assert_eq!(
            (
                status(ContractStatus::Active),
                status(ContractStatus::Ceased),
                status(ContractStatus::Signed)
            ),
            (2, 1, 0)
        );
        assert_eq!(r.renewals_next_month, 1);
        assert_eq!(
            (r.ceased, r.running_at_start, r.churn_rate),
            (1, 1, Some(1.0))
        );
        let complaint = r
            .tickets
            .iter()
            .find(|k| k.kind == TicketKind::Complaint)
            .unwrap();
        assert_eq!(
            (complaint.open, complaint.overdue, complaint.closed),
            (1, 1, 0)
        );
        let assistance = r
            .tickets
            .iter()
            .find(|k| k.kind == TicketKind::Assistance)
            .unwrap();
        assert_eq!(
            (assistance.open, assistance.closed, assistance.closed_in_sla),
            (0, 1, 1)
        );
        assert_eq!(assistance.sla_compliance(), Some(1.0));
        assert_eq!(complaint.sla_compliance(), None);

        let bad = banco::services::kpi::after_sale(
            &t.db,
            &t.ctx,
            KpiRange {
                from: Some(today),
                to: Some(today - Duration::days(1)),
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&bad, Error::Validation(v) if v[0].field == "to"),
            "{bad:?}"
        );
    }
);
