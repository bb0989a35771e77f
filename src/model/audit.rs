//! The audit trail (issue 15): who did what with the shop's data, and when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One entry of the audit trail. Append-only; it names records and lists,
/// never a customer's personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct AuditEvent {
    /// UUID v7.
    pub id: Uuid,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Who (the signed-in user).
    pub user_id: Option<Uuid>,
    /// Their name when read back (not stored).
    #[cfg_attr(feature = "store", sqlx(default))]
    pub user_name: Option<String>,
    /// What: `export`.
    pub action: String,
    /// On what: `leads`, `deals`, `companies`, `kpi:<table>`.
    pub subject: String,
    /// Details as JSON text, e.g. `{"format":"xlsx","rows":120,"filter":{…}}`.
    pub detail: String,
}

/// Which entries of the audit trail to read or export; unset parts match
/// everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// From this instant on (UTC, inclusive).
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// Before this instant (UTC, exclusive).
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
    /// By this user.
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// This action (`export`, `gdpr_access`, `gdpr_erasure`,
    /// `gdpr_objection`, …).
    #[serde(default)]
    pub action: Option<String>,
}

/// The actions the audit trail records, for choosing among them.
pub const AUDIT_ACTIONS: &[&str] = &[
    "export",
    "gdpr_access",
    "gdpr_erasure",
    "gdpr_objection",
    "gdpr_retention",
];
