//! Capture at the counter: one person across the CRM, one new lead.

use uuid::Uuid;

use super::history::event;
use super::Ctx;
use crate::model::{
    CaptureLead, CaptureOutcome, Consent, Email, FieldError, Lead, LeadEventKind, LeadStatus,
    Person, PersonMatch, Phone, RuleTrigger, Utm, ValidCapture,
};
use crate::store::{Conn, Db};
use crate::{with_conn, Error, Result};

/// People matching a phone and/or e-mail being typed, with their open leads
/// and deals and whether they are customers. Input that is not (yet) a
/// valid phone or e-mail is ignored rather than refused, since the user is
/// still typing.
pub async fn find_matches(
    db: &Db,
    ctx: &Ctx,
    phone: &str,
    email: &str,
) -> Result<Vec<PersonMatch>> {
    find_matches_with_name(db, ctx, phone, email, "", "").await
}

/// [`find_matches`], then people with the same name (accents, case and
/// word order of first and last name ignored, found through the search
/// index), marked `matched_on: ["name"]`: a possible duplicate when the
/// customer gives a new number. At most 5 name matches; people already
/// matched by contact are not repeated.
pub async fn find_matches_with_name(
    db: &Db,
    ctx: &Ctx,
    phone: &str,
    email: &str,
    first_name: &str,
    last_name: &str,
) -> Result<Vec<PersonMatch>> {
    let phone = Phone::parse(phone, ctx.region(), "phone").ok();
    let email = Email::parse(email, "email").ok();
    let mut out = if phone.is_none() && email.is_none() {
        Vec::new()
    } else {
        with_conn!(db, |c| matches_in(c, ctx, phone.as_ref(), email.as_ref())
            .await)?
    };
    if first_name.trim().is_empty() || last_name.trim().is_empty() {
        return Ok(out);
    }
    let ids = super::duplicates::same_name(db, ctx, first_name, last_name, 5).await?;
    let tenant = ctx.tenant_id();
    for id in ids {
        if out.iter().any(|m| m.person.id == id) {
            continue;
        }
        let found = with_conn!(db, |c| {
            let person = c.get_person(tenant, id).await?;
            let leads = c.count_open_leads(tenant, id).await?;
            let deals = c.count_open_deals(tenant, id).await?;
            let elsewhere = c
                .open_leads_elsewhere(tenant, id, ctx.user.store_id)
                .await?;
            Ok::<_, Error>(person.map(|p| (p, leads, deals, elsewhere)))
        })?;
        if let Some((person, open_leads, open_deals, open_elsewhere)) = found {
            out.push(PersonMatch {
                person,
                matched_on: vec!["name".into()],
                open_leads,
                open_deals,
                open_elsewhere,
                copy_taken_at: None,
            });
        }
    }
    Ok(out)
}

async fn matches_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    phone: Option<&Phone>,
    email: Option<&Email>,
) -> Result<Vec<PersonMatch>> {
    let phones: Vec<String> = phone.map(|p| p.e164().to_string()).into_iter().collect();
    let people = c
        .find_people_by_contact(ctx.tenant_id(), &phones, email.map(Email::as_str))
        .await?;
    let mut out = Vec::with_capacity(people.len());
    for person in people {
        let mut matched_on = Vec::new();
        if let Some(p) = phone {
            if person.phone.as_deref() == Some(p.e164())
                || person.phone_2.as_deref() == Some(p.e164())
            {
                matched_on.push("phone".to_string());
            }
        }
        if email.is_some() && person.email.as_deref() == email.map(Email::as_str) {
            matched_on.push("email".to_string());
        }
        let open_leads = c.count_open_leads(ctx.tenant_id(), person.id).await?;
        let open_deals = c.count_open_deals(ctx.tenant_id(), person.id).await?;
        let open_elsewhere = c
            .open_leads_elsewhere(ctx.tenant_id(), person.id, ctx.user.store_id)
            .await?;
        out.push(PersonMatch {
            person,
            matched_on,
            open_leads,
            open_deals,
            open_elsewhere,
            copy_taken_at: None,
        });
    }
    Ok(out)
}

/// Saves a lead captured at the counter, in one transaction:
/// 1. validates the form ([`CaptureLead::validate`]);
/// 2. if `input.id` names a lead already saved, returns it unchanged
///    (`created: false`): a retried save never makes a second lead;
/// 3. finds the person — `input.person_id`, else the oldest person with the
///    same phone (main or second) or e-mail — and completes their missing
///    contacts; or creates a new person;
/// 4. inserts the lead (`new`, owned by the acting user, in `input.store_id`
///    or the user's store), the four consent answers (with time, user and
///    the tenant's consent text version), a `created` history entry and its
///    first-touch attribution (campaign, source channel, UTM codes) — also
///    recorded as a later touch on the person's other open leads;
/// 5. runs the conversion rules with trigger `captured`
///    ([`super::rules`]): a rule that fires opens a deal (`deal_id`) and the
///    lead is returned `converted`.
///
/// Errors: [`Error::Validation`] for the form (and `store_id` /
/// `campaign_id`: `unknown_value`), [`Error::NotFound`] for an unknown
/// `person_id`.
pub async fn capture_lead(db: &Db, ctx: &Ctx, input: CaptureLead) -> Result<CaptureOutcome> {
    capture_with(db, ctx, input, super::now(), false).await
}

