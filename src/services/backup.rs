//! Backups of a shop's embedded database (issue 14): taken online while
//! the shop works (`VACUUM INTO`), one a day by the app and on demand,
//! each checked (`PRAGMA integrity_check`) before it is kept and again
//! when listed, old ones removed after the days the shop keeps them;
//! restored only from a backup that passes the check, keeping the file
//! it replaces.
//!
//! Backups live in `<data folder>/backups/` as
//! `banco-YYYYMMDD-HHMMSS.db` (UTC). A chain server is not backed up here:
//! its administrator does that (e.g. `pg_dump`).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{io_at, now, Ctx};
pub use crate::model::BackupInfo;
use crate::store::backup::check_file;
use crate::store::{sqlite_url_in, Db, SQLITE_FILE};
use crate::{with_conn, Error, Result};

/// The backups' folder inside a data folder.
pub const BACKUP_DIR: &str = "backups";

/// How long backups are kept unless the shop says otherwise: 14 days.
pub const DEFAULT_KEEP_DAYS: u32 = 14;

/// The longest a shop may keep its backups: 3650 days (ten years, the
/// civil code's period for keeping accounting records, art. 2220 c.c.).
pub const MAX_KEEP_DAYS: u32 = 3650;

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restored {
    /// The backup put in place.
    pub backup: BackupInfo,
    /// Where the database it replaced was kept (`banco.db.replaced-…`).
    pub replaced: PathBuf,
}

const STAMP: &str = "%Y%m%d-%H%M%S";

fn file_name(at: DateTime<Utc>) -> String {
    format!("banco-{}.db", at.format(STAMP))
}

fn taken_at(file: &str) -> Option<DateTime<Utc>> {
    let stamp = file.strip_prefix("banco-")?.strip_suffix(".db")?;
    NaiveDateTime::parse_from_str(stamp, STAMP)
        .ok()
        .map(|t| t.and_utc())
}

async fn info(dir: &Path, file: &str) -> Result<BackupInfo> {
    let path = dir.join(file);
    let size_bytes = std::fs::metadata(&path).map_err(io_at(&path))?.len();
    let check = check_file(&path).await?;
    let banco = check.schema.is_some();
    Ok(BackupInfo {
        file: file.to_string(),
        taken_at: taken_at(file).unwrap_or_default(),
        size_bytes,
        ok: check.ok && banco,
        problem: check
            .problem
            .or_else(|| (!banco).then(|| "not a Banco database (no migrations)".to_string())),
        leads: check.leads,
    })
}

/// Takes a backup now into `dir` (created if missing), whoever asks: the
/// app's daily backup. The copy is written beside its final name and
/// kept only if it passes the check.
///
/// Errors: [`Error::Validation`] (`backup`, `server_database`) on a chain
/// server; (`backup`, `damaged`) when the copy fails its check (it is
/// deleted); [`Error::Io`], [`Error::Database`].
pub async fn take(db: &Db, dir: &Path) -> Result<BackupInfo> {
    std::fs::create_dir_all(dir).map_err(io_at(dir))?;
    let mut at = now();
    // One backup per second at most: a name is never reused.
    while dir.join(file_name(at)).exists() {
        at += Duration::seconds(1);
    }
    let name = file_name(at);
    let part = dir.join(format!("{name}.part"));
    let _ = std::fs::remove_file(&part);
    db.copy_into(&part).await?;
    let check = check_file(&part).await?;
    if !check.ok {
        let _ = std::fs::remove_file(&part);
        return Err(Error::Validation(vec![crate::model::FieldError::new(
            "backup", "damaged",
        )
        .with("reason", check.problem.unwrap_or_default())]));
    }
    let path = dir.join(&name);
    std::fs::rename(&part, &path).map_err(io_at(&path))?;
    info(dir, &name).await
}

