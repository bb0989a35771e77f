//! Typed errors, end to end.
//!
//! Every fallible function of the core returns [`Result<T>`]. An [`Error`]
//! crosses the Tauri boundary as an [`ErrorPayload`] — `{kind, field,
//! message_key, params, message}` — which the UI turns into a translated,
//! specific message (`message_key` is a key of the UI's translation files,
//! `params` fills its placeholders). `message` is the English text, used by
//! the command line and as a fallback.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{FieldError, LeadStatus};

/// Shorthand for results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every way a core operation can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; one entry per offending field (or row/column).
    #[error("{}", display_field_errors(.0))]
    Validation(Vec<FieldError>),
    /// A record the caller named does not exist (in this tenant).
    #[error("{entity} {id} not found")]
    NotFound {
        /// Kind of record: `lead`, `person`, `user`, `store`, `tenant`.
        entity: &'static str,
        /// The id or key that was looked up.
        id: String,
    },
    /// A lead status change that the lifecycle does not allow
    /// (see [`LeadStatus::can_move_to`]).
    #[error("a lead cannot move from {from} to {to}")]
    IllegalTransition {
        /// Current status.
        from: LeadStatus,
        /// Requested status.
        to: LeadStatus,
    },
    /// Another desk changed the record after this one read it (optimistic
    /// concurrency: the save carried an older version); nothing was written.
    #[error("the {entity} {id} was changed meanwhile by {}", by.as_deref().unwrap_or("another desk"))]
    Conflict {
        /// `deal`, `person` or `company`.
        entity: &'static str,
        /// The record's id.
        id: String,
        /// Who made the newer change, when known (the latest history entry).
        by: Option<String>,
    },
    /// Signing in, unlocking or switching user was refused. `reason`:
    /// `wrong_credentials` (an unknown login, an inactive user, a user
    /// without a password or a wrong password: deliberately one answer),
    /// `too_many_attempts` (the login is locked for `retry_after_s`
    /// seconds), `not_unclaimed` (the database already has a password, so
    /// the first-start set-up is closed), `login_required` (the command
    /// line was not told who is acting), `not_a_user` (a chain server's
    /// login that is no active Banco user of that database).
    #[error("{}", sign_in_text(reason, *retry_after_s))]
    SignIn {
        /// Why, as above.
        reason: &'static str,
        /// Seconds before the login accepts another attempt (0 unless
        /// `too_many_attempts`).
        retry_after_s: u64,
    },
    /// Nobody is signed in at this desk, or it is locked: sign in first.
    #[error("nobody is signed in at this desk (or it is locked)")]
    SignedOut,
    /// The acting user's role does not allow this action; the payload's
    /// `needed` says who may ([`crate::model::Role::needed_for`]).
    #[error(
        "a {role} may not {action} (needs: {})",
        crate::model::Role::needed_for(action)
    )]
    Forbidden {
        /// The user's role.
        role: crate::model::Role,
        /// What was attempted, e.g. `edit_pipelines`.
        action: &'static str,
    },
    /// A deal move its status does not allow: moving a closed deal between
    /// stages, closing a closed deal, reopening an open one, or a stage of
    /// another pipeline.
    #[error("a {status} deal cannot {action}")]
    IllegalDealMove {
        /// The deal's status.
        status: crate::model::DealStatus,
        /// `move`, `win`, `lose`, `reopen`, `other_pipeline`, `archived_stage`.
        action: &'static str,
    },
    /// A CSV file that cannot be read as CSV at all.
    #[cfg(feature = "store")]
    #[error("CSV file: {0}")]
    Csv(#[from] csv::Error),
    /// File system trouble, with the path involved.
    #[error("file {path}: {source}")]
    Io {
        /// Path that could not be read or written.
        path: String,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A `--database-url` that is neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL `{0}`: use a sqlite: or postgres: URL")]
    UnsupportedDatabaseUrl(String),
    /// The database refused or failed an operation.
    #[cfg(feature = "store")]
    #[error("database: {0}")]
    Database(sqlx::Error),
    /// Applying the schema migrations failed.
    #[cfg(feature = "store")]
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A chain server's schema is not the one this build of Banco knows:
    /// `database` is the newest migration applied there (`None`: no Banco
    /// schema at all), `app` the newest this build has. Older: an
    /// administrator runs `banco admin migrate`; newer: update Banco. A
    /// desk never migrates a shared server itself.
    #[error("{}", schema_text(*database, *app))]
    SchemaMismatch {
        /// Newest migration version in the database, if any.
        database: Option<i64>,
        /// Newest migration version of this build.
        app: i64,
    },
    /// The chain server refused a row or a statement by its own rules (row
    /// security, privileges: SQLSTATE 42501). The core checks roles first,
    /// so this is a second line that an honest desk does not meet.
    #[error("the database server refused this: {0}")]
    ServerRefused(String),
    /// The desk could not open its database at start (the error then, as
    /// it was sent): the window shows it instead of the app, on every OS,
    /// rather than a message on a console nobody sees.
    #[error("{}", .0.message)]
    StartUp(Box<ErrorPayload>),
    /// The operation was cancelled by the user; nothing was written.
    #[error("cancelled: nothing was written")]
    Cancelled,
    /// The desk works without its chain server, which could not be
    /// reached: only the counter saves (into the outbox) until it is back.
    #[error(
        "the chain server cannot be reached: this desk works offline, captures wait in the outbox"
    )]
    Offline,
    /// A contact rule refuses this call, message or meeting (see
    /// [`crate::model::check_contact`]); a store manager may override it
    /// with a reason.
    #[error("contact refused by the {} rule: {}", .0.level, .0.english())]
    ContactRefused(crate::model::Refusal),
    /// A meeting status change its lifecycle does not allow
    /// (see [`crate::model::MeetingStatus::can_move_to`]).
    #[error("a {from} meeting cannot become {to}")]
    IllegalMeetingMove {
        /// Current status.
        from: crate::model::MeetingStatus,
        /// Requested status.
        to: crate::model::MeetingStatus,
    },
    /// Stored data no longer matches its checksum (a document's bytes and
    /// its SHA-256), or a stored JSON column that cannot be read.
    #[error("integrity: {0}")]
    Integrity(String),
    /// The embedded database's file is damaged: `PRAGMA quick_check` found
    /// problems (`detail`, its first lines), or SQLite cannot read the file
    /// as a database. `file` is its path. Banco then opens nothing of it:
    /// the window says to keep the file aside and restore the last backup.
    #[cfg(feature = "store")]
    #[error("the database file {file} is damaged: {detail}")]
    DamagedDatabase {
        /// The database file's path.
        file: String,
        /// What SQLite reported.
        detail: String,
    },
    /// A write that would break a unique rule of the database (two records
    /// with the same key); nothing was written.
    #[cfg(feature = "store")]
    #[error("duplicate: {constraint} is already taken")]
    Duplicate {
        /// The database's name of the unique index or constraint (a table
        /// and its columns on SQLite), as the database reports it.
        constraint: String,
    },
}

