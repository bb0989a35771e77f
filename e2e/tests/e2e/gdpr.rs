//! A customer's data over its life in the real window (issue 15): the
//! card takes an address, a date of birth, a preferred language and
//! channel (a bad CAP named on its field, nothing saved; another desk's
//! save meanwhile told to the open form, which keeps what was typed and
//! saves it on top); a consent to
//! marketing by WhatsApp is given from the grid; an admin erases the
//! person after confirming; the erasure is in the audit trail, which its
//! action filter narrows to it.

use super::*;

/// Sets a date field the way a date picker does (WebKit's date fields
/// take no typed keys over WebDriver): its value, then an `input` event.
async fn set_date(c: &Client, css: &str, value: &str) {
    scroll_then(c, css, async {}).await;
    c.execute(
        "const el = document.querySelector(arguments[0]); el.value = arguments[1]; \
         el.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![css.into(), value.into()],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_details_consents_and_erasure_on_the_card() {
    within_limit(a_customers_details_consents_and_erasure_on_the_card_scenario()).await;
}

async fn a_customers_details_consents_and_erasure_on_the_card_scenario() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, c) = start(data.path()).await;
    capture(&c, "Zoe", "Gelsomini", "347 765 4321").await;
    search_for(&c, "Gelsomini").await;
    wait_text(&c, "#search-results", "Zoe Gelsomini").await;
    press(&c, ENTER).await;
    wait_text(&c, "#record-title", "Zoe Gelsomini").await;

    // A CAP of four digits is refused on its field; nothing is saved.
    click(&c, "#person-edit").await;
    type_into(&c, "#person-address", "Via Toledo 12").await;
    type_into(&c, "#person-postal_code", "8013").await;
    click(&c, "#person-save").await;
    wait_text(&c, "#person-details", "CAP valido").await;
    // Meanwhile another desk (the command line) gives her an e-mail: the
    // open form says so and names the field, keeping what was typed.
    let leads: serde_json::Value = serde_json::from_str(&banco_cli(
        data.path(),
        &["lead", "list", "--format", "json"],
    ))
    .unwrap();
    let person = leads["items"][0]["person_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no person id in {leads}"))
        .to_string();
    banco_cli(
        data.path(),
        &[
            "person",
            "edit",
            &person,
            "--email",
            "zoe.gelsomini@example.it",
        ],
    );
    wait_text(&c, "#person-meanwhile", "Nel frattempo un'altra postazione").await;
    wait_text(&c, "#person-meanwhile", "E-mail").await;
    scroll_then(&c, "#person-meanwhile", async {}).await;
    shot(&c, "gdpr-01a-saved-meanwhile").await;
    // Corrected, with the rest; the save keeps the other desk's e-mail.
    type_into(&c, "#person-postal_code", "80134").await;
    type_into(&c, "#person-city", "Napoli").await;
    type_into(&c, "#person-province", "na").await;
    set_date(&c, "#person-birth_date", "1985-12-10").await;
    click(&c, "#person-language option[value=ro]").await;
    click(&c, "#person-channel option[value=whatsapp]").await;
    click(&c, "#person-save").await;
    let card = wait_text(&c, "#person-card", "Via Toledo 12, 80134 Napoli (NA)").await;
    for shown in [
        "10/12/1985",
        "rumeno",
        "WhatsApp",
        "zoe.gelsomini@example.it",
    ] {
        assert!(card.contains(shown), "{shown} not in {card}");
    }
    shot(&c, "gdpr-01-details").await;

    // Marketing by WhatsApp, given from the grid.
    click(&c, "#consent-marketing-whatsapp").await;
    wait_js(
        &c,
        "the consent is shown as given",
        "document.querySelector('#consent-marketing-whatsapp').classList.contains('given')",
    )
    .await;

    // The admin erases her, after confirming.
    click(&c, "#quick-gdpr-erase").await;
    wait_text(&c, "#erase-dialog", "Zoe Gelsomini").await;
    click(&c, "#erase-confirm").await;
    wait_text(&c, "#person-erased", "").await;
    wait_text(&c, "#record-title", "Anonimo").await;
    let card = wait_text(&c, "#person-card", "Anonimo").await;
    assert!(
        !card.contains("Toledo") && !card.contains("Gelsomini"),
        "{card}"
    );
    shot(&c, "gdpr-02-erased").await;

    // The trail has it; the action filter keeps only it.
    click(&c, "#nav-settings").await;
    wait_text(&c, "#audit-trail", "Cancellazione").await;
    click(&c, "#audit-action option[value=gdpr_erasure]").await;
    wait_js(
        &c,
        "only the erasure is listed",
        "document.querySelectorAll('#audit-trail .audit-entry').length === 1",
    )
    .await;
    c.execute(
        "document.querySelector('#audit-card').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "gdpr-03-trail").await;
    let _ = c.close().await;
}
