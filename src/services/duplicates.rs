//! Duplicate people and companies: detection (exact keys and similar
//! names), the review list with its evidence, and merging.

use std::collections::{BTreeMap, HashMap, HashSet};

use uuid::Uuid;

use super::{now, Ctx};
use crate::model::{
    consent_state, search_key, Consent, ConsentKind, DuplicatePair, EntityType, Evidence,
    EvidenceKind, MergeOutcome, RecordSummary,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Jaro-Winkler similarity from which two names are "similar" (0–1).
pub const NAME_SIMILARITY: f64 = 0.93;

/// How many following records each one is compared with in the sorted
/// neighbourhood pass.
pub const WINDOW: usize = 6;

/// Most pairs returned by one scan.
pub const MAX_PAIRS: usize = 1_000;

/// A name carried by more records than this is common: sharing it is not
/// evidence on its own (it still counts beside a shared company).
pub const COMMON_NAME: usize = 3;

/// One record's keys, backend-neutral.
struct Keys {
    id: Uuid,
    /// Folded full name.
    name: String,
    /// Folded name with its words sorted (finds "Rossi Mario" = "Mario Rossi").
    sorted_name: String,
    /// Folded company (people) or location (companies).
    context: String,
    exact: Vec<(EvidenceKind, String)>,
}

fn add(
    pairs: &mut BTreeMap<(Uuid, Uuid), Vec<Evidence>>,
    a: Uuid,
    b: Uuid,
    kind: EvidenceKind,
    value: String,
) {
    if a == b {
        return;
    }
    let key = if a < b { (a, b) } else { (b, a) };
    let list = pairs.entry(key).or_default();
    if !list.iter().any(|e| e.kind == kind) {
        list.push(Evidence { kind, value });
    }
}

/// Finds likely duplicate pairs among `keys` (oldest first): records that
/// share a phone, e-mail or tax id; records with the same folded name and
/// the same company; and records whose names are the same or similar
/// (Jaro-Winkler ≥ [`NAME_SIMILARITY`]; an identical name only when at most
/// [`COMMON_NAME`] records carry it), compared within a window of [`WINDOW`] after
/// sorting by name and by sorted name words — the sorted-neighbourhood
/// method (Hernández & Stolfo, 1995), which keeps the scan O(n log n).
fn detect(
    keys: &[Keys],
    dismissed: &HashSet<(Uuid, Uuid)>,
) -> Vec<((Uuid, Uuid), Vec<Evidence>, u8)> {
    let mut pairs: BTreeMap<(Uuid, Uuid), Vec<Evidence>> = BTreeMap::new();
    let mut seen: HashMap<(EvidenceKind, &str), Uuid> = HashMap::new();
    for k in keys {
        for (kind, value) in &k.exact {
            match seen.get(&(*kind, value.as_str())) {
                Some(first) => add(&mut pairs, *first, k.id, *kind, value.clone()),
                None => {
                    seen.insert((*kind, value.as_str()), k.id);
                }
            }
        }
    }
    let mut by_name_context: HashMap<(&str, &str), Uuid> = HashMap::new();
    for k in keys
        .iter()
        .filter(|k| !k.context.is_empty() && !k.name.is_empty())
    {
        match by_name_context.get(&(k.sorted_name.as_str(), k.context.as_str())) {
            Some(first) => add(
                &mut pairs,
                *first,
                k.id,
                EvidenceKind::NameAndCompany,
                format!("{} · {}", k.name, k.context),
            ),
            None => {
                by_name_context.insert((k.sorted_name.as_str(), k.context.as_str()), k.id);
            }
        }
    }
    // How many records carry each name: a name shared by more than
    // `COMMON_NAME` records ("Mario Rossi") is no evidence on its own.
    let mut name_counts: HashMap<&str, usize> = HashMap::new();
    for k in keys {
        *name_counts.entry(k.sorted_name.as_str()).or_default() += 1;
    }
    // The name pass stops adding pairs once there are plenty to review
    // (they all score below shared contacts, and merging shrinks the list).
    let name_budget = pairs.len() + MAX_PAIRS * 4;
    for sort_key in [0, 1] {
        let mut order: Vec<&Keys> = keys.iter().filter(|k| k.name.len() >= 3).collect();
        order.sort_by(|a, b| {
            let (x, y) = if sort_key == 0 {
                (&a.name, &b.name)
            } else {
                (&a.sorted_name, &b.sorted_name)
            };
            x.cmp(y)
        });
        for (i, a) in order.iter().enumerate() {
            for b in order.iter().skip(i + 1).take(WINDOW) {
                // Identical names count too (1.00): the review shows them
                // below every pair with a shared contact.
                if pairs.len() >= name_budget {
                    break;
                }
                let identical = a.sorted_name == b.sorted_name;
                if identical && name_counts[a.sorted_name.as_str()] > COMMON_NAME {
                    continue;
                }
                let sim = strsim::jaro_winkler(&a.sorted_name, &b.sorted_name);
                if sim >= NAME_SIMILARITY {
                    add(
                        &mut pairs,
                        a.id,
                        b.id,
                        EvidenceKind::SimilarName,
                        format!("{:.2}", sim),
                    );
                }
            }
        }
    }
    let mut out: Vec<((Uuid, Uuid), Vec<Evidence>, u8)> = pairs
        .into_iter()
        .filter(|(k, _)| !dismissed.contains(k))
        .map(|(k, ev)| {
            let strong = ev.iter().any(|e| {
                matches!(
                    e.kind,
                    EvidenceKind::Phone | EvidenceKind::Email | EvidenceKind::TaxId
                )
            });
            let score = if strong {
                100
            } else if ev.iter().any(|e| e.kind == EvidenceKind::NameAndCompany) {
                90
            } else {
                ev.iter()
                    .filter_map(|e| e.value.parse::<f64>().ok())
                    .map(|s| (s * 85.0).round() as u8)
                    .max()
                    .unwrap_or(0)
            };
            (k, ev, score)
        })
        .collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    out.truncate(MAX_PAIRS);
    out
}

fn sorted_words(name: &str) -> String {
    let mut w: Vec<&str> = name.split_whitespace().collect();
    w.sort_unstable();
    w.join(" ")
}

/// Scans the tenant's people (`Person`) or companies (`Company`) for likely
/// duplicates, strongest evidence first, without pairs marked "not a
/// duplicate". Each pair has both records' summaries (older as `a`).
///
/// Errors: [`Error::Validation`] for another entity type.
pub async fn scan(db: &Db, ctx: &Ctx, entity: EntityType) -> Result<Vec<DuplicatePair>> {
    let tenant = ctx.tenant_id();
    let keys: Vec<Keys> = match entity {
        EntityType::Person => with_conn!(db, |c| c.people_keys(tenant).await)?
            .into_iter()
            .map(|p| {
                let name = search_key(&format!("{} {}", p.first_name, p.last_name));
                let mut exact = Vec::new();
                for phone in [p.phone_e164, p.phone_2_e164].into_iter().flatten() {
                    exact.push((EvidenceKind::Phone, phone));
                }
                if let Some(e) = p.email {
                    exact.push((EvidenceKind::Email, e));
                }
                if let Some(t) = p.tax_code {
                    exact.push((EvidenceKind::TaxId, t));
                }
                Keys {
                    id: p.id,
                    sorted_name: sorted_words(&name),
                    name,
                    context: search_key(p.company_name.as_deref().unwrap_or("")),
                    exact,
                }
            })
            .collect(),
        EntityType::Company => with_conn!(db, |c| c.company_keys(tenant).await)?
            .into_iter()
            .map(|c| {
                let mut exact = Vec::new();
                for t in [c.vat_number, c.tax_code].into_iter().flatten() {
                    exact.push((EvidenceKind::TaxId, t));
                }
                if let Some(p) = c.phone_e164 {
                    exact.push((EvidenceKind::Phone, p));
                }
                if let Some(e) = c.email {
                    exact.push((EvidenceKind::Email, e));
                }
                Keys {
                    id: c.id,
                    sorted_name: sorted_words(&c.name_key),
                    name: c.name_key,
                    context: search_key(c.office_location.as_deref().unwrap_or("")),
                    exact,
                }
            })
            .collect(),
        other => {
            return Err(Error::Validation(vec![crate::model::FieldError::new(
                "entity_type",
                "unknown_value",
            )
            .with("value", other.as_str())]))
        }
    };
    let dismissed: HashSet<(Uuid, Uuid)> = with_conn!(db, |c| c.dismissed_pairs(tenant).await)?
        .into_iter()
        .collect();
    let found = detect(&keys, &dismissed);
    let mut out = Vec::with_capacity(found.len());
    for ((a, b), evidence, score) in found {
        let (sa, sb) = with_conn!(db, |c| {
            let sa = summary(c, tenant, entity, a).await?;
            let sb = summary(c, tenant, entity, b).await?;
            Ok::<_, Error>((sa, sb))
        })?;
        let (Some(mut sa), Some(mut sb)) = (sa, sb) else {
            continue;
        };
        if sb.created_at < sa.created_at {
            std::mem::swap(&mut sa, &mut sb);
        }
        out.push(DuplicatePair {
            entity_type: entity,
            a: sa,
            b: sb,
            evidence,
            score,
        });
    }
    Ok(out)
}

async fn summary(
    c: &mut Conn<'_>,
    tenant: Uuid,
    entity: EntityType,
    id: Uuid,
) -> Result<Option<RecordSummary>> {
    let linked = c.linked_count(tenant, entity, id).await?;
    Ok(match entity {
        EntityType::Company => c.get_company(tenant, id).await?.map(|co| RecordSummary {
            id,
            title: co.name.clone(),
            lines: [co.vat_number, co.phone, co.email, co.office_location]
                .into_iter()
                .flatten()
                .collect(),
            linked,
            created_at: co.created_at,
        }),
        _ => c.get_person(tenant, id).await?.map(|p| RecordSummary {
            id,
            title: p.full_name(),
            lines: [
                p.phone,
                p.phone_2,
                p.email,
                p.company_name,
                p.city,
                p.tax_code,
            ]
            .into_iter()
            .flatten()
            .collect(),
            linked,
            created_at: p.created_at,
        }),
    })
}

/// Marks a pair "not a duplicate": later scans skip it. Like a merge, a
/// store manager's or an admin's decision.
///
/// Errors: [`Error::Forbidden`] (`dismiss_duplicates`).
pub async fn dismiss(db: &Db, ctx: &Ctx, entity: EntityType, a: Uuid, b: Uuid) -> Result<()> {
    ctx.require_manager("dismiss_duplicates")?;
    with_tx!(db, |c| c
        .dismiss_pair(ctx.tenant_id(), entity, a, b, ctx.user.id, now())
        .await)
}

fn fill<T: Clone>(keep: &mut Option<T>, other: &Option<T>) {
    if keep.is_none() {
        *keep = other.clone();
    }
}

/// Merges `merge` into `keep` (two people or two companies) in one
/// transaction: every lead, deal, contract, note, document, consent,
/// contact link and timeline event of `merge` moves to `keep`; blank fields
/// of `keep` take `merge`'s values (a different phone becomes the second
/// phone); for each consent purpose, on every channel and on each channel
/// ([`consent_state`]), where either record's decision is "denied", `keep`
/// ends up denied (a new decision is recorded); `merge` is
/// deleted after a JSON snapshot goes to the `merges` audit table and a
/// `merged` entry to `keep`'s timeline. Store managers and admins only;
/// when `merge` has leads or deals the acting user may not see (another
/// store's), admins only.
///
/// Errors: [`Error::Forbidden`] (`merge_records`; `merge_records_elsewhere`
/// for a manager when other stores' records hang on `merge`), [`Error::NotFound`],
/// [`Error::Validation`] (`merge`: `same_record`).
pub async fn merge(
    db: &Db,
    ctx: &Ctx,
    entity: EntityType,
    keep: Uuid,
    merge: Uuid,
) -> Result<MergeOutcome> {
    ctx.require_manager("merge_records")?;
    if keep == merge {
        return Err(Error::field("merge", "same_record"));
    }
    let tenant = ctx.tenant_id();
    let not_found = |id: Uuid| Error::NotFound {
        entity: entity.as_str(),
        id: id.to_string(),
    };
    with_tx!(db, |c| {
        let at = now();
        let mut restricted = Vec::new();
        // Leads and deals of other stores hang on `merge`: moving them is
        // an admin's (on a chain server the policies hide them, and the
        // delete in `merge_records` fails on their keys: `hidden_keys`).
        let hanging = match entity {
            EntityType::Person => {
                let mut ids = c.leads_of_person(tenant, merge).await?;
                ids.extend(c.deals_of(tenant, Some(merge), None).await?);
                ids
            }
            _ => c.deals_of(tenant, None, Some(merge)).await?,
        };
        for id in hanging {
            if super::context::hidden_record(c, ctx, id).await?.is_some() {
                return Err(elsewhere(ctx));
            }
        }
        let (snapshot, merged_title) = match entity {
            EntityType::Person => {
                let mut k = c
                    .get_person(tenant, keep)
                    .await?
                    .ok_or_else(|| not_found(keep))?;
                let m = c
                    .get_person(tenant, merge)
                    .await?
                    .ok_or_else(|| not_found(merge))?;
                let kc = c.consents_of(tenant, keep).await?;
                let mc = c.consents_of(tenant, merge).await?;
                let snapshot = serde_json::json!({ "person": m, "consents": mc }).to_string();
                if k.phone.is_none() {
                    k.phone = m.phone.clone();
                } else if m.phone.is_some() && m.phone != k.phone && k.phone_2.is_none() {
                    k.phone_2 = m.phone.clone();
                }
                fill(&mut k.phone_2, &m.phone_2);
                fill(&mut k.phone_raw, &m.phone_raw);
                fill(&mut k.email, &m.email);
                if m.email.is_some() && m.email != k.email && k.email_2.is_none() {
                    k.email_2 = m.email.clone();
                }
                fill(&mut k.email_2, &m.email_2);
                fill(&mut k.company_name, &m.company_name);
                fill(&mut k.city, &m.city);
                fill(&mut k.country, &m.country);
                fill(&mut k.external_ref, &m.external_ref);
                fill(&mut k.tax_code, &m.tax_code);
                if k.address.is_none() && k.postal_code.is_none() && k.province.is_none() {
                    // The address is one: street, postal code and province
                    // come together from the same person.
                    k.address = m.address.clone();
                    k.postal_code = m.postal_code.clone();
                    k.province = m.province.clone();
                }
                fill(&mut k.birth_date, &m.birth_date);
                fill(&mut k.preferred_language, &m.preferred_language);
                fill(&mut k.preferred_channel, &m.preferred_channel);
                for (key, v) in &m.custom {
                    k.custom.entry(key.clone()).or_insert_with(|| v.clone());
                }
                k.is_customer |= m.is_customer;
                let read_at = k.updated_at;
                k.updated_at = at;
                // Contact preferences: the more restrictive of the two.
                super::contact_policy::merge_preferences_in(c, ctx, keep, merge).await?;
                // Move everything first (consents included), then restrict.
                let moved = c
                    .merge_records(tenant, EntityType::Person, keep, merge)
                    .await
                    .map_err(|e| hidden_keys(ctx, e))?;
                c.update_person(tenant, &k, read_at).await?;
                // The moved leads and deals are found under the kept name.
                super::search_index::person_renamed(c, tenant, &k).await?;
                // Per purpose and per channel (every channel first): where
                // either person had refused, the merged person refuses too.
                let mut merged_history = c.consents_of(tenant, keep).await?;
                for kind in ConsentKind::ALL {
                    let channels = std::iter::once(None)
                        .chain(crate::model::CONSENT_CHANNELS.iter().copied().map(Some));
                    for channel in channels {
                        let denied = consent_state(&kc, *kind, channel) == Some(false)
                            || consent_state(&mc, *kind, channel) == Some(false);
                        let now_granted =
                            consent_state(&merged_history, *kind, channel) == Some(true);
                        if !(denied && now_granted) {
                            continue;
                        }
                        let refusal = Consent {
                            id: Uuid::now_v7(),
                            person_id: keep,
                            lead_id: None,
                            kind: *kind,
                            granted: false,
                            text_version: ctx.tenant.consent_text_version.clone(),
                            recorded_at: at,
                            recorded_by: Some(ctx.user.id),
                            channel,
                            source: crate::model::ConsentSource::Store,
                            store_id: ctx.user.store_id,
                        };
                        c.insert_consent(tenant, &refusal).await?;
                        merged_history.push(refusal);
                        restricted.push(match channel {
                            Some(ch) => format!("{}:{}", kind.as_str(), ch.as_str()),
                            None => kind.as_str().to_string(),
                        });
                    }
                }
                (snapshot, (m.full_name(), moved))
            }
            EntityType::Company => {
                let mut k = c
                    .get_company(tenant, keep)
                    .await?
                    .ok_or_else(|| not_found(keep))?;
                let m = c
                    .get_company(tenant, merge)
                    .await?
                    .ok_or_else(|| not_found(merge))?;
                let snapshot = serde_json::json!({ "company": m }).to_string();
                fill(&mut k.legal_name, &m.legal_name);
                fill(&mut k.vat_number, &m.vat_number);
                fill(&mut k.tax_code, &m.tax_code);
                fill(&mut k.billing_address, &m.billing_address);
                fill(&mut k.shipping_address, &m.shipping_address);
                fill(&mut k.website, &m.website);
                fill(&mut k.email, &m.email);
                fill(&mut k.phone, &m.phone);
                fill(&mut k.owner_id, &m.owner_id);
                fill(&mut k.sector, &m.sector);
                fill(&mut k.year_established, &m.year_established);
                fill(&mut k.revenue_minor, &m.revenue_minor);
                fill(&mut k.employees, &m.employees);
                fill(&mut k.office_location, &m.office_location);
                if k.parent_id.is_none() && m.parent_id != Some(keep) {
                    k.parent_id = m.parent_id;
                }
                for t in &m.tags {
                    if !k.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                        k.tags.push(t.clone());
                    }
                }
                for (key, v) in &m.custom {
                    k.custom.entry(key.clone()).or_insert_with(|| v.clone());
                }
                k.is_customer |= m.is_customer;
                let read_at = k.updated_at;
                k.updated_at = at;
                let moved = c
                    .merge_records(tenant, EntityType::Company, keep, merge)
                    .await
                    .map_err(|e| hidden_keys(ctx, e))?;
                // Kept's parent was the merged company (now gone) or would
                // become itself: no parent.
                if k.parent_id == Some(keep) || k.parent_id == Some(merge) {
                    k.parent_id = None;
                }
                c.update_company(tenant, &k, read_at).await?;
                // The moved deals are found under the kept name.
                super::search_index::company_renamed(c, tenant, keep).await?;
                (snapshot, (m.name, moved))
            }
            other => {
                return Err(Error::Validation(vec![crate::model::FieldError::new(
                    "entity_type",
                    "unknown_value",
                )
                .with("value", other.as_str())]))
            }
        };
        let (title, moved) = merged_title;
        c.insert_merge(
            tenant,
            Uuid::now_v7(),
            entity,
            keep,
            merge,
            &snapshot,
            ctx.user.id,
            at,
        )
        .await?;
        c.insert_record_event(
            tenant,
            entity,
            keep,
            "merged",
            Some(&title),
            Some(ctx.user.id),
            at,
        )
        .await?;
        Ok(MergeOutcome {
            kept_id: keep,
            merged_id: merge,
            moved,
            consents_restricted: restricted,
        })
    })
}

