//! The search box (Ctrl+K): one query over people, companies, leads, deals
//! and notes, through the store's full-text index.

use uuid::Uuid;

use super::Ctx;
use crate::model::{search_key, EntityType, SearchHit, SearchResults};
use crate::store::{Db, RawHit};
use crate::{with_conn, Result};

/// Order of the result groups.
pub const GROUPS: [&str; 5] = ["person", "company", "lead", "deal", "note"];

/// Hits fetched from the index before grouping.
const FETCH: u32 = 200;

/// The folded words of a query: accents and case dropped (`Nicolò` →
/// `nicolo`), split on anything but letters and digits, at most 8.
pub fn terms(query: &str) -> Vec<String> {
    search_key(query)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(8)
        .map(str::to_string)
        .collect()
}

/// Searches everything the user can open (leads and deals of their
/// [`Ctx::record_scope`], people and companies of the tenant). Every word must match the start
/// of a word of the record (`ross` finds `Rossi`); digits match any part
/// of a phone's end (`4567` finds `+39 333 123 4567`); accents and case are
/// ignored. When nothing matches, words within one typo (two for words
/// over six letters) are tried and `fuzzy` is set. At most `per_group`
/// hits per kind, best first; a note hit opens the record it is on.
pub async fn search(db: &Db, ctx: &Ctx, query: &str, per_group: usize) -> Result<SearchResults> {
    let terms = terms(query);
    if terms.is_empty() {
        return Ok(SearchResults::default());
    }
    let tenant = ctx.tenant_id();
    let scope = ctx.record_scope();
    let (hits, fuzzy, targets) = with_conn!(db, |c| {
        // Leads and deals (and notes on them) outside the user's scope are
        // left out by the index query itself, so they never take the
        // place of a hit the user may open.
        let mut hits = c.search_prefix(tenant, &scope, &terms, FETCH).await?;
        let mut fuzzy = false;
        if hits.is_empty() {
            hits = c.search_fuzzy(tenant, &scope, &terms, FETCH).await?;
            fuzzy = true;
        }
        let notes: Vec<Uuid> = hits.iter().filter(|h| h.0 == "note").map(|h| h.1).collect();
        let targets = c.note_targets(tenant, &notes).await?;
        Ok::<_, crate::Error>((hits, fuzzy, targets))
    })?;
    Ok(group(terms, hits, fuzzy, &targets, per_group))
}

fn group(
    terms: Vec<String>,
    hits: Vec<RawHit>,
    fuzzy: bool,
    targets: &[(Uuid, EntityType, Uuid)],
    per_group: usize,
) -> SearchResults {
    let mut groups: Vec<(String, Vec<SearchHit>)> = Vec::new();
    for kind in GROUPS {
        let items: Vec<SearchHit> = hits
            .iter()
            .filter(|h| h.0 == kind)
            .filter_map(|(k, id, title, subtitle)| {
                let (open_type, open_id) = match k.as_str() {
                    "note" => targets
                        .iter()
                        .find(|(n, _, _)| n == id)
                        .map(|(_, t, e)| (*t, *e))?,
                    other => (other.parse::<EntityType>().ok()?, *id),
                };
                Some(SearchHit {
                    kind: k.clone(),
                    id: *id,
                    open_type,
                    open_id,
                    title: title.clone(),
                    subtitle: subtitle.clone(),
                })
            })
            .take(per_group.max(1))
            .collect();
        if !items.is_empty() {
            groups.push((kind.to_string(), items));
        }
    }
    SearchResults {
        terms,
        groups,
        fuzzy,
        copy_taken_at: None,
    }
}
