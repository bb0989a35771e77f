//! Notes on any record (Markdown rendered safely, pinning, @mentions with an
//! inbox, edit history), documents attached to records, and the timeline.

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::search_index::record_title;
use super::{now, Ctx};
use crate::model::{
    check_note_body, find_mentions, Document, EntityType, FieldError, LeadEventKind, Mention,
    NewNote, Note, NoteEdit, NoteRevision, Page, Role, TimelineEntry, MAX_DOCUMENT_BYTES,
};
use crate::store::{excerpt, note_doc, Backend, Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Renders a note's Markdown (CommonMark with tables, strikethrough and
/// task lists, via `pulldown-cmark`) to HTML, then sanitises it with
/// `ammonia`: raw HTML, scripts, styles and event handlers are removed;
/// links keep only `http`, `https`, `mailto` and `tel` and get
/// `rel="noopener noreferrer"`.
pub fn render_markdown(body: &str) -> String {
    use pulldown_cmark::{html, Parser};
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(body, crate::store::search::markdown_options()),
    );
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(&out)
        .to_string()
}

/// The longest excerpt of a note on a record's timeline, in characters.
const TIMELINE_EXCERPT_CHARS: usize = 120;

/// `(id, display name)` of the tenant's active users: who can be mentioned.
async fn active_users(c: &mut Conn<'_>, tenant: Uuid) -> Result<Vec<(Uuid, String)>> {
    Ok(c.list_users(tenant)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| (u.id, u.display_name))
        .collect())
}

fn with_html(mut n: Note) -> Note {
    n.html = render_markdown(&n.body);
    n
}

/// Adds a note inside a transaction: checks the record and the body,
/// resolves @mentions against the tenant's active users, indexes it for
/// search, and logs `note_added` on the record's timeline (and the lead's
/// history for a lead).
pub async fn add_in(c: &mut Conn<'_>, ctx: &Ctx, new: &NewNote) -> Result<Note> {
    let tenant = ctx.tenant_id();
    let body = check_note_body(&new.body).map_err(|e| Error::Validation(vec![e]))?;
    let title = record_title(c, tenant, new.entity_type, new.entity_id).await?;
    super::context::require_visible(c, ctx, new.entity_id).await?;
    let users = active_users(c, tenant).await?;
    let at = now();
    let mut note = Note {
        id: Uuid::now_v7(),
        entity_type: new.entity_type,
        entity_id: new.entity_id,
        kind: new.kind,
        body,
        html: String::new(),
        pinned: new.pinned,
        author_id: Some(ctx.user.id),
        author_name: Some(ctx.user.display_name.clone()),
        mentions: find_mentions(&new.body, &users),
        revisions: 0,
        created_at: at,
        updated_at: at,
    };
    c.insert_note(tenant, &note).await?;
    c.set_mentions(tenant, note.id, &note.mentions, at).await?;
    c.upsert_search_doc(tenant, &note_doc(&note, &title))
        .await?;
    c.insert_record_event(
        tenant,
        new.entity_type,
        new.entity_id,
        "note_added",
        Some(&excerpt(&note.body, TIMELINE_EXCERPT_CHARS)),
        Some(ctx.user.id),
        at,
    )
    .await?;
    if new.entity_type == EntityType::Lead {
        c.insert_event(
            tenant,
            &super::history::event(new.entity_id, LeadEventKind::NoteAdded, ctx, at),
        )
        .await?;
    }
    note = with_html(note);
    Ok(note)
}

/// Adds a note (see [`add_in`]) in one transaction.
///
/// Errors: [`Error::Validation`] (`body`: `required`, `too_long`),
/// [`Error::NotFound`] for an unknown record.
pub async fn add(db: &Db, ctx: &Ctx, new: &NewNote) -> Result<Note> {
    with_tx!(db, |c| add_in(c, ctx, new).await)
}

/// Edits a note: its author, a store manager or an admin may. The previous
/// version is kept (see [`revisions`]); mentions are re-read (new ones
/// reach the inbox); the timeline gets `note_edited` when the text changed.
///
/// Errors: [`Error::NotFound`], [`Error::Forbidden`] (`edit_note`),
/// [`Error::Validation`] for the body.
pub async fn edit(db: &Db, ctx: &Ctx, note_id: Uuid, edit: &NoteEdit) -> Result<Note> {
    let body = check_note_body(&edit.body).map_err(|e| Error::Validation(vec![e]))?;
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let previous = c
            .get_note(tenant, note_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                entity: "note",
                id: note_id.to_string(),
            })?;
        if previous.author_id != Some(ctx.user.id) && ctx.user.role == Role::Staff {
            return Err(Error::Forbidden {
                role: ctx.user.role,
                action: "edit_note",
            });
        }
        let users = active_users(c, tenant).await?;
        let at = now();
        let mut note = previous.clone();
        note.kind = edit.kind;
        note.body = body.clone();
        note.pinned = edit.pinned;
        note.updated_at = at;
        note.mentions = find_mentions(&body, &users);
        c.update_note(tenant, &note, &previous, ctx.user.id).await?;
        c.set_mentions(tenant, note.id, &note.mentions, at).await?;
        if previous.body != note.body || previous.kind != note.kind {
            let title = record_title(c, tenant, note.entity_type, note.entity_id).await?;
            super::context::require_visible(c, ctx, note.entity_id).await?;
            c.upsert_search_doc(tenant, &note_doc(&note, &title))
                .await?;
            c.insert_record_event(
                tenant,
                note.entity_type,
                note.entity_id,
                "note_edited",
                Some(&excerpt(&note.body, TIMELINE_EXCERPT_CHARS)),
                Some(ctx.user.id),
                at,
            )
            .await?;
            note.revisions += 1;
        }
        Ok(with_html(note))
    })
}

