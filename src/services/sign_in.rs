//! Signing in: every person at a desk proves who they are with their
//! password or PIN, and the acting user of every use case is the one
//! signed in (never a user the page or the command line names).
//!
//! Passwords are kept as Argon2id hashes (RFC 9106; the `argon2` crate's
//! defaults, m = 19 MiB, t = 2, p = 1, OWASP's recommended minimum) in PHC
//! string form. Five wrong passwords in a row lock the login for 30 s,
//! doubling with every further wrong one up to 15 min; a successful
//! sign-in clears the count. An unknown login is checked against a dummy
//! hash, so its answer takes as long and says the same as a wrong
//! password.
//!
//! A database where nobody has a password yet is *unclaimed*: the first
//! start of the app asks for the administrator's login and password
//! ([`claim`]); until then the command line acts as the first admin, as the
//! owner of the file may anyway.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::Duration;
use uuid::Uuid;

use super::context::bootstrap;
use super::{now, off_runtime, Ctx};
use crate::model::{check_password, normalize_login, Password, Role, Tenant, User};
use crate::store::sign_in::Credentials;
use crate::store::{Backend, Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Wrong passwords in a row after which a login is locked for a while.
pub const LOCK_AFTER: i32 = 5;
/// The first lock, in seconds; each further wrong password doubles it.
pub const FIRST_LOCK_S: i64 = 30;
/// The longest lock, in seconds.
pub const MAX_LOCK_S: i64 = 15 * 60;
/// Longest idle time a tenant may set before desks lock, in minutes (8 h).
pub const MAX_IDLE_LOCK_MINUTES: u32 = 480;

/// The Argon2id PHC string of `password`, with a fresh random salt. Slow on
/// purpose (tens of milliseconds): call it off the async runtime.
///
/// Errors: [`Error::Integrity`] if the hasher fails (it does not for a
/// password within [`check_password`]'s limits).
pub fn hash_password(password: &Password) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Integrity(format!("password hashing: {e}")))
}

/// Whether `password` matches a PHC string made by [`hash_password`]. A
/// damaged hash matches nothing.
pub fn password_matches(hash: &str, password: &Password) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok()
    })
}

/// [`hash_password`] on tokio's blocking pool, off the async runtime.
pub(crate) async fn hash_off_runtime(password: Password) -> Result<String> {
    off_runtime("password hashing", move || hash_password(&password)).await?
}

fn wrong() -> Error {
    Error::SignIn {
        reason: "wrong_credentials",
        retry_after_s: 0,
    }
}

/// Whether nobody in the database has a password yet (see the module
/// docs). Creates the first tenant on an empty database.
pub async fn is_unclaimed(db: &Db) -> Result<bool> {
    bootstrap(db).await?;
    Ok(!with_conn!(db, |c| c.any_password().await)?)
}

/// First start: gives the first tenant's first active admin `login` and
/// `password`, and signs them in.
///
/// Errors: [`Error::Validation`] (`login`, `password`);
/// [`Error::SignIn`] `not_unclaimed` once anybody has a password.
pub async fn claim(db: &Db, login: &str, password: Password) -> Result<Ctx> {
    let (login, secret) = new_credentials(db, login, password).await?;
    let admin = Ctx::load(db, None).await?;
    with_tx!(db, |c| {
        if c.any_password().await? {
            return Err(Error::SignIn {
                reason: "not_unclaimed",
                retry_after_s: 0,
            });
        }
        store_secret(c, admin.tenant_id(), admin.user.id, &login, &secret).await
    })?;
    Ctx::of(db, admin.tenant_id(), admin.user.id).await
}

/// Validates a new login and password, and makes the password's
/// [`Secret`] for `db`'s backend.
async fn new_credentials(db: &Db, login: &str, password: Password) -> Result<(String, Secret)> {
    let mut errors = Vec::new();
    let login = normalize_login(login).map_err(|e| errors.push(e)).ok();
    if let Err(e) = check_password(&password) {
        errors.push(e);
    }
    let Some(login) = login.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    Ok((login, secret_for(db, password).await?))
}

/// What a new password becomes before it is stored. On SQLite an
/// Argon2id hash in `users.password_hash`; on a chain server the SCRAM
/// verifier of the user's own Postgres login role, which the server checks
/// at every connection (the password never travels in clear).
pub(crate) enum Secret {
    /// Argon2id PHC string (SQLite).
    Hash(String),
    /// SCRAM-SHA-256 verifier (Postgres login role).
    Verifier(String),
}

