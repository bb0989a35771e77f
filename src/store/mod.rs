//! The store: one connection type ([`Conn`]) over two databases.
//!
//! - **SQLite** (the default, one shop): a file in the app-data folder, WAL
//!   journal, foreign keys on, a 10 s busy timeout; write transactions start
//!   with `BEGIN IMMEDIATE` so that two writers queue instead of failing.
//! - **Postgres** (a chain): one shared database; `pg_trgm` indexes for search.
//!
//! Migrations live in `migrations/sqlite` and `migrations/postgres`, one
//! numbered file per change each, embedded at compile time.
//!
//! The queries are plain methods of [`Conn`] (a connection of either
//! backend), one file per aggregate: [`tenants`], [`people`], [`leads`],
//! [`search`], [`companies`], [`notes`], [`documents`], [`timeline`],
//! [`custom_fields`], [`merge`], [`pipelines`], [`campaigns`], [`deals`],
//! [`board`], [`kpi`], [`contact_policy`], [`interactions`], [`meetings`],
//! [`sign_in`]; [`keychain`] keeps a chain server's password, [`chain`]
//! sets up a chain server's roles, owner and row security, [`changes`]
//! follows other desks' writes; `urls` reads, redacts and names where a
//! database is (its functions are re-exported here).
//! Each query is written once with `$n` placeholders and run through
//! [`sql`], which binds its values for the backend at hand; where the
//! dialects differ the code branches on [`Conn::backend`].
//!
//! Nothing above this module writes SQL. Services get a connection (or a
//! transaction) through [`with_conn!`](crate::with_conn) /
//! [`with_tx!`](crate::with_tx) and call [`Conn`] methods on it.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::model::Password;
use crate::{Error, Result};

pub mod after_sale_kpi;
pub mod audit;
pub mod automations;
pub mod backup;
pub mod board;
pub mod campaigns;
pub mod chain;
pub mod changes;
pub mod companies;
pub mod consents;
pub mod contact_policy;
pub mod contracts;
pub mod custom_fields;
pub mod deals;
pub mod documents;
pub mod erasure;
mod integrity;
pub mod interactions;
pub mod keychain;
pub mod kpi;
pub mod leads;
pub mod meetings;
pub mod merge;
pub mod notes;
pub mod outbox;
pub mod people;
pub mod pipelines;
pub mod search;
pub mod segments;
pub mod sign_in;
pub mod sql;
pub mod tasks;
pub mod tenants;
pub mod tickets;
pub mod timeline;
mod urls;

pub use companies::CompanyKeys;
pub use deals::{deal_doc, deal_search_text};
pub use interactions::{AttemptRow, QueueRow};
pub use kpi::{CampaignCounts, DealCounts, ForecastRow, GroupBy, StageStays};
pub use people::PersonKeys;
pub use search::{
    company_doc, excerpt, index_text, max_typos, note_doc, person_doc, phone_tokens, RawHit,
    SearchDoc,
};
pub use sql::Conn;
pub use urls::*;
use urls::{pg_server_options, server_key_of, sqlite_key};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// Shared Postgres server.
    Postgres,
}

