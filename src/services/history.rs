//! A lead's history: the one constructor of [`LeadEvent`]s that every
//! service uses (capture, calls, deals, meetings, notes, seed), so that no
//! service depends on another just to write history.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Ctx;
use crate::model::{LeadEvent, LeadEventKind};

/// A history entry of `kind` on `lead_id` by the acting user, at `at`
/// (UTC), with no status change or detail (callers set those).
pub(crate) fn event(lead_id: Uuid, kind: LeadEventKind, ctx: &Ctx, at: DateTime<Utc>) -> LeadEvent {
    LeadEvent {
        id: Uuid::now_v7(),
        lead_id,
        kind,
        from_status: None,
        to_status: None,
        detail: None,
        user_id: Some(ctx.user.id),
        user_name: None,
        at,
    }
}