/// The refusal of a merge that would move records of stores the acting
/// user does not see: an admin's (`merge_records_elsewhere`).
fn elsewhere(ctx: &Ctx) -> Error {
    Error::Forbidden {
        role: ctx.user.role,
        action: "merge_records_elsewhere",
    }
}

/// A chain server hides other stores' records from a manager, so the
/// merged record's delete fails on their foreign keys: that is
/// [`elsewhere`]; any other error stays as it is.
fn hidden_keys(ctx: &Ctx, e: Error) -> Error {
    match &e {
        Error::Database(db)
            if ctx.user.role != crate::model::Role::Admin
                && db
                    .as_database_error()
                    .is_some_and(|d| d.kind() == sqlx::error::ErrorKind::ForeignKeyViolation) =>
        {
            elsewhere(ctx)
        }
        _ => e,
    }
}

/// People that may be the same as a new person being captured: the same
/// folded name already in the CRM (through the search index), in either
/// order ("Rossi Mario" finds "Mario Rossi"), at most `limit`. Phone and
/// e-mail matches are found by capture itself.
pub async fn same_name(
    db: &Db,
    ctx: &Ctx,
    first: &str,
    last: &str,
    limit: u32,
) -> Result<Vec<Uuid>> {
    let tenant = ctx.tenant_id();
    let mut ids = Vec::new();
    for key in same_name_keys(first, last) {
        for id in with_conn!(db, |c| c.people_named(tenant, &key, limit).await)? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids.truncate(limit as usize);
    Ok(ids)
}

/// The folded full names ([`search_key`]) a person called `first` `last`
/// is looked up by: "first last", then "last first" when it differs;
/// none when the name folds to nothing.
pub fn same_name_keys(first: &str, last: &str) -> Vec<String> {
    let key = search_key(&format!("{first} {last}"));
    if key.is_empty() {
        return Vec::new();
    }
    let reversed = search_key(&format!("{last} {first}"));
    if reversed == key {
        vec![key]
    } else {
        vec![key, reversed]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(n: u128, name: &str, context: &str, exact: &[(EvidenceKind, &str)]) -> Keys {
        let name = search_key(name);
        Keys {
            id: Uuid::from_u128(n),
            sorted_name: sorted_words(&name),
            name,
            context: search_key(context),
            exact: exact.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    #[test]
    fn evidence_and_scores() {
        let keys = vec![
            k(
                1,
                "Mario Rossi",
                "Acme",
                &[(EvidenceKind::Phone, "+393331234567")],
            ),
            k(2, "Rossi Mario", "ACME", &[]),
            k(
                3,
                "Maria Rossi",
                "",
                &[(EvidenceKind::Phone, "+393331234567")],
            ),
            k(4, "Giuseppe Verdi", "", &[]),
            k(5, "Giuseppe Verdii", "", &[]),
            k(6, "Anna Bianchi", "", &[]),
        ];
        let found = detect(&keys, &HashSet::new());
        let get = |a: u128, b: u128| {
            found
                .iter()
                .find(|(p, _, _)| *p == (Uuid::from_u128(a), Uuid::from_u128(b)))
                .cloned()
        };
        let (_, ev, score) = get(1, 3).expect("same phone");
        assert_eq!(score, 100);
        assert!(ev.iter().any(|e| e.kind == EvidenceKind::Phone));
        assert_eq!(get(1, 2).expect("name + company").2, 90);
        let (_, ev, score) = get(4, 5).expect("similar names");
        assert_eq!(ev[0].kind, EvidenceKind::SimilarName);
        assert!((80..=85).contains(&score));
        assert!(get(4, 6).is_none());
        let dismissed: HashSet<_> = [(Uuid::from_u128(4), Uuid::from_u128(5))].into();
        assert!(detect(&keys, &dismissed)
            .iter()
            .all(|(p, _, _)| *p != (Uuid::from_u128(4), Uuid::from_u128(5))));
    }
}
