//! `banco outbox list|send|remove`, and `banco lead add` when the database cannot take the capture now (a chain server that cannot be reached, a shop's file an import keeps locked): the capture is queued in the desk's outbox.
//!
//! The outbox is `outbox.db` in the data folder (`--data-dir`,
//! `$BANCO_DATA_DIR` or the OS app-data folder), the same file the window
//! uses on this computer. A desk that cannot reach its server works as the
//! login given with `--sign-in`, checked against what this computer kept
//! of that user's last online sign-in (see `banco::services::outbox`).

use std::path::Path;

use banco::model::{CaptureLead, OutboxEntry, Password, QueuedBecause, SavedCapture};
use banco::services::{outbox, Ctx};
use banco::store::outbox::Outbox;
use banco::store::Db;
use banco::{Error, Result};
use clap::Subcommand;
use uuid::Uuid;

use crate::{json, output};

/// `banco outbox …`.
#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Captures waiting for the chain server, and those it refused (with the reason).
    List(output::ListArgs),
    /// Send the signed-in user's waiting captures now, oldest first.
    Send,
    /// Remove a refused capture after reading its reason.
    Remove {
        /// The capture's lead id.
        lead_id: Uuid,
    },
}

/// Columns of `banco outbox list --format table`.
const COLUMNS: &[&str] = &[
    "seq",
    "lead_id",
    "taken_at",
    "user_name",
    "state",
    "attempts",
];

/// What a table or CSV shows of an entry; JSON has the whole entry.
fn summary(entries: &[OutboxEntry]) -> Vec<serde_json::Value> {
    entries
        .iter()
        .map(|e| {
            serde_json::json!({
                "seq": e.seq,
                "lead_id": e.lead_id,
                "taken_at": e.taken_at,
                "user_name": e.user_name,
                "name": format!("{} {}", e.capture.first_name, e.capture.last_name),
                "state": e.state,
                "attempts": e.attempts,
                "reason": e.reason.as_ref().map(|r| r.message.clone()),
            })
        })
        .collect()
}

fn print_entries(args: &output::ListArgs, entries: Vec<OutboxEntry>) -> Result<()> {
    let (page, total) = args.page_of(entries);
    if args.format == output::OutFormat::Json {
        return output::print_list(args, &page, total, &[]);
    }
    output::print_list(args, &summary(&page), total, COLUMNS)
}

/// Opens this computer's outbox.
pub async fn open(data_dir: &Path) -> Result<Outbox> {
    Outbox::open(data_dir).await
}

/// Remembers the signed-in user for working offline (chain servers only).
pub async fn remember(db: &Db, ctx: &Ctx, data_dir: &Path, login: &str, password: &Password) {
    let kept = async {
        let outbox = open(data_dir).await?;
        let done = outbox::remember(db, ctx, &outbox, login, password).await;
        outbox.close().await;
        done
    }
    .await;
    if let Err(e) = kept {
        // Working online does not depend on it; offline sign-in will say.
        tracing::warn!("could not keep the sign-in for offline work: {e}");
    }
}

/// `banco lead add` with the database open: delivered, or queued when the
/// server drops or an import keeps the shop's file locked.
pub async fn lead_add(db: &Db, ctx: &Ctx, data_dir: &Path, input: CaptureLead) -> Result<()> {
    let Some(key) = db.outbox_key().map(str::to_string) else {
        let out = banco::services::capture::capture_lead(db, ctx, input).await?;
        println!("{}", json(&out)?);
        return Ok(());
    };
    let outbox = open(data_dir).await?;
    let saved = async {
        if outbox.waiting_of(&key, ctx.user.id).await? > 0 {
            // This user's older captures go first, so the leads keep their order.
            let report = outbox::send(db, ctx, &outbox).await?;
            eprintln!("outbox: {}", json_line(&report)?);
        }
        outbox::save(db, ctx, &outbox, input).await
    }
    .await;
    outbox.close().await;
    print_saved(&saved?)
}