/// "Back up now" (store managers and admins): as [`take`].
///
/// Errors: [`Error::Forbidden`] (`backup`); as [`take`].
pub async fn create(db: &Db, ctx: &Ctx, dir: &Path) -> Result<BackupInfo> {
    ctx.require_manager("backup")?;
    take(db, dir).await
}

/// The backups in `dir`, newest first, each checked now (a damaged one
/// is listed, not `ok`, and cannot be restored). A missing folder is an
/// empty list.
///
/// Errors: [`Error::Io`] when the folder cannot be read.
pub async fn list(dir: &Path) -> Result<Vec<BackupInfo>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_at(dir)(e)),
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| taken_at(n).is_some())
        .collect();
    names.sort_unstable_by(|a, b| b.cmp(a));
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        out.push(info(dir, &n).await?);
    }
    Ok(out)
}

/// The backups as [`list`] gives them, for store managers and admins.
///
/// Errors: [`Error::Forbidden`] (`backup`); as [`list`].
pub async fn list_as(ctx: &Ctx, dir: &Path) -> Result<Vec<BackupInfo>> {
    ctx.require_manager("backup")?;
    list(dir).await
}

/// Deletes the backups taken more than `keep_days` before `at`, but
/// never the newest good one. Returns the names deleted.
///
/// Errors: as [`list`]; [`Error::Io`] when a file cannot be deleted.
pub async fn prune(dir: &Path, keep_days: u32, at: DateTime<Utc>) -> Result<Vec<String>> {
    let all = list(dir).await?;
    let newest_good = all.iter().find(|b| b.ok).map(|b| b.file.clone());
    let limit = at - Duration::days(i64::from(keep_days));
    let mut gone = Vec::new();
    for b in all {
        if b.taken_at < limit && Some(&b.file) != newest_good.as_ref() {
            let path = dir.join(&b.file);
            std::fs::remove_file(&path).map_err(io_at(&path))?;
            gone.push(b.file);
        }
    }
    Ok(gone)
}

/// The app's daily backup: takes one when the newest is a day old or
/// there is none, then prunes after `keep_days`. `None` when today's is
/// already there.
///
/// Errors: as [`take`] and [`prune`].
pub async fn daily(db: &Db, dir: &Path, keep_days: u32) -> Result<Option<BackupInfo>> {
    let newest = list(dir).await?.into_iter().find(|b| b.ok);
    let due = newest.is_none_or(|b| now() - b.taken_at >= Duration::days(1));
    let taken = if due {
        Some(take(db, dir).await?)
    } else {
        None
    };
    prune(dir, keep_days, now()).await?;
    Ok(taken)
}

/// How many days the shop keeps its backups (store managers and admins).
///
/// Errors: [`Error::Forbidden`] (`backup`); the database's.
pub async fn keep_days(db: &Db, ctx: &Ctx) -> Result<u32> {
    ctx.require_manager("backup")?;
    with_conn!(db, |c| c.backup_keep_days(ctx.tenant_id()).await)
}

/// The days the shop's file keeps its backups, for the app's daily backup
/// at start (before anyone signs in).
///
/// Errors: the database's.
pub async fn shop_keep_days(db: &Db) -> Result<u32> {
    with_conn!(db, |c| c.shop_backup_keep_days().await)
}

/// Sets how many days the shop keeps its backups, 1 to [`MAX_KEEP_DAYS`]
/// (store managers and admins); the next daily backup prunes by it.
///
/// Errors: [`Error::Forbidden`] (`backup`); [`Error::Validation`]
/// (`backup_keep_days`: `out_of_range`), nothing saved.
pub async fn set_keep_days(db: &Db, ctx: &Ctx, days: u32) -> Result<u32> {
    ctx.require_manager("backup")?;
    if !(1..=MAX_KEEP_DAYS).contains(&days) {
        return Err(Error::Validation(vec![crate::model::FieldError::new(
            "backup_keep_days",
            "out_of_range",
        )
        .with("min", "1")
        .with("max", MAX_KEEP_DAYS.to_string())]));
    }
    with_conn!(db, |c| c.set_backup_keep_days(ctx.tenant_id(), days).await)?;
    tracing::info!(days, "backup retention changed");
    Ok(days)
}

