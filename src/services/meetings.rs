//! Video meetings on Jitsi: scheduled from any record (title, start,
//! length, internal participants, the customer's e-mail) in a room nobody
//! can guess, on the tenant's server; joined (with a moderator's token
//! when the server takes tokens), ended with a meeting note on the
//! record's timeline, or cancelled; the customer's link (with a guest's
//! token when the tenant chose it) and invitations as iCalendar (`.ics`,
//! RFC 5545, made with the `icalendar` crate).

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use uuid::Uuid;

use super::contact_policy::{enforce_in, target_in, Attempt};
use super::meeting_keys::{MeetingKeys, Signing};
use super::meeting_tokens::Participant;
use super::notes::add_in as add_note_in;
use super::{now, Ctx};
use crate::model::{
    meeting_base, meeting_host, room_name, CallOutcome, ContactChannel, ContactPurpose, Direction,
    Email, EntityType, FieldError, GuestAccess, Interaction, LeadEventKind, Meeting, MeetingEnded,
    MeetingJoin, MeetingNoteLabels, MeetingStatus, NewMeeting, NewNote, NoteKind,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Logs a meeting event on its record's timeline (and a lead's history).
async fn log_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    m: &Meeting,
    kind: &str,
    detail: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let tenant = ctx.tenant_id();
    c.insert_record_event(
        tenant,
        m.entity_type,
        m.entity_id,
        kind,
        Some(detail),
        Some(ctx.user.id),
        at,
    )
    .await?;
    if m.entity_type == EntityType::Lead {
        let mut e = super::history::event(m.entity_id, LeadEventKind::Meeting, ctx, at);
        e.detail = Some(format!("{kind}: {detail}"));
        c.insert_event(tenant, &e).await?;
    }
    Ok(())
}

async fn load_in(c: &mut Conn<'_>, tenant: Uuid, id: Uuid) -> Result<Meeting> {
    let mut m = c
        .get_meeting(tenant, id)
        .await?
        .ok_or_else(|| Error::NotFound {
            entity: "meeting",
            id: id.to_string(),
        })?;
    m.record_title = target_in(c, tenant, m.entity_type, m.entity_id)
        .await
        .map(|t| t.title)
        .unwrap_or_default();
    Ok(m)
}

/// Schedules a meeting: checks the form (title, length 5–480 minutes,
/// the customer's e-mail), the participants (active users of the tenant;
/// the scheduler always takes part), and the contact rules for a meeting
/// at its start time (a manager may override with a reason); picks a room of 128 random
/// bits on the tenant's server; logs `meeting_scheduled` on the record.
///
/// Errors: [`Error::Validation`] (`title`, `duration_minutes`,
/// `customer_email`, `participants`), [`Error::NotFound`],
/// [`Error::ContactRefused`], [`Error::Forbidden`].
pub async fn schedule(db: &Db, ctx: &Ctx, new: &NewMeeting) -> Result<Meeting> {
    let mut errors = new.check();
    let email = match new
        .customer_email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) => match Email::parse(e, "customer_email") {
            Ok(e) => Some(e.as_str().to_string()),
            Err(err) => {
                errors.push(err);
                None
            }
        },
        None => None,
    };
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let users = c.list_users(tenant).await?;
        let mut participants: Vec<(Uuid, String)> =
            vec![(ctx.user.id, ctx.user.display_name.clone())];
        for id in &new.participants {
            match users.iter().find(|u| u.id == *id && u.active) {
                Some(u) if !participants.iter().any(|(p, _)| p == id) => {
                    participants.push((u.id, u.display_name.clone()))
                }
                Some(_) => {}
                None => errors.push(
                    FieldError::new("participants", "unknown_value").with("value", id.to_string()),
                ),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors.clone()));
        }
        let target = target_in(c, tenant, new.entity_type, new.entity_id).await?;
        super::context::require_visible(c, ctx, new.entity_id).await?;
        let at = now();
        let attempt = Attempt {
            channel: ContactChannel::Meeting,
            purpose: ContactPurpose::Service,
            phone: None,
            // The time rules (quiet hours, caps, cadence) are those of the
            // meeting's own time, not of the moment it is scheduled.
            at: new.starts_at,
        };
        enforce_in(c, ctx, &target, &attempt, new.override_reason.as_deref()).await?;
        let policy = c.contact_policy(tenant).await?.unwrap_or_default();
        let domain = policy.meeting_domain;
        let m = Meeting {
            id: Uuid::now_v7(),
            entity_type: new.entity_type,
            entity_id: new.entity_id,
            record_title: target.title.clone(),
            title: new.title.trim().to_string(),
            starts_at: new.starts_at,
            duration_minutes: new.duration_minutes,
            room: policy.meeting_access.room_path(&room_name(rand::random())),
            domain,
            customer_email: email.clone().or(target.email.clone()),
            status: MeetingStatus::Scheduled,
            started_at: None,
            ended_at: None,
            note_id: None,
            participants,
            created_by: ctx.user.id,
        };
        c.insert_meeting(tenant, &m, at).await?;
        log_in(c, ctx, &m, "meeting_scheduled", &m.title, at).await?;
        Ok(m)
    })
}

