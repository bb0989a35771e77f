//! Customer segments (seed 002, issue 15): every customer (a person with a
//! won deal) is VIP, regular, new, at risk or dormant, by the tenant's
//! thresholds; recomputed by a daily job, counted per day for the trend.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::string_enum::string_enum;
use super::FieldError;

string_enum! {
    /// A customer's segment.
    Segment {
        /// In the top share of won value over the VIP period.
        Vip = "vip",
        /// Buys or is in touch, none of the others.
        Regular = "regular",
        /// First won deal within the "new" days.
        New = "new",
        /// No purchase and no contact for the "at risk" days.
        AtRisk = "at_risk",
        /// No purchase and no contact for the "dormant" days.
        Dormant = "dormant",
    }
}

/// A tenant's thresholds. Days are whole days before the classification's
/// time; money is the won deals' value in minor units of the tenant's
/// currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct SegmentRules {
    /// VIP: the top this-many percent of customers by won value (1–50;
    /// seed 002: "top 10% spesa").
    pub vip_top_percent: i32,
    /// The period the won value is summed over, in days (default 365).
    pub vip_period_days: i32,
    /// New: first won deal at most this many days ago (default 90).
    pub new_days: i32,
    /// At risk: no purchase and no contact for this many days (default
    /// 180; seed 002 counts 30 for weekly events, a contract lasts longer).
    pub at_risk_days: i32,
    /// Dormant: no purchase and no contact for this many days (default 365).
    pub dormant_days: i32,
}

impl Default for SegmentRules {
    fn default() -> Self {
        SegmentRules {
            vip_top_percent: 10,
            vip_period_days: 365,
            new_days: 90,
            at_risk_days: 180,
            dormant_days: 365,
        }
    }
}

impl SegmentRules {
    /// Errors, each naming its field: `out_of_range` (percent 1–50, days
    /// 1–3650) with `min` and `max`; `at_risk_days` `not_before_dormant`
    /// unless it is shorter than `dormant_days`.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut range = |field: &str, v: i32, min: i32, max: i32| {
            if !(min..=max).contains(&v) {
                errors.push(
                    FieldError::new(field, "out_of_range")
                        .with("min", min.to_string())
                        .with("max", max.to_string()),
                );
            }
        };
        range("vip_top_percent", self.vip_top_percent, 1, 50);
        range("vip_period_days", self.vip_period_days, 1, 3650);
        range("new_days", self.new_days, 1, 3650);
        range("at_risk_days", self.at_risk_days, 1, 3650);
        range("dormant_days", self.dormant_days, 1, 3650);
        if self.at_risk_days >= self.dormant_days {
            errors.push(FieldError::new("at_risk_days", "not_before_dormant"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// What classifying one customer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentFacts {
    /// The person.
    pub person_id: Uuid,
    /// Their first won deal (UTC).
    pub first_won: DateTime<Utc>,
    /// Their last purchase or contact, whichever is later (UTC).
    pub last_activity: DateTime<Utc>,
    /// Won value over the VIP period, minor units.
    pub won_in_period: i64,
}

/// The least won value that makes a VIP: the value of the customer at
/// the edge of the top `percent` (rounded up to whole customers) among
/// those with a positive value; `None` when nobody has one.
pub fn vip_threshold(values: &[i64], percent: i32) -> Option<i64> {
    let mut positive: Vec<i64> = values.iter().copied().filter(|v| *v > 0).collect();
    if positive.is_empty() {
        return None;
    }
    positive.sort_unstable_by(|a, b| b.cmp(a));
    let n = positive.len();
    let top = (n * usize::try_from(percent.max(1)).unwrap_or(1))
        .div_ceil(100)
        .clamp(1, n);
    Some(positive[top - 1])
}

/// The customer's segment at `at`, the first that holds of: dormant, at
/// risk (no purchase or contact for those days), new (first won deal
/// within `new_days`), VIP (won value at least `vip_min`), regular.
pub fn classify(
    f: &SegmentFacts,
    rules: &SegmentRules,
    vip_min: Option<i64>,
    at: DateTime<Utc>,
) -> Segment {
    let idle = at - f.last_activity;
    if idle >= Duration::days(i64::from(rules.dormant_days)) {
        Segment::Dormant
    } else if idle >= Duration::days(i64::from(rules.at_risk_days)) {
        Segment::AtRisk
    } else if at - f.first_won <= Duration::days(i64::from(rules.new_days)) {
        Segment::New
    } else if vip_min.is_some_and(|min| f.won_in_period >= min && f.won_in_period > 0) {
        Segment::Vip
    } else {
        Segment::Regular
    }
}

/// How many customers each segment holds on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentDay {
    /// The day (UTC) the classification ran.
    pub day: NaiveDate,
    /// People per segment, in [`Segment::ALL`] order.
    pub counts: Vec<(Segment, u64)>,
}

/// The segments today and their trend, with the rules in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentSummary {
    /// The thresholds.
    pub rules: SegmentRules,
    /// When the classification last ran (UTC).
    pub computed_at: Option<DateTime<Utc>>,
    /// People per segment now, in [`Segment::ALL`] order.
    pub counts: Vec<(Segment, u64)>,
    /// The last 30 days the classification ran, oldest first.
    pub trend: Vec<SegmentDay>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(days_ago: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            - Duration::days(days_ago)
    }

    fn facts(first_won_days: i64, last_days: i64, won: i64) -> SegmentFacts {
        SegmentFacts {
            person_id: Uuid::nil(),
            first_won: at(first_won_days),
            last_activity: at(last_days),
            won_in_period: won,
        }
    }

    #[test]
    fn the_top_tenth_by_value_is_vip_rounded_up_to_whole_customers() {
        // 12 customers with value, one without: 10 % of 12 → 2 customers.
        let values = [
            0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200,
        ];
        assert_eq!(vip_threshold(&values, 10), Some(1100));
        assert_eq!(vip_threshold(&[0, 0], 10), None);
        assert_eq!(vip_threshold(&[5], 10), Some(5));
        assert_eq!(vip_threshold(&values, 50), Some(700));
    }

    #[test]
    fn a_hand_computed_fixture_gets_each_segment() {
        let rules = SegmentRules::default();
        let vip = Some(1100);
        let now = at(0);
        // (first won, last activity, value) → segment, by hand:
        for (f, want) in [
            (facts(400, 400, 5000), Segment::Dormant), // idle 400 ≥ 365
            (facts(400, 365, 5000), Segment::Dormant), // idle exactly 365
            (facts(400, 200, 5000), Segment::AtRisk),  // idle 200 ≥ 180
            (facts(30, 30, 5000), Segment::New),       // first won 30 ≤ 90
            (facts(90, 10, 0), Segment::New),          // exactly 90 days
            (facts(120, 10, 1100), Segment::Vip),      // at the threshold
            (facts(120, 10, 1099), Segment::Regular),  // just below
            (facts(500, 179, 0), Segment::Regular),    // idle 179 < 180
        ] {
            assert_eq!(classify(&f, &rules, vip, now), want, "{f:?}");
        }
        assert_eq!(
            classify(&facts(120, 10, 5000), &rules, None, now),
            Segment::Regular
        );
    }

    #[test]
    fn thresholds_are_checked_field_by_field() {
        let bad = SegmentRules {
            vip_top_percent: 0,
            at_risk_days: 400,
            ..SegmentRules::default()
        };
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["vip_top_percent", "at_risk_days"]);
        assert!(SegmentRules::default().validate().is_ok());
    }
}
