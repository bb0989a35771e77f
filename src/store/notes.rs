//! Notes on a record: revisions, @mentions and the notes of the search index.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::search::{excerpt, note_doc, SearchDoc};
use super::sql::{query, query_as, query_scalar, Conn, QueryBuilder};
use crate::model::{EntityType, Mention, Note, NoteRevision};
use crate::{Error, Result};

impl Conn<'_> {
    /// Bulk load: inserts notes (with their record's title for the index).
    pub async fn bulk_insert_notes(
        &mut self,
        tenant: Uuid,
        notes: &[(Note, String)],
    ) -> Result<()> {
        for chunk in notes.chunks(1_000) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO notes (tenant_id, id, entity_type, entity_id, kind, body, pinned, author_id, created_at, updated_at) ",
            );
            qb.push_values(chunk, |mut b, (n, _)| {
                b.push_bind(tenant)
                    .push_bind(n.id)
                    .push_bind(n.entity_type.as_str())
                    .push_bind(n.entity_id)
                    .push_bind(n.kind.as_str())
                    .push_bind(n.body.clone())
                    .push_bind(n.pinned)
                    .push_bind(n.author_id)
                    .push_bind(n.created_at)
                    .push_bind(n.updated_at);
            });
            qb.build().execute(&mut *self).await?;
            let docs: Vec<SearchDoc> = chunk.iter().map(|(n, title)| note_doc(n, title)).collect();
            self.insert_search_docs(tenant, &docs).await?;
        }
        Ok(())
    }

    /// For note hits: the record each note is on.
    pub async fn note_targets(
        &mut self,
        tenant: Uuid,
        notes: &[Uuid],
    ) -> Result<Vec<(Uuid, EntityType, Uuid)>> {
        if notes.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb =
            QueryBuilder::new("SELECT id, entity_type, entity_id FROM notes WHERE tenant_id = ");
        qb.push_bind(tenant).push(" AND id IN (");
        let mut sep = qb.separated(", ");
        for n in notes {
            sep.push_bind(*n);
        }
        qb.push(")");
        qb.build_query_as().fetch_all(&mut *self).await
    }

    /// Every note (without html, mentions or revision count).
    pub async fn all_notes(&mut self, tenant: Uuid) -> Result<Vec<Note>> {
        query_as::<Note>(
            "SELECT n.id, n.entity_type, n.entity_id, n.kind, n.body, n.pinned, n.author_id, \
             NULL AS author_name, n.created_at, n.updated_at FROM notes n WHERE n.tenant_id = $1",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await
    }

    /// Creates a note.
    pub async fn insert_note(&mut self, tenant: Uuid, n: &Note) -> Result<()> {
        query(
            "INSERT INTO notes (tenant_id, id, entity_type, entity_id, kind, body, pinned, author_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(tenant)
        .bind(n.id)
        .bind(n.entity_type.as_str())
        .bind(n.entity_id)
        .bind(n.kind.as_str())
        .bind(&n.body)
        .bind(n.pinned)
        .bind(n.author_id)
        .bind(n.created_at)
        .bind(n.updated_at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// A note by id (without html, mentions or revision count).
    pub async fn get_note(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Note>> {
        query_as::<Note>(
            "SELECT n.id, n.entity_type, n.entity_id, n.kind, n.body, n.pinned, n.author_id, \
             u.display_name AS author_name, n.created_at, n.updated_at FROM notes n \
             LEFT JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.author_id \
             WHERE n.tenant_id = $1 AND n.id = $2",
        )
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// Saves a note's kind, body, pinned flag and `updated_at`, keeping the
    /// previous kind and body as a revision by `editor` when they changed.
    pub async fn update_note(
        &mut self,
        tenant: Uuid,
        n: &Note,
        previous: &Note,
        editor: Uuid,
    ) -> Result<()> {
        if previous.body != n.body || previous.kind != n.kind {
            query(
                "INSERT INTO note_revisions (tenant_id, id, note_id, kind, body, edited_by, edited_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(tenant)
            .bind(Uuid::now_v7())
            .bind(n.id)
            .bind(previous.kind.as_str())
            .bind(&previous.body)
            .bind(editor)
            .bind(n.updated_at)
            .execute(&mut *self)
            .await?;
        }
        let done = query(
            "UPDATE notes SET kind = $3, body = $4, pinned = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(n.id)
        .bind(n.kind.as_str())
        .bind(&n.body)
        .bind(n.pinned)
        .bind(n.updated_at)
        .execute(&mut *self)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound {
                entity: "note",
                id: n.id.to_string(),
            });
        }
        Ok(())
    }

    /// Notes on a record: pinned first, then newest; with mentions and
    /// revision counts (not html).
    pub async fn notes_of(&mut self, tenant: Uuid, entity: Uuid) -> Result<Vec<Note>> {
        let mut notes = query_as::<Note>(
            "SELECT n.id, n.entity_type, n.entity_id, n.kind, n.body, n.pinned, n.author_id, \
             u.display_name AS author_name, n.created_at, n.updated_at FROM notes n \
             LEFT JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.author_id \
             WHERE n.tenant_id = $1 AND n.entity_id = $2 ORDER BY n.pinned DESC, n.created_at DESC, n.id DESC",
        )
        .bind(tenant)
        .bind(entity)
        .fetch_all(&mut *self)
        .await?;
        if notes.is_empty() {
            return Ok(notes);
        }
        let mentions: Vec<(Uuid, Uuid)> = query_as(
            "SELECT m.note_id, m.user_id FROM note_mentions m JOIN notes n ON n.tenant_id = m.tenant_id \
             AND n.id = m.note_id WHERE m.tenant_id = $1 AND n.entity_id = $2",
        )
        .bind(tenant)
        .bind(entity)
        .fetch_all(&mut *self)
        .await?;
        let revisions: Vec<(Uuid, i64)> = query_as(
            "SELECT r.note_id, COUNT(*) FROM note_revisions r JOIN notes n ON n.tenant_id = r.tenant_id \
             AND n.id = r.note_id WHERE r.tenant_id = $1 AND n.entity_id = $2 GROUP BY r.note_id",
        )
        .bind(tenant)
        .bind(entity)
        .fetch_all(&mut *self)
        .await?;
        for n in &mut notes {
            n.mentions = mentions
                .iter()
                .filter(|(id, _)| *id == n.id)
                .map(|(_, u)| *u)
                .collect();
            n.revisions = revisions
                .iter()
                .find(|(id, _)| *id == n.id)
                .map(|(_, c)| u32::try_from(*c).unwrap_or(0))
                .unwrap_or(0);
        }
        Ok(notes)
    }

    /// A note's earlier versions, newest first.
    pub async fn note_revisions(&mut self, tenant: Uuid, note: Uuid) -> Result<Vec<NoteRevision>> {
        query_as(
            "SELECT r.kind, r.body, u.display_name AS edited_by, r.edited_at FROM note_revisions r \
             LEFT JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.edited_by \
             WHERE r.tenant_id = $1 AND r.note_id = $2 ORDER BY r.edited_at DESC, r.id DESC",
        )
        .bind(tenant)
        .bind(note)
        .fetch_all(&mut *self)
        .await
    }

    /// Sets the users a note mentions (adds the new, removes the gone;
    /// read marks of those kept stay).
    pub async fn set_mentions(
        &mut self,
        tenant: Uuid,
        note: Uuid,
        users: &[Uuid],
        at: DateTime<Utc>,
    ) -> Result<()> {
        let existing: Vec<Uuid> =
            query_scalar("SELECT user_id FROM note_mentions WHERE tenant_id = $1 AND note_id = $2")
                .bind(tenant)
                .bind(note)
                .fetch_all(&mut *self)
                .await?;
        for gone in existing.iter().filter(|u| !users.contains(u)) {
            query(
                "DELETE FROM note_mentions WHERE tenant_id = $1 AND note_id = $2 AND user_id = $3",
            )
            .bind(tenant)
            .bind(note)
            .bind(*gone)
            .execute(&mut *self)
            .await?;
        }
        for new in users.iter().filter(|u| !existing.contains(u)) {
            query(
                "INSERT INTO note_mentions (tenant_id, note_id, user_id, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(tenant)
            .bind(note)
            .bind(*new)
            .bind(at)
            .execute(&mut *self)
            .await?;
        }
        Ok(())
    }

    /// A user's mentions inbox, newest first (`unread_only` filters).
    pub async fn mentions_of(
        &mut self,
        tenant: Uuid,
        user: Uuid,
        unread_only: bool,
        limit: u32,
    ) -> Result<Vec<Mention>> {
        let mut mentions: Vec<Mention> =
            query_as(format!(
                "SELECT m.note_id, n.entity_type, n.entity_id, COALESCE(s.title, '') AS record_title, \
                 u.display_name AS author_name, n.body AS excerpt, m.created_at, m.read_at \
                 FROM note_mentions m JOIN notes n ON n.tenant_id = m.tenant_id AND n.id = m.note_id \
                 LEFT JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.author_id \
                 LEFT JOIN search_docs s ON s.tenant_id = n.tenant_id AND s.entity_id = n.entity_id \
                 WHERE m.tenant_id = $1 AND m.user_id = $2 {} ORDER BY m.created_at DESC LIMIT $3",
                if unread_only { "AND m.read_at IS NULL" } else { "" }
            ))
            .bind(tenant)
            .bind(user)
            .bind(i64::from(limit))
            .fetch_all(&mut *self)
            .await?;
        for mention in &mut mentions {
            mention.excerpt = excerpt(&mention.excerpt, 200);
        }
        Ok(mentions)
    }

    /// Marks mentions of `user` read (one note, or all when `None`).
    pub async fn mark_mentions_read(
        &mut self,
        tenant: Uuid,
        user: Uuid,
        note: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        let mut qb = QueryBuilder::new("UPDATE note_mentions SET read_at = ");
        qb.push_bind(at)
            .push(" WHERE tenant_id = ")
            .push_bind(tenant)
            .push(" AND user_id = ")
            .push_bind(user)
            .push(" AND read_at IS NULL");
        if let Some(n) = note {
            qb.push(" AND note_id = ").push_bind(n);
        }
        Ok(qb.build().execute(&mut *self).await?.rows_affected())
    }
}