/// One meeting. Errors: [`Error::NotFound`].
pub async fn get(db: &Db, ctx: &Ctx, id: Uuid) -> Result<Meeting> {
    with_conn!(db, |c| load_in(c, ctx.tenant_id(), id).await)
}

/// Meetings starting in `[from, to)` (the day and week views), by start.
/// Errors: [`Error::Validation`] (`to`: `before_start`) for a reversed
/// range or one longer than 62 days.
pub async fn between(
    db: &Db,
    ctx: &Ctx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Meeting>> {
    if to <= from || to - from > Duration::days(62) {
        return Err(Error::field("to", "before_start"));
    }
    with_conn!(db, |c| {
        let tenant = ctx.tenant_id();
        let out = c.list_meetings(tenant, from, to, None).await?;
        // Meetings on leads and deals outside the user's scope stay out.
        let mut shown = Vec::with_capacity(out.len());
        for m in out {
            if super::context::hidden_record(c, ctx, m.entity_id)
                .await?
                .is_none()
            {
                shown.push(m);
            }
        }
        let mut out = shown;
        for m in &mut out {
            m.record_title = target_in(c, tenant, m.entity_type, m.entity_id)
                .await
                .map(|t| t.title)
                .unwrap_or_default();
        }
        Ok(out)
    })
}

/// Meetings of one record, by start. Errors: [`Error::NotFound`].
pub async fn of_record(
    db: &Db,
    ctx: &Ctx,
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Vec<Meeting>> {
    with_conn!(db, |c| {
        let tenant = ctx.tenant_id();
        let t = target_in(c, tenant, entity_type, entity_id).await?;
        super::context::require_visible(c, ctx, entity_id).await?;
        let mut out = c
            .list_meetings(
                tenant,
                DateTime::<Utc>::MIN_UTC,
                DateTime::<Utc>::MAX_UTC,
                Some(entity_id),
            )
            .await?;
        for m in &mut out {
            m.record_title = t.title.clone();
        }
        Ok(out)
    })
}

/// Joins a meeting: a scheduled one becomes `in_progress` (its start
/// time recorded, `meeting_started` on the timeline); one in progress is
/// joined again. Returns what the meeting window needs, with a
/// moderator's token (the user's name and e-mail, this one room, until
/// shortly after the planned end) when the server takes tokens, signed
/// with the key this desk keeps in `keys`; or that the meeting opens in
/// the system browser (`in_browser`: meet.jit.si, which ends embedded
/// meetings after five minutes).
///
/// Errors: [`Error::NotFound`], [`Error::IllegalMeetingMove`] for an
/// ended or cancelled meeting; [`Error::Validation`] (`meeting_key`,
/// `key_missing`) when the server takes tokens and this desk keeps no key
/// (nothing changes).
pub async fn join(db: &Db, ctx: &Ctx, keys: &dyn MeetingKeys, id: Uuid) -> Result<MeetingJoin> {
    let signing = Signing::load(db, ctx, keys).await?;
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let mut m = load_in(c, tenant, id).await?;
        match m.status {
            MeetingStatus::Scheduled => {
                let at = now();
                m.status = MeetingStatus::InProgress;
                m.started_at = Some(at);
                c.update_meeting(tenant, &m, None).await?;
                log_in(c, ctx, &m, "meeting_started", &m.title, at).await?;
            }
            MeetingStatus::InProgress => {}
            from => {
                return Err(Error::IllegalMeetingMove {
                    from,
                    to: MeetingStatus::InProgress,
                })
            }
        }
        let in_browser = crate::model::opens_in_browser(&m.domain);
        let me = Participant {
            id: ctx.user.id,
            name: ctx.user.display_name.clone(),
            email: ctx.user.email.clone(),
            moderator: true,
        };
        let jwt = match in_browser {
            true => None,
            false => signing.token(&m, &me, now())?,
        };
        Ok(MeetingJoin {
            base_url: meeting_base(&m.domain),
            host: meeting_host(&m.domain),
            display_name: ctx.user.display_name.clone(),
            in_browser,
            jwt,
            meeting: m,
        })
    })
}

