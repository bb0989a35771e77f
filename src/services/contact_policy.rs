//! The contact rules at work: the tenant's policy, the do-not-call list,
//! stage playbooks, campaign cadences and a person's preferences as edited
//! in Settings and on the person's card, and [`enforce_in`], which gathers
//! the facts of one contact and asks the pure engine
//! ([`crate::model::check_contact`]) whether it may happen.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{now, Ctx};
use crate::model::{
    check_contact, CampaignCadence, ConsentKind, ContactChannel, ContactCheck, ContactPreferences,
    ContactPurpose, ContactRequest, ContactSettings, DialScheme, DoNotCallEntry, EntityType,
    FieldError, PastAttempt, PersonPreferences, Phone, Refusal, StagePlaybook, TenantPolicy,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// The tenant's policy with its do-not-call list (the defaults of
/// [`ContactSettings::default`] until a manager saves it).
pub async fn settings(db: &Db, ctx: &Ctx) -> Result<ContactSettings> {
    with_conn!(db, |c| settings_in(c, ctx.tenant_id()).await)
}

async fn settings_in(c: &mut Conn<'_>, tenant: Uuid) -> Result<ContactSettings> {
    let mut s = c.contact_policy(tenant).await?.unwrap_or_default();
    s.do_not_call = c.do_not_call_list(tenant).await?;
    Ok(s)
}

/// Saves the tenant's policy (time zone, quiet hours, daily cap, lead SLA,
/// meeting server). Store managers and admins only.
///
/// Changing the meeting server (its domain or access) is for admins.
///
/// Errors: [`Error::Forbidden`] (`edit_contact_rules`; `edit_meeting_server`),
/// [`Error::Validation`] (see [`ContactSettings::validate`]).
pub async fn save_settings(db: &Db, ctx: &Ctx, input: &ContactSettings) -> Result<ContactSettings> {
    ctx.require_manager("edit_contact_rules")?;
    let valid = input.validate().map_err(Error::Validation)?;
    with_tx!(db, |c| {
        let before = c.contact_policy(ctx.tenant_id()).await?.unwrap_or_default();
        if (&before.meeting_domain, &before.meeting_access)
            != (&valid.meeting_domain, &valid.meeting_access)
        {
            // The meeting server is the whole chain's: admins only.
            ctx.require_admin("edit_meeting_server")?;
        }
        c.save_contact_policy(ctx.tenant_id(), &valid, ctx.user.id, now())
            .await?;
        settings_in(c, ctx.tenant_id()).await
    })
}

/// Adds a number (any format of the tenant's region; stored E.164) to
/// the do-not-call list, with an optional reason. Managers only.
///
/// Errors: [`Error::Forbidden`], [`Error::Validation`] (`phone`).
pub async fn add_do_not_call(
    db: &Db,
    ctx: &Ctx,
    phone: &str,
    reason: Option<&str>,
) -> Result<ContactSettings> {
    ctx.require_manager("edit_contact_rules")?;
    let phone =
        Phone::parse(phone, ctx.region(), "phone").map_err(|e| Error::Validation(vec![e]))?;
    let entry = DoNotCallEntry {
        phone: phone.e164().to_string(),
        reason: reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(String::from),
        added_at: now(),
        marketing_only: false,
    };
    with_tx!(db, |c| {
        c.add_do_not_call(ctx.tenant_id(), &entry, ctx.user.id)
            .await?;
        settings_in(c, ctx.tenant_id()).await
    })
}

/// Removes a number (E.164 or as typed) from the do-not-call list.
/// Managers only. Errors: [`Error::Forbidden`], [`Error::Validation`],
/// [`Error::NotFound`] when it was not on the list.
pub async fn remove_do_not_call(db: &Db, ctx: &Ctx, phone: &str) -> Result<ContactSettings> {
    ctx.require_manager("edit_contact_rules")?;
    let phone =
        Phone::parse(phone, ctx.region(), "phone").map_err(|e| Error::Validation(vec![e]))?;
    with_tx!(db, |c| {
        if !c.remove_do_not_call(ctx.tenant_id(), phone.e164()).await? {
            return Err(Error::NotFound {
                entity: "do_not_call",
                id: phone.e164().to_string(),
            });
        }
        settings_in(c, ctx.tenant_id()).await
    })
}

/// Every stage playbook, by stage id.
pub async fn stage_playbooks(db: &Db, ctx: &Ctx) -> Result<Vec<(Uuid, StagePlaybook)>> {
    with_conn!(db, |c| c.stage_playbooks(ctx.tenant_id()).await)
}

/// Checks optional counts `(field, value, max)`: each must be 1..=max.
/// Errors: [`Error::Validation`] with `out_of_range` on every bad field.
fn check_counts(checks: &[(&str, Option<u32>, u32)]) -> Result<()> {
    let errors: Vec<FieldError> = checks
        .iter()
        .filter(|(_, v, max)| v.is_some_and(|v| v == 0 || v > *max))
        .map(|(field, _, max)| {
            FieldError::new(*field, "out_of_range")
                .with("min", "1")
                .with("max", max.to_string())
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

/// Saves a stage's playbook: allowed channels (empty: all), attempts per
/// day (1–20), SLA hours (1–720), quiet hours. Managers only.
///
/// Errors: [`Error::Forbidden`], [`Error::NotFound`] (stage),
/// [`Error::Validation`] (`max_attempts_per_day`, `sla_hours`).
pub async fn save_stage_playbook(
    db: &Db,
    ctx: &Ctx,
    stage: Uuid,
    p: &StagePlaybook,
) -> Result<Vec<(Uuid, StagePlaybook)>> {
    ctx.require_manager("edit_contact_rules")?;
    check_counts(&[
        ("max_attempts_per_day", p.max_attempts_per_day, 20),
        ("sla_hours", p.sla_hours, 720),
    ])?;
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let known = c
            .list_pipelines(tenant)
            .await?
            .iter()
            .any(|pl| pl.stage(stage).is_some());
        if !known {
            return Err(Error::NotFound {
                entity: "stage",
                id: stage.to_string(),
            });
        }
        c.save_stage_playbook(tenant, stage, p).await?;
        c.stage_playbooks(tenant).await
    })
}

/// Every campaign cadence, by campaign id.
pub async fn campaign_cadences(db: &Db, ctx: &Ctx) -> Result<Vec<(Uuid, CampaignCadence)>> {
    with_conn!(db, |c| c.campaign_cadences(ctx.tenant_id()).await)
}

/// Saves a campaign's cadence: hours between contacts (1–720), contacts
/// per week (1–50). Managers only.
///
/// Errors: [`Error::Forbidden`], [`Error::NotFound`] (campaign),
/// [`Error::Validation`] (`min_hours_between`, `max_per_week`).
pub async fn save_campaign_cadence(
    db: &Db,
    ctx: &Ctx,
    campaign: Uuid,
    cadence: &CampaignCadence,
) -> Result<Vec<(Uuid, CampaignCadence)>> {
    ctx.require_manager("edit_contact_rules")?;
    check_counts(&[
        ("min_hours_between", cadence.min_hours_between, 720),
        ("max_per_week", cadence.max_per_week, 50),
    ])?;
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        if !c
            .list_campaigns(tenant)
            .await?
            .iter()
            .any(|x| x.id == campaign)
        {
            return Err(Error::NotFound {
                entity: "campaign",
                id: campaign.to_string(),
            });
        }
        c.save_campaign_cadence(tenant, campaign, cadence).await?;
        c.campaign_cadences(tenant).await
    })
}