/// [`capture_lead`] at the counter, of a capture taken at `at` (UTC), the
/// lead's creation time (an outbox entry sent later keeps the time it was
/// taken). On SQLite it waits at most [`crate::store::COUNTER_WAIT`] for
/// the write lock ([`Db::begin_counter`]).
///
/// Errors: as [`capture_lead`]; `SQLITE_BUSY` ([`Error::is_busy`]) when the
/// database stayed locked (nothing was written).
pub(crate) async fn capture_at_counter(
    db: &Db,
    ctx: &Ctx,
    input: CaptureLead,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<CaptureOutcome> {
    capture_with(db, ctx, input, at, true).await
}

/// The form checked, then captured in one transaction ([`Db::begin_counter`]
/// when `counter`, else [`Db::begin`]).
async fn capture_with(
    db: &Db,
    ctx: &Ctx,
    input: CaptureLead,
    at: chrono::DateTime<chrono::Utc>,
    counter: bool,
) -> Result<CaptureOutcome> {
    let valid = input.validate(ctx.region()).map_err(Error::Validation)?;
    let lead_id = input.id.unwrap_or_else(Uuid::now_v7);
    let mut tx = if counter {
        db.begin_counter().await?
    } else {
        db.begin().await?
    };
    let result = {
        let mut conn = tx.conn();
        capture_in(&mut conn, ctx, &input, &valid, lead_id, at).await
    };
    tx.finish(result).await
}

async fn capture_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    input: &CaptureLead,
    valid: &ValidCapture,
    lead_id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<CaptureOutcome> {
    let tenant = ctx.tenant_id();
    if let Some(lead) = c.get_lead(tenant, lead_id).await? {
        let person =
            c.get_person(tenant, lead.person_id)
                .await?
                .ok_or_else(|| Error::NotFound {
                    entity: "person",
                    id: lead.person_id.to_string(),
                })?;
        let deal_id = c.deals_of_lead(tenant, lead.id).await?.into_iter().next();
        return Ok(CaptureOutcome {
            lead,
            person,
            existing_person: true,
            created: false,
            deal_id,
        });
    }
    let store_id = store_or_users(c, ctx, input.store_id).await?;
    if let Some(campaign) = input.campaign_id {
        if !c
            .list_campaigns(tenant)
            .await?
            .iter()
            .any(|x| x.id == campaign && !x.archived)
        {
            return Err(Error::Validation(vec![FieldError::new(
                "campaign_id",
                "unknown_value",
            )
            .with("value", campaign.to_string())]));
        }
    }
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| v.chars().take(200).collect::<String>())
    };
    let utm = Utm {
        source: clean(&input.utm.source),
        medium: clean(&input.utm.medium),
        campaign: clean(&input.utm.campaign),
        term: clean(&input.utm.term),
        content: clean(&input.utm.content),
    };
    let existing = match input.person_id {
        Some(id) => Some(
            c.get_person(tenant, id)
                .await?
                .ok_or_else(|| Error::NotFound {
                    entity: "person",
                    id: id.to_string(),
                })?,
        ),
        None if input.new_person => None,
        None => {
            let phones: Vec<String> = valid.phone.iter().map(|p| p.e164().to_string()).collect();
            let email = valid.email.as_ref().map(Email::as_str);
            let found = c
                .find_people_by_contact(tenant, &phones, email)
                .await?
                .into_iter()
                .next();
            // Met by a phone or e-mail only, under another name: the clerk
            // says whether it is the same person before anything of theirs
            // (consents, contacts) is written.
            if let Some(p) = found.as_ref().filter(|p| another_name(p, valid)) {
                return Err(Error::Validation(vec![FieldError::new(
                    "person",
                    "same_contact_other_name",
                )
                .with("person_id", p.id.to_string())
                .with("name", p.full_name())]));
            }
            found
        }
    };
    let existing_person = existing.is_some();
    let person = match existing {
        Some(mut person) => {
            if complete_person(&mut person, valid) {
                let read_at = person.updated_at;
                person.updated_at = at;
                c.update_person(tenant, &person, read_at).await?;
            }
            person
        }
        None => {
            let person = Person::new(
                Uuid::now_v7(),
                valid.first_name.clone(),
                valid.last_name.clone(),
                valid.phone.as_ref().map(|p| p.e164().to_string()),
                valid.email.as_ref().map(|e| e.as_str().to_string()),
                at,
            );
            c.insert_person(tenant, &person).await?;
            c.insert_record_event(
                tenant,
                crate::model::EntityType::Person,
                person.id,
                "created",
                None,
                Some(ctx.user.id),
                at,
            )
            .await?;
            person
        }
    };
    let lead = Lead {
        id: lead_id,
        tenant_id: tenant,
        person_id: person.id,
        store_id,
        owner_id: Some(ctx.user.id),
        status: LeadStatus::New,
        disqualify_reason: None,
        source_channel: input.source_channel,
        interest: input.interest,
        campaign_id: input.campaign_id,
        utm_source: utm.source.clone(),
        utm_medium: utm.medium.clone(),
        utm_campaign: utm.campaign.clone(),
        utm_term: utm.term.clone(),
        utm_content: utm.content.clone(),
        note: valid.note.clone(),
        created_at: at,
        updated_at: at,
        created_by: Some(ctx.user.id),
    };
    c.insert_lead(&lead).await?;
    for (kind, granted) in input.consents.entries() {
        let consent = Consent {
            id: Uuid::now_v7(),
            person_id: person.id,
            lead_id: Some(lead.id),
            kind,
            granted,
            text_version: ctx.tenant.consent_text_version.clone(),
            recorded_at: at,
            recorded_by: Some(ctx.user.id),
            channel: None,
            source: crate::model::ConsentSource::Store,
            store_id: lead.store_id,
        };
        c.insert_consent(tenant, &consent).await?;
    }
    c.insert_event(tenant, &event(lead.id, LeadEventKind::Created, ctx, at))
        .await?;
    // The new lead's first touch, and a later touch on every other open
    // lead of the same person (multi-touch history).
    for open in c.open_leads_of(tenant, person.id).await? {
        c.insert_attribution(
            tenant,
            open,
            lead.campaign_id,
            lead.source_channel.as_str(),
            &utm,
            at,
        )
        .await?;
    }
    let deal_id = super::rules::apply_in(c, ctx, &lead, RuleTrigger::Captured).await?;
    let lead = match deal_id {
        Some(_) => c.get_lead(tenant, lead.id).await?.unwrap_or(lead),
        None => lead,
    };
    Ok(CaptureOutcome {
        lead,
        person,
        existing_person,
        created: true,
        deal_id,
    })
}