/// The [`Secret`] of `password` for `db`'s backend, made off the runtime.
pub(crate) async fn secret_for(db: &Db, password: Password) -> Result<Secret> {
    Ok(match db.backend() {
        Backend::Sqlite => Secret::Hash(hash_off_runtime(password).await?),
        Backend::Postgres => Secret::Verifier(
            off_runtime("password hashing", move || {
                crate::store::chain::scram_verifier(&password)
            })
            .await?,
        ),
    })
}

/// Stores `login` and `secret` for a user: the hash in `users`, or the
/// user's login role on a chain server (created or renamed as needed).
///
/// Errors: [`Error::Validation`] (`login`: `already_used`) when the login
/// is another user's (or, on a server, another role's);
/// [`Error::ServerRefused`] when the server's own check says no.
pub(crate) async fn store_secret(
    c: &mut Conn<'_>,
    tenant: Uuid,
    user: Uuid,
    login: &str,
    secret: &Secret,
) -> Result<()> {
    let stored = match secret {
        Secret::Hash(hash) => c
            .set_credentials(tenant, user, Some(login), hash)
            .await
            .map(|_| ()),
        Secret::Verifier(verifier) => c.set_server_login(user, login, verifier).await,
    };
    stored.map_err(|e| match e {
        Error::Duplicate { .. } => {
            Error::Validation(vec![
                crate::model::FieldError::new("login", "already_used").with("value", login)
            ])
        }
        other => other,
    })
}

/// Signs in by login and password: the context of that user.
///
/// Errors: [`Error::SignIn`] `wrong_credentials` (unknown login, inactive
/// user, no password set, wrong password) or `too_many_attempts`.
pub async fn sign_in(db: &Db, login: &str, password: Password) -> Result<Ctx> {
    if db.backend() == Backend::Postgres {
        // A chain server's session is the login's own connection.
        return Err(Error::Integrity(
            "sign in to a chain server with sign_in::sign_in_server".into(),
        ));
    }
    bootstrap(db).await?;
    let Ok(login) = normalize_login(login) else {
        // Not a login at all: the same answer, after the same work.
        let _ = check(db, None, password).await;
        return Err(wrong());
    };
    let creds = with_conn!(db, |c| c.credentials_by_login(&login).await)?;
    let (tenant, user) = check(db, creds, password).await?;
    Ctx::of(db, tenant, user).await
}

/// Signs in to a chain server: connects to `url`'s server as `login` with
/// `password` (the server checks them) and checks its schema. The pool
/// acts as that login from then on, within the row security.
///
/// Errors: [`Error::SignIn`] `wrong_credentials` (a login or password the
/// server refuses, or a login that is no active Banco user of this
/// database); [`Error::SchemaMismatch`]; [`Error::Database`] when the
/// server cannot be reached.
pub async fn sign_in_server(url: &str, login: &str, password: Password) -> Result<(Db, Ctx)> {
    let Ok(login) = normalize_login(login) else {
        return Err(wrong());
    };
    let db = match Db::connect_login(url, &login, &password).await {
        Ok(db) => db,
        Err(Error::Database(e)) if crate::store::is_auth_failure(&e) => return Err(wrong()),
        Err(e) => return Err(e),
    };
    server_session(db, wrong()).await
}

/// Opens a chain server as the login its URL names (the password from the
/// URL, `$PGPASSWORD`, `~/.pgpass` or the OS keychain): the command
/// line's session without `--sign-in`.
///
/// Errors: [`Error::SignIn`] `not_a_user` when that login is no active
/// Banco user of the database; as [`sign_in_server`] otherwise.
pub async fn open_server(url: &str) -> Result<(Db, Ctx)> {
    let db = Db::connect(url).await?;
    server_session(
        db,
        Error::SignIn {
            reason: "not_a_user",
            retry_after_s: 0,
        },
    )
    .await
}

/// The session of the login `db` is connected as: its schema checked, the
/// Banco user of that login (else `not_user`); the pool is closed on any
/// error.
async fn server_session(db: Db, not_user: Error) -> Result<(Db, Ctx)> {
    let ctx = async {
        db.ready().await?;
        let (tenant, user) = with_conn!(db, |c| c.server_identity().await)?.ok_or(not_user)?;
        Ctx::of(&db, tenant, user).await
    }
    .await;
    match ctx {
        Ok(ctx) => Ok((db, ctx)),
        Err(e) => {
            db.close().await;
            Err(e)
        }
    }
}

