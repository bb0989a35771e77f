//! Consents per purpose and per channel (GDPR art. 6-7, 21; issue 15):
//! given, changed or withdrawn at any time by whoever is at the counter,
//! each decision with its time, staff member, store, source and the text
//! version shown; the objection to marketing in one click; the versioned
//! consent texts (admins write new versions, old ones are kept); the
//! printed receipt (PDF, Italian or English).

use chrono::Utc;
use uuid::Uuid;

use super::pdf::{render, Block};
use super::{now, Ctx};
use crate::model::{
    consent_state, default_consent_text, Consent, ConsentDecision, ConsentKind, ConsentSource,
    ConsentText, DoNotCallEntry, EntityType, FieldError, Person, ReceiptLabels, CONSENT_CHANNELS,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Longest consent text an admin may write: 20,000 characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The languages consent texts and receipts are written in.
pub const LANGUAGES: [&str; 2] = ["it", "en"];

async fn living_person(c: &mut Conn<'_>, tenant: Uuid, id: Uuid) -> Result<Person> {
    let p = c
        .get_person(tenant, id)
        .await?
        .ok_or_else(|| Error::NotFound {
            entity: "person",
            id: id.to_string(),
        })?;
    if p.erased_at.is_some() {
        return Err(Error::field("person", "erased"));
    }
    Ok(p)
}

/// Records `decisions` about person `id`, taken at `source` by the acting
/// user in their store, with the tenant's current text version, in one
/// transaction; the timeline says which purposes and channels changed
/// (`consents_changed`, e.g. `marketing:sms=no`). Anyone at the counter.
/// Returns the person's decisions, newest first.
///
/// Errors: [`Error::NotFound`]; [`Error::Validation`] (`decisions`:
/// `required` when empty; `channel`: `not_a_consent_channel`; `source`:
/// `objection_only` for [`ConsentSource::Objection`], which
/// [`object_to_marketing`] writes; `person`: `erased`).
pub async fn record(
    db: &Db,
    ctx: &Ctx,
    id: Uuid,
    decisions: &[ConsentDecision],
    source: ConsentSource,
) -> Result<Vec<Consent>> {
    if decisions.is_empty() {
        return Err(Error::field("decisions", "required"));
    }
    if source == ConsentSource::Objection {
        return Err(Error::field("source", "objection_only"));
    }
    let errors: Vec<FieldError> = decisions.iter().filter_map(|d| d.check().err()).collect();
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| {
        living_person(c, tenant, id).await?;
        write(c, ctx, id, decisions, source).await?;
        c.consents_of(tenant, id).await
    })
}

async fn write(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    id: Uuid,
    decisions: &[ConsentDecision],
    source: ConsentSource,
) -> Result<()> {
    let (tenant, at) = (ctx.tenant_id(), now());
    // The version in force now (an admin may have written a new one since
    // this desk signed in).
    let version = c.get_tenant(tenant).await?.map_or_else(
        || ctx.tenant.consent_text_version.clone(),
        |t| t.consent_text_version,
    );
    let mut detail = Vec::new();
    for d in decisions {
        c.insert_consent(
            tenant,
            &Consent {
                id: Uuid::now_v7(),
                person_id: id,
                lead_id: None,
                kind: d.kind,
                granted: d.granted,
                text_version: version.clone(),
                recorded_at: at,
                recorded_by: Some(ctx.user.id),
                channel: d.channel,
                source,
                store_id: ctx.user.store_id,
            },
        )
        .await?;
        let channel = d.channel.map_or("all", |ch| ch.as_str());
        let answer = if d.granted { "yes" } else { "no" };
        detail.push(format!("{}:{channel}={answer}", d.kind.as_str()));
    }
    c.insert_record_event(
        tenant,
        EntityType::Person,
        id,
        "consents_changed",
        Some(&detail.join(", ")),
        Some(ctx.user.id),
        at,
    )
    .await
}

