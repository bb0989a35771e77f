//! One way to print for every `list` and `show` of the command line:
//! `--format table|json|csv` with the same meaning everywhere, `--limit`
//! and `--offset` on every list, and one JSON shape for lists,
//! `{"items": [...], "total": N, "offset": K}`.
//!
//! Tables and CSV are made from the items' JSON form (their `serde`
//! shape): a column per top-level field, nested values written as compact
//! JSON, so a new field shows up without touching the printer.

use banco::{Error, Result};
use clap::{Args, ValueEnum};
use serde::Serialize;
use serde_json::Value;

/// How a list or a record is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum OutFormat {
    /// Aligned columns (a list ends with "N of TOTAL (offset K)").
    #[default]
    Table,
    /// JSON: a list is `{items, total, offset}`, a record is the record.
    Json,
    /// CSV with a header row (comma, RFC 4180 quoting).
    Csv,
}

/// The options of every `list`.
#[derive(Args, Clone, Copy, Debug)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    pub format: OutFormat,
    /// Rows to print (1–500).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
}

impl ListArgs {
    /// The limit, clamped to 1–500.
    pub fn limit(&self) -> u32 {
        self.limit.clamp(1, 500)
    }

    /// One page of a list the core returns whole (users, stores,
    /// pipelines…): `(rows of the page, total)`.
    pub fn page_of<T>(&self, all: Vec<T>) -> (Vec<T>, u64) {
        let total = all.len() as u64;
        let rows = all
            .into_iter()
            .skip(self.offset as usize)
            .take(self.limit() as usize)
            .collect();
        (rows, total)
    }
}

/// The options of every `show`.
#[derive(Args, Clone, Copy, Debug)]
pub struct ShowArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutFormat::Json)]
    pub format: OutFormat,
}

fn io(e: impl Into<std::io::Error>) -> Error {
    Error::Io {
        path: "stdout".into(),
        source: e.into(),
    }
}

fn to_value<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| io(std::io::Error::other(e)))
}

/// A cell: text as is, numbers and booleans written out, null empty,
/// arrays and objects as compact JSON.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// The columns of a list: `preferred` (those the items have), or every
/// top-level field of the first item.
fn columns(items: &[Value], preferred: &[&str]) -> Vec<String> {
    let keys: Vec<String> = match items.first() {
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let chosen: Vec<String> = preferred
        .iter()
        .filter(|p| keys.is_empty() || keys.iter().any(|k| k == *p))
        .map(|p| p.to_string())
        .collect();
    if chosen.is_empty() {
        keys
    } else {
        chosen
    }
}

fn row(item: &Value, columns: &[String]) -> Vec<String> {
    match item {
        Value::Object(m) => columns
            .iter()
            .map(|c| m.get(c).map(cell).unwrap_or_default())
            .collect(),
        other => vec![cell(other)],
    }
}

fn csv_text(columns: &[String], rows: &[Vec<String>]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns)?;
    for r in rows {
        w.write_record(r)?;
    }
    let bytes = w.into_inner().map_err(|e| io(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn table_text(columns: &[String], rows: &[Vec<String>]) -> String {
    let width = |i: usize| {
        rows.iter()
            .map(|r| r.get(i).map(|c| c.chars().count()).unwrap_or(0))
            .chain([columns[i].chars().count()])
            .max()
            .unwrap_or(0)
            .min(40)
    };
    let widths: Vec<usize> = (0..columns.len()).map(width).collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let c: String = c.replace('\n', " ").chars().take(*w).collect();
                format!("{c:<w$}")
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(columns);
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

/// Prints a page of a list: `{items, total, offset}` as JSON, or a table
/// or CSV of `preferred` columns (all fields when empty) — CSV always has
/// every field.
pub fn print_list<T: Serialize>(
    args: &ListArgs,
    items: &[T],
    total: u64,
    preferred: &[&str],
) -> Result<()> {
    let values: Vec<Value> = items.iter().map(to_value).collect::<Result<_>>()?;
    match args.format {
        OutFormat::Json => {
            let doc = serde_json::json!({
                "items": values,
                "total": total,
                "offset": args.offset,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).map_err(|e| io(std::io::Error::other(e)))?
            );
        }
        OutFormat::Csv => {
            let cols = columns(&values, &[]);
            let rows: Vec<Vec<String>> = values.iter().map(|v| row(v, &cols)).collect();
            print!("{}", csv_text(&cols, &rows)?);
        }
        OutFormat::Table => {
            let cols = columns(&values, preferred);
            let rows: Vec<Vec<String>> = values.iter().map(|v| row(v, &cols)).collect();
            if !cols.is_empty() {
                print!("{}", table_text(&cols, &rows));
            }
            println!("{} of {} (offset {})", items.len(), total, args.offset);
        }
    }
    Ok(())
}

/// Prints one record: pretty JSON, `field: value` lines, or a one-row CSV.
pub fn print_one<T: Serialize>(format: OutFormat, item: &T) -> Result<()> {
    let value = to_value(item)?;
    match format {
        OutFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|e| io(std::io::Error::other(e)))?
        ),
        OutFormat::Csv => {
            let cols = columns(std::slice::from_ref(&value), &[]);
            print!("{}", csv_text(&cols, &[row(&value, &cols)])?);
        }
        OutFormat::Table => match &value {
            Value::Object(m) => {
                let width = m.keys().map(|k| k.len()).max().unwrap_or(0);
                for (k, v) in m {
                    println!("{k:<width$}  {}", cell(v));
                }
            }
            other => println!("{}", cell(other)),
        },
    }
    Ok(())
}

/// Prints each listed rejected row of an import's report with its reasons.
pub fn print_rejected(report: &banco::model::ImportReport) {
    for row in report
        .rows
        .iter()
        .filter(|r| r.status == banco::model::RowStatus::Rejected)
    {
        let why: Vec<String> = row.messages.iter().map(ToString::to_string).collect();
        println!("  line {} rejected: {}", row.line, why.join("; "));
    }
}
