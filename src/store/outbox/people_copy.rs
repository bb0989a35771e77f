//! The desk's copy of the store's people in the outbox file, for the counter's match panel and the search box while the chain server cannot be reached.
//!
//! One copy per server and user (what that user may see, taken while they
//! were online), replaced whole in one transaction: a copy is never half
//! old and half new. `copies` says when it was taken (the "possibly stale
//! since" the window shows), for which home store, the tenant's stores
//! then, and whether the limit cut it short; `copy_people` holds each
//! person as JSON beside the keys it is looked up by (E.164 phones,
//! e-mails, folded name, the list search's text).

use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::{json_err, uuid_of, Outbox};
use crate::model::{Person, Shop};
use crate::store::people::person_search_text;
use crate::store::sql::like_escape;
use crate::{Error, Result};

/// The copy's tables (part of the outbox file's schema).
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS copies (
    server TEXT NOT NULL,
    user_id TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    store_id TEXT,
    stores TEXT NOT NULL,
    people INTEGER NOT NULL,
    complete INTEGER NOT NULL,
    PRIMARY KEY (server, user_id)
);
CREATE TABLE IF NOT EXISTS copy_people (
    server TEXT NOT NULL,
    user_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    person TEXT NOT NULL,
    phone TEXT,
    phone_2 TEXT,
    email TEXT,
    email_2 TEXT,
    name_key TEXT NOT NULL,
    search TEXT NOT NULL,
    open_leads INTEGER NOT NULL,
    open_deals INTEGER NOT NULL,
    PRIMARY KEY (server, user_id, person_id)
);
CREATE INDEX IF NOT EXISTS copy_people_phone ON copy_people (server, user_id, phone);
CREATE INDEX IF NOT EXISTS copy_people_phone_2 ON copy_people (server, user_id, phone_2);
CREATE INDEX IF NOT EXISTS copy_people_email ON copy_people (server, user_id, email);
CREATE INDEX IF NOT EXISTS copy_people_name ON copy_people (server, user_id, name_key);
";

/// A person of the copy with their open leads and open deals as counted
/// when the copy was taken.
pub type CopiedPerson = (Person, u64, u64);

/// What a copy is, without its people.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyInfo {
    /// When it was taken from the server (UTC).
    pub taken_at: DateTime<Utc>,
    /// The user's home store then (`None`: the tenant's people).
    pub store_id: Option<Uuid>,
    /// The tenant's stores then (the counter's store list offline).
    pub stores: Vec<Shop>,
    /// How many people it holds.
    pub people: u64,
    /// `false` when the store had more people than the copy's limit (the
    /// most recently changed were kept).
    pub complete: bool,
}

const PERSON_ROW: &str = "SELECT person, open_leads, open_deals FROM copy_people";

