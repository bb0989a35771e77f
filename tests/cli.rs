//! The `banco` command line, run as a user would, on SQLite and on Postgres.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;
#[path = "cli/contracts.rs"]
mod contracts;
#[path = "cli/exports.rs"]
mod exports;
#[path = "cli/people.rs"]
mod people;
#[path = "cli/tickets.rs"]
mod tickets;

use std::process::{Command, Output};

fn banco(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_banco"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .expect("run banco")
}

/// A fresh chain server set up by `banco admin init` as a DBA would, and
/// the URL of its admin's login (the password in it, as a desk's
/// `PGPASSWORD` or keychain would give it).
async fn chain_url() -> String {
    let owner = common::fresh_pg_url().await;
    let login = common::unique_login("admin");
    let init = {
        let (owner, login) = (owner.clone(), login.clone());
        tokio::task::spawn_blocking(move || {
            banco_as(
                &owner,
                &[],
                &format!("{}\n", common::PG_PASSWORD),
                &[
                    "admin",
                    "init",
                    "--tenant",
                    "Banco",
                    "--admin-login",
                    &login,
                    "--password-stdin",
                ],
            )
        })
        .await
        .unwrap()
    };
    let said = ok(init);
    assert!(said.contains("chain server ready"), "{said}");
    common::as_login(&owner, &login)
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "banco failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn scenario(url: &str) {
    ok(banco(url, &["migrate"]));
    ok(banco(
        url,
        &[
            "lead",
            "add",
            "--first-name",
            "Nicolò",
            "--last-name",
            "Rossi",
            "--phone",
            "333 123 4567",
            "--interest",
            "fibre",
            "--consent",
            "service_contact,marketing",
        ],
    ));
    let list: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["lead", "list", "--format", "json"]))).unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["phone"], "+393331234567");
    assert_eq!(list["items"][0]["first_name"], "Nicolò");

    // Bad input: exit status 2 and a message naming the field.
    let bad = banco(
        url,
        &["lead", "add", "--first-name", "Anna", "--phone", "12"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("phone: `12` is not a valid phone number")
    );

    let fixture = common::fixture("customers-100.csv");
    let report = tempfile::NamedTempFile::new().unwrap();
    let out = ok(banco(
        url,
        &[
            "import",
            &fixture,
            "--report",
            report.path().to_str().unwrap(),
        ],
    ));
    assert!(
        out.contains("100 rows: 100 imported, 0 merged, 0 skipped, 0 rejected"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(report.path())
            .unwrap()
            .lines()
            .count(),
        101
    );

    let mislabelled = banco(
        url,
        &[
            "import",
            &common::fixture("customers-mislabelled-header.csv"),
        ],
    );
    assert_eq!(mislabelled.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&mislabelled.stderr)
        .contains("column `EMAIL` is mapped to email but only 0 of 101"));
    // Remapping by hand makes it import.
    let fixed = ok(banco(
        url,
        &[
            "import",
            &common::fixture("customers-mislabelled-header.csv"),
            "--map",
            "PHONE1=email",
            "--map",
            "EMAIL=phone_2",
            "--map",
            "PHONE2=phone",
            "--duplicates",
            "skip",
        ],
    ));
    assert!(fixed.contains("101 rows:"), "{fixed}");

    let csv = ok(banco(
        url,
        &["export", "leads", "--format", "csv", "--search", "rossi"],
    ));
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .starts_with("id,created_at,first_name"));
    assert!(
        csv.contains("Nicolò,Rossi,+393331234567,333 123 4567"),
        "{csv}"
    );
    exports::leads_export_audited(url);

    let seeded: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["seed", "--leads", "300"]))).unwrap();
    assert_eq!(seeded["leads"], 300);
}