/// A person's contact preferences. Errors: [`Error::NotFound`].
pub async fn preferences(db: &Db, ctx: &Ctx, person: Uuid) -> Result<ContactPreferences> {
    with_conn!(db, |c| {
        if c.get_person(ctx.tenant_id(), person).await?.is_none() {
            return Err(Error::NotFound {
                entity: "person",
                id: person.to_string(),
            });
        }
        c.contact_preferences(ctx.tenant_id(), person).await
    })
}

/// Saves a person's preferences (any staff member: the person said so at
/// the counter); the person's timeline gets `preferences_changed`.
/// Errors: [`Error::NotFound`].
pub async fn save_preferences(
    db: &Db,
    ctx: &Ctx,
    person: Uuid,
    p: &ContactPreferences,
) -> Result<ContactPreferences> {
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        if c.get_person(tenant, person).await?.is_none() {
            return Err(Error::NotFound {
                entity: "person",
                id: person.to_string(),
            });
        }
        let at = now();
        c.save_contact_preferences(tenant, person, p, ctx.user.id, at)
            .await?;
        let mut detail: Vec<String> = Vec::new();
        if p.do_not_contact {
            detail.push("do_not_contact".into());
        }
        detail.extend(p.blocked_channels.iter().map(|ch| format!("-{ch}")));
        c.insert_record_event(
            tenant,
            EntityType::Person,
            person,
            "preferences_changed",
            Some(&detail.join(" ")),
            Some(ctx.user.id),
            at,
        )
        .await?;
        c.contact_preferences(tenant, person).await
    })
}

