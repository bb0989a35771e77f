//! Tauri commands of companies, contacts, record cards, notes, documents,
//! the timeline, custom fields, search, duplicates and vCards: one thin
//! `async fn` per use case, like [`crate::commands`].

use banco::model::EntityType;
use banco::services::{companies, company_import, duplicates, notes, people_copy, search, vcard};
use banco::wire::{self, Response};
use banco::{Error, Result};
use tauri::State;
use tauri_plugin_dialog::DialogExt;

use crate::outbox_commands::PeopleSource;
use crate::AppState;

/// One page of companies.
#[tauri::command]
pub async fn list_companies(
    state: State<'_, AppState>,
    req: wire::ListCompanies,
) -> Result<Response<wire::ListCompanies>> {
    let wire::ListCompanies { query } = req;
    let (db, ctx) = state.acting().await?;
    companies::list(&db, &ctx, &query).await
}

/// Creates a company from its form.
#[tauri::command]
pub async fn create_company(
    state: State<'_, AppState>,
    req: wire::CreateCompany,
) -> Result<Response<wire::CreateCompany>> {
    let wire::CreateCompany { input } = req;
    let (db, ctx) = state.acting().await?;
    companies::create(&db, &ctx, &input).await
}

/// Saves a company's form.
#[tauri::command]
pub async fn update_company(
    state: State<'_, AppState>,
    req: wire::UpdateCompany,
) -> Result<Response<wire::UpdateCompany>> {
    let wire::UpdateCompany { id, input } = req;
    let (db, ctx) = state.acting().await?;
    companies::update(&db, &ctx, id, &input).await
}

/// The company card.
#[tauri::command]
pub async fn company_card(
    state: State<'_, AppState>,
    req: wire::CompanyCard,
) -> Result<Response<wire::CompanyCard>> {
    let wire::CompanyCard { id } = req;
    let (db, ctx) = state.acting().await?;
    companies::card(&db, &ctx, id).await
}

/// The person card.
#[tauri::command]
pub async fn person_card(
    state: State<'_, AppState>,
    req: wire::PersonCard,
) -> Result<Response<wire::PersonCard>> {
    let wire::PersonCard { id } = req;
    let (db, ctx) = state.acting().await?;
    companies::person_card(&db, &ctx, id).await
}

/// Saves a person's tax code, city and custom fields.
#[tauri::command]
pub async fn update_person_details(
    state: State<'_, AppState>,
    req: wire::UpdatePersonDetails,
) -> Result<Response<wire::UpdatePersonDetails>> {
    let wire::UpdatePersonDetails { id, details } = req;
    let (db, ctx) = state.acting().await?;
    companies::update_person_details(&db, &ctx, id, &details).await
}

/// Links a person to a company.
#[tauri::command]
pub async fn link_contact(
    state: State<'_, AppState>,
    req: wire::LinkContact,
) -> Result<Response<wire::LinkContact>> {
    let wire::LinkContact {
        company,
        person,
        role,
        primary,
    } = req;
    let (db, ctx) = state.acting().await?;
    companies::link_contact(&db, &ctx, company, person, &role, primary).await
}

/// Unlinks a person from a company.
#[tauri::command]
pub async fn unlink_contact(
    state: State<'_, AppState>,
    req: wire::UnlinkContact,
) -> Result<Response<wire::UnlinkContact>> {
    let wire::UnlinkContact { company, person } = req;
    let (db, ctx) = state.acting().await?;
    companies::unlink_contact(&db, &ctx, company, person).await
}

/// Exports the companies matching `query` in the chosen format (asks where).
#[tauri::command]
pub async fn export_companies_csv(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::ExportCompaniesCsv,
) -> Result<Response<wire::ExportCompaniesCsv>> {
    let wire::ExportCompaniesCsv { query, format } = req;
    let (db, ctx) = state.acting().await?;
    let bytes = companies::export(&db, &ctx, &query, format).await?;
    save_export(&app, "banco-aziende", format, bytes).await
}

