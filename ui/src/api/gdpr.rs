//! A person's data over its life: consents, objection, receipt, texts,
//! the GDPR access export and erasure, the retention rule, customer
//! segments.

use banco::model::{
    AutomationRule, AutomationRun, Consent, ConsentDecision, ConsentSource, ConsentText,
    ContactChannel, ContactPurpose, Erasure, ExportFormat, RetentionPreview, RetentionRun, Segment,
    SegmentRules, SegmentSummary,
};
use banco::wire;
use banco::ErrorPayload;
use uuid::Uuid;

use super::invoke;

pub async fn export_person_data(id: Uuid, language: &str) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::ExportPersonData {
        id,
        language: language.to_string(),
    })
    .await
}
pub async fn erase_person_data(id: Uuid) -> Result<Erasure, ErrorPayload> {
    invoke(wire::ErasePersonData { id }).await
}
pub async fn retention_preview() -> Result<RetentionPreview, ErrorPayload> {
    invoke(wire::RetentionPreview {}).await
}
pub async fn save_retention_months(months: u32) -> Result<RetentionPreview, ErrorPayload> {
    invoke(wire::SaveRetentionMonths { months }).await
}
pub async fn apply_retention() -> Result<RetentionRun, ErrorPayload> {
    invoke(wire::ApplyRetention {}).await
}
pub async fn record_consents(
    person_id: Uuid,
    decisions: Vec<ConsentDecision>,
    source: ConsentSource,
) -> Result<Vec<Consent>, ErrorPayload> {
    invoke(wire::RecordConsents {
        person_id,
        decisions,
        source,
    })
    .await
}
pub async fn object_to_marketing(person_id: Uuid) -> Result<Vec<Consent>, ErrorPayload> {
    invoke(wire::ObjectToMarketing { person_id }).await
}
pub async fn save_consent_receipt(
    person_id: Uuid,
    language: &str,
) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::SaveConsentReceipt {
        person_id,
        language: language.to_string(),
    })
    .await
}
pub async fn consent_texts() -> Result<Vec<ConsentText>, ErrorPayload> {
    invoke(wire::ConsentTexts {}).await
}
pub async fn save_consent_texts(it: &str, en: &str) -> Result<String, ErrorPayload> {
    invoke(wire::SaveConsentTexts {
        it: it.to_string(),
        en: en.to_string(),
    })
    .await
}
pub async fn segment_summary() -> Result<SegmentSummary, ErrorPayload> {
    invoke(wire::SegmentSummary {}).await
}
pub async fn save_segment_rules(rules: SegmentRules) -> Result<SegmentSummary, ErrorPayload> {
    invoke(wire::SaveSegmentRules { rules }).await
}
pub async fn refresh_segments() -> Result<SegmentSummary, ErrorPayload> {
    invoke(wire::RefreshSegments {}).await
}
pub async fn export_segment(
    segment: Segment,
    purpose: ContactPurpose,
    channel: Option<ContactChannel>,
    format: ExportFormat,
) -> Result<Option<String>, ErrorPayload> {
    invoke(wire::ExportSegment {
        segment,
        purpose,
        channel,
        format,
    })
    .await
}
pub async fn automations() -> Result<(Vec<AutomationRule>, Vec<AutomationRun>), ErrorPayload> {
    invoke(wire::Automations {}).await
}
pub async fn save_automation_rule(
    rule: AutomationRule,
) -> Result<Vec<AutomationRule>, ErrorPayload> {
    invoke(wire::SaveAutomationRule { rule }).await
}
pub async fn run_automations() -> Result<Vec<AutomationRun>, ErrorPayload> {
    invoke(wire::RunAutomations {}).await
}
