//! `banco backup create|list|restore|keep`: backups of this shop's embedded
//! database in `<data folder>/backups/` (see `services::backup`).

use std::path::Path;

use banco::services::backup::{self, BACKUP_DIR};
use banco::services::Ctx;
use banco::store::Db;
use banco::{Error, Result};
use clap::Subcommand;

use crate::json;

/// `banco backup …`.
#[derive(Subcommand)]
pub enum BackupCommand {
    /// Back up the shop's database now (store managers and admins), then
    /// remove backups older than the days kept.
    Create {
        /// Days backups are kept (the newest good one always is); the
        /// shop's setting (`banco backup keep`) when not given.
        #[arg(long)]
        keep_days: Option<u32>,
    },
    /// How many days the shop keeps its backups; with DAYS, set it
    /// (store managers and admins; 1 to 3650).
    Keep {
        /// The days to keep them.
        days: Option<u32>,
    },
    /// The backups, newest first, each checked now.
    List,
    /// Put a backup in place of the database (store managers and admins;
    /// close Banco on this computer first). The replaced database is kept
    /// beside it.
    Restore {
        /// The backup's file name, as `banco backup list` shows it.
        file: String,
        /// Yes, replace the database.
        #[arg(long)]
        yes: bool,
    },
}

/// Runs a backup command. A restore closes `db` first (the file is
/// replaced underneath it).
pub async fn run(db: Db, ctx: &Ctx, data_dir: &Path, command: BackupCommand) -> Result<()> {
    let dir = data_dir.join(BACKUP_DIR);
    match command {
        BackupCommand::Create { keep_days } => {
            let taken = backup::create(&db, ctx, &dir).await;
            let kept = match keep_days {
                Some(days) => Ok(days),
                None => backup::keep_days(&db, ctx).await,
            };
            db.close().await;
            let (taken, keep_days) = (taken?, kept?);
            backup::prune(&dir, keep_days, chrono::Utc::now()).await?;
            println!("{}", json(&taken)?);
        }
        BackupCommand::Keep { days } => {
            let days = match days {
                Some(d) => backup::set_keep_days(&db, ctx, d).await,
                None => backup::keep_days(&db, ctx).await,
            };
            db.close().await;
            println!("{}", json(&serde_json::json!({ "keep_days": days? }))?);
        }
        BackupCommand::List => {
            db.close().await;
            println!("{}", json(&backup::list_as(ctx, &dir).await?)?);
        }
        BackupCommand::Restore { file, yes } => {
            ctx.require_manager("restore_backup")?;
            db.close().await;
            if !yes {
                return Err(Error::field("yes", "required"));
            }
            println!("{}", json(&backup::restore(data_dir, &file).await?)?);
        }
    }
    Ok(())
}