/// The store a new lead belongs to: `requested`, else the acting user's
/// store. Errors: [`Error::Validation`] `store_id`: `unknown_value` when it
/// is not a store of the tenant.
pub(crate) async fn store_or_users(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    requested: Option<Uuid>,
) -> Result<Option<Uuid>> {
    let store_id = requested.or(ctx.user.store_id);
    if let Some(store) = store_id {
        if !c
            .list_stores(ctx.tenant_id())
            .await?
            .iter()
            .any(|s| s.id == store)
        {
            return Err(Error::Validation(vec![FieldError::new(
                "store_id",
                "unknown_value",
            )
            .with("value", store.to_string())]));
        }
    }
    Ok(store_id)
}

/// Fills what a known person lacks from a new capture: names left empty, a
/// missing e-mail, a missing phone (or a second phone if the new one
/// differs). Never overwrites what is there. Returns whether anything changed.
/// Whether the typed name is another one than the person's: both known and
/// different once folded (case, accents, spaces), and not one name typed
/// alone that the person's full name contains ("Rossi" for "Mario Rossi").
fn another_name(person: &Person, valid: &ValidCapture) -> bool {
    let typed = crate::model::search_key(&format!("{} {}", valid.first_name, valid.last_name));
    let theirs = crate::model::search_key(&person.full_name());
    if typed.trim().is_empty() || theirs.trim().is_empty() || typed == theirs {
        return false;
    }
    let words: Vec<&str> = theirs.split_whitespace().collect();
    !typed.split_whitespace().all(|w| words.contains(&w))
}

fn complete_person(person: &mut Person, valid: &ValidCapture) -> bool {
    let mut changed = false;
    let mut fill = |slot: &mut String, value: &str| {
        if slot.trim().is_empty() && !value.is_empty() {
            *slot = value.to_string();
            changed = true;
        }
    };
    fill(&mut person.first_name, &valid.first_name);
    fill(&mut person.last_name, &valid.last_name);
    if let Some(phone) = &valid.phone {
        let e164 = phone.e164();
        if person.phone.is_none() {
            person.phone = Some(e164.to_string());
            changed = true;
        } else if person.phone.as_deref() != Some(e164) && person.phone_2.is_none() {
            person.phone_2 = Some(e164.to_string());
            changed = true;
        }
    }
    if let (None, Some(email)) = (&person.email, &valid.email) {
        person.email = Some(email.as_str().to_string());
        changed = true;
    }
    changed
}
