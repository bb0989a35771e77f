//! End-to-end test of the real window: the app built with the bundled UI
//! (`custom-protocol`), run by `tauri-driver` + `WebKitWebDriver`, driven
//! over W3C WebDriver with `fantoccini`.
//!
//! It needs a display and a session bus: `scripts/test.sh` runs it under
//! Xvfb inside `dbus-run-session` with `NO_AT_BRIDGE=1`, and names the app
//! binary in `BANCO_E2E_APP`. Without that variable it fails and says so
//! (it never skips silently). Screenshots land in `target/e2e-shots/`.
#![allow(missing_docs, clippy::unwrap_used)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

#[path = "e2e/after_sale.rs"]
mod after_sale;
#[path = "e2e/alerts.rs"]
mod alerts;
#[path = "e2e/calls.rs"]
mod calls;
#[path = "e2e/chain.rs"]
mod chain;
#[path = "e2e/desk.rs"]
mod desk;
#[path = "e2e/exports.rs"]
mod exports;
#[path = "e2e/gdpr.rs"]
mod gdpr;
#[path = "e2e/habits.rs"]
mod habits;
#[path = "e2e/launch.rs"]
mod launch;
#[path = "e2e/sales.rs"]
mod sales;
#[path = "e2e/update.rs"]
mod update;
use launch::*;
#[path = "../../tests/proxy/mod.rs"]
mod proxy;

const ENTER: &str = "\u{E007}";
/// The WebDriver key Enter, as a character of typed text.
const ENTER_KEY: char = '\u{E007}';
const TIMEOUT: Duration = Duration::from_secs(30);

