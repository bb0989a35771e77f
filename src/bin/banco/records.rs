//! `banco company|note|search|duplicates|reindex …`.

use std::path::PathBuf;

use banco::model::NewNote;
use banco::model::{
    CompanyImportRequest, CompanyInput, CompanyKind, CompanyQuery, DuplicatePolicy, EntityType,
    ImportReport, NoteKind,
};
use banco::services::{companies, company_import, duplicates, import, notes, search, vcard, Ctx};
use banco::store::Db;
use banco::Result;
use clap::{Subcommand, ValueEnum};
use uuid::Uuid;

use crate::{apply_maps, json, parse, write_out};

/// The filters of the companies list, for `company list` and `export
/// companies`.
#[derive(clap::Args)]
pub struct CompanyFilterArgs {
    /// Words of the name, VAT number or location.
    #[arg(long, default_value = "")]
    text: String,
    /// Only this kind.
    #[arg(long)]
    kind: Option<String>,
    /// Only with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Only this status (prospect, active, inactive).
    #[arg(long)]
    status: Option<String>,
    /// Only this owner (user id).
    #[arg(long)]
    owner: Option<Uuid>,
    /// Custom field filter `KEY=VALUE` (repeatable).
    #[arg(long = "custom")]
    custom: Vec<String>,
}

