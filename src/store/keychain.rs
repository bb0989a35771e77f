//! Database passwords in the OS keychain, through the `keyring` crate:
//! Secret Service on Linux (GNOME Keyring, KWallet), Credential Manager on
//! Windows, Keychain on macOS. A chain server's password is kept there and
//! nowhere else Banco writes: not in a file, a log, a URL shown on screen,
//! an error message or a command line.
//!
//! One entry per server login: service `Banco`, account
//! `LOGIN@HOST:PORT/DATABASE` ([`account`]). The meeting server's secret
//! or private key is kept the same way ([`OsKeychain`], account
//! `meeting:…` from `services::meeting_keys::account`).

use crate::model::Password;
use crate::{Error, Result};

/// The keychain's service name for Banco's entries.
pub const SERVICE: &str = "Banco";

/// The keychain account of a Postgres URL: `login@host:port/database`
/// (port 5432 and database = login when the URL leaves them out, as libpq
/// does). `None` for anything that is not a `postgres:` URL with a login.
pub fn account(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "postgres" | "postgresql") || parsed.username().is_empty() {
        return None;
    }
    let login = parsed.username();
    let host = parsed.host_str().unwrap_or("localhost");
    let port = parsed.port().unwrap_or(5432);
    let database = match parsed.path().trim_start_matches('/') {
        "" => login,
        db => db,
    };
    Some(format!("{login}@{host}:{port}/{database}"))
}

fn entry(url: &str) -> Result<keyring::Entry> {
    let account = account(url).ok_or_else(|| Error::field("database_url", "not_a_server_login"))?;
    keyring::Entry::new(SERVICE, &account).map_err(keychain_error)
}

fn keychain_error(e: keyring::Error) -> Error {
    // keyring's messages name the service and the account, never the secret.
    Error::Io {
        path: "OS keychain".into(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Keeps `password` for the server login of `url`, replacing an older one.
///
/// Errors: [`Error::Validation`] (`database_url`: `not_a_server_login`);
/// [`Error::Io`] (`OS keychain`) when no keychain answers (on Linux, no
/// Secret Service on the session bus) or it refuses.
pub fn save_password(url: &str, password: &Password) -> Result<()> {
    entry(url)?
        .set_password(password.expose())
        .map_err(keychain_error)
}

/// The password kept for the server login of `url`, if any.
///
/// Errors: as [`save_password`]; a missing entry is `Ok(None)`.
pub fn saved_password(url: &str) -> Result<Option<Password>> {
    match entry(url)?.get_password() {
        Ok(p) => Ok(Some(Password(p))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keychain_error(e)),
    }
}

/// "Forget this computer": deletes the password kept for `url`. Whether
/// there was one.
///
/// Errors: as [`save_password`].
pub fn forget_password(url: &str) -> Result<bool> {
    match entry(url)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(keychain_error(e)),
    }
}

/// The OS keychain as the desk's store of meeting keys (service `Banco`).
pub struct OsKeychain;

impl crate::services::meeting_keys::MeetingKeys for OsKeychain {
    fn get(&self, account: &str) -> Result<Option<String>> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(keychain_error)?;
        match entry.get_password() {
            Ok(k) => Ok(Some(k)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(e)),
        }
    }
    fn set(&self, account: &str, key: &str) -> Result<()> {
        keyring::Entry::new(SERVICE, account)
            .and_then(|e| e.set_password(key))
            .map_err(keychain_error)
    }
    fn forget(&self, account: &str) -> Result<bool> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(keychain_error)?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keychain_error(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::account;

    #[test]
    fn one_entry_per_server_login() {
        assert_eq!(
            account("postgres://anna@db.example.it/banco?sslmode=verify-full").as_deref(),
            Some("anna@db.example.it:5432/banco")
        );
        assert_eq!(
            account("postgresql://anna:secret@10.0.0.5:6432/").as_deref(),
            Some("anna@10.0.0.5:6432/anna"),
            "libpq's defaults, and never the password"
        );
        assert_eq!(account("sqlite:/tmp/banco.db"), None);
        assert_eq!(account("postgres://db.example.it/banco"), None);
    }
}
