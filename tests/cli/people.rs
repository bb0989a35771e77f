//! A person on the command line (issue 15): imported from a vCard, found,
//! exported again, then corrected with `person edit` (a bad number refused
//! by name, nothing written) and shown with `person show`; his access
//! export (`gdpr export`) written to a file and to the audit trail; then
//! his erasure (`gdpr erase`), refused without `--yes`.

use super::{banco, banco_as, ok, refused};

/// Nicolò from a phone's vCard, then his name and number corrected.
pub fn vcard_then_corrected(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let vcf = dir.path().join("contatti.vcf");
    std::fs::write(
        &vcf,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Bellò;Nicolò;;;\r\nTEL;TYPE=CELL:+39 347 555 6666\r\nEND:VCARD\r\n",
    )
    .unwrap();
    let out = ok(banco(
        url,
        &["import", "--kind", "vcard", vcf.to_str().unwrap()],
    ));
    assert!(out.starts_with("1 rows: 1 imported"), "{out}");
    let found: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["search", "nicolo", "--format", "json"]))).unwrap();
    let person = found["items"][0]["id"].as_str().unwrap().to_string();
    let card = ok(banco(url, &["export", "vcard", "--person", &person]));
    assert!(
        card.contains("Bellò;Nicolò;;;\r\n") && card.contains("TEL;TYPE=CELL:+393475556666"),
        "{card}"
    );

    refused(
        &banco(url, &["person", "edit", &person, "--phone", "12"]),
        "phone",
    );
    refused(
        &banco(
            url,
            &["person", "edit", &person, "--birth-date", "30/02/1984"],
        ),
        "birth_date",
    );
    let edited: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &[
            "person",
            "edit",
            &person,
            "--last-name",
            "Bellò Rossi",
            "--phone",
            "347 555 7777",
            "--email",
            "Nico@Esempio.IT",
            "--address",
            "Via dei Mille 3",
            "--postal-code",
            "40121",
            "--province",
            "bo",
            "--birth-date",
            "29/02/1984",
            "--language",
            "it",
            "--channel",
            "whatsapp",
        ],
    )))
    .unwrap();
    assert_eq!(edited["person"]["birth_date"], "1984-02-29", "{edited}");
    assert_eq!(edited["person"]["province"], "BO", "{edited}");
    assert_eq!(
        edited["person"]["preferred_channel"], "whatsapp",
        "{edited}"
    );
    assert_eq!(edited["person"]["last_name"], "Bellò Rossi", "{edited}");
    assert_eq!(edited["person"]["phone"], "+393475557777", "{edited}");
    assert_eq!(edited["person"]["email"], "nico@esempio.it", "{edited}");
    let shown: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["person", "show", &person]))).unwrap();
    assert_eq!(shown["person"], edited["person"], "{shown}");
    let found = ok(banco(url, &["search", "rossi", "--format", "json"]));
    assert!(found.contains(&person), "{found}");

    // His access export (GDPR art. 15), to a file, and in the trail.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dati.json");
    ok(banco(
        url,
        &[
            "gdpr",
            "export",
            &person,
            "--out",
            file.to_str().unwrap(),
            "--pdf",
            dir.path().join("dati.pdf").to_str().unwrap(),
        ],
    ));
    assert!(std::fs::read(dir.path().join("dati.pdf"))
        .unwrap()
        .starts_with(b"%PDF-"));
    let export: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(export["format"], "banco.person-data.v1", "{export}");
    assert_eq!(export["person"]["last_name"], "Bellò Rossi", "{export}");
    let trail = ok(banco(url, &["audit", "--format", "json"]));
    assert!(
        trail.contains("gdpr_access") && trail.contains(&format!("person:{person}")),
        "{trail}"
    );

    // Consents per channel, a bad one named; the objection; the receipt.
    refused(
        &banco(
            url,
            &["person", "consent", &person, "--give", "marketing:fax"],
        ),
        "channel",
    );
    let history: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &[
            "person",
            "consent",
            &person,
            "--give",
            "marketing:sms",
            "--withdraw",
            "marketing:call",
            "--source",
            "phone",
        ],
    )))
    .unwrap();
    assert_eq!(history[0]["source"], "phone", "{history}");
    let objected: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["person", "object", &person]))).unwrap();
    assert_eq!(objected[0]["source"], "objection", "{objected}");
    let receipt = dir.path().join("ricevuta.pdf");
    ok(banco(
        url,
        &[
            "person",
            "receipt",
            &person,
            "--out",
            receipt.to_str().unwrap(),
            "--lang",
            "en",
        ],
    ));
    assert!(std::fs::read(&receipt).unwrap().starts_with(b"%PDF-"));

    // Segments and automations from the command line.
    let summary: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["segment", "rules", "--new-days", "30"]))).unwrap();
    assert_eq!(summary["rules"]["new_days"], 30, "{summary}");
    refused(
        &banco(url, &["segment", "rules", "--at-risk-days", "900"]),
        "at_risk_days",
    );
    let rules: serde_json::Value = serde_json::from_str(&ok(banco(
        url,
        &[
            "automation",
            "set",
            "welcome_call",
            "--active",
            "true",
            "--days",
            "2",
        ],
    )))
    .unwrap();
    assert_eq!(rules[0]["active"], true, "{rules}");
    let runs: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["automation", "run"]))).unwrap();
    assert_eq!(runs[0]["kind"], "welcome_call", "{runs}");
    let segment = dir.path().join("vip.csv");
    ok(banco(
        url,
        &[
            "export",
            "segment",
            "vip",
            "--channel",
            "sms",
            "--output",
            segment.to_str().unwrap(),
        ],
    ));
    assert!(std::fs::read_to_string(&segment)
        .unwrap()
        .starts_with("first_name"));

    // His erasure (GDPR art. 17): only with --yes; then nothing finds him.
    refused(&banco(url, &["gdpr", "erase", &person]), "yes");
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let erased: serde_json::Value = serde_json::from_str(&ok(banco_as(
        url,
        &[("BANCO_DATA_DIR", data_dir)],
        "",
        &["gdpr", "erase", &person, "--yes"],
    )))
    .unwrap();
    assert_eq!(erased["person_id"], person.as_str(), "{erased}");
    let shown: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["person", "show", &person]))).unwrap();
    assert_eq!(shown["person"]["first_name"], "Anonimo", "{shown}");
    assert!(shown["person"]["phone"].is_null(), "{shown}");
    let found = ok(banco(url, &["search", "rossi", "--format", "json"]));
    assert!(!found.contains(&person), "{found}");
    let trail = ok(banco(url, &["audit", "--format", "json"]));
    assert!(trail.contains("gdpr_erasure"), "{trail}");

    // The retention rule: shown, changed, applied only with --yes.
    let preview: serde_json::Value =
        serde_json::from_str(&ok(banco(url, &["gdpr", "retention", "--months", "36"]))).unwrap();
    assert_eq!(preview["months"], 36, "{preview}");
    assert_eq!(preview["people"], 0, "{preview}");
    refused(&banco(url, &["gdpr", "retention", "--apply"]), "yes");
    let run: serde_json::Value = serde_json::from_str(&ok(banco_as(
        url,
        &[("BANCO_DATA_DIR", data_dir)],
        "",
        &["gdpr", "retention", "--apply", "--yes"],
    )))
    .unwrap();
    assert_eq!(run["erased"], 0, "{run}");
}
