//! The command line after the sale (issue 16): a won deal's contract made
//! ready, sent for activation and activated; the Customers list; a sale
//! made before Banco entered with `contract add`.

use super::{banco, ok, refused};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// Ada's mobile contract (won in `deals_scenario`) to active, beside the
/// two imported won deals' contracts (active from the start).
pub fn after_the_sale(url: &str) {
    let signed = json(&ok(banco(
        url,
        &["contract", "list", "--status", "signed", "--format", "json"],
    )));
    assert_eq!(signed["total"], 1, "{signed}");
    let ada = &signed["items"][0];
    assert_eq!(ada["offer"], "SIM 150 Giga");
    assert_eq!(ada["duration_months"], 12);
    let id = ada["id"].as_str().unwrap().to_string();

    refused(
        &banco(url, &["contract", "move", &id, "activation_requested"]),
        "payment_method",
    );
    refused(
        &banco(
            url,
            &[
                "contract",
                "edit",
                &id,
                "--iban",
                "IT60 X054 2811 1010 0000 0123 450",
            ],
        ),
        "iban",
    );
    refused(
        &banco(url, &["contract", "edit", &id, "--pod", "IT001E12345678"]),
        "pod",
    );
    let ready = json(&ok(banco(
        url,
        &[
            "contract",
            "edit",
            &id,
            "--kind",
            "mobile",
            "--msisdn",
            "333 999 8887",
            "--iccid",
            "8939 1045 2100 0000 019",
            "--payment",
            "card",
            "--portability",
            "true",
        ],
    )));
    assert_eq!(ready["item"]["msisdn"], "+393339998887", "{ready}");
    assert_eq!(ready["missing_for_activation"], serde_json::json!([]));
    ok(banco(
        url,
        &["contract", "move", &id, "activation_requested"],
    ));
    refused(
        &banco(url, &["contract", "move", &id, "suspended"]),
        "status",
    );
    let active = json(&ok(banco(url, &["contract", "move", &id, "active"])));
    assert_eq!(active["item"]["status"], "active", "{active}");
    refused(&banco(url, &["contract", "move", &id, "ceased"]), "reason");
    refused(&banco(url, &["contract", "move", &id, "finished"]), "to");

    let all = json(&ok(banco(
        url,
        &["contract", "list", "--status", "active", "--format", "json"],
    )));
    assert_eq!(all["total"], 3, "{all}");
    let customers = ok(banco(url, &["customer", "list", "--format", "csv"]));
    // Columns by name (CSV heads them in the JSON form's order).
    assert!(
        customers.starts_with(
            "active,contact,contracts,entity_id,entity_type,monthly_minor,name,next_term_end"
        ),
        "{customers}"
    );
    assert!(
        customers
            .lines()
            .any(|l| l.starts_with("1,+393339998887,1,") && l.contains(",person,999,Ada,")),
        "{customers}"
    );
    assert_eq!(customers.lines().count(), 1 + 3, "{customers}");
    let shown = json(&ok(banco(url, &["contract", "show", &id])));
    assert_eq!(shown["events"].as_array().unwrap().len(), 4, "{shown}");

    // A sale made before Banco, entered by hand: a won deal and its
    // contract, signed on its day; refused without a customer or with a
    // price that is not one, and then nothing is written.
    let person = ada["person_id"].as_str().unwrap().to_string();
    let sale = |extra: &[&str]| {
        let mut args = vec![
            "contract",
            "add",
            "--product",
            "Luce Casa",
            "--pipeline",
            "Energia",
        ];
        args.extend_from_slice(extra);
        banco(url, &args)
    };
    refused(&sale(&["--monthly", "45"]), "person_id");
    refused(
        &sale(&["--person", &person, "--monthly", "tanti"]),
        "--monthly",
    );
    let added = json(&ok(sale(&[
        "--person",
        &person,
        "--monthly",
        "45,50",
        "--signed",
        "2026-01-15",
    ])));
    assert_eq!(added["item"]["status"], "signed", "{added}");
    assert_eq!(added["item"]["start_date"], "2026-01-15", "{added}");
    assert_eq!(added["item"]["monthly_minor"], 4550, "{added}");
    let signed = json(&ok(banco(
        url,
        &["contract", "list", "--status", "signed", "--format", "json"],
    )));
    assert_eq!(signed["total"], 1, "only the one added: {signed}");
    let customers = ok(banco(url, &["customer", "list", "--format", "csv"]));
    assert!(
        customers
            .lines()
            .any(|l| l.starts_with("1,+393339998887,2,")),
        "Ada now has two contracts: {customers}"
    );
}
