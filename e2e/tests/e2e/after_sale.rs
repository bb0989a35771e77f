//! After the sale in the real window (issue 16): a won deal's contract
//! made ready by keyboard and mouse (kind, POD, direct debit with its
//! IBAN), sent for activation and activated; a bad POD refused on its
//! field; the customer then in the Customers list with one active
//! contract. A workflow template and a kit written in Settings (a bad line
//! named), the kit expanded from a customer's ticket and its tasks done in
//! My tasks.

use super::*;

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_won_deal_becomes_an_active_contract_and_its_customer_is_listed() {
    within_limit(a_won_deal_becomes_an_active_contract_and_its_customer_is_listed_scenario()).await;
}

async fn a_won_deal_becomes_an_active_contract_and_its_customer_is_listed_scenario() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, c) = start(data.path()).await;
    // A deal won at another desk (the command line).
    let lead = json(&banco_cli(
        data.path(),
        &[
            "lead",
            "add",
            "--first-name",
            "Carmela",
            "--last-name",
            "Russo",
            "--phone",
            "335 123 4567",
            "--consent",
            "service_contact",
        ],
    ));
    let person = lead["person"]["id"].as_str().unwrap().to_string();
    let deal = json(&banco_cli(
        data.path(),
        &[
            "deal",
            "add",
            "--pipeline",
            "Energia",
            "--person",
            &person,
            "--product",
            "Luce Casa Verde",
            "--monthly",
            "45",
        ],
    ));
    let id = deal["deal"]["id"].as_str().unwrap().to_string();
    banco_cli(data.path(), &["deal", "move", &id, "--won"]);

    click(&c, "#nav-customers").await;
    wait_text(&c, "#customers-table", "Carmela Russo").await;
    click(&c, "#customers-tab-contracts").await;
    wait_text(&c, "#contracts-table", "Luce Casa Verde").await;
    open_first_row(&c, "#contracts-table").await;
    wait_text(&c, "#contract-status", "Firmato").await;
    wait_text(&c, "#contract-missing", "Pagamento").await;

    // A POD with a wrong letter is refused on its field; nothing is saved.
    click(&c, "#contract-kind option[value=electricity]").await;
    type_into(&c, "#contract-pod", "IT001X12345678").await;
    click(&c, "#contract-payment option[value=direct_debit]").await;
    type_into(&c, "#contract-iban", "IT60 X054 2811 1010 0000 0123 456").await;
    click(&c, "#contract-save").await;
    wait_text(&c, "#contract-form", "non è un POD valido").await;
    shot(&c, "after-sale-01-bad-pod").await;
    type_into(&c, "#contract-pod", "it001e12345678").await;
    click(&c, "#contract-save").await;
    wait_text(&c, "#contract-history", "POD").await;
    wait_gone(&c, "#contract-missing").await;

    click(&c, "#contract-to-activation_requested").await;
    wait_text(&c, "#contract-status", "Attivazione richiesta").await;
    click(&c, "#contract-to-active").await;
    wait_text(&c, "#contract-status", "Attivo").await;
    wait_text(&c, "#contract-history", "Attivazione richiesta").await;
    shot(&c, "after-sale-02-active").await;

    // The deal shows its contract too.
    let shown = json(&banco_cli(
        data.path(),
        &["contract", "list", "--format", "json"],
    ));
    assert_eq!(shown["items"][0]["pod"], "IT001E12345678", "{shown}");
    assert_eq!(shown["items"][0]["status"], "active", "{shown}");

    // The customer, with one active contract.
    click(&c, "#contract-detail .close").await;
    click(&c, "#customers-tab-customers").await;
    click(&c, "#customers-status option[value=active]").await;
    let row = wait_text(&c, "#customers-table tbody tr", "Carmela Russo").await;
    assert!(row.contains("335 123 4567"), "{row}");
    assert!(row.contains("45,00"), "{row}");
    shot(&c, "after-sale-03-customers").await;
    let _ = c.close().await;
}

