//! `banco call|queue|meeting|contact-rules …`: the same calls, rules and
//! meetings as the window.

use std::path::PathBuf;

use banco::model::{
    CallOutcome, ContactPurpose, DialScheme, EntityType, GuestAccess, MeetingAuth, NewMeeting,
    OutcomeInput, QuietHours, StartCall,
};
use banco::services::{calls, contact_policy, meeting_keys, meetings, Ctx};
use banco::store::keychain::OsKeychain;
use banco::store::Db;
use banco::{Error, Result};
use chrono::{DateTime, NaiveTime, Utc};
use clap::Subcommand;
use uuid::Uuid;

use crate::{json, parse, write_out};

/// `banco call …`.
#[derive(Subcommand)]
pub enum CallCommand {
    /// Start a call from a record (the contact rules apply) and print the
    /// interaction and the URL to dial.
    Start {
        /// person, company, lead or deal.
        on: String,
        /// The record's id.
        id: Uuid,
        /// Another number than the record's main one.
        #[arg(long)]
        phone: Option<String>,
        /// A commercial proposal (needs marketing consent).
        #[arg(long)]
        marketing: bool,
        /// Call although a rule refuses (managers only), with this reason.
        #[arg(long = "override")]
        override_reason: Option<String>,
    },
    /// Record how a started call went.
    Outcome {
        /// The interaction id printed by `call start`.
        id: Uuid,
        /// reached, no_answer, busy, wrong_number or call_back.
        outcome: String,
        /// Length in seconds.
        #[arg(long)]
        seconds: Option<i64>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// For call_back: when (RFC 3339, e.g. 2026-11-24T15:00:00+01:00).
        #[arg(long)]
        back_at: Option<DateTime<Utc>>,
    },
    /// People with this number (an inbound call), with their open leads and deals.
    Find {
        /// The caller's number, any format.
        phone: String,
        #[command(flatten)]
        list: crate::output::ListArgs,
    },
}

