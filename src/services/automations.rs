//! Automations (seed 002, issue 15): each active rule makes calls for the
//! deal's owner — they land in the "to call" queue and in My tasks —
//! never a message sent by itself. A run makes each call once (the task's
//! `source_key`), leaves out people the contact rules protect, and is
//! listed with what it made. Store managers and admins set the rules and
//! run them; the daily run starts with the first manager of the day.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use uuid::Uuid;

use super::{words, Ctx};
use crate::model::{
    consent_state, next_birthday, AutomationKind, AutomationRule, AutomationRun, AutomationTarget,
    ConsentKind, ContactChannel, EntityType, Segment, Task, TaskKind, TaskStatus,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// The tenant's rules, one per kind. Anyone.
pub async fn rules(db: &Db, ctx: &Ctx) -> Result<Vec<AutomationRule>> {
    let tenant = ctx.tenant_id();
    with_conn!(db, |c| c.automation_rules(tenant).await)
}

/// Saves one rule. Store managers and admins.
///
/// Errors: [`Error::Forbidden`] (`edit_automations`); [`Error::Validation`]
/// ([`AutomationRule::validate`]).
pub async fn save_rule(db: &Db, ctx: &Ctx, rule: &AutomationRule) -> Result<Vec<AutomationRule>> {
    ctx.require_manager("edit_automations")?;
    rule.validate().map_err(|e| Error::Validation(vec![e]))?;
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| {
        c.save_automation_rule(tenant, rule).await?;
        c.automation_rules(tenant).await
    })
}

/// The newest `limit` runs (at most 200). Anyone.
pub async fn runs(db: &Db, ctx: &Ctx, limit: u32) -> Result<Vec<AutomationRun>> {
    let tenant = ctx.tenant_id();
    with_conn!(db, |c| c.automation_runs(tenant, limit.clamp(1, 200)).await)
}

/// Applies every active rule now. Store managers and admins.
///
/// Errors: [`Error::Forbidden`] (`run_automations`).
pub async fn run(db: &Db, ctx: &Ctx) -> Result<Vec<AutomationRun>> {
    run_at(db, ctx, Utc::now()).await
}

/// [`run`] as if it were `at` (UTC; tests use a fixed clock). One run per
/// active rule, each in its own transaction.
///
/// Errors: as [`run`].
pub async fn run_at(db: &Db, ctx: &Ctx, at: DateTime<Utc>) -> Result<Vec<AutomationRun>> {
    ctx.require_manager("run_automations")?;
    let mut done = Vec::new();
    for rule in rules(db, ctx).await?.into_iter().filter(|r| r.active) {
        let run = with_tx!(db, |c| apply(c, ctx, &rule, at).await)?;
        done.push(run);
    }
    Ok(done)
}

/// The daily run: by the first store manager or admin who signs in on a
/// day (`None` for staff or when a run was made in the last 20 hours).
///
/// Errors: as [`run`].
pub async fn run_if_due(db: &Db, ctx: &Ctx) -> Result<Option<Vec<AutomationRun>>> {
    if !ctx.user.role.is_manager() {
        return Ok(None);
    }
    let last = runs(db, ctx, 1).await?;
    if last
        .first()
        .is_some_and(|r| Utc::now() - r.at < Duration::hours(20))
    {
        return Ok(None);
    }
    run(db, ctx).await.map(Some)
}

/// Who `rule` may call at `at`.
async fn targets(
    c: &mut Conn<'_>,
    tenant: Uuid,
    rule: &AutomationRule,
    at: DateTime<Utc>,
) -> Result<Vec<AutomationTarget>> {
    let days = Duration::days(i64::from(rule.days));
    let target = |row: crate::store::automations::TargetRow, key: String, due_at: DateTime<Utc>| {
        let (person_id, owner_id, store_id, pipeline_id, _, _, about) = row;
        AutomationTarget {
            person_id,
            key,
            owner_id,
            store_id,
            pipeline_id,
            due_at,
            about,
            channel: ContactChannel::Call,
        }
    };
    Ok(match rule.kind {
        AutomationKind::WelcomeCall => c
            .first_wins_since(tenant, at - Duration::days(30))
            .await?
            .into_iter()
            .map(|row| {
                let due = row.5.unwrap_or(at) + days;
                let key = row.0.to_string();
                target(row, key, due)
            })
            .collect(),
        AutomationKind::RenewalReminder => {
            let today = at.date_naive();
            c.contracts_ending(tenant, today, today + days)
                .await?
                .into_iter()
                .map(|(row, ends)| {
                    let key = format!("{}:{ends}", row.4);
                    target(row, key, at)
                })
                .collect()
        }
        AutomationKind::ReEngagement => c
            .segment_with_last_deal(tenant, Segment::AtRisk)
            .await?
            .into_iter()
            .map(|row| {
                let key = format!("{}:{}", row.0, at.format("%Y-%m"));
                target(row, key, at + days)
            })
            .collect(),
        AutomationKind::BirthdayGreeting => {
            let today = at.date_naive();
            c.customers_with_birth_dates(tenant)
                .await?
                .into_iter()
                .filter_map(
                    |(person_id, owner_id, store_id, pipeline_id, born, name, channel)| {
                        let birthday = next_birthday(born, today);
                        (birthday <= today + days).then(|| AutomationTarget {
                            person_id,
                            key: format!("{person_id}:{}", birthday.year()),
                            owner_id,
                            store_id,
                            pipeline_id,
                            // In the morning (UTC) of the day.
                            due_at: birthday
                                .and_hms_opt(8, 0, 0)
                                .map_or(at, |t| t.and_utc())
                                .max(at),
                            about: name,
                            channel: channel.unwrap_or(ContactChannel::Call),
                        })
                    },
                )
                .collect()
        }
    })
}