impl CompanyFilterArgs {
    /// The query (one page of `limit` rows from `offset`).
    ///
    /// Errors: `Validation` for a kind, status or custom filter that does
    /// not parse.
    pub fn query(self, offset: u32, limit: u32) -> Result<CompanyQuery> {
        Ok(CompanyQuery {
            text: self.text,
            kind: self
                .kind
                .as_deref()
                .map(|k| parse(CompanyKind::parse(k, "kind")))
                .transpose()?,
            status: self
                .status
                .as_deref()
                .map(|s| parse(banco::model::CompanyStatus::parse(s, "status")))
                .transpose()?,
            owner_id: self.owner,
            tag: self.tag,
            custom: crate::custom_filters(&self.custom)?,
            offset,
            limit,
        })
    }
}

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
        #[command(flatten)]
        filter: CompanyFilterArgs,
        /// Write CSV (every match, custom fields as columns) to this file, or `-`.
        #[arg(long)]
        csv: Option<PathBuf>,
        #[command(flatten)]
        list: crate::output::ListArgs,
    },
    /// A company's card.
    Show {
        /// Company id.
        id: Uuid,
        #[command(flatten)]
        show: crate::output::ShowArgs,
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
    /// Likely duplicate pairs with their evidence.
    Scan {
        /// People or companies.
        #[arg(value_enum)]
        kind: RecordKind,
        #[command(flatten)]
        list: crate::output::ListArgs,
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
        CompanyCommand::List { filter, csv, list } => {
            let q = filter.query(list.offset, list.limit())?;
            match csv {
                Some(path) => {
                    let text = companies::export_csv(db, ctx, &q).await?;
                    let path = (path.as_os_str() != "-").then_some(path);
                    write_out(path.as_ref(), &text)?;
                }
                None => {
                    let page = companies::list(db, ctx, &q).await?;
                    crate::output::print_list(
                        &list,
                        &page.items,
                        page.total,
                        &[
                            "id",
                            "name",
                            "kind",
                            "status",
                            "vat_number",
                            "phone",
                            "email",
                            "tags",
                        ],
                    )?;
                }
            }
        }
        CompanyCommand::Show { id, show } => {
            crate::output::print_one(show.format, &companies::card(db, ctx, id).await?)?
        }
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

/// Runs `banco reindex`: the search index rebuilt from the records.
pub async fn reindex(db: &Db, ctx: &Ctx) -> Result<()> {
    let n = banco::services::search_index::reindex(db, ctx.tenant_id()).await?;
    println!("{n} records indexed");
    Ok(())
}

/// Runs `banco search QUERY`.
pub async fn search_cmd(
    db: &Db,
    ctx: &Ctx,
    query: &str,
    list: &crate::output::ListArgs,
) -> Result<()> {
    // Every group up to the page's end, then one list in group order.
    let per_group = (list.offset + list.limit()) as usize;
    let found = search::search(db, ctx, query, per_group).await?;
    let hits: Vec<_> = found.groups.into_iter().flat_map(|(_, h)| h).collect();
    let (rows, total) = list.page_of(hits);
    crate::output::print_list(list, &rows, total, &["kind", "title", "subtitle", "id"])
}

/// Runs `banco duplicates …`.
pub async fn duplicates_cmd(db: &Db, ctx: &Ctx, command: DuplicatesCommand) -> Result<()> {
    match command {
        DuplicatesCommand::Scan { kind, list } => {
            let (rows, total) = list.page_of(duplicates::scan(db, ctx, kind.entity()).await?);
            crate::output::print_list(&list, &rows, total, &[])?
        }
        DuplicatesCommand::Merge { kind, keep, merge } => println!(
            "{}",
            json(&duplicates::merge(db, ctx, kind.entity(), keep, merge).await?)?
        ),
    }
    Ok(())
}

/// Prints an import report's counts and every row with a message; writes
/// the per-row CSV to `report` when given.
fn print_report(r: &ImportReport, report: Option<&PathBuf>) -> Result<()> {
    let s = r.summary;
    println!(
        "{} rows: {} imported, {} merged, {} skipped, {} rejected",
        s.rows, s.imported, s.merged, s.skipped, s.rejected
    );
    for row in r.rows.iter().filter(|r| !r.messages.is_empty()) {
        let why: Vec<String> = row.messages.iter().map(ToString::to_string).collect();
        println!(
            "  line {} {}: {}",
            row.line,
            row.status.as_str(),
            why.join("; ")
        );
    }
    if let Some(path) = report {
        write_out(Some(path), &import::report_csv(r)?)?;
        println!("report written to {}", path.display());
    }
    Ok(())
}

/// Runs `banco import --kind companies FILE`: guesses the mapping (custom
/// fields included), applies `--map COLUMN=FIELD` (`custom.KEY` for a
/// custom field), and imports (or prints the preview).
pub async fn import_companies(
    db: &Db,
    ctx: &Ctx,
    file: &std::path::Path,
    maps: &[String],
    duplicates: DuplicatePolicy,
    report: Option<&PathBuf>,
    preview_only: bool,
) -> Result<()> {
    let mut preview = company_import::preview(db, ctx, file).await?;
    let targets: Vec<String> = preview.targets.iter().map(|(t, _)| t.clone()).collect();
    apply_maps(&preview.headers, &mut preview.mapping, maps, |f, field| {
        if targets.iter().any(|t| t == f) {
            Ok(f.to_string())
        } else {
            Err(banco::Error::Validation(vec![
                banco::model::FieldError::new(field, "unknown_value")
                    .with("value", f)
                    .with("allowed", targets.join(", ")),
            ]))
        }
    })?;
    for (h, m) in preview.headers.iter().zip(&preview.mapping) {
        eprintln!("  {h:<24} -> {}", m.as_deref().unwrap_or("(ignored)"));
    }
    if preview_only {
        println!("{}", json(&preview)?);
        return Ok(());
    }
    let request = CompanyImportRequest {
        path: file.display().to_string(),
        mapping: preview.mapping,
        duplicates,
    };
    print_report(&company_import::run(db, ctx, &request).await?, report)
}

/// Runs `banco import --kind vcard FILE.vcf`.
pub async fn import_vcard(
    db: &Db,
    ctx: &Ctx,
    file: &std::path::Path,
    duplicates: DuplicatePolicy,
    report: Option<&PathBuf>,
) -> Result<()> {
    let bytes = std::fs::read(file).map_err(|source| banco::Error::Io {
        path: file.display().to_string(),
        source,
    })?;
    print_report(&vcard::import(db, ctx, &bytes, duplicates).await?, report)
}

/// Runs `banco export vcard`: the person's card, or a company's contacts.
pub async fn export_vcard(
    db: &Db,
    ctx: &Ctx,
    person: Option<Uuid>,
    company: Option<Uuid>,
    output: Option<&PathBuf>,
) -> Result<()> {
    let text = match (person, company) {
        (Some(p), _) => vcard::export(db, ctx, &[p]).await?,
        (None, Some(c)) => vcard::export_company(db, ctx, c).await?,
        (None, None) => {
            return Err(banco::Error::field("--person", "required"));
        }
    };
    write_out(output, &text)
}