/// Notes on a record, pinned first then newest, with their HTML.
/// Errors: [`Error::NotFound`] for a lead or deal outside the acting
/// user's [`Ctx::record_scope`].
pub async fn list(db: &Db, ctx: &Ctx, entity_id: Uuid) -> Result<Vec<Note>> {
    let notes = with_conn!(db, |c| {
        super::context::require_visible(c, ctx, entity_id).await?;
        c.notes_of(ctx.tenant_id(), entity_id).await
    })?;
    Ok(notes.into_iter().map(with_html).collect())
}

/// Notes of a record inside a transaction or connection, with HTML.
pub async fn list_in(c: &mut Conn<'_>, tenant: Uuid, entity_id: Uuid) -> Result<Vec<Note>> {
    Ok(c.notes_of(tenant, entity_id)
        .await?
        .into_iter()
        .map(with_html)
        .collect())
}

/// A note's earlier versions, newest first.
pub async fn revisions(db: &Db, ctx: &Ctx, note_id: Uuid) -> Result<Vec<NoteRevision>> {
    with_conn!(db, |c| c.note_revisions(ctx.tenant_id(), note_id).await)
}

/// The acting user's mentions, newest first (at most 200).
pub async fn inbox(db: &Db, ctx: &Ctx, unread_only: bool) -> Result<Vec<Mention>> {
    with_conn!(db, |c| c
        .mentions_of(ctx.tenant_id(), ctx.user.id, unread_only, 200)
        .await)
}

/// Marks the acting user's mentions read: one note's, or all. Returns how
/// many changed.
pub async fn mark_read(db: &Db, ctx: &Ctx, note_id: Option<Uuid>) -> Result<u64> {
    with_tx!(db, |c| c
        .mark_mentions_read(ctx.tenant_id(), ctx.user.id, note_id, now())
        .await)
}

/// Where document bytes live for a SQLite database: `documents/` beside
/// the database file, one file per SHA-256. `None` for Postgres (bytes are
/// stored in `document_blobs`).
pub fn documents_dir(db: &Db) -> Option<PathBuf> {
    db.sqlite_dir().map(|d| d.join("documents"))
}

/// Attaches a file to a record: at most [`MAX_DOCUMENT_BYTES`], a plain
/// file name (folders are dropped), media type guessed from the extension
/// (`mime_guess`), SHA-256 of the content. The bytes are written before the
/// row (content-addressed, so a retry or a duplicate writes nothing new);
/// the row and the `document_added` event are one transaction.
///
/// Errors: [`Error::Validation`] (`file`: `too_large` with `max`, `empty`;
/// `file_name`: `required`), [`Error::NotFound`] for the record,
/// [`Error::Io`] if the file cannot be written.
pub async fn attach(
    db: &Db,
    ctx: &Ctx,
    entity_type: EntityType,
    entity_id: Uuid,
    file_name: &str,
    content: &[u8],
) -> Result<Document> {
    let name = std::path::Path::new(file_name.trim())
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(FieldError::new("file_name", "required"));
    }
    if content.is_empty() {
        errors.push(FieldError::new("file", "empty_file"));
    }
    if content.len() as u64 > MAX_DOCUMENT_BYTES {
        errors.push(
            FieldError::new("file", "too_large")
                .with("max", format!("{} MB", MAX_DOCUMENT_BYTES / 1024 / 1024)),
        );
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let sha256 = format!("{:x}", Sha256::digest(content));
    let tenant = ctx.tenant_id();
    with_conn!(db, |c| {
        record_title(c, tenant, entity_type, entity_id).await?;
        super::context::require_visible(c, ctx, entity_id).await
    })?;
    if let Some(dir) = documents_dir(db) {
        let path = dir.join(&sha256);
        if !path.exists() {
            let io = |source| Error::Io {
                path: path.display().to_string(),
                source,
            };
            tokio::fs::create_dir_all(&dir).await.map_err(io)?;
            let tmp = dir.join(format!("{sha256}.part"));
            tokio::fs::write(&tmp, content).await.map_err(io)?;
            tokio::fs::rename(&tmp, &path).await.map_err(io)?;
        }
    }
    let doc = Document {
        id: Uuid::now_v7(),
        entity_type,
        entity_id,
        file_name: name,
        media_type: mime_guess::from_path(file_name)
            .first_or_octet_stream()
            .essence_str()
            .to_string(),
        size_bytes: content.len() as u64,
        sha256,
        uploaded_by: Some(ctx.user.display_name.clone()),
        created_at: now(),
    };
    with_tx!(db, |c| {
        if c.backend() == Backend::Postgres {
            c.put_blob(tenant, &doc.sha256, content).await?;
        }
        c.insert_document(tenant, &doc, ctx.user.id).await?;
        c.insert_record_event(
            tenant,
            entity_type,
            entity_id,
            "document_added",
            Some(&doc.file_name),
            Some(ctx.user.id),
            doc.created_at,
        )
        .await?;
        Ok::<(), Error>(())
    })?;
    Ok(doc)
}

