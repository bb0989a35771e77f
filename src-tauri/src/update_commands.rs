//! New versions of Banco (issue 14) and the About screen. The endpoint is
//! the tenant's ([`banco::services::updates`], set by an admin); the
//! updater (`tauri-plugin-updater`) fetches its manifest, downloads the
//! artifact for this kind of install (`linux-x86_64-deb`, `windows-x86_64-msi`,
//! …), and installs it only if its minisign signature verifies against
//! the public key built into the app (`plugins.updater.pubkey`) and was made
//! for the version the manifest announces (`requireSignedVersion`, so an
//! old signed build cannot be passed off as new). Nothing is installed or
//! restarted unless the user asked for it in the window.

use banco::model::{AboutDesk, UpdateOffer, UpdateProgress, UPDATE_PROGRESS_EVENT};
use banco::services::updates;
use banco::wire::{self, Response};
use banco::{Error, Result};
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::AppState;

/// How this copy was installed (`deb`, `msi`, …), `None` when it was built
/// from source (the bundler marks the binary of each installer it makes).
fn installed_as() -> Option<String> {
    tauri::utils::platform::bundle_type().map(|b| format!("{b:?}").to_lowercase())
}

/// What the About screen shows (any signed-in user).
#[tauri::command]
pub async fn about_desk(
    app: AppHandle,
    state: State<'_, AppState>,
    req: wire::AboutDesk,
) -> Result<Response<wire::AboutDesk>> {
    let wire::AboutDesk {} = req;
    let (db, ctx) = state.acting().await?;
    Ok(AboutDesk {
        version: app.package_info().version.to_string(),
        backend: db.backend().as_str().into(),
        location: state.location(),
        data_dir: state.data_dir().display().to_string(),
        log_dir: crate::logs::dir().display().to_string(),
        installed_as: installed_as(),
        update_endpoint: updates::update_server(&db, &ctx).await?.endpoint,
    })
}

/// Where the tenant's desks look for new versions (any signed-in user).
#[tauri::command]
pub async fn update_server(
    state: State<'_, AppState>,
    req: wire::UpdateServer,
) -> Result<Response<wire::UpdateServer>> {
    let wire::UpdateServer {} = req;
    let (db, ctx) = state.acting().await?;
    updates::update_server(&db, &ctx).await
}

/// Sets or clears the update endpoint (admins; the core checks).
#[tauri::command]
pub async fn save_update_server(
    state: State<'_, AppState>,
    req: wire::SaveUpdateServer,
) -> Result<Response<wire::SaveUpdateServer>> {
    let (db, ctx) = state.acting().await?;
    updates::set_update_server(&db, &ctx, req.endpoint.as_deref()).await
}

/// Opens the log folder in the file manager (anyone).
#[tauri::command]
pub async fn open_log_folder(
    app: AppHandle,
    req: wire::OpenLogFolder,
) -> Result<Response<wire::OpenLogFolder>> {
    let wire::OpenLogFolder {} = req;
    crate::logs::open_dir(&app).map_err(|source| Error::Io {
        path: crate::logs::dir().display().to_string(),
        source,
    })
}

/// "Save diagnostics…" (anyone; the settings only when someone is signed
/// in and the desk is not locked).
#[tauri::command]
pub async fn save_diagnostics(
    app: AppHandle,
    state: State<'_, AppState>,
    req: wire::SaveDiagnostics,
) -> Result<Response<wire::SaveDiagnostics>> {
    use banco::services::diagnostics::{self, DeskFacts};
    let wire::SaveDiagnostics {} = req;
    let name = diagnostics::default_file_name();
    let Some(out) = state.pick_save(&app, ("Zip", &["zip"]), &name) else {
        return Ok(None);
    };
    let facts = DeskFacts {
        version: app.package_info().version.to_string(),
        installed_as: installed_as(),
        location: state.location(),
        data_dir: state.data_dir().to_path_buf(),
        log_dir: crate::logs::dir(),
        start_up_failure: state.start_up_failure().map(|e| e.to_string()),
    };
    let signed_in = state.acting().await.ok();
    let saved =
        diagnostics::save(signed_in.as_ref().map(|(db, ctx)| (db, ctx)), &facts, &out).await?;
    Ok(Some(saved))
}