/// The person's objection to marketing (GDPR art. 21), in one click:
/// marketing, profiling and passing data to third parties refused on
/// every channel (source `objection`), and each of their phone numbers
/// put on the do-not-call list for marketing only (a service call about
/// their own request or contract is still allowed). Anyone at the
/// counter; written to the audit trail (`gdpr_objection`,
/// `person:<id>`). Returns the person's decisions, newest first.
///
/// Errors: [`Error::NotFound`]; [`Error::Validation`] (`person`: `erased`).
pub async fn object_to_marketing(db: &Db, ctx: &Ctx, id: Uuid) -> Result<Vec<Consent>> {
    let tenant = ctx.tenant_id();
    let decisions: Vec<ConsentDecision> = [
        ConsentKind::Marketing,
        ConsentKind::Profiling,
        ConsentKind::ThirdParties,
    ]
    .into_iter()
    .map(|kind| ConsentDecision {
        kind,
        channel: None,
        granted: false,
    })
    .collect();
    with_tx!(db, |c| {
        let person = living_person(c, tenant, id).await?;
        write(c, ctx, id, &decisions, ConsentSource::Objection).await?;
        for phone in person.phone.iter().chain(person.phone_2.iter()) {
            let entry = DoNotCallEntry {
                phone: phone.clone(),
                reason: Some("GDPR art. 21".into()),
                added_at: now(),
                marketing_only: true,
            };
            c.add_marketing_do_not_call(tenant, &entry, ctx.user.id)
                .await?;
        }
        let subject = format!("person:{id}");
        super::audit::record_in(
            c,
            tenant,
            ctx.user.id,
            now(),
            "gdpr_objection",
            &subject,
            "{}".into(),
        )
        .await?;
        c.consents_of(tenant, id).await
    })
}

/// The consent text of `version` in `language` as kept, or Banco's own
/// text ([`default_consent_text`]) for a version the tenant never wrote
/// (the first one).
pub async fn text_of(db: &Db, ctx: &Ctx, version: &str, language: &str) -> Result<String> {
    let tenant = ctx.tenant_id();
    let kept = with_conn!(db, |c| c.consent_text(tenant, version, language).await)?;
    Ok(kept.map_or_else(|| default_consent_text(language).to_string(), |t| t.body))
}

/// Every kept version of the consent texts, newest first (both
/// languages). Anyone: the counter shows the current one.
pub async fn texts(db: &Db, ctx: &Ctx) -> Result<Vec<ConsentText>> {
    let tenant = ctx.tenant_id();
    with_conn!(db, |c| c.consent_texts(tenant).await)
}