/// The id of the ticket titled `title`, from the command line.
fn ticket_id(data: &std::path::Path, title: &str) -> (String, String) {
    let all = json(&banco_cli(
        data,
        &["ticket", "list", "--all", "--format", "json"],
    ));
    let t = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"].as_str().unwrap_or("").starts_with(title))
        .unwrap_or_else(|| panic!("no ticket {title}: {all}"))
        .clone();
    (
        t["id"].as_str().unwrap().to_string(),
        t["status"].as_str().unwrap().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kit_expands_from_a_customers_ticket_and_my_tasks_close_it() {
    within_limit(a_kit_expands_from_a_customers_ticket_and_my_tasks_close_it_scenario()).await;
}

async fn a_kit_expands_from_a_customers_ticket_and_my_tasks_close_it_scenario() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, c) = start(data.path()).await;
    let d = data.path();
    banco_cli(
        d,
        &[
            "ticket",
            "template",
            "add",
            "Attivazione fibra",
            "--pipeline",
            "Fisso",
            "--milestone",
            "Ordine: Inserire l'ordine",
        ],
    );
    // The Onboarding template and the kit, written in Settings; a line
    // in the wrong shape is named and nothing is saved.
    click(&c, "#nav-settings").await;
    wait_text(&c, "#work-settings", "Modelli di lavorazione").await;
    type_into(&c, "#template-name", "Onboarding").await;
    type_into(&c, "#template-milestones", "Firma e benvenuto").await;
    click(&c, "#template-save").await;
    wait_text(&c, "#work-settings-message", "Riga 1:").await;
    type_into(
        &c,
        "#template-milestones",
        "Onboarding: Firma, Welcome call (2)",
    )
    .await;
    click(&c, "#template-save").await;
    wait_text(&c, "#work-settings-message", "«Onboarding» salvato").await;
    wait_text(&c, "#templates-list", "Onboarding: Firma, Welcome call (2)").await;
    type_into(&c, "#kit-name", "Casa").await;
    type_into(
        &c,
        "#kit-services",
        "Fibra 1 Gbit; Fisso; 0; 29,90\u{E007}Luce Casa; Luce e gas; 0; 45",
    )
    .await;
    click(&c, "#kit-save").await;
    wait_text(&c, "#work-settings-message", "Riga 2:").await;
    type_into(
        &c,
        "#kit-services",
        "Fibra 1 Gbit; Fisso; 0; 29,90\u{E007}Luce Casa; Energia; 0; 45",
    )
    .await;
    click(&c, "#kit-save").await;
    wait_text(&c, "#kits-list", "Luce Casa").await;
    shot(&c, "after-sale-00-settings").await;
    capture(&c, "Teresa", "Ferrara", "333 700 1000").await;

    // Her card → After the sale → a ticket with the kit.
    search_for(&c, "Teresa Ferrara").await;
    wait_text(&c, "#search-results", "Teresa Ferrara").await;
    press(&c, ENTER).await;
    click(&c, "#tab-after_sale").await;
    wait_text(&c, "#after-sale", "Nessun contratto").await;
    click(&c, "#ticket-kit option[value='Casa']").await;
    click(&c, "#ticket-open").await;
    wait_text(&c, "#ticket-panel", "Onboarding – Teresa Ferrara").await;
    wait_text(&c, "#ticket-panel", "Welcome call").await;

    // The kit's buttons, each pressed twice where it matters.
    click(&c, "#kit-deals").await;
    wait_text(&c, "#ticket-notice", "Trattative: 2 create, 0 già presenti").await;
    click(&c, "#kit-deals").await;
    wait_text(&c, "#ticket-notice", "Trattative: 0 create, 2 già presenti").await;
    click(&c, "#kit-tickets").await;
    wait_text(&c, "#ticket-notice", "Ticket figli: 2 creati").await;
    wait_text(&c, "#ticket-children", "Fibra 1 Gbit").await;
    click(&c, "#kit-activities").await;
    wait_text(&c, "#ticket-notice", "Attività: 2 create").await;
    shot(&c, "after-sale-04-kit").await;

    // My tasks: the parent's two, done from the list, close its ticket.
    click(&c, "#after-sale-detail .close").await;
    click(&c, "#nav-tasks").await;
    wait_text(&c, "#tasks-today", "Firma").await;
    wait_text(&c, "#tasks-upcoming", "Welcome call").await;
    shot(&c, "after-sale-05-my-tasks").await;
    let (parent, status) = ticket_id(d, "Onboarding");
    assert_eq!(status, "open");
    // (The Luce child follows the same template: its "Firma" stays.)
    for (group, title) in [("today", "Firma"), ("upcoming", "Welcome call")] {
        let parents = format!(
            "[...document.querySelectorAll('#tasks-{group} li.task')].filter(li => li.innerText.includes('{title}') && li.innerText.includes('Onboarding'))"
        );
        c.execute(
            &format!("{parents}[0].querySelector('input').click()"),
            vec![],
        )
        .await
        .unwrap();
        wait_js(
            &c,
            &format!("the parent's {title} leaves the list"),
            &format!("{parents}.length === 0"),
        )
        .await;
    }
    let shown = json(&banco_cli(d, &["ticket", "show", &parent]));
    assert_eq!(shown["ticket"]["status"], "closed", "{shown}");
    let _ = c.close().await;
}