/// The meeting note's prefilled text (Markdown): title, participants,
/// planned and real length, room link, with the caller's `labels`.
fn note_body(m: &Meeting, customer: &str, labels: &MeetingNoteLabels) -> String {
    let mut names: Vec<String> = m.participants.iter().map(|(_, n)| n.clone()).collect();
    if !customer.is_empty() {
        names.push(customer.to_string());
    }
    format!(
        "**{}**\n\n- {}: {}\n- {}: {} min ({} {} min)\n- {}: {}\n\n",
        m.title,
        labels.participants,
        names.join(", "),
        labels.duration,
        m.actual_minutes().unwrap_or(0),
        labels.planned,
        m.duration_minutes,
        labels.room,
        m.url()
    )
}

/// Ends a meeting in progress: records the end time (so its real length),
/// writes the meeting note on the record (kind `meeting`, prefilled with
/// participants and length in the words of `labels`; the user completes
/// it), records it as an interaction (channel `meeting`, reached, its
/// length) and logs
/// `meeting_ended`. Ending an ended meeting returns it as it is (the
/// window may report its close after the user pressed End).
///
/// Errors: [`Error::NotFound`], [`Error::IllegalMeetingMove`] for a
/// scheduled (never joined) or cancelled meeting.
pub async fn end(db: &Db, ctx: &Ctx, id: Uuid, labels: &MeetingNoteLabels) -> Result<MeetingEnded> {
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let mut m = load_in(c, tenant, id).await?;
        if m.status == MeetingStatus::Ended {
            if let Some(note_id) = m.note_id {
                if let Some(mut note) = c.get_note(tenant, note_id).await? {
                    note.html = super::notes::render_markdown(&note.body);
                    return Ok(MeetingEnded { meeting: m, note });
                }
            }
        }
        if !m.status.can_move_to(MeetingStatus::Ended) {
            return Err(Error::IllegalMeetingMove {
                from: m.status,
                to: MeetingStatus::Ended,
            });
        }
        let at = now();
        m.status = MeetingStatus::Ended;
        m.ended_at = Some(at);
        let customer = m.customer_email.clone().unwrap_or_default();
        let note = add_note_in(
            c,
            ctx,
            &NewNote {
                entity_type: m.entity_type,
                entity_id: m.entity_id,
                kind: NoteKind::Meeting,
                body: note_body(&m, &customer, labels),
                pinned: false,
            },
        )
        .await?;
        m.note_id = Some(note.id);
        c.update_meeting(tenant, &m, None).await?;
        // The meeting is a contact with the person: it counts like a call.
        let target = target_in(c, tenant, m.entity_type, m.entity_id).await?;
        c.insert_interaction(
            tenant,
            &Interaction {
                id: Uuid::now_v7(),
                entity_type: m.entity_type,
                entity_id: m.entity_id,
                person_id: target.person_id,
                channel: ContactChannel::Meeting,
                direction: Direction::Outbound,
                purpose: ContactPurpose::Service,
                outcome: Some(CallOutcome::Reached),
                phone: None,
                campaign_id: target.campaign_id,
                started_at: m.started_at.unwrap_or(at),
                duration_seconds: m.started_at.map(|s| (at - s).num_seconds().max(0)),
                note: Some(m.title.clone()),
                user_id: ctx.user.id,
                user_name: Some(ctx.user.display_name.clone()),
                override_code: None,
                override_reason: None,
                recorded_at: Some(at),
            },
        )
        .await?;
        let detail = format!("{} · {} min", m.title, m.actual_minutes().unwrap_or(0));
        log_in(c, ctx, &m, "meeting_ended", &detail, at).await?;
        Ok(MeetingEnded { meeting: m, note })
    })
}

