//! Tauri commands of companies, contacts, record cards, notes, documents,
//! the timeline, custom fields, search, duplicates and vCards: one thin
//! `async fn` per use case, like [`crate::commands`].

use banco::model::{
    Company, CompanyCard, CompanyImportPreview, CompanyImportRequest, CompanyInput,
    CompanyListItem, CompanyQuery, CustomField, CustomValues, Document, DuplicatePair,
    DuplicatePolicy, EntityType, ImportReport, Mention, MergeOutcome, Note, NoteRevision, Page,
    PersonCard, SearchResults, TimelineEntry,
};
use banco::services::companies::PersonDetails;
use banco::services::notes::{NewNote, NoteEdit};
use banco::services::{companies, company_import, duplicates, notes, search, vcard};
use banco::{Error, Result};
use tauri::State;
use tauri_plugin_dialog::DialogExt;
use uuid::Uuid;

use crate::AppState;

/// One page of companies.
#[tauri::command]
pub async fn list_companies(
    state: State<'_, AppState>,
    query: CompanyQuery,
) -> Result<Page<CompanyListItem>> {
    let ctx = state.ctx.read().await.clone();
    companies::list(&state.db, &ctx, &query).await
}

/// Creates a company from its form.
#[tauri::command]
pub async fn create_company(state: State<'_, AppState>, input: CompanyInput) -> Result<Company> {
    let ctx = state.ctx.read().await.clone();
    companies::create(&state.db, &ctx, &input).await
}

/// Saves a company's form.
#[tauri::command]
pub async fn update_company(
    state: State<'_, AppState>,
    id: Uuid,
    input: CompanyInput,
) -> Result<Company> {
    let ctx = state.ctx.read().await.clone();
    companies::update(&state.db, &ctx, id, &input).await
}

/// The company card.
#[tauri::command]
pub async fn company_card(state: State<'_, AppState>, id: Uuid) -> Result<CompanyCard> {
    let ctx = state.ctx.read().await.clone();
    companies::card(&state.db, &ctx, id).await
}

/// The person card.
#[tauri::command]
pub async fn person_card(state: State<'_, AppState>, id: Uuid) -> Result<PersonCard> {
    let ctx = state.ctx.read().await.clone();
    companies::person_card(&state.db, &ctx, id).await
}

/// Saves a person's tax code, city and custom fields.
#[tauri::command]
pub async fn update_person_details(
    state: State<'_, AppState>,
    id: Uuid,
    details: PersonDetails,
) -> Result<PersonCard> {
    let ctx = state.ctx.read().await.clone();
    companies::update_person_details(&state.db, &ctx, id, &details).await
}

/// Links a person to a company.
#[tauri::command]
pub async fn link_contact(
    state: State<'_, AppState>,
    company: Uuid,
    person: Uuid,
    role: String,
    primary: bool,
) -> Result<CompanyCard> {
    let ctx = state.ctx.read().await.clone();
    companies::link_contact(&state.db, &ctx, company, person, &role, primary).await
}

/// Unlinks a person from a company.
#[tauri::command]
pub async fn unlink_contact(
    state: State<'_, AppState>,
    company: Uuid,
    person: Uuid,
) -> Result<CompanyCard> {
    let ctx = state.ctx.read().await.clone();
    companies::unlink_contact(&state.db, &ctx, company, person).await
}

/// Exports the companies matching `query` as CSV (asks where).
#[tauri::command]
pub async fn export_companies_csv(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    query: CompanyQuery,
) -> Result<Option<String>> {
    let ctx = state.ctx.read().await.clone();
    let csv = companies::export_csv(&state.db, &ctx, &query).await?;
    save_text(&app, "CSV", "csv", "banco-aziende.csv", csv).await
}

/// Adds a note to a record.
#[tauri::command]
pub async fn add_record_note(state: State<'_, AppState>, note: NewNote) -> Result<Note> {
    let ctx = state.ctx.read().await.clone();
    notes::add(&state.db, &ctx, &note).await
}

