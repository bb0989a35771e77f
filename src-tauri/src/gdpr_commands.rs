//! Tauri commands of a person's data over its life (issue 15): consents
//! per purpose and channel, the objection to marketing, the consent texts
//! and the printed receipt, the GDPR access export and erasure, the
//! retention rule, and customer segments. One thin `async fn` per use case; the core checks the
//! acting user's role.

use banco::services::{consents, segments};
use banco::wire::{self, Response};
use banco::{Error, Result};
use tauri::State;

use crate::record_commands::{save_bytes, save_text};
use crate::AppState;

/// A person's access export (GDPR art. 15) saved as JSON where the user
/// picks, with a readable PDF beside it and the files of their documents
/// in a folder beside (`<name>-documenti`) (the core checks the role and
/// writes the audit trail first).
#[tauri::command]
pub async fn export_person_data(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::ExportPersonData,
) -> Result<Response<wire::ExportPersonData>> {
    let wire::ExportPersonData { id, language } = req;
    let (db, ctx) = state.acting().await?;
    let export = banco::services::gdpr::access_export(&db, &ctx, id).await?;
    let text =
        serde_json::to_string_pretty(&export).map_err(|e| Error::Integrity(e.to_string()))?;
    let saved = save_text(&app, "JSON", "json", "dati-personali.json", text).await?;
    if let Some(json) = &saved {
        // The readable copy beside it, same name, `.pdf`.
        let pdf = std::path::Path::new(json).with_extension("pdf");
        let bytes = banco::services::access_pdf::access_export_pdf(&export, &language);
        let write = |path: std::path::PathBuf, bytes: Vec<u8>| async move {
            tokio::fs::write(&path, bytes)
                .await
                .map_err(|source| Error::Io {
                    path: path.display().to_string(),
                    source,
                })
        };
        write(pdf, bytes).await?;
        let files = banco::services::gdpr::export_documents(&db, &ctx, &export).await?;
        if !files.is_empty() {
            let json = std::path::Path::new(json);
            let stem = json.file_stem().and_then(|s| s.to_str()).unwrap_or("dati");
            let dir = json.with_file_name(format!("{stem}-documenti"));
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|source| Error::Io {
                    path: dir.display().to_string(),
                    source,
                })?;
            for (name, bytes) in files {
                write(dir.join(name), bytes).await?;
            }
        }
    }
    Ok(saved)
}

/// Erases a person's data (GDPR art. 17): the core checks the role (admins)
/// and writes the audit trail; this desk's outbox forgets them too.
#[tauri::command]
pub async fn erase_person_data(
    state: State<'_, AppState>,
    req: wire::ErasePersonData,
) -> Result<Response<wire::ErasePersonData>> {
    let wire::ErasePersonData { id } = req;
    let (db, ctx) = state.acting().await?;
    let outbox = state.outbox().await?;
    banco::services::gdpr::erase(&db, &ctx, id, outbox.as_ref()).await
}

/// What the retention rule would erase now (the core checks: admins).
#[tauri::command]
pub async fn retention_preview(
    state: State<'_, AppState>,
    req: wire::RetentionPreview,
) -> Result<Response<wire::RetentionPreview>> {
    let wire::RetentionPreview {} = req;
    let (db, ctx) = state.acting().await?;
    banco::services::gdpr::retention_preview(&db, &ctx).await
}

/// Sets the retention rule in months (the core checks: admins).
#[tauri::command]
pub async fn save_retention_months(
    state: State<'_, AppState>,
    req: wire::SaveRetentionMonths,
) -> Result<Response<wire::SaveRetentionMonths>> {
    let wire::SaveRetentionMonths { months } = req;
    let (db, ctx) = state.acting().await?;
    banco::services::gdpr::set_retention_months(&db, &ctx, months).await
}

/// Applies the retention rule now (the core checks: admins).
#[tauri::command]
pub async fn apply_retention(
    state: State<'_, AppState>,
    req: wire::ApplyRetention,
) -> Result<Response<wire::ApplyRetention>> {
    let wire::ApplyRetention {} = req;
    let (db, ctx) = state.acting().await?;
    let outbox = state.outbox().await?;
    banco::services::gdpr::apply_retention(&db, &ctx, outbox.as_ref()).await
}

/// Records consent decisions about a person.
#[tauri::command]
pub async fn record_consents(
    state: State<'_, AppState>,
    req: wire::RecordConsents,
) -> Result<Response<wire::RecordConsents>> {
    let wire::RecordConsents {
        person_id,
        decisions,
        source,
    } = req;
    let (db, ctx) = state.acting().await?;
    consents::record(&db, &ctx, person_id, &decisions, source).await
}