/// Pipelines, campaigns, rules, deals and KPIs from the command line.
fn deals_scenario(url: &str) {
    ok(banco(url, &["migrate"]));
    let pipelines = ok(banco(url, &["pipeline", "list"]));
    assert!(
        pipelines.contains("Fisso") && pipelines.contains("Pre-check (10%) → Offerta (30%)"),
        "{pipelines}"
    );
    ok(banco(
        url,
        &[
            "campaign",
            "add",
            "--name",
            "Volantini",
            "--channel",
            "qr_code",
            "--cost",
            "150,00",
            "--pipeline",
            "fisso",
        ],
    ));
    ok(banco(
        url,
        &[
            "rule",
            "add",
            "--name",
            "QR fibra",
            "--trigger",
            "captured",
            "--pipeline",
            "Fisso",
            "--campaign",
            "Volantini",
        ],
    ));
    // A deal opened by hand for a captured person, moved, won.
    let lead: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &[
            "lead",
            "add",
            "--first-name",
            "Ada",
            "--phone",
            "3339998887",
            "--consent",
            "service_contact",
        ],
    )))
    .unwrap();
    let person = lead["person"]["id"].as_str().unwrap().to_string();
    let deal: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &[
            "deal",
            "add",
            "--pipeline",
            "Mobile",
            "--person",
            &person,
            "--product",
            "SIM 150 Giga",
            "--one-off",
            "10",
            "--monthly",
            "9,99",
            "--months",
            "12",
        ],
    )))
    .unwrap();
    assert_eq!(deal["deal"]["totals"]["value_minor"], 1_000 + 999 * 12);
    let id = deal["deal"]["id"].as_str().unwrap().to_string();
    ok(banco(url, &["deal", "move", &id, "--stage", "portabilita"]));
    let won: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["deal", "move", &id, "--won"]))).unwrap();
    assert_eq!(won["deal"]["status"], "won");
    let bad = banco(url, &["deal", "move", &id, "--stage", "Offerta"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a won deal does not move between stages"
    );
    let bad = banco(url, &["deal", "move", &id, "--lost", "nessun motivo"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--lost"));

    // Deals import from a CRM export, then its KPIs as CSV.
    let out = ok(banco(
        url,
        &[
            "import",
            &common::fixture("deals-crm-export.csv"),
            "--kind",
            "deals",
            "--pipeline",
            "fisso",
        ],
    ));
    assert!(
        out.contains("5 rows: 5 imported, 0 skipped, 0 rejected"),
        "{out}"
    );
    let kpi = ok(banco(
        url,
        &[
            "kpi",
            "pipelines",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--format",
            "csv",
        ],
    ));
    assert!(
        kpi.contains("Fisso,2,2,1,0.6667,15.00,750.00,1500.00,EUR"),
        "{kpi}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(banco(url, &["kpi"]))).unwrap();
    let mobile = json["pipelines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Mobile")
        .unwrap()
        .clone();
    assert_eq!(mobile["won"], 1);
    let list = ok(banco(
        url,
        &["deal", "list", "--format", "csv", "--status", "won"],
    ));
    assert_eq!(list.lines().count(), 1 + 3, "{list}");
    exports::deals_and_kpis(url);
    contracts::after_the_sale(url);
    tickets::work(url);
}

#[test]
fn cli_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    scenario(&banco::store::sqlite_url_in(dir.path()));
}

#[test]
fn cli_deals_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    deals_scenario(&banco::store::sqlite_url_in(dir.path()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_deals_on_postgres() {
    let url = chain_url().await;
    tokio::task::spawn_blocking(move || deals_scenario(&url))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_on_postgres() {
    let url = chain_url().await;
    tokio::task::spawn_blocking(move || scenario(&url))
        .await
        .unwrap();
}

/// Companies, notes, the search box, duplicates and reindexing from the
/// command line.
fn records_scenario(url: &str) {
    ok(banco(url, &["migrate"]));
    let bad = banco(url, &["company", "add", "Bad", "--vat", "06363391002"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a valid VAT number"));
    let company: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &[
            "company",
            "add",
            "Società Elettrica Sabauda",
            "--vat",
            "IT06363391001",
            "--tags",
            "energia,B2B",
        ],
    )))
    .unwrap();
    let id = company["id"].as_str().unwrap().to_string();
    ok(banco(
        url,
        &["company", "add", "Societa Elettrica Sabaudaa"],
    ));
    ok(banco(
        url,
        &["note", "company", &id, "Sopralluogo **fotovoltaico** fatto"],
    ));
    let found = ok(banco(url, &["search", "fotovolt", "--format", "json"]));
    assert!(found.contains(&format!("\"open_id\": \"{id}\"")), "{found}");
    let csv = ok(banco(
        url,
        &["company", "list", "--tag", "b2b", "--csv", "-"],
    ));
    assert_eq!(csv.lines().count(), 2, "{csv}");
    exports::companies_xlsx(url);
    let pairs: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &["duplicates", "scan", "company", "--format", "json"],
    )))
    .unwrap();
    let pairs = &pairs["items"];
    assert_eq!(pairs.as_array().unwrap().len(), 1, "{pairs}");
    let keep = pairs[0]["a"]["id"].as_str().unwrap().to_string();
    let merge = pairs[0]["b"]["id"].as_str().unwrap().to_string();
    ok(banco(
        url,
        &["duplicates", "merge", "company", &keep, &merge],
    ));
    let reindexed = ok(banco(url, &["reindex"]));
    assert!(reindexed.starts_with("2 records indexed"), "{reindexed}");
    let found = ok(banco(url, &["search", "sabauda"]));
    assert!(found.contains(&keep) && !found.contains(&merge), "{found}");

    // Companies and vCards from files.
    let accounts = common::fixture("companies-accounts.csv");
    let out = ok(banco(
        url,
        &[
            "import",
            "--kind",
            "companies",
            &accounts,
            "--map",
            "tier=ignore",
        ],
    ));
    assert!(out.starts_with("6 rows: 5 imported"), "{out}");
    assert!(out.contains("line 5 rejected: year_established"), "{out}");
    people::vcard_then_corrected(url);
}

#[test]
fn cli_records_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    records_scenario(&banco::store::sqlite_url_in(dir.path()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_records_on_postgres() {
    let url = chain_url().await;
    tokio::task::spawn_blocking(move || records_scenario(&url))
        .await
        .unwrap();
}

fn contacts_scenario(url: &str) {
    ok(banco(url, &["migrate"]));
    let rules = ok(banco(
        url,
        &[
            "contact-rules",
            "set",
            "--time-zone",
            "UTC",
            "--quiet",
            "none",
            "--daily-cap",
            "2",
        ],
    ));
    assert!(rules.contains("\"time_zone\": \"UTC\""), "{rules}");
    let bad = banco(url, &["contact-rules", "set", "--time-zone", "Europa/Roma"]);
    assert_eq!(bad.status.code(), Some(2));
    ok(banco(
        url,
        &[
            "lead",
            "add",
            "--first-name",
            "Ida",
            "--last-name",
            "Conti",
            "--phone",
            "347 111 2222",
            "--consent",
            "service_contact",
        ],
    ));
    let list: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["lead", "list", "--format", "json"]))).unwrap();
    let lead_id = list["items"][0]["id"].as_str().unwrap().to_string();
    // A marketing call without marketing consent is refused (exit 2, says why).
    let refused = banco(url, &["call", "start", "lead", &lead_id, "--marketing"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("no consent to marketing contacts"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let started: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["call", "start", "lead", &lead_id]))).unwrap();
    assert_eq!(started["dial_url"], "tel:+393471112222");
    let call_id = started["interaction"]["id"].as_str().unwrap().to_string();
    let done = ok(banco(
        url,
        &["call", "outcome", &call_id, "no_answer", "--seconds", "0"],
    ));
    assert!(done.contains("\"outcome\": \"no_answer\""), "{done}");
    ok(banco(url, &["contact-rules", "dial", "callto"]));
    let second: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["call", "start", "lead", &lead_id]))).unwrap();
    assert_eq!(second["dial_url"], "callto:+393471112222");
    // Two attempts today: the cap says no.
    let capped = banco(url, &["call", "start", "lead", &lead_id]);
    assert_eq!(capped.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&capped.stderr).contains("2 of 2 attempts today"));
    let found = ok(banco(url, &["call", "find", "+39 347 1112222"]));
    assert!(found.contains("Ida Conti"), "{found}");
    let blocked = ok(banco(
        url,
        &[
            "contact-rules",
            "block",
            "06 1234 5678",
            "--reason",
            "reclamo",
        ],
    ));
    assert!(blocked.contains("+390612345678"), "{blocked}");
    ok(banco(url, &["queue"]));

    let meeting: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &[
            "meeting",
            "add",
            "lead",
            &lead_id,
            "--title",
            "Offerta luce",
            "--start",
            "2030-05-06T08:30:00Z",
            "--minutes",
            "45",
            "--email",
            "ida@esempio.it",
        ],
    )))
    .unwrap();
    let mid = meeting["meeting"]["id"].as_str().unwrap().to_string();
    assert!(meeting["link"]
        .as_str()
        .unwrap()
        .starts_with("https://meet.jit.si/banco-"));
    let ics = ok(banco(url, &["meeting", "ics", &mid]));
    assert!(
        ics.contains("DTSTART:20300506T083000Z") && ics.contains("DTEND:20300506T091500Z"),
        "{ics}"
    );
    let listed = ok(banco(
        url,
        &[
            "meeting",
            "list",
            "2030-05-06T00:00:00Z",
            "2030-05-07T00:00:00Z",
        ],
    ));
    assert!(listed.contains("Offerta luce"), "{listed}");
    ok(banco(
        url,
        &["meeting", "cancel", &mid, "--reason", "spostata"],
    ));
    let again = banco(url, &["meeting", "cancel", &mid]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn cli_contacts_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    contacts_scenario(&banco::store::sqlite_url_in(dir.path()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_contacts_on_postgres() {
    let url = chain_url().await;
    tokio::task::spawn_blocking(move || contacts_scenario(&url))
        .await
        .unwrap();
}

/// Every list takes `--format json|csv|table`, `--limit` and `--offset`,
/// and its JSON is one document `{items, total, offset}`.
fn lists_scenario(url: &str) {
    ok(banco(url, &["migrate"]));
    ok(banco(
        url,
        &[
            "lead",
            "add",
            "--first-name",
            "Nicolò",
            "--phone",
            "391 1234567",
        ],
    ));
    ok(banco(url, &["company", "add", "Rossi Impianti"]));
    let lists: &[&[&str]] = &[
        &["lead", "list"],
        &["user", "list"],
        &["store", "list"],
        &["pipeline", "list"],
        &["campaign", "list"],
        &["rule", "list"],
        &["deal", "list"],
        &["deal", "list", "--no-customer"],
        &["company", "list"],
        &["search", "rossi"],
        &["duplicates", "scan", "person"],
        &["queue"],
        &["call", "find", "391 1234567"],
        &[
            "meeting",
            "list",
            "2030-05-01T00:00:00Z",
            "2030-05-08T00:00:00Z",
        ],
    ];
    for args in lists {
        let mut json_args = args.to_vec();
        json_args.extend(["--format", "json", "--limit", "2", "--offset", "0"]);
        let out = ok(banco(url, &json_args));
        let doc: serde_json::Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"));
        assert!(doc["items"].is_array(), "{args:?}: {doc}");
        assert!(doc["total"].is_u64(), "{args:?}: {doc}");
        assert_eq!(doc["offset"], 0, "{args:?}: {doc}");
        assert!(doc["items"].as_array().unwrap().len() <= 2, "{args:?}");
        for format in ["csv", "table"] {
            let mut other = args.to_vec();
            other.extend(["--format", format]);
            ok(banco(url, &other));
        }
    }
    let pipelines: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &[
            "pipeline", "list", "--format", "json", "--limit", "1", "--offset", "1",
        ],
    )))
    .unwrap();
    assert_eq!(pipelines["total"], 4);
    assert_eq!(pipelines["offset"], 1);
    assert_eq!(pipelines["items"].as_array().unwrap().len(), 1);
    let table = ok(banco(url, &["company", "list"]));
    assert!(
        table.contains("Rossi Impianti") && table.contains("1 of 1"),
        "{table}"
    );

    // `show` takes --format too.
    let companies: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["company", "list", "--format", "json"]))).unwrap();
    let id = companies["items"][0]["id"].as_str().unwrap().to_string();
    let shown = ok(banco(url, &["company", "show", &id, "--format", "table"]));
    assert!(shown.contains("Rossi Impianti"), "{shown}");
    let rules = ok(banco(url, &["contact-rules", "show", "--format", "csv"]));
    assert!(
        rules.lines().count() == 2 && rules.contains("time_zone"),
        "{rules}"
    );

    // `--help` names every command, grouped.
    let help = ok(banco(url, &["--help"]));
    for command in [
        "lead",
        "company",
        "note",
        "search",
        "duplicates",
        "deal",
        "pipeline",
        "campaign",
        "rule",
        "kpi",
        "call",
        "queue",
        "meeting",
        "contact-rules",
        "import",
        "export",
        "migrate",
        "user",
        "store",
        "seed",
        "reindex",
    ] {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "{command} missing from --help:\n{help}"
        );
    }
    assert!(help.contains("Sales:") && help.contains("Calls and meetings:"));
}