/// Writes a new version of the consent texts (`it` and `en`) and makes it
/// the one new decisions point at; older versions stay, unchanged, for
/// the decisions taken under them. Admins. Returns the new version's
/// label (`YYYYMMDD-HHMMSS`, UTC).
///
/// Errors: [`Error::Forbidden`] (`edit_consent_texts`);
/// [`Error::Validation`] (`it` / `en`: `required`, `too_long` with `max`).
pub async fn save_texts(db: &Db, ctx: &Ctx, it: &str, en: &str) -> Result<String> {
    ctx.require_admin("edit_consent_texts")?;
    let mut errors = Vec::new();
    for (field, body) in [("it", it), ("en", en)] {
        if body.trim().is_empty() {
            errors.push(FieldError::new(field, "required"));
        } else if body.chars().count() > MAX_TEXT_CHARS {
            errors.push(FieldError::new(field, "too_long").with("max", MAX_TEXT_CHARS.to_string()));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let at = Utc::now();
    let version = at.format("%Y%m%d-%H%M%S").to_string();
    let texts = [
        ("it".to_string(), it.trim().to_string()),
        ("en".to_string(), en.trim().to_string()),
    ];
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| c
        .insert_consent_version(tenant, &version, &texts, ctx.user.id, at)
        .await)?;
    Ok(version)
}

/// The consent receipt of person `id` as a PDF in `language` (`it` or
/// `en`): the controller and the store, the person (name, codice
/// fiscale), each purpose's state on every channel today, the history of
/// decisions (when, where, by whom, text version) and the text of the
/// version last shown. Anyone at the counter may print it for the person
/// in front of them.
///
/// Errors: [`Error::NotFound`]; [`Error::Validation`] (`language`:
/// `unknown_value`; `person`: `erased`).
pub async fn receipt_pdf(db: &Db, ctx: &Ctx, id: Uuid, language: &str) -> Result<Vec<u8>> {
    if !LANGUAGES.contains(&language) {
        return Err(Error::Validation(vec![FieldError::new(
            "language",
            "unknown_value",
        )
        .with("value", language)
        .with("allowed", LANGUAGES.join(", "))]));
    }
    let l = ReceiptLabels::of(language);
    let tenant = ctx.tenant_id();
    let (person, consents, stores, users) = with_conn!(db, |c| {
        let person = living_person(c, tenant, id).await?;
        let consents = c.consents_of(tenant, id).await?;
        let stores = c.list_stores(tenant).await?;
        let mut users = Vec::new();
        for by in consents.iter().filter_map(|x| x.recorded_by) {
            if !users.iter().any(|(u, _)| *u == by) {
                let name = c.get_user(tenant, by).await?.map(|u| u.display_name);
                users.push((by, name.unwrap_or_default()));
            }
        }
        Ok::<_, Error>((person, consents, stores, users))
    })?;
    let store_name = |s: Option<Uuid>| {
        s.and_then(|s| stores.iter().find(|x| x.id == s))
            .map(|x| x.name.clone())
    };
    let user_name = |u: Option<Uuid>| {
        u.and_then(|u| users.iter().find(|(id, _)| *id == u))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let mut blocks = vec![
        Block::Text(format!("{}: {}", l.controller, ctx.tenant.name)),
        Block::Text(format!(
            "{}: {}",
            l.store,
            store_name(ctx.user.store_id)
                .or_else(|| store_name(consents.first().and_then(|x| x.store_id)))
                .unwrap_or_else(|| "-".into())
        )),
        Block::Text(format!("{}: {}", l.person, person.full_name())),
    ];
    if let Some(tax) = &person.tax_code {
        blocks.push(Block::Text(format!("{}: {tax}", l.tax_code)));
    }
    blocks.push(Block::Text(format!(
        "{}: {}",
        l.printed,
        Utc::now().format("%Y-%m-%d %H:%M")
    )));
    blocks.push(Block::Heading(l.current.into()));
    for kind in ConsentKind::ALL {
        let state = |ch| match consent_state(&consents, *kind, ch) {
            Some(true) => l.given,
            Some(false) => l.refused,
            None => l.not_asked,
        };
        let per_channel: Vec<String> = CONSENT_CHANNELS
            .iter()
            .map(|ch| format!("{} {}", l.channel(Some(*ch)), state(Some(*ch))))
            .collect();
        blocks.push(Block::Text(format!(
            "{}: {}",
            l.purpose(*kind),
            per_channel.join(", ")
        )));
    }
    blocks.push(Block::Heading(l.history.into()));
    for x in &consents {
        blocks.push(Block::Small(format!(
            "{} UTC · {} · {} · {} · {} · {} {} · {} {}",
            x.recorded_at.format("%Y-%m-%d %H:%M"),
            l.purpose(x.kind),
            l.channel(x.channel),
            if x.granted { l.given } else { l.refused },
            [Some(l.source(x.source).to_string()), store_name(x.store_id)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            l.by,
            user_name(x.recorded_by),
            l.version,
            x.text_version
        )));
    }
    let version = consents
        .first()
        .map_or(ctx.tenant.consent_text_version.clone(), |x| {
            x.text_version.clone()
        });
    blocks.push(Block::Heading(format!(
        "{} ({} {version})",
        l.text, l.version
    )));
    blocks.push(Block::Text(text_of(db, ctx, &version, language).await?));
    blocks.push(Block::Gap);
    blocks.push(Block::Small(l.footer.into()));
    Ok(render(l.title, &blocks))
}
