//! `banco company|note|search|duplicates|reindex …`.

use std::path::PathBuf;

use banco::model::{CompanyInput, CompanyKind, CompanyQuery, EntityType, NoteKind};
use banco::services::notes::NewNote;
use banco::services::{companies, duplicates, notes, search, Ctx};
use banco::store::Db;
use banco::Result;
use clap::{Subcommand, ValueEnum};
use uuid::Uuid;

use crate::{json, parse, write_out};

/// `banco company …`.
#[derive(Subcommand)]
pub enum CompanyCommand {
    /// Create a company (VAT number and tax code are checked).
    Add {
        /// Trading name.
        name: String,
        /// client, supplier, stakeholder or partner.
        #[arg(long, default_value = "client")]
        kind: String,
        /// VAT number (Italian partita IVA or EU with prefix).
        #[arg(long, default_value = "")]
        vat: String,
        /// Office location.
        #[arg(long, default_value = "")]
        location: String,
        /// Tags, comma separated.
        #[arg(long, default_value = "")]
        tags: String,
    },
    /// List companies (filters as in the app).
    List {
        /// Words of the name, VAT number or location.
        #[arg(long, default_value = "")]
        text: String,
        /// Only this kind.
        #[arg(long)]
        kind: Option<String>,
        /// Only with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Write CSV (every match, custom fields as columns) to this file, or `-`.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// A company's card as JSON.
    Show {
        /// Company id.
        id: Uuid,
    },
    /// Link a person to a company with a role.
    Link {
        /// Company id.
        company: Uuid,
        /// Person id.
        person: Uuid,
        /// Role at the company.
        #[arg(long, default_value = "")]
        role: String,
        /// Make them the primary contact.
        #[arg(long)]
        primary: bool,
    },
}

/// Person or company.
#[derive(Clone, Copy, ValueEnum)]
pub enum RecordKind {
    /// People.
    Person,
    /// Companies.
    Company,
}

impl RecordKind {
    fn entity(self) -> EntityType {
        match self {
            RecordKind::Person => EntityType::Person,
            RecordKind::Company => EntityType::Company,
        }
    }
}

/// `banco duplicates …`.
#[derive(Subcommand)]
pub enum DuplicatesCommand {
    /// Likely duplicate pairs with their evidence (JSON).
    Scan {
        /// People or companies.
        #[arg(value_enum)]
        kind: RecordKind,
    },
    /// Merge `merge` into `keep`.
    Merge {
        /// People or companies.
        #[arg(value_enum)]
        kind: RecordKind,
        /// The record to keep.
        keep: Uuid,
        /// The record merged into it (then deleted, with an audit snapshot).
        merge: Uuid,
    },
}

/// Runs `banco company …`.
pub async fn company(db: &Db, ctx: &Ctx, command: CompanyCommand) -> Result<()> {
    match command {
        CompanyCommand::Add {
            name,
            kind,
            vat,
            location,
            tags,
        } => {
            let input = CompanyInput {
                name,
                kind,
                vat_number: vat,
                office_location: location,
                tags,
                ..Default::default()
            };
            println!("{}", json(&companies::create(db, ctx, &input).await?)?);
        }
        CompanyCommand::List {
            text,
            kind,
            tag,
            csv,
        } => {
            let q = CompanyQuery {
                text,
                kind: kind
                    .as_deref()
                    .map(|k| parse(CompanyKind::parse(k, "kind")))
                    .transpose()?,
                tag,
                limit: 500,
                ..Default::default()
            };
            match csv {
                Some(path) => {
                    let text = companies::export_csv(db, ctx, &q).await?;
                    let path = (path.as_os_str() != "-").then_some(path);
                    write_out(path.as_ref(), &text)?;
                }
                None => println!("{}", json(&companies::list(db, ctx, &q).await?)?),
            }
        }
        CompanyCommand::Show { id } => println!("{}", json(&companies::card(db, ctx, id).await?)?),
        CompanyCommand::Link {
            company,
            person,
            role,
            primary,
        } => {
            let card = companies::link_contact(db, ctx, company, person, &role, primary).await?;
            println!("{}", json(&card.contacts)?);
        }
    }
    Ok(())
}

/// Runs `banco note add`.
pub async fn note(db: &Db, ctx: &Ctx, on: EntityType, id: Uuid, body: String) -> Result<()> {
    let new = NewNote {
        entity_type: on,
        entity_id: id,
        kind: NoteKind::General,
        body,
        pinned: false,
    };
    println!("{}", json(&notes::add(db, ctx, &new).await?)?);
    Ok(())
}

/// Runs `banco search QUERY`.
pub async fn search_cmd(db: &Db, ctx: &Ctx, query: &str) -> Result<()> {
    println!("{}", json(&search::search(db, ctx, query, 10).await?)?);
    Ok(())
}

/// Runs `banco duplicates …`.
pub async fn duplicates_cmd(db: &Db, ctx: &Ctx, command: DuplicatesCommand) -> Result<()> {
    match command {
        DuplicatesCommand::Scan { kind } => {
            println!(
                "{}",
                json(&duplicates::scan(db, ctx, kind.entity()).await?)?
            )
        }
        DuplicatesCommand::Merge { kind, keep, merge } => println!(
            "{}",
            json(&duplicates::merge(db, ctx, kind.entity(), keep, merge).await?)?
        ),
    }
    Ok(())
}
