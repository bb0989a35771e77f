//! Custom fields: their definitions per entity and the values kept in each record's `custom` JSON column, and the filter on them.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{json_column, query, query_as, query_scalar, Conn, QueryBuilder};
use super::Backend;
use crate::model::{CustomField, CustomValues, EntityType};
use crate::{Error, Result};

/// `AND <alias>.custom has key = value` (a multiselect array contains it).
pub(crate) fn push_custom_filter(
    qb: &mut QueryBuilder,
    alias: &str,
    key: &str,
    value: &str,
    backend: Backend,
) {
    let safe_key: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    match backend {
        Backend::Sqlite => {
            qb.push(format!(
                " AND EXISTS (SELECT 1 FROM json_each({a}.custom, '$.{k}') j WHERE lower(j.value) = lower(",
                a = alias,
                k = safe_key
            ))
            .push_bind(value.to_string())
            .push(format!(
                ") UNION ALL SELECT 1 WHERE json_type({a}.custom, '$.{k}') NOT IN ('array', 'object') \
                 AND lower(json_extract({a}.custom, '$.{k}')) = lower(",
                a = alias,
                k = safe_key
            ))
            .push_bind(value.to_string())
            .push("))");
        }
        Backend::Postgres => {
            qb.push(format!(
                " AND (lower({a}.custom::jsonb ->> '{k}') = lower(",
                a = alias,
                k = safe_key
            ))
            .push_bind(value.to_string())
            .push(format!(
                ") OR ({a}.custom::jsonb -> '{k}') @> to_jsonb(",
                a = alias,
                k = safe_key
            ))
            .push_bind(value.to_string())
            .push("::text))");
        }
    }
}

impl Conn<'_> {
    /// Every custom field definition, by entity then position.
    pub async fn list_custom_fields(&mut self, tenant: Uuid) -> Result<Vec<CustomField>> {
        query_as::<CustomField>(
            "SELECT id, entity_type, key, label, kind, required, default_value, options, position, archived \
             FROM custom_fields WHERE tenant_id = $1 ORDER BY entity_type, position, key",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await
    }

    /// Creates or overwrites a definition (by id).
    pub async fn save_custom_field(
        &mut self,
        tenant: Uuid,
        f: &CustomField,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO custom_fields (tenant_id, id, entity_type, key, label, kind, required, default_value, options, \
             position, archived, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (tenant_id, id) DO UPDATE SET label = excluded.label, required = excluded.required, \
             default_value = excluded.default_value, options = excluded.options, position = excluded.position, \
             archived = excluded.archived",
        )
        .bind(tenant)
        .bind(f.id)
        .bind(f.entity_type.as_str())
        .bind(&f.key)
        .bind(&f.label)
        .bind(f.kind.as_str())
        .bind(f.required)
        .bind(f.default_value.as_ref().map(|v| v.to_string()))
        .bind(serde_json::to_string(&f.options).unwrap_or_else(|_| "[]".into()))
        .bind(f.position as i32)
        .bind(f.archived)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Sets the custom values of a lead or deal (people and companies save
    /// them with their other fields).
    pub async fn set_custom_values(
        &mut self,
        tenant: Uuid,
        entity: EntityType,
        id: Uuid,
        values: &CustomValues,
    ) -> Result<()> {
        let table = match entity {
            EntityType::Lead => "leads",
            EntityType::Deal => "deals",
            EntityType::Person => "people",
            EntityType::Company => "companies",
        };
        let done = query(format!(
            "UPDATE {table} SET custom = $3 WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .bind(serde_json::to_string(values).unwrap_or_else(|_| "{}".into()))
        .execute(&mut *self)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound {
                entity: entity.as_str(),
                id: id.to_string(),
            });
        }
        Ok(())
    }

    /// The custom values of a lead or deal.
    pub async fn custom_values(
        &mut self,
        tenant: Uuid,
        entity: EntityType,
        id: Uuid,
    ) -> Result<CustomValues> {
        let table = match entity {
            EntityType::Lead => "leads",
            EntityType::Deal => "deals",
            EntityType::Person => "people",
            EntityType::Company => "companies",
        };
        let raw: Option<String> = query_scalar(format!(
            "SELECT custom FROM {table} WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await?;
        raw.map(|r| json_column(&r, &format!("{table}.custom")))
            .transpose()
            .map(Option::unwrap_or_default)
    }
}