/// Checks that `ctx` may restore backup `file` of `data_dir` and that it
/// can be restored, before the app closes its database for [`restore`]
/// (restoring replaces everyone's data: store managers and admins).
///
/// Errors: [`Error::Forbidden`] (`restore_backup`); as [`restore`]'s
/// checks (`backup`: `unknown_value`, `damaged`), nothing changed.
pub async fn check_restore(ctx: &Ctx, data_dir: &Path, file: &str) -> Result<BackupInfo> {
    ctx.require_manager("restore_backup")?;
    restorable(data_dir, file).await
}

/// Backup `file` of `data_dir`, if it is one and passes its check.
async fn restorable(data_dir: &Path, file: &str) -> Result<BackupInfo> {
    let dir = data_dir.join(BACKUP_DIR);
    let unknown = || {
        Error::Validation(vec![crate::model::FieldError::new(
            "backup",
            "unknown_value",
        )
        .with("value", file)])
    };
    if taken_at(file).is_none() || file.contains(['/', '\\']) || !dir.join(file).is_file() {
        return Err(unknown());
    }
    let backup = info(&dir, file).await?;
    if !backup.ok {
        return Err(Error::Validation(vec![crate::model::FieldError::new(
            "backup", "damaged",
        )
        .with("reason", backup.problem.clone().unwrap_or_default())]));
    }
    Ok(backup)
}

/// Restores backup `file` (a name from [`list`], never a path) of the
/// data folder `data_dir` as its database. Banco must not have the
/// database open (the CLI and the window close theirs first). The
/// current database is kept first as `banco.db.replaced-<time>` (a
/// consistent copy, WAL included); then the backup is copied in place,
/// and migrations bring an older backup up to this build.
///
/// Errors: [`Error::Validation`] on `backup`: `unknown_value` for a name
/// that is not a backup in the folder, `damaged` for one that fails the
/// check (nothing changes); [`Error::Io`]; [`Error::Migrate`].
pub async fn restore(data_dir: &Path, file: &str) -> Result<Restored> {
    let dir = data_dir.join(BACKUP_DIR);
    let backup = restorable(data_dir, file).await?;
    let live = data_dir.join(SQLITE_FILE);
    let replaced = data_dir.join(format!("{SQLITE_FILE}.replaced-{}", now().format(STAMP)));
    if live.exists() {
        let current = Db::connect(&sqlite_url_in(data_dir)).await?;
        let kept = current.copy_into(&replaced).await;
        current.close().await;
        kept?;
    }
    let incoming = data_dir.join(format!("{SQLITE_FILE}.restoring"));
    std::fs::copy(dir.join(file), &incoming).map_err(io_at(&incoming))?;
    for side in ["-wal", "-shm"] {
        let p = data_dir.join(format!("{SQLITE_FILE}{side}"));
        if p.exists() {
            std::fs::remove_file(&p).map_err(io_at(&p))?;
        }
    }
    std::fs::rename(&incoming, &live).map_err(io_at(&live))?;
    let db = Db::connect(&sqlite_url_in(data_dir)).await?;
    let ready = db.ready().await;
    db.close().await;
    ready?;
    Ok(Restored { backup, replaced })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_their_time() {
        use chrono::TimeZone;
        let at = Utc.with_ymd_and_hms(2026, 12, 4, 18, 30, 5).unwrap();
        assert_eq!(file_name(at), "banco-20261204-183005.db");
        assert_eq!(taken_at(&file_name(at)), Some(at));
        for other in [
            "banco.db",
            "banco-2026.db",
            "x-20261204-183005.db",
            "banco-20261204-183005.db.part",
        ] {
            assert_eq!(taken_at(other), None, "{other}");
        }
    }
}
