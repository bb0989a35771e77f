//! Merging two people or two companies: the pairs a user dismissed, how many records point at each, the merge itself and its snapshot.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, query_scalar, Conn};
use crate::model::EntityType;
use crate::{Error, Result};

/// `(table, column)` pairs that point at a person, moved by a merge.
const PERSON_REFS: &[(&str, &str)] = &[
    ("leads", "person_id"),
    ("deals", "person_id"),
    ("consents", "person_id"),
    ("contracts", "person_id"),
    ("notes", "entity_id"),
    ("documents", "entity_id"),
    ("record_events", "entity_id"),
    ("interactions", "entity_id"),
    ("interactions", "person_id"),
    ("meetings", "entity_id"),
    ("tickets", "entity_id"),
    ("tasks", "entity_id"),
];

/// `(table, column)` pairs that point at a company, moved by a merge.
const COMPANY_REFS: &[(&str, &str)] = &[
    ("deals", "company_id"),
    ("contracts", "company_id"),
    ("companies", "parent_id"),
    ("notes", "entity_id"),
    ("documents", "entity_id"),
    ("record_events", "entity_id"),
    ("interactions", "entity_id"),
    ("meetings", "entity_id"),
    ("tickets", "entity_id"),
    ("tasks", "entity_id"),
];

impl Conn<'_> {
    /// Pairs marked "not a duplicate" `(a, b)`, `a < b`.
    pub async fn dismissed_pairs(&mut self, tenant: Uuid) -> Result<Vec<(Uuid, Uuid)>> {
        query_as("SELECT a_id, b_id FROM duplicate_dismissals WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_all(&mut *self)
            .await
    }

    /// Marks a pair "not a duplicate".
    pub async fn dismiss_pair(
        &mut self,
        tenant: Uuid,
        entity: EntityType,
        a: Uuid,
        b: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        query(
            "INSERT INTO duplicate_dismissals (tenant_id, entity_type, a_id, b_id, dismissed_by, at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, a_id, b_id) DO NOTHING",
        )
        .bind(tenant)
        .bind(entity.as_str())
        .bind(a)
        .bind(b)
        .bind(by)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Rows hanging on a person or company (leads, deals, notes, documents).
    pub async fn linked_count(
        &mut self,
        tenant: Uuid,
        entity: EntityType,
        id: Uuid,
    ) -> Result<u64> {
        let sql = match entity {
            EntityType::Company => {
                "SELECT (SELECT COUNT(*) FROM deals WHERE tenant_id = $1 AND company_id = $2) \
                 + (SELECT COUNT(*) FROM notes WHERE tenant_id = $1 AND entity_id = $2) \
                 + (SELECT COUNT(*) FROM documents WHERE tenant_id = $1 AND entity_id = $2) \
                 + (SELECT COUNT(*) FROM company_contacts WHERE tenant_id = $1 AND company_id = $2)"
            }
            _ => {
                "SELECT (SELECT COUNT(*) FROM leads WHERE tenant_id = $1 AND person_id = $2) \
                 + (SELECT COUNT(*) FROM deals WHERE tenant_id = $1 AND person_id = $2) \
                 + (SELECT COUNT(*) FROM notes WHERE tenant_id = $1 AND entity_id = $2) \
                 + (SELECT COUNT(*) FROM documents WHERE tenant_id = $1 AND entity_id = $2)"
            }
        };
        let n: i64 = query_scalar(sql)
            .bind(tenant)
            .bind(id)
            .fetch_one(&mut *self)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Moves everything of `from` to `to` and deletes `from` (a person or a
    /// company); returns the rows moved. The caller audits it first.
    pub async fn merge_records(
        &mut self,
        tenant: Uuid,
        entity: EntityType,
        to: Uuid,
        from: Uuid,
    ) -> Result<u64> {
        let mut moved = 0;
        let (refs, contact_col, table) = match entity {
            EntityType::Company => (COMPANY_REFS, "company_id", "companies"),
            EntityType::Person => (PERSON_REFS, "person_id", "people"),
            other => {
                return Err(Error::Validation(vec![crate::model::FieldError::new(
                    "entity_type",
                    "unknown_value",
                )
                .with("value", other.as_str())]))
            }
        };
        // Links to a company both records have: keep the kept one's.
        query(format!(
            "DELETE FROM company_contacts WHERE tenant_id = $1 AND {contact_col} = $2 AND \
             {other} IN (SELECT {other} FROM company_contacts WHERE tenant_id = $1 AND {contact_col} = $3)",
            other = if contact_col == "person_id" { "company_id" } else { "person_id" }
        ))
        .bind(tenant)
        .bind(from)
        .bind(to)
        .execute(&mut *self)
        .await?;
        if entity == EntityType::Company {
            // The kept company keeps its primary contact, if it has one.
            query(
                "UPDATE company_contacts SET is_primary = $4 WHERE tenant_id = $1 AND company_id = $2 \
                 AND EXISTS (SELECT 1 FROM company_contacts k WHERE k.tenant_id = $1 AND k.company_id = $3 AND k.is_primary = $5)",
            )
            .bind(tenant)
            .bind(from)
            .bind(to)
            .bind(false)
            .bind(true)
            .execute(&mut *self)
            .await?;
        }
        let done = query(format!(
            "UPDATE company_contacts SET {contact_col} = $3 WHERE tenant_id = $1 AND {contact_col} = $2"
        ))
        .bind(tenant)
        .bind(from)
        .bind(to)
        .execute(&mut *self)
        .await?;
        moved += done.rows_affected();
        for (t, col) in refs {
            let done = query(format!(
                "UPDATE {t} SET {col} = $3 WHERE tenant_id = $1 AND {col} = $2"
            ))
            .bind(tenant)
            .bind(from)
            .bind(to)
            .execute(&mut *self)
            .await?;
            moved += done.rows_affected();
        }
        self.delete_search_doc(tenant, from).await?;
        query("DELETE FROM duplicate_dismissals WHERE tenant_id = $1 AND (a_id = $2 OR b_id = $2)")
            .bind(tenant)
            .bind(from)
            .execute(&mut *self)
            .await?;
        query(format!(
            "DELETE FROM {table} WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(from)
        .execute(&mut *self)
        .await?;
        Ok(moved)
    }

    /// Audits a merge: the merged record's snapshot (JSON).
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_merge(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        entity: EntityType,
        kept: Uuid,
        merged: Uuid,
        snapshot: &str,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "INSERT INTO merges (tenant_id, id, entity_type, kept_id, merged_id, snapshot, merged_by, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(tenant)
        .bind(id)
        .bind(entity.as_str())
        .bind(kept)
        .bind(merged)
        .bind(snapshot)
        .bind(by)
        .bind(at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }
}
