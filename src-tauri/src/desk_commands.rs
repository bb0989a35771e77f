//! Who is at the desk: the first-start set-up, signing in and out, the
//! lock, switching user with the other person's password, and passwords.
//! Every other command acts as [`AppState::acting`], the signed-in user,
//! and answers `SignedOut` while nobody is signed in or the desk is locked.

use banco::model::{AppInfo, DeskState};
use banco::services::{sign_in, staff, Ctx};
use banco::store::Db;
use banco::wire::{self, Response};
use banco::{Error, Result};
use tauri::State;

use crate::{AppState, SignedIn};

/// The frame's data for `ctx`.
async fn info(state: &AppState, db: &Db, ctx: &Ctx) -> Result<AppInfo> {
    Ok(AppInfo {
        tenant: ctx.tenant.clone(),
        user: ctx.user.clone(),
        users: staff::list_users(db, ctx).await?,
        stores: staff::list_stores(db, ctx).await?,
        backend: db.backend().as_str().into(),
        location: state.location(),
        offline: false,
    })
}

/// Makes the user of a checked sign-in the signed-in, unlocked user of
/// this desk, on its database or offline.
async fn enter(state: &AppState, checked: SignedIn) -> Result<AppInfo> {
    match checked {
        SignedIn::Online(db, ctx) => signed_in(state, db, ctx).await,
        SignedIn::Offline(ctx, login, password) => {
            let shown = state.offline_info(&ctx).await;
            state.set_offline_desk(ctx, login, password).await;
            tracing::info!(user = %shown.user.id, "signed in offline");
            Ok(shown)
        }
    }
}

/// Makes `ctx` the signed-in, unlocked user of this desk.
async fn signed_in(state: &AppState, db: Db, ctx: Ctx) -> Result<AppInfo> {
    let shown = info(state, &db, &ctx).await?;
    if ctx.user.role.is_manager() {
        // The daily classification of customer segments and the
        // automations (issue 15): the first manager of the day runs them,
        // in the background.
        let (job_db, job_ctx) = (db.clone(), ctx.clone());
        tauri::async_runtime::spawn(async move {
            match banco::services::segments::refresh_if_due(&job_db, &job_ctx).await {
                Ok(Some(_)) => tracing::info!("segments classified"),
                Ok(None) => {}
                Err(e) => tracing::error!("segment classification failed: {e}"),
            }
            // Then the automations, which read the segments.
            match banco::services::automations::run_if_due(&job_db, &job_ctx).await {
                Ok(Some(runs)) => tracing::info!(rules = runs.len(), "automations ran"),
                Ok(None) => {}
                Err(e) => tracing::error!("automations failed: {e}"),
            }
        });
    }
    if ctx.user.role == banco::model::Role::Admin {
        // The daily retention job (GDPR, issue 15): the first admin of the
        // day runs it, in the background.
        let (job_db, job_ctx, outbox) =
            (db.clone(), ctx.clone(), state.outbox().await.ok().flatten());
        tauri::async_runtime::spawn(async move {
            match banco::services::gdpr::retention_if_due(&job_db, &job_ctx, outbox.as_ref()).await
            {
                Ok(Some(run)) => tracing::info!(
                    erased = run.erased,
                    months = run.months,
                    "retention job ran"
                ),
                Ok(None) => {}
                Err(e) => tracing::error!("retention job failed: {e}"),
            }
        });
    }
    state.set_desk(Some((db, ctx))).await;
    tracing::info!(user = %shown.user.id, "signed in");
    Ok(shown)
}

