//! Copies of a shop's embedded database: taken online with `VACUUM INTO`
//! (sqlite.org/lang_vacuum.html#vacuuminto: a consistent, compacted copy
//! of the database as one transaction sees it, while the shop keeps
//! working), and checked by opening them read-only.

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{query, query_scalar};

use super::{Db, Pool};
use crate::{Error, Result};

/// What a copy of the embedded database holds, as read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// `PRAGMA integrity_check` found nothing wrong.
    pub ok: bool,
    /// SQLite's first findings when not `ok` (at most five).
    pub problem: Option<String>,
    /// How many leads it holds (when readable).
    pub leads: Option<i64>,
    /// The newest migration applied to it (when readable).
    pub schema: Option<i64>,
}

impl Db {
    /// Writes a consistent copy of this shop's database to `target` (a
    /// file that must not exist yet) with `VACUUM INTO`.
    ///
    /// Errors: [`Error::Validation`] (`backup`, `server_database`) on a
    /// chain server (its administrator backs it up, e.g. `pg_dump`);
    /// [`Error::Database`] when SQLite cannot write the file.
    pub async fn copy_into(&self, target: &Path) -> Result<()> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Err(Error::field("backup", "server_database"));
        };
        query("VACUUM INTO ?")
            .bind(target.to_string_lossy().into_owned())
            .execute(pool)
            .await?;
        Ok(())
    }
}

/// Opens the SQLite file at `path` read-only and checks it: `PRAGMA
/// integrity_check` (every page, record and index;
/// sqlite.org/pragma.html#pragma_integrity_check), then its leads and its
/// newest migration. A file that is no database, or a damaged one, is
/// reported as not `ok`, never as an error.
///
/// Errors: [`Error::Io`] only when the file cannot be opened at all.
pub async fn check_file(path: &Path) -> Result<FileCheck> {
    if !path.is_file() {
        return Err(Error::Io {
            path: path.display().to_string(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    }
    let options = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))?
        .read_only(true)
        .immutable(true);
    let broken = |problem: String| FileCheck {
        ok: false,
        problem: Some(problem),
        leads: None,
        schema: None,
    };
    let pool = match SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
    {
        Ok(p) => p,
        Err(e) => return Ok(broken(e.to_string())),
    };
    let found = query_scalar::<_, String>("PRAGMA integrity_check(5)")
        .fetch_all(&pool)
        .await;
    let check = match found {
        Ok(f) if f.len() == 1 && f[0] == "ok" => FileCheck {
            ok: true,
            problem: None,
            leads: query_scalar::<_, i64>("SELECT count(*) FROM leads")
                .fetch_one(&pool)
                .await
                .ok(),
            schema: query_scalar::<_, i64>(
                "SELECT max(version) FROM _sqlx_migrations WHERE success",
            )
            .fetch_one(&pool)
            .await
            .ok(),
        },
        Ok(f) => broken(f.join("; ")),
        Err(e) => broken(e.to_string()),
    };
    pool.close().await;
    Ok(check)
}
