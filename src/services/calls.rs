//! Click-to-call and call logging: a call from any record (checked by the
//! contact rules, logged as an interaction, dialled through the user's
//! scheme), a message (SMS, WhatsApp, e-mail) written from it the same
//! way, a call's outcome (reached, no answer, busy, wrong number, call back
//! → a task of kind `call`), inbound calls found by number, and the "to
//! call" queue of leads and deals whose SLA is running out and of the call
//! tasks falling due.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::contact_policy::{enforce_in, target_in, Attempt, Target};
use super::{now, Ctx};
use crate::model::{
    dial_url, message_url, sla_reason, CallOutcome, CallerMatch, ContactChannel, ContactPurpose,
    Direction, EntityType, InboundCall, Interaction, LeadEventKind, LeadStatus, OutcomeInput,
    OutcomeRecorded, Phone, QueueItem, QueueReason, RecordScope, Role, StartCall, StartMessage,
    StartedCall, StartedMessage, Task, TaskKind,
};
use crate::store::{Conn, Db, QueueRow};
use crate::{with_conn, with_tx, Error, Result};

/// Most rows of the "to call" queue.
pub const QUEUE_LIMIT: u32 = 200;

/// Starts a call from a record: resolves the number (the one given, in the
/// tenant's region, else the person's or company's main number), applies
/// the contact rules (a manager may override with a reason, which is
/// logged), and writes the interaction with its outcome pending. Returns
/// it with the URL to open (`tel:+39…`, or the user's `sip:`/`callto:`).
///
/// Errors: [`Error::NotFound`]; [`Error::Validation`] (`phone`: `required`
/// when the record has no number, or the parser's error);
/// [`Error::ContactRefused`]; [`Error::Forbidden`] for an override by
/// staff.
pub async fn start(db: &Db, ctx: &Ctx, call: &StartCall) -> Result<StartedCall> {
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let target = target_in(c, tenant, call.entity_type, call.entity_id).await?;
        super::context::require_visible(c, ctx, call.entity_id).await?;
        let phone = match call
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(p) => Phone::parse(p, ctx.region(), "phone")
                .map_err(|e| Error::Validation(vec![e]))?
                .e164()
                .to_string(),
            None => target
                .phone
                .clone()
                .ok_or_else(|| Error::field("phone", "required"))?,
        };
        let at = now();
        let attempt = Attempt {
            channel: ContactChannel::Call,
            purpose: call.purpose,
            phone: Some(phone.clone()),
            at,
        };
        let overridden =
            enforce_in(c, ctx, &target, &attempt, call.override_reason.as_deref()).await?;
        let interaction = outbound(ctx, &target, &attempt, overridden);
        c.insert_interaction(tenant, &interaction).await?;
        let scheme = c.dial_scheme(tenant, ctx.user.id).await?;
        Ok(StartedCall {
            dial_url: dial_url(scheme, &phone),
            interaction,
            title: target.title,
        })
    })
}

/// The outbound interaction of `attempt` on `target`, made by the acting
/// user, its outcome pending (a call) or none (a message), with the rule a
/// manager overrode and their reason.
fn outbound(
    ctx: &Ctx,
    target: &Target,
    attempt: &Attempt,
    overridden: Option<(String, String)>,
) -> Interaction {
    let (override_code, override_reason) = overridden.unzip();
    Interaction {
        id: Uuid::now_v7(),
        entity_type: target.entity_type,
        entity_id: target.entity_id,
        person_id: target.person_id,
        channel: attempt.channel,
        direction: Direction::Outbound,
        purpose: attempt.purpose,
        outcome: None,
        phone: attempt.phone.clone(),
        campaign_id: target.campaign_id,
        started_at: attempt.at,
        duration_seconds: None,
        note: None,
        user_id: ctx.user.id,
        user_name: Some(ctx.user.display_name.clone()),
        override_code,
        override_reason,
        recorded_at: None,
    }
}

