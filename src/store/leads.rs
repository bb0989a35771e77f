//! Leads: writes, the Leads list with its filters, a lead's history.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use uuid::Uuid;

use super::custom_fields::push_custom_filter;
use super::sql::{like_escape, query, query_as, query_scalar, Conn, QueryBuilder};
use super::Backend;
use crate::model::{
    search_key, Lead, LeadEvent, LeadListItem, LeadQuery, LeadSort, LeadStatus, Page, RecordScope,
};
use crate::Result;

/// The search words of a list query: a phone-like input becomes its digits
/// (a leading international `00` dropped), anything else its folded words.
fn search_terms(search: &str) -> Vec<String> {
    let has_letters = search.chars().any(char::is_alphabetic);
    let digits: String = search.chars().filter(char::is_ascii_digit).collect();
    if !has_letters && digits.len() >= 3 {
        let digits = digits
            .strip_prefix("00")
            .map(str::to_string)
            .unwrap_or(digits);
        return vec![digits];
    }
    search_key(search)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

const LEAD_COLUMNS: &str = "tenant_id, id, person_id, store_id, owner_id, status, disqualify_reason, \
     source_channel, interest, campaign_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content, note, \
     created_at, updated_at, created_by";

/// Pushes the WHERE clause of a lead list query (shared by the page and its count).
fn push_lead_filters(
    qb: &mut QueryBuilder,
    tenant: Uuid,
    q: &LeadQuery,
    scope: &RecordScope,
    backend: Backend,
) {
    qb.push(" WHERE l.tenant_id = ").push_bind(tenant);
    qb.push_scope("l", scope, backend);
    if let Some(search) = q.search.as_deref() {
        for term in search_terms(search) {
            let pattern = format!("%{}%", like_escape(&term));
            match backend {
                // `LIKE` is not LEAKPROOF: under a chain server's row
                // security its trigram index could not be used, so the
                // people (the whole tenant's anyway) come from the indexed
                // `banco_people_like` (store/row_security.sql).
                Backend::Postgres => {
                    qb.push(" AND p.id IN (SELECT public.banco_people_like(")
                        .push_bind(tenant)
                        .push(", ")
                        .push_bind(pattern)
                        .push("))");
                }
                Backend::Sqlite => {
                    qb.push(" AND p.search_text LIKE ")
                        .push_bind(pattern)
                        .push(" ESCAPE '\\'");
                }
            }
        }
    }
    if !q.statuses.is_empty() {
        qb.push(" AND l.status IN (");
        let mut sep = qb.separated(", ");
        for s in &q.statuses {
            sep.push_bind(s.as_str());
        }
        qb.push(")");
    }
    if let Some(source) = q.source_channel {
        qb.push(" AND l.source_channel = ")
            .push_bind(source.as_str());
    }
    if let Some(store) = q.store_id {
        qb.push(" AND l.store_id = ").push_bind(store);
    }
    if let Some(person) = q.person_id {
        qb.push(" AND l.person_id = ").push_bind(person);
    }
    if let Some(s) = q.segment {
        qb.push(" AND l.person_id IN (SELECT ps.person_id FROM person_segments ps WHERE ps.tenant_id = ")
            .push_bind(tenant)
            .push(" AND ps.segment = ")
            .push_bind(s.as_str())
            .push(")");
    }
    for (key, value) in &q.custom {
        push_custom_filter(qb, "l", key, value, backend);
    }
    if let Some(from) = q.from {
        qb.push(" AND l.created_at >= ")
            .push_bind(from.and_time(NaiveTime::MIN).and_utc());
    }
    if let Some(to) = q.to {
        let end = (to + Duration::days(1)).and_time(NaiveTime::MIN).and_utc();
        qb.push(" AND l.created_at < ").push_bind(end);
    }
}

const LEAD_COUNT_FROM: &str = " FROM leads l";

const LEAD_COUNT_FROM_WITH_PEOPLE: &str =
    " FROM leads l JOIN people p ON p.tenant_id = l.tenant_id AND p.id = l.person_id";

impl Conn<'_> {
    /// Leads of a person in `new`, `in_progress` or `qualified`.
    pub async fn count_open_leads(&mut self, tenant: Uuid, person: Uuid) -> Result<u64> {
        let n: i64 = query_scalar(
            "SELECT COUNT(*) FROM leads WHERE tenant_id = $1 AND person_id = $2 \
             AND status IN ('new', 'in_progress', 'qualified')",
        )
        .bind(tenant)
        .bind(person)
        .fetch_one(&mut *self)
        .await?;
        Ok(n as u64)
    }

    /// Open leads of `person` in a store other than `my_store`, oldest
    /// first: only the store's name and the status. On a chain server
    /// through `banco_open_leads_elsewhere` (`SECURITY DEFINER`), which
    /// answers this and nothing more about leads the login may not read,
    /// for its own tenant and store only.
    pub async fn open_leads_elsewhere(
        &mut self,
        tenant: Uuid,
        person: Uuid,
        my_store: Option<Uuid>,
    ) -> Result<Vec<crate::model::LeadElsewhere>> {
        match self.backend() {
            Backend::Postgres => {
                query_as::<crate::model::LeadElsewhere>(
                    "SELECT store_name, lead_status AS status \
                     FROM public.banco_open_leads_elsewhere($1)",
                )
                .bind(person)
                .fetch_all(&mut *self)
                .await
            }
            Backend::Sqlite => {
                query_as::<crate::model::LeadElsewhere>(
                    "SELECT s.name AS store_name, l.status FROM leads l \
                     LEFT JOIN stores s ON s.tenant_id = l.tenant_id AND s.id = l.store_id \
                     WHERE l.tenant_id = $1 AND l.person_id = $2 \
                       AND l.status IN ('new', 'in_progress', 'qualified') \
                       AND l.store_id IS NOT $3 \
                     ORDER BY l.created_at, l.id",
                )
                .bind(tenant)
                .bind(person)
                .bind(my_store)
                .fetch_all(&mut *self)
                .await
            }
        }
    }

    /// Creates a lead; `false` (and no change) if a lead with this id exists
    /// already, which makes a retried capture idempotent.
    pub async fn insert_lead(&mut self, l: &Lead) -> Result<bool> {
        let sql = format!(
            "INSERT INTO leads ({LEAD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
             $14, $15, $16, $17, $18, $19) ON CONFLICT (tenant_id, id) DO NOTHING"
        );
        let done = query(&sql)
            .bind(l.tenant_id)
            .bind(l.id)
            .bind(l.person_id)
            .bind(l.store_id)
            .bind(l.owner_id)
            .bind(l.status.as_str())
            .bind(&l.disqualify_reason)
            .bind(l.source_channel.as_str())
            .bind(l.interest.as_str())
            .bind(l.campaign_id)
            .bind(&l.utm_source)
            .bind(&l.utm_medium)
            .bind(&l.utm_campaign)
            .bind(&l.utm_term)
            .bind(&l.utm_content)
            .bind(&l.note)
            .bind(l.created_at)
            .bind(l.updated_at)
            .bind(l.created_by)
            .execute(&mut *self)
            .await?;
        if done.rows_affected() == 1 {
            self.index_lead(l.tenant_id, l.id).await?;
        }
        Ok(done.rows_affected() == 1)
    }

    /// Creates new leads (an import's), 500 to a statement, and indexes
    /// them for search. Their ids must be new: unlike [`Conn::insert_lead`]
    /// an existing id is an error (a unique-key violation), not a no-op.
    pub async fn insert_leads(&mut self, tenant: Uuid, leads: &[Lead]) -> Result<()> {
        for chunk in leads.chunks(500) {
            let mut qb = QueryBuilder::new(format!("INSERT INTO leads ({LEAD_COLUMNS}) "));
            qb.push_values(chunk, |mut b, l| {
                b.push_bind(tenant)
                    .push_bind(l.id)
                    .push_bind(l.person_id)
                    .push_bind(l.store_id)
                    .push_bind(l.owner_id)
                    .push_bind(l.status.as_str())
                    .push_bind(l.disqualify_reason.clone())
                    .push_bind(l.source_channel.as_str())
                    .push_bind(l.interest.as_str())
                    .push_bind(l.campaign_id)
                    .push_bind(l.utm_source.clone())
                    .push_bind(l.utm_medium.clone())
                    .push_bind(l.utm_campaign.clone())
                    .push_bind(l.utm_term.clone())
                    .push_bind(l.utm_content.clone())
                    .push_bind(l.note.clone())
                    .push_bind(l.created_at)
                    .push_bind(l.updated_at)
                    .push_bind(l.created_by);
            });
            qb.build().execute(&mut *self).await?;
            let ids: Vec<Uuid> = chunk.iter().map(|l| l.id).collect();
            self.index_leads(tenant, &ids).await?;
        }
        Ok(())
    }

    /// A lead by id.
    pub async fn get_lead(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Lead>> {
        query_as::<Lead>(&format!(
            "SELECT {LEAD_COLUMNS} FROM leads WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// Sets a lead's status, disqualification reason and `updated_at`.
    pub async fn update_lead_status(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        status: LeadStatus,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "UPDATE leads SET status = $3, disqualify_reason = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(id)
        .bind(status.as_str())
        .bind(reason)
        .bind(at)
        .execute(&mut *self)
        .await?;
        self.index_lead(tenant, id).await
    }

    /// One page of the Leads list (see [`LeadQuery`] for the filters),
    /// within `scope` (see [`QueryBuilder::push_scope`]).
    pub async fn list_leads(
        &mut self,
        tenant: Uuid,
        q: &LeadQuery,
        scope: &RecordScope,
    ) -> Result<Page<LeadListItem>> {
        let backend = self.backend();
        // The count joins people only when the search needs it.
        let searching = q.search.as_deref().is_some_and(|s| !s.trim().is_empty());
        let mut count = QueryBuilder::new(format!(
            "SELECT COUNT(*){}",
            if searching {
                LEAD_COUNT_FROM_WITH_PEOPLE
            } else {
                LEAD_COUNT_FROM
            }
        ));
        push_lead_filters(&mut count, tenant, q, scope, backend);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;

        // The page's lead ids first (from the leads table and its
        // indexes), then their names, stores and owners: joining first
        // makes SQLite sort the whole join to return 50 rows.
        let order = match q.sort {
            LeadSort::NewestFirst => " ORDER BY l.created_at DESC, l.id DESC",
            LeadSort::OldestFirst => " ORDER BY l.created_at, l.id",
            LeadSort::Name => " ORDER BY p.last_name, p.first_name, l.id",
            LeadSort::Status => " ORDER BY l.status, l.created_at DESC, l.id DESC",
        };
        let mut qb = QueryBuilder::new(
            "SELECT l.id, l.person_id, p.first_name, p.last_name, p.phone_e164 AS phone, p.email, l.status, \
             l.source_channel, l.interest, l.store_id, s.name AS store_name, u.display_name AS owner_name, l.custom, l.created_at \
             FROM (SELECT l.id AS page_id",
        );
        qb.push(if searching || q.sort == LeadSort::Name {
            LEAD_COUNT_FROM_WITH_PEOPLE
        } else {
            LEAD_COUNT_FROM
        });
        push_lead_filters(&mut qb, tenant, q, scope, backend);
        qb.push(order);
        // Literal numbers, not parameters: SQLite plans a bound LIMIT
        // as unbounded and sorts the whole table (57x slower at 100k).
        qb.push(format!(" LIMIT {} OFFSET {}", q.page_size(), q.offset));
        qb.push(") page JOIN leads l ON l.tenant_id = ")
            .push_bind(tenant);
        qb.push(
            " AND l.id = page.page_id \
             JOIN people p ON p.tenant_id = l.tenant_id AND p.id = l.person_id \
             LEFT JOIN stores s ON s.tenant_id = l.tenant_id AND s.id = l.store_id \
             LEFT JOIN users u ON u.tenant_id = l.tenant_id AND u.id = l.owner_id",
        );
        qb.push(order);
        let rows = qb
            .build_query_as::<LeadListItem>()
            .fetch_all(&mut *self)
            .await?;
        Ok(Page {
            items: rows,
            total: total as u64,
            offset: q.offset,
        })
    }

    /// Appends to a lead's history.
    pub async fn insert_event(&mut self, tenant: Uuid, e: &LeadEvent) -> Result<()> {
        query(
            "INSERT INTO lead_events (tenant_id, id, lead_id, kind, from_status, to_status, detail, user_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(tenant)
        .bind(e.id)
        .bind(e.lead_id)
        .bind(e.kind.as_str())
        .bind(e.from_status.map(LeadStatus::as_str))
        .bind(e.to_status.map(LeadStatus::as_str))
        .bind(&e.detail)
        .bind(e.user_id)
        .bind(e.at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Appends many entries to leads' histories, 1,000 to a statement.
    pub async fn insert_events(&mut self, tenant: Uuid, events: &[LeadEvent]) -> Result<()> {
        for chunk in events.chunks(1_000) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO lead_events (tenant_id, id, lead_id, kind, from_status, to_status, detail, user_id, at) ",
            );
            qb.push_values(chunk, |mut b, e| {
                b.push_bind(tenant)
                    .push_bind(e.id)
                    .push_bind(e.lead_id)
                    .push_bind(e.kind.as_str())
                    .push_bind(e.from_status.map(LeadStatus::as_str))
                    .push_bind(e.to_status.map(LeadStatus::as_str))
                    .push_bind(e.detail.clone())
                    .push_bind(e.user_id)
                    .push_bind(e.at);
            });
            qb.build().execute(&mut *self).await?;
        }
        Ok(())
    }

    /// A lead's history, newest first.
    pub async fn events_of(&mut self, tenant: Uuid, lead: Uuid) -> Result<Vec<LeadEvent>> {
        query_as::<LeadEvent>(
            "SELECT e.id, e.lead_id, e.kind, e.from_status, e.to_status, e.detail, e.user_id, \
             u.display_name AS user_name, e.at FROM lead_events e \
             LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
             WHERE e.tenant_id = $1 AND e.lead_id = $2 ORDER BY e.at DESC, e.id DESC",
        )
        .bind(tenant)
        .bind(lead)
        .fetch_all(&mut *self)
        .await
    }

    /// Every lead id.
    pub async fn all_lead_ids(&mut self, tenant: Uuid) -> Result<Vec<Uuid>> {
        query_scalar("SELECT id FROM leads WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_all(&mut *self)
            .await
    }

    /// Ids of a person's leads, newest first.
    pub async fn leads_of_person(&mut self, tenant: Uuid, person: Uuid) -> Result<Vec<Uuid>> {
        query_scalar(
            "SELECT id FROM leads WHERE tenant_id = $1 AND person_id = $2 ORDER BY created_at DESC",
        )
        .bind(tenant)
        .bind(person)
        .fetch_all(&mut *self)
        .await
    }

    /// A person's leads in `new`, `in_progress` or `qualified`, oldest first.
    pub async fn open_leads_of(&mut self, tenant: Uuid, person: Uuid) -> Result<Vec<Uuid>> {
        query_scalar(
            "SELECT id FROM leads WHERE tenant_id = $1 AND person_id = $2 \
             AND status IN ('new', 'in_progress', 'qualified') ORDER BY created_at, id",
        )
        .bind(tenant)
        .bind(person)
        .fetch_all(&mut *self)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_like_search_becomes_digits() {
        assert_eq!(search_terms("+39 333 123 4567"), vec!["393331234567"]);
        assert_eq!(search_terms("0039 333"), vec!["39333"]);
        assert_eq!(search_terms("Nicolò Rossi"), vec!["nicolo", "rossi"]);
    }
}