/// Adds a note to a record.
#[tauri::command]
pub async fn add_record_note(
    state: State<'_, AppState>,
    req: wire::AddRecordNote,
) -> Result<Response<wire::AddRecordNote>> {
    let wire::AddRecordNote { note } = req;
    let (db, ctx) = state.acting().await?;
    notes::add(&db, &ctx, &note).await
}

/// Edits a note.
#[tauri::command]
pub async fn edit_note(
    state: State<'_, AppState>,
    req: wire::EditNote,
) -> Result<Response<wire::EditNote>> {
    let wire::EditNote { id, edit } = req;
    let (db, ctx) = state.acting().await?;
    notes::edit(&db, &ctx, id, &edit).await
}

/// Notes of a record.
#[tauri::command]
pub async fn list_notes(
    state: State<'_, AppState>,
    req: wire::ListNotes,
) -> Result<Response<wire::ListNotes>> {
    let wire::ListNotes { entity } = req;
    let (db, ctx) = state.acting().await?;
    notes::list(&db, &ctx, entity).await
}

/// A note's earlier versions.
#[tauri::command]
pub async fn note_revisions(
    state: State<'_, AppState>,
    req: wire::NoteRevisions,
) -> Result<Response<wire::NoteRevisions>> {
    let wire::NoteRevisions { id } = req;
    let (db, ctx) = state.acting().await?;
    notes::revisions(&db, &ctx, id).await
}

/// The acting user's mentions.
#[tauri::command]
pub async fn mentions(
    state: State<'_, AppState>,
    req: wire::Mentions,
) -> Result<Response<wire::Mentions>> {
    let wire::Mentions { unread_only } = req;
    let (db, ctx) = state.acting().await?;
    notes::inbox(&db, &ctx, unread_only).await
}

/// Marks mentions read (one note's, or all).
#[tauri::command]
pub async fn mark_mentions_read(
    state: State<'_, AppState>,
    req: wire::MarkMentionsRead,
) -> Result<Response<wire::MarkMentionsRead>> {
    let wire::MarkMentionsRead { note } = req;
    let (db, ctx) = state.acting().await?;
    notes::mark_read(&db, &ctx, note).await
}

/// One page of a record's timeline.
#[tauri::command]
pub async fn timeline(
    state: State<'_, AppState>,
    req: wire::Timeline,
) -> Result<Response<wire::Timeline>> {
    let wire::Timeline {
        entity_type,
        entity_id,
        offset,
        limit,
    } = req;
    let (db, ctx) = state.acting().await?;
    notes::timeline(&db, &ctx, entity_type, entity_id, offset, limit).await
}

/// Asks for a file and attaches it to a record; `None` if cancelled.
#[tauri::command]
pub async fn attach_document(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::AttachDocument,
) -> Result<Response<wire::AttachDocument>> {
    let wire::AttachDocument {
        entity_type,
        entity_id,
    } = req;
    let Some(path) = pick_file(&app, None) else {
        return Ok(None);
    };
    let bytes = tokio::fs::read(&path).await.map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let (db, ctx) = state.acting().await?;
    notes::attach(&db, &ctx, entity_type, entity_id, &name, &bytes)
        .await
        .map(Some)
}

/// Asks where to save a document and writes its bytes; `None` if cancelled.
#[tauri::command]
pub async fn save_document(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::SaveDocument,
) -> Result<Response<wire::SaveDocument>> {
    let wire::SaveDocument { id } = req;
    let (db, ctx) = state.acting().await?;
    let (doc, bytes) = notes::read(&db, &ctx, id).await?;
    save_bytes(&app, None, &doc.file_name, bytes).await
}

/// Every custom field definition.
#[tauri::command]
pub async fn custom_fields(
    state: State<'_, AppState>,
    req: wire::CustomFields,
) -> Result<Response<wire::CustomFields>> {
    let wire::CustomFields {} = req;
    let (db, ctx) = state.acting().await?;
    companies::fields(&db, &ctx).await
}

