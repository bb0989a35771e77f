//! Where a tenant's desks look for new versions of Banco (issue 14). The
//! desks' updater (the shell, `tauri-plugin-updater`) asks
//! [`update_server`] at each check; only an admin changes it
//! ([`set_update_server`]). What a new version may contain is not decided
//! here: the updater installs only an artifact signed by the key whose
//! public half is built into the app (`plugins.updater.pubkey` in
//! `src-tauri/tauri.conf.json`), whichever server offers it.

use super::Ctx;
use crate::model::check_endpoint;
pub use crate::model::UpdateServer;
use crate::store::Db;
use crate::{with_conn, Error, Result};

/// The tenant's update endpoint, for any signed-in user (every desk checks).
///
/// Errors: the database's.
pub async fn update_server(db: &Db, ctx: &Ctx) -> Result<UpdateServer> {
    let endpoint = with_conn!(db, |c| c.update_endpoint(ctx.tenant_id()).await)?;
    Ok(UpdateServer { endpoint })
}

/// Sets the tenant's update endpoint (`None` or blank: desks stop looking),
/// checked by [`check_endpoint`]; admins only (`edit_update_server`).
/// Returns it as saved.
///
/// Errors: [`Error::Forbidden`] for anyone but an admin;
/// [`Error::Validation`] on `update_endpoint` (`invalid_url`,
/// `insecure_url`, `too_long`), nothing saved.
pub async fn set_update_server(db: &Db, ctx: &Ctx, endpoint: Option<&str>) -> Result<UpdateServer> {
    ctx.require_admin("edit_update_server")?;
    let endpoint = match endpoint.map(str::trim).filter(|e| !e.is_empty()) {
        Some(text) => Some(check_endpoint(text).map_err(|e| Error::Validation(vec![e]))?),
        None => None,
    };
    with_conn!(db, |c| c
        .set_update_endpoint(ctx.tenant_id(), endpoint.as_deref())
        .await)?;
    tracing::info!(tenant = %ctx.tenant_id(), endpoint = ?endpoint, "update server changed");
    Ok(UpdateServer { endpoint })
}