async fn shot(c: &Client, name: &str) {
    let dir = repo_root().join("target/e2e-shots");
    std::fs::create_dir_all(&dir).unwrap();
    if let Ok(png) = c.screenshot().await {
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

/// The `value` of the form field `css` (`None` if it has none).
async fn value_of(c: &Client, css: &str) -> Option<String> {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
}

/// Waits until the element's text contains `needle`; returns the text.
async fn wait_text(c: &Client, css: &str, needle: &str) -> String {
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < TIMEOUT {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            if let Ok(text) = el.text().await {
                if text.contains(needle) {
                    return text;
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    shot(c, "timeout").await;
    panic!("`{css}` never contained `{needle}`; last text: `{last}`");
}

/// Scrolls the first `css` element to the middle of the view (WebKit's
/// driver refuses to act on elements at the edge), then awaits `then`.
async fn scroll_then<T>(c: &Client, css: &str, then: impl std::future::Future<Output = T>) -> T {
    let _ = c
        .execute(
            "const el = document.querySelector(arguments[0]); if (el) el.scrollIntoView({block: 'center'});",
            vec![css.into()],
        )
        .await;
    then.await
}

/// Types `text` into the field `css`, and checks that the field holds it:
/// a page still loading may re-render the field under the keys (the
/// element goes stale, or its first characters are lost), and then the
/// field is found again and typed into again. Text with WebDriver keys
/// (Enter, arrows: private-use characters) may submit or move, so it is
/// typed once, with no check of the value; but for Enter in a text area,
/// a new line, checked as plain text is.
async fn type_into(c: &Client, css: &str, text: &str) {
    let plain = !text
        .chars()
        .any(|ch| ('\u{E000}'..='\u{F8FF}').contains(&ch));
    // An empty text still types (a space, then Backspace) so that the
    // page sees an input event.
    let keys = if text.is_empty() { " \u{E003}" } else { text };
    let started = Instant::now();
    let mut last_error = String::new();
    while started.elapsed() < TIMEOUT {
        let el = match c
            .wait()
            .at_most(TIMEOUT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(el) => el,
            Err(e) => {
                shot(c, "timeout").await;
                panic!("no `{css}` to type into: {e}");
            }
        };
        // Fields low on a long page: bring it into view first.
        scroll_then(c, css, async {}).await;
        let typed = match el.clear().await {
            Ok(()) => el.send_keys(keys).await,
            Err(e) => Err(e),
        };
        // What the field must hold after: the text, with Enter a new line
        // in a text area. Other keys (Enter in a one-line field submits
        // it) leave nothing to check.
        let expected = match el.prop("tagName").await {
            _ if plain => Some(text.to_string()),
            Ok(Some(tag))
                if tag.eq_ignore_ascii_case("textarea")
                    && !text
                        .chars()
                        .any(|ch| ch != ENTER_KEY && ('\u{E000}'..='\u{F8FF}').contains(&ch)) =>
            {
                Some(text.replace(ENTER_KEY, "\n"))
            }
            _ => None,
        };
        match (typed, expected) {
            (Ok(()), None) => return,
            // Read the field found again: typing may have re-rendered it
            // (a suggestion list opening under "@"), or a render between
            // the clearing and the keys put the old text back.
            (Ok(()), Some(expected)) => {
                match async { c.find(Locator::Css(css)).await?.prop("value").await }.await {
                    Ok(Some(v)) if v == expected => return,
                    Ok(v) => last_error = format!("the field holds {v:?}"),
                    Err(e) => last_error = e.to_string(),
                }
            }
            (Err(e), _) => last_error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    shot(c, "timeout").await;
    panic!("cannot type {text:?} into `{css}`: {last_error}");
}

async fn click(c: &Client, css: &str) {
    let started = Instant::now();
    loop {
        let err = match c
            .wait()
            .at_most(TIMEOUT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(el) => match scroll_then(c, css, el.click()).await {
                Ok(_) => return,
                Err(e) => e,
            },
            Err(e) => e,
        };
        if started.elapsed() > TIMEOUT {
            shot(c, "timeout").await;
            // The error's kind too: WebKitWebDriver may send no message.
            panic!("cannot click `{css}`: {err} ({err:?})");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Calls Banco's `command` from the current window's page as a script
/// would, with a well-formed request for `list_leads` and an empty one
/// otherwise: `"allowed"` when the core answered, else the refusal.
async fn try_invoke(c: &Client, command: &str) -> String {
    let req = if command == "list_leads" {
        r#"{"query": {}}"#
    } else {
        "{}"
    };
    c.execute_async(
        &format!(
            "const done = arguments[arguments.length - 1]; \
             window.__TAURI__.core.invoke('{command}', {{ req: {req} }}) \
               .then(() => done('allowed'), e => done('refused: ' + JSON.stringify(e)));"
        ),
        vec![],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Opens the first row of the list `table` (`#leads-table`, `#deal-list`)
/// from the keyboard, as counter staff do: focus it, Enter.
async fn open_first_row(c: &Client, table: &str) {
    c.execute(
        &format!("document.querySelector('{table} tbody tr').focus()"),
        vec![],
    )
    .await
    .unwrap();
    press(c, ENTER).await;
}

async fn active_name(c: &Client) -> String {
    c.execute(
        "return document.activeElement && document.activeElement.name",
        vec![],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counter_capture_leads_list_and_csv_import_in_the_real_window() {
    within_limit(counter_capture_leads_list_and_csv_import_in_the_real_window_scenario()).await;
}

async fn counter_capture_leads_list_and_csv_import_in_the_real_window_scenario() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, c) = start(data.path()).await;
    let result = tokio::time::timeout(Duration::from_secs(240), scenario(&c, data.path())).await;
    shot(&c, "last").await;
    let _ = c.close().await;
    result.expect("the scenario finished in time");
}

async fn scenario(c: &Client, data: &std::path::Path) {
    // The window opens on the Counter, focus in the first field.
    wait_text(c, "h1", "Nuovo cliente al banco").await;
    c.wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Css("input[name=first_name]"))
        .await
        .unwrap();
    assert_eq!(active_name(c).await, "first_name");
    shot(c, "01-counter").await;

    // An empty save says exactly what is missing, in Italian.
    click(c, "#counter-save").await;
    wait_text(c, "#counter-form", "inserisci almeno il nome o il cognome").await;
    wait_text(c, "#counter-form", "serve un telefono o un'e-mail").await;

    // Keyboard-first capture: type, Tab through, Enter saves.
    type_into(c, "input[name=first_name]", "Giulia").await;
    let first = c
        .find(Locator::Css("input[name=first_name]"))
        .await
        .unwrap();
    first.send_keys("\u{E004}Bianchi").await.unwrap(); // Tab to last_name
    assert_eq!(active_name(c).await, "last_name");
    type_into(c, "input[name=phone]", "347 123 4567").await;
    type_into(c, "input[name=email]", "giulia.bianchi@example.it").await;
    click(c, "input[name=consent_service_contact]").await;
    click(c, "input[name=consent_marketing]").await;
    type_into(
        c,
        "input[name=note]",
        &format!("Interessata alla fibra FTTH{ENTER}"),
    )
    .await;
    wait_text(c, "#counter-saved", "Giulia Bianchi").await;
    let cleared = value_of(c, "input[name=first_name]").await;
    assert_eq!(cleared.as_deref(), Some(""), "the form clears after a save");
    assert_eq!(
        active_name(c).await,
        "first_name",
        "focus returns to the first field"
    );
    shot(c, "02-saved").await;

    // Typing her number in another format shows the match with her open lead.
    type_into(c, "input[name=phone]", "+39 347 1234567").await;
    wait_text(c, "#counter-matches", "Giulia Bianchi").await;
    wait_text(c, "#counter-matches", "1 lead aperti").await;
    shot(c, "03-match").await;

    // The Leads list finds her; the detail moves her to "in lavorazione".
    click(c, "#nav-leads").await;
    type_into(c, "input[name=search]", "bianchi").await;
    wait_text(c, "#leads-table tbody", "Giulia Bianchi").await;
    wait_text(c, "#leads-range", "1–1 di 1").await;
    // Open the row from the keyboard, as counter staff do: focus it, Enter.
    open_first_row(c, "#leads-table").await;
    wait_text(c, "#lead-detail", "giulia.bianchi@example.it").await;
    wait_text(c, "#lead-detail", "347 123 4567").await;
    click(c, "#status-in_progress").await;
    wait_text(c, "#lead-status", "In lavorazione").await;
    wait_text(c, "#lead-history", "Nuovo → In lavorazione").await;
    shot(c, "04-leads").await;

    // Import the sample CSV with a report.
    let fixtures = repo_root().join("tests/fixtures");
    click(c, "#nav-import").await;
    desk::pick(
        c,
        data,
        "#import-browse",
        &fixtures.join("customers-100.csv"),
    )
    .await;
    click(c, "#import-preview").await;
    wait_text(c, "#import-mapping", "Sheryl").await;
    shot(c, "05-import-preview").await;
    click(c, "#import-run").await;
    wait_text(c, "#import-report", "Righe lette: 100;").await;
    wait_text(c, "#import-report", "scartate: 0.").await;
    shot(c, "06-import-report").await;
    desk::typed_paths_are_refused(c, &fixtures.join("customers-100.csv")).await;
    desk::cancel_a_large_import(c, data).await;

    // The mislabelled file is caught before anything is written.
    desk::pick(
        c,
        data,
        "#import-browse",
        &fixtures.join("customers-mislabelled-header.csv"),
    )
    .await;
    click(c, "#import-preview").await;
    wait_text(c, "#import-problems", "EMAIL").await;
    let disabled = c
        .find(Locator::Css("#import-run"))
        .await
        .unwrap()
        .prop("disabled")
        .await
        .unwrap();
    assert_eq!(
        disabled.as_deref(),
        Some("true"),
        "import is blocked while the mapping does not fit"
    );
    shot(c, "07-import-mislabelled").await;

    // Deals from another CRM's export, through the same screen.
    click(c, "#import-kind option[value=deals]").await;
    desk::pick(
        c,
        data,
        "#deal-import-browse",
        &fixtures.join("deals-crm-export.csv"),
    )
    .await;
    click(c, "#deal-import-preview").await;
    wait_text(c, "#deal-import-mapping", "Anna Verdi").await;
    click(c, "#deal-import-run").await;
    wait_text(c, "#import-report", "Righe lette: 5;").await;
    wait_text(c, "#import-report", "«Anna Verdi» creato").await;
    shot(c, "07b-deals-import").await;

    // An early "Prospecting" opportunity with no account yet comes in as a
    // deal without customer (the default), flagged in the report.
    desk::pick(
        c,
        data,
        "#deal-import-browse",
        &fixtures.join("deals-prospecting.csv"),
    )
    .await;
    click(c, "#deal-import-preview").await;
    wait_text(c, "#deal-import-mapping", "Prospecting").await;
    click(c, "#deal-import-stages option[value=create]").await;
    click(c, "#deal-import-run").await;
    wait_text(c, "#import-report", "Righe lette: 2;").await;
    wait_text(c, "#import-report", "senza cliente").await;
    shot(c, "07c-deals-without-customer").await;
    click(c, "#import-kind option[value=leads]").await;

    // A Google Contacts export is recognised and mapped without help.
    desk::pick(
        c,
        data,
        "#import-browse",
        &fixtures.join("google-contacts.csv"),
    )
    .await;
    click(c, "#import-preview").await;
    wait_text(c, "#import-layout", "Google Contacts").await;
    shot(c, "07d-google-contacts").await;
    click(c, "#import-run").await;
    wait_text(c, "#import-report", "Righe lette: 1;").await;
    wait_text(c, "#import-report", "scartate: 0.").await;

    // 1 captured + 100 imported + 1 from Google.
    click(c, "#nav-leads").await;
    wait_text(c, "#leads-range", "di 102").await;

    // The deal without customer is listed on its own and linked to her.
    click(c, "#nav-deals").await;
    click(c, "#view-list").await;
    click(c, "#deal-no-customer").await;
    let started = Instant::now();
    loop {
        let rows = c
            .execute(
                "return document.querySelectorAll('#deal-list tbody tr').length",
                vec![],
            )
            .await
            .unwrap();
        if rows.as_u64() == Some(1) {
            break;
        }
        assert!(
            started.elapsed() < TIMEOUT,
            "the list never showed one deal"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    wait_text(c, "#deal-list", "Fibra").await;
    open_first_row(c, "#deal-list").await;
    wait_text(c, "#deal-link-customer", "Senza cliente").await;
    type_into(c, "input[name=link_contact]", "347 123 4567").await;
    wait_text(c, "#deal-link-customer", "Giulia Bianchi").await;
    shot(c, "07e-link-customer").await;
    click(c, "#deal-link-customer button").await;
    wait_text(c, "#deal-detail", "Giulia Bianchi").await;
    wait_text(c, "#deal-timeline", "Cliente collegato").await;
    shot(c, "07f-customer-linked").await;

    // English is one click away.
    click(c, "#nav-settings").await;
    click(c, "#settings-language option[value=en]").await;
    wait_text(c, "#nav-leads", "Leads").await;
    wait_text(c, "#nav-counter", "Counter").await;
    shot(c, "08-english").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_converts_a_lead_the_deal_moves_by_keyboard_is_won_and_kpis_change() {
    within_limit(
        a_rule_converts_a_lead_the_deal_moves_by_keyboard_is_won_and_kpis_change_scenario(),
    )
    .await;
}

async fn a_rule_converts_a_lead_the_deal_moves_by_keyboard_is_won_and_kpis_change_scenario() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, c) = start(data.path()).await;
    let result =
        tokio::time::timeout(Duration::from_secs(240), deals_scenario(&c, data.path())).await;
    shot(&c, "deals-last").await;
    let _ = c.close().await;
    result.expect("the scenario finished in time");
}

/// Sends keys to whatever has the focus (again if the focused element
/// was replaced by a re-render in between).
async fn press(c: &Client, keys: &str) {
    let started = Instant::now();
    loop {
        let sent = match c.active_element().await {
            Ok(el) => el.send_keys(keys).await,
            Err(e) => Err(e),
        };
        match sent {
            Ok(()) => return,
            Err(e) if started.elapsed() > TIMEOUT => panic!("cannot press keys: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(150)).await,
        }
    }
}

/// Waits until no element matches `css` (a dialog closed).
async fn wait_gone(c: &Client, css: &str) {
    let started = Instant::now();
    while started.elapsed() < TIMEOUT {
        if c.find(Locator::Css(css)).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    shot(c, "timeout").await;
    panic!("`{css}` never went away");
}

/// The `banco` command line of this build (`cargo test -p banco`, which
/// scripts/test.sh runs first, builds it), as another desk on the same file.
fn banco_cli(data: &std::path::Path, args: &[&str]) -> String {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let out = std::process::Command::new(target.join("debug/banco"))
        .arg("--database-url")
        .arg(format!("sqlite://{}", data.join("banco.db").display()))
        .args(["--sign-in", "admin"])
        .args(args)
        .env("BANCO_PASSWORD", desk::ADMIN_PASSWORD)
        .output()
        .expect("the banco command line (target/debug/banco: run `cargo test -p banco` first)");
    assert!(
        out.status.success(),
        "banco {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn deals_scenario(c: &Client, data: &std::path::Path) {
    const ARROW_RIGHT: &str = "\u{E014}";
    wait_text(c, "h1", "Nuovo cliente al banco").await;

    sales::a_rule_and_a_campaign_set_and_edited(c).await;
    // …and a pipeline of their own, with its stages and probabilities.
    type_into(c, "#new-pipeline-name", "Business").await;
    type_into(c, "#new-pipeline-stages", "Visita:20, Offerta:50, Firma:80").await;
    press(c, ENTER).await;
    wait_text(c, "#pipelines-message", "Salvato").await;
    c.wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Css(".pipeline-card[data-pipeline=Business]"))
        .await
        .unwrap();
    shot(c, "11b-pipelines").await;

    // The dashboard before: nothing won in Fisso.
    click(c, "#nav-dashboard").await;
    wait_text(c, "#kpi-pipelines tr[data-pipeline=Fisso] td.won", "0").await;

    // A walk-in for fibre with consent: the rule opens the deal.
    click(c, "#nav-counter").await;
    type_into(c, "input[name=first_name]", "Marco").await;
    type_into(c, "input[name=last_name]", "Verdi").await;
    type_into(c, "input[name=phone]", "348 765 4321").await;
    click(c, "input[name=consent_service_contact]").await;
    press(c, ENTER).await;
    wait_text(c, "#counter-saved", "una regola ha aperto la trattativa").await;
    shot(c, "12-captured-converted").await;

    // The lead shows its deal, and what each rule would do on qualification.
    click(c, "#nav-leads").await;
    wait_text(c, "#leads-table tbody", "Marco Verdi").await;
    c.execute(
        "document.querySelector('#leads-table tbody tr').focus()",
        vec![],
    )
    .await
    .unwrap();
    press(c, ENTER).await;
    wait_text(c, "#lead-status", "Convertito").await;
    wait_text(c, "#lead-deals", "Marco Verdi").await;
    wait_text(
        c,
        "#rule-preview",
        "Fibra al banco: vale in un altro momento",
    )
    .await;
    shot(c, "12b-lead-converted").await;

    // The board shows it in the first stage; the keyboard moves it twice.
    click(c, "#nav-deals").await;
    wait_text(c, "#board section[data-stage=Pre-check]", "Marco Verdi").await;
    shot(c, "13-board").await;
    c.execute(
        "document.querySelector('#board .deal-card').focus()",
        vec![],
    )
    .await
    .unwrap();
    press(c, ARROW_RIGHT).await;
    wait_text(c, "#board section[data-stage=Offerta]", "Marco Verdi").await;
    wait_text(c, "#deal-notice", "Offerta").await;
    press(c, ARROW_RIGHT).await;
    wait_text(c, "#board section[data-stage=Contratto]", "Marco Verdi").await;
    shot(c, "14-board-moved").await;

    // Another desk (the command line, on the same file) moves the deal
    // back: the open board shows it within two seconds, without a reload.
    let listed: serde_json::Value =
        serde_json::from_str(&banco_cli(data, &["deal", "list", "--format", "json"])).unwrap();
    let id = listed["items"][0]["card"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no deal id in {listed}"))
        .to_string();
    banco_cli(data, &["deal", "move", &id, "--stage", "Offerta"]);
    let moved = Instant::now();
    wait_text(c, "#board section[data-stage=Offerta]", "Marco Verdi").await;
    let took = moved.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "the board took {took:?} to show another desk's move"
    );
    shot(c, "14a-board-moved-elsewhere").await;

    // Drag and drop works too (the webview's own drag events, dispatched).
    c.execute(
        "const card = document.querySelector('#board .deal-card');\
         card.dispatchEvent(new DragEvent('dragstart', {bubbles: true}));\
         document.querySelector('#board section[data-stage=Attivazione]')\
           .dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true}));",
        vec![],
    )
    .await
    .unwrap();
    wait_text(c, "#board section[data-stage=Attivazione]", "Marco Verdi").await;
    c.execute(
        "document.querySelector('#board .deal-card').focus()",
        vec![],
    )
    .await
    .unwrap();

    // Enter opens it; the offer lines give it a value: 49,00 one-off +
    // 29,99 a month over 24 months = 768,76.
    press(c, ENTER).await;
    wait_text(c, "#deal-detail", "Marco Verdi").await;
    click(c, "#deal-edit").await;
    type_into(c, "input[name=line-0-product]", "WindTre Fibra FTTH").await;
    type_into(c, "input[name=line-0-one_off]", "49").await;
    type_into(c, "input[name=line-0-monthly]", "29,99").await;
    // Meanwhile another desk moves the deal away and back: the open form
    // says who saved it, that none of its fields changed, and keeps what
    // was typed; Save then applies it on top of the new version.
    // (The panel's status line shows each move before the next one, so
    // the form stands on the last version when Save is pressed.)
    banco_cli(data, &["deal", "move", &id, "--stage", "Contratto"]);
    wait_text(c, "#deal-detail > p", "Contratto").await;
    banco_cli(data, &["deal", "move", &id, "--stage", "Attivazione"]);
    wait_text(c, "#deal-detail > p", "Attivazione").await;
    wait_text(c, "#deal-meanwhile", "ha salvato questa scheda").await;
    wait_text(c, "#deal-meanwhile", "premi Salva per applicarle").await;
    shot(c, "15a-deal-saved-meanwhile").await;
    click(c, "#deal-save").await;
    wait_text(c, "#deal-value", "768,76").await;
    wait_text(c, "#board section[data-stage=Attivazione]", "768,76").await;
    wait_text(c, "#deal-timeline", "Condizioni modificate").await;
    shot(c, "15-deal-lines").await;

    // W marks it won; the dialog asks for the contract start.
    c.execute(
        "document.querySelector('#board .deal-card').focus()",
        vec![],
    )
    .await
    .unwrap();
    press(c, "w").await;
    click(c, "#won-confirm").await;
    wait_text(c, "#deal-notice", "vinta").await;
    wait_text(c, "#deal-contract", "WindTre Fibra FTTH").await;
    shot(c, "16-won").await;

    // Its timeline tells the story (close the panel, list view, open it).
    click(c, "#deal-detail .close").await;
    click(c, "#view-list").await;
    wait_text(c, "#deal-list", "Marco Verdi").await;
    open_first_row(c, "#deal-list").await;
    wait_text(c, "#deal-timeline", "Spostata da Offerta a Contratto").await;
    wait_text(c, "#deal-timeline", "Fibra al banco").await;
    wait_text(c, "#deal-status", "Vinta").await;
    shot(c, "17-deal-detail").await;

    // The KPIs changed: one won in Fisso, a 100 % win rate.
    click(c, "#nav-dashboard").await;
    wait_text(c, "#kpi-pipelines tr[data-pipeline=Fisso] td.won", "1").await;
    wait_text(c, "#kpi-pipelines tr[data-pipeline=Fisso]", "100,0").await;
    wait_text(c, "#kpi-pipelines tr[data-pipeline=Fisso]", "768,76").await;
    shot(c, "18-dashboard").await;
    sales::a_segment_threshold_typed_is_the_one_saved(c).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_with_two_contacts_a_mention_the_search_box_and_a_merge() {
    within_limit(a_company_with_two_contacts_a_mention_the_search_box_and_a_merge_scenario()).await;
}

async fn a_company_with_two_contacts_a_mention_the_search_box_and_a_merge_scenario() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, c) = start(data.path()).await;
    let result = tokio::time::timeout(Duration::from_secs(300), records_scenario(&c)).await;
    shot(&c, "records-last").await;
    let _ = c.close().await;
    result.expect("the scenario finished in time");
}

/// Clicks the first `css` element whose text contains `text` (lists that
/// refresh while typing may briefly show other entries first).
async fn click_text(c: &Client, css: &str, text: &str) {
    let started = Instant::now();
    let script = "const [css, text] = arguments; \
        const el = [...document.querySelectorAll(css)].find(e => e.textContent.includes(text)); \
        if (el) { el.click(); return true; } return false;";
    while started.elapsed() < TIMEOUT {
        let clicked = c
            .execute(script, vec![css.into(), text.into()])
            .await
            .unwrap();
        if clicked.as_bool() == Some(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    shot(c, "timeout").await;
    panic!("no `{css}` with text `{text}` to click");
}

/// Captures a walk-in at the counter (service consent given).
async fn capture(c: &Client, first: &str, last: &str, phone: &str) {
    click(c, "#nav-counter").await;
    type_into(c, "input[name=first_name]", first).await;
    type_into(c, "input[name=last_name]", last).await;
    type_into(c, "input[name=phone]", phone).await;
    click(c, "input[name=consent_service_contact]").await;
    click(c, "#counter-save").await;
    wait_text(c, "#counter-saved", &format!("{first} {last}")).await;
}

/// Opens the search box with Ctrl+K and types `query`.
async fn search_for(c: &Client, query: &str) {
    // Ctrl+K from wherever the focus is (the key is released by NULL).
    press(c, "\u{E009}k\u{E000}").await;
    type_into(c, "#search-input", query).await;
}

async fn records_scenario(c: &Client) {
    wait_text(c, "h1", "Nuovo cliente al banco").await;

    // A colleague to mention.
    click(c, "#nav-settings").await;
    type_into(c, "#user-name", "Giulia Conti").await;
    type_into(c, "#user-email", "giulia.conti@example.it").await;
    type_into(c, "#user-login", "giulia").await;
    type_into(c, "#user-password", &format!("{}{ENTER}", desk::GIULIA_PIN)).await;
    wait_text(c, "#current_user", "Giulia Conti").await;
    wait_text(c, "#users-table", "giulia").await;
    // A custom field of companies, a choice between two tiers.
    type_into(c, "#custom-label", "Fascia").await;
    click(c, "#custom-kind option[value=select]").await;
    type_into(c, "#custom-options", "Gold, Silver").await;
    click(c, "#custom-add").await;
    wait_text(c, "#custom-fields table", "fascia").await;

    capture(c, "Anna", "Ferri", "333 111 2222").await;
    capture(c, "Luca", "Neri", "333 444 5555").await;

    // A company, its VAT number checked by the core.
    click(c, "#nav-companies").await;
    wait_text(c, "#companies-count", "aziende").await;
    click(c, "#company-new").await;
    type_into(c, "#company-name", "Rossi Impianti").await;
    type_into(c, "#company-vat_number", "06363391002").await;
    click(c, "#company-save").await;
    wait_text(c, "#company-error", "partita IVA").await;
    type_into(c, "#company-vat_number", "IT 06363391001").await;
    type_into(c, "#company-tags", "fotovoltaico, B2B").await;
    click(c, "#custom-fascia option[value=Gold]").await;
    click(c, "#company-save").await;
    wait_text(c, "#record-title", "Rossi Impianti").await;
    wait_text(c, "#company-vat", "06363391001").await;
    wait_text(c, "#company-card", "Gold").await;

    // Two contacts, found by name; Luca becomes the primary one.
    for (name, role, primary) in [
        ("Anna Ferri", "Titolare", false),
        ("Luca Neri", "Amministrazione", true),
    ] {
        type_into(c, "#contact-search", &name[..4]).await;
        wait_text(c, "#contact-suggestions", name).await;
        click_text(c, "#contact-suggestions button", name).await;
        type_into(c, "#contact-role", role).await;
        if primary {
            click(c, "#contact-primary").await;
        }
        click(c, "#contact-add").await;
        wait_text(c, "#company-contacts", name).await;
    }
    let contacts = wait_text(c, "#company-contacts ul", "Luca Neri").await;
    assert!(
        contacts.starts_with("Luca Neri"),
        "the primary contact comes first: {contacts}"
    );
    wait_text(c, "#company-contacts ul", "Contatto principale").await;
    shot(c, "21-company").await;

    // A note that mentions Giulia, picked from the suggestions.
    click(c, "#tab-notes").await;
    // Typing on after "@" while the suggestion list opens loses no key
    // (`type_into` checks the field holds every character).
    type_into(
        c,
        "#note-body",
        "Sopralluogo **fatto**, [scheda](https://example.com/scheda). @Giu",
    )
    .await;
    wait_text(c, "#mention-suggestions", "@Giulia Conti").await;
    click_text(c, "#mention-suggestions button", "@Giulia Conti").await;
    c.find(Locator::Css("#note-body"))
        .await
        .unwrap()
        .send_keys("prepara l'offerta fotovoltaico")
        .await
        .unwrap();
    click(c, "#note-add").await;
    wait_text(c, ".note-list", "prepara l'offerta").await;
    let bold = c
        .execute(
            "return document.querySelector('.note-body strong') && document.querySelector('.note-body strong').textContent",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(bold.as_str(), Some("fatto"), "Markdown is rendered");
    // A link in a note goes to the system browser, never takes the window
    // away from Banco.
    let here = c.current_url().await.unwrap();
    click(c, ".note-body a").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        c.current_url().await.unwrap(),
        here,
        "the window stays on Banco"
    );
    wait_text(c, ".note-list", "prepara l'offerta").await;
    click(c, "#tab-timeline").await;
    wait_text(c, "#record-timeline", "aggiunta — Sopralluogo fatto,").await;
    wait_text(c, "#record-timeline", "Contatto collegato").await;
    shot(c, "22-note").await;

    // The search box finds the company by a word of its note and the
    // person by part of her name; Enter opens the highlighted hit.
    search_for(c, "fotovolt").await;
    wait_text(c, "#search-results", "Rossi Impianti").await;
    shot(c, "23-search").await;
    type_into(c, "#search-input", "ferr").await;
    wait_text(c, "#search-results", "Anna Ferri").await;
    press(c, ENTER).await;
    wait_text(c, "#record-title", "Anna Ferri").await;
    wait_text(c, "#person-card", "Rossi Impianti").await;

    // Giulia comes to the counter: her own PIN, not anybody's say-so.
    click(c, "#record-back").await;
    desk::switch_to_giulia(c).await;
    wait_text(c, "#mentions-count", "1").await;
    click(c, "#open-mentions").await;
    wait_text(c, "#mentions-list", "Rossi Impianti").await;
    wait_text(c, "#mentions-list", "prepara l'offerta").await;
    shot(c, "24-mentions").await;
    click(c, "#mentions-list button").await;
    wait_text(c, "#record-title", "Rossi Impianti").await;
    desk::lock_and_come_back(c).await;

    // The same name with another number: the counter warns, is saved as a
    // new person, and the duplicates review merges the two.
    click(c, "#nav-counter").await;
    type_into(c, "input[name=first_name]", "Anna").await;
    type_into(c, "input[name=last_name]", "Ferri").await;
    type_into(c, "input[name=phone]", "347 000 1111").await;
    wait_text(c, "#counter-matches", "Stesso nome").await;
    click(c, "input[name=consent_service_contact]").await;
    click(c, "#counter-save").await;
    wait_text(c, "#counter-saved", "Anna Ferri").await;
    click(c, "#nav-duplicates").await;
    wait_text(c, "#duplicates-list", "Stesso nome").await;
    shot(c, "25-duplicates").await;
    click(c, "#duplicates-list .merge-into-a").await;
    wait_text(c, "#duplicates-notice", "Uniti").await;
    wait_text(c, "#duplicates-none", "Nessun doppione").await;
    search_for(c, "anna ferri").await;
    wait_text(c, "#search-results", "Anna Ferri").await;
    let people = c
        .execute(
            "return document.querySelectorAll('#search-results li[data-kind=person]').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(people.as_u64(), Some(1), "one Anna Ferri after the merge");
    press(c, "\u{E00C}").await; // Esc closes the search box

    desk::same_number_other_name(c, "Anna Ferri", "333 111 2222").await;
}

/// Waits until `check` holds, up to the timeout.
async fn wait_until(c: &Client, what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while started.elapsed() < TIMEOUT {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    shot(c, "timeout").await;
    panic!("never happened: {what}");
}

/// Waits until the JavaScript expression `condition` is true in the page
/// (instead of a fixed sleep); a screenshot and a panic after [`TIMEOUT`].
async fn wait_js(c: &Client, what: &str, condition: &str) {
    let started = Instant::now();
    let script = format!("return !!({condition});");
    while started.elapsed() < TIMEOUT {
        if let Ok(v) = c.execute(&script, vec![]).await {
            if v.as_bool() == Some(true) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(c, "timeout").await;
    panic!("never happened: {what}");
}

/// A screenshot of the whole X display (the meeting window included).
fn screen_shot(name: &str) {
    let dir = repo_root().join("target/e2e-shots");
    let _ = std::fs::create_dir_all(&dir);
    let _ = Command::new("import")
        .args([
            "-window",
            "root",
            &dir.join(format!("{name}.png")).display().to_string(),
        ])
        .status();
}