#[test]
fn cli_lists_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    lists_scenario(&banco::store::sqlite_url_in(dir.path()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_lists_on_postgres() {
    let url = chain_url().await;
    tokio::task::spawn_blocking(move || lists_scenario(&url))
        .await
        .unwrap();
}

/// `banco` with extra environment and a line on standard input.
fn banco_as(url: &str, env: &[(&str, &str)], stdin: &str, args: &[&str]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_banco"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("BANCO_LOGIN")
        .env_remove("BANCO_PASSWORD")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run banco");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn refused(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in: {stderr}");
}

fn sign_in_scenario(url: &str) {
    ok(banco(url, &["migrate"]));
    let users: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["user", "list", "--format", "json"]))).unwrap();
    let admin = users["items"][0]["id"].as_str().unwrap().to_string();
    // While nobody has a password the command line acts as the admin, who
    // claims the database by setting their own.
    let claimed = banco_as(
        url,
        &[],
        "cassa-2026\n",
        &[
            "user",
            "password",
            &admin,
            "--login",
            "Admin",
            "--password-stdin",
        ],
    );
    let claimed = ok(claimed);
    assert!(claimed.contains("\"login\": \"admin\""), "{claimed}");

    refused(&banco_as(url, &[], "", &["lead", "list"]), "sign in first");
    let wrong = [("BANCO_LOGIN", "admin"), ("BANCO_PASSWORD", "cassa-2025")];
    refused(
        &banco_as(url, &wrong, "", &["lead", "list"]),
        "wrong login or password",
    );
    let as_admin = [("BANCO_LOGIN", "admin"), ("BANCO_PASSWORD", "cassa-2026")];
    ok(banco_as(url, &as_admin, "", &["lead", "list"]));
    let added = ok(banco_as(
        url,
        &as_admin,
        "4821\n",
        &[
            "user",
            "add",
            "--name",
            "Anna Ferri",
            "--login",
            "anna",
            "--password-stdin",
        ],
    ));
    assert!(added.contains("\"has_password\": true"), "{added}");
    assert!(!added.contains("4821") && !claimed.contains("cassa-2026"));

    // Anna is staff: she works, but adds no colleague.
    let as_anna = [("BANCO_LOGIN", "anna"), ("BANCO_PASSWORD", "4821")];
    ok(banco_as(
        url,
        &as_anna,
        "",
        &[
            "lead",
            "add",
            "--first-name",
            "Luca",
            "--phone",
            "333 444 5555",
        ],
    ));
    refused(
        &banco_as(url, &as_anna, "", &["user", "add", "--name", "Mario Rossi"]),
        "role",
    );
    refused(&banco_as(url, &as_anna, "", &["audit"]), "admin");
    // `--sign-in` names who signs in, never who acts without their
    // password; `--user` is gone.
    refused(
        &banco_as(
            url,
            &[("BANCO_PASSWORD", "4821")],
            "",
            &["--sign-in", "admin", "user", "list"],
        ),
        "wrong login or password",
    );
    let gone = banco_as(url, &as_admin, "", &["--user", &admin, "lead", "list"]);
    assert_eq!(gone.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&gone.stderr).contains("--user"));
}

