//! Leads: the raw interest of a person, its lifecycle and its history.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::string_enum::string_enum;
use super::FieldError;

string_enum! {
    /// Lifecycle of a lead (seed 000): `new → in_progress → qualified →
    /// converted | disqualified`. See [`LeadStatus::can_move_to`].
    LeadStatus {
        /// Just captured, nobody worked on it yet.
        New = "new",
        /// Somebody is qualifying it.
        InProgress = "in_progress",
        /// Worth a deal.
        Qualified = "qualified",
        /// A deal was opened from it (terminal).
        Converted = "converted",
        /// Not worth pursuing; carries a reason. Can be reopened.
        Disqualified = "disqualified",
    }
}

impl LeadStatus {
    /// Whether the lifecycle allows `self → to`:
    /// - `new` → `in_progress`, `qualified`, `disqualified`
    /// - `in_progress` → `qualified`, `disqualified`
    /// - `qualified` → `converted`, `in_progress` (back to work), `disqualified`
    /// - `disqualified` → `in_progress` (reopened)
    /// - `converted` is terminal.
    pub fn can_move_to(self, to: LeadStatus) -> bool {
        use LeadStatus::*;
        matches!(
            (self, to),
            (New, InProgress | Qualified | Disqualified)
                | (InProgress, Qualified | Disqualified)
                | (Qualified, Converted | InProgress | Disqualified)
                | (Disqualified, InProgress)
        )
    }

    /// The statuses reachable from this one.
    pub fn next(self) -> Vec<LeadStatus> {
        Self::ALL
            .iter()
            .copied()
            .filter(|s| self.can_move_to(*s))
            .collect()
    }

    /// Whether the lead is still being worked (`new`, `in_progress`, `qualified`).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            LeadStatus::New | LeadStatus::InProgress | LeadStatus::Qualified
        )
    }
}

string_enum! {
    /// Where a lead came from (the brief's "source channel").
    SourceChannel {
        /// Walked in to the store (the counter default).
        StoreWalkin = "store_walkin",
        /// Scanned a QR code in store or on a flyer.
        QrCode = "qr_code",
        /// Called the store.
        InboundCall = "inbound_call",
        /// Recommended by an existing customer.
        Referral = "referral",
        /// Filled a form on the web site.
        WebForm = "web_form",
        /// Meta (Facebook/Instagram) lead ads.
        MetaAds = "meta_ads",
        /// Google Ads.
        GoogleAds = "google_ads",
        /// WhatsApp message.
        Whatsapp = "whatsapp",
        /// Came from a file import.
        Import = "import",
        /// Met outside the store (fair, door to door, phone list).
        Offline = "offline",
        /// An existing customer buying more (cross-sell from a won deal).
        CrossSell = "cross_sell",
        /// Anything else.
        Other = "other",
    }
}

string_enum! {
    /// Which offer the lead is interested in.
    Interest {
        /// Fixed-line broadband (FTTH/FTTC/FWA).
        Fibre = "fibre",
        /// Mobile SIM or plan.
        Mobile = "mobile",
        /// Electricity supply.
        Electricity = "electricity",
        /// Gas supply.
        Gas = "gas",
        /// Devices: phones, modems, accessories.
        Devices = "devices",
        /// After-sales assistance.
        Assistance = "assistance",
        /// Not yet known or other.
        Other = "other",
    }
}

/// A lead as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct Lead {
    /// UUID v7.
    pub id: Uuid,
    /// Tenant that owns it.
    pub tenant_id: Uuid,
    /// The person interested.
    pub person_id: Uuid,
    /// Store where it was captured (or that it belongs to).
    pub store_id: Option<Uuid>,
    /// User responsible for it.
    pub owner_id: Option<Uuid>,
    /// Lifecycle status.
    pub status: LeadStatus,
    /// Why it was disqualified (set with `disqualified`).
    pub disqualify_reason: Option<String>,
    /// Where it came from.
    pub source_channel: SourceChannel,
    /// Which offer.
    pub interest: Interest,
    /// Campaign it belongs to.
    pub campaign_id: Option<Uuid>,
    /// UTM source, if it came from a tracked link.
    pub utm_source: Option<String>,
    /// UTM medium.
    pub utm_medium: Option<String>,
    /// UTM campaign.
    pub utm_campaign: Option<String>,
    /// UTM term.
    pub utm_term: Option<String>,
    /// UTM content.
    pub utm_content: Option<String>,
    /// Free note taken at capture.
    pub note: Option<String>,
    /// When it was captured (UTC).
    pub created_at: DateTime<Utc>,
    /// Last change (UTC).
    pub updated_at: DateTime<Utc>,
    /// User who captured it.
    pub created_by: Option<Uuid>,
}

