//! Upkeep of the search index: rebuilding it from the records (`banco
//! reindex`, or at start on a database from before the index). Apart from
//! `search` (the search box) so that start-up (`context`) does not depend
//! on a use case that needs a signed-in user.

use uuid::Uuid;

use crate::model::{Deal, EntityType};
use crate::store::{company_doc, deal_search_text, person_doc, Conn, Db, SearchDoc};
use crate::{with_conn, with_tx, Error, Result};

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
            let title = record_title(c, tenant, note.entity_type, note.entity_id)
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

/// The display title of a record (person's or company's name, lead's
/// person, deal title). Errors: [`Error::NotFound`].
pub async fn record_title(
    c: &mut Conn<'_>,
    tenant: Uuid,
    entity: EntityType,
    id: Uuid,
) -> Result<String> {
    let found = match entity {
        EntityType::Person => c.get_person(tenant, id).await?.map(|p| p.full_name()),
        EntityType::Company => c.get_company(tenant, id).await?.map(|c| c.name),
        EntityType::Lead => match c.get_lead(tenant, id).await? {
            Some(l) => c
                .get_person(tenant, l.person_id)
                .await?
                .map(|p| p.full_name()),
            None => None,
        },
        EntityType::Deal => c.get_deal(tenant, id).await?.map(|d| d.title),
    };
    found.ok_or_else(|| Error::NotFound {
        entity: entity.as_str(),
        id: id.to_string(),
    })
}

/// A deal's list-search text ([`deal_search_text`]) from its title and the
/// current names of its person and company.
pub(crate) async fn deal_text(c: &mut Conn<'_>, tenant: Uuid, d: &Deal) -> Result<String> {
    let person = match d.person_id {
        Some(p) => c.get_person(tenant, p).await?.map(|p| p.full_name()),
        None => None,
    };
    let company = match d.company_id {
        Some(co) => c.company_name(tenant, co).await?,
        None => None,
    };
    Ok(deal_search_text(
        &d.title,
        person.as_deref(),
        company.as_deref(),
    ))
}

/// The list-search texts and search documents of `deals` written again
/// from the current names of their people and companies (a rename or a
/// merge), without touching their versions. In the caller's transaction.
async fn deals_renamed(c: &mut Conn<'_>, tenant: Uuid, deals: &[Uuid]) -> Result<()> {
    for id in deals {
        let Some(d) = c.get_deal(tenant, *id).await? else {
            continue;
        };
        let text = deal_text(c, tenant, &d).await?;
        c.set_deal_search_text(tenant, &d, &text).await?;
    }
    Ok(())
}

/// After a person's name changed (a correction, a merge into them, an
/// erasure): their leads' search documents and their deals' list-search
/// texts and documents, which carry the name, written again. In the
/// caller's transaction.
pub(crate) async fn person_renamed(
    c: &mut Conn<'_>,
    tenant: Uuid,
    person: &crate::model::Person,
) -> Result<()> {
    let leads = c.leads_of_person(tenant, person.id).await?;
    for chunk in leads.chunks(500) {
        c.index_leads(tenant, chunk).await?;
    }
    let deals = c.deals_of_person(tenant, person.id).await?;
    deals_renamed(c, tenant, &deals).await
}

/// After a company's name changed (an edit, a merge into it): its deals'
/// list-search texts and documents, which carry the name, written again.
/// In the caller's transaction.
pub(crate) async fn company_renamed(c: &mut Conn<'_>, tenant: Uuid, company: Uuid) -> Result<()> {
    let deals = c.deals_of(tenant, None, Some(company)).await?;
    deals_renamed(c, tenant, &deals).await
}
