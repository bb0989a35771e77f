//! The counter without its chain server: the save that queues in the outbox, offline sign-in, the Outbox screen's commands, and the task that reconnects and sends.
//!
//! On a shop's embedded database the outbox holds the captures saved while
//! an import kept the file locked; they are sent as soon as the import
//! ends ([`send_now`]) or by [`keep_sending`].
//!
//! A desk on a chain server keeps its captures in this computer's outbox
//! (`banco::services::outbox`) whenever the server cannot be reached, and
//! a person can sign in while it is down (checked against their last
//! online sign-in here): the desk then has no database ([`Desk::db`] is
//! `None`), every command but the counter's answers
//! [`banco::Error::Offline`], and [`keep_sending`] reconnects them with
//! the password they signed in with as soon as the server answers, then
//! sends what waits. The window hears of every change as
//! [`OUTBOX_EVENT`].
//!
//! [`Desk::db`]: crate::Desk

use banco::model::{AppInfo, OutboxStatus, Password, SavedCapture, User};
use banco::services::{capture, outbox, people_copy, Ctx};
use banco::store::outbox::Outbox;
use banco::store::Db;
use banco::wire::{self, Response};
use banco::{Error, Result};
use std::sync::atomic::Ordering;

use tauri::{Emitter, Manager, State};

use crate::{AppState, SignedIn};

/// The event the main window gets with an [`OutboxStatus`] whenever the
/// outbox or the connection changes.
pub const OUTBOX_EVENT: &str = "outbox-changed";

/// How often [`keep_sending`] looks for the server.
const RETRY_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

impl AppState {
    /// The chain server of this desk as the outbox names it; `None` for a shop.
    pub fn server_key(&self) -> Option<String> {
        let place = self.place();
        if place.shop.is_some() {
            return None;
        }
        banco::store::server_key(&place.url).ok()
    }

    /// The name this desk's outbox files its captures under: the chain
    /// server, or the shop's database file (`banco::store::outbox_key`).
    pub fn outbox_key(&self) -> Option<String> {
        banco::store::outbox_key(&self.place().url).ok()
    }

    /// This computer's outbox (`outbox.db` in the data folder).
    ///
    /// Errors: as [`Outbox::open`].
    pub async fn outbox(&self) -> Result<Option<Outbox>> {
        if self.outbox_key().is_none() {
            return Ok(None);
        }
        if let Some(o) = self.outbox.get() {
            return Ok(Some(o.clone()));
        }
        let opened = Outbox::open(&self.data_dir).await?;
        // Two first uses at once: one file, the second pool is dropped.
        let _ = self.outbox.set(opened);
        Ok(self.outbox.get().cloned())
    }