fn json_line<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Io {
        path: "standard output".into(),
        source: std::io::Error::other(e),
    })
}

fn print_saved(saved: &SavedCapture) -> Result<()> {
    match saved {
        SavedCapture::Delivered(out) => println!("{}", json(out)?),
        SavedCapture::Queued {
            lead_id,
            waiting,
            because,
        } => {
            let why = match because {
                QueuedBecause::Unreachable => "the chain server cannot be reached",
                QueuedBecause::Busy => "the database is busy with an import",
                QueuedBecause::Behind => "older captures of yours still wait",
            };
            eprintln!(
                "{why}: lead {lead_id} is kept in this computer's outbox ({waiting} waiting) \
                 and sent by `banco outbox send` or the app"
            );
            println!("{}", json(saved)?);
        }
    }
    Ok(())
}

/// `banco outbox …` with the server at hand.
pub async fn run(db: &Db, ctx: &Ctx, data_dir: &Path, command: OutboxCommand) -> Result<()> {
    let outbox = open(data_dir).await?;
    let server = db.outbox_key().unwrap_or_default().to_string();
    let result = async {
        match command {
            OutboxCommand::List(args) => {
                print_entries(&args, outbox::list(ctx, &outbox, &server).await?)
            }
            OutboxCommand::Send => {
                let report = outbox::send(db, ctx, &outbox).await?;
                println!("{}", json(&report)?);
                if report.waiting > 0 {
                    return Err(unreachable_still(db, report.waiting));
                }
                Ok(())
            }
            OutboxCommand::Remove { lead_id } => {
                outbox::remove(ctx, &outbox, &server, lead_id).await?;
                println!("removed {lead_id}");
                Ok(())
            }
        }
    }
    .await;
    outbox.close().await;
    result
}

fn unreachable_still(db: &Db, waiting: u64) -> Error {
    let (path, why) = match db.backend() {
        banco::store::Backend::Postgres => ("chain server", "it cannot be reached"),
        banco::store::Backend::Sqlite => ("database", "it is busy (an import is running)"),
    };
    Error::Io {
        path: path.into(),
        source: std::io::Error::new(
            std::io::ErrorKind::NotConnected,
            format!("{why}; {waiting} captures still wait in the outbox"),
        ),
    }
}

/// What the command line can do on a chain server it cannot reach: queue
/// a `lead add`, list the outbox. `ctx` is the offline sign-in.
pub enum Offline {
    /// Queue this capture.
    Add(Box<CaptureLead>),
    /// List the outbox.
    List(output::ListArgs),
    /// Anything else: say the server cannot be reached.
    Other,
}

/// Runs `what` on a desk whose server at `url` cannot be reached (`cause`).
pub async fn offline(
    url: &str,
    data_dir: &Path,
    login: Option<&str>,
    password: impl FnOnce(&str) -> Result<Password>,
    what: Offline,
    cause: Error,
) -> Result<()> {
    if matches!(what, Offline::Other) {
        return Err(cause);
    }
    let Some(login) = login.filter(|l| !l.trim().is_empty()) else {
        eprintln!("the chain server cannot be reached; to work offline sign in with --sign-in");
        return Err(cause);
    };
    let server = banco::store::server_key(url)?;
    let outbox = open(data_dir).await?;
    let result = async {
        let (ctx, since) =
            outbox::sign_in_offline(&outbox, &server, login, &password(login)?).await?;
        tracing::info!(
            "offline as {} (last online sign-in {since})",
            ctx.user.display_name
        );
        match what {
            Offline::Add(input) => {
                let saved = outbox::queue_offline(&outbox, &server, &ctx, *input).await?;
                print_saved(&saved)
            }
            Offline::List(args) => {
                print_entries(&args, outbox::list(&ctx, &outbox, &server).await?)
            }
            Offline::Other => Err(cause),
        }
    }
    .await;
    outbox.close().await;
    result
}