/// Defines or edits a custom field.
#[tauri::command]
pub async fn save_custom_field(
    state: State<'_, AppState>,
    req: wire::SaveCustomField,
) -> Result<Response<wire::SaveCustomField>> {
    let wire::SaveCustomField { field } = req;
    let (db, ctx) = state.acting().await?;
    companies::save_field(&db, &ctx, &field).await
}

/// Sets the custom values of a lead or deal.
#[tauri::command]
pub async fn set_custom_values(
    state: State<'_, AppState>,
    req: wire::SetCustomValues,
) -> Result<Response<wire::SetCustomValues>> {
    let wire::SetCustomValues {
        entity_type,
        id,
        values,
    } = req;
    let (db, ctx) = state.acting().await?;
    companies::set_custom_values(&db, &ctx, entity_type, id, &values).await
}

/// The custom values of a record.
#[tauri::command]
pub async fn custom_values(
    state: State<'_, AppState>,
    req: wire::CustomValues,
) -> Result<Response<wire::CustomValues>> {
    let wire::CustomValues { entity_type, id } = req;
    let (db, ctx) = state.acting().await?;
    companies::custom_values(&db, &ctx, entity_type, id).await
}

/// Exports the leads matching `query` in the chosen format (asks where).
#[tauri::command]
pub async fn export_leads_csv(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::ExportLeadsCsv,
) -> Result<Response<wire::ExportLeadsCsv>> {
    let wire::ExportLeadsCsv { query, format } = req;
    let (db, ctx) = state.acting().await?;
    let bytes = banco::services::export::leads(&db, &ctx, &query, format).await?;
    save_export(&app, "banco-lead", format, bytes).await
}

/// The search box.
#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    req: wire::Search,
) -> Result<Response<wire::Search>> {
    let wire::Search { query } = req;
    let mut unreachable = false;
    loop {
        return match state.people_source(unreachable).await? {
            PeopleSource::Database(db, ctx) => match search::search(&db, &ctx, &query, 6).await {
                Err(e) if e.is_unreachable() && !unreachable => {
                    unreachable = true;
                    continue;
                }
                other => other,
            },
            // Offline: the people of this desk's copy (`copy_taken_at` set).
            PeopleSource::Copy(o, server, ctx) => {
                people_copy::search(&o, &server, &ctx, &query, 6).await
            }
        };
    }
}

/// Likely duplicates of people or companies.
#[tauri::command]
pub async fn duplicate_pairs(
    state: State<'_, AppState>,
    req: wire::DuplicatePairs,
) -> Result<Response<wire::DuplicatePairs>> {
    let wire::DuplicatePairs { entity_type } = req;
    let (db, ctx) = state.acting().await?;
    duplicates::scan(&db, &ctx, entity_type).await
}

/// Merges `merge` into `keep`.
#[tauri::command]
pub async fn merge_records(
    state: State<'_, AppState>,
    req: wire::MergeRecords,
) -> Result<Response<wire::MergeRecords>> {
    let wire::MergeRecords {
        entity_type,
        keep,
        merge,
    } = req;
    let (db, ctx) = state.acting().await?;
    duplicates::merge(&db, &ctx, entity_type, keep, merge).await
}

/// Marks a pair "not a duplicate".
#[tauri::command]
pub async fn dismiss_duplicate(
    state: State<'_, AppState>,
    req: wire::DismissDuplicate,
) -> Result<Response<wire::DismissDuplicate>> {
    let wire::DismissDuplicate { entity_type, a, b } = req;
    let (db, ctx) = state.acting().await?;
    duplicates::dismiss(&db, &ctx, entity_type, a, b).await
}

/// Saves the vCards of a person or of a company's contacts (asks where).
#[tauri::command]
pub async fn export_vcard(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::ExportVcard,
) -> Result<Response<wire::ExportVcard>> {
    let wire::ExportVcard { entity_type, id } = req;
    let (db, ctx) = state.acting().await?;
    let text = match entity_type {
        EntityType::Company => vcard::export_company(&db, &ctx, id).await?,
        _ => vcard::export(&db, &ctx, &[id]).await?,
    };
    save_text(&app, "vCard", "vcf", "contatti.vcf", text).await
}

