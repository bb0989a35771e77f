//! Documents attached to a record and their bytes (blobs, addressed by SHA-256).

use uuid::Uuid;

use super::sql::{query, query_as, query_scalar, Conn};
use crate::model::Document;
use crate::Result;

impl Conn<'_> {
    /// Records a document (its bytes are stored by the service).
    pub async fn insert_document(&mut self, tenant: Uuid, d: &Document, by: Uuid) -> Result<()> {
        query(
            "INSERT INTO documents (tenant_id, id, entity_type, entity_id, file_name, media_type, size_bytes, sha256, \
             uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(tenant)
        .bind(d.id)
        .bind(d.entity_type.as_str())
        .bind(d.entity_id)
        .bind(&d.file_name)
        .bind(&d.media_type)
        .bind(i64::try_from(d.size_bytes).unwrap_or(i64::MAX))
        .bind(&d.sha256)
        .bind(by)
        .bind(d.created_at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Documents on a record, newest first.
    pub async fn documents_of(&mut self, tenant: Uuid, entity: Uuid) -> Result<Vec<Document>> {
        query_as::<Document>(
            "SELECT d.id, d.entity_type, d.entity_id, d.file_name, d.media_type, d.size_bytes, d.sha256, \
             u.display_name AS uploaded_by, d.created_at FROM documents d \
             LEFT JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.uploaded_by \
             WHERE d.tenant_id = $1 AND d.entity_id = $2 ORDER BY d.created_at DESC, d.id DESC",
        )
        .bind(tenant)
        .bind(entity)
        .fetch_all(&mut *self)
        .await
    }

    /// A document by id.
    pub async fn get_document(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Document>> {
        query_as::<Document>(
            "SELECT d.id, d.entity_type, d.entity_id, d.file_name, d.media_type, d.size_bytes, d.sha256, \
             u.display_name AS uploaded_by, d.created_at FROM documents d \
             LEFT JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.uploaded_by \
             WHERE d.tenant_id = $1 AND d.id = $2",
        )
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// Stores content by hash (Postgres `document_blobs`; idempotent).
    pub async fn put_blob(&mut self, tenant: Uuid, sha256: &str, content: &[u8]) -> Result<()> {
        query(
            "INSERT INTO document_blobs (tenant_id, sha256, content) VALUES ($1, $2, $3) \
             ON CONFLICT (tenant_id, sha256) DO NOTHING",
        )
        .bind(tenant)
        .bind(sha256)
        .bind(content)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Content by hash (Postgres).
    pub async fn get_blob(&mut self, tenant: Uuid, sha256: &str) -> Result<Option<Vec<u8>>> {
        query_scalar("SELECT content FROM document_blobs WHERE tenant_id = $1 AND sha256 = $2")
            .bind(tenant)
            .bind(sha256)
            .fetch_optional(&mut *self)
            .await
    }
}
