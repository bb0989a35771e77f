//! The desk's outbox file (`outbox.db` in the data folder, SQLite): captures waiting for a chain server that could not be reached, and who last signed in there.
//!
//! It is the desk's own file, never the shop's or the chain's database:
//! its tables are made here (`CREATE TABLE IF NOT EXISTS`, version in
//! `PRAGMA user_version`), not by the migrations. It is written with
//! `synchronous=FULL` in WAL mode, so a queued capture survives a power
//! cut, and with a busy timeout, so the window and `banco outbox send` can
//! share it. Nothing above [`Outbox`] writes its SQL.
//!
//! - `entries`: one row per capture, in `seq` order; `lead_id` is unique,
//!   so a capture is queued once.
//! - `desk_users`: per server and login, the last signed-in user's context
//!   (tenant and user, as JSON) and an Argon2id verifier of their password,
//!   so a desk cut off from its server still knows who is at the counter.
//! - `copies` and `copy_people`: per server and user, a copy of the store's
//!   people for the match panel and search offline ([`people_copy`]).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::Row;
use uuid::Uuid;

use crate::model::{CaptureLead, OutboxEntry, OutboxState, Tenant, User};
use crate::{Error, ErrorPayload, Result};

mod people_copy;
pub use people_copy::{CopiedPerson, CopyInfo};

/// Name of the outbox file inside a data folder.
pub const OUTBOX_FILE: &str = "outbox.db";

/// Version of the file's tables (`PRAGMA user_version`).
const VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    lead_id TEXT NOT NULL UNIQUE,
    server TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    capture TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'refused')),
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS desk_users (
    server TEXT NOT NULL,
    login TEXT NOT NULL,
    tenant TEXT NOT NULL,
    user TEXT NOT NULL,
    verifier TEXT NOT NULL,
    signed_in_at TEXT NOT NULL,
    PRIMARY KEY (server, login)
);
";

/// A signed-in user as the desk remembers them for working offline.
#[derive(Debug, Clone)]
pub struct DeskUser {
    /// Their tenant when they last signed in.
    pub tenant: Tenant,
    /// The user, as the server knew them then.
    pub user: User,
    /// Argon2id PHC string of their password.
    pub verifier: String,
    /// When they last signed in online (UTC).
    pub signed_in_at: DateTime<Utc>,
}

/// The desk's outbox file, opened. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Outbox {
    pool: SqlitePool,
    path: PathBuf,
    /// Whether the last attempt to reach the server failed (this process's
    /// view, shared by its clones).
    offline: Arc<AtomicBool>,
}

fn json_err(what: &str, e: serde_json::Error) -> Error {
    Error::Integrity(format!("outbox {what} cannot be read: {e}"))
}

