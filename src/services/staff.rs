//! Staff and stores: who can be at the counter, and where.

use uuid::Uuid;

use super::{now, Ctx};
use crate::model::{FieldError, NewUser, Role, Shop, User};
use crate::store::Db;
use crate::{with_conn, with_tx, Error, Result};

/// Every user of the tenant, by name.
pub async fn list_users(db: &Db, ctx: &Ctx) -> Result<Vec<User>> {
    with_conn!(db, |c| c.list_users(ctx.tenant_id()).await)
}

/// Every store of the tenant, by name.
pub async fn list_stores(db: &Db, ctx: &Ctx) -> Result<Vec<Shop>> {
    with_conn!(db, |c| c.list_stores(ctx.tenant_id()).await)
}

/// Adds a user. Only admins and managers may: a store manager adds staff
/// only, to their own store or to none; an area manager adds staff and
/// store managers to one of their stores or to none; only an admin adds
/// area managers and admins. An area manager gets the stores of
/// `new.stores` (their home store `new.store_id` among them; the first of
/// the set when no home store is given). With a login and a first
/// password (both or neither) the user can sign in at once.
///
/// Errors: [`Error::Validation`] (`display_name`, `email`, `store_id`,
/// `login` (`required` when only a password is given, `invalid_login`,
/// `already_used`), `password` (`required` when only a login is given,
/// `password_too_short`), `role` or `store_id`: `not_allowed`; `stores`:
/// `required` for an area manager without stores, `unknown_value`).
pub async fn add_user(db: &Db, ctx: &Ctx, new: NewUser) -> Result<User> {
    let mut errors = Vec::new();
    let name = User::validate_name(&new.display_name)
        .map_err(|e| errors.push(e))
        .ok();
    let email = match new.email.trim() {
        "" => None,
        e => crate::model::Email::parse(e, "email")
            .map_err(|e| errors.push(e))
            .ok()
            .map(|e| e.as_str().to_string()),
    };
    // A store manager adds staff to their own store (or to none), as a
    // chain server's row security also insists.
    let allowed = match ctx.user.role {
        Role::Admin => true,
        Role::StoreManager => new.role == Role::Staff,
        Role::AreaManager => matches!(new.role, Role::Staff | Role::StoreManager),
        Role::Staff => false,
    };
    if !allowed {
        errors.push(FieldError::new("role", "not_allowed").with("value", new.role.as_str()));
    }
    let mine = ctx.user.working_stores();
    if matches!(ctx.user.role, Role::StoreManager | Role::AreaManager)
        && new.store_id.is_some_and(|s| !mine.contains(&s))
    {
        errors.push(FieldError::new("store_id", "not_allowed").with(
            "value",
            new.store_id.map(|s| s.to_string()).unwrap_or_default(),
        ));
    }
    let login = match (new.login.trim().is_empty(), new.password.is_empty()) {
        (true, true) => None,
        _ => crate::model::normalize_login(&new.login)
            .map_err(|e| errors.push(e))
            .ok(),
    };
    let secret = match &login {
        Some(_) if errors.is_empty() => match crate::model::check_password(&new.password) {
            Ok(()) => Some(super::sign_in::secret_for(db, new.password.clone()).await?),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        _ => None,
    };
    // An area manager's set holds their home store; other roles have none.
    let mut area: Vec<Uuid> = Vec::new();
    if new.role == Role::AreaManager {
        for store in new.store_id.iter().chain(&new.stores) {
            if !area.contains(store) {
                area.push(*store);
            }
        }
        if area.is_empty() {
            errors.push(FieldError::new("stores", "required"));
        }
    }
    let user = User {
        id: Uuid::now_v7(),
        display_name: name.unwrap_or_default(),
        email,
        role: new.role,
        store_id: new.store_id.or_else(|| area.first().copied()),
        stores: area.clone(),
        active: true,
        created_at: now(),
        login: login.clone(),
        has_password: secret.is_some(),
    };
    with_tx!(db, |c| {
        let stores = c.list_stores(ctx.tenant_id()).await?;
        if let Some(store) = user.store_id.filter(|_| area.is_empty()) {
            if !stores.iter().any(|s| s.id == store) {
                errors.push(
                    FieldError::new("store_id", "unknown_value").with("value", store.to_string()),
                );
            }
        }
        for store in area.iter().filter(|a| !stores.iter().any(|s| s.id == **a)) {
            errors
                .push(FieldError::new("stores", "unknown_value").with("value", store.to_string()));
        }
        if let Some(email) = &user.email {
            let users = c.list_users(ctx.tenant_id()).await?;
            if users.iter().any(|u| u.email.as_deref() == Some(email)) {
                errors.push(FieldError::new("email", "already_used").with("value", email.clone()));
            }
        }
        if let Some(login) = &login {
            if c.credentials_by_login(login).await?.is_some() {
                errors.push(FieldError::new("login", "already_used").with("value", login.clone()));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(std::mem::take(&mut errors)));
        }
        c.insert_user(ctx.tenant_id(), &user).await?;
        if !area.is_empty() {
            c.set_user_stores(ctx.tenant_id(), user.id, &area).await?;
        }
        if let (Some(login), Some(secret)) = (&login, &secret) {
            super::sign_in::store_secret(c, ctx.tenant_id(), user.id, login, secret).await?;
        }
        Ok(user.clone())
    })
}

/// Deactivates a user (they can no longer sign in, are signed out of any
/// desk at their next action, and on a chain server their login role may
/// not connect) or reactivates them. Admins for anyone; a store manager
/// for their store's staff; an area manager for their stores' staff and
/// store managers. Nobody deactivates themselves, and a tenant keeps at
/// least one active admin.
///
/// Errors: [`Error::NotFound`] (`user`); [`Error::Forbidden`]
/// (`deactivate_user`); [`Error::Validation`] (`user`: `not_yourself`,
/// `last_admin`).
pub async fn set_active(db: &Db, ctx: &Ctx, user_id: Uuid, active: bool) -> Result<User> {
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| {
        let target = c
            .get_user(tenant, user_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                entity: "user",
                id: user_id.to_string(),
            })?;
        let me = &ctx.user;
        let mine = me.working_stores();
        let in_mine = target.store_id.is_some_and(|s| mine.contains(&s));
        let allowed = match me.role {
            Role::Admin => true,
            Role::StoreManager => target.role == Role::Staff && in_mine,
            Role::AreaManager => matches!(target.role, Role::Staff | Role::StoreManager) && in_mine,
            Role::Staff => false,
        };
        if !allowed {
            return Err(Error::Forbidden {
                role: me.role,
                action: "deactivate_user",
            });
        }
        if target.id == me.id {
            return Err(Error::field("user", "not_yourself"));
        }
        if !active && target.role == Role::Admin {
            let admins = c
                .list_users(tenant)
                .await?
                .into_iter()
                .filter(|u| u.active && u.role == Role::Admin && u.id != target.id)
                .count();
            if admins == 0 {
                return Err(Error::field("user", "last_admin"));
            }
        }
        c.set_user_active(tenant, target.id, active).await?;
        Ok(User { active, ..target })
    })
}

