//! The desk's copy of the store's people: taken while the chain server answers, used by the counter's match panel and the search box while it does not.
//!
//! Issue 13 ("Never lose a lead"): offline, "search and the match panel
//! work on a local copy of the store's people refreshed while online
//! (marked as possibly stale)". The copy lives in the desk's outbox file
//! ([`crate::store::outbox`]), one per server and user, so it holds only
//! what that user could read online:
//!
//! - [`refresh`] takes it: the people with a lead or a deal in the user's
//!   home store (a user without one: the tenant's), at most
//!   [`COPY_LIMIT`], most recently changed first, with their open leads and
//!   deals, and the tenant's stores (the counter's store list offline).
//!   The window takes it again when [`is_due`].
//! - [`find_matches`] and [`search`] answer from it, each answer carrying
//!   the time the copy was taken (`copy_taken_at`), which the window shows
//!   as "possibly stale since".
//!
//! A person only in another store's records is not in the copy: the server
//! still attaches a queued capture to the person it matches when the
//! capture arrives ([`super::outbox`]).

use chrono::{DateTime, Utc};

use super::{now, Ctx};
use crate::model::{Email, EntityType, PersonMatch, Phone, SearchHit, SearchResults, Shop};
use crate::store::outbox::{CopiedPerson, CopyInfo, Outbox};
use crate::store::search::person_doc;
use crate::store::Db;
use crate::{with_conn, Error, Result};

/// Most people one copy holds.
pub const COPY_LIMIT: u32 = 20_000;

/// Age from which the window takes a copy again (15 minutes).
pub const REFRESH_EVERY: chrono::Duration = chrono::Duration::minutes(15);

/// Age from which the window takes a copy again when people, leads or
/// deals changed since (30 seconds: a busy chain does not rewrite the copy
/// on every capture).
pub const CHANGED_REFRESH_AFTER: chrono::Duration = chrono::Duration::seconds(30);

/// Most name matches and search hits answered from the copy, as online
/// (`capture::find_matches_with_name`: 5 name matches; the search box: its
/// `per_group`).
const NAME_MATCHES: u32 = 5;

/// Takes the acting user's copy of `db`'s people into `outbox`, replacing
/// the one before (see the module docs). Returns what was taken; `None`
/// for a database without an outbox key (in memory).
///
/// Errors: database errors (then the old copy is kept); outbox file errors.
pub async fn refresh(db: &Db, ctx: &Ctx, outbox: &Outbox) -> Result<Option<CopyInfo>> {
    let Some(server) = db.outbox_key() else {
        return Ok(None);
    };
    let tenant = ctx.tenant_id();
    let store = ctx.user.store_id;
    let (mut people, stores) = with_conn!(db, |c| {
        let people = c.people_for_copy(tenant, store, COPY_LIMIT + 1).await?;
        let stores = c.list_stores(tenant).await?;
        Ok::<_, Error>((people, stores))
    })?;
    let complete = people.len() <= COPY_LIMIT as usize;
    people.truncate(COPY_LIMIT as usize);
    let info = CopyInfo {
        taken_at: now(),
        store_id: store,
        stores,
        people: people.len() as u64,
        complete,
    };
    outbox
        .replace_copy(server, ctx.user.id, &info, &people)
        .await?;
    Ok(Some(info))
}

/// Whether the acting user's copy for `server` should be taken again at
/// `at`: it is missing, older than [`REFRESH_EVERY`], or `changed` (people,
/// leads or deals were written since it was taken) and older than
/// [`CHANGED_REFRESH_AFTER`].
///
/// Errors: outbox file errors.
pub async fn is_due(
    outbox: &Outbox,
    server: &str,
    ctx: &Ctx,
    at: DateTime<Utc>,
    changed: bool,
) -> Result<bool> {
    Ok(match outbox.copy_info(server, ctx.user.id).await? {
        Some(info) => {
            let age = at - info.taken_at;
            age >= REFRESH_EVERY || (changed && age >= CHANGED_REFRESH_AFTER)
        }
        None => true,
    })
}

