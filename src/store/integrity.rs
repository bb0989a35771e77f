//! The embedded database file's health: `PRAGMA quick_check` before
//! anything reads it, and a damaged file named as such
//! ([`Error::DamagedDatabase`]) instead of a database error.

use sqlx::query_scalar;
use sqlx::sqlite::SqlitePool;

use crate::{Error, Result};

/// Checks an embedded database file before anything uses it: `PRAGMA
/// quick_check` (sqlite.org/pragma.html#pragma_quick_check: every page and
/// record, without comparing indexes to their tables; linear in the file's
/// size). Errors: [`Error::DamagedDatabase`] with its first five findings,
/// or SQLite's own complaint when it cannot read the file as a database
/// (`SQLITE_CORRUPT`, `SQLITE_NOTADB`).
pub(super) async fn check_sqlite_file(pool: &SqlitePool) -> Result<()> {
    let file = || async {
        query_scalar::<_, String>("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_one(pool)
            .await
            .unwrap_or_default()
    };
    match query_scalar::<_, String>("PRAGMA quick_check(5)")
        .fetch_all(pool)
        .await
    {
        Ok(found) if found.len() == 1 && found[0] == "ok" => Ok(()),
        Ok(found) => Err(Error::DamagedDatabase {
            file: file().await,
            detail: found.join("; "),
        }),
        Err(e) => Err(damaged_or(e, file().await)),
    }
}

/// SQLite's complaint that `file` is damaged (`SQLITE_CORRUPT`, 11) or no
/// database at all (`SQLITE_NOTADB`, 26) as [`Error::DamagedDatabase`];
/// any other error as it is.
pub(super) fn damaged_or(e: sqlx::Error, file: String) -> Error {
    match e {
        sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("11" | "26")) => {
            Error::DamagedDatabase {
                file,
                detail: d.message().to_string(),
            }
        }
        e => e.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Db;
    use crate::Error;

    #[tokio::test]
    async fn a_damaged_database_file_is_named_not_opened() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("banco.db");
        let url = format!("sqlite:{}", path.display());
        let db = Db::connect(&url).await.expect("open");
        db.ready().await.expect("migrate");
        // Everything into the main file (it is in the WAL until then).
        if let super::super::Pool::Sqlite(p) = &db.pool {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await
                .expect("checkpoint");
        }
        db.close().await;
        let good = std::fs::read(&path).expect("read");
        assert!(good.len() > 8 * 4096, "{} bytes", good.len());

        // Pages past the first overwritten: quick_check finds them.
        let mut bad = good.clone();
        for b in &mut bad[4096..4 * 4096] {
            *b = 0x5a;
        }
        std::fs::write(&path, &bad).expect("write");
        // Found on opening (SQLite reads the schema) or by the check.
        let opened = match Db::connect(&url).await {
            Ok(db) => db.ready().await,
            Err(e) => Err(e),
        };
        match opened {
            Err(Error::DamagedDatabase { file, detail }) => {
                assert!(file.ends_with("banco.db"), "{file}");
                assert!(!detail.is_empty());
            }
            other => panic!("expected a damaged database, got {other:?}"),
        }

        // Not a database at all.
        std::fs::write(&path, vec![0x5a; 8192]).expect("write");
        let opened = match Db::connect(&url).await {
            Ok(db) => db.ready().await,
            Err(e) => Err(e),
        };
        assert!(
            matches!(opened, Err(Error::DamagedDatabase { .. })),
            "{opened:?}"
        );
    }
}
