//! The search box (Ctrl+K): one query over people, companies, leads, deals
//! and notes, through the store's full-text index.

use uuid::Uuid;

use super::Ctx;
use crate::model::{search_key, EntityType, SearchHit, SearchResults};
use crate::store::{company_doc, deal_search_text, person_doc, Db, RawHit, SearchDoc};
use crate::{with_conn, with_tx, Result};

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

/// Searches everything the user can open. Every word must match the start
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
    let (hits, fuzzy, targets) = with_conn!(db, |c| {
        let mut hits = c.search_prefix(tenant, &terms, FETCH).await?;
        let mut fuzzy = false;
        if hits.is_empty() {
            hits = c.search_fuzzy(tenant, &terms, FETCH).await?;
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
    }
}

/// Rebuilds the search index of the tenant from its people, companies,
/// leads, deals and notes (after a restore, or on a database created
/// before the index existed), in one transaction. Returns the rows indexed.
pub async fn reindex(db: &Db, tenant: Uuid) -> Result<u64> {
    with_tx!(db, |c| {
        let mut n = 0u64;
        let mut docs: Vec<SearchDoc> = Vec::new();
        let mut offset = 0;
        loop {
            let page = c.people_page(tenant, offset, 5_000).await?;
            if page.is_empty() {
                break;
            }
            offset += page.len() as u32;
            docs.extend(page.iter().map(person_doc));
            c.insert_search_docs(tenant, &docs).await?;
            n += docs.len() as u64;
            docs.clear();
        }
        let mut q = crate::model::CompanyQuery {
            limit: 500,
            ..Default::default()
        };
        loop {
            let page = c.list_companies(tenant, &q).await?;
            if page.items.is_empty() {
                break;
            }
            q.offset += page.items.len() as u32;
            for item in &page.items {
                if let Some(company) = c.get_company(tenant, item.id).await? {
                    docs.push(company_doc(&company));
                }
            }
            c.insert_search_docs(tenant, &docs).await?;
            n += docs.len() as u64;
            docs.clear();
        }
        for lead in c.all_lead_ids(tenant).await? {
            c.index_lead(tenant, lead).await?;
            n += 1;
        }
        for (deal_id, person, company) in c.all_deal_names(tenant).await? {
            if let Some(d) = c.get_deal(tenant, deal_id).await? {
                let text = deal_search_text(&d.title, person.as_deref(), company.as_deref());
                c.upsert_search_doc(tenant, &crate::store::deal_doc(&d, &text))
                    .await?;
                n += 1;
            }
        }
        for note in c.all_notes(tenant).await? {
            let title = super::notes::record_title(c, tenant, note.entity_type, note.entity_id)
                .await
                .unwrap_or_default();
            c.upsert_search_doc(tenant, &crate::store::note_doc(&note, &title))
                .await?;
            n += 1;
        }
        Ok(n)
    })
}

/// Rebuilds the index when the tenant has records but no index rows (a
/// database from before the index). Returns whether it did.
pub async fn reindex_if_missing(db: &Db, tenant: Uuid) -> Result<bool> {
    let missing = with_conn!(db, |c| c.search_index_missing(tenant).await)?;
    if missing {
        reindex(db, tenant).await?;
    }
    Ok(missing)
}
