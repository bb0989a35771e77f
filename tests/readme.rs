//! Every `banco` example of the README runs, in order, on a fresh SQLite
//! database, from a folder holding the files the examples name. `<UUID>`
//! placeholders are filled with ids the command line itself lists; the
//! two seeds run with fewer rows than written (the same command, quicker).
//! A call or meeting may be refused by the store's contact rules (quiet
//! hours depend on when the test runs): that is exit status 2 with the
//! reason, and the examples that need its id are then skipped.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

struct Cli {
    url: String,
    dir: tempfile::TempDir,
}

impl Cli {
    fn run(&self, args: &[String]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_banco"))
            .current_dir(self.dir.path())
            .arg("--database-url")
            .arg(&self.url)
            .args(args)
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn first_id(&self, args: &[&str], pointer: &str) -> String {
        let doc = self.json(args);
        doc.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{args:?} has no {pointer}: {doc}"))
            .to_string()
    }
}

/// The README's `cargo run --bin banco -- …` lines, as argument lists.
fn examples() -> Vec<Vec<String>> {
    let readme = include_str!("../README.md");
    readme
        .lines()
        .filter_map(|l| l.trim().strip_prefix("cargo run --bin banco -- "))
        .map(|l| {
            // A comment starts at an unquoted `#` after two spaces.
            let code = match l.find("  #") {
                Some(i) => &l[..i],
                None => l,
            };
            shell_words::split(code).unwrap()
        })
        .collect()
}

fn write_files(dir: &Path) {
    std::fs::copy(
        common::fixture("customers-100.csv"),
        dir.join("customers.csv"),
    )
    .unwrap();
    let mut deals = std::fs::read_to_string(common::fixture("deals-crm-export.csv")).unwrap();
    deals.push_str("P1,Nuovo Agente,Fibra FTTH,,Prospecting,,,\n");
    std::fs::write(dir.join("opportunities.csv"), deals).unwrap();
    std::fs::write(
        dir.join("google-contacts.csv"),
        "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n\
         Nicolò,Bellini,* Home,nicolo@example.it,Mobile,391 234 4567\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rubrica.vcf"),
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Ferri;Ada;;;\r\nTEL;CELL:393 100 0011\r\nEND:VCARD\r\n",
    )
    .unwrap();
}

#[test]
fn every_readme_example_runs() {
    let dir = tempfile::tempdir().unwrap();
    let url = banco::store::sqlite_url_in(dir.path());
    write_files(dir.path());
    let cli = Cli { url, dir };
    let examples = examples();
    assert!(examples.len() >= 30, "{} examples", examples.len());
    let mut last_call: Option<String> = None;
    let mut last_meeting: Option<String> = None;
    for example in examples {
        let mut args = example.clone();
        // Fewer seeded rows: the same command, in seconds.
        for a in args.iter_mut() {
            if a == "100000" {
                *a = "300".into();
            } else if a == "10000" {
                *a = "30".into();
            }
        }
        let words: Vec<&str> = example.iter().map(String::as_str).collect();
        let placeholder = |i: usize| -> Option<String> {
            let before = &words[..i];
            Some(match before {
                [.., "--person"] => {
                    cli.first_id(&["lead", "list", "--format", "json"], "/items/0/person_id")
                }
                ["deal", "move"] => cli.first_id(
                    &["deal", "list", "--status", "open", "--format", "json"],
                    "/items/0/card/id",
                ),
                ["deal", "link"] => cli.first_id(
                    &["deal", "list", "--no-customer", "--format", "json"],
                    "/items/0/card/id",
                ),
                ["note", "company"] => {
                    cli.first_id(&["company", "list", "--format", "json"], "/items/0/id")
                }
                // Mario Rossi of the second example, who gave his consents.
                ["call", "start", "lead"] => cli.first_id(
                    &["lead", "list", "--search", "3331234567", "--format", "json"],
                    "/items/0/id",
                ),
                ["meeting", "add", "person"] => cli.first_id(
                    &["lead", "list", "--search", "3331234567", "--format", "json"],
                    "/items/0/person_id",
                ),
                ["call", "outcome"] => last_call.clone()?,
                ["meeting", "ics"] => last_meeting.clone()?,
                _ => panic!("no id known for {words:?} at {i}"),
            })
        };
        let mut skip = false;
        for (i, arg) in args.iter_mut().enumerate() {
            if arg == "<UUID>" {
                match placeholder(i) {
                    Some(id) => *arg = id,
                    None => skip = true,
                }
            }
        }
        if skip {
            continue;
        }
        eprintln!("banco {}", args.join(" "));
        let out = cli.run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let refusable = matches!(words[..], ["call", "start", ..] | ["meeting", "add", ..]);
        if refusable && out.status.code() == Some(2) {
            assert!(!stderr.is_empty(), "{args:?}: a refusal says why");
            eprintln!("  refused: {stderr}");
            continue;
        }
        assert!(out.status.success(), "{args:?} failed: {stderr}");
        let doc: Option<Value> = serde_json::from_slice(&out.stdout).ok();
        match words[..] {
            ["call", "start", ..] => {
                last_call = doc
                    .as_ref()
                    .and_then(|d| d.pointer("/interaction/id"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            ["meeting", "add", ..] => {
                last_meeting = doc
                    .as_ref()
                    .and_then(|d| d.pointer("/meeting/id"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            _ => {}
        }
    }
}
