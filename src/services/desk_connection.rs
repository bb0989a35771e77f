//! A desk's connection, chosen in the window on first start: this shop's
//! embedded database, or a chain server ([`ServerSettings`]). The choice
//! is kept in the data folder as `connection.json` (never a password);
//! the password of the login that set the desk up goes to the OS keychain
//! (`store::keychain`, under the same account `banco connect` uses, so the
//! command line finds it too), and the next start signs that login in
//! with it. "Forget this computer" deletes it from the keychain.

use std::path::{Path, PathBuf};

use crate::model::{normalize_login, DeskConnection, FieldError, Password, ServerSettings};
use crate::services::{sign_in, Ctx};
use crate::store::{keychain, Db};
use crate::{Error, Result};

/// The file in the data folder that keeps a desk's [`DeskConnection`].
pub const CONNECTION_FILE: &str = "connection.json";

fn file(data_dir: &Path) -> PathBuf {
    data_dir.join(CONNECTION_FILE)
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        source: e,
    }
}

/// The connection kept in `data_dir`, if one was chosen.
///
/// Errors: [`Error::Io`] for a file that cannot be read or is not a
/// connection (its path and why).
pub fn saved(data_dir: &Path) -> Result<Option<DeskConnection>> {
    let path = file(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&path, e)),
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        io(
            &path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        )
    })
}

/// Keeps `connection` in `data_dir` (created if missing), replacing the
/// file whole: written beside it, flushed, then renamed over it, so a
/// crash leaves the old file or the new one.
///
/// Errors: [`Error::Io`].
pub fn save(data_dir: &Path, connection: &DeskConnection) -> Result<()> {
    std::fs::create_dir_all(data_dir).map_err(|e| io(data_dir, e))?;
    let path = file(data_dir);
    let partial = data_dir.join(format!("{CONNECTION_FILE}.partial"));
    let text = serde_json::to_string_pretty(connection).expect("a connection serializes");
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&partial)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&partial, &path)
    };
    write().map_err(|e| io(&path, e))
}

/// Checks `settings` (trimmed) and the password's presence, every problem
/// at once.
fn checked(settings: ServerSettings, password: &Password) -> Result<ServerSettings> {
    let mut settings = settings.trimmed();
    let mut problems = settings.problems();
    if password.expose().is_empty() {
        problems.push(FieldError::new("password", "required"));
    }
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    settings.login = normalize_login(&settings.login).map_err(|e| Error::Validation(vec![e]))?;
    Ok(settings)
}

/// A desk just pointed at a chain server: the signed-in session and the
/// server's URL (no password) every later sign-in uses.
#[derive(Debug)]
pub struct Connected {
    /// A pool connected as the login that set the desk up.
    pub db: Db,
    /// That login's Banco user.
    pub ctx: Ctx,
    /// `postgres://LOGIN@HOST:PORT/DATABASE?sslmode=…`, see [`ServerSettings::url`].
    pub url: String,
}

/// Points the desk of `data_dir` at a chain server: signs `settings.login`
/// in there with `password` (the server checks both, its TLS as
/// `settings.tls` says, and Banco's schema version), then keeps the
/// password in the OS keychain and the settings in `connection.json`.
/// Nothing is kept when any step before fails. A keychain that cannot be
/// reached (no Secret Service) keeps no password: the connection is kept
/// all the same, and the next start asks for the password at sign-in.
///
/// Errors: [`Error::Validation`] (`host`, `port`, `database`, `login`,
/// `ca_file`, `password`, see [`ServerSettings::problems`]); as
/// [`sign_in::sign_in_server`] (`wrong_credentials`, `not_a_user`,
/// [`Error::SchemaMismatch`], [`Error::Database`] for a server that cannot
/// be reached or whose certificate fails); [`Error::Io`] when the data
/// folder cannot be written (the session is closed).
pub async fn connect_server(
    data_dir: &Path,
    settings: ServerSettings,
    password: Password,
) -> Result<Connected> {
    let settings = checked(settings, &password)?;
    let url = settings.url();
    let (db, ctx) = sign_in::sign_in_server(&url, &settings.login, password.clone()).await?;
    if let Err(e) = keychain::save_password(&url, &password) {
        tracing::warn!("the server password is not remembered on this computer: {e}");
    }
    if let Err(e) = save(data_dir, &DeskConnection::Server { server: settings }) {
        db.close().await;
        let _ = keychain::forget_password(&url);
        return Err(e);
    }
    Ok(Connected { db, ctx, url })
}

/// After `login` changed their own password to `new` on the server of
/// `url` (a desk's or the command line's connection URL): the OS
/// keychain's password for that URL's login becomes `new` when the login
/// is theirs and a password was kept there, so that the next start (or
/// command) signs in with it instead of being refused. Whether an entry
/// was replaced; `false` for the embedded database, another login's URL,
/// or no kept password. A keychain that cannot be reached or refuses is
/// logged (a warning) and gives `false`: the change itself is done, as in
/// [`connect_server`].
pub fn keep_changed_password(url: &str, login: &str, new: &Password) -> bool {
    let Some(kept_for) = keychain::account(url) else {
        return false;
    };
    let theirs = url::Url::parse(url).ok().and_then(|mut u| {
        u.set_username(login).ok()?;
        keychain::account(u.as_str())
    });
    if theirs.as_deref() != Some(kept_for.as_str()) {
        return false;
    }
    let kept = match keychain::saved_password(url) {
        Ok(Some(_)) => keychain::save_password(url, new).map(|()| true),
        Ok(None) => Ok(false),
        Err(e) => Err(e),
    };
    kept.unwrap_or_else(|e| {
        tracing::warn!("the new password is not kept in the OS keychain: {e}");
        false
    })
}

/// At start, the session of a desk set up for `settings`: its login
/// signed in with the password kept in the OS keychain. `None` when no
/// password is kept (forgotten, or no keychain) or the server no longer
/// takes it (changed elsewhere): the desk then shows the sign-in.
///
/// Errors: as [`sign_in::sign_in_server`] except `wrong_credentials`:
/// [`Error::SchemaMismatch`], [`Error::Database`] for a server that cannot
/// be reached.
pub async fn reopen(settings: &ServerSettings) -> Result<Option<(Db, Ctx)>> {
    let url = settings.url();
    let password = match keychain::saved_password(&url) {
        Ok(Some(p)) => p,
        Ok(None) => return Ok(None),
        Err(e) => {
            tracing::warn!("no server password from the OS keychain: {e}");
            return Ok(None);
        }
    };
    match sign_in::sign_in_server(&url, &settings.login, password).await {
        Ok(session) => Ok(Some(session)),
        Err(Error::SignIn { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