/// The frame's data (see [`AppInfo`]).
#[tauri::command]
pub async fn app_info(
    state: State<'_, AppState>,
    req: wire::AppInfo,
) -> Result<Response<wire::AppInfo>> {
    let wire::AppInfo {} = req;
    match state.acting().await {
        Ok((db, ctx)) => info(&state, &db, &ctx).await,
        Err(e) if e.is_unreachable() => match state.desk_user().await {
            Some(ctx) => Ok(state.offline_info(&ctx).await),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// This shop's backups, newest first, each checked (managers).
#[tauri::command]
pub async fn list_backups(
    state: State<'_, AppState>,
    req: wire::ListBackups,
) -> Result<Response<wire::ListBackups>> {
    let wire::ListBackups {} = req;
    let (_, ctx) = state.acting().await?;
    let dir = state.data_dir().join(banco::services::backup::BACKUP_DIR);
    banco::services::backup::list_as(&ctx, &dir).await
}

/// Backs this shop's database up now (managers); the backups after.
#[tauri::command]
pub async fn back_up_now(
    state: State<'_, AppState>,
    req: wire::BackUpNow,
) -> Result<Response<wire::BackUpNow>> {
    let wire::BackUpNow {} = req;
    let (db, ctx) = state.acting().await?;
    let dir = state.data_dir().join(banco::services::backup::BACKUP_DIR);
    banco::services::backup::create(&db, &ctx, &dir).await?;
    banco::services::backup::list_as(&ctx, &dir).await
}

/// How many days the shop keeps its backups (managers).
#[tauri::command]
pub async fn backup_keep_days(
    state: State<'_, AppState>,
    req: wire::BackupKeepDays,
) -> Result<Response<wire::BackupKeepDays>> {
    let wire::BackupKeepDays {} = req;
    let (db, ctx) = state.acting().await?;
    banco::services::backup::keep_days(&db, &ctx).await
}

/// Sets how many days the shop keeps its backups (managers; the core checks).
#[tauri::command]
pub async fn set_backup_keep_days(
    state: State<'_, AppState>,
    req: wire::SetBackupKeepDays,
) -> Result<Response<wire::SetBackupKeepDays>> {
    let (db, ctx) = state.acting().await?;
    banco::services::backup::set_keep_days(&db, &ctx, req.days).await
}

/// Restores a backup of the shop's database (managers; the core checks
/// the role and the backup before anything is closed). The desk is
/// signed out: the restored database has its own users.
#[tauri::command]
pub async fn restore_backup(
    state: State<'_, AppState>,
    req: wire::RestoreBackup,
) -> Result<Response<wire::RestoreBackup>> {
    use banco::services::backup;
    let (_, ctx) = state.acting().await?;
    if state.shop().is_none() {
        return Err(banco::Error::field("backup", "server_database"));
    }
    backup::check_restore(&ctx, state.data_dir(), &req.file).await?;
    let restored = state.restore_shop(&req.file).await?;
    tracing::info!(
        user = %ctx.user.id,
        file = %restored.backup.file,
        replaced = %restored.replaced.display(),
        "backup restored"
    );
    Ok(restored.backup)
}

/// What the desk shows first (see [`DeskState`]).
#[tauri::command]
pub async fn desk_state(
    state: State<'_, AppState>,
    req: wire::DeskState,
) -> Result<Response<wire::DeskState>> {
    let wire::DeskState {} = req;
    if let Some(e) = state.start_up_failure() {
        return Err(e);
    }
    match state.acting().await {
        Ok((db, ctx)) => Ok(DeskState::SignedIn {
            info: Box::new(info(&state, &db, &ctx).await?),
        }),
        // Signed in without the server, or it went away: the counter works.
        Err(e) if e.is_unreachable() => match state.desk_user().await {
            Some(ctx) => Ok(DeskState::SignedIn {
                info: Box::new(state.offline_info(&ctx).await),
            }),
            None => Err(e),
        },
        Err(Error::SignedOut) => match (state.locked_user().await, state.shop()) {
            (Some(ctx), _) => Ok(DeskState::Locked { user: ctx.user }),
            // A chain server is set up by `banco admin init`, never claimed.
            (None, Some(shop)) if sign_in::is_unclaimed(&shop).await? => Ok(DeskState::Unclaimed),
            (None, _) => Ok(DeskState::SignedOut),
        },
        Err(e) => Err(e),
    }
}

/// First start: the administrator's login and password.
#[tauri::command]
pub async fn claim_desk(
    state: State<'_, AppState>,
    req: wire::ClaimDesk,
) -> Result<Response<wire::ClaimDesk>> {
    let wire::ClaimDesk { login, password } = req;
    let shop = state.shop().ok_or(Error::SignIn {
        reason: "not_unclaimed",
        retry_after_s: 0,
    })?;
    let ctx = sign_in::claim(&shop, &login, password).await?;
    signed_in(&state, shop, ctx).await
}

/// First start: this desk works on a chain server (see
/// [`wire::ConnectServer`]). Only while the shop's file has no
/// administrator and nobody is signed in, so nobody can later point a
/// set-up desk at another server and collect its staff's passwords.
#[tauri::command]
pub async fn connect_server(
    state: State<'_, AppState>,
    req: wire::ConnectServer,
) -> Result<Response<wire::ConnectServer>> {
    let wire::ConnectServer {
        mut server,
        password,
    } = req;
    let not_unclaimed = || Error::SignIn {
        reason: "not_unclaimed",
        retry_after_s: 0,
    };
    let shop = state.shop().ok_or_else(not_unclaimed)?;
    if !sign_in::is_unclaimed(&shop).await? || state.desk_db().await.is_some() {
        return Err(not_unclaimed());
    }
    if let Some(ca) = server.ca_file.take().filter(|p| !p.trim().is_empty()) {
        server.ca_file = Some(state.picked_path(&ca)?.display().to_string());
    }
    let connected = banco::services::desk_connection::connect_server(
        state.data_dir(),
        server,
        password.clone(),
    )
    .await?;
    state.move_to_server(connected.url).await;
    if let Some(login) = connected.ctx.user.login.clone() {
        let (db, ctx) = (&connected.db, &connected.ctx);
        state.remember_sign_in(db, ctx, &login, &password).await;
    }
    signed_in(&state, connected.db, connected.ctx).await
}

/// Opens the system file picker for a chain server's CA certificate.
#[tauri::command]
pub async fn pick_ca_file(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    req: wire::PickCaFile,
) -> Result<Response<wire::PickCaFile>> {
    let wire::PickCaFile {} = req;
    Ok(state.pick_file(&app, ("PEM", &["pem", "crt", "cer"])))
}

/// Signs in by login and password.
#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    req: wire::SignIn,
) -> Result<Response<wire::SignIn>> {
    let wire::SignIn { login, password } = req;
    let checked = state.check_sign_in(&login, password).await?;
    enter(&state, checked).await
}

/// Unlocks the desk with the locked user's password.
#[tauri::command]
pub async fn unlock_desk(
    state: State<'_, AppState>,
    req: wire::UnlockDesk,
) -> Result<Response<wire::UnlockDesk>> {
    let wire::UnlockDesk { password } = req;
    let who = state.locked_user().await.ok_or(Error::SignedOut)?;
    let Some(db) = state.desk_db().await else {
        // Locked while offline: checked as the offline sign-in was.
        let login = who.user.login.clone().ok_or(Error::SignedOut)?;
        let checked = state.sign_in_offline(&login, password).await?;
        return enter(&state, checked).await;
    };
    match sign_in::verify_user(&db, who.tenant_id(), who.user.id, password.clone()).await {
        Ok(ctx) => signed_in(&state, db, ctx).await,
        Err(e) if e.is_unreachable() => {
            let login = who.user.login.clone().ok_or(e)?;
            let checked = state.sign_in_offline(&login, password).await?;
            enter(&state, checked).await
        }
        Err(e) => Err(e),
    }
}

/// Locks the desk.
#[tauri::command]
pub async fn lock_desk(
    state: State<'_, AppState>,
    req: wire::LockDesk,
) -> Result<Response<wire::LockDesk>> {
    let wire::LockDesk {} = req;
    state.lock().await;
    Ok(())
}

/// Signs out.
#[tauri::command]
pub async fn sign_out(
    state: State<'_, AppState>,
    req: wire::SignOut,
) -> Result<Response<wire::SignOut>> {
    let wire::SignOut {} = req;
    state.set_desk(None).await;
    Ok(())
}

/// Changes who is at the counter, with that person's password.
#[tauri::command]
pub async fn switch_user(
    state: State<'_, AppState>,
    req: wire::SwitchUser,
) -> Result<Response<wire::SwitchUser>> {
    let wire::SwitchUser { user, password } = req;
    let (db, ctx) = state.acting().await?;
    if state.shop().is_some() {
        let next = sign_in::verify_user(&db, ctx.tenant_id(), user, password).await?;
        return signed_in(&state, db, next).await;
    }
    // A chain server: the colleague works on a connection of their own
    // login, opened with their password.
    let login = staff::list_users(&db, &ctx)
        .await?
        .into_iter()
        .find(|u| u.id == user && u.active)
        .and_then(|u| u.login)
        .ok_or(Error::SignIn {
            reason: "wrong_credentials",
            retry_after_s: 0,
        })?;
    let checked = state.check_sign_in(&login, password).await?;
    enter(&state, checked).await
}

/// Sets a user's password (and login).
#[tauri::command]
pub async fn set_password(
    state: State<'_, AppState>,
    req: wire::SetPassword,
) -> Result<Response<wire::SetPassword>> {
    let wire::SetPassword {
        user,
        login,
        password,
    } = req;
    let (db, ctx) = state.acting().await?;
    let changed = sign_in::set_password(&db, &ctx, user, &login, password.clone()).await?;
    if changed.id == ctx.user.id {
        state
            .own_password_changed(&db, &changed, &ctx, &password)
            .await;
    }
    Ok(changed)
}

/// Changes the signed-in user's own password.
#[tauri::command]
pub async fn change_password(
    state: State<'_, AppState>,
    req: wire::ChangePassword,
) -> Result<Response<wire::ChangePassword>> {
    let wire::ChangePassword { current, new } = req;
    let (db, ctx) = state.acting().await?;
    sign_in::change_own_password(&db, &ctx, current, new.clone()).await?;
    state.own_password_changed(&db, &ctx.user, &ctx, &new).await;
    Ok(())
}

/// "Forget this computer": the server password leaves the OS keychain.
#[tauri::command]
pub async fn forget_computer(
    state: State<'_, AppState>,
    req: wire::ForgetComputer,
) -> Result<Response<wire::ForgetComputer>> {
    let wire::ForgetComputer {} = req;
    let (_, ctx) = state.acting().await?;
    let forgotten = sign_in::forget_this_computer(&ctx, &state.database_url())?;
    // Nobody signs in offline here any more either.
    if let (Some(o), Some(server)) = (state.outbox().await?, state.server_key()) {
        o.forget_users(&server).await?;
    }
    state.forget_import_report();
    Ok(forgotten)
}

/// Deactivates or reactivates a user.
#[tauri::command]
pub async fn set_user_active(
    state: State<'_, AppState>,
    req: wire::SetUserActive,
) -> Result<Response<wire::SetUserActive>> {
    let wire::SetUserActive { user, active } = req;
    let (db, ctx) = state.acting().await?;
    staff::set_active(&db, &ctx, user, active).await
}

/// Sets after how many idle minutes desks lock.
#[tauri::command]
pub async fn set_idle_lock(
    state: State<'_, AppState>,
    req: wire::SetIdleLock,
) -> Result<Response<wire::SetIdleLock>> {
    let wire::SetIdleLock { minutes } = req;
    let (db, ctx) = state.acting().await?;
    sign_in::set_idle_lock(&db, &ctx, minutes).await
}