/// A failure of the updater as the window shows it (`update`: `code`); the
/// updater's own words go to the log.
fn refused(code: &'static str, e: impl std::fmt::Display) -> Error {
    tracing::warn!(code, "update: {e}");
    Error::field("update", code)
}

/// The newest version the tenant's endpoint offers this desk, if newer.
async fn offered(app: &AppHandle, state: &AppState) -> Result<Option<Update>> {
    use tauri_plugin_updater::Error as U;
    let (db, ctx) = state.acting().await?;
    let Some(endpoint) = updates::update_server(&db, &ctx).await?.endpoint else {
        return Err(Error::field("update", "no_update_server"));
    };
    if installed_as().is_none() {
        return Err(Error::field("update", "not_installed"));
    }
    let url = url::Url::parse(&endpoint).map_err(|e| refused("bad_manifest", e))?;
    let updater = app
        .updater_builder()
        .endpoints(vec![url])
        .and_then(|b| b.build())
        .map_err(|e| refused("bad_manifest", e))?;
    updater.check().await.map_err(|e| match e {
        U::TargetNotFound(_) | U::TargetsNotFound(_) => refused("no_build", e),
        U::Reqwest(_) | U::Network(_) | U::Io(_) => refused("update_unreachable", e),
        e => refused("bad_manifest", e),
    })
}

/// Asks the tenant's endpoint for a newer version (see [`wire::CheckUpdate`]).
#[tauri::command]
pub async fn check_update(
    app: AppHandle,
    state: State<'_, AppState>,
    req: wire::CheckUpdate,
) -> Result<Response<wire::CheckUpdate>> {
    let wire::CheckUpdate {} = req;
    let offer = offered(&app, &state).await?.map(|u| UpdateOffer {
        current_version: u.current_version.clone(),
        version: u.version.clone(),
        notes: u.body.clone(),
        date: u.date.and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        }),
    });
    if let Some(o) = &offer {
        tracing::info!(current = %o.current_version, offered = %o.version, "update offered");
    }
    Ok(offer)
}

/// Downloads, verifies and installs the offered version, then restarts
/// (see [`wire::InstallUpdate`]). The page asks only on the user's click,
/// never on its own, so nobody is restarted in the middle of a capture.
#[tauri::command]
pub async fn install_update(
    app: AppHandle,
    state: State<'_, AppState>,
    req: wire::InstallUpdate,
) -> Result<Response<wire::InstallUpdate>> {
    use tauri_plugin_updater::Error as U;
    let Some(update) = offered(&app, &state).await? else {
        return Err(Error::field("update", "update_changed"));
    };
    if update.version != req.version {
        return Err(Error::field("update", "update_changed"));
    }
    tracing::info!(version = %update.version, url = %update.download_url, "downloading the update");
    let mut downloaded = 0u64;
    let progress = app.clone();
    let bytes = update
        .download(
            move |chunk, total| {
                downloaded += chunk as u64;
                let _ = progress.emit_to(
                    "main",
                    UPDATE_PROGRESS_EVENT,
                    UpdateProgress { downloaded, total },
                );
            },
            || {},
        )
        .await
        .map_err(|e| match e {
            U::Minisign(_) | U::Base64(_) | U::SignatureUtf8(_) => refused("bad_signature", e),
            U::Reqwest(_) | U::Network(_) | U::Io(_) => refused("update_unreachable", e),
            e => refused("bad_signature", e),
        })?;
    tracing::info!(version = %update.version, bytes = bytes.len(), "update verified, installing");
    // The installer asks the OS for an administrator (pkexec on Linux) and
    // blocks until it is done: off the async threads.
    tauri::async_runtime::spawn_blocking(move || update.install(bytes))
        .await
        .map_err(|e| refused("install_failed", e))?
        .map_err(|e| refused("install_failed", e))?;
    tracing::info!("update installed, restarting");
    app.request_restart();
    Ok(())
}
