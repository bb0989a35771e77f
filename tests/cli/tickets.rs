//! The command line's tickets, tasks and kits (issue 16): a template and a
//! kit defined, a kit expanded on a customer with every step pressed twice,
//! the parent ticket closed through its tasks, a task by hand.

use super::{banco, ok, refused};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// Runs after `deals_scenario` made Ada (a person) and the pipelines.
pub fn work(url: &str) {
    ok(banco(
        url,
        &[
            "ticket",
            "template",
            "add",
            "Onboarding",
            "--milestone",
            "Onboarding: Firma, Invio documenti (2), Welcome call (5)",
        ],
    ));
    ok(banco(
        url,
        &[
            "ticket",
            "template",
            "add",
            "Attivazione mobile",
            "--pipeline",
            "Mobile",
            "--milestone",
            "Ordine: Inserire l'ordine",
            "--milestone",
            "Consegna: Consegnare la SIM (1)",
        ],
    ));
    refused(
        &banco(
            url,
            &[
                "ticket",
                "template",
                "add",
                "Rotto",
                "--milestone",
                "senza due punti",
            ],
        ),
        "milestone",
    );
    ok(banco(
        url,
        &[
            "kit",
            "add",
            "Casa e mobile",
            "--service",
            "Fibra 1 Gbit; Fisso; 0; 29,90",
            "--service",
            "SIM 100 Giga; Mobile; 10; 9,99",
        ],
    ));
    refused(
        &banco(url, &["kit", "add", "Storto", "--service", "Fibra; Fisso"]),
        "services.0",
    );
    let customers = json(&ok(banco(url, &["customer", "list", "--format", "json"])));
    let ada = customers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Ada")
        .unwrap()["entity_id"]
        .as_str()
        .unwrap()
        .to_string();

    let said = ok(banco(
        url,
        &[
            "kit",
            "expand",
            "--kit",
            "Casa e mobile",
            "--on",
            "person",
            "--id",
            &ada,
        ],
    ));
    assert!(said.contains("deals: 0 created, 2 already there"), "{said}");
    assert!(
        said.contains("child tickets: 2 created, 0 already there"),
        "{said}"
    );
    assert!(
        said.contains("activities: 3 created, 0 already there"),
        "{said}"
    );
    let parent = said
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("ticket ")
        .split(':')
        .next()
        .unwrap()
        .to_string();
    let again = ok(banco(url, &["kit", "expand", "--ticket", &parent]));
    assert!(
        again.contains("deals: 0 created, 2 already there"),
        "{again}"
    );
    assert!(
        again.contains("child tickets: 0 created, 2 already there"),
        "{again}"
    );
    assert!(
        again.contains("activities: 0 created, 3 already there"),
        "{again}"
    );

    // The parent's three onboarding tasks, done one by one, close it.
    let tasks = json(&ok(banco(
        url,
        &["task", "list", "--ticket", &parent, "--format", "json"],
    )));
    assert_eq!(tasks["total"], 3, "{tasks}");
    for t in tasks["items"].as_array().unwrap() {
        ok(banco(url, &["task", "done", t["id"].as_str().unwrap()]));
    }
    let shown = json(&ok(banco(url, &["ticket", "show", &parent])));
    assert_eq!(shown["ticket"]["status"], "closed", "{shown}");
    assert_eq!(shown["children"].as_array().unwrap().len(), 2);
    let open = ok(banco(url, &["ticket", "list", "--format", "csv"]));
    assert_eq!(open.lines().count(), 1 + 2, "the two child tickets: {open}");

    // A task by hand, due in the past: overdue in My tasks.
    ok(banco(
        url,
        &[
            "task",
            "add",
            "Richiamare Ada",
            "--on",
            "person",
            "--id",
            &ada,
            "--due",
            "2026-01-10",
            "--call",
        ],
    ));
    let mine = json(&ok(banco(url, &["task", "list", "--format", "json"])));
    let first = &mine["items"][0];
    assert_eq!(first["title"], "Richiamare Ada", "{mine}");
    assert_eq!(first["bucket"], "overdue");
    refused(
        &banco(
            url,
            &[
                "task", "add", "x", "--on", "person", "--id", &ada, "--due", "domani",
            ],
        ),
        "due",
    );
    refused(&banco(url, &["kit", "expand", "--step", "deals"]), "ticket");

    // A stage's tasks, set and read back.
    let set = json(&ok(banco(
        url,
        &[
            "task",
            "stage",
            "Fisso",
            "Offerta",
            "--task",
            "Inviare l'offerta, con IVA",
            "--task",
            "Richiamare (3)",
        ],
    )));
    assert_eq!(set[0]["title"], "Inviare l'offerta, con IVA", "{set}");
    assert_eq!(set[1]["due_days"], 3, "{set}");
    refused(
        &banco(url, &["task", "stage", "Fisso", "Nessuna"]),
        "Nessuna",
    );
    let cleared = json(&ok(banco(
        url,
        &["task", "stage", "Fisso", "Offerta", "--clear"],
    )));
    assert_eq!(cleared, serde_json::json!([]));
}