/// The person's objection to marketing (GDPR art. 21).
#[tauri::command]
pub async fn object_to_marketing(
    state: State<'_, AppState>,
    req: wire::ObjectToMarketing,
) -> Result<Response<wire::ObjectToMarketing>> {
    let wire::ObjectToMarketing { person_id } = req;
    let (db, ctx) = state.acting().await?;
    consents::object_to_marketing(&db, &ctx, person_id).await
}

/// Saves the consent receipt (PDF) where the user picks.
#[tauri::command]
pub async fn save_consent_receipt(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::SaveConsentReceipt,
) -> Result<Response<wire::SaveConsentReceipt>> {
    let wire::SaveConsentReceipt {
        person_id,
        language,
    } = req;
    let (db, ctx) = state.acting().await?;
    let pdf = consents::receipt_pdf(&db, &ctx, person_id, &language).await?;
    let name = if language == "en" {
        "consent-receipt.pdf"
    } else {
        "ricevuta-consensi.pdf"
    };
    save_bytes(&app, Some(("PDF", &["pdf"])), name, pdf).await
}

/// Every kept version of the consent texts.
#[tauri::command]
pub async fn consent_texts(
    state: State<'_, AppState>,
    req: wire::ConsentTexts,
) -> Result<Response<wire::ConsentTexts>> {
    let wire::ConsentTexts {} = req;
    let (db, ctx) = state.acting().await?;
    consents::texts(&db, &ctx).await
}

/// Writes a new version of the consent texts (the core checks: admins).
#[tauri::command]
pub async fn save_consent_texts(
    state: State<'_, AppState>,
    req: wire::SaveConsentTexts,
) -> Result<Response<wire::SaveConsentTexts>> {
    let wire::SaveConsentTexts { it, en } = req;
    let (db, ctx) = state.acting().await?;
    consents::save_texts(&db, &ctx, &it, &en).await
}

/// Customer segments now, their trend and thresholds.
#[tauri::command]
pub async fn segment_summary(
    state: State<'_, AppState>,
    req: wire::SegmentSummary,
) -> Result<Response<wire::SegmentSummary>> {
    let wire::SegmentSummary {} = req;
    let (db, ctx) = state.acting().await?;
    segments::summary(&db, &ctx).await
}

/// Saves the segment thresholds (the core checks: managers).
#[tauri::command]
pub async fn save_segment_rules(
    state: State<'_, AppState>,
    req: wire::SaveSegmentRules,
) -> Result<Response<wire::SaveSegmentRules>> {
    let wire::SaveSegmentRules { rules } = req;
    let (db, ctx) = state.acting().await?;
    segments::save_rules(&db, &ctx, &rules).await
}

/// Classifies every customer now (the core checks: managers).
#[tauri::command]
pub async fn refresh_segments(
    state: State<'_, AppState>,
    req: wire::RefreshSegments,
) -> Result<Response<wire::RefreshSegments>> {
    let wire::RefreshSegments {} = req;
    let (db, ctx) = state.acting().await?;
    segments::refresh(&db, &ctx).await
}

/// Saves a segment's export where the user picks (the core checks the
/// role, the consents, and writes the audit trail).
#[tauri::command]
pub async fn export_segment(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::ExportSegment,
) -> Result<Response<wire::ExportSegment>> {
    let wire::ExportSegment {
        segment,
        purpose,
        channel,
        format,
    } = req;
    let (db, ctx) = state.acting().await?;
    let bytes = segments::export(&db, &ctx, segment, purpose, channel, format).await?;
    crate::record_commands::save_export(
        &app,
        &format!("segmento-{}", segment.as_str()),
        format,
        bytes,
    )
    .await
}

/// The automation rules and the newest runs.
#[tauri::command]
pub async fn automations(
    state: State<'_, AppState>,
    req: wire::Automations,
) -> Result<Response<wire::Automations>> {
    let wire::Automations {} = req;
    let (db, ctx) = state.acting().await?;
    Ok((
        banco::services::automations::rules(&db, &ctx).await?,
        banco::services::automations::runs(&db, &ctx, 20).await?,
    ))
}

/// Saves one automation rule (the core checks: managers).
#[tauri::command]
pub async fn save_automation_rule(
    state: State<'_, AppState>,
    req: wire::SaveAutomationRule,
) -> Result<Response<wire::SaveAutomationRule>> {
    let wire::SaveAutomationRule { rule } = req;
    let (db, ctx) = state.acting().await?;
    banco::services::automations::save_rule(&db, &ctx, &rule).await
}

/// Applies every active automation rule now (the core checks: managers).
#[tauri::command]
pub async fn run_automations(
    state: State<'_, AppState>,
    req: wire::RunAutomations,
) -> Result<Response<wire::RunAutomations>> {
    let wire::RunAutomations {} = req;
    let (db, ctx) = state.acting().await?;
    banco::services::automations::run(&db, &ctx).await
}
