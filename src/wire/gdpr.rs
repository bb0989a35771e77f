//! The person's data over its life (issue 15): consents per purpose and
//! channel, the objection to marketing, the consent texts and receipt,
//! the GDPR access export and erasure, the retention rule, customer
//! segments and a segment's export. The core checks
//! who may do each (anyone at the counter for consents and the receipt,
//! managers for the export, admins for erasure, retention and texts).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Command;
use crate::model as m;

command! {
    /// A person's access export (GDPR art. 15) as JSON, saved where the
    /// user picks, and beside it the same as a readable PDF in `language`
    /// (`it` or `en`); the JSON's path, or `None` if cancelled. Errors:
    /// `Forbidden` (`gdpr_requests`) for staff; `NotFound`.
    ExportPersonData = "export_person_data" {
        id: Uuid,
        language: String,
    } -> Option<String>
}

command! {
    /// Erases a person's data (GDPR art. 17, admins): the record stays,
    /// anonymised, for the KPIs; see `banco::services::gdpr::erase`.
    /// Errors: `Forbidden` (`gdpr_erasure`); `NotFound`.
    ErasePersonData = "erase_person_data" {
        id: Uuid,
    } -> m::Erasure
}

command! {
    /// What the retention rule would erase now (admins). Errors:
    /// `Forbidden` (`gdpr_retention`).
    RetentionPreview = "retention_preview" {} -> m::RetentionPreview
}

command! {
    /// Sets the retention rule in months (0: off; admins); the preview
    /// under it. Errors: `Forbidden`; `Validation` (`months`, `too_large`).
    SaveRetentionMonths = "save_retention_months" {
        months: u32,
    } -> m::RetentionPreview
}

command! {
    /// Applies the retention rule now (admins); what it erased. Errors:
    /// `Forbidden` (`gdpr_retention`).
    ApplyRetention = "apply_retention" {} -> m::RetentionRun
}

command! {
    /// Records consent decisions about a person (per purpose, optionally
    /// per channel) taken at `source`; the person's decisions after, newest
    /// first. Errors: `Validation` (`channel`, `source`, `person`:
    /// `erased`), `NotFound`.
    RecordConsents = "record_consents" {
        person_id: Uuid,
        decisions: Vec<m::ConsentDecision>,
        source: m::ConsentSource,
    } -> Vec<m::Consent>
}

command! {
    /// The person's objection to marketing (GDPR art. 21): marketing,
    /// profiling and third parties refused on every channel, their numbers
    /// on the do-not-call list for marketing; the decisions after.
    ObjectToMarketing = "object_to_marketing" {
        person_id: Uuid,
    } -> Vec<m::Consent>
}

command! {
    /// Saves the person's consent receipt (PDF, `it` or `en`) where the
    /// user picks; the path, or `None` if cancelled.
    SaveConsentReceipt = "save_consent_receipt" {
        person_id: Uuid,
        language: String,
    } -> Option<String>
}

command! {
    /// Every kept version of the consent texts, newest first.
    ConsentTexts = "consent_texts" {} -> Vec<m::ConsentText>
}

command! {
    /// Writes a new version of the consent texts (admins); its label.
    /// Errors: `Forbidden` (`edit_consent_texts`); `Validation` (`it`,
    /// `en`: `required`, `too_long`).
    SaveConsentTexts = "save_consent_texts" {
        it: String,
        en: String,
    } -> String
}

command! {
    /// Customer segments now, their trend and thresholds (anyone).
    SegmentSummary = "segment_summary" {} -> m::SegmentSummary
}

command! {
    /// Saves the segment thresholds and classifies again (managers).
    /// Errors: `Forbidden` (`edit_segments`); `Validation`.
    SaveSegmentRules = "save_segment_rules" {
        rules: m::SegmentRules,
    } -> m::SegmentSummary
}

command! {
    /// Classifies every customer now (managers).
    RefreshSegments = "refresh_segments" {} -> m::SegmentSummary
}

command! {
    /// Saves a segment's people (for marketing: only who agreed on
    /// `channel`) where the user picks; the path, or `None` if cancelled.
    /// Errors: `Forbidden` (`export_segment`).
    ExportSegment = "export_segment" {
        segment: m::Segment,
        purpose: m::ContactPurpose,
        channel: Option<m::ContactChannel>,
        format: m::ExportFormat,
    } -> Option<String>
}

command! {
    /// The automation rules, one per kind, and the newest runs.
    Automations = "automations" {} -> (Vec<m::AutomationRule>, Vec<m::AutomationRun>)
}

command! {
    /// Saves one automation rule (managers); the rules after. Errors:
    /// `Forbidden` (`edit_automations`); `Validation` (`days`).
    SaveAutomationRule = "save_automation_rule" {
        rule: m::AutomationRule,
    } -> Vec<m::AutomationRule>
}

command! {
    /// Applies every active automation rule now (managers); the runs.
    RunAutomations = "run_automations" {} -> Vec<m::AutomationRun>
}