impl Outbox {
    /// Replaces `user`'s copy for `server` with `people` (see the module
    /// docs), in one transaction.
    ///
    /// Errors: outbox file errors (then the old copy is kept).
    pub async fn replace_copy(
        &self,
        server: &str,
        user: Uuid,
        info: &CopyInfo,
        people: &[CopiedPerson],
    ) -> Result<()> {
        let stores = serde_json::to_string(&info.stores).map_err(|e| json_err("stores", e))?;
        let mut tx = self.pool.begin().await?;
        for table in ["copy_people", "copies"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE server = ? AND user_id = ?"
            ))
            .bind(server)
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?;
        }
        for (p, open_leads, open_deals) in people {
            let json = serde_json::to_string(p).map_err(|e| json_err("person", e))?;
            sqlx::query(
                "INSERT INTO copy_people (server, user_id, person_id, person, phone, phone_2, \
                 email, email_2, name_key, search, open_leads, open_deals) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(server)
            .bind(user.to_string())
            .bind(p.id.to_string())
            .bind(json)
            .bind(&p.phone)
            .bind(&p.phone_2)
            .bind(&p.email)
            .bind(&p.email_2)
            .bind(crate::model::search_key(&format!(
                "{} {}",
                p.first_name, p.last_name
            )))
            .bind(person_search_text(p))
            .bind(i64::try_from(*open_leads).unwrap_or(i64::MAX))
            .bind(i64::try_from(*open_deals).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO copies (server, user_id, taken_at, store_id, stores, people, complete) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(server)
        .bind(user.to_string())
        .bind(info.taken_at.to_rfc3339())
        .bind(info.store_id.map(|s| s.to_string()))
        .bind(stores)
        .bind(people.len() as i64)
        .bind(info.complete)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `user`'s copy for `server`, without its people; `None` when none
    /// was taken on this computer.
    ///
    /// Errors: outbox file errors; [`Error::Integrity`] for a row that
    /// cannot be read.
    pub async fn copy_info(&self, server: &str, user: Uuid) -> Result<Option<CopyInfo>> {
        let Some(row) = sqlx::query(
            "SELECT taken_at, store_id, stores, people, complete FROM copies \
             WHERE server = ? AND user_id = ?",
        )
        .bind(server)
        .bind(user.to_string())
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let taken_at: String = row.try_get("taken_at")?;
        let store_id: Option<String> = row.try_get("store_id")?;
        let stores: String = row.try_get("stores")?;
        let people: i64 = row.try_get("people")?;
        Ok(Some(CopyInfo {
            taken_at: DateTime::parse_from_rfc3339(&taken_at)
                .map_err(|e| Error::Integrity(format!("outbox copy taken_at: {e}")))?
                .with_timezone(&Utc),
            store_id: store_id
                .as_deref()
                .map(|s| uuid_of(s, "store_id"))
                .transpose()?,
            stores: serde_json::from_str(&stores).map_err(|e| json_err("stores", e))?,
            people: u64::try_from(people).unwrap_or(0),
            complete: row.try_get("complete")?,
        }))
    }

    /// People of `user`'s copy whose main or second phone is one of
    /// `phones` (E.164) or whose main or second e-mail is `email`
    /// (normalised), by name.
    ///
    /// Errors: outbox file errors; [`Error::Integrity`] for a row that
    /// cannot be read.
    pub async fn copy_by_contact(
        &self,
        server: &str,
        user: Uuid,
        phones: &[String],
        email: Option<&str>,
    ) -> Result<Vec<CopiedPerson>> {
        let mut out = Vec::new();
        let mut lookups: Vec<(&'static str, &str)> = Vec::new();
        for phone in phones {
            lookups.push(("phone", phone));
            lookups.push(("phone_2", phone));
        }
        if let Some(email) = email {
            lookups.push(("email", email));
            lookups.push(("email_2", email));
        }
        for (column, value) in lookups {
            self.add_equal(&mut out, server, user, column, value, 20)
                .await?;
        }
        Ok(out)
    }

    /// People of `user`'s copy whose folded full name is one of
    /// `name_keys` ([`crate::model::search_key`] of "first last"), at most
    /// `limit`.
    ///
    /// Errors: as [`Outbox::copy_by_contact`].
    pub async fn copy_by_name(
        &self,
        server: &str,
        user: Uuid,
        name_keys: &[String],
        limit: u32,
    ) -> Result<Vec<CopiedPerson>> {
        let mut out = Vec::new();
        for key in name_keys {
            self.add_equal(&mut out, server, user, "name_key", key, limit)
                .await?;
        }
        out.truncate(limit as usize);
        Ok(out)
    }

    /// Adds to `out` the people of `user`'s copy whose `column` (one of
    /// this file's lookup columns) is `value`, at most `limit`, skipping
    /// those already in `out`.
    async fn add_equal(
        &self,
        out: &mut Vec<CopiedPerson>,
        server: &str,
        user: Uuid,
        column: &'static str,
        value: &str,
        limit: u32,
    ) -> Result<()> {
        let rows = sqlx::query(&format!(
            "{PERSON_ROW} WHERE server = ? AND user_id = ? AND {column} = ? LIMIT ?"
        ))
        .bind(server)
        .bind(user.to_string())
        .bind(value)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let found = copied_of(&row)?;
            if !out.iter().any(|(p, _, _)| p.id == found.0.id) {
                out.push(found);
            }
        }
        Ok(())
    }

    /// People of `user`'s copy whose list search text (folded name,
    /// e-mails, company, phone digits) contains every one of `terms`
    /// (already folded), by last and first name, at most `limit`.
    ///
    /// Errors: as [`Outbox::copy_by_contact`].
    pub async fn copy_search(
        &self,
        server: &str,
        user: Uuid,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<CopiedPerson>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = format!("{PERSON_ROW} WHERE server = ? AND user_id = ?");
        for _ in terms {
            sql.push_str(" AND search LIKE ? ESCAPE '\\'");
        }
        sql.push_str(" ORDER BY name_key LIMIT ?");
        let mut q = sqlx::query(&sql).bind(server).bind(user.to_string());
        for term in terms {
            q = q.bind(format!("%{}%", like_escape(term)));
        }
        let rows = q.bind(i64::from(limit)).fetch_all(&self.pool).await?;
        rows.iter().map(copied_of).collect()
    }

    /// Deletes every copy of `server` on this computer.
    pub(super) async fn forget_copies(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        server: &str,
    ) -> Result<()> {
        for table in ["copy_people", "copies"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE server = ?"))
                .bind(server)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

fn copied_of(row: &sqlx::sqlite::SqliteRow) -> Result<CopiedPerson> {
    let person: String = row.try_get("person")?;
    let open_leads: i64 = row.try_get("open_leads")?;
    let open_deals: i64 = row.try_get("open_deals")?;
    Ok((
        serde_json::from_str(&person).map_err(|e| json_err("person", e))?,
        u64::try_from(open_leads).unwrap_or(0),
        u64::try_from(open_deals).unwrap_or(0),
    ))
}