/// Starts a message from a record: SMS or WhatsApp to the person's (else
/// the company's) main number, e-mail to their address. The contact rules
/// decide as for a call, on that channel (consents per channel, the
/// person's preferences, quiet hours, caps; a manager may override with a
/// reason, which is logged); the message is logged as an
/// outbound interaction without outcome (Banco opens the desk's app and
/// does not see what is sent) and on the record's timeline (`message`,
/// the channel). Returns it with the URL to open ([`message_url`]).
///
/// Errors: [`Error::NotFound`]; [`Error::Validation`] (`channel`:
/// `unknown_value` for a call or meeting; `phone` or `email`: `required`
/// when the record has none); [`Error::ContactRefused`];
/// [`Error::Forbidden`] for an override by staff.
pub async fn start_message(db: &Db, ctx: &Ctx, m: &StartMessage) -> Result<StartedMessage> {
    if matches!(m.channel, ContactChannel::Call | ContactChannel::Meeting) {
        return Err(Error::Validation(vec![crate::model::FieldError::new(
            "channel",
            "unknown_value",
        )
        .with("value", m.channel.as_str())]));
    }
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let target = target_in(c, tenant, m.entity_type, m.entity_id).await?;
        super::context::require_visible(c, ctx, m.entity_id).await?;
        let by_email = m.channel == ContactChannel::Email;
        let open_url = message_url(m.channel, target.phone.as_deref(), target.email.as_deref())
            .ok_or_else(|| Error::field(if by_email { "email" } else { "phone" }, "required"))?;
        let at = now();
        let attempt = Attempt {
            channel: m.channel,
            purpose: m.purpose,
            phone: (!by_email).then(|| target.phone.clone()).flatten(),
            at,
        };
        let overridden =
            enforce_in(c, ctx, &target, &attempt, m.override_reason.as_deref()).await?;
        let interaction = outbound(ctx, &target, &attempt, overridden);
        c.insert_interaction(tenant, &interaction).await?;
        c.insert_record_event(
            tenant,
            m.entity_type,
            m.entity_id,
            "message",
            Some(m.channel.as_str()),
            Some(ctx.user.id),
            at,
        )
        .await?;
        Ok(StartedMessage {
            interaction,
            open_url,
        })
    })
}

/// `reached · 4:05 · → 2026-11-24T15:00:00+00:00 · note` for the timeline:
/// the outcome code first (the UI translates it), then length, call-back
/// time and note.
fn outcome_detail(
    outcome: CallOutcome,
    seconds: Option<i64>,
    note: Option<&str>,
    back: Option<DateTime<Utc>>,
) -> String {
    let mut parts = vec![outcome.as_str().to_string()];
    if let Some(s) = seconds.filter(|s| *s > 0) {
        parts.push(format!("{}:{:02}", s / 60, s % 60));
    }
    if let Some(b) = back {
        parts.push(format!("→ {}", b.to_rfc3339()));
    }
    if let Some(n) = note.filter(|n| !n.is_empty()) {
        parts.push(n.chars().take(200).collect());
    }
    parts.join(" · ")
}

/// Logs a finished call on its record's timeline (`call`; for a lead
/// also its history) and, for a call back, creates its task: kind `call`,
/// due when asked, for the acting user, the note as its title, one per
/// interaction (`source_key` `call_back:<interaction id>`).
async fn log_call_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    i: &Interaction,
    input: &OutcomeInput,
    at: DateTime<Utc>,
) -> Result<Option<Task>> {
    let tenant = ctx.tenant_id();
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let kind = if i.direction == Direction::Inbound {
        "call_in"
    } else {
        "call"
    };
    let detail = outcome_detail(
        input.outcome,
        input.duration_seconds,
        note,
        input.call_back_at,
    );
    c.insert_record_event(
        tenant,
        i.entity_type,
        i.entity_id,
        kind,
        Some(&detail),
        Some(ctx.user.id),
        at,
    )
    .await?;
    if i.entity_type == EntityType::Lead {
        let mut e = super::history::event(i.entity_id, LeadEventKind::Call, ctx, at);
        e.detail = Some(match i.direction {
            Direction::Inbound => format!("inbound: {detail}"),
            Direction::Outbound => detail.clone(),
        });
        c.insert_event(tenant, &e).await?;
    }
    let call_back = match (input.outcome, input.call_back_at) {
        (CallOutcome::CallBack, Some(due)) => {
            let task = super::tasks::new_task(
                c,
                ctx,
                note.unwrap_or_default().to_string(),
                TaskKind::Call,
                Some(due),
                Some(ctx.user.id),
                (i.entity_type, i.entity_id),
                (None, None),
            )
            .await?;
            let key = format!("call_back:{}", i.id);
            c.insert_task(tenant, &task, Some(ctx.user.id), Some(&key))
                .await?;
            Some(task)
        }
        _ => None,
    };
    Ok(call_back)
}

