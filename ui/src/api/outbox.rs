//! The counter's save and this computer's outbox: captures kept while the chain server cannot be reached.

use banco::model::{CaptureLead, OutboxEntry, OutboxSendReport, OutboxStatus, SavedCapture};
use banco::wire;
use banco::ErrorPayload;
use uuid::Uuid;

use super::invoke;

/// The event the shell sends with an [`OutboxStatus`] whenever the outbox
/// or the connection changes.
pub const OUTBOX_EVENT: &str = "outbox-changed";

pub async fn capture_lead(input: &CaptureLead) -> Result<SavedCapture, ErrorPayload> {
    invoke(wire::CaptureLead {
        input: input.clone(),
    })
    .await
}
pub async fn outbox_status() -> Result<OutboxStatus, ErrorPayload> {
    invoke(wire::OutboxStatus {}).await
}
pub async fn list_outbox() -> Result<Vec<OutboxEntry>, ErrorPayload> {
    invoke(wire::ListOutbox {}).await
}
pub async fn send_outbox() -> Result<OutboxSendReport, ErrorPayload> {
    invoke(wire::SendOutbox {}).await
}
pub async fn remove_outbox_entry(lead_id: Uuid) -> Result<(), ErrorPayload> {
    invoke(wire::RemoveOutboxEntry { lead_id }).await
}
