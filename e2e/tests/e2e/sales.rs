//! The sales settings in the real window: a manager sets a conversion rule
//! (fibre leads captured with consent open a deal in Fisso) and edits it,
//! then adds a campaign and corrects its cost: "Edit" loads the campaign
//! into the form and saving keeps one campaign, with the new cost. On the
//! dashboard, a segment threshold typed before the card renders again is
//! the one saved.

use super::*;

/// From the counter: the rule and the campaign, both edited once; ends on
/// the settings page.
pub async fn a_rule_and_a_campaign_set_and_edited(c: &Client) {
    // A manager sets a rule: fibre leads captured with consent open a deal
    // in the first pipeline (Fisso), owned by the lead's owner.
    click(c, "#nav-settings").await;
    type_into(c, "#rule-name", "Fibra al banco").await;
    click(c, "#rule-trigger option[value=captured]").await;
    click(c, "#rule-interest option[value=fibre]").await;
    click(c, "#rule-save").await;
    wait_text(c, "#sales-message", "Fibra al banco").await;
    wait_text(c, "#rule-list", "Fibra al banco").await;
    // Editing it loads the form and saves the same rule (no second one).
    click(c, "#rule-list li .row-actions button:last-child").await;
    let loaded = value_of(c, "#rule-name").await;
    assert_eq!(loaded.as_deref(), Some("Fibra al banco"));
    click(c, "#rule-save").await;
    // Saved when the form is blank again; then the list has reloaded.
    let started = Instant::now();
    while value_of(c, "#rule-name").await.as_deref() != Some("") {
        assert!(
            started.elapsed() < TIMEOUT,
            "the edited rule was never saved"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    wait_js(
        c,
        "the rule list shows the saved rules",
        "document.querySelectorAll('#rule-list li').length > 0",
    )
    .await;
    let count = c
        .execute(
            "return document.querySelectorAll('#rule-list li').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(count.as_u64(), Some(1), "editing saves the same rule");
    shot(c, "11-rule").await;

    // A flyer campaign, its cost then corrected.
    type_into(c, "#campaign-name", "Volantino dicembre").await;
    click(c, "#campaign-channel option[value=offline]").await;
    type_into(c, "#campaign-cost", "12.000").await;
    click(c, "#campaign-save").await;
    wait_text(c, "#sales-message", "Volantino dicembre").await;
    let ours = "#campaign-list li[data-campaign='Volantino dicembre']";
    wait_text(c, ours, "12.000,00").await;
    click(c, &format!("{ours} .edit-campaign")).await;
    let loaded = value_of(c, "#campaign-name").await;
    assert_eq!(loaded.as_deref(), Some("Volantino dicembre"));
    assert_eq!(
        value_of(c, "#campaign-cost").await.as_deref(),
        Some("12000,00")
    );
    assert_eq!(
        value_of(c, "#campaign-channel").await.as_deref(),
        Some("offline")
    );
    type_into(c, "#campaign-cost", "15000").await;
    click(c, "#campaign-save").await;
    wait_text(c, ours, "15.000,00").await;
    // Saved under its own id: one campaign of that name, and a blank form.
    let count = c
        .execute(
            "return document.querySelectorAll(arguments[0]).length",
            vec![ours.into()],
        )
        .await
        .unwrap();
    assert_eq!(count.as_u64(), Some(1), "editing saves the same campaign");
    assert_eq!(value_of(c, "#campaign-name").await.as_deref(), Some(""));
    shot(c, "11-campaign").await;
}

/// On the dashboard: a segment threshold typed, then the export's channel
/// changed (the card renders again), then saved: the typed one is saved.
pub async fn a_segment_threshold_typed_is_the_one_saved(c: &Client) {
    let field = "#segment-rules input[name=new_days]";
    type_into(c, field, "45").await;
    click(c, "#segment-export-channel option[value=whatsapp]").await;
    click(c, "#segment-rules-save").await;
    wait_text(c, "#segments-card", "Soglie salvate").await;
    wait_js(
        c,
        "the threshold typed is saved and shown",
        &format!("document.querySelector('{field}').value === '45'"),
    )
    .await;
}
