//! Every prefix of the Italian numbering plan, written the ways people
//! write numbers, is read as the same E.164 number: at the counter's
//! validation, in a people import (on SQLite and on Postgres) and by
//! `banco lead add`. The prefixes are in `tests/fixtures/it-numbering-plan.csv`.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use banco::model::*;
use banco::services::{import, leads};
use common::TestDb;

/// One number per prefix of the plan: `(prefix, kind, national digits)`.
/// Mobiles are ten digits (3xx + 7); fixed numbers are ten digits with
/// their area code (02 1234 5678, 0121 123456).
fn plan() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(common::fixture("it-numbering-plan.csv")).unwrap();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let mut cols = line.split(',');
        let prefix = cols.next().unwrap().to_string();
        let kind = cols.next().unwrap().to_string();
        // Subscriber digits that the district really uses (some districts
        // number only from certain digits, e.g. 013 → 0131…): the first of
        // a few tails that makes a valid number; none at all fails the walk.
        let national = [
            "4567890123",
            "1234567890",
            "2345678901",
            "5555555555",
            "9876543210",
        ]
        .iter()
        .map(|t| format!("{prefix}{}", &t[..10 - prefix.len()]))
        .find(|n| Phone::parse(n, "IT", "phone").is_ok())
        .unwrap_or_else(|| panic!("no number of prefix {prefix} is accepted"));
        out.push((prefix.clone(), kind, national));
    }
    out
}

/// The national digits written as people write them.
fn spellings(national: &str, prefix: &str) -> Vec<String> {
    let (p, rest) = national.split_at(prefix.len());
    let (a, b) = rest.split_at(rest.len() / 2);
    let mut v = vec![
        national.to_string(),
        format!("{p} {rest}"),
        format!("{p} {a} {b}"),
        format!("{p}.{a}.{b}"),
        format!("{p}-{a}-{b}"),
        format!("{p}/{rest}"),
        format!("({p}) {rest}"),
        format!("+39{national}"),
        format!("+39 {p} {rest}"),
        format!("0039 {p} {a} {b}"),
        format!("0039-{p}-{rest}"),
        format!("+39-{p}.{rest}"),
        format!(" +39 ({p}) {a}-{b} "),
        format!("tel. {p} {rest}"),
    ];
    // "+39 (0)…": the bracketed zero of a landline is part of the number in
    // Italy. (Before a mobile, "+39 (0)3…" reads as a valid landline of
    // the 03 districts, as libphonenumber reads it too.)
    if let Some(area) = p.strip_prefix('0') {
        v.push(format!("+39 (0){area} {rest}"));
    }
    v
}

#[test]
fn every_italian_prefix_in_every_spelling_is_accepted_at_the_counter() {
    let plan = plan();
    assert!(plan.iter().filter(|p| p.1 == "mobile").count() >= 90);
    assert!(plan.iter().filter(|p| p.1 == "fixed").count() >= 230);
    let mut refused = Vec::new();
    for (prefix, _, national) in &plan {
        let want = format!("+39{national}");
        for typed in spellings(national, prefix) {
            let capture = CaptureLead {
                first_name: "Anna".into(),
                phone: typed.clone(),
                ..Default::default()
            };
            match capture.validate("IT") {
                Ok(valid) if valid.phone.as_ref().map(Phone::e164) == Some(want.as_str()) => {}
                other => refused.push(format!("{typed:?} → {other:?}")),
            }
        }
    }
    assert!(
        refused.is_empty(),
        "{} refused:\n{}",
        refused.len(),
        refused.join("\n")
    );
}

#[test]
fn the_39x_mobiles_of_the_issue_are_accepted() {
    for (typed, want) in [
        ("391 1234567", "+393911234567"),
        ("393 100 0011", "+393931000011"),
        ("392.555.1234", "+393925551234"),
        ("390 123 4567", "+393901234567"),
        ("397/1234567", "+393971234567"),
    ] {
        assert_eq!(Phone::parse(typed, "IT", "phone").unwrap().e164(), want);
    }
}

#[test]
fn other_regions_and_bad_numbers() {
    for (typed, region, want) in [
        ("020 7183 8750", "GB", "+442071838750"),
        ("+44 (0)20 7183 8750", "IT", "+442071838750"),
        ("(202) 555-0173", "US", "+12025550173"),
        ("030 1234567", "DE", "+49301234567"),
        ("+33 1 42 68 53 00", "IT", "+33142685300"),
        ("06 1234 5678", "IT", "+390612345678"),
        ("３３３ １２３ ４５６７", "IT", "+393331234567"),
    ] {
        assert_eq!(
            Phone::parse(typed, region, "phone").unwrap().e164(),
            want,
            "{typed} in {region}"
        );
    }
    for bad in ["12", "–", "333", "abc", "+39 000 0000000", "0039"] {
        let e = Phone::parse(bad, "IT", "phone").unwrap_err();
        assert_eq!(e.code, "invalid_phone", "{bad}");
    }
}

store_test!(
    every_italian_prefix_imports_from_a_csv,
    |t: TestDb| async move {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let mut csv = String::from("Nome;Cognome;Cellulare\n");
        let plan = plan();
        for (i, (prefix, _, national)) in plan.iter().enumerate() {
            let typed = &spellings(national, prefix)[i % 14];
            // A last name of letters only (a name column with digits is
            // rightly taken for a shifted column).
            let last: String = format!("{i:03}")
                .chars()
                .map(|d| char::from(b'a' + d.to_digit(10).unwrap_or(0) as u8))
                .collect();
            csv.push_str(&format!("Cliente;Numero{last};{typed}\n"));
        }
        std::fs::write(&path, csv).unwrap();
        let preview = import::preview(&path).unwrap();
        assert!(preview.problems.is_empty(), "{:?}", preview.problems);
        let path = path.display().to_string();
        let request = common::import_request(&path, &preview, DuplicatePolicy::Create);
        let report = common::run_import(&t, &request).await.unwrap();
        let warned: Vec<_> = report
            .rows
            .iter()
            .filter(|r| !r.messages.is_empty() || r.status != RowStatus::Imported)
            .collect();
        assert!(warned.is_empty(), "{warned:?}");
        assert_eq!(report.summary.imported, plan.len() as u64);
        let query = LeadQuery {
            search: Some("3914567890".into()),
            ..Default::default()
        };
        let found = leads::list(&t.db, &t.ctx, &query).await.unwrap();
        assert_eq!(found.total, 1);
        assert_eq!(found.items[0].phone.as_deref(), Some("+393914567890"));
    }
);

#[test]
fn the_command_line_takes_the_39x_mobiles() {
    let dir = tempfile::tempdir().unwrap();
    let url = banco::store::sqlite_url_in(dir.path());
    let banco = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_banco"))
            .arg("--database-url")
            .arg(&url)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(banco(&["migrate"]).status.success());
    for (i, typed) in ["391 1234567", "393.100.0011", "+39 (0)6 1234 5678"]
        .iter()
        .enumerate()
    {
        let last = format!("Numero{i}");
        let out = banco(&[
            "lead",
            "add",
            "--first-name",
            "Anna",
            "--last-name",
            &last,
            "--phone",
            typed,
        ]);
        assert!(
            out.status.success(),
            "{typed}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = banco(&["lead", "list", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut phones: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["phone"].as_str().unwrap().to_string())
        .collect();
    phones.sort();
    assert_eq!(
        phones,
        vec!["+390612345678", "+393911234567", "+393931000011"]
    );
}