impl Backend {
    /// The backend's name as the window and the CLI show it: `sqlite` or
    /// `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The connection pool of one backend. Used by the [`with_conn!`](crate::with_conn)
/// and [`with_tx!`](crate::with_tx) macros; services never match on it themselves.
#[derive(Debug, Clone)]
pub enum Pool {
    /// SQLite pool.
    Sqlite(SqlitePool),
    /// Postgres pool.
    Postgres(PgPool),
}

/// An open database: cheap to clone, shared by every caller.
#[derive(Debug, Clone)]
pub struct Db {
    pool: Pool,
    /// The SQLite file's folder (documents live beside it); `None` for
    /// Postgres or an in-memory database.
    sqlite_dir: Option<PathBuf>,
    /// How this Postgres pool reaches its server (host, port, database,
    /// TLS), to check another login's password there; `None` for SQLite.
    server: Option<Box<PgConnectOptions>>,
    /// SQLite only: a small pool whose connections wait at most
    /// [`COUNTER_WAIT`] for the write lock, for the counter's saves
    /// ([`Db::begin_counter`]); `None` for Postgres or an in-memory file.
    counter: Option<SqlitePool>,
    /// The name the outbox files this database's captures under
    /// ([`outbox_key`]); `None` for an in-memory SQLite database.
    outbox_key: Option<String>,
}

/// How long a write waits for SQLite's write lock before it fails with
/// `SQLITE_BUSY` (sqlite.org/c3ref/busy_timeout.html).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a counter save waits for SQLite's write lock (held by an
/// import, for example) before it goes to the outbox instead: the save
/// answers within a quarter of a second (issue 13's goal, < 250 ms),
/// and the lead is written as soon as the lock is free
/// ([`crate::services::outbox`]).
pub const COUNTER_WAIT: Duration = Duration::from_millis(150);

/// The newest migration version this build carries for `backend`.
pub fn latest_migration(backend: Backend) -> i64 {
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Applies the pending SQLite migrations on one connection with foreign
/// keys off (see [`Db::ready`]), then checks every key and enforces them
/// again. Boxed as `Send`: the window's commands run it on any thread.
fn migrate_sqlite(
    p: &sqlx::SqlitePool,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + '_>> {
    Box::pin(async move {
        let mut conn = p.acquire().await?;
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *conn)
            .await?;
        // `run_direct` is sqlx's own way around "`Acquire` is not general
        // enough" for a future that must be `Send` (sqlx-core migrator.rs).
        let migrated = SQLITE_MIGRATIONS.run_direct(&mut *conn).await;
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *conn)
            .await;
        if let Err(e) = sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut *conn)
            .await
        {
            // Never hand the pool a connection that skips the keys.
            let _ = conn.close().await;
            return Err(e.into());
        }
        migrated?;
        if !broken?.is_empty() {
            return Err(Error::Migrate(
                sqlx::migrate::MigrateError::ExecuteMigration(
                    sqlx::Error::Protocol(
                        "a migration left rows whose foreign keys point nowhere".into(),
                    ),
                    latest_migration(Backend::Sqlite),
                ),
            ));
        }
        Ok(())
    })
}

