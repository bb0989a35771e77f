//! Deals: writes, offer lines, history and the lookups by lead, person and company (their contracts: `contracts.rs`).

use uuid::Uuid;

use super::search::{index_text, SearchDoc};
use super::sql::{query, query_as, query_scalar, Conn, IntoArg, Query, QueryBuilder};
use crate::model::{search_key, Deal, DealEvent, DealEventKind, DealLine};
use crate::Result;

/// The search text of a deal: folded title, person and company names.
pub fn deal_search_text(title: &str, person: Option<&str>, company: Option<&str>) -> String {
    search_key(&format!(
        "{title} {} {}",
        person.unwrap_or(""),
        company.unwrap_or("")
    ))
}

/// The search index row of a deal: its title; the folded title, person
/// and company names (`search_text`); status and value as subtitle.
pub fn deal_doc(d: &Deal, search_text: &str) -> SearchDoc {
    SearchDoc {
        kind: "deal",
        id: d.id,
        title: d.title.clone(),
        subtitle: format!(
            "{} · {} {}",
            d.status.as_str(),
            crate::model::minor_to_decimal(d.totals.value_minor),
            d.currency
        ),
        name_key: search_key(&d.title),
        body: index_text(search_text),
    }
}

const DEAL_COLUMNS: &str = "id, pipeline_id, stage_id, status, title, person_id, company_id, lead_id, \
     owner_id, store_id, campaign_id, source_channel, utm_source, utm_medium, utm_campaign, utm_term, \
     utm_content, currency, one_off_minor, monthly_minor, contract_months, value_minor, probability, \
     probability_overridden, expected_close, closed_at, lost_reason_id, lost_note, external_ref, \
     rule_id, search_text, stage_entered_at, created_at, updated_at, created_by";

fn bind_deal_body<K>(q: Query<K>, d: &Deal, search: impl IntoArg) -> Query<K> {
    q.bind(d.pipeline_id)
        .bind(d.stage_id)
        .bind(d.status.as_str())
        .bind(&d.title)
        .bind(d.person_id)
        .bind(d.company_id)
        .bind(d.lead_id)
        .bind(d.owner_id)
        .bind(d.store_id)
        .bind(d.campaign_id)
        .bind(d.source_channel.as_str())
        .bind(&d.utm.source)
        .bind(&d.utm.medium)
        .bind(&d.utm.campaign)
        .bind(&d.utm.term)
        .bind(&d.utm.content)
        .bind(&d.currency)
        .bind(d.totals.one_off_minor)
        .bind(d.totals.monthly_minor)
        .bind(d.contract_months as i32)
        .bind(d.totals.value_minor)
        .bind(i32::from(d.probability))
        .bind(d.probability_overridden)
        .bind(d.expected_close)
        .bind(d.closed_at)
        .bind(d.lost_reason_id)
        .bind(&d.lost_note)
        .bind(&d.external_ref)
        .bind(d.rule_id)
        .bind(search)
        .bind(d.stage_entered_at)
        .bind(d.updated_at)
}

