//! The import previews on large files, against reading the same file with
//! the `csv` crate alone (every record, no mapping): the people preview
//! (decode, separator, every row with its line, the header-and-content
//! guess, the content check) and the deals preview (the same reading, the
//! header guess and the date order).
//!
//! `cargo bench --bench import_bench -- [--rows N]` (default 50,000 rows).

#[allow(dead_code)] // the Postgres helper is for the database benches
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use banco::services::{deal_import, import};
use common::{arg, median, print_rows, Row};

/// Times `f` five times and keeps the median.
fn time(mut f: impl FnMut()) -> Duration {
    median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

/// Reads every record of a file with the csv crate (the baseline).
fn raw_read(path: &Path, delimiter: u8) -> usize {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_path(path)
        .expect("open");
    r.records().filter_map(|r| r.ok()).count()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = arg(&args, "--rows", 50_000);
    let dir = tempfile::tempdir().expect("temp dir");

    // An Outlook-like people export: many columns, two phones, two e-mails.
    let people = dir.path().join("people.csv");
    let mut text = String::from(
        "First Name,Last Name,E-mail Address,E-mail 2 Address,Mobile Phone,Home Phone,Business Phone,Company,Home City,Notes\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "Nome{i},Cognome{i},utente{i}@example.it,,3{:09},02 {:08},,\"Ditta {i}, Srl\",Milano,\"nota\nsu due righe\"\n",
            i % 1_000_000_000,
            i % 100_000_000
        ));
    }
    std::fs::write(&people, &text).expect("write");

    // A CRM opportunities export.
    let deals = dir.path().join("deals.csv");
    let mut text = String::from(
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "O{i},Agente {},Fibra FTTH,{},Prospecting,1/{}/2026,,\n",
            i % 30,
            if i % 6 == 0 {
                String::new()
            } else {
                format!("Cliente {i}")
            },
            i % 28 + 1
        ));
    }
    std::fs::write(&deals, &text).expect("write");

    let mut rows = Vec::new();
    let baseline = time(|| {
        raw_read(&people, b',');
    });
    let banco = time(|| {
        let p = import::preview(&people).expect("preview");
        assert_eq!(p.total_rows, n);
    });
    rows.push(Row {
        backend: "-",
        operation: format!("people import preview, Outlook layout, {n} rows"),
        banco,
        baseline_name: "csv crate reads every record",
        baseline,
    });
    let baseline = time(|| {
        raw_read(&deals, b',');
    });
    let banco = time(|| {
        let p = deal_import::preview(&deals, "IT").expect("preview");
        assert_eq!(p.total_rows, n);
    });
    rows.push(Row {
        backend: "-",
        operation: format!("deals import preview, CRM export, {n} rows"),
        banco,
        baseline_name: "csv crate reads every record",
        baseline,
    });
    print_rows("operation", &rows);
}
