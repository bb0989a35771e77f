//! The KPI report (campaigns, pipelines, stages, forecast, stores and
//! owners), its formulas (win rate, cost per lead, weighted value) and the
//! tables the dashboard and `banco kpi` export. Money in minor units of the
//! tenant's currency; dates are calendar days (UTC).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which table of the report to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiTable {
    /// One row per campaign.
    Campaigns,
    /// One row per pipeline.
    Pipelines,
    /// One row per pipeline and stage (average days).
    Stages,
    /// One row per pipeline and expected-close month.
    Forecast,
    /// One row per store.
    Stores,
    /// One row per owner.
    Owners,
}

impl KpiTable {
    /// The table's name as `FromStr` reads it (`campaigns`, `pipelines`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            KpiTable::Campaigns => "campaigns",
            KpiTable::Pipelines => "pipelines",
            KpiTable::Stages => "stages",
            KpiTable::Forecast => "forecast",
            KpiTable::Stores => "stores",
            KpiTable::Owners => "owners",
        }
    }
}

impl std::str::FromStr for KpiTable {
    type Err = ();
    fn from_str(s: &str) -> std::result::Result<Self, ()> {
        Ok(match s {
            "campaigns" => KpiTable::Campaigns,
            "pipelines" => KpiTable::Pipelines,
            "stages" => KpiTable::Stages,
            "forecast" => KpiTable::Forecast,
            "stores" => KpiTable::Stores,
            "owners" => KpiTable::Owners,
            _ => return Err(()),
        })
    }
}

/// A date range for KPIs: both ends inclusive calendar days (UTC); open
/// ends are unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct KpiRange {
    /// First day.
    pub from: Option<NaiveDate>,
    /// Last day.
    pub to: Option<NaiveDate>,
}

/// KPIs of one campaign over a range (leads created in the range).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignKpi {
    /// Campaign id.
    pub campaign_id: Uuid,
    /// Name.
    pub name: String,
    /// Leads of the campaign created in the range.
    pub leads: u64,
    /// The campaign's whole cost, minor units.
    pub cost_minor: i64,
    /// Cost per lead = cost / leads, minor units rounded half up; `None`
    /// with no leads. See [`cost_per_lead`].
    pub cost_per_lead_minor: Option<i64>,
    /// Of those leads, how many have at least one deal.
    pub converted_leads: u64,
    /// converted_leads / leads (0–1); `None` with no leads.
    pub conversion_rate: Option<f64>,
    /// Deals of the campaign won in the range.
    pub won_deals: u64,
    /// Σ value of those won deals, minor units.
    pub won_revenue_minor: i64,
}

/// Average days spent in one stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageDays {
    /// Stage id.
    pub stage_id: Uuid,
    /// Name.
    pub name: String,
    /// Stays in the stage that ended in the range (left by a move, win or loss).
    pub stays: u64,
    /// Their average length in days; `None` without stays.
    pub avg_days: Option<f64>,
}

/// Forecast of one expected-close month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Open deals expected to close in it.
    pub deals: u64,
    /// Σ value, minor units.
    pub value_minor: i64,
    /// Σ value × probability / 100, minor units (rounded half up on the sum).
    pub weighted_minor: i64,
}

/// KPIs of one pipeline over a range (deals closed in the range, stays
/// ended in the range, open deals expected to close in the range).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineKpi {
    /// Pipeline id.
    pub pipeline_id: Uuid,
    /// Name.
    pub name: String,
    /// Open deals now.
    pub open: u64,
    /// Won in range.
    pub won: u64,
    /// Lost in range.
    pub lost: u64,
    /// won / (won + lost); `None` when none closed. See [`win_rate`].
    pub win_rate: Option<f64>,
    /// Average days from creation to close over won deals closed in range.
    pub avg_days_to_close: Option<f64>,
    /// Average value of those won deals, minor units (half up).
    pub avg_won_value_minor: Option<i64>,
    /// Σ value of those won deals, minor units.
    pub won_revenue_minor: i64,
    /// Average days per stage, in stage order.
    pub stage_days: Vec<StageDays>,
    /// Forecast by expected-close month, ascending.
    pub forecast: Vec<ForecastMonth>,
}

/// KPIs of a store or an owner over a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupKpi {
    /// Store or user id (`None` = deals with none).
    pub id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Leads created in range (by store; by owner for owners).
    pub leads: u64,
    /// Deals opened in range.
    pub deals_opened: u64,
    /// Won in range.
    pub won: u64,
    /// Lost in range.
    pub lost: u64,
    /// won / (won + lost).
    pub win_rate: Option<f64>,
    /// Σ value of won deals, minor units.
    pub won_revenue_minor: i64,
}

/// The dashboard: every KPI over one range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiReport {
    /// The range.
    pub range: KpiRange,
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// Per campaign.
    pub campaigns: Vec<CampaignKpi>,
    /// Per pipeline.
    pub pipelines: Vec<PipelineKpi>,
    /// Per store.
    pub stores: Vec<GroupKpi>,
    /// Per owner.
    pub owners: Vec<GroupKpi>,
}

/// Win rate = won / (won + lost), the standard closed-deal win rate (open
/// deals are not counted). `None` when nothing closed.
pub fn win_rate(won: u64, lost: u64) -> Option<f64> {
    let closed = won + lost;
    (closed > 0).then(|| won as f64 / closed as f64)
}

/// Cost per lead (CPL) = campaign cost / leads, in minor units rounded half
/// up. `None` with no leads.
pub fn cost_per_lead(cost_minor: i64, leads: u64) -> Option<i64> {
    div_round(cost_minor, leads)
}

/// `a / b` rounded half up (away from zero for negatives); `None` if `b = 0`.
pub fn div_round(a: i64, b: u64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let b = i128::from(b);
    let a = i128::from(a);
    let q = (a.abs() * 2 + b) / (2 * b);
    i64::try_from(if a < 0 { -q } else { q }).ok()
}

/// Σ value × probability / 100 computed as (Σ value×probability) / 100
/// rounded half up: `value_x_prob` is Σ value × probability (percent).
pub fn weighted(value_x_prob: i64) -> i64 {
    div_round(value_x_prob, 100).unwrap_or(0)
}

/// Rate `part / whole` (0–1), `None` when `whole = 0`.
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_by_hand() {
        assert_eq!(win_rate(3, 1), Some(0.75));
        assert_eq!(win_rate(0, 0), None);
        assert_eq!(cost_per_lead(100_000, 3), Some(33_333));
        assert_eq!(cost_per_lead(5, 2), Some(3)); // 2.5 → 3, half up
        assert_eq!(cost_per_lead(1, 0), None);
        assert_eq!(weighted(12_345 * 30), 3_704); // 3703.5 → 3704
        assert_eq!(rate(1, 4), Some(0.25));
    }
}