string_enum! {
    /// What happened to a lead, in its history.
    LeadEventKind {
        /// Captured at the counter or by the CLI.
        Created = "created",
        /// Created by a file import.
        Imported = "imported",
        /// Status changed.
        StatusChanged = "status_changed",
        /// A note was added.
        NoteAdded = "note_added",
        /// Owner changed.
        OwnerChanged = "owner_changed",
        /// A deal was opened from it (detail: the deal's title, and the
        /// conversion rule that opened it).
        DealOpened = "deal_opened",
        /// A call was made or taken (detail: outcome, length, note).
        Call = "call",
        /// A meeting was scheduled, ended or cancelled (detail: title).
        Meeting = "meeting",
    }
}

/// One entry of a lead's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct LeadEvent {
    /// UUID v7.
    pub id: Uuid,
    /// The lead.
    pub lead_id: Uuid,
    /// What happened.
    pub kind: LeadEventKind,
    /// Previous status, for status changes.
    pub from_status: Option<LeadStatus>,
    /// New status, for status changes.
    pub to_status: Option<LeadStatus>,
    /// Free detail (reason, file name, …).
    pub detail: Option<String>,
    /// Who did it.
    pub user_id: Option<Uuid>,
    /// Their display name.
    pub user_name: Option<String>,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// A row of the Leads list: the lead with its person's name and contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct LeadListItem {
    /// Lead id.
    pub id: Uuid,
    /// Person id.
    pub person_id: Uuid,
    /// Person's first name.
    pub first_name: String,
    /// Person's last name.
    pub last_name: String,
    /// Phone in E.164.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Status.
    pub status: LeadStatus,
    /// Source channel.
    pub source_channel: SourceChannel,
    /// Interest.
    pub interest: Interest,
    /// Store id.
    pub store_id: Option<Uuid>,
    /// Store name.
    pub store_name: Option<String>,
    /// Owner's name.
    pub owner_name: Option<String>,
    /// Values of the lead's custom fields.
    #[serde(default)]
    #[cfg_attr(
        feature = "store",
        sqlx(try_from = "crate::model::JsonText<crate::model::CustomValues>")
    )]
    pub custom: crate::model::CustomValues,
    /// Captured at (UTC).
    pub created_at: DateTime<Utc>,
}

/// Sort orders of the Leads list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadSort {
    /// Newest first (default).
    #[default]
    NewestFirst,
    /// Oldest first.
    OldestFirst,
    /// By last name, then first name.
    Name,
    /// By status, then newest first.
    Status,
}

/// Filters, sort and page of the Leads list. Every filter is optional and
/// they combine with AND.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadQuery {
    /// Free text: part of a name or e-mail (accents and case ignored), or a
    /// phone number in any format (matched on its digits, national or
    /// international).
    pub search: Option<String>,
    /// Only these statuses (empty = all).
    pub statuses: Vec<LeadStatus>,
    /// Only this source channel.
    pub source_channel: Option<SourceChannel>,
    /// Only this store.
    pub store_id: Option<Uuid>,
    /// Only leads of this person.
    pub person_id: Option<Uuid>,
    /// Custom field filters: key → value (equality, case-insensitive; a
    /// multiselect matches if it contains the value).
    pub custom: Vec<(String, String)>,
    /// Captured on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Captured on or before this day (UTC, inclusive).
    pub to: Option<NaiveDate>,
    /// Only leads of people in this customer segment (as the last
    /// classification left them).
    pub segment: Option<crate::model::Segment>,
    /// Sort order.
    pub sort: LeadSort,
    /// Rows to skip.
    pub offset: u32,
    /// Rows to return (1..=500; 0 means 50).
    pub limit: u32,
}

impl LeadQuery {
    /// The page size to use: `limit` clamped to 1..=500, 50 when unset.
    pub fn page_size(&self) -> u32 {
        match self.limit {
            0 => 50,
            n => n.min(500),
        }
    }
}

/// One page of a list plus the total number of matching rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// How many rows match the filters in all.
    pub total: u64,
    /// Offset of the first row.
    pub offset: u32,
}

/// A request to change a lead's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The lead.
    pub lead_id: Uuid,
    /// Target status.
    pub to: LeadStatus,
    /// Required when `to` is `disqualified`.
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_allows_forward_moves_and_refuses_the_rest() {
        use LeadStatus::*;
        assert!(New.can_move_to(InProgress));
        assert!(Qualified.can_move_to(Converted));
        assert!(Disqualified.can_move_to(InProgress));
        assert!(!New.can_move_to(Converted));
        assert!(!Converted.can_move_to(New));
        assert!(!New.can_move_to(New));
        assert!(Converted.next().is_empty());
    }

    #[test]
    fn unknown_enum_value_lists_the_allowed_ones() {
        let e = SourceChannel::parse("fax", "source_channel").unwrap_err();
        assert_eq!(e.code, "unknown_value");
        assert!(e.params["allowed"].contains("store_walkin"));
    }
}