/// Asks for a .vcf file and imports its contacts; `None` if cancelled.
#[tauri::command]
pub async fn import_vcard(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::ImportVcard,
) -> Result<Response<wire::ImportVcard>> {
    let wire::ImportVcard { duplicates } = req;
    let Some(path) = pick_file(&app, Some(("vCard", &["vcf", "vcard"]))) else {
        return Ok(None);
    };
    let bytes = tokio::fs::read(&path).await.map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let (db, ctx) = state.acting().await?;
    vcard::import(&db, &ctx, &bytes, duplicates).await.map(Some)
}

/// Reads a companies CSV and proposes a mapping.
#[tauri::command]
pub async fn company_import_preview(
    state: State<'_, AppState>,
    req: wire::CompanyImportPreview,
) -> Result<Response<wire::CompanyImportPreview>> {
    let wire::CompanyImportPreview { path } = req;
    let path = state.picked_path(&path)?;
    let (db, ctx) = state.acting().await?;
    company_import::preview(&db, &ctx, &path).await
}

/// Runs a companies import.
#[tauri::command]
pub async fn company_import_run(
    state: State<'_, AppState>,
    req: wire::CompanyImportRun,
) -> Result<Response<wire::CompanyImportRun>> {
    let wire::CompanyImportRun { request } = req;
    state.picked_path(&request.path)?;
    let (db, ctx) = state.acting().await?;
    let report = company_import::run(&db, &ctx, &request).await;
    crate::outbox_commands::send_now(&state).await;
    report
}

/// Asks for a file to open (optionally filtered by extension).
fn pick_file(
    app: &tauri::AppHandle,
    filter: Option<(&str, &[&str])>,
) -> Option<std::path::PathBuf> {
    let mut dialog = app.dialog().file();
    if let Some((name, extensions)) = filter {
        dialog = dialog.add_filter(name, extensions);
    }
    dialog.blocking_pick_file().and_then(|p| p.into_path().ok())
}

/// Asks where to save `bytes` (suggesting `file_name`) and writes them;
/// `None` if cancelled.
pub(crate) async fn save_bytes(
    app: &tauri::AppHandle,
    filter: Option<(&str, &[&str])>,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Option<String>> {
    let picked = crate::test_pick().or_else(|| {
        let mut dialog = app.dialog().file().set_file_name(file_name);
        if let Some((name, extensions)) = filter {
            dialog = dialog.add_filter(name, extensions);
        }
        dialog.blocking_save_file().and_then(|p| p.into_path().ok())
    });
    let Some(path) = picked else {
        return Ok(None);
    };
    tokio::fs::write(&path, bytes)
        .await
        .map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
    Ok(Some(path.display().to_string()))
}

/// Asks where to save an export named `base` (no extension) in `format`,
/// with that format's file filter, and writes it.
pub(crate) async fn save_export(
    app: &tauri::AppHandle,
    base: &str,
    format: banco::model::ExportFormat,
    bytes: Vec<u8>,
) -> Result<Option<String>> {
    use banco::model::ExportFormat;
    let extension = format.extension();
    let filter = match format {
        ExportFormat::Csv => "CSV",
        ExportFormat::ExcelIt => "CSV (Excel)",
        ExportFormat::Xlsx => "Excel",
        ExportFormat::Json => "JSON",
    };
    save_bytes(
        app,
        Some((filter, &[extension])),
        &format!("{base}.{extension}"),
        bytes,
    )
    .await
}

pub(crate) async fn save_text(
    app: &tauri::AppHandle,
    filter: &str,
    extension: &str,
    file_name: &str,
    text: String,
) -> Result<Option<String>> {
    save_bytes(
        app,
        Some((filter, &[extension])),
        file_name,
        text.into_bytes(),
    )
    .await
}
