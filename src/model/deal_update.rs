//! An edit of a deal's terms ([`DealUpdate`]): what the deal editor sends,
//! the form filled from a stored deal, and which fields two versions of it
//! differ in (what a conflict names when another desk saved first).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::contract::DEFAULT_CONTRACT_MONTHS;
use super::deal::{DealDetail, DealLine};

/// An edit of an open or closed deal's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealUpdate {
    /// New title (unchanged when empty).
    pub title: String,
    /// New lines (replace all).
    pub lines: Vec<DealLine>,
    /// Contract months.
    pub contract_months: u32,
    /// Probability override in percent; `None` returns to the stage default.
    pub probability: Option<u8>,
    /// Expected close date.
    pub expected_close: Option<NaiveDate>,
    /// Owner.
    pub owner_id: Option<Uuid>,
    /// The deal's `version` the form was filled from; when it is no longer
    /// the stored one the save is refused with a conflict (another desk
    /// saved first). `None` skips the check (the CLI, scripts).
    pub expected_version: Option<i64>,
}

impl Default for DealUpdate {
    fn default() -> Self {
        DealUpdate {
            title: String::new(),
            lines: Vec::new(),
            contract_months: DEFAULT_CONTRACT_MONTHS,
            probability: None,
            expected_close: None,
            owner_id: None,
            expected_version: None,
        }
    }
}

impl DealUpdate {
    /// The edit that changes nothing of `detail`: its title, lines, contract
    /// months, probability (only when overridden), expected close and owner,
    /// with its `version` as the expected one.
    pub fn of(detail: &DealDetail) -> DealUpdate {
        let d = &detail.deal;
        DealUpdate {
            title: d.title.clone(),
            lines: detail.lines.clone(),
            contract_months: d.contract_months,
            probability: d.probability_overridden.then_some(d.probability),
            expected_close: d.expected_close,
            owner_id: d.owner_id,
            expected_version: Some(d.version),
        }
    }

    /// The fields whose values differ between `self` and `other`, as field
    /// names (`title`, `lines`, `contract_months`, `probability`,
    /// `expected_close`, `owner_id`). Lines are compared by product,
    /// quantity and prices, in order, not by their ids (a save gives the
    /// lines new ids).
    pub fn changed_fields(&self, other: &DealUpdate) -> Vec<String> {
        [
            ("title", self.title == other.title),
            ("lines", terms(&self.lines) == terms(&other.lines)),
            (
                "contract_months",
                self.contract_months == other.contract_months,
            ),
            ("probability", self.probability == other.probability),
            (
                "expected_close",
                self.expected_close == other.expected_close,
            ),
            ("owner_id", self.owner_id == other.owner_id),
        ]
        .into_iter()
        .filter(|(_, same)| !same)
        .map(|(name, _)| name.to_string())
        .collect()
    }
}

/// A deal's lines by their terms (product, quantity, prices), in order,
/// without their ids (a save gives the lines new ids).
fn terms(lines: &[DealLine]) -> Vec<(String, u32, i64, i64)> {
    lines
        .iter()
        .map(|l| {
            (
                l.product.trim().to_string(),
                l.quantity,
                l.one_off_minor,
                l.monthly_minor,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(product: &str, monthly_minor: i64) -> DealLine {
        DealLine {
            id: Uuid::nil(),
            product: product.into(),
            quantity: 1,
            one_off_minor: 0,
            monthly_minor,
        }
    }

    #[test]
    fn changed_fields_name_what_differs_and_ignore_line_ids() {
        let base = DealUpdate {
            title: "Fibra".into(),
            lines: vec![line("Fibra FTTH", 2_990)],
            owner_id: Some(Uuid::nil()),
            expected_version: Some(3),
            ..DealUpdate::default()
        };
        let mut same = base.clone();
        same.lines[0].id = Uuid::max();
        same.expected_version = Some(4);
        assert!(base.changed_fields(&same).is_empty());

        let theirs = DealUpdate {
            lines: vec![line("Fibra FTTH", 2_490)],
            probability: Some(80),
            ..base.clone()
        };
        assert_eq!(base.changed_fields(&theirs), ["lines", "probability"]);
    }
}
