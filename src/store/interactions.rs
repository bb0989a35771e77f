//! Interactions (calls, messages) and their outcomes, and the call queues.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, Conn, QueryBuilder};
use crate::model::{CallOutcome, ContactChannel, Interaction, RecordScope};
use crate::Result;

/// A candidate of the "to call" queue as stored: the record, its person,
/// when it entered its stage (or was created, for a lead) and the
/// attempts since then.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueRow {
    /// Lead or deal id.
    pub id: Uuid,
    /// Deal title (empty for a lead).
    pub title: String,
    /// The person.
    pub person_id: Option<Uuid>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Main number (E.164).
    pub phone: Option<String>,
    /// Entered the stage (UTC).
    pub entered: DateTime<Utc>,
    /// Attempts since.
    pub attempts: i64,
}

/// An earlier attempt as the rules read it: when, channel, campaign.
pub type AttemptRow = (DateTime<Utc>, ContactChannel, Option<Uuid>);

const INTERACTION_COLUMNS: &str =
    "i.id, i.entity_type, i.entity_id, i.person_id, i.channel, i.direction, \
     i.purpose, i.outcome, i.phone_e164, i.campaign_id, i.started_at, i.duration_seconds, i.note, \
     i.user_id, u.display_name AS user_name, i.override_code, i.override_reason, i.recorded_at \
     FROM interactions i LEFT JOIN users u ON u.tenant_id = i.tenant_id AND u.id = i.user_id";