fn sign_in_text(reason: &str, retry_after_s: u64) -> String {
    match reason {
        "wrong_credentials" => "sign-in refused: wrong login or password".into(),
        "too_many_attempts" => {
            format!("sign-in refused: too many wrong passwords, try again in {retry_after_s} s")
        }
        "not_unclaimed" => "sign-in refused: this database already has an administrator".into(),
        "login_required" => {
            "sign in first: --sign-in LOGIN (or $BANCO_LOGIN), with the password in \
                             $BANCO_PASSWORD or typed at the prompt"
                .into()
        }
        "not_a_user" => "sign-in refused: this database login is no Banco user here; \
                         sign in with --sign-in LOGIN"
            .into(),
        other => format!("sign-in refused: {other}"),
    }
}

fn schema_text(database: Option<i64>, app: i64) -> String {
    match database {
        None => "this database has no Banco schema yet: an administrator runs \
                 `banco admin init` (or `banco admin migrate`) first"
            .into(),
        Some(v) if v > app => format!(
            "the database's schema (version {v}) is newer than this Banco knows ({app}): \
             update Banco"
        ),
        Some(v) => format!(
            "the database's schema (version {v}) is older than this Banco needs ({app}): \
             ask your administrator to run `banco admin migrate`"
        ),
    }
}

