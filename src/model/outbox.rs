//! Shapes of the desk's outbox: captures taken while the chain server could not be reached, waiting to be sent or refused with a reason.
//!
//! A capture that cannot reach the server is kept on the desk (see
//! `services::outbox`) with its client-made lead id (UUID v7), the time it
//! was taken (UTC) and the user who took it; sending it later inserts that
//! lead once, however often the send is retried.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::CaptureLead;
use crate::ErrorPayload;

/// Where an outbox entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Not delivered yet: sent when the server is back.
    Waiting,
    /// The server refused it (its reason kept); it stays listed until a
    /// user removes it or saves it again from the counter form.
    Refused,
}

/// One capture in the outbox. On the wire (`banco outbox list --format
/// json`, the Outbox screen) as its fields in snake_case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Position in the outbox: entries are sent in this order.
    pub seq: i64,
    /// The lead's id (UUID v7, made when the capture was taken); the
    /// server inserts at most one lead with it.
    pub lead_id: Uuid,
    /// When the capture was taken (UTC): the lead's creation time.
    pub taken_at: DateTime<Utc>,
    /// The server it is for, without login or password (`host:port/db`).
    pub server: String,
    /// The user who took it; only their own session sends it.
    pub user_id: Uuid,
    /// That user's name, for the list.
    pub user_name: String,
    /// Waiting or refused.
    pub state: OutboxState,
    /// Why the server refused it (translation key and parameters).
    pub reason: Option<ErrorPayload>,
    /// Attempts to send it so far.
    pub attempts: u32,
    /// The form as it was saved, `id` set to [`Self::lead_id`].
    pub capture: CaptureLead,
}

/// What a save at the counter did with the capture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "saved", rename_all = "snake_case")]
pub enum SavedCapture {
    /// The database has it.
    Delivered(Box<super::CaptureOutcome>),
    /// The database could not take it now: it waits in the outbox.
    Queued {
        /// The lead's id, which it keeps once delivered.
        lead_id: Uuid,
        /// Captures of this desk now waiting, this one included.
        waiting: u64,
        /// Why it waits.
        #[serde(default)]
        because: QueuedBecause,
    },
}

/// Why a capture waits in the outbox instead of being in the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueuedBecause {
    /// The chain server cannot be reached (network or server down).
    #[default]
    Unreachable,
    /// The shop's database is held by a long write (an import) for longer
    /// than the counter waits (`store::COUNTER_WAIT`).
    Busy,
    /// Older captures of the same user still wait: this one goes after
    /// them, so they arrive in the order they were taken.
    Behind,
}

/// The result of sending the outbox (`banco outbox send`, the app's
/// automatic send when the server is back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxSendReport {
    /// Entries now on the server as new leads.
    pub delivered: u64,
    /// Entries the server already had (an earlier send whose answer was
    /// lost): removed from the outbox, nothing inserted twice.
    pub already_there: u64,
    /// Entries the server refused this time (they stay, with the reason).
    pub refused: u64,
    /// Entries still waiting because the server could not be reached.
    pub waiting: u64,
    /// Entries of other users of this desk, sent when they sign in.
    pub other_users: u64,
}

/// How many captures of a desk wait and how many were refused: the
/// counter's banner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxStatus {
    /// Whether the last attempt to reach the server failed.
    pub offline: bool,
    /// Captures waiting to be sent.
    pub waiting: u64,
    /// Captures the server refused, listed with their reason.
    pub refused: u64,
}
