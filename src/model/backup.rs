//! A backup of a shop's embedded database as the window and the CLI show
//! it (taken and checked by `services::backup`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One backup file, as checked now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    /// The file's name in the backups folder (`banco-20261204-183000.db`);
    /// the only way to name a backup (never a path).
    pub file: String,
    /// When it was taken (UTC, from its name).
    pub taken_at: DateTime<Utc>,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// It passed `PRAGMA integrity_check` and is a Banco database: it may
    /// be restored.
    pub ok: bool,
    /// Why not, when not `ok`.
    pub problem: Option<String>,
    /// How many leads it holds.
    pub leads: Option<i64>,
}
