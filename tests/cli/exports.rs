//! The command line's exports of deals, KPI tables and companies, in the
//! window's formats, and their entries in the audit trail.

use super::{banco, banco_as, ok, refused};

/// The won deals as Excel (Italia) and a KPI table, then the trail.
pub fn deals_and_kpis(url: &str) {
    // The same deals and a KPI table as the window exports them.
    let won = ok(banco(
        url,
        &["export", "deals", "--format", "excel-it", "--status", "won"],
    ));
    let won = won
        .strip_prefix('\u{feff}')
        .expect("Excel (Italia) starts with a BOM");
    assert_eq!(won.lines().count(), 1 + 3, "{won}");
    assert!(won.lines().next().unwrap().contains(';'), "{won}");
    // Statuses in words, in the shell's language.
    assert!(won.lines().nth(1).unwrap().contains(";Vinta;"), "{won}");
    let table = ok(banco(
        url,
        &[
            "export",
            "kpi",
            "pipelines",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
        ],
    ));
    assert!(table.contains("Fisso,2,2,1"), "{table}");
    refused(
        &banco(url, &["export", "kpi", "margins"]),
        "campaigns, pipelines",
    );
    refused(
        &banco(url, &["export", "deals", "--format", "json"]),
        "format",
    );
    let trail: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["audit", "--format", "json"]))).unwrap();
    let subjects: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["kpi:pipelines", "deals"], "{trail}");

    // In English where the shell speaks English; the trail narrowed to
    // its exports of the last days.
    let english = ok(banco_as(
        url,
        &[("LC_ALL", "en_US.UTF-8")],
        "",
        &["export", "deals", "--format", "excel-it", "--status", "won"],
    ));
    let header = english.lines().next().unwrap();
    assert!(header.contains("Title;Pipeline;Stage;Status"), "{header}");
    assert!(english.contains(";Won;"), "{english}");
    let since = (chrono::Utc::now() - chrono::Duration::days(2))
        .date_naive()
        .to_string();
    let exports: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &[
            "audit", "--action", "export", "--from", &since, "--format", "json",
        ],
    )))
    .unwrap();
    assert_eq!(exports["items"].as_array().unwrap().len(), 3, "{exports}");
    let none: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &["audit", "--action", "gdpr_erasure", "--format", "json"],
    )))
    .unwrap();
    assert!(none["items"].as_array().unwrap().is_empty(), "{none}");
}

/// The b2b companies as an `.xlsx` workbook.
pub fn companies_xlsx(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("aziende.xlsx").display().to_string();
    ok(banco(
        url,
        &[
            "export",
            "companies",
            "--tag",
            "b2b",
            "--format",
            "xlsx",
            "--output",
            &sheet,
        ],
    ));
    assert!(
        std::fs::read(&sheet).unwrap().starts_with(b"PK"),
        "an .xlsx is a zip"
    );
}

/// The leads export just made is in the audit trail.
pub fn leads_export_audited(url: &str) {
    // The export is in the audit trail: which list, format, rows, and
    // that a search was typed, not what.
    let trail: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["audit", "--format", "json"]))).unwrap();
    let last = &trail["items"][0];
    assert_eq!(last["action"], "export", "{trail}");
    assert_eq!(last["subject"], "leads");
    let detail: serde_json::Value = serde_json::from_str(last["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["format"], "csv");
    assert_eq!(detail["filter"]["search"], true, "{detail}");
    assert!(detail["rows"].as_u64().unwrap() >= 1);
    assert!(!trail.to_string().to_lowercase().contains("rossi"));
}