impl Conn<'_> {
    /// Creates a deal; `false` (no change) if the id exists already.
    pub async fn insert_deal(&mut self, tenant: Uuid, d: &Deal, search_text: &str) -> Result<bool> {
        let sql = format!(
            "INSERT INTO deals (tenant_id, id, created_at, created_by, {}) VALUES ($1, $2, $3, $4, \
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, \
             $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36) ON CONFLICT (tenant_id, id) DO NOTHING",
            DEAL_COLUMNS.trim_start_matches("id, ").replace(", created_at, updated_at, created_by", ", updated_at")
        );
        let q = query(&sql)
            .bind(tenant)
            .bind(d.id)
            .bind(d.created_at)
            .bind(d.created_by);
        let done = bind_deal_body(q, d, search_text)
            .execute(&mut *self)
            .await?;
        self.upsert_search_doc(tenant, &deal_doc(d, search_text))
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Overwrites a deal's mutable columns if it is still at `d.version`,
    /// and bumps the version; `search_text: None` keeps the stored one (a
    /// move or a close changes nothing searchable). Returns whether it
    /// wrote: `false` when another writer got there first (the version
    /// moved on; on Postgres the row lock makes a concurrent writer wait
    /// and then see the new version), and then nothing was written.
    pub async fn update_deal(
        &mut self,
        tenant: Uuid,
        d: &Deal,
        search_text: Option<&str>,
    ) -> Result<bool> {
        let sets: Vec<String> = DEAL_COLUMNS
            .trim_start_matches("id, ")
            .replace(", created_at, updated_at, created_by", ", updated_at")
            .split(", ")
            .enumerate()
            .map(|(i, c)| match c {
                "search_text" => format!("search_text = COALESCE(${}, search_text)", i + 3),
                c => format!("{c} = ${}", i + 3),
            })
            .collect();
        let version_param = sets.len() + 3;
        let sql = format!(
            "UPDATE deals SET {}, version = version + 1 \
             WHERE tenant_id = $1 AND id = $2 AND version = ${version_param}",
            sets.join(", ")
        );
        let q = query(&sql).bind(tenant).bind(d.id);
        let done = bind_deal_body(q, d, search_text)
            .bind(d.version)
            .execute(&mut *self)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let text: Option<String> = match search_text {
            Some(t) => Some(t.to_string()),
            None => {
                query_scalar("SELECT search_text FROM deals WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant)
                    .bind(d.id)
                    .fetch_optional(&mut *self)
                    .await?
            }
        };
        self.upsert_search_doc(tenant, &deal_doc(d, text.as_deref().unwrap_or("")))
            .await?;
        Ok(true)
    }

    /// Ids of a person's deals (as the customer).
    pub async fn deals_of_person(&mut self, tenant: Uuid, person: Uuid) -> Result<Vec<Uuid>> {
        query_scalar("SELECT id FROM deals WHERE tenant_id = $1 AND person_id = $2")
            .bind(tenant)
            .bind(person)
            .fetch_all(&mut *self)
            .await
    }

    /// Rewrites a deal's list-search text and its search document (its
    /// customer was renamed); its version is left alone, so an open form
    /// on the deal is not put in conflict.
    pub async fn set_deal_search_text(&mut self, tenant: Uuid, d: &Deal, text: &str) -> Result<()> {
        query("UPDATE deals SET search_text = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(d.id)
            .bind(text)
            .execute(&mut *self)
            .await?;
        self.upsert_search_doc(tenant, &deal_doc(d, text)).await
    }

    /// A deal by id.
    pub async fn get_deal(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Deal>> {
        query_as::<Deal>(&format!(
            "SELECT {DEAL_COLUMNS}, version FROM deals WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// A deal by its id in the source system.
    pub async fn find_deal_by_ref(
        &mut self,
        tenant: Uuid,
        external_ref: &str,
    ) -> Result<Option<Uuid>> {
        query_scalar(
            "SELECT id FROM deals WHERE tenant_id = $1 AND external_ref = $2 ORDER BY created_at LIMIT 1",
        )
        .bind(tenant)
        .bind(external_ref)
        .fetch_optional(&mut *self)
        .await
    }

    /// Replaces a deal's lines.
    pub async fn replace_lines(
        &mut self,
        tenant: Uuid,
        deal: Uuid,
        lines: &[DealLine],
    ) -> Result<()> {
        query("DELETE FROM deal_lines WHERE tenant_id = $1 AND deal_id = $2")
            .bind(tenant)
            .bind(deal)
            .execute(&mut *self)
            .await?;
        for (i, l) in lines.iter().enumerate() {
            query(
                "INSERT INTO deal_lines (tenant_id, id, deal_id, position, product, quantity, one_off_minor, monthly_minor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(tenant)
            .bind(l.id)
            .bind(deal)
            .bind(i as i32)
            .bind(&l.product)
            .bind(l.quantity as i32)
            .bind(l.one_off_minor)
            .bind(l.monthly_minor)
            .execute(&mut *self)
            .await?;
        }
        Ok(())
    }

    /// A deal's lines in order.
    pub async fn lines_of(&mut self, tenant: Uuid, deal: Uuid) -> Result<Vec<DealLine>> {
        let rows: Vec<(Uuid, String, i32, i64, i64)> = query_as(
            "SELECT id, product, quantity, one_off_minor, monthly_minor FROM deal_lines \
             WHERE tenant_id = $1 AND deal_id = $2 ORDER BY position",
        )
        .bind(tenant)
        .bind(deal)
        .fetch_all(&mut *self)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, product, q, o, m)| DealLine {
                id,
                product,
                quantity: u32::try_from(q).unwrap_or(0),
                one_off_minor: o,
                monthly_minor: m,
            })
            .collect())
    }

    /// Appends to a deal's timeline; an entry that moves, wins or loses the
    /// deal first sets `left_at` on the entry of the stage it leaves.
    pub async fn insert_deal_event(&mut self, tenant: Uuid, e: &DealEvent) -> Result<()> {
        // A move, a win or a loss ends the stay of the stage the deal was in.
        if e.to_stage_id.is_some() || matches!(e.kind, DealEventKind::Won | DealEventKind::Lost) {
            query(
                "UPDATE deal_events SET left_at = $3 WHERE tenant_id = $1 AND deal_id = $2 \
                 AND left_at IS NULL AND to_stage_id IS NOT NULL",
            )
            .bind(tenant)
            .bind(e.deal_id)
            .bind(e.at)
            .execute(&mut *self)
            .await?;
        }
        query(
            "INSERT INTO deal_events (tenant_id, id, deal_id, kind, from_stage_id, to_stage_id, detail, user_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(tenant)
        .bind(e.id)
        .bind(e.deal_id)
        .bind(e.kind.as_str())
        .bind(e.from_stage_id)
        .bind(e.to_stage_id)
        .bind(&e.detail)
        .bind(e.user_id)
        .bind(e.at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// A deal's timeline, newest first, with user names.
    pub async fn deal_events_of(&mut self, tenant: Uuid, deal: Uuid) -> Result<Vec<DealEvent>> {
        query_as::<DealEvent>(
            "SELECT e.id, e.deal_id, e.kind, e.from_stage_id, e.to_stage_id, e.detail, e.user_id, \
             u.display_name AS user_name, e.at, e.left_at FROM deal_events e \
             LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
             WHERE e.tenant_id = $1 AND e.deal_id = $2 ORDER BY e.at DESC, e.id DESC",
        )
        .bind(tenant)
        .bind(deal)
        .fetch_all(&mut *self)
        .await
    }

    /// Open deals of a person.
    pub async fn count_open_deals(&mut self, tenant: Uuid, person: Uuid) -> Result<u64> {
        let n: i64 = query_scalar(
            "SELECT COUNT(*) FROM deals WHERE tenant_id = $1 AND person_id = $2 AND status = 'open'",
        )
        .bind(tenant)
        .bind(person)
        .fetch_one(&mut *self)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Ids of deals opened from a lead.
    pub async fn deals_of_lead(&mut self, tenant: Uuid, lead: Uuid) -> Result<Vec<Uuid>> {
        query_scalar(
            "SELECT id FROM deals WHERE tenant_id = $1 AND lead_id = $2 ORDER BY created_at, id",
        )
        .bind(tenant)
        .bind(lead)
        .fetch_all(&mut *self)
        .await
    }

    /// Ids of the deals of a person or of a company, newest first.
    pub async fn deals_of(
        &mut self,
        tenant: Uuid,
        person: Option<Uuid>,
        company: Option<Uuid>,
    ) -> Result<Vec<Uuid>> {
        let (column, id) = match (person, company) {
            (Some(p), _) => ("person_id", p),
            (None, Some(c)) => ("company_id", c),
            (None, None) => return Ok(Vec::new()),
        };
        query_scalar(format!(
            "SELECT id FROM deals WHERE tenant_id = $1 AND {column} = $2 ORDER BY created_at DESC"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_all(&mut *self)
        .await
    }

    /// Inserts many deals with one line each and their timeline entries, in
    /// multi-row statements (seeding and benchmarks). Every deal must be new.
    pub async fn bulk_insert_deals(
        &mut self,
        tenant: Uuid,
        deals: &[(Deal, String, DealLine)],
        events: &[DealEvent],
    ) -> Result<()> {
        // SQLite takes at most 32,766 bound values per statement.
        let cols = DEAL_COLUMNS.replace(", created_at, updated_at, created_by", ", updated_at");
        for chunk in deals.chunks(400) {
            let mut qb = QueryBuilder::new(format!(
                "INSERT INTO deals (tenant_id, created_at, created_by, {cols}) "
            ));
            qb.push_values(chunk, |mut b, (d, search, _)| {
                b.push_bind(tenant)
                    .push_bind(d.created_at)
                    .push_bind(d.created_by)
                    .push_bind(d.id)
                    .push_bind(d.pipeline_id)
                    .push_bind(d.stage_id)
                    .push_bind(d.status.as_str())
                    .push_bind(d.title.clone())
                    .push_bind(d.person_id)
                    .push_bind(d.company_id)
                    .push_bind(d.lead_id)
                    .push_bind(d.owner_id)
                    .push_bind(d.store_id)
                    .push_bind(d.campaign_id)
                    .push_bind(d.source_channel.as_str())
                    .push_bind(d.utm.source.clone())
                    .push_bind(d.utm.medium.clone())
                    .push_bind(d.utm.campaign.clone())
                    .push_bind(d.utm.term.clone())
                    .push_bind(d.utm.content.clone())
                    .push_bind(d.currency.clone())
                    .push_bind(d.totals.one_off_minor)
                    .push_bind(d.totals.monthly_minor)
                    .push_bind(d.contract_months as i32)
                    .push_bind(d.totals.value_minor)
                    .push_bind(i32::from(d.probability))
                    .push_bind(d.probability_overridden)
                    .push_bind(d.expected_close)
                    .push_bind(d.closed_at)
                    .push_bind(d.lost_reason_id)
                    .push_bind(d.lost_note.clone())
                    .push_bind(d.external_ref.clone())
                    .push_bind(d.rule_id)
                    .push_bind(search.clone())
                    .push_bind(d.stage_entered_at)
                    .push_bind(d.updated_at);
            });
            qb.build().execute(&mut *self).await?;
            let docs: Vec<SearchDoc> = chunk
                .iter()
                .map(|(d, search, _)| deal_doc(d, search))
                .collect();
            self.insert_search_docs(tenant, &docs).await?;
            let mut qb = QueryBuilder::new(
                "INSERT INTO deal_lines (tenant_id, id, deal_id, position, product, quantity, one_off_minor, monthly_minor) ",
            );
            qb.push_values(chunk, |mut b, (d, _, l)| {
                b.push_bind(tenant)
                    .push_bind(l.id)
                    .push_bind(d.id)
                    .push_bind(0i32)
                    .push_bind(l.product.clone())
                    .push_bind(l.quantity as i32)
                    .push_bind(l.one_off_minor)
                    .push_bind(l.monthly_minor);
            });
            qb.build().execute(&mut *self).await?;
        }
        for chunk in events.chunks(2_000) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO deal_events (tenant_id, id, deal_id, kind, from_stage_id, to_stage_id, detail, user_id, at, left_at) ",
            );
            qb.push_values(chunk, |mut b, e| {
                b.push_bind(tenant)
                    .push_bind(e.id)
                    .push_bind(e.deal_id)
                    .push_bind(e.kind.as_str())
                    .push_bind(e.from_stage_id)
                    .push_bind(e.to_stage_id)
                    .push_bind(e.detail.clone())
                    .push_bind(e.user_id)
                    .push_bind(e.at)
                    .push_bind(e.left_at);
            });
            qb.build().execute(&mut *self).await?;
        }
        Ok(())
    }

    /// Every deal id with its person's and company's names.
    pub async fn all_deal_names(
        &mut self,
        tenant: Uuid,
    ) -> Result<Vec<(Uuid, Option<String>, Option<String>)>> {
        query_as(
            "SELECT d.id, p.first_name || ' ' || p.last_name, c.name FROM deals d \
             LEFT JOIN people p ON p.tenant_id = d.tenant_id AND p.id = d.person_id \
             LEFT JOIN companies c ON c.tenant_id = d.tenant_id AND c.id = d.company_id \
             WHERE d.tenant_id = $1",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await
    }
}
