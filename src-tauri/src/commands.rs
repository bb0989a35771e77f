//! Tauri commands: one thin `async fn` per use case, each returning
//! `Result<T, banco::Error>` (serialised as an `ErrorPayload` for the UI).
//! Argument names are the JavaScript keys the UI sends (camelCase).

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use banco::services::{capture, import, leads, off_runtime, people_copy, staff};
use banco::wire::{self, Response};
use banco::{Error, Result};
use serde::Serialize;
use tauri::{Emitter, State};
use tauri_plugin_dialog::DialogExt;

use crate::outbox_commands::PeopleSource;
use crate::AppState;

/// Adds a staff member (admins and store managers only).
#[tauri::command]
pub async fn add_user(
    state: State<'_, AppState>,
    req: wire::AddUser,
) -> Result<Response<wire::AddUser>> {
    let wire::AddUser { user } = req;
    let (db, ctx) = state.acting().await?;
    staff::add_user(&db, &ctx, user).await
}

/// People matching what is typed in the phone and e-mail fields: on the
/// database, or offline on this desk's copy of the store's people (each
/// match then carries `copy_taken_at`).
#[tauri::command]
pub async fn find_matches(
    state: State<'_, AppState>,
    req: wire::FindMatches,
) -> Result<Response<wire::FindMatches>> {
    let wire::FindMatches {
        phone,
        email,
        first_name,
        last_name,
    } = req;
    let (first, last) = (
        first_name.as_deref().unwrap_or(""),
        last_name.as_deref().unwrap_or(""),
    );
    let mut unreachable = false;
    loop {
        return match state.people_source(unreachable).await? {
            PeopleSource::Database(db, ctx) => {
                match capture::find_matches_with_name(&db, &ctx, &phone, &email, first, last).await
                {
                    Err(e) if e.is_unreachable() && !unreachable => {
                        unreachable = true;
                        continue;
                    }
                    other => other,
                }
            }
            PeopleSource::Copy(o, server, ctx) => {
                people_copy::find_matches(&o, &server, &ctx, &phone, &email, first, last).await
            }
        };
    }
}

/// One page of the Leads list.
#[tauri::command]
pub async fn list_leads(
    state: State<'_, AppState>,
    req: wire::ListLeads,
) -> Result<Response<wire::ListLeads>> {
    let wire::ListLeads { query } = req;
    let (db, ctx) = state.acting().await?;
    leads::list(&db, &ctx, &query).await
}

/// A lead's detail.
#[tauri::command]
pub async fn lead_detail(
    state: State<'_, AppState>,
    req: wire::LeadDetail,
) -> Result<Response<wire::LeadDetail>> {
    let wire::LeadDetail { id } = req;
    let (db, ctx) = state.acting().await?;
    leads::detail(&db, &ctx, id).await
}

/// Moves a lead to another status.
#[tauri::command]
pub async fn change_status(
    state: State<'_, AppState>,
    req: wire::ChangeStatus,
) -> Result<Response<wire::ChangeStatus>> {
    let wire::ChangeStatus { change } = req;
    let (db, ctx) = state.acting().await?;
    leads::change_status(&db, &ctx, &change).await
}

/// Adds a note to a lead.
#[tauri::command]
pub async fn add_note(
    state: State<'_, AppState>,
    req: wire::AddNote,
) -> Result<Response<wire::AddNote>> {
    let wire::AddNote { id, body } = req;
    let (db, ctx) = state.acting().await?;
    leads::add_note(&db, &ctx, id, &body).await
}

/// Opens the system file picker for a CSV file; `None` if cancelled. The
/// chosen file becomes one the import commands may read.
#[tauri::command]
pub async fn pick_csv_file(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::PickCsvFile,
) -> Result<Response<wire::PickCsvFile>> {
    let wire::PickCsvFile {} = req;
    Ok(state.pick_file(&app, ("CSV", &["csv", "txt"])))
}

/// Reads a CSV file the user picked and proposes a mapping.
#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    req: wire::ImportPreview,
) -> Result<Response<wire::ImportPreview>> {
    let wire::ImportPreview { path } = req;
    let path = state.picked_path(&path)?;
    off_runtime("import", move || import::preview(&path)).await?
}

