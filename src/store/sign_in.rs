//! Sign-in credentials: logins, password hashes and the failed-attempt
//! lock. The hash is read only by [`Conn::credentials_by_login`] and
//! [`Conn::credentials_of`], for the sign-in service to check.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, query_scalar, Conn};
use crate::Result;

/// What checking a password needs about a user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    /// The user's tenant.
    pub tenant_id: Uuid,
    /// The user.
    pub user_id: Uuid,
    /// Whether the user may still sign in.
    pub active: bool,
    /// Argon2id PHC string, when a password is set.
    pub password_hash: Option<String>,
    /// Wrong passwords since the last successful sign-in.
    pub failed_sign_ins: i32,
    /// Until when (UTC) the login refuses every attempt.
    pub locked_until: Option<DateTime<Utc>>,
}

const CREDENTIALS: &str =
    "SELECT tenant_id, id AS user_id, active, password_hash, failed_sign_ins, locked_until FROM users";

impl Conn<'_> {
    /// The credentials behind a login (already normalised), in any tenant.
    pub async fn credentials_by_login(&mut self, login: &str) -> Result<Option<Credentials>> {
        query_as::<Credentials>(format!("{CREDENTIALS} WHERE login = $1"))
            .bind(login)
            .fetch_optional(&mut *self)
            .await
    }

    /// The credentials of a user of the tenant.
    pub async fn credentials_of(
        &mut self,
        tenant: Uuid,
        user: Uuid,
    ) -> Result<Option<Credentials>> {
        query_as::<Credentials>(format!("{CREDENTIALS} WHERE tenant_id = $1 AND id = $2"))
            .bind(tenant)
            .bind(user)
            .fetch_optional(&mut *self)
            .await
    }

    /// Whether any user of any tenant has a password (a database where
    /// none has is "unclaimed").
    pub async fn any_password(&mut self) -> Result<bool> {
        let n: i64 = query_scalar("SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL")
            .fetch_one(&mut *self)
            .await?;
        Ok(n > 0)
    }

    /// Sets a user's login (when `Some`) and password hash, and clears the
    /// failed-attempt lock. Errors: `Duplicate` when the login is taken.
    pub async fn set_credentials(
        &mut self,
        tenant: Uuid,
        user: Uuid,
        login: Option<&str>,
        password_hash: &str,
    ) -> Result<bool> {
        let done = query(
            "UPDATE users SET login = COALESCE($3, login), password_hash = $4, \
             failed_sign_ins = 0, locked_until = NULL WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(user)
        .bind(login)
        .bind(password_hash)
        .execute(&mut *self)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a user of a chain server `login` and the SCRAM `verifier` of
    /// their password (see [`super::chain::scram_verifier`]), creating or
    /// renaming their Postgres login role. The server's `banco_set_login`
    /// checks that the connected login may (the owner; an admin of the
    /// user's tenant; a store manager for their own store's staff; anyone
    /// for their own password).
    ///
    /// Errors: `Duplicate` when another server role has that name;
    /// `ServerRefused` when the connected login may not.
    pub async fn set_server_login(
        &mut self,
        user: Uuid,
        login: &str,
        verifier: &str,
    ) -> Result<()> {
        query("SELECT public.banco_set_login($1, $2, $3)")
            .bind(user)
            .bind(login)
            .bind(verifier)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// The tenant and user of the connected chain-server login, when it is
    /// an active Banco user of this database (`banco_tenant()`,
    /// `banco_user()`: looked up from `session_user`).
    pub async fn server_identity(&mut self) -> Result<Option<(Uuid, Uuid)>> {
        let tenant: Option<Uuid> = query_scalar("SELECT public.banco_tenant()")
            .fetch_one(&mut *self)
            .await?;
        let user: Option<Uuid> = query_scalar("SELECT public.banco_user()")
            .fetch_one(&mut *self)
            .await?;
        Ok(tenant.zip(user))
    }

    /// Records a wrong password: the count goes up and, when `lock_until`
    /// is given, the login refuses attempts until then.
    pub async fn record_failed_sign_in(
        &mut self,
        tenant: Uuid,
        user: Uuid,
        lock_until: Option<DateTime<Utc>>,
    ) -> Result<()> {
        query(
            "UPDATE users SET failed_sign_ins = failed_sign_ins + 1, locked_until = $3 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(user)
        .bind(lock_until)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Clears the failed-attempt count after a successful sign-in.
    pub async fn reset_failed_sign_ins(&mut self, tenant: Uuid, user: Uuid) -> Result<()> {
        query(
            "UPDATE users SET failed_sign_ins = 0, locked_until = NULL \
             WHERE tenant_id = $1 AND id = $2 AND (failed_sign_ins <> 0 OR locked_until IS NOT NULL)",
        )
        .bind(tenant)
        .bind(user)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Sets how long a desk of the tenant may stay idle before it locks.
    pub async fn set_idle_lock_minutes(&mut self, tenant: Uuid, minutes: u32) -> Result<()> {
        query("UPDATE tenants SET idle_lock_minutes = $2 WHERE id = $1")
            .bind(tenant)
            .bind(i32::try_from(minutes).unwrap_or(i32::MAX))
            .execute(&mut *self)
            .await?;
        Ok(())
    }
}
