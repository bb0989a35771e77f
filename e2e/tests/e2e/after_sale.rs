//! After the sale in the real window (issue 16): a won deal's contract
//! made ready by keyboard and mouse (kind, POD, direct debit with its
//! IBAN), sent for activation and activated; a bad POD refused on its
//! field; the customer then in the Customers list with one active
//! contract.

use super::*;

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_won_deal_becomes_an_active_contract_and_its_customer_is_listed() {
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
