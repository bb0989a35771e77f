//! An export in the real window (issue 15): the leads list saved as
//! Excel (Italia) where the save dialog says — a CSV with a BOM and `;`
//! that Italian Excel opens as a table, the phone kept as text — and the
//! export then listed in Settings → the export log, with who, what, the
//! format and the rows.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leads_export_opens_in_italian_excel_and_is_in_the_export_log() {
    within_limit(a_leads_export_opens_in_italian_excel_and_is_in_the_export_log_scenario()).await;
}

async fn a_leads_export_opens_in_italian_excel_and_is_in_the_export_log_scenario() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, c) = start(data.path()).await;
    capture(&c, "Nicolò", "D'Amico", "333 123 4567").await;

    click(&c, "#nav-leads").await;
    wait_text(&c, "#leads-table", "D'Amico").await;
    // Excel (Italia) is the format a store gets unless it picks another.
    wait_js(
        &c,
        "Excel (Italia) is preselected",
        "document.querySelector('#leads-export-format').value === 'excel-it'",
    )
    .await;
    let out = data.path().join("lead.csv");
    desk::pick(&c, data.path(), "#leads-export", &out).await;
    wait_text(&c, "[role=status]", "lead.csv").await;
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.contains(';') && header.contains("Cognome"),
        "{header}"
    );
    assert!(
        text.contains("Nicolò") && text.contains("D'Amico"),
        "{text}"
    );
    assert!(!text.contains("3,9E"), "{text}");

    // The export log in Settings: the admin, the leads, the format, 1 row.
    click(&c, "#nav-settings").await;
    let log = wait_text(&c, "#audit-trail", "Lead").await;
    assert!(log.contains("Excel"), "{log}");
    wait_text(&c, "#audit-trail .audit-entry", "1").await;
    c.execute(
        "document.querySelector('#audit-card').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "exports-01-log").await;
    let _ = c.close().await;
}
