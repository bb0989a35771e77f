//! Video meetings and their participants.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, Conn, QueryBuilder};
use crate::model::Meeting;
use crate::Result;

const MEETING_COLUMNS: &str =
    "id, entity_type, entity_id, title, starts_at, duration_minutes, room, domain, \
     customer_email, status, started_at, ended_at, note_id, created_by FROM meetings";

impl Conn<'_> {
    /// Writes a meeting and its participants.
    pub async fn insert_meeting(
        &mut self,
        tenant: Uuid,
        m: &Meeting,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO meetings (tenant_id, id, entity_type, entity_id, title, starts_at, duration_minutes, room, \
             domain, customer_email, status, started_at, ended_at, note_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(tenant)
        .bind(m.id)
        .bind(m.entity_type.as_str())
        .bind(m.entity_id)
        .bind(&m.title)
        .bind(m.starts_at)
        .bind(i64::from(m.duration_minutes))
        .bind(&m.room)
        .bind(&m.domain)
        .bind(&m.customer_email)
        .bind(m.status.as_str())
        .bind(m.started_at)
        .bind(m.ended_at)
        .bind(m.note_id)
        .bind(m.created_by)
        .bind(at)
        .execute(&mut *self)
        .await?;
        for (user, _) in &m.participants {
            query("INSERT INTO meeting_participants (tenant_id, meeting_id, user_id) VALUES ($1, $2, $3)")
                .bind(tenant)
                .bind(m.id)
                .bind(*user)
                .execute(&mut *self)
                .await?;
        }
        Ok(())
    }

    /// One meeting with its participants.
    pub async fn get_meeting(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Meeting>> {
        let row = query_as::<Meeting>(&format!(
            "SELECT {MEETING_COLUMNS} WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut one = vec![row];
        self.participants_of(tenant, &mut one).await?;
        Ok(one.pop())
    }

    /// Meetings starting in `[from, to)`, or of one record, by start.
    pub async fn list_meetings(
        &mut self,
        tenant: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        entity: Option<Uuid>,
    ) -> Result<Vec<Meeting>> {
        let mut qb = QueryBuilder::new(format!("SELECT {MEETING_COLUMNS} WHERE tenant_id = "));
        qb.push_bind(tenant);
        match entity {
            Some(e) => {
                qb.push(" AND entity_id = ").push_bind(e);
            }
            None => {
                qb.push(" AND starts_at >= ")
                    .push_bind(from)
                    .push(" AND starts_at < ")
                    .push_bind(to);
            }
        }
        qb.push(" ORDER BY starts_at LIMIT 1000");
        let mut out: Vec<Meeting> = qb.build_query_as().fetch_all(&mut *self).await?;
        self.participants_of(tenant, &mut out).await?;
        Ok(out)
    }

    /// Saves a meeting's status, times, note and cancel reason.
    pub async fn update_meeting(
        &mut self,
        tenant: Uuid,
        m: &Meeting,
        cancel_reason: Option<&str>,
    ) -> Result<()> {
        query(
            "UPDATE meetings SET status = $3, started_at = $4, ended_at = $5, note_id = $6, \
             cancel_reason = coalesce($7, cancel_reason) WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(m.id)
        .bind(m.status.as_str())
        .bind(m.started_at)
        .bind(m.ended_at)
        .bind(m.note_id)
        .bind(cancel_reason)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Fills each meeting's participants (id, name), by name.
    pub async fn participants_of(&mut self, tenant: Uuid, meetings: &mut [Meeting]) -> Result<()> {
        if meetings.is_empty() {
            return Ok(());
        }
        let mut qb = QueryBuilder::new(
            "SELECT mp.meeting_id, mp.user_id, u.display_name FROM meeting_participants mp \
             JOIN users u ON u.tenant_id = mp.tenant_id AND u.id = mp.user_id WHERE mp.tenant_id = ",
        );
        qb.push_bind(tenant).push(" AND mp.meeting_id IN (");
        let mut sep = qb.separated(", ");
        for m in meetings.iter() {
            sep.push_bind(m.id);
        }
        qb.push(") ORDER BY u.display_name");
        let rows: Vec<(Uuid, Uuid, String)> = qb.build_query_as().fetch_all(&mut *self).await?;
        for m in meetings.iter_mut() {
            m.participants = rows
                .iter()
                .filter(|(mid, _, _)| *mid == m.id)
                .map(|(_, u, n)| (*u, n.clone()))
                .collect();
        }
        Ok(())
    }
}
