//! The deal board (cards per stage with their totals) and the Deals list, with the filter they share.

use uuid::Uuid;

use super::custom_fields::push_custom_filter;
use super::sql::{like_escape, Conn, QueryBuilder};
use super::Backend;
use crate::model::{
    search_key, DealCard, DealFilter, DealListItem, DealQuery, DealSort, Page, RecordScope,
};
use crate::Result;

/// The columns of a [`DealCard`], named as its fields.
const CARD_SELECT: &str = "SELECT d.id, d.title, \
     CASE WHEN p.id IS NULL THEN NULL ELSE TRIM(p.first_name || ' ' || p.last_name) END AS person_name, \
     co.name AS company_name, \
     u.display_name AS owner_name, d.value_minor, d.monthly_minor, d.probability, d.expected_close, \
     d.stage_entered_at";

const CARD_JOINS: &str = " FROM deals d \
     LEFT JOIN people p ON p.tenant_id = d.tenant_id AND p.id = d.person_id \
     LEFT JOIN companies co ON co.tenant_id = d.tenant_id AND co.id = d.company_id \
     LEFT JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.owner_id";

/// Pushes the WHERE clause of a deal filter (alias `d`).
fn push_deal_filter(
    qb: &mut QueryBuilder,
    tenant: Uuid,
    f: &DealFilter,
    scope: &RecordScope,
    backend: Backend,
) {
    qb.push(" WHERE d.tenant_id = ").push_bind(tenant);
    qb.push_scope("d", scope, backend);
    if let Some(p) = f.pipeline_id {
        qb.push(" AND d.pipeline_id = ").push_bind(p);
    }
    if let Some(s) = f.status {
        qb.push(" AND d.status = ").push_bind(s.as_str());
    }
    if let Some(o) = f.owner_id {
        qb.push(" AND d.owner_id = ").push_bind(o);
    }
    if let Some(s) = f.store_id {
        qb.push(" AND d.store_id = ").push_bind(s);
    }
    if let Some(c) = f.campaign_id {
        qb.push(" AND d.campaign_id = ").push_bind(c);
    }
    if let Some(p) = f.person_id {
        qb.push(" AND d.person_id = ").push_bind(p);
    }
    if f.no_customer {
        qb.push(" AND d.person_id IS NULL AND d.company_id IS NULL");
    }
    if let Some(s) = f.segment {
        qb.push(" AND d.person_id IN (SELECT ps.person_id FROM person_segments ps WHERE ps.tenant_id = ")
            .push_bind(tenant)
            .push(" AND ps.segment = ")
            .push_bind(s.as_str())
            .push(")");
    }
    if let Some(c) = f.company_id {
        qb.push(" AND d.company_id = ").push_bind(c);
    }
    for (key, value) in &f.custom {
        push_custom_filter(qb, "d", key, value, backend);
    }
    if let Some(from) = f.expected_from {
        qb.push(" AND d.expected_close >= ").push_bind(from);
    }
    if let Some(to) = f.expected_to {
        qb.push(" AND d.expected_close <= ").push_bind(to);
    }
    if let Some(search) = f.search.as_deref() {
        for word in search_key(search).split(' ').filter(|w| !w.is_empty()) {
            qb.push(" AND d.search_text LIKE ")
                .push_bind(format!("%{}%", like_escape(word)))
                .push(" ESCAPE '\\'");
        }
    }
}

impl Conn<'_> {
    /// Per stage of `filter.pipeline_id`: (stage, open deals, Σ value,
    /// Σ value × probability) over open deals matching the filter, within
    /// `scope`.
    pub async fn board_stats(
        &mut self,
        tenant: Uuid,
        filter: &DealFilter,
        scope: &RecordScope,
    ) -> Result<Vec<(Uuid, i64, i64, i64)>> {
        let mut qb = QueryBuilder::new(
            "SELECT d.stage_id, COUNT(*), CAST(COALESCE(SUM(d.value_minor), 0) AS BIGINT), \
             CAST(COALESCE(SUM(d.value_minor * d.probability), 0) AS BIGINT) FROM deals d",
        );
        push_deal_filter(&mut qb, tenant, filter, scope, self.backend());
        qb.push(" GROUP BY d.stage_id");
        qb.build_query_as().fetch_all(&mut *self).await
    }

    /// Cards of one stage, longest in the stage first, within `scope`.
    pub async fn board_cards(
        &mut self,
        tenant: Uuid,
        filter: &DealFilter,
        scope: &RecordScope,
        stage: Uuid,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<DealCard>> {
        let mut qb = QueryBuilder::new(format!("{CARD_SELECT}{CARD_JOINS}"));
        push_deal_filter(&mut qb, tenant, filter, scope, self.backend());
        qb.push(" AND d.stage_id = ").push_bind(stage);
        qb.push(format!(
            " ORDER BY d.stage_entered_at, d.id LIMIT {} OFFSET {}",
            limit.min(500),
            offset
        ));
        qb.build_query_as().fetch_all(&mut *self).await
    }

    /// One page of the deal list, within `scope`.
    pub async fn list_deals(
        &mut self,
        tenant: Uuid,
        q: &DealQuery,
        scope: &RecordScope,
    ) -> Result<Page<DealListItem>> {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM deals d");
        push_deal_filter(&mut count, tenant, &q.filter, scope, self.backend());
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;
        let mut qb = QueryBuilder::new(format!(
            "{CARD_SELECT}, pl.name AS pipeline_name, st.name AS stage_name, d.status, s.name AS store_name, \
             ca.name AS campaign_name, d.source_channel, d.one_off_minor, d.custom, d.created_at, d.closed_at{CARD_JOINS} \
             JOIN pipelines pl ON pl.tenant_id = d.tenant_id AND pl.id = d.pipeline_id \
             JOIN pipeline_stages st ON st.tenant_id = d.tenant_id AND st.id = d.stage_id \
             LEFT JOIN stores s ON s.tenant_id = d.tenant_id AND s.id = d.store_id \
             LEFT JOIN campaigns ca ON ca.tenant_id = d.tenant_id AND ca.id = d.campaign_id"
        ));
        push_deal_filter(&mut qb, tenant, &q.filter, scope, self.backend());
        qb.push(match q.sort {
            DealSort::CreatedDesc => " ORDER BY d.created_at DESC, d.id DESC",
            DealSort::ValueDesc => " ORDER BY d.value_minor DESC, d.id",
            DealSort::ExpectedCloseAsc => {
                " ORDER BY (d.expected_close IS NULL), d.expected_close, d.id"
            }
            DealSort::TitleAsc => " ORDER BY d.search_text, d.id",
        });
        qb.push(format!(
            " LIMIT {} OFFSET {}",
            q.limit.clamp(1, 500),
            q.offset
        ));
        let items: Vec<DealListItem> = qb.build_query_as().fetch_all(&mut *self).await?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
            offset: u32::try_from(q.offset).unwrap_or(u32::MAX),
        })
    }
}