/// Problems of an edited mapping against the file (empty = ready).
#[tauri::command]
pub async fn import_check(
    state: State<'_, AppState>,
    req: wire::ImportCheck,
) -> Result<Response<wire::ImportCheck>> {
    let wire::ImportCheck { path, mapping } = req;
    let path = state.picked_path(&path)?;
    off_runtime("import", move || import::check_file(&path, &mapping)).await?
}

/// Progress of a running import, emitted as the `import-progress` event.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ImportProgress {
    /// Rows processed.
    pub done: u64,
    /// Rows in all.
    pub total: u64,
}

/// Runs an import, emitting `import-progress` events as it goes.
#[tauri::command]
pub async fn import_run(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::ImportRun,
) -> Result<Response<wire::ImportRun>> {
    let wire::ImportRun { request } = req;
    let (db, ctx) = state.acting().await?;
    state.picked_path(&request.path)?;
    let cancel = state.import_cancel.clone();
    cancel.store(false, Ordering::SeqCst);
    // Every row's outcome goes to a file as the import runs (the report
    // the window gets lists only the rows it shows); one file per desk,
    // replaced by the next import.
    let key = uuid::Uuid::now_v7();
    let path = state.data_dir().join("import-report.csv");
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    state.forget_import_report();
    let mut full = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io)?);
    let report = import::run_reporting(
        &db,
        &ctx,
        &request,
        |done, total| {
            let _ = app.emit("import-progress", ImportProgress { done, total });
        },
        &cancel,
        &mut full,
    )
    .await;
    drop(full);
    // Counter saves made meanwhile waited in the outbox: in they go.
    crate::outbox_commands::send_now(&state).await;
    match report {
        Ok(mut report) if report.not_listed > 0 => {
            report.full_report = Some(key);
            state.keep_import_report(key, path);
            Ok(report)
        }
        other => {
            let _ = std::fs::remove_file(&path);
            other
        }
    }
}

/// Asks the running import to stop: it rolls back, leaving nothing written.
#[tauri::command]
pub async fn cancel_import(
    state: State<'_, AppState>,
    req: wire::CancelImport,
) -> Result<Response<wire::CancelImport>> {
    let wire::CancelImport {} = req;
    state.acting().await?;
    state.import_cancel.store(true, Ordering::SeqCst);
    Ok(())
}

/// Asks where to save the import report and writes it as CSV (a large
/// people import's: the full report the desk kept). Returns the path
/// written, or `None` if the user cancelled. Errors: `Validation`
/// (`import_report`, `report_gone`) when that full report is no longer
/// kept (another import since, or another user at the desk).
#[tauri::command]
pub async fn save_import_report(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::SaveImportReport,
) -> Result<Response<wire::SaveImportReport>> {
    let wire::SaveImportReport { report } = req;
    // A large people import's report lists only some rows: its full
    // report is the file the desk kept, found by the report's key (the
    // page names no file). Once that is gone (another import, a sign-out),
    // saving the listed rows alone would pass for the whole report.
    let full = match report.full_report {
        Some(key) => Some(state.import_report(key).ok_or_else(|| {
            Error::Validation(vec![banco::model::FieldError::new(
                "import_report",
                "report_gone",
            )])
        })?),
        None => None,
    };
    let Some(path) = app
        .dialog()
        .file()
        .add_filter("CSV", &["csv"])
        .set_file_name("banco-import-report.csv")
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
    else {
        return Ok(None);
    };
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    match full {
        Some(full) => std::fs::copy(&full, &path).map(drop).map_err(io)?,
        None => std::fs::write(&path, import::report_csv(&report)?).map_err(io)?,
    }
    Ok(Some(path.display().to_string()))
}

/// The full report of this desk's last people import (`AppState::import_report`).
impl AppState {
    /// Keeps `path` as the full report of the last people import, under
    /// `key`.
    pub(crate) fn keep_import_report(&self, key: uuid::Uuid, path: PathBuf) {
        *self
            .import_report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((key, path));
    }

    /// The full report kept under `key`, if it is the last one and still
    /// there.
    pub(crate) fn import_report(&self, key: uuid::Uuid) -> Option<PathBuf> {
        self.import_report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .filter(|(k, p)| *k == key && p.is_file())
            .map(|(_, p)| p.clone())
    }

    /// Forgets (and deletes) the last import's full report.
    pub(crate) fn forget_import_report(&self) {
        let kept = self
            .import_report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some((_, path)) = kept {
            let _ = std::fs::remove_file(path);
        }
    }
}