impl Conn<'_> {
    /// Writes an interaction.
    pub async fn insert_interaction(&mut self, tenant: Uuid, i: &Interaction) -> Result<()> {
        query(
            "INSERT INTO interactions (tenant_id, id, entity_type, entity_id, person_id, channel, direction, purpose, \
             outcome, phone_e164, campaign_id, started_at, duration_seconds, note, user_id, override_code, \
             override_reason, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(tenant)
        .bind(i.id)
        .bind(i.entity_type.as_str())
        .bind(i.entity_id)
        .bind(i.person_id)
        .bind(i.channel.as_str())
        .bind(i.direction.as_str())
        .bind(i.purpose.as_str())
        .bind(i.outcome.map(|o| o.as_str()))
        .bind(&i.phone)
        .bind(i.campaign_id)
        .bind(i.started_at)
        .bind(i.duration_seconds)
        .bind(&i.note)
        .bind(i.user_id)
        .bind(&i.override_code)
        .bind(&i.override_reason)
        .bind(i.recorded_at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// One interaction, with its user's name.
    pub async fn get_interaction(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Interaction>> {
        query_as::<Interaction>(&format!(
            "SELECT {INTERACTION_COLUMNS} WHERE i.tenant_id = $1 AND i.id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// Records a call's outcome, length and note.
    pub async fn set_outcome(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        outcome: CallOutcome,
        duration_seconds: Option<i64>,
        note: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "UPDATE interactions SET outcome = $3, duration_seconds = $4, note = $5, recorded_at = $6 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(id)
        .bind(outcome.as_str())
        .bind(duration_seconds)
        .bind(note)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Interactions of any of `records` (entity ids) or of `person`,
    /// newest first.
    pub async fn interactions_of(
        &mut self,
        tenant: Uuid,
        records: &[Uuid],
        limit: u32,
    ) -> Result<Vec<Interaction>> {
        let mut qb =
            QueryBuilder::new(format!("SELECT {INTERACTION_COLUMNS} WHERE i.tenant_id = "));
        qb.push_bind(tenant).push(" AND (i.entity_id IN (");
        let mut sep = qb.separated(", ");
        sep.push_bind(Uuid::nil());
        for id in records {
            sep.push_bind(*id);
        }
        qb.push(") OR i.person_id IN (");
        let mut sep = qb.separated(", ");
        sep.push_bind(Uuid::nil());
        for id in records {
            sep.push_bind(*id);
        }
        qb.push(")) ORDER BY i.started_at DESC LIMIT ")
            .push_bind(i64::from(limit.clamp(1, 500)));
        qb.build_query_as().fetch_all(&mut *self).await
    }

    /// `user`'s outbound calls whose outcome is not recorded, newest first.
    pub async fn pending_calls(&mut self, tenant: Uuid, user: Uuid) -> Result<Vec<Interaction>> {
        query_as::<Interaction>(&format!(
            "SELECT {INTERACTION_COLUMNS} WHERE i.tenant_id = $1 AND i.user_id = $2 AND i.outcome IS NULL \
             AND i.channel = 'call' ORDER BY i.started_at DESC LIMIT 20"
        ))
        .bind(tenant)
        .bind(user)
        .fetch_all(&mut *self)
        .await
    }

    /// A person's outbound attempts since `since`.
    pub async fn attempts_of_person(
        &mut self,
        tenant: Uuid,
        person: Uuid,
        since: DateTime<Utc>,
    ) -> Result<Vec<AttemptRow>> {
        query_as(
            "SELECT started_at, channel, campaign_id FROM interactions WHERE tenant_id = $1 AND person_id = $2 \
             AND direction = 'outbound' AND started_at >= $3 ORDER BY started_at",
        )
        .bind(tenant)
        .bind(person)
        .bind(since)
        .fetch_all(&mut *self)
        .await
    }

    /// Open deals of `stage` (in `pipeline`) that entered it at or before
    /// `entered_before` and have not been reached since, oldest first,
    /// within `scope`.
    pub async fn queue_deals(
        &mut self,
        tenant: Uuid,
        pipeline: Uuid,
        stage: Uuid,
        entered_before: DateTime<Utc>,
        limit: u32,
        scope: &RecordScope,
    ) -> Result<Vec<QueueRow>> {
        let mut qb = QueryBuilder::new(
            "SELECT d.id, d.title, d.person_id, p.first_name, p.last_name, p.phone_e164 AS phone, \
             d.stage_entered_at AS entered, \
             (SELECT COUNT(*) FROM interactions i WHERE i.tenant_id = d.tenant_id AND i.entity_id = d.id \
              AND i.started_at >= d.stage_entered_at) AS attempts \
             FROM deals d LEFT JOIN people p ON p.tenant_id = d.tenant_id AND p.id = d.person_id \
             WHERE d.tenant_id = ",
        );
        qb.push_bind(tenant)
            .push(" AND d.pipeline_id = ")
            .push_bind(pipeline)
            .push(" AND d.status = 'open' AND d.stage_id = ")
            .push_bind(stage)
            .push(" AND d.stage_entered_at <= ")
            .push_bind(entered_before)
            .push(
                " AND NOT EXISTS (SELECT 1 FROM interactions i WHERE \
                 i.tenant_id = d.tenant_id AND i.entity_id = d.id AND i.outcome = 'reached' \
                 AND i.started_at >= d.stage_entered_at)",
            )
            .push_scope("d", scope, self.backend())
            .push(" ORDER BY d.stage_entered_at LIMIT ")
            .push_bind(i64::from(limit));
        qb.build_query_as::<QueueRow>().fetch_all(&mut *self).await
    }

    /// New leads created at or before `created_before` and not reached
    /// since, oldest first, within `scope`.
    pub async fn queue_leads(
        &mut self,
        tenant: Uuid,
        created_before: DateTime<Utc>,
        limit: u32,
        scope: &RecordScope,
    ) -> Result<Vec<QueueRow>> {
        let mut qb = QueryBuilder::new(
            "SELECT l.id, '' AS title, l.person_id, p.first_name, p.last_name, p.phone_e164 AS phone, \
             l.created_at AS entered, \
             (SELECT COUNT(*) FROM interactions i WHERE i.tenant_id = l.tenant_id AND i.entity_id = l.id) AS attempts \
             FROM leads l JOIN people p ON p.tenant_id = l.tenant_id AND p.id = l.person_id \
             WHERE l.tenant_id = ",
        );
        qb.push_bind(tenant)
            .push(" AND l.status = 'new' AND l.created_at <= ")
            .push_bind(created_before)
            .push(
                " AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.tenant_id = l.tenant_id \
                 AND i.entity_id = l.id AND i.outcome = 'reached')",
            )
            .push_scope("l", scope, self.backend())
            .push(" ORDER BY l.created_at LIMIT ")
            .push_bind(i64::from(limit));
        qb.build_query_as::<QueueRow>().fetch_all(&mut *self).await
    }
}