/// Cancels a scheduled or running meeting, with an optional reason;
/// `meeting_cancelled` on the timeline.
///
/// Errors: [`Error::NotFound`], [`Error::IllegalMeetingMove`].
pub async fn cancel(db: &Db, ctx: &Ctx, id: Uuid, reason: Option<&str>) -> Result<Meeting> {
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let mut m = load_in(c, tenant, id).await?;
        if !m.status.can_move_to(MeetingStatus::Cancelled) {
            return Err(Error::IllegalMeetingMove {
                from: m.status,
                to: MeetingStatus::Cancelled,
            });
        }
        let at = now();
        m.status = MeetingStatus::Cancelled;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        c.update_meeting(tenant, &m, reason).await?;
        let detail = match reason {
            Some(r) => format!("{} — {r}", m.title),
            None => m.title.clone(),
        };
        log_in(c, ctx, &m, "meeting_cancelled", &detail, at).await?;
        Ok(m)
    })
}

/// The customer's link to a meeting, opened in any browser: the room's
/// link, with a guest token (`?jwt=`: not a moderator, the customer's
/// name and e-mail, this one room, until shortly after the planned end)
/// when the server takes tokens and the tenant lets guests in by token;
/// otherwise the plain link (guests wait in the lobby).
///
/// Errors: [`Error::NotFound`]; [`Error::Validation`] (`meeting_key`,
/// `key_missing`) when a guest token is due and this desk keeps no key.
pub async fn invitation_link(
    db: &Db,
    ctx: &Ctx,
    keys: &dyn MeetingKeys,
    id: Uuid,
) -> Result<String> {
    let m = get(db, ctx, id).await?;
    invitation_link_of(db, ctx, keys, &m).await
}

async fn invitation_link_of(
    db: &Db,
    ctx: &Ctx,
    keys: &dyn MeetingKeys,
    m: &Meeting,
) -> Result<String> {
    let access = with_conn!(db, |c| c.contact_policy(ctx.tenant_id()).await)?
        .unwrap_or_default()
        .meeting_access;
    if !access.needs_token()
        || access.guests != GuestAccess::Token
        || crate::model::opens_in_browser(&m.domain)
    {
        return Ok(m.url());
    }
    let signing = Signing::load(db, ctx, keys).await?;
    let guest = Participant {
        // The meeting's id: a guest has no user id of Banco's.
        id: m.id,
        name: m.record_title.clone(),
        email: m.customer_email.clone(),
        moderator: false,
    };
    Ok(match signing.token(m, &guest, now())? {
        Some(jwt) => format!("{}?jwt={jwt}", m.url()),
        None => m.url(),
    })
}

/// The invitation as an iCalendar file (RFC 5545, `METHOD:REQUEST`): one
/// `VEVENT` with the meeting's id as UID, start and end in UTC, title,
/// the customer's link ([`invitation_link`]) as URL, LOCATION and in the
/// description, the customer and the participants as attendees;
/// `STATUS:CANCELLED` for a cancelled meeting.
///
/// Errors: [`Error::NotFound`]; as [`invitation_link`].
pub async fn ics(db: &Db, ctx: &Ctx, keys: &dyn MeetingKeys, id: Uuid) -> Result<String> {
    let m = get(db, ctx, id).await?;
    let link = invitation_link_of(db, ctx, keys, &m).await?;
    let users = with_conn!(db, |c| c.list_users(ctx.tenant_id()).await)?;
    Ok(ics_text(&m, &link, &users))
}

/// The iCalendar text of a meeting whose customer's link is `url` (see
/// [`ics`]).
pub fn ics_text(m: &Meeting, url: &str, users: &[crate::model::User]) -> String {
    let url = url.to_string();
    let mut event = Event::new();
    event
        .uid(&format!("{}@banco", m.id))
        .summary(&m.title)
        .description(&format!("{}\n{url}", m.title))
        .location(&url)
        .url(&url)
        .starts(m.starts_at)
        .ends(m.starts_at + Duration::minutes(i64::from(m.duration_minutes)))
        .timestamp(now())
        .status(if m.status == MeetingStatus::Cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if let Some(e) = &m.customer_email {
        let mut p = Property::new("ATTENDEE", format!("mailto:{e}"));
        p.add_parameter("RSVP", "TRUE")
            .add_parameter("ROLE", "REQ-PARTICIPANT");
        event.append_multi_property(p);
    }
    for (uid, name) in &m.participants {
        if let Some(mail) = users
            .iter()
            .find(|u| u.id == *uid)
            .and_then(|u| u.email.clone())
        {
            let mut p = Property::new("ATTENDEE", format!("mailto:{mail}"));
            p.add_parameter("CN", name);
            event.append_multi_property(p);
        }
    }
    let mut cal = Calendar::new();
    cal.append_property(Property::new("METHOD", "REQUEST"));
    cal.push(event.done());
    cal.done().to_string()
}
