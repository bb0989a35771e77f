//! Where a database is: its URL read (SQLite file or Postgres server, TLS), redacted for display, and named for the outbox.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::sqlite::SqliteConnectOptions;

use crate::{Error, Result};

/// Name of the SQLite file inside a data directory.
pub const SQLITE_FILE: &str = "banco.db";

/// The default data directory: `$BANCO_DATA_DIR` if set, else the OS
/// local app-data folder (`~/.local/share/banco` on Linux,
/// `%LOCALAPPDATA%\banco` on Windows, `~/Library/Application Support/banco`
/// on macOS). Local, not roaming: a shop's database must not travel with a
/// Windows profile. A folder an earlier version left in `%APPDATA%` is moved
/// to the local one the first time (when the local one does not exist yet).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("BANCO_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let local = dirs::data_local_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("banco");
    if let Some(roaming) = dirs::data_dir().map(|d| d.join("banco")) {
        if roaming != local && roaming.is_dir() && !local.exists() {
            if let Err(e) = std::fs::rename(&roaming, &local) {
                tracing::warn!(
                    "cannot move {} to {}: {e}",
                    roaming.display(),
                    local.display()
                );
                return roaming;
            }
            tracing::info!(
                "data folder moved from {} to {}",
                roaming.display(),
                local.display()
            );
        }
    }
    local
}

/// The folder of the desk's log files: `$BANCO_LOG_DIR` if set, else the
/// OS log folder (`~/Library/Logs/Banco` on macOS, `$XDG_STATE_HOME/banco/logs`
/// i.e. `~/.local/state/banco/logs` on Linux, `%LOCALAPPDATA%\banco\logs`
/// on Windows).
pub fn default_log_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("BANCO_LOG_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if cfg!(target_os = "macos") {
        if let Some(home) = dirs::home_dir() {
            return home.join("Library/Logs/Banco");
        }
    }
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("banco").join("logs"))
        .unwrap_or_else(|| default_data_dir().join("logs"))
}

/// A database URL safe to show or log: the password of the user part and
/// any `password`/`sslpassword` query parameter become `***` (parsed as a
/// URL, so a password containing `@` or `:` is hidden whole). A URL that
/// cannot be parsed is not echoed at all.
pub fn redact_url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        return "<a database URL that cannot be read>".into();
    };
    if url.password().is_some() {
        let _ = url.set_password(Some("***"));
    }
    let secret =
        |k: &str| k.eq_ignore_ascii_case("password") || k.eq_ignore_ascii_case("sslpassword");
    if url.query_pairs().any(|(k, _)| secret(&k)) {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if secret(&k) {
                    "***".into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

/// Whether a Postgres connection gets TLS `verify-full` (the server's
/// certificate checked against the trusted roots, or the URL's
/// `sslrootcert=` CA file, and its name against `host`) because nobody chose
/// a mode: neither the URL (`sslmode=`/`ssl-mode=`) nor `PGSSLMODE` names
/// one, and the host is not this machine (loopback or a Unix socket keep
/// libpq's `prefer`). sqlx's own default, `prefer`, checks no certificate,
/// so a chain server reached over a network would accept any man in the
/// middle (issue 12; libpq's modes: PostgreSQL 15 docs, §34.19).
pub fn tls_must_verify(url: &str, host: &str, env_mode: Option<&str>) -> bool {
    let named_in_url = url::Url::parse(url)
        .map(|u| {
            u.query_pairs().any(|(k, _)| {
                k.eq_ignore_ascii_case("sslmode") || k.eq_ignore_ascii_case("ssl-mode")
            })
        })
        .unwrap_or(false);
    let local = host.is_empty()
        || host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    !named_in_url && env_mode.is_none() && !local
}

/// The `sqlite:` URL of the database file inside `data_dir`.
pub fn sqlite_url_in(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join(SQLITE_FILE).display())
}

/// Whether `url` names a Postgres server.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

/// The connect options of a Postgres URL: the password from the URL,
/// `$PGPASSWORD`, `~/.pgpass` (read by sqlx) or else the OS keychain; TLS
/// `verify-full` unless the URL or `$PGSSLMODE` says otherwise or the
/// server is this machine ([`tls_must_verify`]).
///
/// Errors: [`Error::Database`] for a URL sqlx cannot read.
pub fn pg_options(url: &str) -> Result<PgConnectOptions> {
    let mut options = pg_server_options(url)?;
    let url_has_password = url::Url::parse(url).is_ok_and(|u| u.password().is_some());
    if !url_has_password && std::env::var_os("PGPASSWORD").is_none() {
        match super::keychain::saved_password(url) {
            Ok(Some(password)) => options = options.password(password.expose()),
            Ok(None) => {}
            Err(e) => tracing::warn!("no database password from the OS keychain: {e}"),
        }
    }
    Ok(options)
}

/// The connect options of a Postgres URL as written (its login and
/// password, if any), with the TLS mode of [`tls_must_verify`].
pub(super) fn pg_server_options(url: &str) -> Result<PgConnectOptions> {
    let options = PgConnectOptions::from_str(url)?;
    let env_mode = std::env::var("PGSSLMODE").ok().filter(|m| !m.is_empty());
    Ok(
        if tls_must_verify(url, options.get_host(), env_mode.as_deref()) {
            options.ssl_mode(PgSslMode::VerifyFull)
        } else {
            options
        },
    )
}

/// The name of a chain server as the outbox files its captures:
/// `host:port/database`, without login, password or options, so every
/// login of one server shares it.
pub(super) fn server_key_of(options: &PgConnectOptions) -> String {
    format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or_default()
    )
}

