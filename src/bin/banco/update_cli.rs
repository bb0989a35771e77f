//! `banco update-server show|set|clear`: where the tenant's desks look for
//! new versions of Banco (see `services::updates`).

use banco::services::updates;
use banco::services::Ctx;
use banco::store::Db;
use banco::Result;
use clap::Subcommand;

use crate::json;

/// `banco update-server …`.
#[derive(Subcommand)]
pub enum UpdateServerCommand {
    /// The update manifest's URL the desks check, if any.
    Show,
    /// Set it (admins only): an https URL of a `latest.json` (the chain's
    /// server or a static folder), or http on this computer's loopback.
    Set {
        /// The manifest's URL; `{{target}}`, `{{arch}}`,
        /// `{{current_version}}` and `{{bundle_type}}` are filled in by
        /// each desk.
        url: String,
    },
    /// Stop the desks looking for new versions (admins only).
    Clear,
}

/// Runs an update-server command; prints the setting as saved (JSON).
pub async fn run(db: &Db, ctx: &Ctx, command: UpdateServerCommand) -> Result<()> {
    let server = match command {
        UpdateServerCommand::Show => updates::update_server(db, ctx).await?,
        UpdateServerCommand::Set { url } => updates::set_update_server(db, ctx, Some(&url)).await?,
        UpdateServerCommand::Clear => updates::set_update_server(db, ctx, None).await?,
    };
    println!("{}", json(&server)?);
    Ok(())
}
