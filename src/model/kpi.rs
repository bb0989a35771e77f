//! The KPI report's tables, as the dashboard and `banco kpi` name them
//! for export (the shapes and formulas of the report are in `deal`).

use serde::{Deserialize, Serialize};

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
