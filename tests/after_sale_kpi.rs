//! The after-sale KPIs (issue 16), on SQLite and on Postgres: activation
//! lead time from won to active, tickets open, overdue and closed within
//! their SLA, contracts by status, renewals due next month and churn.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{capture, contracts, tickets};
use banco::Error;
use chrono::{Duration, Utc};
use common::{walk_in, won, TestDb};
use uuid::Uuid;

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
                version: None,
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
                version: None,
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