impl Db {
    /// Opens the database named by `url`: `sqlite:<path>` (the file is
    /// created if missing, with its folder) or `postgres://…` (see
    /// [`pg_options`]). Does not migrate; call [`Db::ready`].
    ///
    /// Errors: [`Error::UnsupportedDatabaseUrl`] for any other scheme,
    /// [`Error::Database`] if the database cannot be reached.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit returns only once the WAL is synced, so a
                // lead saved at the counter survives a power cut (NORMAL may
                // roll back the last commits; sqlite.org/pragma.html#pragma_synchronous).
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                // Deleted and overwritten text is zeroed in the file, not
                // left in free space (an erasure must leave nothing to
                // read; sqlite.org/pragma.html#pragma_secure_delete).
                .pragma("secure_delete", "ON")
                .busy_timeout(BUSY_TIMEOUT);
            if let Some(parent) = options.get_filename().parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                        path: parent.display().to_string(),
                        source,
                    })?;
                }
            }
            let sqlite_dir = match options.get_filename() {
                f if f.as_os_str().is_empty() || f.to_string_lossy().contains(":memory:") => None,
                f => Some(
                    f.parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| PathBuf::from(".")),
                ),
            };
            let file = options.get_filename().display().to_string();
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options.clone())
                .await
                // Not a database at all, or its first page is damaged.
                .map_err(|e| integrity::damaged_or(e, file))?;
            let (counter, outbox_key) = match &sqlite_dir {
                // A second pool on ":memory:" would be another database.
                None => (None, None),
                Some(_) => (
                    Some(
                        SqlitePoolOptions::new()
                            .max_connections(2)
                            .connect_lazy_with(options.clone().busy_timeout(COUNTER_WAIT)),
                    ),
                    Some(sqlite_key(options.get_filename())),
                ),
            };
            Ok(Db {
                pool: Pool::Sqlite(pool),
                sqlite_dir,
                server: None,
                counter,
                outbox_key,
            })
        } else if is_postgres_url(url) {
            Db::connect_pg(pg_options(url)?, false).await
        } else {
            Err(Error::UnsupportedDatabaseUrl(redact_url(url)))
        }
    }

    /// Makes the database ready for this build. SQLite (one shop's own
    /// file): applies every pending migration. Postgres (a chain's shared
    /// server): only checks that the schema is this build's, since a desk
    /// never changes a shared schema — `banco admin migrate` does, as the
    /// owner ([`chain::apply_owner_schema`]).
    ///
    /// On SQLite the migrations run on one connection with foreign keys
    /// off, since one may rebuild a table SQLite cannot alter
    /// (lang_altertable.html, "Making Other Kinds Of Table Schema
    /// Changes"); every key is checked after (`PRAGMA foreign_key_check`)
    /// and the connection enforces them again.
    ///
    /// Errors: [`Error::Migrate`] (also for a foreign key a migration
    /// broke); [`Error::SchemaMismatch`] on Postgres.
    pub async fn ready(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => {
                integrity::check_sqlite_file(p).await?;
                migrate_sqlite(p).await?
            }
            Pool::Postgres(p) => chain::check_schema(&mut *p.acquire().await?).await?,
        }
        Ok(())
    }

    /// Opens a chain server as its schema owner, for `banco admin …`: the
    /// login in `url` must be a member of [`chain::OWNER_ROLE`] (granted by
    /// `banco admin init`) or a superuser; every connection acts as the
    /// owner (`SET ROLE`), to which row security grants every row.
    ///
    /// Errors: [`Error::UnsupportedDatabaseUrl`] for a non-Postgres URL;
    /// [`Error::Database`].
    pub async fn connect_owner(url: &str) -> Result<Db> {
        if !is_postgres_url(url) {
            return Err(Error::UnsupportedDatabaseUrl(redact_url(url)));
        }
        Db::connect_pg(pg_options(url)?, true).await
    }

    /// Opens the chain server of `url` as `login` with `password` (the
    /// login and password of the URL, if any, are replaced): a pool whose
    /// every query runs as that login, within the row security.
    ///
    /// Errors: [`Error::UnsupportedDatabaseUrl`] for a non-Postgres URL;
    /// [`Error::Database`], with SQLSTATE `28P01`/`28000` for a wrong login
    /// or password (see [`is_auth_failure`]).
    pub async fn connect_login(url: &str, login: &str, password: &Password) -> Result<Db> {
        if !is_postgres_url(url) {
            return Err(Error::UnsupportedDatabaseUrl(redact_url(url)));
        }
        let options = pg_server_options(url)?
            .username(login)
            .password(password.expose());
        Db::connect_pg(options, false).await
    }

    /// A Postgres pool on `options`; with `as_owner`, every connection acts
    /// as [`chain::OWNER_ROLE`] (`SET ROLE`, for `banco admin`).
    async fn connect_pg(options: PgConnectOptions, as_owner: bool) -> Result<Db> {
        let mut pool = PgPoolOptions::new()
            .max_connections(if as_owner { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(10));
        if as_owner {
            pool = pool.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::Executor::execute(&mut *conn, "SET ROLE banco_owner").await?;
                    Ok(())
                })
            });
        }
        let pool = pool.connect_with(options.clone()).await?;
        Ok(Db {
            pool: Pool::Postgres(pool),
            sqlite_dir: None,
            outbox_key: Some(server_key_of(&options)),
            server: Some(Box::new(options)),
            counter: None,
        })
    }

    /// After a chain server login's password (or name) changed: when this
    /// pool connects as `was`, its next connections use `login` and
    /// `password`. Without it, the pool's open connections go on working
    /// and every new one (after an idle timeout or under load) is refused
    /// with the old password. Nothing on SQLite or for another login.
    pub fn credentials_changed(&self, was: &str, login: &str, password: &Password) {
        if let Pool::Postgres(pool) = &self.pool {
            let current = pool.connect_options();
            if current.get_username() == was {
                pool.set_connect_options(
                    (*current)
                        .clone()
                        .username(login)
                        .password(password.expose()),
                );
            }
        }
    }

    /// Whether `login` signs in to this pool's chain server with
    /// `password` (one short connection, closed at once). `false` on SQLite.
    ///
    /// Errors: [`Error::Database`] when the server cannot be reached.
    pub async fn login_password_is_right(&self, login: &str, password: &Password) -> Result<bool> {
        use sqlx::ConnectOptions;
        let Some(server) = &self.server else {
            return Ok(false);
        };
        let options = (**server)
            .clone()
            .username(login)
            .password(password.expose());
        match options.connect().await {
            Ok(conn) => {
                let _ = sqlx::Connection::close(conn).await;
                Ok(true)
            }
            Err(e) if is_auth_failure(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The folder of the SQLite database file (where documents are kept);
    /// `None` for Postgres.
    pub fn sqlite_dir(&self) -> Option<&Path> {
        self.sqlite_dir.as_deref()
    }

    /// The chain server this pool reaches, as `host:port/database`
    /// ([`server_key`]); `None` for SQLite.
    pub fn server_key(&self) -> Option<String> {
        self.server.as_deref().map(server_key_of)
    }

    /// The name the outbox files this database's captures under (see
    /// [`outbox_key`]); `None` for an in-memory SQLite database.
    pub fn outbox_key(&self) -> Option<&str> {
        self.outbox_key.as_deref()
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match &self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The pool, for the [`with_conn!`](crate::with_conn) and
    /// [`with_tx!`](crate::with_tx) macros.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Whether `other` is a handle on this same pool.
    pub fn same_pool(&self, other: &Db) -> bool {
        match (&self.pool, &other.pool) {
            (Pool::Sqlite(a), Pool::Sqlite(b)) => {
                std::ptr::eq(a.connect_options().as_ref(), b.connect_options().as_ref())
            }
            (Pool::Postgres(a), Pool::Postgres(b)) => {
                std::ptr::eq(a.connect_options().as_ref(), b.connect_options().as_ref())
            }
            _ => false,
        }
    }

    /// Closes every connection (waits for them to be returned).
    pub async fn close(&self) {
        if let Some(counter) = &self.counter {
            counter.close().await;
        }
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// A pooled connection of either backend, held while a [`Conn`] borrows it.
pub enum PoolConn {
    /// From the SQLite pool.
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    /// From the Postgres pool.
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl PoolConn {
    /// The connection to run queries on.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            PoolConn::Sqlite(c) => Conn::Sqlite(&mut *c),
            PoolConn::Postgres(c) => Conn::Postgres(&mut *c),
        }
    }
}

/// An open transaction of either backend: committed by [`Tx::finish`] on
/// `Ok`, rolled back on `Err` (or when dropped unfinished).
pub enum Tx {
    /// A SQLite transaction (`BEGIN IMMEDIATE`).
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    /// A Postgres transaction.
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    /// The transaction's connection, to run queries on.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(&mut *t),
            Tx::Postgres(t) => Conn::Postgres(&mut *t),
        }
    }

    /// Commits if `result` is `Ok`, rolls back if it is `Err`, and returns it.
    pub async fn finish<T>(self, result: Result<T>) -> Result<T> {
        match (self, result) {
            (Tx::Sqlite(t), Ok(v)) => t.commit().await.map(|_| v).map_err(Error::from),
            (Tx::Postgres(t), Ok(v)) => t.commit().await.map(|_| v).map_err(Error::from),
            (Tx::Sqlite(t), Err(e)) => {
                t.rollback().await?;
                Err(e)
            }
            (Tx::Postgres(t), Err(e)) => {
                t.rollback().await?;
                Err(e)
            }
        }
    }
}

impl Db {
    /// Starts a counter save's transaction: as [`Db::begin`], except that
    /// on SQLite it waits at most [`COUNTER_WAIT`] for the write lock.
    ///
    /// Errors: [`Error::Database`] with `SQLITE_BUSY` ([`Error::is_busy`])
    /// when the lock stayed held (an import is running, for example).
    pub async fn begin_counter(&self) -> Result<Tx> {
        match &self.counter {
            Some(p) => Ok(Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?)),
            None => self.begin().await,
        }
    }

    /// A pooled connection (see [`with_conn!`](crate::with_conn)).
    pub async fn acquire(&self) -> Result<PoolConn> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => PoolConn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => PoolConn::Postgres(p.acquire().await?),
        })
    }

    /// Starts a transaction (`BEGIN IMMEDIATE` on SQLite, so that two
    /// writers queue instead of failing; see [`with_tx!`](crate::with_tx)).
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }
}

/// Runs `$body` with `$c` bound to a pooled connection (`&mut Conn`).
/// `$body` is an expression yielding `Result<T>`; the macro yields it.
#[macro_export]
macro_rules! with_conn {
    ($db:expr, |$c:ident| $body:expr) => {{
        let mut held = $db.acquire().await?;
        let mut conn = held.conn();
        let $c = &mut conn;
        $body
    }};
}

/// Runs `$body` in one transaction with `$c` bound to it (`&mut Conn`):
/// committed if `$body` yields `Ok`, rolled back (nothing written) if it
/// yields `Err`. On SQLite the transaction is `BEGIN IMMEDIATE`.
#[macro_export]
macro_rules! with_tx {
    ($db:expr, |$c:ident| $body:expr) => {{
        let mut tx = $db.begin().await?;
        let result = {
            let mut conn = tx.conn();
            let $c = &mut conn;
            $body
        };
        tx.finish(result).await
    }};
}
