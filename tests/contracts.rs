//! After the sale (issue 16): a won deal's contract through its lifecycle,
//! the identifiers its activation needs, the Customers list and who sees
//! which contract; each test runs on SQLite and on Postgres unless it says
//! otherwise.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{companies, contracts, deals, pipelines, staff, tickets, Ctx};
use banco::Error;
use chrono::{Months, NaiveDate};
use common::{customers_both_ways, line, staff_ctx, today, won, TestDb};
use uuid::Uuid;

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
            version: None,
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

store_test!(
    two_desks_saving_the_same_contract_do_not_overwrite_each_other,
    |t: TestDb| async move {
        let k = won(&t, &t.ctx, "Rosa", "+39 333 100 7000", "Gas Casa", 0).await;
        assert_eq!(k.version, 1);
        let sara = staff_ctx(&t, "Sara Banco", Role::Staff).await;
        // Both desks loaded version 1; the admin saves first.
        let first = ContractEdit {
            kind: Some(ServiceKind::Gas),
            version: Some(k.version),
            ..Default::default()
        };
        let saved = contracts::edit(&t.db, &t.ctx, k.id, &first).await.unwrap();
        assert_eq!(saved.item.contract.version, 2);
        let late = ContractEdit {
            payment_method: Some("card".into()),
            version: Some(k.version),
            ..Default::default()
        };
        let err = contracts::edit(&t.db, &sara, k.id, &late)
            .await
            .unwrap_err();
        match &err {
            Error::Conflict { entity, by, .. } => {
                assert_eq!(*entity, "contract");
                assert_eq!(by.as_deref(), Some(t.ctx.user.display_name.as_str()));
            }
            other => panic!("not a conflict: {other:?}"),
        }
        // A move based on the old version is refused too; on the new one
        // it goes through. Nothing of the refused edit was written.
        let stale = ContractMove {
            to: ContractStatus::Ceased,
            on: None,
            reason: Some("Disdetta".into()),
            version: Some(1),
        };
        assert!(matches!(
            contracts::move_contract(&t.db, &sara, k.id, &stale).await,
            Err(Error::Conflict { .. })
        ));
        let fresh = ContractMove {
            version: Some(2),
            ..stale
        };
        let d = contracts::move_contract(&t.db, &sara, k.id, &fresh)
            .await
            .unwrap();
        assert_eq!(
            (
                d.item.contract.status,
                d.item.contract.payment_method,
                d.item.contract.version
            ),
            (ContractStatus::Ceased, None, 3)
        );
    }
);