/// Edits a note.
#[tauri::command]
pub async fn edit_note(state: State<'_, AppState>, id: Uuid, edit: NoteEdit) -> Result<Note> {
    let ctx = state.ctx.read().await.clone();
    notes::edit(&state.db, &ctx, id, &edit).await
}

/// Notes of a record.
#[tauri::command]
pub async fn list_notes(state: State<'_, AppState>, entity: Uuid) -> Result<Vec<Note>> {
    let ctx = state.ctx.read().await.clone();
    notes::list(&state.db, &ctx, entity).await
}

/// A note's earlier versions.
#[tauri::command]
pub async fn note_revisions(state: State<'_, AppState>, id: Uuid) -> Result<Vec<NoteRevision>> {
    let ctx = state.ctx.read().await.clone();
    notes::revisions(&state.db, &ctx, id).await
}

/// The acting user's mentions.
#[tauri::command]
pub async fn mentions(state: State<'_, AppState>, unread_only: bool) -> Result<Vec<Mention>> {
    let ctx = state.ctx.read().await.clone();
    notes::inbox(&state.db, &ctx, unread_only).await
}

/// Marks mentions read (one note's, or all).
#[tauri::command]
pub async fn mark_mentions_read(state: State<'_, AppState>, note: Option<Uuid>) -> Result<u64> {
    let ctx = state.ctx.read().await.clone();
    notes::mark_read(&state.db, &ctx, note).await
}

/// One page of a record's timeline.
#[tauri::command]
pub async fn timeline(
    state: State<'_, AppState>,
    entity_type: EntityType,
    entity_id: Uuid,
    offset: u32,
    limit: u32,
) -> Result<Page<TimelineEntry>> {
    let ctx = state.ctx.read().await.clone();
    notes::timeline(&state.db, &ctx, entity_type, entity_id, offset, limit).await
}

/// Asks for a file and attaches it to a record; `None` if cancelled.
#[tauri::command]
pub async fn attach_document(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    entity_type: EntityType,
    entity_id: Uuid,
) -> Result<Option<Document>> {
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
    let ctx = state.ctx.read().await.clone();
    notes::attach(&state.db, &ctx, entity_type, entity_id, &name, &bytes)
        .await
        .map(Some)
}

/// Asks where to save a document and writes its bytes; `None` if cancelled.
#[tauri::command]
pub async fn save_document(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    id: Uuid,
) -> Result<Option<String>> {
    let ctx = state.ctx.read().await.clone();
    let (doc, bytes) = notes::read(&state.db, &ctx, id).await?;
    save_bytes(&app, None, &doc.file_name, bytes).await
}

/// Every custom field definition.
#[tauri::command]
pub async fn custom_fields(state: State<'_, AppState>) -> Result<Vec<CustomField>> {
    let ctx = state.ctx.read().await.clone();
    companies::fields(&state.db, &ctx).await
}

/// Defines or edits a custom field.
#[tauri::command]
pub async fn save_custom_field(
    state: State<'_, AppState>,
    field: CustomField,
) -> Result<Vec<CustomField>> {
    let ctx = state.ctx.read().await.clone();
    companies::save_field(&state.db, &ctx, &field).await
}

/// Sets the custom values of a lead or deal.
#[tauri::command]
pub async fn set_custom_values(
    state: State<'_, AppState>,
    entity_type: EntityType,
    id: Uuid,
    values: CustomValues,
) -> Result<CustomValues> {
    let ctx = state.ctx.read().await.clone();
    companies::set_custom_values(&state.db, &ctx, entity_type, id, &values).await
}

/// The custom values of a record.
#[tauri::command]
pub async fn custom_values(
    state: State<'_, AppState>,
    entity_type: EntityType,
    id: Uuid,
) -> Result<CustomValues> {
    let ctx = state.ctx.read().await.clone();
    companies::custom_values(&state.db, &ctx, entity_type, id).await
}

