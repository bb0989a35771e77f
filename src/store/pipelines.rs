//! Pipelines, their stages and the lost reasons.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, Conn};
use crate::model::{LostReason, Pipeline, Stage};
use crate::Result;

impl Conn<'_> {
    /// Every pipeline with its stages, by position.
    pub async fn list_pipelines(&mut self, tenant: Uuid) -> Result<Vec<Pipeline>> {
        let mut pipelines = query_as::<Pipeline>(
            "SELECT id, name, position, archived FROM pipelines WHERE tenant_id = $1 ORDER BY position, name",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        let stages = query_as::<Stage>(
            "SELECT id, pipeline_id, name, position, probability, archived FROM pipeline_stages \
             WHERE tenant_id = $1 ORDER BY position, name",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        for pipeline in &mut pipelines {
            pipeline.stages = stages
                .iter()
                .filter(|s| s.pipeline_id == pipeline.id)
                .cloned()
                .collect();
        }
        Ok(pipelines)
    }

    /// Creates a pipeline and its stages.
    pub async fn insert_pipeline(
        &mut self,
        tenant: Uuid,
        p: &Pipeline,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query("INSERT INTO pipelines (tenant_id, id, name, position, archived, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(tenant)
            .bind(p.id)
            .bind(&p.name)
            .bind(p.position as i32)
            .bind(p.archived)
            .bind(at)
            .execute(&mut *self)
            .await?;
        for s in &p.stages {
            self.insert_stage(tenant, s).await?;
        }
        Ok(())
    }

    /// Saves a pipeline's name, position and archived flag.
    pub async fn update_pipeline(&mut self, tenant: Uuid, p: &Pipeline) -> Result<()> {
        query("UPDATE pipelines SET name = $3, position = $4, archived = $5 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(p.id)
            .bind(&p.name)
            .bind(p.position as i32)
            .bind(p.archived)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// Creates a stage.
    pub async fn insert_stage(&mut self, tenant: Uuid, s: &Stage) -> Result<()> {
        query(
            "INSERT INTO pipeline_stages (tenant_id, id, pipeline_id, name, position, probability, archived) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant)
        .bind(s.id)
        .bind(s.pipeline_id)
        .bind(&s.name)
        .bind(s.position as i32)
        .bind(i32::from(s.probability))
        .bind(s.archived)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Saves a stage's name, position, probability and archived flag.
    pub async fn update_stage(&mut self, tenant: Uuid, s: &Stage) -> Result<()> {
        query(
            "UPDATE pipeline_stages SET name = $3, position = $4, probability = $5, archived = $6 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(s.id)
        .bind(&s.name)
        .bind(s.position as i32)
        .bind(i32::from(s.probability))
        .bind(s.archived)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// The lost reasons, by position.
    pub async fn list_lost_reasons(&mut self, tenant: Uuid) -> Result<Vec<LostReason>> {
        let rows: Vec<(Uuid, String, bool)> = query_as(
            "SELECT id, label, archived FROM lost_reasons WHERE tenant_id = $1 ORDER BY position, label",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, label, archived)| LostReason {
                id,
                label,
                archived,
            })
            .collect())
    }

    /// Creates a lost reason at `position`.
    pub async fn insert_lost_reason(
        &mut self,
        tenant: Uuid,
        r: &LostReason,
        position: u32,
    ) -> Result<()> {
        query("INSERT INTO lost_reasons (tenant_id, id, label, position, archived) VALUES ($1, $2, $3, $4, $5)")
            .bind(tenant)
            .bind(r.id)
            .bind(&r.label)
            .bind(position as i32)
            .bind(r.archived)
            .execute(&mut *self)
            .await?;
        Ok(())
    }
}
