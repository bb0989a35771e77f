//! Other desks' changes, as they happen: `LISTEN` on the tenant's channel of a chain server (filled by the triggers of migration 0009), or `PRAGMA data_version` of the shop's SQLite file.

use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::{ConnectOptions, SqliteConnection};
use uuid::Uuid;

use super::{Db, Pool};
use crate::Result;

/// How often the SQLite file is asked whether another connection wrote.
pub const SQLITE_POLL: Duration = Duration::from_millis(700);

/// The channel a chain server notifies a tenant's changes on:
/// `banco_` + the tenant id's 32 hex digits.
pub fn channel(tenant: Uuid) -> String {
    format!("banco_{}", tenant.simple())
}

/// A feed of changes made by others (other desks, other windows, the
/// command line): on Postgres a listening connection of its own (as the
/// same login as the pool); on SQLite a connection of its own to the same
/// file, polled.
pub enum ChangeFeed {
    /// Listening on the tenant's channel.
    Postgres(Box<PgListener>),
    /// Watching the file's `data_version`, which changes when another
    /// connection commits.
    Sqlite {
        /// The watching connection.
        conn: Box<SqliteConnection>,
        /// The last version seen.
        seen: i64,
    },
}

impl ChangeFeed {
    /// Starts following `tenant`'s changes in `db`.
    ///
    /// Errors: [`crate::Error::Database`] when the server or the file
    /// cannot be reached.
    pub async fn open(db: &Db, tenant: Uuid) -> Result<ChangeFeed> {
        match db.pool() {
            Pool::Postgres(pool) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen(&channel(tenant)).await?;
                Ok(ChangeFeed::Postgres(Box::new(listener)))
            }
            Pool::Sqlite(pool) => {
                let mut conn = pool.connect_options().connect().await?;
                let seen = data_version(&mut conn).await?;
                Ok(ChangeFeed::Sqlite {
                    conn: Box::new(conn),
                    seen,
                })
            }
        }
    }

    /// Waits for the next change and says which tables changed (empty:
    /// not known, as on SQLite — re-read everything shown).
    ///
    /// Errors: [`crate::Error::Database`] when the connection is lost
    /// (open a new feed).
    pub async fn next(&mut self) -> Result<Vec<String>> {
        match self {
            ChangeFeed::Postgres(listener) => {
                let first = listener.recv().await?;
                let mut tables = vec![first.payload().to_string()];
                // What else arrived with it (one commit touches several).
                while let Some(more) = listener.next_buffered() {
                    if !tables.iter().any(|t| t == more.payload()) {
                        tables.push(more.payload().to_string());
                    }
                    if tables.len() > 16 {
                        break;
                    }
                }
                Ok(tables)
            }
            ChangeFeed::Sqlite { conn, seen } => loop {
                tokio::time::sleep(SQLITE_POLL).await;
                let now = data_version(conn).await?;
                if now != *seen {
                    *seen = now;
                    return Ok(Vec::new());
                }
            },
        }
    }
}

async fn data_version(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(&mut *conn)
        .await?)
}
