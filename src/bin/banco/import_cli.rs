//! `banco import`: people and leads from CSV (with the full per-row
//! report written as the import goes), and the dispatch to the deals,
//! companies and vCard imports.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use banco::model::{DuplicatePolicy, ImportField, ImportRequest, SourceChannel};
use banco::services::{import, Ctx};
use banco::store::Db;
use banco::{Error, Result};
use clap::{Args, ValueEnum};

use super::{apply_maps, deals, json, parse, records};

#[derive(Args)]
pub struct ImportArgs {
    /// The CSV file.
    file: PathBuf,
    /// What the file holds: people and leads, or deals (a CRM opportunity export).
    #[arg(long, value_enum, default_value_t = ImportKind::Leads)]
    kind: ImportKind,
    #[command(flatten)]
    deals: deals::DealImportArgs,
    /// Map a column (header name or 1-based number) to a field, or to `ignore`;
    /// overrides the guess from the headers. Repeatable.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    maps: Vec<String>,
    /// What to do with people who already exist.
    #[arg(long, value_enum, default_value_t = Dup::Skip)]
    duplicates: Dup,
    /// Source channel of rows that have none.
    #[arg(long, default_value = "import")]
    source: String,
    /// Region for the file's national phone numbers (ISO 3166-1 alpha-2,
    /// e.g. US); default: the tenant's region.
    #[arg(long)]
    region: Option<String>,
    /// Write the per-row report as CSV here.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Only show the preview and the guessed mapping.
    #[arg(long)]
    preview: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum ImportKind {
    Leads,
    Deals,
    /// Companies from CSV (profile columns, parent by name, custom fields).
    Companies,
    /// Contacts from a .vcf file (people, no leads).
    Vcard,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Dup {
    Skip,
    Update,
    Create,
}

pub async fn import_cmd(db: &Db, ctx: &Ctx, args: ImportArgs) -> Result<()> {
    let duplicates = match args.duplicates {
        Dup::Skip => DuplicatePolicy::Skip,
        Dup::Update => DuplicatePolicy::Update,
        Dup::Create => DuplicatePolicy::Create,
    };
    match args.kind {
        ImportKind::Companies => {
            return records::import_companies(
                db,
                ctx,
                &args.file,
                &args.maps,
                duplicates,
                args.report.as_ref(),
                args.preview,
            )
            .await
        }
        ImportKind::Vcard => {
            return records::import_vcard(db, ctx, &args.file, duplicates, args.report.as_ref())
                .await
        }
        _ => {}
    }
    if args.kind == ImportKind::Deals {
        return deals::import_deals(
            db,
            ctx,
            &args.file,
            &args.maps,
            &args.deals,
            args.report.as_ref(),
            args.preview,
        )
        .await;
    }
    let mut preview = import::preview(&args.file)?;
    // `--map COLUMN=custom.KEY` maps a column to a custom field of people.
    let (custom_maps, maps): (Vec<String>, Vec<String>) =
        args.maps.iter().cloned().partition(|m| {
            m.split_once('=')
                .is_some_and(|(_, f)| f.trim().starts_with("custom."))
        });
    apply_maps(&preview.headers, &mut preview.mapping, &maps, |f, field| {
        parse(ImportField::parse(f, field))
    })?;
    let mut custom_columns: Vec<Option<String>> = vec![None; preview.headers.len()];
    apply_maps(
        &preview.headers,
        &mut custom_columns,
        &custom_maps,
        |f, _| Ok(f.trim().trim_start_matches("custom.").to_string()),
    )?;
    for (i, c) in custom_columns.iter().enumerate() {
        if c.is_some() {
            preview.mapping[i] = None;
        }
    }
    eprintln!(
        "{} rows, separator `{}`; mapping:",
        preview.total_rows, preview.delimiter
    );
    for (h, m) in preview.headers.iter().zip(&preview.mapping) {
        eprintln!(
            "  {h:<24} -> {}",
            m.map(|f| f.as_str()).unwrap_or("(ignored)")
        );
    }
    if args.preview {
        println!("{}", json(&preview)?);
        return Ok(());
    }
    let request = ImportRequest {
        path: args.file.display().to_string(),
        mapping: preview.mapping.clone(),
        duplicates,
        default_source: parse(SourceChannel::parse(&args.source, "source"))?,
        store_id: None,
        phone_region: args.region.clone(),
        custom_columns,
    };
    let bar = indicatif::ProgressBar::new(preview.total_rows);
    // The full report is written as the import goes, beside `--report`,
    // and takes its name only once the import is in.
    let part = args.report.as_ref().map(|p| {
        let mut name = p.as_os_str().to_owned();
        name.push(".part");
        PathBuf::from(name)
    });
    let io = |p: &PathBuf| {
        let path = p.display().to_string();
        move |source| Error::Io { path, source }
    };
    let mut file = match &part {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).map_err(io(p))?,
        )),
        None => None,
    };
    let mut sink = std::io::sink();
    let full: &mut (dyn std::io::Write + Send) = match file.as_mut() {
        Some(f) => f,
        None => &mut sink,
    };
    let report = import::run_reporting(
        db,
        ctx,
        &request,
        |done, _| bar.set_position(done),
        &AtomicBool::new(false),
        full,
    )
    .await;
    bar.finish_and_clear();
    drop(file);
    let report = match (report, &part, &args.report) {
        (Ok(report), Some(part), Some(path)) => {
            std::fs::rename(part, path).map_err(io(path))?;
            report
        }
        (report, part, _) => {
            if let Some(part) = part {
                let _ = std::fs::remove_file(part);
            }
            report?
        }
    };
    let s = report.summary;
    println!(
        "{} rows: {} imported, {} merged, {} skipped, {} rejected",
        s.rows, s.imported, s.merged, s.skipped, s.rejected
    );
    super::output::print_rejected(&report);
    if report.not_listed > 0 {
        println!(
            "  (the first {} rows with a message are listed; every row is in the report)",
            report.rows.len()
        );
    }
    if let Some(path) = &args.report {
        println!("report written to {}", path.display());
    }
    Ok(())
}
