//! The counter never loses a capture and never makes the clerk wait: what the database cannot take now goes to the desk's outbox and is sent later, each exactly once.
//!
//! - [`save`] is the counter's save on any database. The form is checked on
//!   the desk first (a bad form is refused, never queued); the capture gets
//!   its lead id (UUID v7) and goes to the database, or to the outbox
//!   ([`crate::store::outbox`]) when
//!   - the chain server cannot be reached ([`Error::is_unreachable`]);
//!   - the shop's SQLite file stayed locked for
//!     [`crate::store::COUNTER_WAIT`] ([`Error::is_busy`]): an import holds
//!     SQLite's one write lock for its whole, all-or-nothing transaction,
//!     and the counter answers within a quarter of a second anyway;
//!   - captures of this user still wait, so they arrive in the order they
//!     were taken.
//! - [`send`] delivers the acting user's waiting entries in order, each with
//!   the time it was taken. The server's capture is idempotent on the lead
//!   id (it returns the lead it already has), so an entry whose answer was
//!   lost — the connection dropped after the commit, the process killed
//!   before the entry was removed — is not inserted twice when sent again.
//!   An entry the server refuses (a rule, a person merged away, a role) stays
//!   in the outbox with the reason; nothing is dropped unless a user removes
//!   it ([`remove`]).
//! - Entries are sent only by a session of the user who took them: the lead's
//!   owner and the consents' "recorded by" are never someone else's word.
//! - [`remember`] keeps, after an online sign-in, the user's context and an
//!   Argon2id verifier of their password, so that [`sign_in_offline`] lets
//!   them queue captures while the server cannot be reached.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::capture::{self, capture_at_counter};
use super::sign_in::{hash_off_runtime, password_matches};
use super::{now, off_runtime, Ctx};
use crate::model::{
    CaptureLead, OutboxEntry, OutboxSendReport, OutboxState, OutboxStatus, Password, QueuedBecause,
    SavedCapture,
};
use crate::store::outbox::Outbox;
use crate::store::{Backend, Db};
use crate::{Error, Result};

/// Saves a capture at the counter (see the module docs): delivered to the
/// database, or queued in `outbox` when the chain server cannot be reached
/// ([`QueuedBecause::Unreachable`]), when the shop's database stayed locked
/// longer than [`crate::store::COUNTER_WAIT`] (an import is writing:
/// [`QueuedBecause::Busy`]), or behind this user's older waiting captures
/// ([`QueuedBecause::Behind`]; on a shop, those are sent first, as many as
/// [`SEND_AT_SAVE`] allows: the rest goes with the desk's next send).
///
/// Errors: as [`capture::capture_lead`] for a form the desk or the database
/// refuses; [`Error::DamagedDatabase`] / [`Error::Io`] when the outbox file
/// cannot be written (then nothing was queued and the form is kept).
pub async fn save(
    db: &Db,
    ctx: &Ctx,
    outbox: &Outbox,
    mut input: CaptureLead,
) -> Result<SavedCapture> {
    let Some(key) = db.outbox_key().map(str::to_string) else {
        // An in-memory database (tests): nothing to queue for.
        return capture::capture_lead(db, ctx, input)
            .await
            .map(|o| SavedCapture::Delivered(Box::new(o)));
    };
    input.validate(ctx.region()).map_err(Error::Validation)?;
    let lead_id = *input.id.get_or_insert_with(Uuid::now_v7);
    let at = now();
    let mut backlog = outbox.waiting_of(&key, ctx.user.id).await? > 0;
    if backlog && db.backend() == Backend::Sqlite {
        // The shop's own file: the older captures go first, now if they
        // can and as many as the clerk can wait for (right after an import
        // many may wait: the desk's sender delivers the others).
        let until = std::time::Instant::now() + SEND_AT_SAVE;
        if let Err(e) = send_until(db, ctx, outbox, Some(until)).await {
            tracing::warn!("outbox: {e}");
        }
        backlog = outbox.waiting_of(&key, ctx.user.id).await? > 0;
    }
    let because = if backlog {
        QueuedBecause::Behind
    } else if outbox.is_offline() {
        QueuedBecause::Unreachable
    } else {
        match capture_at_counter(db, ctx, input.clone(), at).await {
            Ok(outcome) => return Ok(SavedCapture::Delivered(Box::new(outcome))),
            Err(e) if e.is_unreachable() => {
                tracing::warn!(%lead_id, "chain server unreachable, capture queued: {e}");
                outbox.set_offline(true);
                QueuedBecause::Unreachable
            }
            Err(e) if e.is_busy() => {
                tracing::info!(%lead_id, "database busy (an import?), capture queued: {e}");
                QueuedBecause::Busy
            }
            Err(e) => return Err(e),
        }
    };
    let waiting = outbox.push(&key, &ctx.user, at, &input).await?;
    Ok(SavedCapture::Queued {
        lead_id,
        waiting,
        because,
    })
}