/// Records the outcome of a started call (the dialog shown when the user
/// comes back to Banco): outcome, length, note, and for a call back the
/// time, which creates a call task for the caller. The call lands on the
/// record's timeline. Only the user who made the call, a store manager or
/// an admin may record it; an outcome is recorded once.
///
/// Errors: [`Error::NotFound`], [`Error::Forbidden`] (`record_call`),
/// [`Error::Validation`] (see [`OutcomeInput::validate`]; `outcome`:
/// `already_recorded`).
pub async fn record_outcome(
    db: &Db,
    ctx: &Ctx,
    id: Uuid,
    input: &OutcomeInput,
) -> Result<OutcomeRecorded> {
    let at = now();
    input.validate(at).map_err(Error::Validation)?;
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let mut i = c
            .get_interaction(tenant, id)
            .await?
            .ok_or_else(|| Error::NotFound {
                entity: "interaction",
                id: id.to_string(),
            })?;
        if i.user_id != ctx.user.id {
            ctx.require_manager("record_call")?;
        }
        if i.outcome.is_some() {
            return Err(Error::field("outcome", "already_recorded"));
        }
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        c.set_outcome(tenant, id, input.outcome, input.duration_seconds, note, at)
            .await?;
        let call_back = log_call_in(c, ctx, &i, input, at).await?;
        i.outcome = Some(input.outcome);
        i.duration_seconds = input.duration_seconds;
        i.note = note.map(String::from);
        i.recorded_at = Some(at);
        Ok(OutcomeRecorded {
            interaction: i,
            call_back,
        })
    })
}

/// The acting user's calls still waiting for an outcome, newest first
/// (the dialog reopens for them after a restart).
pub async fn pending(db: &Db, ctx: &Ctx) -> Result<Vec<Interaction>> {
    with_conn!(db, |c| c.pending_calls(ctx.tenant_id(), ctx.user.id).await)
}

/// People whose main or second number is `phone` (typed or pasted in
/// any format of the tenant's region), with their open leads and deals
/// in the acting user's [`Ctx::record_scope`].
///
/// Errors: [`Error::Validation`] (`phone`).
pub async fn find_caller(db: &Db, ctx: &Ctx, phone: &str) -> Result<Vec<CallerMatch>> {
    let phone =
        Phone::parse(phone, ctx.region(), "phone").map_err(|e| Error::Validation(vec![e]))?;
    with_conn!(db, |c| {
        let tenant = ctx.tenant_id();
        let people = c
            .find_people_by_contact(tenant, &[phone.e164().to_string()], None)
            .await?;
        let scope = ctx.record_scope();
        let mut out = Vec::new();
        for p in people {
            let mut leads = Vec::new();
            for l in c.leads_of_person(tenant, p.id).await? {
                if let Some(lead) = c.get_lead(tenant, l).await? {
                    if !matches!(
                        lead.status,
                        LeadStatus::Converted | LeadStatus::Disqualified
                    ) && scope.sees(lead.owner_id, lead.store_id)
                    {
                        leads.push((lead.id, lead.interest.as_str().to_string()));
                    }
                }
            }
            let mut deals = Vec::new();
            for d in c.deals_of(tenant, Some(p.id), None).await? {
                if let Some(deal) = c.get_deal(tenant, d).await? {
                    if deal.status == crate::model::DealStatus::Open
                        && scope.sees(deal.owner_id, deal.store_id)
                    {
                        deals.push((deal.id, deal.title));
                    }
                }
            }
            out.push(CallerMatch {
                person_id: p.id,
                name: p.full_name(),
                phone: p.phone.clone(),
                is_customer: p.is_customer,
                leads,
                deals,
            });
        }
        Ok(out)
    })
}