/// Whether the contact rules let the owner reach this person about
/// `kind` by `channel`: nobody who asked not to be contacted or blocked
/// that channel; for a re-engagement or a birthday greeting (marketing),
/// only with their consent to marketing on that channel, a contact for it
/// (a phone for calls, SMS and WhatsApp, an e-mail) and, for a call, their
/// number not on the do-not-call list.
async fn may_contact(
    c: &mut Conn<'_>,
    tenant: Uuid,
    person: Uuid,
    kind: AutomationKind,
    channel: ContactChannel,
) -> Result<bool> {
    let prefs = c.contact_preferences(tenant, person).await?;
    if prefs.do_not_contact || prefs.blocked_channels.contains(&channel) {
        return Ok(false);
    }
    if !matches!(
        kind,
        AutomationKind::ReEngagement | AutomationKind::BirthdayGreeting
    ) {
        return Ok(true);
    }
    let consents = c.consents_of(tenant, person).await?;
    if consent_state(&consents, ConsentKind::Marketing, Some(channel)) != Some(true) {
        return Ok(false);
    }
    let Some(p) = c.get_person(tenant, person).await? else {
        return Ok(false);
    };
    match (channel, p.phone) {
        (ContactChannel::Email, _) => Ok(p.email.is_some()),
        (ContactChannel::Call, Some(phone)) => {
            Ok(c.is_do_not_call(tenant, &phone).await?.is_none())
        }
        (_, phone) => Ok(phone.is_some()),
    }
}

/// The title of an automation's task about `about` (a person's name, or
/// a contract's), in `language` (the acting desk's, [`Ctx::language`]):
/// the window's translations, `automation_task.*` in `ui/locales/app.yml`,
/// through [`crate::services::words`]. A birthday by another channel than
/// a call names it (`channel.*`).
fn task_title(
    language: &str,
    kind: AutomationKind,
    channel: ContactChannel,
    about: &str,
) -> String {
    let key = match kind {
        AutomationKind::WelcomeCall => "automation_task.welcome_call",
        AutomationKind::RenewalReminder => "automation_task.renewal_reminder",
        AutomationKind::ReEngagement => "automation_task.re_engagement",
        AutomationKind::BirthdayGreeting if channel == ContactChannel::Call => {
            "automation_task.birthday"
        }
        AutomationKind::BirthdayGreeting => "automation_task.birthday_by",
    };
    let channel = words::code_word(language, "channel", channel.as_str());
    words::word_with(language, key, &[("about", about), ("channel", &channel)])
        .unwrap_or_else(|| format!("{key}: {about}"))
}

/// One rule's run in the caller's transaction.
async fn apply(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    rule: &AutomationRule,
    at: DateTime<Utc>,
) -> Result<AutomationRun> {
    let tenant = ctx.tenant_id();
    let segments: HashMap<Uuid, Segment> = match rule.segment {
        Some(s) => c
            .people_in_segment(tenant, s)
            .await?
            .into_iter()
            .map(|p| (p, s))
            .collect(),
        None => HashMap::new(),
    };
    let (mut created, mut skipped) = (0i64, 0i64);
    for t in targets(c, tenant, rule, at).await? {
        let wanted = rule
            .segment
            .is_none_or(|_| segments.contains_key(&t.person_id))
            && rule.pipeline_id.is_none_or(|p| t.pipeline_id == Some(p))
            && rule.store_id.is_none_or(|s| t.store_id == Some(s));
        if !wanted {
            continue;
        }
        if !may_contact(c, tenant, t.person_id, rule.kind, t.channel).await? {
            skipped += 1;
            continue;
        }
        let title = task_title(&ctx.language, rule.kind, t.channel, &t.about);
        let task = Task {
            id: Uuid::now_v7(),
            title,
            kind: if t.channel == ContactChannel::Call {
                TaskKind::Call
            } else {
                TaskKind::Todo
            },
            status: TaskStatus::Open,
            due_at: Some(t.due_at),
            assignee_id: t.owner_id,
            store_id: t.store_id,
            entity_type: EntityType::Person,
            entity_id: t.person_id,
            ticket_id: None,
            milestone_id: None,
            done_at: None,
            created_at: at,
        };
        let key = format!("auto:{}:{}", rule.kind.as_str(), t.key);
        if c.insert_task(tenant, &task, Some(ctx.user.id), Some(&key))
            .await?
        {
            created += 1;
        } else {
            skipped += 1;
        }
    }
    let run = AutomationRun {
        id: Uuid::now_v7(),
        kind: rule.kind.as_str().into(),
        at,
        created,
        skipped,
        user_id: Some(ctx.user.id),
    };
    c.insert_automation_run(tenant, &run).await?;
    Ok(run)
}