    /// Keeps what the offline sign-in needs of a user who just signed in
    /// online. A failure is logged: working online does not depend on it.
    pub(crate) async fn remember_sign_in(&self, db: &Db, ctx: &Ctx, login: &str, pw: &Password) {
        let kept = match self.outbox().await {
            Ok(Some(o)) => outbox::remember(db, ctx, &o, login, pw).await,
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(e) = kept {
            tracing::warn!("cannot keep the sign-in for offline work: {e}");
        }
    }

    /// After the signed-in user changed their own password to `new`
    /// (`me` as saved): this computer's record for signing in offline and
    /// the OS keychain's password of the desk's server login (when that
    /// login is theirs) take the new one, so that the old password no
    /// longer signs in offline and the next start is not refused. A
    /// failure of either is logged: the change itself is done.
    pub(crate) async fn own_password_changed(&self, db: &Db, me: &User, ctx: &Ctx, new: &Password) {
        let Some(login) = me.login.as_deref() else {
            return;
        };
        self.remember_sign_in(db, ctx, login, new).await;
        banco::services::desk_connection::keep_changed_password(&self.database_url(), login, new);
    }

    /// `login` signed in against this computer's record of them.
    pub(crate) async fn sign_in_offline(&self, login: &str, pw: Password) -> Result<SignedIn> {
        let (Some(server), Some(o)) = (self.server_key(), self.outbox().await?) else {
            return Err(Error::Offline);
        };
        let (ctx, _) = outbox::sign_in_offline(&o, &server, login, &pw).await?;
        o.set_offline(true);
        Ok(SignedIn::Offline(ctx, login.to_string(), pw))
    }

    /// Makes `ctx` the signed-in, unlocked user of a desk without its server.
    pub(crate) async fn set_offline_desk(&self, ctx: Ctx, login: String, pw: Password) {
        self.set_desk(None).await;
        let mut desk = self.desk.write().await;
        desk.who = Some(ctx);
        desk.offline_login = Some((login, pw));
    }

    /// Who is signed in at this desk (locked or not, online or not).
    pub(crate) async fn desk_user(&self) -> Option<Ctx> {
        self.desk.read().await.who.clone()
    }

    /// The frame's data of a desk without its server: the user as last
    /// known, no colleagues, the stores of their copy of the store's
    /// people (none without one), `offline` set.
    pub(crate) async fn offline_info(&self, ctx: &Ctx) -> AppInfo {
        let stores = match (self.server_key(), self.outbox().await) {
            (Some(server), Ok(Some(o))) => people_copy::stores(&o, &server, ctx)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!("people copy: {e}");
                    Vec::new()
                }),
            _ => Vec::new(),
        };
        AppInfo {
            tenant: ctx.tenant.clone(),
            user: ctx.user.clone(),
            users: vec![ctx.user.clone()],
            stores,
            backend: "postgres".into(),
            location: self.location(),
            offline: true,
        }
    }

    /// Who saves at the counter, and on which database (`None`: offline).
    /// While the server is known to be unreachable, the signed-in user is
    /// taken as this desk knows them, without asking the server again.
    ///
    /// Errors: [`Error::SignedOut`] as [`AppState::acting`].
    async fn counter_session(&self) -> Result<(Option<Db>, Ctx)> {
        let known_offline = matches!(self.outbox().await, Ok(Some(o)) if o.is_offline());
        let desk = self.desk.read().await.clone();
        let (Some(who), false) = (desk.who.clone(), desk.locked) else {
            return Err(Error::SignedOut);
        };
        if desk.db.is_none() || known_offline {
            return Ok((desk.db, who));
        }
        match self.acting().await {
            Ok((db, ctx)) => Ok((Some(db), ctx)),
            Err(e) if e.is_unreachable() => {
                if let Ok(Some(o)) = self.outbox().await {
                    o.set_offline(true);
                }
                Ok((desk.db, who))
            }
            Err(e) => Err(e),
        }
    }

    /// Where the match panel and the search box read: the database, or
    /// this desk's copy of the store's people while its chain server
    /// cannot be reached (known from the last attempt, or `unreachable`
    /// given).
    ///
    /// Errors: [`Error::SignedOut`] as [`AppState::acting`];
    /// [`Error::Offline`] offline on a desk without an outbox.
    pub(crate) async fn people_source(&self, unreachable: bool) -> Result<PeopleSource> {
        let (db, ctx) = self.counter_session().await?;
        let outbox = self.outbox().await?;
        if unreachable {
            if let Some(o) = &outbox {
                o.set_offline(true);
            }
        }
        let offline = outbox.as_ref().is_some_and(Outbox::is_offline);
        match (db, outbox, self.server_key()) {
            (Some(db), _, _) if !offline => Ok(PeopleSource::Database(db, ctx)),
            (_, Some(o), Some(server)) => Ok(PeopleSource::Copy(o, server, ctx)),
            (Some(db), _, None) => Ok(PeopleSource::Database(db, ctx)),
            _ => Err(Error::Offline),
        }
    }

    /// The banner's figures.
    async fn outbox_figures(&self) -> Result<OutboxStatus> {
        let (Some(server), Some(o)) = (self.outbox_key(), self.outbox().await?) else {
            return Ok(OutboxStatus::default());
        };
        let mut status = outbox::status_for(&o, &server).await?;
        let desk = self.desk.read().await;
        status.offline |= desk.who.is_some() && desk.db.is_none();
        Ok(status)
    }

    /// Tells the main window the outbox's figures.
    async fn announce(&self) {
        if let (Ok(status), Some(app)) = (self.outbox_figures().await, self.app.get()) {
            let _ = app.emit_to("main", OUTBOX_EVENT, status);
        }
    }
}

