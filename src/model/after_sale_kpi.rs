//! After-sale KPIs (issue 16): activation lead time (won → active) per
//! pipeline and store, tickets open, overdue and within their SLA per kind
//! and store, contracts by status, the renewals due next month and churn.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ContractStatus, TicketKind};

/// Activation lead time of the contracts activated in the range, for one
/// pipeline and store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivationKpi {
    /// The deals' pipeline.
    pub pipeline_name: String,
    /// The deals' store (`None`: no store).
    pub store_name: Option<String>,
    /// Contracts activated in the range.
    pub activated: u64,
    /// Mean days from the deal won to the contract active.
    pub mean_days: f64,
    /// Median days (the middle value; the mean of the two middle ones).
    pub median_days: f64,
}

/// Tickets of one kind and store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct TicketKpi {
    /// Kind.
    pub kind: TicketKind,
    /// The store's id (`None`: no store).
    pub store_id: Option<Uuid>,
    /// Its name.
    pub store_name: Option<String>,
    /// Open now.
    pub open: i64,
    /// Open now and past their SLA.
    pub overdue: i64,
    /// Closed in the range.
    pub closed: i64,
    /// Of which closed by their SLA due time.
    pub closed_in_sla: i64,
}

impl TicketKpi {
    /// SLA compliance: closed by their due time ÷ closed, in [0, 1];
    /// `None` when none closed.
    pub fn sla_compliance(&self) -> Option<f64> {
        (self.closed > 0).then(|| self.closed_in_sla as f64 / self.closed as f64)
    }
}

/// The after-sale report of a range (days, both included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AfterSaleReport {
    /// Activation lead time per pipeline and store.
    pub activation: Vec<ActivationKpi>,
    /// Tickets per kind and store.
    pub tickets: Vec<TicketKpi>,
    /// Contracts by status (every status, 0 included).
    pub contracts_by_status: Vec<(ContractStatus, i64)>,
    /// Running contracts (active or suspended) whose term ends next month
    /// (the calendar month after `to`).
    pub renewals_next_month: i64,
    /// Contracts ceased in the range.
    pub ceased: i64,
    /// Contracts running at the range's start (activated before it, not
    /// ceased before it).
    pub running_at_start: i64,
    /// Churn: ceased in the range ÷ running at its start (the standard
    /// customer churn rate); `None` when none was running.
    pub churn_rate: Option<f64>,
}

/// Mean and median of `days` (0 and 0 when empty).
pub fn mean_and_median(days: &mut [i64]) -> (f64, f64) {
    if days.is_empty() {
        return (0.0, 0.0);
    }
    days.sort_unstable();
    let n = days.len();
    let mean = days.iter().sum::<i64>() as f64 / n as f64;
    let median = if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    };
    (mean, median)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_and_medians() {
        assert_eq!(mean_and_median(&mut []), (0.0, 0.0));
        assert_eq!(mean_and_median(&mut [10, 2, 3]), (5.0, 3.0));
        assert_eq!(mean_and_median(&mut [4, 1, 3, 2]), (2.5, 2.5));
    }
}