/// Checks the password of a user of the tenant (switching who is at the
/// counter, unlocking a desk): that user's context.
///
/// Errors: as [`sign_in`].
pub async fn verify_user(db: &Db, tenant: Uuid, user: Uuid, password: Password) -> Result<Ctx> {
    if db.backend() == Backend::Postgres {
        // The server checks its own logins' passwords (and may slow down
        // guessing with its `auth_delay` module).
        let target = with_conn!(db, |c| c.get_user(tenant, user).await)?;
        let Some(login) = target.filter(|u| u.active).and_then(|u| u.login) else {
            return Err(wrong());
        };
        if !db.login_password_is_right(&login, &password).await? {
            return Err(wrong());
        }
        return Ctx::of(db, tenant, user).await;
    }
    let creds = with_conn!(db, |c| c.credentials_of(tenant, user).await)?;
    let (tenant, user) = check(db, creds, password).await?;
    Ctx::of(db, tenant, user).await
}

/// A hash of nothing anybody knows, checked for unknown logins so that
/// their answer takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&Password(Uuid::now_v7().to_string())).unwrap_or_default())
}

/// Checks `password` against `creds`, counting failures and locking the
/// login after [`LOCK_AFTER`] of them.
async fn check(db: &Db, creds: Option<Credentials>, password: Password) -> Result<(Uuid, Uuid)> {
    let at = now();
    let Some(creds) = creds else {
        off_runtime("password hashing", move || {
            password_matches(dummy_hash(), &password)
        })
        .await?;
        return Err(wrong());
    };
    if let Some(until) = creds.locked_until.filter(|u| *u > at) {
        return Err(Error::SignIn {
            reason: "too_many_attempts",
            retry_after_s: u64::try_from((until - at).num_seconds().max(1)).unwrap_or(1),
        });
    }
    // An inactive user or one without a password is checked against the
    // dummy hash too: the same work, the same answer as a wrong password.
    let usable = creds.password_hash.clone().filter(|_| creds.active);
    let hash = usable.clone().unwrap_or_else(|| dummy_hash().to_string());
    let verified = off_runtime("password hashing", move || {
        password_matches(&hash, &password)
    })
    .await?;
    let matches = usable.is_some() && verified;
    let (tenant, user) = (creds.tenant_id, creds.user_id);
    if matches {
        with_conn!(db, |c| c.reset_failed_sign_ins(tenant, user).await)?;
        return Ok((tenant, user));
    }
    let failed = creds.failed_sign_ins.saturating_add(1);
    let lock = (failed >= LOCK_AFTER).then(|| {
        let doublings = u32::try_from(failed - LOCK_AFTER).unwrap_or(0).min(10);
        at + Duration::seconds((FIRST_LOCK_S << doublings).min(MAX_LOCK_S))
    });
    with_conn!(db, |c| c.record_failed_sign_in(tenant, user, lock).await)?;
    Err(wrong())
}