/// [`server_key_of`] a Postgres URL (the outbox of a desk that cannot
/// reach it). Errors: [`Error::Database`] for a URL sqlx cannot read.
pub fn server_key(url: &str) -> Result<String> {
    Ok(server_key_of(&PgConnectOptions::from_str(url)?))
}

/// The name under which the outbox files the captures of the database at
/// `url`: `sqlite:` and the file's canonical path for a shop,
/// [`server_key`] for a chain server. Works without opening it.
///
/// Errors: [`Error::Database`] for a URL sqlx cannot read;
/// [`Error::UnsupportedDatabaseUrl`] for another scheme.
pub fn outbox_key(url: &str) -> Result<String> {
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)?;
        Ok(sqlite_key(options.get_filename()))
    } else if is_postgres_url(url) {
        server_key(url)
    } else {
        Err(Error::UnsupportedDatabaseUrl(redact_url(url)))
    }
}

/// `sqlite:` and the canonical path of `file` (as given when it does not
/// exist yet).
pub(super) fn sqlite_key(file: &Path) -> String {
    let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    format!("sqlite:{}", path.display())
}

/// Whether a connection error is the server refusing the login or its
/// password (SQLSTATE `28P01` invalid password, `28000` no such
/// authorisation), as opposed to a server that cannot be reached.
pub fn is_auth_failure(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("28P01") | Some("28000")))
}

/// The D-Bus name (Linux) that makes the desktop app one instance per
/// data folder (`tauri-plugin-single-instance`'s id):
/// the identifier and a stable digest of the folder's path, so that two
/// shops' folders (or parallel tests) do not take each other's window.
pub fn instance_id(identifier: &str, data_dir: &Path) -> String {
    let path = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_path_buf());
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(path.to_string_lossy().as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{identifier}.d{hex}")
}

#[cfg(test)]
mod tests {
    use super::{instance_id, redact_url, tls_must_verify};
    use std::path::Path;

    #[test]
    fn a_chain_server_gets_its_certificate_checked_unless_a_mode_is_chosen() {
        let remote = "postgres://ann@db.example.it/banco";
        assert!(tls_must_verify(remote, "db.example.it", None));
        assert!(!tls_must_verify(
            "postgres://ann@db.example.it/banco?sslmode=require",
            "db.example.it",
            None
        ));
        assert!(!tls_must_verify(remote, "db.example.it", Some("disable")));
        for local in ["127.0.0.1", "localhost", "::1", "[::1]", "/run/postgresql"] {
            assert!(
                !tls_must_verify("postgres://ann@x/banco", local, None),
                "{local}"
            );
        }
        assert!(tls_must_verify(
            "postgres://ann@10.0.0.5/banco",
            "10.0.0.5",
            None
        ));
    }

    #[test]
    fn a_shown_database_url_never_holds_a_password() {
        assert_eq!(
            redact_url("postgres://ann:secret@db:5432/banco"),
            "postgres://ann:***@db:5432/banco"
        );
        // An unescaped `@` or `:` in the password: hidden whole.
        let shown = redact_url("postgres://ann:p@ss:w0rd@db/banco");
        assert!(
            !shown.contains("p@ss") && !shown.contains("w0rd"),
            "{shown}"
        );
        assert!(shown.contains("ann:***@db"), "{shown}");
        // A password given as a parameter.
        let shown = redact_url("postgres://db/banco?user=ann&password=secret&sslmode=verify-full");
        assert!(
            !shown.contains("secret") && shown.contains("sslmode=verify-full"),
            "{shown}"
        );
        assert_eq!(
            redact_url("sqlite:///tmp/banco.db"),
            "sqlite:///tmp/banco.db"
        );
        assert_eq!(
            redact_url("postgres://ann@db/banco"),
            "postgres://ann@db/banco"
        );
        assert!(!redact_url("not a url secret").contains("secret"));
    }

    #[test]
    fn one_instance_per_data_folder() {
        let a = instance_id("it.banco.crm", Path::new("/srv/negozio-a"));
        assert_eq!(a, instance_id("it.banco.crm", Path::new("/srv/negozio-a")));
        assert_ne!(a, instance_id("it.banco.crm", Path::new("/srv/negozio-b")));
        assert!(a.starts_with("it.banco.crm.d") && a.len() == "it.banco.crm.d".len() + 16);
    }
}
