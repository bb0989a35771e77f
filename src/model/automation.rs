//! Automations (seed 002, issue 15): rules that create work for people —
//! a call in the owner's "to call" queue — never messages sent behind
//! anyone's back. A welcome call after a customer's first won deal, a
//! reminder before a contract ends, a call to win back a customer at risk.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::string_enum::string_enum;
use super::{FieldError, Segment};

string_enum! {
    /// What a rule does.
    AutomationKind {
        /// A call to a customer `days` after their first won deal (won in
        /// the last 30 days).
        WelcomeCall = "welcome_call",
        /// A call about an active contract that ends within `days`.
        RenewalReminder = "renewal_reminder",
        /// A call to a customer the segments put at risk (marketing: only
        /// with their consent to marketing calls), at most once a month.
        ReEngagement = "re_engagement",
        /// Birthday wishes to a customer, `days` before their birthday,
        /// by their preferred channel (a call if none); marketing: only
        /// with their consent to marketing on that channel. Once a year.
        BirthdayGreeting = "birthday_greeting",
    }
}

/// One rule of a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationRule {
    /// What it does.
    pub kind: AutomationKind,
    /// Whether the daily run applies it.
    pub active: bool,
    /// Days: after the first won deal (welcome), before the end
    /// (renewal), until the call is due (re-engagement), before the
    /// birthday (birthday greeting).
    pub days: i32,
    /// Only customers of this segment.
    pub segment: Option<Segment>,
    /// Only deals of this pipeline.
    pub pipeline_id: Option<Uuid>,
    /// Only deals of this store.
    pub store_id: Option<Uuid>,
}

impl AutomationRule {
    /// A rule as Banco starts it: inactive, 3 days after a first win, 60
    /// days before a contract ends, a call due the same day, wishes made
    /// on the birthday.
    pub fn default_for(kind: AutomationKind) -> AutomationRule {
        AutomationRule {
            kind,
            active: false,
            days: match kind {
                AutomationKind::WelcomeCall => 3,
                AutomationKind::RenewalReminder => 60,
                AutomationKind::ReEngagement | AutomationKind::BirthdayGreeting => 0,
            },
            segment: None,
            pipeline_id: None,
            store_id: None,
        }
    }

    /// Errors: `days` `out_of_range` (0–365) with `min` and `max`.
    pub fn validate(&self) -> Result<(), FieldError> {
        if (0..=365).contains(&self.days) {
            Ok(())
        } else {
            Err(FieldError::new("days", "out_of_range")
                .with("min", "0")
                .with("max", "365"))
        }
    }
}

/// What one run of one rule did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct AutomationRun {
    /// UUID v7.
    pub id: Uuid,
    /// The rule's kind (`welcome_call`, …).
    pub kind: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Calls created.
    pub created: i64,
    /// Targets left alone: already done, or the contact rules refuse a
    /// call to them.
    pub skipped: i64,
    /// Who ran it (the manager whose sign-in started the daily run).
    pub user_id: Option<Uuid>,
}

/// Someone a rule may create a call (or, for a birthday greeting by
/// another channel, a task) for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutomationTarget {
    /// The customer.
    pub person_id: Uuid,
    /// What makes the call unique for this rule (the person, a contract
    /// and its end, …), for its `source_key`.
    pub key: String,
    /// The deal's owner, who gets the call.
    pub owner_id: Option<Uuid>,
    /// The deal's store.
    pub store_id: Option<Uuid>,
    /// The deal's pipeline.
    pub pipeline_id: Option<Uuid>,
    /// When the call is due (UTC).
    pub due_at: DateTime<Utc>,
    /// What the call is about (an offer's name), for its title.
    pub about: String,
    /// How to reach them: a call, or the person's preferred channel for
    /// the birthday greeting.
    pub channel: super::ContactChannel,
}
