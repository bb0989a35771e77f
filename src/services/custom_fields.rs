//! Custom fields as the services use them: a tenant's definitions per
//! entity and the extra columns of the CSV exports.

use uuid::Uuid;

use super::Ctx;
use crate::model::{custom_text, CustomField, CustomValues, EntityType};
use crate::store::{Conn, Db};
use crate::{with_conn, Result};

/// The tenant's active and archived custom fields for `entity`.
pub async fn fields_for(
    c: &mut Conn<'_>,
    tenant: Uuid,
    entity: EntityType,
) -> Result<Vec<CustomField>> {
    Ok(c.list_custom_fields(tenant)
        .await?
        .into_iter()
        .filter(|f| f.entity_type == entity)
        .collect())
}

/// Keys of the active custom fields of `entity`, in display order: the
/// extra columns of that entity's CSV exports.
pub async fn custom_keys(db: &Db, ctx: &Ctx, entity: EntityType) -> Result<Vec<String>> {
    let tenant = ctx.tenant_id();
    Ok(with_conn!(db, |c| fields_for(c, tenant, entity).await)?
        .into_iter()
        .filter(|f| !f.archived)
        .map(|f| f.key)
        .collect())
}

/// The cells of `keys` in `values` (blank when absent; a multiselect as
/// `a; b`).
pub fn custom_cells(keys: &[String], values: &CustomValues) -> Vec<String> {
    keys.iter()
        .map(|k| values.get(k).map(custom_text).unwrap_or_default())
        .collect()
}
