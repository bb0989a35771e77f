//! Pipelines, their stages and the lost reasons: the tenant's sales
//! process, configurable by store managers and admins.

use uuid::Uuid;

use super::{now, Ctx};
use crate::model::{check_name, check_probability, FieldError, LostReason, Pipeline, Stage};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Every pipeline with its stages (archived ones included), by position.
pub async fn list(db: &Db, ctx: &Ctx) -> Result<Vec<Pipeline>> {
    with_conn!(db, |c| c.list_pipelines(ctx.tenant_id()).await)
}

/// The pipeline `id`. Errors: [`Error::NotFound`].
pub(crate) async fn get(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<Pipeline> {
    c.list_pipelines(ctx.tenant_id())
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Error::NotFound {
            entity: "pipeline",
            id: id.to_string(),
        })
}

/// A pipeline found by id or by name (case- and accent-insensitive), for
/// the command line and imports. Errors: [`Error::NotFound`].
pub async fn find(db: &Db, ctx: &Ctx, key: &str) -> Result<Pipeline> {
    let all = list(db, ctx).await?;
    let folded = crate::model::search_key(key);
    all.into_iter()
        .find(|p| p.id.to_string() == key || crate::model::search_key(&p.name) == folded)
        .ok_or_else(|| Error::NotFound {
            entity: "pipeline",
            id: key.to_string(),
        })
}