/// Adds a store. `name` 1–120 characters, `code` 1–20 characters, unique.
///
/// Errors: [`Error::Validation`] (`name`, `code`: `required`, `too_long`,
/// `already_used`; `role`: `not_allowed` unless the user is an admin).
pub async fn add_store(db: &Db, ctx: &Ctx, name: &str, code: &str) -> Result<Shop> {
    let mut errors = Vec::new();
    for (field, value, max) in [("name", name.trim(), 120), ("code", code.trim(), 20)] {
        if value.is_empty() {
            errors.push(FieldError::new(field, "required"));
        } else if value.chars().count() > max {
            errors.push(FieldError::new(field, "too_long").with("max", max.to_string()));
        }
    }
    if ctx.user.role != Role::Admin {
        errors.push(FieldError::new("role", "not_allowed").with("value", ctx.user.role.as_str()));
    }
    let shop = Shop {
        id: Uuid::now_v7(),
        name: name.trim().into(),
        code: code.trim().to_uppercase(),
    };
    with_tx!(db, |c| {
        if c.list_stores(ctx.tenant_id())
            .await?
            .iter()
            .any(|s| s.code == shop.code)
        {
            errors.push(FieldError::new("code", "already_used").with("value", shop.code.clone()));
        }
        if !errors.is_empty() {
            return Err(Error::Validation(std::mem::take(&mut errors)));
        }
        c.insert_store(ctx.tenant_id(), &shop, now()).await?;
        Ok(shop.clone())
    })
}
