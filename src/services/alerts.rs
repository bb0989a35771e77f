//! What is due for the signed-in user, for the desk's system notifications
//! (issue 14, "call-backs and meetings alert nobody"): their own call-backs
//! falling due and the meetings they scheduled or take part in that are
//! about to start. The shell asks every half minute and raises each alert
//! once; a click opens the alert's record.

use chrono::{DateTime, Duration, Utc};

use super::contact_policy::target_in;
use super::{now, Ctx};
use crate::model::{
    AlertKind, DeskAlert, MeetingStatus, CALL_BACK_GRACE_HOURS, MEETING_LATE_MINUTES,
    MEETING_NOTICE_MINUTES,
};
use crate::store::Db;
use crate::{with_conn, Error, Result};

/// Most alerts returned by one check (the earliest first); the rest wait
/// for the next check or, for call-backs, in the "to call" queue.
pub const MAX_ALERTS: usize = 10;

/// The alerts due for the acting user at `at` (UTC), the earliest first,
/// at most [`MAX_ALERTS`]:
/// - their open call tasks (call-backs and the like) due in `(at − CALL_BACK_GRACE_HOURS, at]`
///   (whatever their role: a manager is not alerted for the staff's);
/// - the scheduled meetings they created or take part in that start in
///   `[at − MEETING_LATE_MINUTES, at + MEETING_NOTICE_MINUTES)`.
///
/// A record deleted or merged away since is skipped. Errors: database
/// errors only.
pub async fn due_at(db: &Db, ctx: &Ctx, at: DateTime<Utc>) -> Result<Vec<DeskAlert>> {
    let me = ctx.user.id;
    with_conn!(db, |c| {
        let tenant = ctx.tenant_id();
        let mut out = Vec::new();
        let since = at - Duration::hours(CALL_BACK_GRACE_HOURS);
        for r in c
            .call_tasks_due(tenant, Some(me), None, Some(since), at)
            .await?
        {
            let target = match target_in(c, tenant, r.entity_type, r.entity_id).await {
                Ok(t) => t,
                Err(Error::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            out.push(DeskAlert {
                kind: AlertKind::CallBack,
                id: r.id,
                at: r.due_at.unwrap_or(r.created_at),
                entity_type: r.entity_type,
                entity_id: r.entity_id,
                record_title: target.title,
                detail: r.title,
            });
        }
        let from = at - Duration::minutes(MEETING_LATE_MINUTES);
        let to = at + Duration::minutes(MEETING_NOTICE_MINUTES);
        for m in c.list_meetings(tenant, from, to, None).await? {
            let mine = m.created_by == me || m.participants.iter().any(|(id, _)| *id == me);
            if m.status != MeetingStatus::Scheduled || !mine {
                continue;
            }
            let record_title = match target_in(c, tenant, m.entity_type, m.entity_id).await {
                Ok(t) => t.title,
                Err(Error::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            out.push(DeskAlert {
                kind: AlertKind::Meeting,
                id: m.id,
                at: m.starts_at,
                entity_type: m.entity_type,
                entity_id: m.entity_id,
                record_title,
                detail: m.title,
            });
        }
        out.sort_by_key(|a| (a.at, a.id));
        out.truncate(MAX_ALERTS);
        Ok(out)
    })
}

/// The alerts due now (see [`due_at`]).
pub async fn due(db: &Db, ctx: &Ctx) -> Result<Vec<DeskAlert>> {
    due_at(db, ctx, now()).await
}