/// A chain server from the command line: `banco admin` as the owner sets
/// it up and adds a second tenant, a store and users; each user then works
/// as their own login, and only with their own password.
fn chain_scenario(owner: &str) {
    let admin = common::unique_login("admin");
    let anna = common::unique_login("anna");
    let pw = format!("{}\n", common::PG_PASSWORD);
    // A desk does not migrate a shared server: an empty one says who must.
    refused(&banco_as(owner, &[], "", &["migrate"]), "banco admin init");
    ok(banco_as(
        owner,
        &[],
        &pw,
        &[
            "admin",
            "init",
            "--tenant",
            "Catena Uno",
            "--admin-login",
            &admin,
            "--password-stdin",
        ],
    ));
    ok(banco_as(owner, &[], "", &["admin", "migrate"]));
    ok(banco_as(
        owner,
        &[],
        "",
        &["admin", "tenant", "add", "Catena Due"],
    ));
    let store = ok(banco_as(
        owner,
        &[],
        "",
        &[
            "admin",
            "store",
            "add",
            "--tenant",
            "Catena Uno",
            "Negozio Due",
        ],
    ));
    assert!(store.contains("\"code\": \"S02\""), "{store}");
    let added = ok(banco_as(
        owner,
        &[],
        &pw,
        &[
            "admin",
            "user",
            "add",
            "--tenant",
            "Catena Uno",
            "--login",
            &anna,
            "--name",
            "Anna Ferri",
            "--role",
            "staff",
            "--store",
            "S02",
            "--password-stdin",
        ],
    ));
    assert!(!added.contains(common::PG_PASSWORD), "{added}");
    // The same login twice is refused: logins are server roles.
    refused(
        &banco_as(
            owner,
            &[],
            &pw,
            &[
                "admin",
                "user",
                "add",
                "--tenant",
                "Catena Due",
                "--login",
                &anna,
                "--name",
                "Altra Anna",
                "--password-stdin",
            ],
        ),
        "already",
    );

    // The owner resets a forgotten password.
    let reset = ok(banco_as(
        owner,
        &[],
        "nuova-2026\n",
        &[
            "admin",
            "user",
            "password",
            "--tenant",
            "Catena Uno",
            "--login",
            &anna,
            "--password-stdin",
        ],
    ));
    assert!(!reset.contains("nuova-2026"), "{reset}");
    ok(banco_as(
        owner,
        &[],
        &pw,
        &[
            "admin",
            "user",
            "password",
            "--tenant",
            "Catena Uno",
            "--login",
            &anna,
            "--password-stdin",
        ],
    ));
    // Anna signs in with her password, and works in her store.
    let server = {
        let mut u = url::Url::parse(owner).unwrap();
        u.set_username("").unwrap();
        u.to_string()
    };
    let as_anna = [
        ("BANCO_LOGIN", anna.as_str()),
        ("BANCO_PASSWORD", common::PG_PASSWORD),
    ];
    ok(banco_as(
        &server,
        &as_anna,
        "",
        &[
            "lead",
            "add",
            "--first-name",
            "Luca",
            "--phone",
            "333 444 5555",
        ],
    ));
    let wrong = [
        ("BANCO_LOGIN", anna.as_str()),
        ("BANCO_PASSWORD", "cassa-2025"),
    ];
    refused(
        &banco_as(&server, &wrong, "", &["lead", "list"]),
        "wrong login or password",
    );
    refused(
        &banco_as(
            &server,
            &as_anna,
            "",
            &["user", "add", "--name", "Mario Rossi"],
        ),
        "role",
    );
    // The owner's own login is no Banco user: it acts as nobody.
    refused(
        &banco_as(owner, &[], "", &["lead", "list"]),
        "no Banco user",
    );
    // The admin sees Anna's lead; `--user` is gone.
    let as_admin = [
        ("BANCO_LOGIN", admin.as_str()),
        ("BANCO_PASSWORD", common::PG_PASSWORD),
    ];
    let list: serde_json::Value = serde_json::from_str(&ok(banco_as(
        &server,
        &as_admin,
        "",
        &["lead", "list", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(list["total"], 1);
    let gone = banco_as(&server, &as_admin, "", &["--user", &admin, "lead", "list"]);
    assert_eq!(gone.status.code(), Some(2));
}

#[test]
fn cli_sign_in_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    sign_in_scenario(&banco::store::sqlite_url_in(dir.path()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_sign_in_on_postgres() {
    let url = common::fresh_pg_url().await;
    tokio::task::spawn_blocking(move || chain_scenario(&url))
        .await
        .unwrap();
}
