//! Who is acting, in which tenant: the context of every use case.

use uuid::Uuid;

use super::now;
use crate::model::{RecordScope, Role, Shop, Tenant, User, DEFAULT_REGION};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Version of the consent text a new tenant starts with.
pub const INITIAL_CONSENT_TEXT_VERSION: &str = "2026-01";
/// Minutes a desk may stay idle before it locks, for a new tenant.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;
/// Currency (ISO 4217) a new tenant starts with.
pub const DEFAULT_CURRENCY: &str = "EUR";

/// The acting user in their tenant. Every service takes one; every query is
/// scoped to `tenant.id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ctx {
    /// The tenant.
    pub tenant: Tenant,
    /// The staff member at the counter.
    pub user: User,
    /// The language of the desk's window (`it`, `en`): the language of
    /// what the core writes for people to read, such as the headers of a
    /// spreadsheet export. `it` unless the desk says otherwise
    /// ([`Ctx::speaking`]).
    pub language: String,
}

impl Ctx {
    /// The tenant id.
    pub fn tenant_id(&self) -> Uuid {
        self.tenant.id
    }

    /// This context speaking `language`: `en`, or `it` for anything else
    /// (Italian first).
    pub fn speaking(mut self, language: &str) -> Ctx {
        self.language = if language == "en" { "en" } else { "it" }.into();
        self
    }

    /// Region for reading national phone numbers.
    pub fn region(&self) -> &str {
        &self.tenant.default_region
    }

    /// Loads the context of `user_id`, or of the tenant's first active admin
    /// (then first active user) when `None`. Creates the tenant, a store and
    /// an admin on an empty database (see [`bootstrap`]).
    ///
    /// It trusts its caller: tests, benchmarks, and the command line on an
    /// unclaimed database. The window and the command line otherwise get
    /// their context from [`super::sign_in`].
    ///
    /// Errors: [`Error::NotFound`] for an unknown or inactive user.
    pub async fn load(db: &Db, user_id: Option<Uuid>) -> Result<Ctx> {
        let tenant = bootstrap(db).await?;
        let users = with_conn!(db, |c| c.list_users(tenant.id).await)?;
        let user = match user_id {
            Some(id) => users.into_iter().find(|u| u.id == id && u.active),
            None => {
                let admin = users
                    .iter()
                    .find(|u| u.active && u.role == Role::Admin)
                    .cloned();
                admin.or_else(|| users.into_iter().find(|u| u.active))
            }
        };
        let user = user.ok_or_else(|| Error::NotFound {
            entity: "user",
            id: user_id
                .map(|u| u.to_string())
                .unwrap_or_else(|| "(any active)".into()),
        })?;
        Ok(Ctx {
            tenant,
            user,
            language: "it".into(),
        })
    }

    /// The context of a user the caller has already authenticated (see
    /// [`super::sign_in`]), read fresh from the database.
    ///
    /// Errors: [`Error::NotFound`] for an unknown tenant, or an unknown or
    /// inactive user.
    pub async fn of(db: &Db, tenant_id: Uuid, user_id: Uuid) -> Result<Ctx> {
        let (tenant, user) = with_conn!(db, |c| {
            let tenant = c.get_tenant(tenant_id).await?;
            let user = c.get_user(tenant_id, user_id).await?;
            Ok::<_, Error>((tenant, user))
        })?;
        let tenant = tenant.ok_or_else(|| Error::NotFound {
            entity: "tenant",
            id: tenant_id.to_string(),
        })?;
        let user = user.filter(|u| u.active).ok_or_else(|| Error::NotFound {
            entity: "user",
            id: user_id.to_string(),
        })?;
        Ok(Ctx {
            tenant,
            user,
            language: "it".into(),
        })
    }
}

/// Makes sure the database has a tenant, returning the first one. On an
/// empty database it creates, in one transaction, a tenant "Banco" (region
/// `IT`, currency `EUR`), a store "Negozio principale" (code `S01`), an
/// admin user "Amministratore" in it, and the default pipelines and lost
/// reasons ([`super::defaults::ensure_defaults`]) — all editable later.
/// On an existing database it adds what later versions need: the default
/// pipelines, and the search index when it is empty but records exist.
pub async fn bootstrap(db: &Db) -> Result<Tenant> {
    if let Some(t) = with_conn!(db, |c| c.first_tenant().await)? {
        if with_conn!(db, |c| c.list_pipelines(t.id).await)?.is_empty() {
            with_tx!(db, |c| super::defaults::ensure_defaults(c, t.id).await)?;
        }
        // A database from before the search index: build it once.
        super::search_index::reindex_if_missing(db, t.id).await?;
        return Ok(t);
    }
    if db.backend() == crate::store::Backend::Postgres {
        // A chain server's tenants are made by `banco admin`, never by a
        // desk; a login that sees none is no Banco user of this database.
        return Err(Error::NotFound {
            entity: "tenant",
            id: "(of this login: ask your administrator for a Banco login)".into(),
        });
    }
    let at = now();
    let tenant = new_tenant("Banco");
    let store = Shop {
        id: Uuid::now_v7(),
        name: "Negozio principale".into(),
        code: "S01".into(),
    };
    let admin = User {
        id: Uuid::now_v7(),
        display_name: "Amministratore".into(),
        email: None,
        role: Role::Admin,
        store_id: Some(store.id),
        active: true,
        created_at: at,
        login: None,
        has_password: false,
        stores: Vec::new(),
    };
    with_tx!(db, |c| {
        // Another process may have bootstrapped between our read and this
        // transaction; the lock makes this check final.
        c.lock_bootstrap().await?;
        match c.first_tenant().await? {
            Some(existing) => Ok(existing),
            None => {
                c.insert_tenant(&tenant, at).await?;
                c.insert_store(tenant.id, &store, at).await?;
                c.insert_user(tenant.id, &admin).await?;
                super::defaults::ensure_defaults(c, tenant.id).await?;
                Ok(tenant.clone())
            }
        }
    })
}