/// A document and its bytes; the content's hash is checked on read.
///
/// Errors: [`Error::NotFound`] for the document or missing bytes,
/// [`Error::Integrity`] if the bytes no longer match the hash.
pub async fn read(db: &Db, ctx: &Ctx, id: Uuid) -> Result<(Document, Vec<u8>)> {
    let tenant = ctx.tenant_id();
    let doc = with_conn!(db, |c| {
        let doc = c.get_document(tenant, id).await?;
        match doc {
            Some(d)
                if super::context::hidden_record(c, ctx, d.entity_id)
                    .await?
                    .is_none() =>
            {
                Ok(Some(d))
            }
            _ => Ok::<_, Error>(None),
        }
    })?
    .ok_or_else(|| Error::NotFound {
        entity: "document",
        id: id.to_string(),
    })?;
    let bytes = match documents_dir(db) {
        Some(dir) => {
            let path = dir.join(&doc.sha256);
            tokio::fs::read(&path).await.map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?
        }
        None => with_conn!(db, |c| c.get_blob(tenant, &doc.sha256).await)?.ok_or_else(|| {
            Error::NotFound {
                entity: "document content",
                id: doc.sha256.clone(),
            }
        })?,
    };
    if format!("{:x}", Sha256::digest(&bytes)) != doc.sha256 {
        return Err(Error::Integrity(format!(
            "document {} ({}) does not match its SHA-256",
            doc.id, doc.file_name
        )));
    }
    Ok((doc, bytes))
}

/// Documents on a record, newest first. Errors: [`Error::NotFound`] for a
/// lead or deal outside the acting user's [`Ctx::record_scope`].
pub async fn documents(db: &Db, ctx: &Ctx, entity_id: Uuid) -> Result<Vec<Document>> {
    with_conn!(db, |c| {
        super::context::require_visible(c, ctx, entity_id).await?;
        c.documents_of(ctx.tenant_id(), entity_id).await
    })
}

/// One page of a record's timeline, newest first. A person's timeline
/// includes their leads' and deals' events; a company's its deals'; only
/// those in the acting user's [`Ctx::record_scope`].
///
/// Errors: [`Error::NotFound`] for an unknown record, or a lead or deal
/// out of scope.
pub async fn timeline(
    db: &Db,
    ctx: &Ctx,
    entity_type: EntityType,
    entity_id: Uuid,
    offset: u32,
    limit: u32,
) -> Result<Page<TimelineEntry>> {
    let tenant = ctx.tenant_id();
    with_conn!(db, |c| {
        record_title(c, tenant, entity_type, entity_id).await?;
        super::context::require_visible(c, ctx, entity_id).await?;
        let mut records = vec![(entity_type, entity_id)];
        match entity_type {
            EntityType::Person => {
                for l in c.leads_of_person(tenant, entity_id).await? {
                    records.push((EntityType::Lead, l));
                }
                for d in c.deals_of(tenant, Some(entity_id), None).await? {
                    records.push((EntityType::Deal, d));
                }
            }
            EntityType::Company => {
                for d in c.deals_of(tenant, None, Some(entity_id)).await? {
                    records.push((EntityType::Deal, d));
                }
            }
            _ => {}
        }
        // A person's or company's leads and deals in other stores stay out.
        let mut shown = Vec::with_capacity(records.len());
        for (kind, id) in records {
            if super::context::hidden_record(c, ctx, id).await?.is_none() {
                shown.push((kind, id));
            }
        }
        c.timeline(tenant, &shown, offset, limit).await
    })
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn markdown_is_rendered_and_sanitised() {
        let html = render_markdown(
            "**Offerta** fibra\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) [sito](https://a.it)",
        );
        assert!(html.contains("<strong>Offerta</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(html.contains("href=\"https://a.it\""));
        assert!(html.contains("rel=\"noopener noreferrer\""));
    }
}
