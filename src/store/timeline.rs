//! The timeline of a record: what happened to a person or company, newest first.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_scalar, Conn, QueryBuilder};
use crate::model::{EntityType, Page, TimelineEntry};
use crate::{Error, Result};

/// A timeline entry to write: the record's type and id, the kind
/// (`"imported"`, …), a free detail, the acting user, the time (UTC).
pub type NewRecordEvent = (
    EntityType,
    Uuid,
    &'static str,
    Option<String>,
    Option<Uuid>,
    DateTime<Utc>,
);

impl Conn<'_> {
    /// Why an update of a person or company by id and read version
    /// (`updated_at`) wrote nothing: [`Error::Conflict`] when the record
    /// exists (another desk saved it since; `by` is the author of its
    /// latest timeline entry), else [`Error::NotFound`].
    pub async fn not_written(&mut self, tenant: Uuid, entity: EntityType, id: Uuid) -> Error {
        let table = match entity {
            EntityType::Company => "companies",
            _ => "people",
        };
        let exists = query_scalar::<i64>(format!(
            "SELECT COUNT(*) FROM {table} WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_one(&mut *self)
        .await;
        if !matches!(exists, Ok(n) if n > 0) {
            return Error::NotFound {
                entity: entity.as_str(),
                id: id.to_string(),
            };
        }
        let by = query_scalar::<Option<String>>(
            "SELECT u.display_name FROM record_events e \
             LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
             WHERE e.tenant_id = $1 AND e.entity_type = $2 AND e.entity_id = $3 \
             ORDER BY e.at DESC, e.id DESC LIMIT 1",
        )
        .bind(tenant)
        .bind(entity.as_str())
        .bind(id)
        .fetch_optional(&mut *self)
        .await
        .ok()
        .flatten()
        .flatten();
        Error::Conflict {
            entity: entity.as_str(),
            id: id.to_string(),
            by,
        }
    }

    /// Appends to a record's timeline.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_record_event(
        &mut self,
        tenant: Uuid,
        entity_type: EntityType,
        entity_id: Uuid,
        kind: &str,
        detail: Option<&str>,
        user: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO record_events (tenant_id, id, entity_type, entity_id, kind, detail, user_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(tenant)
        .bind(Uuid::now_v7())
        .bind(entity_type.as_str())
        .bind(entity_id)
        .bind(kind)
        .bind(detail)
        .bind(user)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Appends many entries to records' timelines in one statement each
    /// 1,000 (an import's "imported" entries): `(type, record id, kind,
    /// detail, user, at)`, `at` in UTC.
    pub async fn insert_record_events(
        &mut self,
        tenant: Uuid,
        events: &[NewRecordEvent],
    ) -> Result<()> {
        for chunk in events.chunks(1_000) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO record_events (tenant_id, id, entity_type, entity_id, kind, detail, user_id, at) ",
            );
            qb.push_values(chunk, |mut b, e| {
                b.push_bind(tenant)
                    .push_bind(Uuid::now_v7())
                    .push_bind(e.0.as_str())
                    .push_bind(e.1)
                    .push_bind(e.2)
                    .push_bind(e.3.clone())
                    .push_bind(e.4)
                    .push_bind(e.5);
            });
            qb.build().execute(&mut *self).await?;
        }
        Ok(())
    }

    /// One page of the timeline of `records` (`(type, id)`: a record and
    /// the leads and deals shown with it), newest first: record events,
    /// lead events and deal events in one feed.
    pub async fn timeline(
        &mut self,
        tenant: Uuid,
        records: &[(EntityType, Uuid)],
        offset: u32,
        limit: u32,
    ) -> Result<Page<TimelineEntry>> {
        let ids = |qb: &mut QueryBuilder, filter: &dyn Fn(&EntityType) -> bool| {
            let mut sep = qb.separated(", ");
            // An empty IN list is invalid SQL: the nil id never matches.
            sep.push_bind(Uuid::nil());
            for (t, id) in records {
                if filter(t) {
                    sep.push_bind(*id);
                }
            }
        };
        let build = |qb: &mut QueryBuilder| {
            qb.push(
                "SELECT e.at, e.kind, e.entity_type, e.entity_id, e.detail, u.display_name AS user_name \
                 FROM record_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
                 WHERE e.tenant_id = ",
            )
            .push_bind(tenant)
            .push(" AND e.entity_id IN (");
            ids(qb, &|_| true);
            qb.push(
                ") UNION ALL SELECT e.at, e.kind, 'lead', e.lead_id, \
                 coalesce(e.from_status || ' → ' || e.to_status, e.to_status, e.detail), u.display_name \
                 FROM lead_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
                 WHERE e.kind NOT IN ('note_added', 'call', 'meeting') AND e.tenant_id = ",
            )
            .push_bind(tenant)
            .push(" AND e.lead_id IN (");
            ids(qb, &|t| *t == EntityType::Lead);
            qb.push(
                ") UNION ALL SELECT e.at, e.kind, 'deal', e.deal_id, \
                 coalesce(fs.name || ' → ' || ts.name, ts.name, e.detail), u.display_name \
                 FROM deal_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id \
                 LEFT JOIN pipeline_stages fs ON fs.tenant_id = e.tenant_id AND fs.id = e.from_stage_id \
                 LEFT JOIN pipeline_stages ts ON ts.tenant_id = e.tenant_id AND ts.id = e.to_stage_id \
                 WHERE e.tenant_id = ",
            )
            .push_bind(tenant)
            .push(" AND e.deal_id IN (");
            ids(qb, &|t| *t == EntityType::Deal);
            qb.push(")");
        };
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM (");
        build(&mut count);
        count.push(") t");
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;
        let mut qb = QueryBuilder::new("SELECT * FROM (");
        build(&mut qb);
        qb.push(") t ORDER BY at DESC LIMIT ")
            .push_bind(i64::from(limit.clamp(1, 500)))
            .push(" OFFSET ")
            .push_bind(i64::from(offset));
        let items: Vec<TimelineEntry> = qb.build_query_as().fetch_all(&mut *self).await?;
        Ok(Page {
            items,
            total: total as u64,
            offset,
        })
    }
}
