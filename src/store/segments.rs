//! Customer segments: a tenant's thresholds, the facts the classification
//! reads (won deals and contacts per person, grouped in two passes over
//! their indexes), every customer's segment and the daily counts.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, query_scalar, Conn, QueryBuilder};
use crate::model::{Segment, SegmentFacts, SegmentRules};
use crate::Result;

impl Conn<'_> {
    /// The tenant's thresholds (the defaults until saved) and when the
    /// classification last ran.
    pub async fn segment_rules(
        &mut self,
        tenant: Uuid,
    ) -> Result<(SegmentRules, Option<DateTime<Utc>>)> {
        let rules = query_as::<SegmentRules>(
            "SELECT vip_top_percent, vip_period_days, new_days, at_risk_days, dormant_days \
             FROM segment_rules WHERE tenant_id = $1",
        )
        .bind(tenant)
        .fetch_optional(&mut *self)
        .await?;
        let at: Option<Option<DateTime<Utc>>> =
            query_scalar("SELECT computed_at FROM segment_rules WHERE tenant_id = $1")
                .bind(tenant)
                .fetch_optional(&mut *self)
                .await?;
        Ok((rules.unwrap_or_default(), at.flatten()))
    }

    /// Saves the tenant's thresholds.
    pub async fn save_segment_rules(&mut self, tenant: Uuid, r: &SegmentRules) -> Result<()> {
        query(
            "INSERT INTO segment_rules (tenant_id, vip_top_percent, vip_period_days, new_days, at_risk_days, \
             dormant_days) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id) DO UPDATE SET \
             vip_top_percent = excluded.vip_top_percent, vip_period_days = excluded.vip_period_days, \
             new_days = excluded.new_days, at_risk_days = excluded.at_risk_days, \
             dormant_days = excluded.dormant_days",
        )
        .bind(tenant)
        .bind(r.vip_top_percent)
        .bind(r.vip_period_days)
        .bind(r.new_days)
        .bind(r.at_risk_days)
        .bind(r.dormant_days)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Every customer's facts: first and last won deal and the value won
    /// since `period_start` (one pass over the won deals), the last call
    /// or message (one pass over the interactions), erased people left
    /// out.
    pub async fn segment_facts(
        &mut self,
        tenant: Uuid,
        period_start: DateTime<Utc>,
    ) -> Result<Vec<SegmentFacts>> {
        let won: Vec<(Uuid, DateTime<Utc>, DateTime<Utc>, i64)> = query_as(
            "SELECT person_id, MIN(closed_at), MAX(closed_at), \
             CAST(COALESCE(SUM(CASE WHEN closed_at >= $2 THEN value_minor ELSE 0 END), 0) AS BIGINT) \
             FROM deals WHERE tenant_id = $1 AND status = 'won' AND person_id IS NOT NULL \
             GROUP BY person_id",
        )
        .bind(tenant)
        .bind(period_start)
        .fetch_all(&mut *self)
        .await?;
        let contacts: HashMap<Uuid, DateTime<Utc>> = query_as::<(Uuid, DateTime<Utc>)>(
            "SELECT person_id, MAX(started_at) FROM interactions \
             WHERE tenant_id = $1 AND person_id IS NOT NULL GROUP BY person_id",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?
        .into_iter()
        .collect();
        let erased: Vec<Uuid> =
            query_scalar("SELECT id FROM people WHERE tenant_id = $1 AND erased_at IS NOT NULL")
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
        Ok(won
            .into_iter()
            .filter(|(id, ..)| !erased.contains(id))
            .map(|(person_id, first_won, last_won, won_in_period)| {
                let contact = contacts.get(&person_id).copied();
                SegmentFacts {
                    person_id,
                    first_won,
                    last_activity: contact.map_or(last_won, |c| c.max(last_won)),
                    won_in_period,
                }
            })
            .collect())
    }

    /// Replaces every customer's segment, records the day's counts and the
    /// run's time.
    pub async fn write_segments(
        &mut self,
        tenant: Uuid,
        segments: &[(Uuid, Segment)],
        at: DateTime<Utc>,
    ) -> Result<()> {
        query("DELETE FROM person_segments WHERE tenant_id = $1")
            .bind(tenant)
            .execute(&mut *self)
            .await?;
        for chunk in segments.chunks(1_000) {
            let mut qb =
                QueryBuilder::new("INSERT INTO person_segments (tenant_id, person_id, segment) ");
            qb.push_values(chunk, |mut b, (person, segment)| {
                b.push_bind(tenant)
                    .push_bind(*person)
                    .push_bind(segment.as_str());
            });
            qb.build().execute(&mut *self).await?;
        }
        let day = at.date_naive();
        for segment in Segment::ALL {
            let people = segments.iter().filter(|(_, s)| s == segment).count() as i64;
            query(
                "INSERT INTO segment_counts (tenant_id, day, segment, people) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (tenant_id, day, segment) DO UPDATE SET people = excluded.people",
            )
            .bind(tenant)
            .bind(day)
            .bind(segment.as_str())
            .bind(people)
            .execute(&mut *self)
            .await?;
        }
        query(
            "INSERT INTO segment_rules (tenant_id, computed_at) VALUES ($1, $2) \
             ON CONFLICT (tenant_id) DO UPDATE SET computed_at = excluded.computed_at",
        )
        .bind(tenant)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// People per segment now.
    pub async fn segment_counts_now(&mut self, tenant: Uuid) -> Result<Vec<(Segment, u64)>> {
        let rows: Vec<(String, i64)> = query_as(
            "SELECT segment, COUNT(*) FROM person_segments WHERE tenant_id = $1 GROUP BY segment",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        Ok(Segment::ALL
            .iter()
            .map(|s| {
                let n = rows
                    .iter()
                    .find(|(name, _)| name == s.as_str())
                    .map_or(0, |(_, n)| *n);
                (*s, u64::try_from(n).unwrap_or(0))
            })
            .collect())
    }

    /// The daily counts since `from`, oldest first, as `(day, segment,
    /// people)`.
    pub async fn segment_trend(
        &mut self,
        tenant: Uuid,
        from: NaiveDate,
    ) -> Result<Vec<(NaiveDate, String, i64)>> {
        query_as(
            "SELECT day, segment, people FROM segment_counts WHERE tenant_id = $1 AND day >= $2 \
             ORDER BY day, segment",
        )
        .bind(tenant)
        .bind(from)
        .fetch_all(&mut *self)
        .await
    }

    /// The segment of one person, if they have one.
    pub async fn segment_of(&mut self, tenant: Uuid, person: Uuid) -> Result<Option<Segment>> {
        let s: Option<String> = query_scalar(
            "SELECT segment FROM person_segments WHERE tenant_id = $1 AND person_id = $2",
        )
        .bind(tenant)
        .bind(person)
        .fetch_optional(&mut *self)
        .await?;
        Ok(s.and_then(|s| s.parse().ok()))
    }

    /// The people of `segment`, as ids (a segment's export).
    pub async fn people_in_segment(&mut self, tenant: Uuid, segment: Segment) -> Result<Vec<Uuid>> {
        query_scalar(
            "SELECT person_id FROM person_segments WHERE tenant_id = $1 AND segment = $2 ORDER BY person_id",
        )
        .bind(tenant)
        .bind(segment.as_str())
        .fetch_all(&mut *self)
        .await
    }
}
