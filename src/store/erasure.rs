//! Erasing a person's data (GDPR art. 17): the rows that carry it are
//! anonymised or deleted, the rows that count (leads, deals, contracts,
//! calls) stay. The service decides what replaces a title
//! ([`crate::services::gdpr::erase`]); this file only writes.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, query_scalar, Conn, QueryBuilder};
use super::Backend;
use crate::model::{ErasureCounts, Person, RetentionCandidate};
use crate::Result;

/// `(table, id column, text column)` of the titles the erasure rewrites
/// on each of the person's records (the record's id in `entity_id`).
const TITLED: &[(&str, &str)] = &[
    ("tickets", "title"),
    ("tasks", "title"),
    ("meetings", "title"),
];

impl Conn<'_> {
    /// The ids of the notes and documents on `record`, and the SHA-256 of
    /// each document's bytes.
    async fn notes_and_documents(
        &mut self,
        tenant: Uuid,
        record: Uuid,
    ) -> Result<(Vec<Uuid>, Vec<(Uuid, String)>)> {
        let notes = query_scalar("SELECT id FROM notes WHERE tenant_id = $1 AND entity_id = $2")
            .bind(tenant)
            .bind(record)
            .fetch_all(&mut *self)
            .await?;
        let docs = query_as::<(Uuid, String)>(
            "SELECT id, sha256 FROM documents WHERE tenant_id = $1 AND entity_id = $2",
        )
        .bind(tenant)
        .bind(record)
        .fetch_all(&mut *self)
        .await?;
        Ok((notes, docs))
    }

    /// Titles of the tickets, tasks and meetings on `record`, as
    /// `(table, id, title)`.
    pub async fn titles_on(
        &mut self,
        tenant: Uuid,
        record: Uuid,
    ) -> Result<Vec<(&'static str, Uuid, String)>> {
        let mut out = Vec::new();
        for (table, column) in TITLED {
            let rows = query_as::<(Uuid, String)>(format!(
                "SELECT id, {column} FROM {table} WHERE tenant_id = $1 AND entity_id = $2"
            ))
            .bind(tenant)
            .bind(record)
            .fetch_all(&mut *self)
            .await?;
            out.extend(rows.into_iter().map(|(id, t)| (*table, id, t)));
        }
        Ok(out)
    }

    /// Notes on other records than `skip` that may name an erased person:
    /// those on one of `on` (the companies they were a contact of), and
    /// any whose text holds one of `identifiers` (their e-mails, codice
    /// fiscale and numbers, compared in lower case): `(note, record)`. Every note
    /// of the tenant is read (an erasure is rare).
    pub async fn notes_naming(
        &mut self,
        tenant: Uuid,
        on: &[Uuid],
        identifiers: &[String],
        skip: &[Uuid],
    ) -> Result<Vec<(Uuid, Uuid)>> {
        let mut qb = QueryBuilder::new("SELECT id, entity_id FROM notes WHERE tenant_id = ");
        qb.push_bind(tenant).push(" AND (1 = 0");
        for company in on {
            qb.push(" OR entity_id = ").push_bind(*company);
        }
        for needle in identifiers {
            qb.push(" OR LOWER(body) LIKE ")
                .push_bind(format!("%{}%", needle.to_lowercase()));
        }
        qb.push(")");
        let rows: Vec<(Uuid, Uuid)> = qb.build_query_as().fetch_all(&mut *self).await?;
        Ok(rows
            .into_iter()
            .filter(|(_, on)| !skip.contains(on))
            .collect())
    }

    /// Rewrites a note's text and its earlier versions through `redact`
    /// (the erased person's details hidden), and the history excerpts of
    /// its record ([`Conn::redact_history`]). Returns whether anything
    /// changed. The caller re-indexes the note.
    pub async fn redact_note(
        &mut self,
        tenant: Uuid,
        note: Uuid,
        entity: Uuid,
        redact: &(dyn Fn(&str) -> String + Send + Sync),
    ) -> Result<bool> {
        let mut changed = false;
        for (table, which) in [("notes", "id = $2"), ("note_revisions", "note_id = $2")] {
            changed |= self
                .redact_column(tenant, table, "body", which, note, redact)
                .await?;
        }
        Ok(self.redact_history(tenant, entity, redact).await? || changed)
    }

    /// Rewrites the details of a record's history entries through
    /// `redact`. Returns whether anything changed.
    pub async fn redact_history(
        &mut self,
        tenant: Uuid,
        entity: Uuid,
        redact: &(dyn Fn(&str) -> String + Send + Sync),
    ) -> Result<bool> {
        self.redact_column(
            tenant,
            "record_events",
            "detail",
            "entity_id = $2",
            entity,
            redact,
        )
        .await
    }

    /// `column` of the rows of `table` chosen by `which` (on `key`),
    /// rewritten through `redact` where that changes them.
    async fn redact_column(
        &mut self,
        tenant: Uuid,
        table: &str,
        column: &str,
        which: &str,
        key: Uuid,
        redact: &(dyn Fn(&str) -> String + Send + Sync),
    ) -> Result<bool> {
        let rows: Vec<(Uuid, Option<String>)> = query_as(format!(
            "SELECT id, {column} FROM {table} WHERE tenant_id = $1 AND {which}"
        ))
        .bind(tenant)
        .bind(key)
        .fetch_all(&mut *self)
        .await?;
        let mut changed = false;
        for (id, text) in rows {
            let Some(text) = text else { continue };
            let hidden = redact(&text);
            if hidden != text {
                changed = true;
                query(format!(
                    "UPDATE {table} SET {column} = $3 WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(tenant)
                .bind(id)
                .bind(hidden)
                .execute(&mut *self)
                .await?;
            }
        }
        Ok(changed)
    }

    /// Writes a new title on a ticket, task or meeting (`table` from
    /// [`Conn::titles_on`]).
    pub async fn retitle(
        &mut self,
        tenant: Uuid,
        table: &'static str,
        id: Uuid,
        title: &str,
    ) -> Result<()> {
        debug_assert!(TITLED.iter().any(|(t, _)| *t == table));
        query(format!(
            "UPDATE {table} SET title = $3 WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .bind(title)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Deletes what a person's records carry as free text and cannot be
    /// anonymised field by field: the notes on each of `records` (with
    /// their revisions, mentions and index rows), the documents (their
    /// rows: the bytes are the caller's), and the details of their history
    /// rows; blanks the notes, phones and e-mails of calls and meetings.
    /// Returns the documents' SHA-256 digests, for the caller to drop the
    /// bytes nothing else uses.
    pub async fn erase_record_texts(
        &mut self,
        tenant: Uuid,
        person: Uuid,
        records: &[Uuid],
        counts: &mut ErasureCounts,
    ) -> Result<Vec<String>> {
        let mut digests = Vec::new();
        for record in records {
            let (notes, docs) = self.notes_and_documents(tenant, *record).await?;
            for note in &notes {
                for table in ["note_mentions", "note_revisions"] {
                    query(format!(
                        "DELETE FROM {table} WHERE tenant_id = $1 AND note_id = $2"
                    ))
                    .bind(tenant)
                    .bind(*note)
                    .execute(&mut *self)
                    .await?;
                }
                self.delete_search_doc(tenant, *note).await?;
            }
            query(
                "UPDATE meetings SET note_id = NULL, customer_email = NULL, cancel_reason = NULL \
                   WHERE tenant_id = $1 AND entity_id = $2",
            )
            .bind(tenant)
            .bind(*record)
            .execute(&mut *self)
            .await?;
            counts.notes += query("DELETE FROM notes WHERE tenant_id = $1 AND entity_id = $2")
                .bind(tenant)
                .bind(*record)
                .execute(&mut *self)
                .await?
                .rows_affected();
            counts.documents +=
                query("DELETE FROM documents WHERE tenant_id = $1 AND entity_id = $2")
                    .bind(tenant)
                    .bind(*record)
                    .execute(&mut *self)
                    .await?
                    .rows_affected();
            digests.extend(docs.into_iter().map(|(_, sha)| sha));
            query("UPDATE record_events SET detail = NULL WHERE tenant_id = $1 AND entity_id = $2")
                .bind(tenant)
                .bind(*record)
                .execute(&mut *self)
                .await?;
            counts.interactions += query(
                "UPDATE interactions SET note = NULL, phone_e164 = NULL, \
                 override_reason = CASE WHEN override_code IS NULL THEN NULL ELSE '-' END \
                 WHERE tenant_id = $1 AND (entity_id = $2 OR person_id = $3)",
            )
            .bind(tenant)
            .bind(*record)
            .bind(person)
            .execute(&mut *self)
            .await?
            .rows_affected();
        }
        Ok(digests)
    }

    /// Anonymises a lead of the erased person: its note, custom values and
    /// a free-text reason go, the history keeps its statuses and times.
    pub async fn erase_lead_texts(&mut self, tenant: Uuid, lead: Uuid) -> Result<()> {
        query(
            "UPDATE leads SET note = NULL, custom = '{}', \
             disqualify_reason = CASE WHEN disqualify_reason IS NULL THEN NULL ELSE '-' END \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(lead)
        .execute(&mut *self)
        .await?;
        query("UPDATE lead_events SET detail = NULL WHERE tenant_id = $1 AND lead_id = $2")
            .bind(tenant)
            .bind(lead)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// Anonymises a deal of the erased person (`title` already redacted by
    /// the caller): the loss note, custom values and external reference
    /// go; its contract loses the supply identifiers, the IBAN and the
    /// reasons typed for it; the histories keep their stages, statuses,
    /// times and amounts. The deal's version moves on, so an open editor
    /// cannot write the old text back.
    pub async fn erase_deal_texts(&mut self, tenant: Uuid, deal: Uuid, title: &str) -> Result<()> {
        query(
            "UPDATE deals SET title = $3, lost_note = NULL, custom = '{}', external_ref = NULL, \
             version = version + 1 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(deal)
        .bind(title)
        .execute(&mut *self)
        .await?;
        query(
            "UPDATE contracts SET iban = NULL, pod = NULL, pdr = NULL, msisdn = NULL, iccid = NULL, \
             migration_code = NULL, \
             status_reason = CASE WHEN status_reason IS NULL THEN NULL ELSE '-' END, \
             version = version + 1 WHERE tenant_id = $1 AND deal_id = $2",
        )
        .bind(tenant)
        .bind(deal)
        .execute(&mut *self)
        .await?;
        for table in ["deal_events", "contract_events"] {
            query(format!(
                "UPDATE {table} SET detail = NULL WHERE tenant_id = $1 AND deal_id = $2"
            ))
            .bind(tenant)
            .bind(deal)
            .execute(&mut *self)
            .await?;
        }
        Ok(())
    }

    /// Writes the anonymised person (`p`, with `erased_at` set) over the
    /// row, whatever its version; drops their company links, the merge
    /// snapshots of people merged into them and the do-not-call rows of
    /// `phones` (their numbers before the erasure); their contracts lose
    /// the identifiers as on a deal.
    pub async fn erase_person_row(
        &mut self,
        tenant: Uuid,
        p: &Person,
        phones: &[String],
        at: DateTime<Utc>,
    ) -> Result<()> {
        query(
            "UPDATE people SET first_name = $3, last_name = $4, phone_e164 = NULL, phone_2_e164 = NULL, \
             phone_raw = NULL, email = NULL, email_2 = NULL, company_name = NULL, city = NULL, \
             country = NULL, external_ref = NULL, tax_code = NULL, custom = '{}', search_text = $5, \
             address = NULL, postal_code = NULL, province = NULL, birth_date = NULL, \
             preferred_language = NULL, preferred_channel = NULL, \
             erased_at = $6, updated_at = $6 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(p.id)
        .bind(&p.first_name)
        .bind(&p.last_name)
        .bind(crate::store::people::person_search_text(p))
        .bind(at)
        .execute(&mut *self)
        .await?;
        query(
            "UPDATE contracts SET iban = NULL, pod = NULL, pdr = NULL, msisdn = NULL, iccid = NULL, \
             migration_code = NULL WHERE tenant_id = $1 AND person_id = $2",
        )
        .bind(tenant)
        .bind(p.id)
        .execute(&mut *self)
        .await?;
        query("DELETE FROM company_contacts WHERE tenant_id = $1 AND person_id = $2")
            .bind(tenant)
            .bind(p.id)
            .execute(&mut *self)
            .await?;
        query(
            "UPDATE merges SET snapshot = '{}' WHERE tenant_id = $1 AND entity_type = 'person' \
             AND (kept_id = $2 OR merged_id = $2)",
        )
        .bind(tenant)
        .bind(p.id)
        .execute(&mut *self)
        .await?;
        for phone in phones {
            query("DELETE FROM do_not_call WHERE tenant_id = $1 AND phone_e164 = $2")
                .bind(tenant)
                .bind(phone)
                .execute(&mut *self)
                .await?;
        }
        self.upsert_search_doc(tenant, &super::person_doc(p)).await
    }

    /// Drops document bytes of `digests` that no document row uses any
    /// more (Postgres `document_blobs`; on SQLite the files are the
    /// caller's). Returns the digests no row uses.
    pub async fn unused_digests(
        &mut self,
        tenant: Uuid,
        digests: &[String],
    ) -> Result<Vec<String>> {
        let mut unused = Vec::new();
        for sha in digests {
            let used: i64 =
                query_scalar("SELECT COUNT(*) FROM documents WHERE tenant_id = $1 AND sha256 = $2")
                    .bind(tenant)
                    .bind(sha.as_str())
                    .fetch_one(&mut *self)
                    .await?;
            if used == 0 && !unused.contains(sha) {
                if self.backend() == Backend::Postgres {
                    query("DELETE FROM document_blobs WHERE tenant_id = $1 AND sha256 = $2")
                        .bind(tenant)
                        .bind(sha.as_str())
                        .execute(&mut *self)
                        .await?;
                }
                unused.push(sha.clone());
            }
        }
        Ok(unused)
    }

    /// SQLite: merges the full-text index into one segment, so that the
    /// terms of deleted documents leave the file (FTS5 otherwise keeps
    /// them in older segments until an automatic merge;
    /// sqlite.org/fts5.html#the_optimize_command). Nothing on Postgres.
    pub async fn compact_search_index(&mut self) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            query("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
                .execute(&mut *self)
                .await?;
        }
        Ok(())
    }
}

/// The retention rule's test on `people p` (`$1` tenant, `$2` cut-off,
/// `$3` false): not erased, not a customer, not a company's contact, at
/// least one lead and none converted, no deal or contract, and nothing
/// written about them since the cut-off (the person, a lead, a call or
/// message, a consent).
const RETENTION_WHERE: &str = "p.tenant_id = $1 AND p.erased_at IS NULL AND p.is_customer = $3 \
     AND p.updated_at < $2 \
     AND EXISTS (SELECT 1 FROM leads l WHERE l.tenant_id = p.tenant_id AND l.person_id = p.id) \
     AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.tenant_id = p.tenant_id AND l.person_id = p.id \
         AND (l.status = 'converted' OR l.updated_at >= $2)) \
     AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = p.tenant_id AND d.person_id = p.id) \
     AND NOT EXISTS (SELECT 1 FROM contracts k WHERE k.tenant_id = p.tenant_id AND k.person_id = p.id) \
     AND NOT EXISTS (SELECT 1 FROM company_contacts cc WHERE cc.tenant_id = p.tenant_id AND cc.person_id = p.id) \
     AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.tenant_id = p.tenant_id AND i.person_id = p.id \
         AND i.started_at >= $2) \
     AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.tenant_id = p.tenant_id AND c.person_id = p.id \
         AND c.recorded_at >= $2)";

impl Conn<'_> {
    /// How many people the retention rule matches at `cutoff`.
    pub async fn retention_count(&mut self, tenant: Uuid, cutoff: DateTime<Utc>) -> Result<u64> {
        let n: i64 = query_scalar(format!(
            "SELECT COUNT(*) FROM people p WHERE {RETENTION_WHERE}"
        ))
        .bind(tenant)
        .bind(cutoff)
        .bind(false)
        .fetch_one(&mut *self)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The first `limit` people the retention rule matches at `cutoff`,
    /// least recently changed first.
    pub async fn retention_candidates(
        &mut self,
        tenant: Uuid,
        cutoff: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<RetentionCandidate>> {
        query_as::<RetentionCandidate>(format!(
            "SELECT p.id AS person_id, p.first_name || ' ' || p.last_name AS name, \
             (SELECT COUNT(*) FROM leads l WHERE l.tenant_id = p.tenant_id AND l.person_id = p.id) AS leads, \
             p.updated_at AS last_touched \
             FROM people p WHERE {RETENTION_WHERE} ORDER BY p.updated_at, p.id LIMIT $4"
        ))
        .bind(tenant)
        .bind(cutoff)
        .bind(false)
        .bind(i64::from(limit))
        .fetch_all(&mut *self)
        .await
    }

    /// The tenant's retention rule in months (0: off) and when the daily
    /// job last ran.
    pub async fn retention_rule(&mut self, tenant: Uuid) -> Result<(u32, Option<DateTime<Utc>>)> {
        let row = query_as::<(i32, Option<DateTime<Utc>>)>(
            "SELECT lead_retention_months, retention_run_at FROM tenants WHERE id = $1",
        )
        .bind(tenant)
        .fetch_optional(&mut *self)
        .await?;
        Ok(
            row.map_or((crate::model::DEFAULT_RETENTION_MONTHS, None), |(m, at)| {
                (u32::try_from(m).unwrap_or(0), at)
            }),
        )
    }

    /// Sets the tenant's retention rule in months (0: off).
    pub async fn set_retention_months(&mut self, tenant: Uuid, months: u32) -> Result<()> {
        query("UPDATE tenants SET lead_retention_months = $2 WHERE id = $1")
            .bind(tenant)
            .bind(i32::try_from(months).unwrap_or(i32::MAX))
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// Marks the retention job run at `at`, if it last ran before
    /// `due_before` (or never): `false` when another desk ran it since,
    /// so that one desk a day runs it.
    pub async fn claim_retention_run(
        &mut self,
        tenant: Uuid,
        at: DateTime<Utc>,
        due_before: DateTime<Utc>,
    ) -> Result<bool> {
        let done = query(
            "UPDATE tenants SET retention_run_at = $2 WHERE id = $1 \
             AND (retention_run_at IS NULL OR retention_run_at < $3)",
        )
        .bind(tenant)
        .bind(at)
        .bind(due_before)
        .execute(&mut *self)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

impl super::Db {
    /// SQLite: copies the write-ahead log into the database file and
    /// empties it (`PRAGMA wal_checkpoint(TRUNCATE)`), so that old page
    /// images with erased text leave the `-wal` file; retried while a
    /// reader holds an old snapshot (up to about 5 s). Returns whether the
    /// log was emptied. Nothing to do on Postgres (`true`).
    pub async fn flush_log(&self) -> Result<bool> {
        let super::Pool::Sqlite(pool) = &self.pool else {
            return Ok(true);
        };
        for _ in 0..50 {
            let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(pool)
                .await?;
            if busy == 0 {
                return Ok(true);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        Ok(false)
    }

    /// SQLite: rebuilds the file without free space (`VACUUM`), for a copy
    /// nobody else has open (a backup being cleaned). Nothing on Postgres.
    pub async fn vacuum(&self) -> Result<()> {
        if let super::Pool::Sqlite(pool) = &self.pool {
            sqlx::query("VACUUM").execute(pool).await?;
        }
        Ok(())
    }
}