/// `banco meeting …`.
#[derive(Subcommand)]
pub enum MeetingCommand {
    /// Schedule a video meeting from a record.
    Add {
        /// person, company, lead or deal.
        on: String,
        /// The record's id.
        id: Uuid,
        /// Title.
        #[arg(long)]
        title: String,
        /// Start (RFC 3339).
        #[arg(long)]
        start: DateTime<Utc>,
        /// Length in minutes.
        #[arg(long, default_value_t = 30)]
        minutes: u32,
        /// The customer's e-mail for the invitation.
        #[arg(long)]
        email: Option<String>,
    },
    /// Meetings starting between two times (RFC 3339).
    List {
        /// From.
        from: DateTime<Utc>,
        /// To.
        to: DateTime<Utc>,
        #[command(flatten)]
        list: crate::output::ListArgs,
    },
    /// Write a meeting's invitation (.ics) to a file, or `-`.
    Ics {
        /// Meeting id.
        id: Uuid,
        /// Where.
        #[arg(default_value = "-")]
        output: PathBuf,
    },
    /// Cancel a meeting.
    Cancel {
        /// Meeting id.
        id: Uuid,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Print the customer's link to a meeting (with a guest token when
    /// the tenant lets guests in by token).
    Link {
        /// Meeting id.
        id: Uuid,
    },
    /// The tenant's meeting server: where, how it admits people, and this
    /// computer's key for it.
    Server {
        #[command(subcommand)]
        command: ServerCommand,
    },
}

/// `banco meeting server …`.
#[derive(Subcommand)]
pub enum ServerCommand {
    /// The server, its access and whether this computer keeps its key.
    Show,
    /// Change the server (admins only); unnamed settings stay.
    Set {
        /// Jitsi server: a host (`video.example.it`, `8x8.vc`) or an
        /// http(s) base URL.
        #[arg(long)]
        domain: Option<String>,
        /// open, shared_secret, key_pair or jaas.
        #[arg(long)]
        auth: Option<String>,
        /// The tokens' app id (prosody's `app_id`; the JaaS AppID).
        #[arg(long)]
        app_id: Option<String>,
        /// The signing key's id (`kid`; the JaaS API key id).
        #[arg(long)]
        key_id: Option<String>,
        /// How the customer gets in: token or lobby.
        #[arg(long)]
        guests: Option<String>,
    },
    /// Keep the server's shared secret or private key (PEM) in this
    /// computer's OS keychain (admins only); read from a file or `-`
    /// (standard input), never from the command line.
    Key {
        /// Where to read the key.
        file: PathBuf,
    },
    /// Delete this computer's key for the server (admins only).
    ForgetKey,
}

/// `banco contact-rules …`.
#[derive(Subcommand)]
pub enum RulesCommand {
    /// The store's contact rules and do-not-call list.
    Show(crate::output::ShowArgs),
    /// Change the store's contact rules (managers only); unnamed ones stay.
    Set {
        /// IANA time zone.
        #[arg(long)]
        time_zone: Option<String>,
        /// Quiet hours `HH:MM-HH:MM`, or `none`.
        #[arg(long)]
        quiet: Option<String>,
        /// Attempts per person per day (0: no cap).
        #[arg(long)]
        daily_cap: Option<u32>,
        /// Hours to call a new lead (0: no SLA).
        #[arg(long)]
        lead_sla: Option<u32>,
        /// Jitsi server (host or http(s) base URL).
        #[arg(long)]
        meeting_domain: Option<String>,
    },
    /// Add a number to the do-not-call list.
    Block {
        /// The number, any format.
        phone: String,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Remove a number from the do-not-call list.
    Unblock {
        /// The number.
        phone: String,
    },
    /// How your call button dials: tel, sip or callto.
    Dial {
        /// The scheme.
        scheme: String,
    },
}

fn entity(on: &str) -> Result<EntityType> {
    parse(EntityType::parse(on, "on"))
}

/// Runs `banco call …`.
pub async fn call(db: &Db, ctx: &Ctx, command: CallCommand) -> Result<()> {
    match command {
        CallCommand::Start {
            on,
            id,
            phone,
            marketing,
            override_reason,
        } => {
            let call = StartCall {
                entity_type: entity(&on)?,
                entity_id: id,
                phone,
                purpose: if marketing {
                    ContactPurpose::Marketing
                } else {
                    ContactPurpose::Service
                },
                override_reason,
            };
            println!("{}", json(&calls::start(db, ctx, &call).await?)?);
        }
        CallCommand::Outcome {
            id,
            outcome,
            seconds,
            note,
            back_at,
        } => {
            let input = OutcomeInput {
                outcome: parse(CallOutcome::parse(&outcome, "outcome"))?,
                duration_seconds: seconds,
                note,
                call_back_at: back_at,
            };
            println!(
                "{}",
                json(&calls::record_outcome(db, ctx, id, &input).await?)?
            );
        }
        CallCommand::Find { phone, list } => {
            let (rows, total) = list.page_of(calls::find_caller(db, ctx, &phone).await?);
            crate::output::print_list(&list, &rows, total, &[])?
        }
    }
    Ok(())
}

/// Runs `banco queue`.
pub async fn queue(db: &Db, ctx: &Ctx, list: &crate::output::ListArgs) -> Result<()> {
    let (rows, total) = list.page_of(calls::queue(db, ctx).await?);
    crate::output::print_list(list, &rows, total, &[])
}

/// Runs `banco meeting …`.
pub async fn meeting(db: &Db, ctx: &Ctx, command: MeetingCommand) -> Result<()> {
    match command {
        MeetingCommand::Add {
            on,
            id,
            title,
            start,
            minutes,
            email,
        } => {
            let new = NewMeeting {
                entity_type: entity(&on)?,
                entity_id: id,
                title,
                starts_at: start,
                duration_minutes: minutes,
                participants: Vec::new(),
                customer_email: email,
                override_reason: None,
            };
            let m = meetings::schedule(db, ctx, &new).await?;
            println!(
                "{}",
                json(&serde_json::json!({ "meeting": m, "link": m.url() }))?
            );
        }
        MeetingCommand::List { from, to, list } => {
            let (rows, total) = list.page_of(meetings::between(db, ctx, from, to).await?);
            crate::output::print_list(
                &list,
                &rows,
                total,
                &[
                    "id",
                    "title",
                    "starts_at",
                    "duration_minutes",
                    "status",
                    "room",
                ],
            )?
        }
        MeetingCommand::Ics { id, output } => {
            let text = meetings::ics(db, ctx, &OsKeychain, id).await?;
            let path = (output.as_os_str() != "-").then_some(output);
            write_out(path.as_ref(), &text)?;
        }
        MeetingCommand::Cancel { id, reason } => {
            println!(
                "{}",
                json(&meetings::cancel(db, ctx, id, reason.as_deref()).await?)?
            )
        }
        MeetingCommand::Link { id } => {
            println!(
                "{}",
                meetings::invitation_link(db, ctx, &OsKeychain, id).await?
            )
        }
        MeetingCommand::Server { command } => server(db, ctx, command).await?,
    }
    Ok(())
}

/// Runs `banco meeting server …`; prints the server's settings and this
/// computer's key status (never the key).
async fn server(db: &Db, ctx: &Ctx, command: ServerCommand) -> Result<()> {
    match command {
        ServerCommand::Show => {}
        ServerCommand::Set {
            domain,
            auth,
            app_id,
            key_id,
            guests,
        } => {
            let mut s = contact_policy::settings(db, ctx).await?;
            let a = &mut s.meeting_access;
            if let Some(d) = domain {
                s.meeting_domain = d;
            }
            if let Some(v) = auth {
                a.auth = parse(MeetingAuth::parse(&v, "meeting_auth"))?;
            }
            if let Some(v) = app_id {
                a.app_id = v;
            }
            if let Some(v) = key_id {
                a.key_id = v;
            }
            if let Some(v) = guests {
                a.guests = parse(GuestAccess::parse(&v, "meeting_guests"))?;
            }
            contact_policy::save_settings(db, ctx, &s).await?;
        }
        ServerCommand::Key { file } => {
            let key = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())
            } else {
                std::fs::read_to_string(&file)
            }
            .map_err(|source| Error::Io {
                path: file.display().to_string(),
                source,
            })?;
            meeting_keys::save_key(db, ctx, &OsKeychain, &key).await?;
        }
        ServerCommand::ForgetKey => {
            meeting_keys::forget_key(db, ctx, &OsKeychain).await?;
        }
    }
    let s = contact_policy::settings(db, ctx).await?;
    let key = meeting_keys::key_status(db, ctx, &OsKeychain).await?;
    println!(
        "{}",
        json(&serde_json::json!({
            "domain": s.meeting_domain,
            "access": s.meeting_access,
            "key": key,
        }))?
    );
    Ok(())
}