/// Queues a capture on a desk that could not open its server at all (the
/// command line, a window started offline), as the user [`sign_in_offline`]
/// returned. The form is checked on the desk with the tenant's region.
///
/// Errors: [`Error::Validation`] for the form; outbox file errors.
pub async fn queue_offline(
    outbox: &Outbox,
    server: &str,
    ctx: &Ctx,
    mut input: CaptureLead,
) -> Result<SavedCapture> {
    input.validate(ctx.region()).map_err(Error::Validation)?;
    let lead_id = *input.id.get_or_insert_with(Uuid::now_v7);
    outbox.set_offline(true);
    let waiting = outbox.push(server, &ctx.user, now(), &input).await?;
    Ok(SavedCapture::Queued {
        lead_id,
        waiting,
        because: QueuedBecause::Unreachable,
    })
}

/// Sends the acting user's waiting entries to the server, oldest first
/// (see the module docs). Stops at the first entry the server cannot be
/// reached for; entries of other users are counted, not sent.
///
/// Errors: a database error that is neither "unreachable" nor a refusal of
/// the capture (the entry keeps waiting, the send stops); outbox file
/// errors. Nothing is ever removed from the outbox without the server
/// holding its lead.
pub async fn send(db: &Db, ctx: &Ctx, outbox: &Outbox) -> Result<OutboxSendReport> {
    send_until(db, ctx, outbox, None).await
}

/// How long a counter save on a shop's database spends sending the user's
/// older waiting captures before its own (each a transaction with its
/// `fsync`, ~10–30 ms): the save answers within a quarter of a second
/// even when an import has just left many behind.
pub const SEND_AT_SAVE: std::time::Duration = std::time::Duration::from_millis(60);

/// [`send`], stopping before the next entry once `until` has passed (the
/// entries left are counted in `waiting`).
async fn send_until(
    db: &Db,
    ctx: &Ctx,
    outbox: &Outbox,
    until: Option<std::time::Instant>,
) -> Result<OutboxSendReport> {
    let mut report = OutboxSendReport::default();
    let Some(key) = db.outbox_key() else {
        return Ok(report);
    };
    let pending: Vec<OutboxEntry> = outbox
        .entries(Some(key))
        .await?
        .into_iter()
        .filter(|e| e.state == OutboxState::Waiting)
        .collect();
    for (i, entry) in pending.iter().enumerate() {
        if entry.user_id != ctx.user.id {
            report.other_users += 1;
            continue;
        }
        if until.is_some_and(|t| std::time::Instant::now() >= t) {
            let mine = |e: &&OutboxEntry| e.user_id == ctx.user.id;
            report.waiting = pending[i..].iter().filter(mine).count() as u64;
            return Ok(report);
        }
        outbox.attempted(entry.lead_id).await?;
        match deliver(db, ctx, entry).await {
            Ok(created) => {
                outbox.set_offline(false);
                outbox.remove(entry.lead_id).await?;
                if created {
                    report.delivered += 1;
                } else {
                    report.already_there += 1;
                }
            }
            Err(e) if e.is_unreachable() || e.is_busy() => {
                outbox.set_offline(e.is_unreachable());
                let mine = |e: &&OutboxEntry| e.user_id == ctx.user.id;
                report.waiting = pending[i..].iter().filter(mine).count() as u64;
                return Ok(report);
            }
            Err(e @ (Error::Database(_) | Error::Io { .. } | Error::Integrity(_))) => {
                return Err(e);
            }
            Err(e) => {
                outbox.set_offline(false);
                tracing::warn!(lead_id = %entry.lead_id, "queued capture refused: {e}");
                outbox.refuse(entry.lead_id, &e.payload()).await?;
                report.refused += 1;
            }
        }
    }
    outbox.set_offline(false);
    Ok(report)
}

/// Sends one entry: `Ok(true)` when the server inserted its lead now,
/// `Ok(false)` when it already had it. A duplicate-key answer means another
/// sender (the window and `banco outbox send` at once) inserted it between
/// our check and our insert: asked again, the server returns that lead.
async fn deliver(db: &Db, ctx: &Ctx, entry: &OutboxEntry) -> Result<bool> {
    let mut capture = entry.capture.clone();
    capture.id = Some(entry.lead_id);
    match capture_at_counter(db, ctx, capture.clone(), entry.taken_at).await {
        Ok(outcome) => Ok(outcome.created),
        Err(Error::Duplicate { .. }) => capture_at_counter(db, ctx, capture, entry.taken_at)
            .await
            .map(|o| o.created),
        Err(e) => Err(e),
    }
}