/// Where people are looked up ([`AppState::people_source`]).
pub(crate) enum PeopleSource {
    /// The database, as the acting user.
    Database(Db, Ctx),
    /// This desk's copy for the server (its outbox key), as the signed-in
    /// user (`banco::services::people_copy`).
    Copy(Outbox, String, Ctx),
}

/// Saves the counter form: delivered, or kept in the outbox when the chain
/// server cannot be reached (see `banco::services::outbox::save`).
#[tauri::command]
pub async fn capture_lead(
    state: State<'_, AppState>,
    req: wire::CaptureLead,
) -> Result<Response<wire::CaptureLead>> {
    let wire::CaptureLead { input } = req;
    let (db, ctx) = state.counter_session().await?;
    let saved = match (db, state.outbox().await?, state.server_key()) {
        (Some(db), None, _) => capture::capture_lead(&db, &ctx, input)
            .await
            .map(|o| SavedCapture::Delivered(Box::new(o))),
        (Some(db), Some(o), _) => outbox::save(&db, &ctx, &o, input).await,
        (None, Some(o), Some(server)) => outbox::queue_offline(&o, &server, &ctx, input).await,
        (None, _, _) => Err(Error::Offline),
    }?;
    if matches!(saved, SavedCapture::Queued { .. }) {
        state.announce().await;
    }
    Ok(saved)
}

/// The counter's banner: offline or not, captures waiting or refused.
#[tauri::command]
pub async fn outbox_status(
    state: State<'_, AppState>,
    req: wire::OutboxStatus,
) -> Result<Response<wire::OutboxStatus>> {
    let wire::OutboxStatus {} = req;
    state.counter_session().await?;
    state.outbox_figures().await
}

/// The Outbox screen: this desk's captures waiting for the server, or refused.
#[tauri::command]
pub async fn list_outbox(
    state: State<'_, AppState>,
    req: wire::ListOutbox,
) -> Result<Response<wire::ListOutbox>> {
    let wire::ListOutbox {} = req;
    let (_, ctx) = state.counter_session().await?;
    match (state.outbox().await?, state.outbox_key()) {
        (Some(o), Some(server)) => outbox::list(&ctx, &o, &server).await,
        _ => Ok(Vec::new()),
    }
}

/// Sends the signed-in user's waiting captures now.
#[tauri::command]
pub async fn send_outbox(
    state: State<'_, AppState>,
    req: wire::SendOutbox,
) -> Result<Response<wire::SendOutbox>> {
    let wire::SendOutbox {} = req;
    let (db, ctx) = state.counter_session().await?;
    let (Some(db), Some(o)) = (db, state.outbox().await?) else {
        return Err(Error::Offline);
    };
    let report = outbox::send(&db, &ctx, &o).await;
    state.announce().await;
    report
}

/// Removes a refused capture from the outbox (after reading its reason).
#[tauri::command]
pub async fn remove_outbox_entry(
    state: State<'_, AppState>,
    req: wire::RemoveOutboxEntry,
) -> Result<Response<wire::RemoveOutboxEntry>> {
    let wire::RemoveOutboxEntry { lead_id } = req;
    let (_, ctx) = state.counter_session().await?;
    let (Some(o), Some(server)) = (state.outbox().await?, state.outbox_key()) else {
        return Err(Error::NotFound {
            entity: "outbox_entry",
            id: lead_id.to_string(),
        });
    };
    outbox::remove(&ctx, &o, &server, lead_id).await?;
    state.announce().await;
    Ok(())
}

/// Every [`RETRY_EVERY`]: reconnects a user who signed in offline (with
/// the password they signed in with) once the chain server answers, and
/// sends the signed-in user's waiting captures (on a shop too: those saved
/// during an import). Runs for the life of the app.
pub fn keep_sending(app: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut last = None;
        loop {
            tokio::time::sleep(RETRY_EVERY).await;
            let state = app.state::<AppState>();
            if let Err(e) = send_round(&state).await {
                tracing::warn!("outbox: {e}");
            }
            if let Err(e) = refresh_copy(&state).await {
                tracing::warn!("people copy: {e}");
            }
            let now = state.outbox_figures().await.ok();
            if now != last {
                state.announce().await;
                last = now;
            }
        }
    });
}