fn display_field_errors(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every database error goes through [`Error::from_db`], so `?` on a
/// driver call gives the same domain errors everywhere.
#[cfg(feature = "store")]
impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::from_db(e)
    }
}

impl Error {
    /// A database error as a domain error: a unique-key violation becomes
    /// [`Error::Duplicate`], a column that cannot be decoded (an unknown enum
    /// name, damaged JSON) [`Error::Integrity`] naming the column, anything
    /// else [`Error::Database`].
    #[cfg(feature = "store")]
    pub fn from_db(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.code().as_deref() == Some("42501") {
                return Error::ServerRefused(db.message().to_string());
            }
            if db.is_unique_violation() {
                let constraint = db
                    .constraint()
                    .map(str::to_string)
                    .unwrap_or_else(|| db.message().to_string());
                return Error::Duplicate { constraint };
            }
        }
        if let sqlx::Error::ColumnDecode { index, source } = &e {
            let column = index.trim_matches('"');
            return Error::Integrity(format!("column {column} cannot be read: {source}"));
        }
        Error::Database(e)
    }

    /// Whether this error means the chain server could not be reached
    /// (refused or dropped connection, a pool that gave up waiting, the
    /// server shutting down or not accepting connections yet), so the
    /// request may be sent again later unchanged; a refusal of the request
    /// itself (bad input, a rule, a role, TLS or password problems) is not.
    /// SQLSTATE classes: `08` connection exception, `57P01`–`57P03`
    /// shutdown and start-up (PostgreSQL 15 docs, appendix A).
    pub fn is_unreachable(&self) -> bool {
        match self {
            Error::Offline => true,
            #[cfg(feature = "store")]
            Error::Database(e) => match e {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(db) => db.code().is_some_and(|c| {
                    c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")
                }),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether this is SQLite saying another connection holds the lock it
    /// needs (`SQLITE_BUSY`, `SQLITE_LOCKED` and their extended codes, whose
    /// low byte is 5 or 6: sqlite.org/rescode.html): the write can be
    /// made later, nothing is wrong with it.
    pub fn is_busy(&self) -> bool {
        match self {
            #[cfg(feature = "store")]
            Error::Database(sqlx::Error::Database(db)) => {
                db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
                    && db
                        .code()
                        .and_then(|c| c.parse::<i32>().ok())
                        .is_some_and(|c| matches!(c & 0xff, 5 | 6))
            }
            _ => false,
        }
    }

    /// A validation error on a single field.
    pub fn field(field: impl Into<String>, code: &'static str) -> Self {
        Error::Validation(vec![FieldError::new(field, code)])
    }

    /// The serialisable form of this error (see the module docs).
    pub fn payload(&self) -> ErrorPayload {
        let message = self.to_string();
        match self {
            Error::Validation(errors) => {
                let first = errors.first();
                ErrorPayload {
                    kind: ErrorKind::Validation,
                    field: first.map(|e| e.field.clone()),
                    message_key: first
                        .map(|e| format!("error.{}", e.code))
                        .unwrap_or_else(|| "error.validation".into()),
                    params: first.map(|e| e.params.clone()).unwrap_or_default(),
                    fields: errors.clone(),
                    message,
                }
            }
            Error::NotFound { entity, id } => ErrorPayload::simple(
                ErrorKind::NotFound,
                "error.not_found",
                [("entity", entity.to_string()), ("id", id.clone())],
                message,
            ),
            Error::IllegalTransition { from, to } => ErrorPayload::simple(
                ErrorKind::IllegalTransition,
                "error.illegal_transition",
                [("from", from.as_str().into()), ("to", to.as_str().into())],
                message,
            ),
            Error::Forbidden { role, action } => ErrorPayload::simple(
                ErrorKind::Forbidden,
                "error.forbidden",
                [
                    ("role", role.as_str().into()),
                    ("action", action.to_string()),
                    ("needed", crate::model::Role::needed_for(action).into()),
                ],
                message,
            ),
            Error::SignIn {
                reason,
                retry_after_s,
            } => ErrorPayload::simple(
                ErrorKind::SignIn,
                &format!("error.sign_in_{reason}"),
                [
                    ("reason", reason.to_string()),
                    ("retry_after_s", retry_after_s.to_string()),
                ],
                message,
            ),
            Error::SignedOut => {
                ErrorPayload::simple(ErrorKind::SignedOut, "error.signed_out", [], message)
            }
            Error::SchemaMismatch { database, app } => ErrorPayload::simple(
                ErrorKind::Schema,
                match database {
                    Some(v) if v > app => "error.schema_newer",
                    Some(_) => "error.schema_older",
                    None => "error.schema_missing",
                },
                [
                    (
                        "database",
                        database.map(|v| v.to_string()).unwrap_or_default(),
                    ),
                    ("app", app.to_string()),
                ],
                message,
            ),
            Error::StartUp(payload) => (**payload).clone(),
            Error::ServerRefused(detail) => ErrorPayload::simple(
                ErrorKind::Forbidden,
                "error.server_refused",
                [("detail", detail.clone())],
                message,
            ),
            Error::IllegalDealMove { status, action } => ErrorPayload::simple(
                ErrorKind::IllegalDealMove,
                "error.illegal_deal_move",
                [
                    ("status", status.as_str().into()),
                    ("action", action.to_string()),
                ],
                message,
            ),
            #[cfg(feature = "store")]
            Error::Csv(_) => ErrorPayload::simple(
                ErrorKind::Csv,
                "error.csv",
                [("detail", message.clone())],
                message,
            ),
            Error::Io { path, .. } => ErrorPayload::simple(
                ErrorKind::Io,
                "error.io",
                [("path", path.clone()), ("detail", message.clone())],
                message,
            ),
            Error::UnsupportedDatabaseUrl(url) => ErrorPayload::simple(
                ErrorKind::Config,
                "error.database_url",
                [("url", url.clone())],
                message,
            ),
            #[cfg(feature = "store")]
            Error::Database(_) if self.is_unreachable() => ErrorPayload::simple(
                ErrorKind::Unreachable,
                "error.unreachable",
                [("detail", message.clone())],
                message,
            ),
            #[cfg(feature = "store")]
            Error::Database(_) | Error::Migrate(_) => ErrorPayload::simple(
                ErrorKind::Database,
                "error.database",
                [("detail", message.clone())],
                message,
            ),
            Error::ContactRefused(r) => {
                let mut params = r.params.clone();
                params.insert("level".into(), r.level.as_str().into());
                ErrorPayload {
                    kind: ErrorKind::ContactRefused,
                    field: None,
                    message_key: format!("contact_rule.{}", r.code),
                    params,
                    fields: Vec::new(),
                    message,
                }
            }
            Error::IllegalMeetingMove { from, to } => ErrorPayload::simple(
                ErrorKind::IllegalMeetingMove,
                "error.illegal_meeting_move",
                [("from", from.as_str().into()), ("to", to.as_str().into())],
                message,
            ),
            Error::Cancelled => {
                ErrorPayload::simple(ErrorKind::Cancelled, "error.cancelled", [], message)
            }
            Error::Offline => {
                ErrorPayload::simple(ErrorKind::Unreachable, "error.offline", [], message)
            }
            Error::Integrity(detail) => ErrorPayload::simple(
                ErrorKind::Integrity,
                "error.integrity",
                [("detail", detail.clone())],
                message,
            ),
            #[cfg(feature = "store")]
            Error::DamagedDatabase { file, detail } => ErrorPayload::simple(
                ErrorKind::Integrity,
                "error.damaged_database",
                [("file", file.clone()), ("detail", detail.clone())],
                message,
            ),
            Error::Conflict { entity, id, by } => ErrorPayload::simple(
                ErrorKind::Conflict,
                if by.is_some() {
                    "error.conflict"
                } else {
                    "error.conflict_unknown"
                },
                [
                    ("entity", entity.to_string()),
                    ("id", id.clone()),
                    ("by", by.clone().unwrap_or_default()),
                ],
                message,
            ),
            #[cfg(feature = "store")]
            Error::Duplicate { constraint } => ErrorPayload::simple(
                ErrorKind::Duplicate,
                "error.duplicate",
                [("constraint", constraint.clone())],
                message,
            ),
        }
    }
}

/// The family of an [`ErrorPayload`], on the wire as its snake_case name
/// (`"validation"`, `"not_found"`, …): what the UI branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// [`Error::Validation`]: `field`/`fields` say what is wrong.
    Validation,
    /// [`Error::NotFound`].
    NotFound,
    /// [`Error::IllegalTransition`].
    IllegalTransition,
    /// [`Error::Forbidden`].
    Forbidden,
    /// [`Error::IllegalDealMove`].
    IllegalDealMove,
    /// [`Error::SignIn`]: `params.reason` says why.
    SignIn,
    /// [`Error::SignedOut`]: the window shows the sign-in or lock screen.
    SignedOut,
    /// [`Error::SchemaMismatch`]: the window says what to do instead of
    /// opening.
    Schema,
    /// A CSV file that cannot be read as CSV.
    Csv,
    /// [`Error::Io`].
    Io,
    /// [`Error::UnsupportedDatabaseUrl`].
    Config,
    /// The database refused or failed an operation, or a migration failed.
    Database,
    /// [`Error::ContactRefused`]: a manager may override it.
    ContactRefused,
    /// [`Error::IllegalMeetingMove`].
    IllegalMeetingMove,
    /// [`Error::Cancelled`].
    Cancelled,
    /// [`Error::Integrity`].
    Integrity,
    /// A unique key already taken (the store's `Duplicate` error).
    Duplicate,
    /// [`Error::Conflict`]: reload, then apply the change again.
    Conflict,
    /// The chain server cannot be reached ([`Error::is_unreachable`]): the
    /// request may be tried again later; the counter queues captures.
    Unreachable,
    /// A failure inside the window itself (a call that could not be sent
    /// or an answer that could not be read); never sent by the core.
    Ui,
}

/// What the UI receives for a failed command. Serialised as JSON:
/// `{"kind":"validation","field":"phone","message_key":"error.invalid_phone",
/// "params":{"value":"123"},"fields":[…],"message":"phone: …"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorPayload {
    /// Error family (see [`ErrorKind`]).
    pub kind: ErrorKind,
    /// The first offending field, for validation errors.
    pub field: Option<String>,
    /// Translation key of the message (`error.<code>`).
    pub message_key: String,
    /// Values for the message's placeholders.
    pub params: BTreeMap<String, String>,
    /// Every offending field, for validation errors (empty otherwise).
    #[serde(default)]
    pub fields: Vec<FieldError>,
    /// English text of the whole error.
    pub message: String,
}

impl ErrorPayload {
    fn simple<const N: usize>(
        kind: ErrorKind,
        key: &str,
        params: [(&str, String); N],
        message: String,
    ) -> Self {
        ErrorPayload {
            kind,
            field: None,
            message_key: key.into(),
            params: params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            fields: Vec::new(),
            message,
        }
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.payload().serialize(s)
    }
}

/// The event the shell sends the main window when code of the core or the
/// shell panicked, with a [`PanicReport`]. Tauri answers nothing for a
/// command whose task panicked, so the window fails every call still
/// waiting (`error.internal`) instead of waiting for ever.
pub const PANIC_EVENT: &str = "banco-panic";

/// What panicked and where: the panic's message and its source location
/// (`file:line:column`), as the shell also writes them to its log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanicReport {
    /// The panic's message.
    pub message: String,
    /// `file:line:column` of the panic, or empty when unknown.
    pub location: String,
}