/// A new tenant called `name` with the defaults: region `IT`, currency
/// `EUR`, the first consent text version, a 10-minute idle lock.
pub fn new_tenant(name: &str) -> Tenant {
    Tenant {
        id: Uuid::now_v7(),
        name: name.trim().into(),
        default_region: DEFAULT_REGION.into(),
        consent_text_version: INITIAL_CONSENT_TEXT_VERSION.into(),
        currency: DEFAULT_CURRENCY.into(),
        idle_lock_minutes: DEFAULT_IDLE_LOCK_MINUTES,
    }
}

impl Ctx {
    /// The schema owner acting for `tenant` (`banco admin …` on a chain
    /// server): an admin that is no user of the tenant (nil id, no store).
    /// Only [`super::admin`] makes one, over a [`Db::connect_owner`] pool.
    pub fn owner(tenant: Tenant) -> Ctx {
        Ctx {
            tenant,
            user: User {
                id: Uuid::nil(),
                display_name: "banco admin".into(),
                email: None,
                role: Role::Admin,
                store_id: None,
                active: true,
                created_at: now(),
                login: None,
                has_password: false,
                stores: Vec::new(),
            },
            language: "it".into(),
        }
    }

    /// Checks that the acting user is a store manager or an admin (who may
    /// configure pipelines, campaigns, rules and lost reasons).
    ///
    /// Errors: [`Error::Forbidden`] naming `action`.
    pub fn require_manager(&self, action: &'static str) -> Result<()> {
        match self.user.role {
            role if role.is_manager() => Ok(()),
            role => Err(Error::Forbidden { role, action }),
        }
    }

    /// Checks that the acting user is an admin of the tenant (who configures
    /// what the whole chain shares, e.g. the meeting server).
    ///
    /// Errors: [`Error::Forbidden`] naming `action`.
    pub fn require_admin(&self, action: &'static str) -> Result<()> {
        match self.user.role {
            crate::model::Role::Admin => Ok(()),
            role => Err(Error::Forbidden { role, action }),
        }
    }

    /// The leads and deals the acting user may see ([`RecordScope`]).
    pub fn record_scope(&self) -> RecordScope {
        RecordScope::of(&self.user)
    }

    /// Checks that the acting user may change a record (a deal, a lead)
    /// with this owner and store: one they may see ([`Ctx::record_scope`])
    /// and, for staff, one they own, one nobody owns, or one of their own
    /// store; managers and admins any record they see. The owner and store
    /// come from the record as read from the database, never from the page.
    ///
    /// Errors: [`Error::Forbidden`] naming `action`.
    pub fn require_record_access(
        &self,
        owner_id: Option<Uuid>,
        store_id: Option<Uuid>,
        action: &'static str,
    ) -> Result<()> {
        let user = &self.user;
        let allowed = self.record_scope().sees(owner_id, store_id)
            && match user.role {
                role if role.is_manager() => true,
                _ => {
                    owner_id.is_none_or(|owner| owner == user.id)
                        || (store_id.is_some() && store_id == user.store_id)
                }
            };
        if allowed {
            Ok(())
        } else {
            Err(Error::Forbidden {
                role: user.role,
                action,
            })
        }
    }

    /// [`Ctx::require_record_access`] for changing `deal` (its fields,
    /// stage, outcome or customer). Errors: [`Error::Forbidden`]
    /// (`edit_deal`).
    pub fn require_deal_access(&self, deal: &crate::model::Deal) -> Result<()> {
        self.require_record_access(deal.owner_id, deal.store_id, "edit_deal")
    }
}

/// Whether the acting user may see the record `entity_id` and what hangs
/// on it (notes, documents, calls, meetings, its timeline): a lead or a
/// deal must be in [`Ctx::record_scope`]; people, companies and unknown
/// ids pass (a missing record is the caller's `NotFound`). On a chain
/// server the row policies already hide the rest, so this reads nothing
/// there. `Some(entity)` (`"lead"`, `"deal"`) names a record out of scope.
pub async fn hidden_record(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    entity_id: Uuid,
) -> Result<Option<&'static str>> {
    let scope = ctx.record_scope();
    if scope == RecordScope::Tenant || c.backend() == crate::store::Backend::Postgres {
        return Ok(None);
    }
    let tenant = ctx.tenant_id();
    let (entity, seen) = if let Some(lead) = c.get_lead(tenant, entity_id).await? {
        ("lead", scope.sees(lead.owner_id, lead.store_id))
    } else if let Some(deal) = c.get_deal(tenant, entity_id).await? {
        ("deal", scope.sees(deal.owner_id, deal.store_id))
    } else {
        return Ok(None);
    };
    Ok((!seen).then_some(entity))
}

/// [`hidden_record`] as a check.
///
/// Errors: [`Error::NotFound`] (`lead` or `deal`) for a record out of
/// scope — the same answer as for one that does not exist, so an id
/// reveals nothing.
pub async fn require_visible(c: &mut Conn<'_>, ctx: &Ctx, entity_id: Uuid) -> Result<()> {
    match hidden_record(c, ctx, entity_id).await? {
        None => Ok(()),
        Some(entity) => Err(Error::NotFound {
            entity,
            id: entity_id.to_string(),
        }),
    }
}