/// Combines a merged person's preferences into the kept one's (the more
/// restrictive wins: do-not-contact if either, blocked channels united),
/// inside the merge's transaction.
pub async fn merge_preferences_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    kept: Uuid,
    merged: Uuid,
) -> Result<()> {
    let tenant = ctx.tenant_id();
    let a = c.contact_preferences(tenant, kept).await?;
    let b = c.contact_preferences(tenant, merged).await?;
    c.delete_contact_preferences(tenant, merged).await?;
    if b == ContactPreferences::default() {
        return Ok(());
    }
    let mut blocked = a.blocked_channels.clone();
    for ch in b.blocked_channels {
        if !blocked.contains(&ch) {
            blocked.push(ch);
        }
    }
    let combined = ContactPreferences {
        do_not_contact: a.do_not_contact || b.do_not_contact,
        blocked_channels: blocked,
    };
    c.save_contact_preferences(tenant, kept, &combined, ctx.user.id, now())
        .await
}

/// How the acting user's call button dials.
pub async fn dial_scheme(db: &Db, ctx: &Ctx) -> Result<DialScheme> {
    with_conn!(db, |c| c.dial_scheme(ctx.tenant_id(), ctx.user.id).await)
}

/// Sets how the acting user's call button dials (`tel`, `sip`, `callto`).
pub async fn set_dial_scheme(db: &Db, ctx: &Ctx, scheme: DialScheme) -> Result<DialScheme> {
    with_tx!(db, |c| {
        c.set_dial_scheme(ctx.tenant_id(), ctx.user.id, scheme)
            .await?;
        Ok(scheme)
    })
}

/// The record a contact is made from, resolved: its person, the number to
/// call, its campaign and (for a deal) its stage, and a display title.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The record.
    pub entity_type: EntityType,
    /// Its id.
    pub entity_id: Uuid,
    /// The person contacted, if the record has one.
    pub person_id: Option<Uuid>,
    /// The person's (else the company's) main number, E.164.
    pub phone: Option<String>,
    /// The person's or company's e-mail.
    pub email: Option<String>,
    /// The record's campaign (lead or deal).
    pub campaign_id: Option<Uuid>,
    /// A deal's stage.
    pub stage_id: Option<Uuid>,
    /// Who or what is contacted (name or deal title).
    pub title: String,
}

/// One contact about to be made: channel, purpose, the number (E.164) for
/// calls and messages, and when (UTC).
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// The channel.
    pub channel: ContactChannel,
    /// Service or marketing.
    pub purpose: ContactPurpose,
    /// The number called or texted.
    pub phone: Option<String>,
    /// Now.
    pub at: DateTime<Utc>,
}

/// Resolves a record to a [`Target`]. Errors: [`Error::NotFound`].
pub async fn target_in(
    c: &mut Conn<'_>,
    tenant: Uuid,
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Target> {
    let missing = || Error::NotFound {
        entity: entity_type.as_str(),
        id: entity_id.to_string(),
    };
    let (person_id, company_id, campaign_id, stage_id, title) = match entity_type {
        EntityType::Person => (Some(entity_id), None, None, None, None),
        EntityType::Company => (None, Some(entity_id), None, None, None),
        EntityType::Lead => {
            let l = c.get_lead(tenant, entity_id).await?.ok_or_else(missing)?;
            (Some(l.person_id), None, l.campaign_id, None, None)
        }
        EntityType::Deal => {
            let d = c.get_deal(tenant, entity_id).await?.ok_or_else(missing)?;
            (
                d.person_id,
                d.company_id,
                d.campaign_id,
                Some(d.stage_id),
                Some(d.title),
            )
        }
    };
    let mut t = Target {
        entity_type,
        entity_id,
        person_id,
        phone: None,
        email: None,
        campaign_id,
        stage_id,
        title: title.unwrap_or_default(),
    };
    if let Some(pid) = person_id {
        let p = c.get_person(tenant, pid).await?.ok_or_else(missing)?;
        t.phone = p.phone.clone().or(p.phone_2.clone());
        t.email = p.email.clone();
        if t.title.is_empty() {
            t.title = p.full_name();
        }
    }
    if let Some(cid) = company_id {
        let co = c.get_company(tenant, cid).await?.ok_or_else(missing)?;
        if t.phone.is_none() {
            t.phone = co.phone.clone();
        }
        if t.email.is_none() {
            t.email = co.email.clone();
        }
        if t.title.is_empty() {
            t.title = co.name;
        }
    }
    Ok(t)
}

/// Gathers every fact the rules read for contacting `target` now on
/// `channel` (consents and preferences, the tenant policy and
/// do-not-call list, the campaign cadence, the stage playbook, the
/// person's attempts of the last 8 days) and decides.
///
/// A company without a person is a business line: the person level (GDPR
/// consent, which belongs to natural persons) is not applied to it.
pub async fn check_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    target: &Target,
    attempt: &Attempt,
) -> Result<Option<Refusal>> {
    let (channel, purpose, phone, at) = (
        attempt.channel,
        attempt.purpose,
        attempt.phone.as_deref(),
        attempt.at,
    );
    let tenant = ctx.tenant_id();
    let policy = c.contact_policy(tenant).await?.unwrap_or_default();
    let person = match target.person_id {
        Some(pid) => {
            let consents = c.consents_of(tenant, pid).await?;
            // Per channel: a decision about this channel or about every
            // channel, the newest first (a meeting follows "every channel").
            let on = crate::model::CONSENT_CHANNELS
                .contains(&channel)
                .then_some(channel);
            let latest = |kind: ConsentKind| crate::model::consent_state(&consents, kind, on);
            let prefs = c.contact_preferences(tenant, pid).await?;
            PersonPreferences {
                consent_service: latest(ConsentKind::ServiceContact),
                consent_marketing: latest(ConsentKind::Marketing),
                do_not_contact: prefs.do_not_contact,
                blocked_channels: prefs.blocked_channels,
            }
        }
        None => PersonPreferences {
            consent_service: Some(true),
            consent_marketing: Some(true),
            ..Default::default()
        },
    };
    let (mut do_not_call, mut do_not_call_marketing) = (Vec::new(), Vec::new());
    if let Some(p) = phone {
        match c.is_do_not_call(tenant, p).await? {
            Some(false) => do_not_call.push(p.to_string()),
            Some(true) => do_not_call_marketing.push(p.to_string()),
            None => {}
        }
    }
    let campaign = match target.campaign_id {
        Some(id) => c
            .campaign_cadences(tenant)
            .await?
            .into_iter()
            .find(|(cid, _)| *cid == id)
            .map(|(_, cad)| cad),
        None => None,
    };
    let stage = match target.stage_id {
        Some(id) => c
            .stage_playbooks(tenant)
            .await?
            .into_iter()
            .find(|(sid, _)| *sid == id)
            .map(|(_, p)| p),
        None => None,
    };
    let history = match target.person_id {
        Some(pid) => c
            .attempts_of_person(tenant, pid, at - Duration::days(8))
            .await?
            .into_iter()
            .map(|(when, ch, campaign)| PastAttempt {
                at: when,
                channel: ch,
                same_campaign: campaign.is_some() && campaign == target.campaign_id,
            })
            .collect(),
        None => Vec::new(),
    };
    let request = ContactRequest {
        at,
        channel,
        purpose,
        phone: phone.map(String::from),
        person,
        tenant: TenantPolicy {
            time_zone: policy.time_zone,
            quiet_hours: policy.quiet_hours,
            daily_cap: policy.daily_cap,
            do_not_call,
            do_not_call_marketing,
        },
        campaign,
        stage,
        history,
    };
    check_contact(&request).map_err(|e| Error::Validation(vec![e]))
}

