//! `banco admin …`: setting up and running a chain server as its schema owner — the roles, the schema and its row security, tenants, stores and the users with their logins.
//!
//! Only these functions change a chain server's schema or create tenants;
//! a desk never does ([`crate::store::Db::ready`] only checks the schema
//! there). They run with the owner's credentials: `init` and `migrate`
//! with a login that is a superuser or owns the database with
//! `CREATEROLE`, the others with any member of `banco_owner` (see
//! [`crate::store::chain`]).

use sqlx::ConnectOptions;

use super::context::new_tenant;
use super::{now, Ctx};
use crate::model::{NewUser, Password, Role, Shop, Tenant, User};
use crate::store::{chain, pg_options, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Name of the first store `init` makes.
pub const FIRST_STORE: &str = "Negozio principale";

/// What `init` made.
#[derive(Debug, Clone)]
pub struct Initialised {
    /// The first tenant.
    pub tenant: Tenant,
    /// Its first store.
    pub store: Shop,
    /// Its first admin, with their login.
    pub admin: User,
}

/// Brings the server of `owner_url` to this build's schema as its owner:
/// the roles, the grants, every pending migration and the row security
/// (see [`chain::apply_owner_schema`]). Idempotent.
///
/// Errors: [`Error::UnsupportedDatabaseUrl`] for a non-Postgres URL;
/// [`Error::Database`] (a login without the rights, a server that cannot
/// be reached); [`Error::Migrate`].
pub async fn migrate(owner_url: &str) -> Result<()> {
    if !crate::store::is_postgres_url(owner_url) {
        return Err(Error::UnsupportedDatabaseUrl(crate::store::redact_url(
            owner_url,
        )));
    }
    let mut conn = pg_options(owner_url)?.connect().await?;
    let result = chain::apply_owner_schema(&mut conn).await;
    let _ = sqlx::Connection::close(conn).await;
    result
}

/// Sets up a chain server: [`migrate`], then the first tenant `tenant`
/// (with the default pipelines and lost reasons), its store
/// [`FIRST_STORE`] (code `S01`) and its admin `admin_name`, who signs in
/// as `admin_login` with `password`.
///
/// Errors: as [`migrate`]; [`Error::Validation`] (`tenant`:
/// `already_used` when a tenant of that name exists; `login`, `password`,
/// `display_name` as [`add_user`]).
pub async fn init(
    owner_url: &str,
    tenant: &str,
    admin_login: &str,
    admin_name: &str,
    password: Password,
) -> Result<Initialised> {
    migrate(owner_url).await?;
    let db = Db::connect_owner(owner_url).await?;
    let result = async {
        let tenant = add_tenant(&db, tenant).await?;
        let store = add_store(&db, &tenant.name, FIRST_STORE).await?;
        let admin = add_user(
            &db,
            &tenant.name,
            NewUser {
                display_name: admin_name.into(),
                email: String::new(),
                role: Role::Admin,
                store_id: Some(store.id),
                stores: Vec::new(),
                login: admin_login.into(),
                password,
            },
        )
        .await?;
        Ok(Initialised {
            tenant,
            store,
            admin,
        })
    }
    .await;
    db.close().await;
    result
}

/// Adds a tenant (with the default pipelines and lost reasons) to the
/// server `owner` is open on ([`Db::connect_owner`]). Tenants of one
/// database share nothing; each login belongs to one of them.
///
/// Errors: [`Error::Validation`] (`tenant`: `required`, `too_long`,
/// `already_used`).
pub async fn add_tenant(owner: &Db, name: &str) -> Result<Tenant> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::field("tenant", "required"));
    }
    if name.chars().count() > 120 {
        return Err(Error::Validation(vec![crate::model::FieldError::new(
            "tenant", "too_long",
        )
        .with("max", "120")]));
    }
    let tenant = new_tenant(name);
    with_tx!(owner, |c| {
        if !c.tenants_named(name).await?.is_empty() {
            return Err(Error::Validation(vec![crate::model::FieldError::new(
                "tenant",
                "already_used",
            )
            .with("value", name)]));
        }
        c.insert_tenant(&tenant, now()).await?;
        super::defaults::ensure_defaults(c, tenant.id).await?;
        Ok(tenant.clone())
    })
}

/// The tenant called `name`.
///
/// Errors: [`Error::NotFound`] (`tenant`).
pub async fn tenant_named(owner: &Db, name: &str) -> Result<Tenant> {
    with_conn!(owner, |c| c.tenants_named(name).await)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound {
            entity: "tenant",
            id: name.to_string(),
        })
}

/// Adds a store called `store` to the tenant called `tenant`, with the
/// next free code `S01`, `S02`, ….
///
/// Errors: [`Error::NotFound`] (`tenant`); as
/// [`super::staff::add_store`].
pub async fn add_store(owner: &Db, tenant: &str, store: &str) -> Result<Shop> {
    let ctx = Ctx::owner(tenant_named(owner, tenant).await?);
    let stores = super::staff::list_stores(owner, &ctx).await?;
    let code = (1..)
        .map(|n| format!("S{n:02}"))
        .find(|code| !stores.iter().any(|s| s.code.eq_ignore_ascii_case(code)))
        .unwrap_or_default();
    super::staff::add_store(owner, &ctx, store, &code).await
}

/// The store of `tenant` named or coded `store` (ignoring case).
///
/// Errors: [`Error::NotFound`] (`store`).
pub async fn store_named(owner: &Db, tenant: &Tenant, store: &str) -> Result<Shop> {
    let ctx = Ctx::owner(tenant.clone());
    super::staff::list_stores(owner, &ctx)
        .await?
        .into_iter()
        .find(|s| {
            s.name.eq_ignore_ascii_case(store.trim()) || s.code.eq_ignore_ascii_case(store.trim())
        })
        .ok_or_else(|| Error::NotFound {
            entity: "store",
            id: store.to_string(),
        })
}

/// Adds a user to the tenant called `tenant`, with their login role on
/// the server (a member of the group of `new.role`) and first password.
///
/// Errors: [`Error::NotFound`] (`tenant`); as
/// [`super::staff::add_user`] (`login`: `already_used` also when the
/// server has a role of that name).
pub async fn add_user(owner: &Db, tenant: &str, new: NewUser) -> Result<User> {
    let ctx = Ctx::owner(tenant_named(owner, tenant).await?);
    if new.login.trim().is_empty() {
        return Err(Error::field("login", "required"));
    }
    super::staff::add_user(owner, &ctx, new).await
}

/// Sets the password of the user of `tenant` whose login is `login`,
/// creating their login role on the server when it is missing (a user
/// who signed in with a Banco password before the server checked
/// passwords itself, or whose role was dropped).
///
/// Errors: [`Error::NotFound`] (`tenant`, `user`); [`Error::Validation`]
/// (`password`; `login`: `already_used` when another role has that name).
pub async fn set_password(
    owner: &Db,
    tenant: &str,
    login: &str,
    password: Password,
) -> Result<User> {
    let ctx = Ctx::owner(tenant_named(owner, tenant).await?);
    let login = crate::model::normalize_login(login).map_err(|e| Error::Validation(vec![e]))?;
    let user = super::staff::list_users(owner, &ctx)
        .await?
        .into_iter()
        .find(|u| u.login.as_deref() == Some(login.as_str()))
        .ok_or_else(|| Error::NotFound {
            entity: "user",
            id: login.clone(),
        })?;
    super::sign_in::set_password(owner, &ctx, user.id, &login, password).await
}