fn quiet(text: &str) -> Result<Option<QuietHours>> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let bad = || Error::field("quiet", "invalid");
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| bad());
    Ok(Some(QuietHours {
        start: t(a)?,
        end: t(b)?,
    }))
}

/// Runs `banco contact-rules …`.
pub async fn rules(db: &Db, ctx: &Ctx, command: RulesCommand) -> Result<()> {
    let settings = match command {
        RulesCommand::Show(show) => {
            return crate::output::print_one(show.format, &contact_policy::settings(db, ctx).await?)
        }
        RulesCommand::Set {
            time_zone,
            quiet: q,
            daily_cap,
            lead_sla,
            meeting_domain,
        } => {
            let mut s = contact_policy::settings(db, ctx).await?;
            if let Some(tz) = time_zone {
                s.time_zone = tz;
            }
            if let Some(q) = q {
                s.quiet_hours = quiet(&q)?;
            }
            if let Some(c) = daily_cap {
                s.daily_cap = (c > 0).then_some(c);
            }
            if let Some(h) = lead_sla {
                s.lead_sla_hours = (h > 0).then_some(h);
            }
            if let Some(d) = meeting_domain {
                s.meeting_domain = d;
            }
            contact_policy::save_settings(db, ctx, &s).await?
        }
        RulesCommand::Block { phone, reason } => {
            contact_policy::add_do_not_call(db, ctx, &phone, reason.as_deref()).await?
        }
        RulesCommand::Unblock { phone } => {
            contact_policy::remove_do_not_call(db, ctx, &phone).await?
        }
        RulesCommand::Dial { scheme } => {
            let s = parse(DialScheme::parse(&scheme, "scheme"))?;
            println!(
                "{}",
                json(&contact_policy::set_dial_scheme(db, ctx, s).await?)?
            );
            return Ok(());
        }
    };
    println!("{}", json(&settings)?);
    Ok(())
}
