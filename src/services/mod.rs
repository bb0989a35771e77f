//! Use cases of Banco, each a function over a [`Db`](crate::store::Db) and
//! a [`Ctx`] (who acts, in which tenant). The Tauri commands and the `banco`
//! command line call these and nothing below them.
//!
//! Writes run in one transaction each: a use case that fails leaves the
//! database as it was.

pub mod access_pdf;
pub mod admin;
pub mod alerts;
pub mod audit;
pub mod automations;
pub mod backup;
pub mod calls;
pub mod campaigns;
pub mod capture;
pub mod companies;
pub mod company_import;
pub mod consents;
pub mod contact_policy;
pub mod context;
pub mod contracts;
pub mod csv_file;
pub mod custom_fields;
pub mod deal_import;
pub mod deals;
pub mod defaults;
pub mod desk_connection;
pub mod diagnostics;
pub mod duplicates;
pub mod export;
pub mod gdpr;
mod history;
pub mod import;
pub mod kits;
pub mod kpi;
pub mod leads;
pub mod meeting_keys;
pub mod meeting_tokens;
pub mod meetings;
pub mod notes;
pub mod outbox;
pub mod pdf;
pub mod people_copy;
pub mod pipelines;
pub mod rules;
pub mod search;
pub mod search_index;
pub mod seed;
pub mod segments;
pub mod sheet;
pub mod sign_in;
pub mod staff;
pub mod tasks;
pub mod tickets;
pub mod updates;
pub mod vcard;
pub mod words;

pub use context::Ctx;

use chrono::{DateTime, SubsecRound, Utc};

/// Maps an I/O error on `path` to [`crate::Error::Io`] naming that path
/// (`.map_err(io_at(&path))`).
pub(crate) fn io_at(path: &std::path::Path) -> impl Fn(std::io::Error) -> crate::Error + '_ {
    move |source| crate::Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Runs `f` on tokio's blocking pool, off the async runtime: password
/// hashing, reading a file, a check over thousands of rows.
///
/// Errors: [`crate::Error::Io`] naming `what` when the task could not
/// finish (it panicked or the runtime is shutting down).
pub async fn off_runtime<T: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> T + Send + 'static,
) -> crate::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| crate::Error::Io {
            path: what.into(),
            source: std::io::Error::other(e),
        })
}

/// The current time, truncated to microseconds (what both databases keep),
/// so that a value read back equals the value written.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