/// Sends the signed-in user's waiting captures now (after an import has
/// released the shop's database) and tells the window. A failure is
/// logged: [`keep_sending`] tries again.
pub(crate) async fn send_now(state: &AppState) {
    if let Err(e) = send_round(state).await {
        tracing::warn!("outbox: {e}");
    }
    state.announce().await;
}

/// Takes the signed-in user's copy of the store's people again when
/// [`people_copy::is_due`] (missing, old, or people changed since), on a
/// chain server that answers (a shop's desk never needs it).
async fn refresh_copy(state: &AppState) -> Result<()> {
    let (Some(server), Some(o)) = (state.server_key(), state.outbox().await?) else {
        return Ok(());
    };
    let desk = state.desk.read().await.clone();
    let (Some(db), Some(who), false) = (desk.db, desk.who, o.is_offline()) else {
        return Ok(());
    };
    let changed = state.people_changed.load(Ordering::SeqCst);
    if !people_copy::is_due(&o, &server, &who, chrono::Utc::now(), changed).await? {
        return Ok(());
    }
    state.people_changed.store(false, Ordering::SeqCst);
    match people_copy::refresh(&db, &who, &o).await {
        Ok(info) => {
            let people = info.map(|i| i.people).unwrap_or(0);
            tracing::info!(people, "people copy taken for working offline");
            Ok(())
        }
        Err(e) => {
            state.people_changed.store(true, Ordering::SeqCst);
            if e.is_unreachable() {
                o.set_offline(true);
                return Ok(());
            }
            Err(e)
        }
    }
}

async fn send_round(state: &AppState) -> Result<()> {
    let Some(o) = state.outbox().await? else {
        return Ok(());
    };
    let desk = state.desk.read().await.clone();
    let Some(who) = desk.who else {
        return Ok(());
    };
    let db = match (desk.db, desk.offline_login) {
        (Some(db), _) => db,
        (None, Some((login, pw))) => {
            let url = state.database_url();
            match banco::services::sign_in::sign_in_server(&url, &login, pw.clone()).await {
                Ok((db, ctx)) if ctx.user.id == who.user.id => {
                    state.remember_sign_in(&db, &ctx, &login, &pw).await;
                    if !state.back_online(db.clone(), ctx).await {
                        return Ok(());
                    }
                    tracing::info!("chain server reachable again: {login} is back online");
                    db
                }
                Ok((db, _)) => {
                    db.close().await;
                    return Ok(());
                }
                Err(e) if e.is_unreachable() => return Ok(()),
                Err(e) => {
                    // A password changed on the server meanwhile: the person
                    // signs in again; their captures keep waiting.
                    tracing::warn!("cannot reconnect {login}: {e}");
                    return Ok(());
                }
            }
        }
        (None, None) => return Ok(()),
    };
    let Some(server) = state.outbox_key() else {
        return Ok(());
    };
    if o.waiting_of(&server, who.user.id).await? == 0 && !o.is_offline() {
        return Ok(());
    }
    let report = outbox::send(&db, &who, &o).await?;
    if report.delivered + report.already_there + report.refused > 0 {
        tracing::info!(?report, "outbox sent");
        if let Some(app) = state.app.get() {
            let _ = app.emit_to("main", "data-changed", vec!["leads".to_string()]);
        }
    }
    Ok(())
}

impl AppState {
    /// The person signed in offline is reconnected on `db` (their own
    /// login's pool), keeping the lock as it is. `false` (and `db` closed)
    /// when someone else is at the desk by now.
    async fn back_online(&self, db: Db, ctx: Ctx) -> bool {
        let mut desk = self.desk.write().await;
        let same = desk.db.is_none()
            && desk.offline_login.is_some()
            && desk.who.as_ref().is_some_and(|w| w.user.id == ctx.user.id);
        if !same {
            drop(desk);
            db.close().await;
            return false;
        }
        desk.db = Some(db.clone());
        desk.who = Some(ctx.clone());
        desk.offline_login = None;
        drop(desk);
        self.follow_changes(Some((db, ctx.tenant_id())));
        true
    }
}