/// The tenant's stores as the acting user's copy for `server` has them
/// (empty without a copy).
///
/// Errors: outbox file errors.
pub async fn stores(outbox: &Outbox, server: &str, ctx: &Ctx) -> Result<Vec<Shop>> {
    Ok(outbox
        .copy_info(server, ctx.user.id)
        .await?
        .map(|i| i.stores)
        .unwrap_or_default())
}

/// The match panel offline: as `capture::find_matches_with_name`, on the
/// acting user's copy for `server`. Every match carries `copy_taken_at`.
///
/// Errors: [`Error::Offline`] when this computer has no copy for the user
/// (they never worked online here); outbox file errors.
pub async fn find_matches(
    outbox: &Outbox,
    server: &str,
    ctx: &Ctx,
    phone: &str,
    email: &str,
    first_name: &str,
    last_name: &str,
) -> Result<Vec<PersonMatch>> {
    let Some(info) = outbox.copy_info(server, ctx.user.id).await? else {
        return Err(Error::Offline);
    };
    let phone = Phone::parse(phone, ctx.region(), "phone").ok();
    let email = Email::parse(email, "email").ok();
    let phones: Vec<String> = phone.iter().map(|p| p.e164().to_string()).collect();
    let by_contact = outbox
        .copy_by_contact(
            server,
            ctx.user.id,
            &phones,
            email.as_ref().map(Email::as_str),
        )
        .await?;
    let mut out: Vec<PersonMatch> = by_contact
        .into_iter()
        .map(|found| {
            let p = &found.0;
            let mut matched_on = Vec::new();
            if let Some(e164) = phones.first() {
                if [&p.phone, &p.phone_2]
                    .iter()
                    .any(|x| x.as_ref() == Some(e164))
                {
                    matched_on.push("phone".to_string());
                }
            }
            if let Some(e) = &email {
                if [&p.email, &p.email_2]
                    .iter()
                    .any(|x| x.as_deref() == Some(e.as_str()))
                {
                    matched_on.push("email".to_string());
                }
            }
            matched(found, matched_on, info.taken_at)
        })
        .collect();
    if first_name.trim().is_empty() || last_name.trim().is_empty() {
        return Ok(out);
    }
    let keys = super::duplicates::same_name_keys(first_name, last_name);
    for found in outbox
        .copy_by_name(server, ctx.user.id, &keys, NAME_MATCHES)
        .await?
    {
        if !out.iter().any(|m| m.person.id == found.0.id) {
            out.push(matched(found, vec!["name".into()], info.taken_at));
        }
    }
    Ok(out)
}

fn matched(found: CopiedPerson, matched_on: Vec<String>, taken_at: DateTime<Utc>) -> PersonMatch {
    let (person, open_leads, open_deals) = found;
    PersonMatch {
        person,
        matched_on,
        open_leads,
        open_deals,
        open_elsewhere: Vec::new(),
        copy_taken_at: Some(taken_at),
    }
}

/// The search box offline: people of the acting user's copy for `server`
/// whose name, e-mail, company or phone digits contain every word of
/// `query` (accents and case ignored), at most `per_group`, in one
/// `person` group; `copy_taken_at` is set.
///
/// Errors: [`Error::Offline`] when this computer has no copy for the user;
/// outbox file errors.
pub async fn search(
    outbox: &Outbox,
    server: &str,
    ctx: &Ctx,
    query: &str,
    per_group: usize,
) -> Result<SearchResults> {
    let Some(info) = outbox.copy_info(server, ctx.user.id).await? else {
        return Err(Error::Offline);
    };
    let terms = super::search::terms(query);
    let limit = u32::try_from(per_group.max(1)).unwrap_or(u32::MAX);
    let hits: Vec<SearchHit> = outbox
        .copy_search(server, ctx.user.id, &terms, limit)
        .await?
        .into_iter()
        .map(|(p, _, _)| {
            let doc = person_doc(&p);
            SearchHit {
                kind: "person".into(),
                id: p.id,
                open_type: EntityType::Person,
                open_id: p.id,
                title: doc.title,
                subtitle: doc.subtitle,
            }
        })
        .collect();
    Ok(SearchResults {
        terms,
        groups: if hits.is_empty() {
            Vec::new()
        } else {
            vec![("person".into(), hits)]
        },
        fuzzy: false,
        copy_taken_at: Some(info.taken_at),
    })
}