/// Creates a pipeline with `stages` (name, default probability %), placed
/// last. Store managers and admins only.
///
/// Errors: [`Error::Forbidden`]; [`Error::Validation`] `name` (`required`,
/// `too_long`, `taken`), `stages` (`required`: at least one), `stages.N.name`,
/// `stages.N.probability` (`out_of_range`).
pub async fn create(db: &Db, ctx: &Ctx, name: &str, stages: &[(String, i64)]) -> Result<Pipeline> {
    ctx.require_manager("edit_pipelines")?;
    let mut errors = Vec::new();
    let name = check_name(name, "name").map_err(|e| errors.push(e)).ok();
    if stages.is_empty() {
        errors.push(FieldError::new("stages", "required"));
    }
    let id = Uuid::now_v7();
    let mut out = Vec::new();
    for (i, (stage, p)) in stages.iter().enumerate() {
        let n = check_name(stage, &format!("stages.{i}.name"))
            .map_err(|e| errors.push(e))
            .ok();
        let p = check_probability(*p, &format!("stages.{i}.probability"))
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(n), Some(p)) = (n, p) {
            out.push(Stage {
                id: Uuid::now_v7(),
                pipeline_id: id,
                name: n,
                position: i as u32,
                probability: p,
                archived: false,
            });
        }
    }
    with_tx!(db, |c| {
        let existing = c.list_pipelines(ctx.tenant_id()).await?;
        if let Some(n) = &name {
            if existing
                .iter()
                .any(|p| crate::model::search_key(&p.name) == crate::model::search_key(n))
            {
                errors.push(FieldError::new("name", "taken").with("value", n.clone()));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let pipeline = Pipeline {
            id,
            name: name.clone().unwrap_or_default(),
            position: existing.len() as u32,
            archived: false,
            stages: out.clone(),
        };
        c.insert_pipeline(ctx.tenant_id(), &pipeline, now()).await?;
        Ok(pipeline)
    })
}

pub use crate::model::PipelineEdit;

/// Applies one edit to a pipeline and returns it. Store managers and admins.
///
/// Errors: [`Error::Forbidden`]; [`Error::NotFound`] (pipeline or stage);
/// [`Error::Validation`] as in [`create`], `stage_ids` (`mismatch` when the
/// order does not list every stage exactly once), `stage_id`
/// (`last_open_stage` when archiving the only open stage).
pub async fn edit(
    db: &Db,
    ctx: &Ctx,
    pipeline_id: Uuid,
    change: &PipelineEdit,
) -> Result<Pipeline> {
    ctx.require_manager("edit_pipelines")?;
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| {
        let mut p = get(c, ctx, pipeline_id).await?;
        let stage_of = |p: &Pipeline, id: Uuid| -> Result<Stage> {
            p.stage(id).cloned().ok_or_else(|| Error::NotFound {
                entity: "stage",
                id: id.to_string(),
            })
        };
        match change {
            PipelineEdit::Rename { name } => {
                let name = check_name(name, "name").map_err(|e| Error::Validation(vec![e]))?;
                let all = c.list_pipelines(tenant).await?;
                if all.iter().any(|o| {
                    o.id != p.id
                        && crate::model::search_key(&o.name) == crate::model::search_key(&name)
                }) {
                    return Err(Error::Validation(vec![
                        FieldError::new("name", "taken").with("value", name)
                    ]));
                }
                p.name = name;
                c.update_pipeline(tenant, &p).await?;
            }
            PipelineEdit::Archive { archived } => {
                p.archived = *archived;
                c.update_pipeline(tenant, &p).await?;
            }
            PipelineEdit::AddStage { name, probability } => {
                let name = check_name(name, "name").map_err(|e| Error::Validation(vec![e]))?;
                let probability = check_probability(*probability, "probability")
                    .map_err(|e| Error::Validation(vec![e]))?;
                let stage = Stage {
                    id: Uuid::now_v7(),
                    pipeline_id: p.id,
                    name,
                    position: p.stages.len() as u32,
                    probability,
                    archived: false,
                };
                c.insert_stage(tenant, &stage).await?;
            }
            PipelineEdit::EditStage {
                stage_id,
                name,
                probability,
            } => {
                let mut stage = stage_of(&p, *stage_id)?;
                let mut errors = Vec::new();
                if let Ok(n) = check_name(name, "name").map_err(|e| errors.push(e)) {
                    stage.name = n;
                }
                if let Ok(v) =
                    check_probability(*probability, "probability").map_err(|e| errors.push(e))
                {
                    stage.probability = v;
                }
                if !errors.is_empty() {
                    return Err(Error::Validation(errors));
                }
                c.update_stage(tenant, &stage).await?;
            }
            PipelineEdit::ArchiveStage { stage_id, archived } => {
                let mut stage = stage_of(&p, *stage_id)?;
                if *archived
                    && p.stages
                        .iter()
                        .filter(|s| !s.archived && s.id != stage.id)
                        .count()
                        == 0
                {
                    return Err(Error::field("stage_id", "last_open_stage"));
                }
                stage.archived = *archived;
                c.update_stage(tenant, &stage).await?;
            }
            PipelineEdit::ReorderStages { stage_ids } => {
                let mut sorted = stage_ids.clone();
                sorted.sort();
                sorted.dedup();
                let mut have: Vec<Uuid> = p.stages.iter().map(|s| s.id).collect();
                have.sort();
                if sorted != have || stage_ids.len() != have.len() {
                    return Err(Error::field("stage_ids", "mismatch"));
                }
                for (i, id) in stage_ids.iter().enumerate() {
                    let mut stage = stage_of(&p, *id)?;
                    stage.position = i as u32;
                    c.update_stage(tenant, &stage).await?;
                }
            }
        }
        p = get(c, ctx, pipeline_id).await?;
        Ok(p)
    })
}

/// The lost reasons (archived included), in order.
pub async fn lost_reasons(db: &Db, ctx: &Ctx) -> Result<Vec<LostReason>> {
    with_conn!(db, |c| c.list_lost_reasons(ctx.tenant_id()).await)
}

/// Adds a lost reason at the end. Store managers and admins.
///
/// Errors: [`Error::Forbidden`]; [`Error::Validation`] `label`
/// (`required`, `too_long`, `taken`).
pub async fn add_lost_reason(db: &Db, ctx: &Ctx, label: &str) -> Result<LostReason> {
    ctx.require_manager("edit_lost_reasons")?;
    let label = check_name(label, "label").map_err(|e| Error::Validation(vec![e]))?;
    with_tx!(db, |c| {
        let all = c.list_lost_reasons(ctx.tenant_id()).await?;
        if all
            .iter()
            .any(|r| crate::model::search_key(&r.label) == crate::model::search_key(&label))
        {
            return Err(Error::Validation(vec![
                FieldError::new("label", "taken").with("value", label.clone())
            ]));
        }
        let reason = LostReason {
            id: Uuid::now_v7(),
            label: label.clone(),
            archived: false,
        };
        c.insert_lost_reason(ctx.tenant_id(), &reason, all.len() as u32)
            .await?;
        Ok(reason)
    })
}
