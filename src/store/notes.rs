//! Notes on a record: revisions, @mentions and the notes of the search index.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::search::{excerpt, note_doc, SearchDoc};
use super::sql::{parse_enum, query, query_as, query_scalar, Conn, QueryBuilder};
use crate::model::{EntityType, Mention, Note, NoteKind, NoteRevision};
use crate::{Error, Result};

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: Uuid,
    entity_type: String,
    entity_id: Uuid,
    kind: String,
    body: String,
    pinned: bool,
    author_id: Option<Uuid>,
    author_name: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<NoteRow> for Note {
    type Error = Error;
    fn try_from(r: NoteRow) -> Result<Note> {
        Ok(Note {
            id: r.id,
            entity_type: parse_enum::<EntityType>(&r.entity_type, "notes.entity_type")?,
            entity_id: r.entity_id,
            kind: parse_enum::<NoteKind>(&r.kind, "notes.kind")?,
            body: r.body,
            html: String::new(),
            pinned: r.pinned,
            author_id: r.author_id,
            author_name: r.author_name,
            mentions: Vec::new(),
            revisions: 0,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MentionRow {
    note_id: Uuid,
    entity_type: String,
    entity_id: Uuid,
    title: Option<String>,
    display_name: Option<String>,
    body: String,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

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
        let rows: Vec<(Uuid, String, Uuid)> = qb.build_query_as().fetch_all(&mut *self).await?;
        rows.into_iter()
            .map(|(id, t, e)| Ok((id, parse_enum::<EntityType>(&t, "notes.entity_type")?, e)))
            .collect()
    }

    /// Every note (without html, mentions or revision count).
    pub async fn all_notes(&mut self, tenant: Uuid) -> Result<Vec<Note>> {
        let rows = query_as::<NoteRow>(
            "SELECT n.id, n.entity_type, n.entity_id, n.kind, n.body, n.pinned, n.author_id, \
             NULL AS author_name, n.created_at, n.updated_at FROM notes n WHERE n.tenant_id = $1",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        rows.into_iter().map(Note::try_from).collect()
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
        let row = query_as::<NoteRow>(
            "SELECT n.id, n.entity_type, n.entity_id, n.kind, n.body, n.pinned, n.author_id, \
             u.display_name AS author_name, n.created_at, n.updated_at FROM notes n \
             LEFT JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.author_id \
             WHERE n.tenant_id = $1 AND n.id = $2",
        )
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await?;
        row.map(Note::try_from).transpose()
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
        let rows = query_as::<NoteRow>(
            "SELECT n.id, n.entity_type, n.entity_id, n.kind, n.body, n.pinned, n.author_id, \
             u.display_name AS author_name, n.created_at, n.updated_at FROM notes n \
             LEFT JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.author_id \
             WHERE n.tenant_id = $1 AND n.entity_id = $2 ORDER BY n.pinned DESC, n.created_at DESC, n.id DESC",
        )
        .bind(tenant)
        .bind(entity)
        .fetch_all(&mut *self)
        .await?;
        let mut notes = rows
            .into_iter()
            .map(Note::try_from)
            .collect::<Result<Vec<_>>>()?;
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
        let rows: Vec<(String, String, Option<String>, DateTime<Utc>)> = query_as(
            "SELECT r.kind, r.body, u.display_name, r.edited_at FROM note_revisions r \
             LEFT JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.edited_by \
             WHERE r.tenant_id = $1 AND r.note_id = $2 ORDER BY r.edited_at DESC, r.id DESC",
        )
        .bind(tenant)
        .bind(note)
        .fetch_all(&mut *self)
        .await?;
        rows.into_iter()
            .map(|(kind, body, edited_by, edited_at)| {
                Ok(NoteRevision {
                    kind: parse_enum::<NoteKind>(&kind, "note_revisions.kind")?,
                    body,
                    edited_by,
                    edited_at,
                })
            })
            .collect()
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
        let rows: Vec<MentionRow> =
            query_as(format!(
                "SELECT m.note_id, n.entity_type, n.entity_id, s.title, u.display_name, n.body, m.created_at, m.read_at \
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
        rows.into_iter()
            .map(|r| {
                Ok(Mention {
                    note_id: r.note_id,
                    entity_type: parse_enum::<EntityType>(&r.entity_type, "notes.entity_type")?,
                    entity_id: r.entity_id,
                    record_title: r.title.unwrap_or_default(),
                    author_name: r.display_name,
                    excerpt: excerpt(&r.body, 200),
                    created_at: r.created_at,
                    read_at: r.read_at,
                })
            })
            .collect()
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