/// The counter's banner: whether the server was unreachable at the last
/// attempt, and how many of this desk's captures for `db` wait or were
/// refused.
pub async fn status(db: &Db, outbox: &Outbox) -> Result<OutboxStatus> {
    match db.outbox_key() {
        Some(key) => status_for(outbox, key).await,
        None => Ok(OutboxStatus::default()),
    }
}

/// [`status`] for the database named `server` ([`crate::store::outbox_key`]),
/// for a desk that has no connection to it.
pub async fn status_for(outbox: &Outbox, server: &str) -> Result<OutboxStatus> {
    let (waiting, refused) = outbox.counts(server).await?;
    Ok(OutboxStatus {
        offline: outbox.is_offline(),
        waiting,
        refused,
    })
}

/// Every entry of this desk for `server` ([`crate::store::outbox_key`]),
/// in sending order (the Outbox screen). Staff see their own entries;
/// managers and admins every user's. Works without a connection.
pub async fn list(ctx: &Ctx, outbox: &Outbox, server: &str) -> Result<Vec<OutboxEntry>> {
    Ok(visible(ctx, outbox.entries(Some(server)).await?))
}

/// The entries `ctx`'s user may see: their own, or every one for a manager.
fn visible(ctx: &Ctx, entries: Vec<OutboxEntry>) -> Vec<OutboxEntry> {
    if ctx.user.role.is_manager() {
        return entries;
    }
    entries
        .into_iter()
        .filter(|e| e.user_id == ctx.user.id)
        .collect()
}

/// Removes a refused entry after a user has read its reason (and, if it
/// should still be a lead, saved it again from the counter form). A waiting
/// entry cannot be removed: it is not lost yet.
///
/// Errors: [`Error::NotFound`] for an entry of another server, another user
/// (staff) or none; [`Error::Validation`] `lead_id`: `still_waiting`.
pub async fn remove(ctx: &Ctx, outbox: &Outbox, server: &str, lead_id: Uuid) -> Result<()> {
    let not_found = || Error::NotFound {
        entity: "outbox_entry",
        id: lead_id.to_string(),
    };
    let entry = list(ctx, outbox, server)
        .await?
        .into_iter()
        .find(|e| e.lead_id == lead_id)
        .ok_or_else(not_found)?;
    if entry.state == OutboxState::Waiting {
        return Err(Error::field("lead_id", "still_waiting"));
    }
    outbox.remove(lead_id).await?;
    Ok(())
}

/// Remembers, after an online sign-in on `db`'s server as `login` with
/// `password`, who this user is, so they can work offline later. Does
/// nothing on SQLite; keeps the verifier when the password still matches
/// it (hashing is slow on purpose).
pub async fn remember(
    db: &Db,
    ctx: &Ctx,
    outbox: &Outbox,
    login: &str,
    password: &Password,
) -> Result<()> {
    let Some(server) = db.server_key() else {
        return Ok(());
    };
    let login = crate::model::normalize_login(login).unwrap_or_else(|_| login.to_string());
    let login = login.as_str();
    let kept = outbox.remembered(&server, login).await?;
    let verifier = match kept {
        Some(k) if matches_off_runtime(&k.verifier, password).await? => k.verifier,
        _ => hash_off_runtime(password.clone()).await?,
    };
    outbox
        .remember(&server, login, &ctx.tenant, &ctx.user, &verifier)
        .await
}

/// The context of `login` on a server this desk cannot reach, checked
/// against the verifier kept at their last online sign-in here.
///
/// Errors: [`Error::SignIn`] `wrong_credentials` for a wrong password or a
/// login never signed in online on this desk (the same answer, as online).
pub async fn sign_in_offline(
    outbox: &Outbox,
    server: &str,
    login: &str,
    password: &Password,
) -> Result<(Ctx, DateTime<Utc>)> {
    let login = crate::model::normalize_login(login).unwrap_or_default();
    let wrong = Error::SignIn {
        reason: "wrong_credentials",
        retry_after_s: 0,
    };
    let Some(kept) = outbox.remembered(server, &login).await? else {
        return Err(wrong);
    };
    if !matches_off_runtime(&kept.verifier, password).await? {
        return Err(wrong);
    }
    Ok((
        Ctx {
            tenant: kept.tenant,
            user: kept.user,
            language: "it".into(),
        },
        kept.signed_in_at,
    ))
}

async fn matches_off_runtime(verifier: &str, password: &Password) -> Result<bool> {
    let (verifier, password) = (verifier.to_string(), password.clone());
    off_runtime("password check", move || {
        password_matches(&verifier, &password)
    })
    .await
}