/// Logs an inbound call on the chosen record (found by
/// [`find_caller`]): the interaction, with outcome, length and note, on
/// the record's timeline; a call back creates a call task. Inbound calls
/// are not subject to the contact rules (the person called).
///
/// Errors: [`Error::Validation`] (`phone`, the outcome's fields),
/// [`Error::NotFound`].
pub async fn log_inbound(db: &Db, ctx: &Ctx, call: &InboundCall) -> Result<OutcomeRecorded> {
    let at = now();
    let phone =
        Phone::parse(&call.phone, ctx.region(), "phone").map_err(|e| Error::Validation(vec![e]))?;
    call.outcome.validate(at).map_err(Error::Validation)?;
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let target = target_in(c, tenant, call.entity_type, call.entity_id).await?;
        super::context::require_visible(c, ctx, call.entity_id).await?;
        let note = call
            .outcome
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let started = at - Duration::seconds(call.outcome.duration_seconds.unwrap_or(0));
        let i = Interaction {
            id: Uuid::now_v7(),
            entity_type: call.entity_type,
            entity_id: call.entity_id,
            person_id: target.person_id,
            channel: ContactChannel::Call,
            direction: Direction::Inbound,
            purpose: ContactPurpose::Service,
            outcome: Some(call.outcome.outcome),
            phone: Some(phone.e164().to_string()),
            campaign_id: target.campaign_id,
            started_at: started,
            duration_seconds: call.outcome.duration_seconds,
            note: note.map(String::from),
            user_id: ctx.user.id,
            user_name: Some(ctx.user.display_name.clone()),
            override_code: None,
            override_reason: None,
            recorded_at: Some(at),
        };
        c.insert_interaction(tenant, &i).await?;
        let call_back = log_call_in(c, ctx, &i, &call.outcome, at).await?;
        Ok(OutcomeRecorded {
            interaction: i,
            call_back,
        })
    })
}