impl Outbox {
    /// Opens (creating if missing) `outbox.db` in `data_dir`.
    ///
    /// Errors: [`Error::Io`] when the folder cannot be made;
    /// [`Error::DamagedDatabase`] for a damaged file; [`Error::Integrity`]
    /// for a file of a newer Banco.
    pub async fn open(data_dir: &Path) -> Result<Outbox> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::Io {
            path: data_dir.display().to_string(),
            source,
        })?;
        let path = data_dir.join(OUTBOX_FILE);
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
            // A forgotten capture leaves no text behind (GDPR erasure).
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(10));
        let file = path.display().to_string();
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(|e| super::integrity::damaged_or(e, file.clone()))?;
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&pool)
            .await
            .map_err(|e| super::integrity::damaged_or(e, file.clone()))?;
        if version > VERSION {
            return Err(Error::Integrity(format!(
                "{file} was written by a newer Banco (version {version})"
            )));
        }
        sqlx::raw_sql(SCHEMA).execute(&pool).await?;
        sqlx::raw_sql(people_copy::SCHEMA).execute(&pool).await?;
        sqlx::query(&format!("PRAGMA user_version = {VERSION}"))
            .execute(&pool)
            .await?;
        Ok(Outbox {
            pool,
            path,
            offline: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Whether the last attempt to reach the server failed.
    pub fn is_offline(&self) -> bool {
        self.offline.load(Ordering::SeqCst)
    }

    /// Records whether the last attempt to reach the server failed.
    pub fn set_offline(&self, offline: bool) {
        self.offline.store(offline, Ordering::SeqCst);
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Queues a capture of `user` for `server`, `capture.id` being the
    /// lead's id. Queuing the same lead id again changes nothing. Returns
    /// how many entries of `server` now wait.
    pub async fn push(
        &self,
        server: &str,
        user: &User,
        taken_at: DateTime<Utc>,
        capture: &CaptureLead,
    ) -> Result<u64> {
        let lead_id = capture
            .id
            .ok_or_else(|| Error::Integrity("a queued capture needs its lead id".into()))?;
        let text = serde_json::to_string(capture).map_err(|e| json_err("capture", e))?;
        sqlx::query(
            "INSERT INTO entries (lead_id, server, user_id, user_name, taken_at, capture, state) \
             VALUES (?, ?, ?, ?, ?, ?, 'waiting') ON CONFLICT (lead_id) DO NOTHING",
        )
        .bind(lead_id.to_string())
        .bind(server)
        .bind(user.id.to_string())
        .bind(&user.display_name)
        .bind(taken_at.to_rfc3339())
        .bind(text)
        .execute(&self.pool)
        .await?;
        Ok(self.counts(server).await?.0)
    }

    /// Every entry, of `server` only when given, in the order they are sent.
    pub async fn entries(&self, server: Option<&str>) -> Result<Vec<OutboxEntry>> {
        let rows = sqlx::query(
            "SELECT seq, lead_id, server, user_id, user_name, taken_at, capture, state, reason, \
             attempts FROM entries WHERE ?1 IS NULL OR server = ?1 ORDER BY seq",
        )
        .bind(server)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_of).collect()
    }

    /// How many entries of `server` wait and how many were refused.
    pub async fn counts(&self, server: &str) -> Result<(u64, u64)> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(state = 'waiting'), 0), COALESCE(SUM(state = 'refused'), 0) \
             FROM entries WHERE server = ?",
        )
        .bind(server)
        .fetch_one(&self.pool)
        .await?;
        let waiting: i64 = row.try_get(0)?;
        let refused: i64 = row.try_get(1)?;
        Ok((waiting.max(0) as u64, refused.max(0) as u64))
    }

    /// How many entries of `user` for `server` wait.
    pub async fn waiting_of(&self, server: &str, user: Uuid) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM entries WHERE server = ? AND user_id = ? AND state = 'waiting'",
        )
        .bind(server)
        .bind(user.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(n.max(0) as u64)
    }

    /// Removes the entry of `lead_id` (delivered, or dropped by a user).
    /// Returns whether there was one.
    pub async fn remove(&self, lead_id: Uuid) -> Result<bool> {
        let done = sqlx::query("DELETE FROM entries WHERE lead_id = ?")
            .bind(lead_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Counts one more attempt to send the entry of `lead_id`.
    pub async fn attempted(&self, lead_id: Uuid) -> Result<()> {
        sqlx::query("UPDATE entries SET attempts = attempts + 1 WHERE lead_id = ?")
            .bind(lead_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks the entry of `lead_id` refused, with the server's reason.
    pub async fn refuse(&self, lead_id: Uuid, reason: &ErrorPayload) -> Result<()> {
        let text = serde_json::to_string(reason).map_err(|e| json_err("reason", e))?;
        sqlx::query("UPDATE entries SET state = 'refused', reason = ? WHERE lead_id = ?")
            .bind(text)
            .bind(lead_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Remembers who signed in on `server` as `login` (their context and a
    /// verifier of their password), replacing what was kept for them.
    pub async fn remember(
        &self,
        server: &str,
        login: &str,
        tenant: &Tenant,
        user: &User,
        verifier: &str,
    ) -> Result<()> {
        let tenant = serde_json::to_string(tenant).map_err(|e| json_err("tenant", e))?;
        let user = serde_json::to_string(user).map_err(|e| json_err("user", e))?;
        sqlx::query(
            "INSERT INTO desk_users (server, login, tenant, user, verifier, signed_in_at) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (server, login) DO UPDATE SET \
             tenant = excluded.tenant, user = excluded.user, verifier = excluded.verifier, \
             signed_in_at = excluded.signed_in_at",
        )
        .bind(server)
        .bind(login)
        .bind(tenant)
        .bind(user)
        .bind(verifier)
        .bind(Utc::now().to_rfc3339())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Who signed in last on `server` as `login`, if anyone did here.
    pub async fn remembered(&self, server: &str, login: &str) -> Result<Option<DeskUser>> {
        let row = sqlx::query(
            "SELECT tenant, user, verifier, signed_in_at FROM desk_users \
             WHERE server = ? AND login = ?",
        )
        .bind(server)
        .bind(login)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| desk_user_of(&row)).transpose()
    }

    /// Who signed in last on `server`, whatever their login.
    pub async fn last_signed_in(&self, server: &str) -> Result<Option<(String, DeskUser)>> {
        let row = sqlx::query(
            "SELECT login, tenant, user, verifier, signed_in_at FROM desk_users \
             WHERE server = ? ORDER BY signed_in_at DESC LIMIT 1",
        )
        .bind(server)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some((row.try_get("login")?, desk_user_of(&row)?))),
            None => Ok(None),
        }
    }

    /// Forgets every user remembered for `server` and every copy of its
    /// people ("Forget this computer"), in one transaction.
    pub async fn forget_users(&self, server: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM desk_users WHERE server = ?")
            .bind(server)
            .execute(&mut *tx)
            .await?;
        Outbox::forget_copies(&mut tx, server).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets a person whose data was erased (GDPR art. 17): their rows
    /// in every offline copy, and the queued captures of `person` or of
    /// the same phone or e-mail (`e-mails` lower-case, `national_numbers`
    /// the national significant numbers of their phones). Then empties
    /// the file's log so the text leaves the disk. Returns the rows
    /// removed.
    pub async fn forget_person(
        &self,
        person: Uuid,
        emails: &[String],
        national_numbers: &[String],
    ) -> Result<u64> {
        let mut removed = sqlx::query("DELETE FROM copy_people WHERE person_id = ?")
            .bind(person.to_string())
            .execute(&self.pool)
            .await?
            .rows_affected();
        for entry in self.entries(None).await? {
            let c = &entry.capture;
            let digits: String = c.phone.chars().filter(char::is_ascii_digit).collect();
            let same = c.person_id == Some(person)
                || emails.contains(&c.email.trim().to_lowercase())
                || national_numbers
                    .iter()
                    .any(|n| n.len() >= 6 && digits.ends_with(n.as_str()));
            if same && self.remove(entry.lead_id).await? {
                removed += 1;
            }
        }
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(removed)
    }

    /// Closes the file.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn uuid_of(text: &str, column: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|e| Error::Integrity(format!("outbox {column}: {e}")))
}

fn entry_of(row: &sqlx::sqlite::SqliteRow) -> Result<OutboxEntry> {
    let lead_id: String = row.try_get("lead_id")?;
    let user_id: String = row.try_get("user_id")?;
    let taken_at: String = row.try_get("taken_at")?;
    let capture: String = row.try_get("capture")?;
    let state: String = row.try_get("state")?;
    let reason: Option<String> = row.try_get("reason")?;
    let attempts: i64 = row.try_get("attempts")?;
    Ok(OutboxEntry {
        seq: row.try_get("seq")?,
        lead_id: uuid_of(&lead_id, "lead_id")?,
        taken_at: DateTime::parse_from_rfc3339(&taken_at)
            .map_err(|e| Error::Integrity(format!("outbox taken_at: {e}")))?
            .with_timezone(&Utc),
        server: row.try_get("server")?,
        user_id: uuid_of(&user_id, "user_id")?,
        user_name: row.try_get("user_name")?,
        state: if state == "refused" {
            OutboxState::Refused
        } else {
            OutboxState::Waiting
        },
        reason: reason
            .map(|r| serde_json::from_str(&r).map_err(|e| json_err("reason", e)))
            .transpose()?,
        attempts: u32::try_from(attempts.max(0)).unwrap_or(u32::MAX),
        capture: serde_json::from_str(&capture).map_err(|e| json_err("capture", e))?,
    })
}

fn desk_user_of(row: &sqlx::sqlite::SqliteRow) -> Result<DeskUser> {
    let tenant: String = row.try_get("tenant")?;
    let user: String = row.try_get("user")?;
    let at: String = row.try_get("signed_in_at")?;
    Ok(DeskUser {
        tenant: serde_json::from_str(&tenant).map_err(|e| json_err("tenant", e))?,
        user: serde_json::from_str(&user).map_err(|e| json_err("user", e))?,
        verifier: row.try_get("verifier")?,
        signed_in_at: DateTime::parse_from_rfc3339(&at)
            .map_err(|e| Error::Integrity(format!("outbox signed_in_at: {e}")))?
            .with_timezone(&Utc),
    })
}