/// Sets another user's password (and login, when `login` is not empty):
/// an admin for anyone of the tenant; a store manager for themselves and
/// the staff of their store. The user signs in with it from then on; a
/// lock from wrong passwords is cleared.
///
/// Errors: [`Error::Forbidden`] (`set_password`); [`Error::NotFound`]
/// (`user`); [`Error::Validation`] (`login`: `required` when the user has
/// none yet, `invalid_login`, `already_used`; `password`).
pub async fn set_password(
    db: &Db,
    ctx: &Ctx,
    user_id: Uuid,
    login: &str,
    password: Password,
) -> Result<User> {
    let target =
        with_conn!(db, |c| c.get_user(ctx.tenant_id(), user_id).await)?.ok_or_else(|| {
            Error::NotFound {
                entity: "user",
                id: user_id.to_string(),
            }
        })?;
    let me = &ctx.user;
    let allowed = match me.role {
        Role::Admin => true,
        Role::StoreManager => {
            target.id == me.id
                || (target.role == Role::Staff
                    && target.store_id.is_some()
                    && target.store_id == me.store_id)
        }
        // An area manager: themselves, and the staff and store managers of
        // their stores.
        Role::AreaManager => {
            target.id == me.id
                || (matches!(target.role, Role::Staff | Role::StoreManager)
                    && target.store_id.is_some_and(|s| me.stores.contains(&s)))
        }
        Role::Staff => false,
    };
    if !allowed {
        return Err(Error::Forbidden {
            role: me.role,
            action: "set_password",
        });
    }
    let login = match (login.trim(), &target.login) {
        ("", Some(existing)) => existing.clone(),
        (typed, _) => typed.to_string(),
    };
    let (login, secret) = new_credentials(db, &login, password.clone()).await?;
    let user = with_tx!(db, |c| {
        if let Some(other) = c.credentials_by_login(&login).await? {
            if other.user_id != target.id {
                return Err(Error::Validation(vec![crate::model::FieldError::new(
                    "login",
                    "already_used",
                )
                .with("value", login.clone())]));
            }
        }
        store_secret(c, ctx.tenant_id(), target.id, &login, &secret).await?;
        c.get_user(ctx.tenant_id(), target.id)
            .await?
            .ok_or_else(|| Error::NotFound {
                entity: "user",
                id: target.id.to_string(),
            })
    })?;
    // One's own password set here: this desk's pool signs in with it.
    if let (true, Some(was)) = (target.id == me.id, &target.login) {
        db.credentials_changed(was, &login, &password);
    }
    Ok(user)
}

/// Changes the acting user's own password, after checking the current one
/// (a wrong one counts towards the lock).
///
/// Errors: [`Error::SignIn`] for a wrong current password;
/// [`Error::Validation`] (`password`) for the new one.
pub async fn change_own_password(
    db: &Db,
    ctx: &Ctx,
    current: Password,
    new: Password,
) -> Result<()> {
    check_password(&new).map_err(|e| Error::Validation(vec![e]))?;
    verify_user(db, ctx.tenant_id(), ctx.user.id, current).await?;
    let login = ctx.user.login.clone().ok_or_else(wrong)?;
    let secret = secret_for(db, new.clone()).await?;
    with_conn!(db, |c| store_secret(
        c,
        ctx.tenant_id(),
        ctx.user.id,
        &login,
        &secret
    )
    .await)?;
    db.credentials_changed(&login, &login, &new);
    Ok(())
}

/// "Forget this computer": deletes from the OS keychain the chain server's
/// password kept on this computer (by `banco connect`) for the signed-in
/// user's own login on the server of `url` (the URL this desk was started
/// with; its own login, if any, is not the one forgotten). The desk stays
/// signed in; the command line asks for the password again. Store managers
/// and admins only.
///
/// Errors: [`Error::Forbidden`] (`forget_computer`); as
/// [`crate::store::keychain::forget_password`] (`database_url`:
/// `not_a_server_login` on the embedded database).
pub fn forget_this_computer(ctx: &Ctx, url: &str) -> Result<bool> {
    ctx.require_manager("forget_computer")?;
    let mine = match (url::Url::parse(url), &ctx.user.login) {
        (Ok(mut u), Some(login)) if crate::store::is_postgres_url(url) => {
            u.set_username(login)
                .map_err(|()| Error::field("database_url", "not_a_server_login"))?;
            u.to_string()
        }
        _ => url.to_string(),
    };
    crate::store::keychain::forget_password(&mine)
}

/// Sets after how many idle minutes the tenant's desks lock (0 = never,
/// at most [`MAX_IDLE_LOCK_MINUTES`]). Admins only.
///
/// Errors: [`Error::Forbidden`] (`edit_settings`); [`Error::Validation`]
/// (`idle_lock_minutes`: `out_of_range`).
pub async fn set_idle_lock(db: &Db, ctx: &Ctx, minutes: u32) -> Result<Tenant> {
    if ctx.user.role != Role::Admin {
        return Err(Error::Forbidden {
            role: ctx.user.role,
            action: "edit_settings",
        });
    }
    if minutes > MAX_IDLE_LOCK_MINUTES {
        return Err(Error::Validation(vec![crate::model::FieldError::new(
            "idle_lock_minutes",
            "out_of_range",
        )
        .with("min", "0")
        .with("max", MAX_IDLE_LOCK_MINUTES.to_string())]));
    }
    with_conn!(db, |c| c
        .set_idle_lock_minutes(ctx.tenant_id(), minutes)
        .await)?;
    Ok(Ctx::of(db, ctx.tenant_id(), ctx.user.id).await?.tenant)
}
