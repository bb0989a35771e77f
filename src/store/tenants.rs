//! Tenants, their stores (shops) and users; `ANALYZE` after bulk writes.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, query_scalar, Conn};
use crate::model::{Role, Shop, Tenant, User};
use crate::Result;

impl Conn<'_> {
    /// The oldest tenant, if any (a single-shop install has exactly one).
    pub async fn first_tenant(&mut self) -> Result<Option<Tenant>> {
        query_as::<Tenant>(
            "SELECT id, name, default_region, consent_text_version, currency, idle_lock_minutes FROM tenants ORDER BY created_at, id LIMIT 1",
        )
        .fetch_optional(&mut *self)
        .await
    }

    /// The tenants called `name` (compared trimmed, ignoring case).
    pub async fn tenants_named(&mut self, name: &str) -> Result<Vec<Tenant>> {
        query_as::<Tenant>(
            "SELECT id, name, default_region, consent_text_version, currency, idle_lock_minutes FROM tenants \
             WHERE LOWER(TRIM(name)) = LOWER(TRIM($1)) ORDER BY created_at, id",
        )
        .bind(name)
        .fetch_all(&mut *self)
        .await
    }

    /// A tenant by id.
    pub async fn get_tenant(&mut self, id: Uuid) -> Result<Option<Tenant>> {
        query_as::<Tenant>(
            "SELECT id, name, default_region, consent_text_version, currency, idle_lock_minutes FROM tenants WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// Creates a tenant.
    pub async fn insert_tenant(&mut self, t: &Tenant, at: DateTime<Utc>) -> Result<()> {
        query(
            "INSERT INTO tenants (id, name, default_region, consent_text_version, currency, created_at, idle_lock_minutes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(t.id)
        .bind(&t.name)
        .bind(&t.default_region)
        .bind(&t.consent_text_version)
        .bind(&t.currency)
        .bind(at)
        .bind(i32::try_from(t.idle_lock_minutes).unwrap_or(i32::MAX))
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Creates a store (shop).
    pub async fn insert_store(&mut self, tenant: Uuid, s: &Shop, at: DateTime<Utc>) -> Result<()> {
        query("INSERT INTO stores (tenant_id, id, name, code, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(tenant)
            .bind(s.id)
            .bind(&s.name)
            .bind(&s.code)
            .bind(at)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// The tenant's stores, by name.
    pub async fn list_stores(&mut self, tenant: Uuid) -> Result<Vec<Shop>> {
        query_as::<Shop>("SELECT id, name, code FROM stores WHERE tenant_id = $1 ORDER BY name, id")
            .bind(tenant)
            .fetch_all(&mut *self)
            .await
    }

    /// Creates a user.
    pub async fn insert_user(&mut self, tenant: Uuid, u: &User) -> Result<()> {
        query(
            "INSERT INTO users (tenant_id, id, display_name, email, role, store_id, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(tenant)
        .bind(u.id)
        .bind(&u.display_name)
        .bind(&u.email)
        .bind(u.role.as_str())
        .bind(u.store_id)
        .bind(u.active)
        .bind(u.created_at)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// The tenant's users, by name (area managers with their stores).
    pub async fn list_users(&mut self, tenant: Uuid) -> Result<Vec<User>> {
        let mut users = query_as::<User>(
            "SELECT id, display_name, email, role, store_id, active, created_at, login, \
             password_hash IS NOT NULL AS has_password FROM users \
             WHERE tenant_id = $1 ORDER BY display_name, id",
        )
        .bind(tenant)
        .fetch_all(&mut *self)
        .await?;
        if users.iter().any(|u| u.role == Role::AreaManager) {
            let pairs: Vec<(Uuid, Uuid)> = query_as(
                "SELECT user_id, store_id FROM user_stores WHERE tenant_id = $1 \
                 ORDER BY user_id, store_id",
            )
            .bind(tenant)
            .fetch_all(&mut *self)
            .await?;
            for user in users.iter_mut().filter(|u| u.role == Role::AreaManager) {
                user.stores = pairs
                    .iter()
                    .filter(|(u, _)| *u == user.id)
                    .map(|(_, s)| *s)
                    .collect();
            }
        }
        Ok(users)
    }

    /// A user by id (an area manager with their stores).
    pub async fn get_user(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<User>> {
        let user = query_as::<User>(
            "SELECT id, display_name, email, role, store_id, active, created_at, login, \
             password_hash IS NOT NULL AS has_password FROM users \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await?;
        match user {
            Some(mut user) if user.role == Role::AreaManager => {
                user.stores = self.user_stores(tenant, id).await?;
                Ok(Some(user))
            }
            other => Ok(other),
        }
    }

    /// Marks a user active or not; whether a row changed (on a chain
    /// server the row security may hide it). On a chain server their login
    /// role follows: `NOLOGIN` while inactive (`banco_sync_login`).
    pub async fn set_user_active(&mut self, tenant: Uuid, id: Uuid, active: bool) -> Result<bool> {
        let done = query("UPDATE users SET active = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .bind(active)
            .execute(&mut *self)
            .await?;
        if done.rows_affected() == 1 && self.backend() == super::Backend::Postgres {
            query("SELECT public.banco_sync_login($1)")
                .bind(id)
                .execute(&mut *self)
                .await?;
        }
        Ok(done.rows_affected() == 1)
    }

    /// The stores of an area manager, by id.
    pub async fn user_stores(&mut self, tenant: Uuid, user: Uuid) -> Result<Vec<Uuid>> {
        query_scalar(
            "SELECT store_id FROM user_stores WHERE tenant_id = $1 AND user_id = $2 \
             ORDER BY store_id",
        )
        .bind(tenant)
        .bind(user)
        .fetch_all(&mut *self)
        .await
    }

    /// Sets the stores of an area manager (replacing the old set).
    pub async fn set_user_stores(
        &mut self,
        tenant: Uuid,
        user: Uuid,
        stores: &[Uuid],
    ) -> Result<()> {
        query("DELETE FROM user_stores WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant)
            .bind(user)
            .execute(&mut *self)
            .await?;
        for store in stores {
            query("INSERT INTO user_stores (tenant_id, user_id, store_id) VALUES ($1, $2, $3)")
                .bind(tenant)
                .bind(user)
                .bind(store)
                .execute(&mut *self)
                .await?;
        }
        Ok(())
    }

    /// Serialises first-start set-ups for the rest of the transaction: two
    /// desks starting on one empty database create one tenant, not two.
    /// Postgres takes a transaction-scoped advisory lock; on SQLite the
    /// write transaction (`BEGIN IMMEDIATE`) already is the lock.
    pub async fn lock_bootstrap(&mut self) -> Result<()> {
        if self.backend() == super::Backend::Postgres {
            query("SELECT pg_advisory_xact_lock(hashtext('banco.bootstrap'))")
                .execute(&mut *self)
                .await?;
        }
        Ok(())
    }

    /// Where the tenant's desks look for new versions (the update
    /// manifest's URL), if anywhere.
    pub async fn update_endpoint(&mut self, tenant: Uuid) -> Result<Option<String>> {
        Ok(
            query_scalar::<Option<String>>("SELECT update_endpoint FROM tenants WHERE id = $1")
                .bind(tenant)
                .fetch_optional(&mut *self)
                .await?
                .flatten(),
        )
    }

    /// Sets (or with `None` clears) the tenant's update endpoint.
    pub async fn set_update_endpoint(
        &mut self,
        tenant: Uuid,
        endpoint: Option<&str>,
    ) -> Result<()> {
        query("UPDATE tenants SET update_endpoint = $2 WHERE id = $1")
            .bind(tenant)
            .bind(endpoint)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// How many days the tenant's shop keeps its backups.
    pub async fn backup_keep_days(&mut self, tenant: Uuid) -> Result<u32> {
        let days = query_scalar::<i32>("SELECT backup_keep_days FROM tenants WHERE id = $1")
            .bind(tenant)
            .fetch_optional(&mut *self)
            .await?;
        Ok(days.map_or(14, |d| u32::try_from(d).unwrap_or(14)))
    }

    /// The days the shop's file keeps its backups, read at start before
    /// anyone signs in (the longest of its tenants', 14 when it has none).
    pub async fn shop_backup_keep_days(&mut self) -> Result<u32> {
        let days = query_scalar::<Option<i32>>("SELECT MAX(backup_keep_days) FROM tenants")
            .fetch_one(&mut *self)
            .await?;
        Ok(days.map_or(14, |d| u32::try_from(d).unwrap_or(14)))
    }

    /// Sets how many days the tenant's shop keeps its backups.
    pub async fn set_backup_keep_days(&mut self, tenant: Uuid, days: u32) -> Result<()> {
        query("UPDATE tenants SET backup_keep_days = $2 WHERE id = $1")
            .bind(tenant)
            .bind(i32::try_from(days).unwrap_or(i32::MAX))
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// Refreshes the query planner's statistics after a bulk write (seed,
    /// large import), so that searches keep using the right indexes
    /// (`ANALYZE` on both backends).
    pub async fn analyze(&mut self) -> Result<()> {
        query("ANALYZE").execute(&mut *self).await?;
        Ok(())
    }

    /// For the rest of this transaction, Postgres plans each statement for
    /// its values and the tables as they are now (`plan_cache_mode =
    /// force_custom_plan`): a bulk write whose tables grow from empty (an
    /// import) would otherwise keep a prepared statement's generic plan made
    /// when they were tiny — a sequential scan for every duplicate lookup,
    /// so time growing with rows². Nothing on SQLite.
    pub async fn plan_for_growing_tables(&mut self) -> Result<()> {
        if self.backend() == super::Backend::Postgres {
            query("SET LOCAL plan_cache_mode = force_custom_plan")
                .execute(&mut *self)
                .await?;
        }
        Ok(())
    }
}
