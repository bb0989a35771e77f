//! Consent decisions (per purpose and channel, where and by whom) and the
//! versioned consent texts they point at.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, Conn};
use crate::model::{Consent, ConsentText};
use crate::Result;

impl Conn<'_> {
    /// Records a consent decision.
    pub async fn insert_consent(&mut self, tenant: Uuid, c: &Consent) -> Result<()> {
        query(
            "INSERT INTO consents (tenant_id, id, person_id, lead_id, kind, granted, text_version, recorded_at, \
             recorded_by, channel, source, store_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(tenant)
        .bind(c.id)
        .bind(c.person_id)
        .bind(c.lead_id)
        .bind(c.kind.as_str())
        .bind(c.granted)
        .bind(&c.text_version)
        .bind(c.recorded_at)
        .bind(c.recorded_by)
        .bind(c.channel.map(|ch| ch.as_str()))
        .bind(c.source.as_str())
        .bind(c.store_id)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// A person's consent decisions, newest first.
    pub async fn consents_of(&mut self, tenant: Uuid, person: Uuid) -> Result<Vec<Consent>> {
        query_as::<Consent>(
            "SELECT id, person_id, lead_id, kind, granted, text_version, recorded_at, recorded_by, channel, \
             source, store_id FROM consents \
             WHERE tenant_id = $1 AND person_id = $2 ORDER BY recorded_at DESC, id DESC",
        )
        .bind(tenant)
        .bind(person)
        .fetch_all(&mut *self)
        .await
    }

    /// Every kept version of the consent text, newest first.
    pub async fn consent_texts(&mut self, tenant: Uuid) -> Result<Vec<ConsentText>> {
        query_as::<ConsentText>(
            "SELECT version, language, body, created_at, created_by FROM consent_texts \
             WHERE tenant_id = $1 ORDER BY created_at DESC, version DESC, language",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await
    }

    /// The text of `version` in `language`, if kept.
    pub async fn consent_text(
        &mut self,
        tenant: Uuid,
        version: &str,
        language: &str,
    ) -> Result<Option<ConsentText>> {
        query_as::<ConsentText>(
            "SELECT version, language, body, created_at, created_by FROM consent_texts \
             WHERE tenant_id = $1 AND version = $2 AND language = $3",
        )
        .bind(tenant)
        .bind(version)
        .bind(language)
        .fetch_optional(&mut *self)
        .await
    }

    /// Keeps a new version of the texts (one per language) and makes it
    /// the tenant's current one.
    pub async fn insert_consent_version(
        &mut self,
        tenant: Uuid,
        version: &str,
        texts: &[(String, String)],
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<()> {
        for (language, body) in texts {
            query(
                "INSERT INTO consent_texts (tenant_id, version, language, body, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(tenant)
            .bind(version)
            .bind(language.as_str())
            .bind(body.as_str())
            .bind(by)
            .bind(at)
            .execute(&mut *self)
            .await?;
        }
        query("UPDATE tenants SET consent_text_version = $2 WHERE id = $1")
            .bind(tenant)
            .bind(version)
            .execute(&mut *self)
            .await?;
        Ok(())
    }
}