/// Interactions of a record, newest first (at most 200): for a person
/// also those made from their leads and deals.
///
/// Errors: [`Error::NotFound`].
pub async fn interactions(
    db: &Db,
    ctx: &Ctx,
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Vec<Interaction>> {
    with_conn!(db, |c| {
        let tenant = ctx.tenant_id();
        target_in(c, tenant, entity_type, entity_id).await?;
        super::context::require_visible(c, ctx, entity_id).await?;
        c.interactions_of(tenant, &[entity_id], 200).await
    })
}

fn name(r: &QueueRow) -> Option<String> {
    match (&r.first_name, &r.last_name) {
        (None, None) => None,
        (f, l) => Some(
            format!(
                "{} {}",
                f.as_deref().unwrap_or(""),
                l.as_deref().unwrap_or("")
            )
            .trim()
            .to_string(),
        ),
    }
}

/// The "to call" queue at `at`, most urgent first (at most
/// [`QUEUE_LIMIT`]):
/// - open deals whose stage has an SLA (its playbook's `sla_hours`,
///   counted from when the deal entered the stage) that has passed or
///   runs out within a quarter of it (see [`sla_reason`]), unless the
///   person was reached since the deal entered the stage;
/// - new leads past or near the tenant's lead SLA (from capture), unless
///   reached;
/// - open tasks of kind `call` (call-backs, and call tasks made by hand or
///   by a stage) due within the hour: staff see their own, managers also
///   their stores', an admin the tenant's;
///
/// deals and leads only of the acting user's [`Ctx::record_scope`].
pub async fn queue_at(db: &Db, ctx: &Ctx, at: DateTime<Utc>) -> Result<Vec<QueueItem>> {
    let scope = ctx.record_scope();
    with_conn!(db, |c| {
        let tenant = ctx.tenant_id();
        let mut items = Vec::new();
        let playbooks = c.stage_playbooks(tenant).await?;
        let pipelines = c.list_pipelines(tenant).await?;
        for (stage_id, playbook) in &playbooks {
            let Some(sla) = playbook.sla_hours else {
                continue;
            };
            let Some((pipeline, stage)) = pipelines
                .iter()
                .find_map(|p| p.stage(*stage_id).map(|s| (p, s)))
            else {
                continue;
            };
            // Entered early enough that the SLA is due soon or passed.
            let warn = Duration::minutes((i64::from(sla) * 60 / 4).max(60));
            let before = at + warn - Duration::hours(i64::from(sla));
            for r in c
                .queue_deals(tenant, pipeline.id, *stage_id, before, QUEUE_LIMIT, &scope)
                .await?
            {
                let deadline = r.entered + Duration::hours(i64::from(sla));
                if let Some(reason) = sla_reason(deadline, sla, at) {
                    items.push(QueueItem {
                        entity_type: EntityType::Deal,
                        entity_id: r.id,
                        title: r.title.clone(),
                        person_id: r.person_id,
                        person_name: name(&r),
                        phone: r.phone.clone(),
                        stage: format!("{} · {}", pipeline.name, stage.name),
                        deadline,
                        reason,
                        attempts: u32::try_from(r.attempts).unwrap_or(0),
                        task_id: None,
                    });
                }
            }
        }
        let policy = c.contact_policy(tenant).await?.unwrap_or_default();
        if let Some(sla) = policy.lead_sla_hours {
            let warn = Duration::minutes((i64::from(sla) * 60 / 4).max(60));
            let before = at + warn - Duration::hours(i64::from(sla));
            for r in c.queue_leads(tenant, before, QUEUE_LIMIT, &scope).await? {
                let deadline = r.entered + Duration::hours(i64::from(sla));
                if let Some(reason) = sla_reason(deadline, sla, at) {
                    items.push(QueueItem {
                        entity_type: EntityType::Lead,
                        entity_id: r.id,
                        title: name(&r).unwrap_or_default(),
                        person_id: r.person_id,
                        person_name: name(&r),
                        phone: r.phone.clone(),
                        stage: LeadStatus::New.as_str().into(),
                        deadline,
                        reason,
                        attempts: u32::try_from(r.attempts).unwrap_or(0),
                        task_id: None,
                    });
                }
            }
        }
        let (mine, stores) = match (ctx.user.role, &scope) {
            (Role::Staff, _) => (Some(ctx.user.id), None),
            (_, RecordScope::Limited { stores, .. }) => {
                (None, Some((stores.as_slice(), ctx.user.id)))
            }
            (_, RecordScope::Tenant) => (None, None),
        };
        for task in c
            .call_tasks_due(tenant, mine, stores, None, at + Duration::hours(1))
            .await?
        {
            let target = match target_in(c, tenant, task.entity_type, task.entity_id).await {
                Ok(t) => t,
                Err(Error::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            items.push(QueueItem {
                entity_type: task.entity_type,
                entity_id: task.entity_id,
                title: target.title.clone(),
                person_id: target.person_id,
                person_name: None,
                phone: target.phone.clone(),
                stage: task.title.clone(),
                deadline: task.due_at.unwrap_or(task.created_at),
                reason: QueueReason::CallBack,
                attempts: 0,
                task_id: Some(task.id),
            });
        }
        items.sort_by_key(|i| (i.deadline, i.entity_id));
        items.truncate(QUEUE_LIMIT as usize);
        Ok(items)
    })
}

/// The "to call" queue now (see [`queue_at`]).
pub async fn queue(db: &Db, ctx: &Ctx) -> Result<Vec<QueueItem>> {
    queue_at(db, ctx, now()).await
}
