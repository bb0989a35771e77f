//! Customer segments (seed 002, issue 15), on SQLite and on Postgres: three
//! customers classified on a fixed clock as new, then VIP and regular, at
//! risk, dormant, as the thresholds say; the thresholds changed; the lead
//! and deal lists filtered by segment; the counts' trend; a segment's
//! marketing export leaving out who did not agree; staff refused.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{capture, contracts, deals, leads, segments};
use banco::Error;
use chrono::{Duration, Utc};
use common::{staff_ctx, walk_in, TestDb};

/// A walk-in (marketing consent as given) who wins a deal of `monthly`
/// cents a month for 24 months now; the person.
async fn customer(t: &TestDb, first: &str, phone: &str, monthly: i64, marketing: bool) -> Person {
    let email = format!("{}@esempio.it", first.to_lowercase());
    let mut form = walk_in(first, "Segmenti", phone, &email);
    form.consents.marketing = marketing;
    common::wins(t, form, &format!("Fibra {first}"), monthly).await
}

fn count(s: &SegmentSummary, segment: Segment) -> u64 {
    s.counts
        .iter()
        .find(|(x, _)| *x == segment)
        .map_or(0, |(_, n)| *n)
}

store_test!(
    customers_fall_into_segments_by_the_thresholds,
    |t: TestDb| async move {
        let big = customer(&t, "Vittoria", "347 901 0001", 9_900, true).await;
        let _small = customer(&t, "Rino", "347 901 0002", 1_500, true).await;
        let _shy = customer(&t, "Silvia", "347 901 0003", 1_500, false).await;
        // A prospect without a won deal is no customer.
        capture::capture_lead(
            &t.db,
            &t.ctx,
            walk_in("Piero", "Prospetto", "347 901 0004", ""),
        )
        .await
        .unwrap();

        let staff = staff_ctx(&t, "Sara", Role::Staff).await;
        assert!(matches!(
            segments::refresh(&t.db, &staff).await.unwrap_err(),
            Error::Forbidden { .. }
        ));

        let now = Utc::now();
        let s = segments::refresh_at(&t.db, &t.ctx, now + Duration::days(10))
            .await
            .unwrap();
        assert_eq!(count(&s, Segment::New), 3, "{s:?}");
        // 100 days on: the top 10 % of three customers is one, Vittoria.
        let s = segments::refresh_at(&t.db, &t.ctx, now + Duration::days(100))
            .await
            .unwrap();
        assert_eq!(
            (count(&s, Segment::Vip), count(&s, Segment::Regular)),
            (1, 2),
            "{s:?}"
        );
        let vip_leads = leads::list(
            &t.db,
            &t.ctx,
            &LeadQuery {
                segment: Some(Segment::Vip),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(vip_leads.items.len(), 1);
        assert_eq!(vip_leads.items[0].person_id, big.id);
        let regular_deals = deals::list(
            &t.db,
            &t.ctx,
            &DealQuery {
                filter: DealFilter {
                    segment: Some(Segment::Regular),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let mut people: Vec<String> = regular_deals
            .items
            .iter()
            .filter_map(|d| d.card.person_name.clone())
            .collect();
        people.sort();
        assert_eq!(people, vec!["Rino Segmenti", "Silvia Segmenti"]);
        // The Customers list filters by segment too.
        let vip_customers = contracts::customers(
            &t.db,
            &t.ctx,
            &ContractFilter {
                segment: Some(Segment::Vip),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(vip_customers.total, 1);
        assert_eq!(vip_customers.items[0].entity_id, big.id);

        // A marketing export by e-mail of the regulars leaves Silvia out.
        let csv = segments::export(
            &t.db,
            &t.ctx,
            Segment::Regular,
            ContactPurpose::Marketing,
            Some(ContactChannel::Email),
            ExportFormat::Csv,
        )
        .await
        .unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert!(text.contains("Rino") && !text.contains("Silvia"), "{text}");
        let trail = banco::services::audit::list(&t.db, &t.ctx, &Default::default(), 10)
            .await
            .unwrap();
        assert_eq!(trail[0].subject, "segment:regular");

        // 200 days on everyone is at risk; 400 days on, dormant.
        let s = segments::refresh_at(&t.db, &t.ctx, now + Duration::days(200))
            .await
            .unwrap();
        assert_eq!(count(&s, Segment::AtRisk), 3, "{s:?}");
        let s = segments::refresh_at(&t.db, &t.ctx, now + Duration::days(400))
            .await
            .unwrap();
        assert_eq!(count(&s, Segment::Dormant), 3, "{s:?}");
        // Every run's day is in the trend.
        assert_eq!(s.trend.len(), 4, "{:?}", s.trend);
        assert_eq!(
            s.trend[0].counts.iter().find(|(x, _)| *x == Segment::New),
            Some(&(Segment::New, 3))
        );

        // Thresholds: checked, then saved (classified again now: all new).
        let bad = SegmentRules {
            at_risk_days: 500,
            ..SegmentRules::default()
        };
        assert!(matches!(
            segments::save_rules(&t.db, &t.ctx, &bad).await.unwrap_err(),
            Error::Validation(_)
        ));
        let rules = SegmentRules {
            new_days: 5,
            ..SegmentRules::default()
        };
        let s = segments::save_rules(&t.db, &t.ctx, &rules).await.unwrap();
        assert_eq!(s.rules.new_days, 5);
        assert_eq!(count(&s, Segment::New), 3);
        let s = segments::refresh_at(&t.db, &t.ctx, now + Duration::days(10))
            .await
            .unwrap();
        assert_eq!(
            (count(&s, Segment::Vip), count(&s, Segment::Regular)),
            (1, 2)
        );
    }
);