/// Exports the leads matching `query` as CSV (asks where).
#[tauri::command]
pub async fn export_leads_csv(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    query: banco::model::LeadQuery,
) -> Result<Option<String>> {
    let ctx = state.ctx.read().await.clone();
    let items = banco::services::export::all_leads(&state.db, &ctx, &query).await?;
    let keys = banco::services::export::custom_keys(&state.db, &ctx, EntityType::Lead).await?;
    let csv = banco::services::export::leads_csv(&items, &keys)?;
    save_text(&app, "CSV", "csv", "banco-lead.csv", csv).await
}

/// The search box.
#[tauri::command]
pub async fn search(state: State<'_, AppState>, query: String) -> Result<SearchResults> {
    let ctx = state.ctx.read().await.clone();
    search::search(&state.db, &ctx, &query, 6).await
}

/// Likely duplicates of people or companies.
#[tauri::command]
pub async fn duplicate_pairs(
    state: State<'_, AppState>,
    entity_type: EntityType,
) -> Result<Vec<DuplicatePair>> {
    let ctx = state.ctx.read().await.clone();
    duplicates::scan(&state.db, &ctx, entity_type).await
}

/// Merges `merge` into `keep`.
#[tauri::command]
pub async fn merge_records(
    state: State<'_, AppState>,
    entity_type: EntityType,
    keep: Uuid,
    merge: Uuid,
) -> Result<MergeOutcome> {
    let ctx = state.ctx.read().await.clone();
    duplicates::merge(&state.db, &ctx, entity_type, keep, merge).await
}

/// Marks a pair "not a duplicate".
#[tauri::command]
pub async fn dismiss_duplicate(
    state: State<'_, AppState>,
    entity_type: EntityType,
    a: Uuid,
    b: Uuid,
) -> Result<()> {
    let ctx = state.ctx.read().await.clone();
    duplicates::dismiss(&state.db, &ctx, entity_type, a, b).await
}

/// Saves the vCards of a person or of a company's contacts (asks where).
#[tauri::command]
pub async fn export_vcard(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    entity_type: EntityType,
    id: Uuid,
) -> Result<Option<String>> {
    let ctx = state.ctx.read().await.clone();
    let text = match entity_type {
        EntityType::Company => vcard::export_company(&state.db, &ctx, id).await?,
        _ => vcard::export(&state.db, &ctx, &[id]).await?,
    };
    save_text(&app, "vCard", "vcf", "contatti.vcf", text).await
}

/// Asks for a .vcf file and imports its contacts; `None` if cancelled.
#[tauri::command]
pub async fn import_vcard(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    duplicates: DuplicatePolicy,
) -> Result<Option<ImportReport>> {
    let Some(path) = pick_file(&app, Some(("vCard", &["vcf", "vcard"]))) else {
        return Ok(None);
    };
    let bytes = tokio::fs::read(&path).await.map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let ctx = state.ctx.read().await.clone();
    vcard::import(&state.db, &ctx, &bytes, duplicates)
        .await
        .map(Some)
}

/// Reads a companies CSV and proposes a mapping.
#[tauri::command]
pub async fn company_import_preview(
    state: State<'_, AppState>,
    path: String,
) -> Result<CompanyImportPreview> {
    let ctx = state.ctx.read().await.clone();
    company_import::preview(&state.db, &ctx, std::path::Path::new(&path)).await
}

/// Runs a companies import.
#[tauri::command]
pub async fn company_import_run(
    state: State<'_, AppState>,
    request: CompanyImportRequest,
) -> Result<ImportReport> {
    let ctx = state.ctx.read().await.clone();
    company_import::run(&state.db, &ctx, &request).await
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
    let mut dialog = app.dialog().file().set_file_name(file_name);
    if let Some((name, extensions)) = filter {
        dialog = dialog.add_filter(name, extensions);
    }
    let Some(path) = dialog.blocking_save_file().and_then(|p| p.into_path().ok()) else {
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

async fn save_text(
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