/// Applies the rules to a contact about to be made: `Ok(None)` when they
/// allow it; `Ok(Some((code, reason)))` when a store manager or admin
/// overrides a refusal with a reason (logged by the caller with the
/// interaction, and here as `contact_override` on the record's timeline,
/// detail `<refusal code> — <reason>`).
///
/// Errors: [`Error::ContactRefused`] with the first refusal when there is
/// no override; [`Error::Forbidden`] (`override_contact_rules`) when a
/// staff member tries one; [`Error::Validation`] (`override_reason`:
/// `required`) for a blank reason.
pub async fn enforce_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    target: &Target,
    attempt: &Attempt,
    override_reason: Option<&str>,
) -> Result<Option<(String, String)>> {
    let at = attempt.at;
    let Some(refusal) = check_in(c, ctx, target, attempt).await? else {
        return Ok(None);
    };
    let Some(reason) = override_reason else {
        return Err(Error::ContactRefused(refusal));
    };
    ctx.require_manager("override_contact_rules")?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::field("override_reason", "required"));
    }
    // `quiet_hours — reason`: the UI names the rule in its language.
    let detail = format!("{} — {reason}", refusal.code);
    c.insert_record_event(
        ctx.tenant_id(),
        target.entity_type,
        target.entity_id,
        "contact_override",
        Some(&detail),
        Some(ctx.user.id),
        at,
    )
    .await?;
    Ok(Some((refusal.code, reason.to_string())))
}

/// Checks, without contacting, whether `entity` may be contacted now on
/// `channel` for `purpose`, and whether the acting user could override a
/// refusal. Errors: [`Error::NotFound`].
pub async fn check(
    db: &Db,
    ctx: &Ctx,
    entity_type: EntityType,
    entity_id: Uuid,
    channel: ContactChannel,
    purpose: ContactPurpose,
) -> Result<ContactCheck> {
    with_conn!(db, |c| {
        let target = target_in(c, ctx.tenant_id(), entity_type, entity_id).await?;
        let attempt = Attempt {
            channel,
            purpose,
            phone: target.phone.clone(),
            at: now(),
        };
        let refusal = check_in(c, ctx, &target, &attempt).await?;
        Ok(ContactCheck {
            allowed: refusal.is_none(),
            refusal,
            can_override: ctx.user.role.is_manager(),
            channel,
        })
    })
}
