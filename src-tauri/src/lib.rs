//! The Banco desktop shell: opens the database, holds who is signed in at
//! the counter (and whether the desk is locked), and exposes the core's use cases to the UI as Tauri commands
//! ([`commands`]). It owns no business rule: every command is a thin call
//! into `banco::services`.
//!
//! Start-up: `--data-dir DIR` (or `$BANCO_DATA_DIR`) chooses where the
//! embedded SQLite file lives (default: the OS app-data folder);
//! `--database-url URL` (or `$BANCO_DATABASE_URL`) points the app at a
//! Postgres (or another SQLite) database instead. Without either, the
//! connection chosen in the window at first start (`connection.json` in the
//! data folder, see [`banco::services::desk_connection`]) says which: a
//! chain server, whose remembered login is signed in with the password the
//! OS keychain keeps, or the shop's file.

pub mod alerts;
pub mod commands;
pub mod contact_commands;
pub mod contract_commands;
pub mod csp;
pub mod deal_commands;
pub mod desk_commands;
pub mod desktop;
pub mod fatal;
pub mod gdpr_commands;
mod handlers;
pub mod logs;
pub mod menu;
pub mod outbox_commands;
pub mod record_commands;
mod start;
pub mod update_commands;
pub mod work_commands;

use std::path::PathBuf;

use banco::services::Ctx;
use banco::store::Db;
use tokio::sync::RwLock;

/// State shared by every command.
pub struct AppState {
    /// Where the data lives: set at start, changed once by the first
    /// start's connection set-up ([`AppState::move_to_server`]).
    place: std::sync::RwLock<Place>,
    /// The data folder (the shop's file, `connection.json`).
    data_dir: PathBuf,
    /// Who is signed in at this desk, and whether it is locked.
    desk: RwLock<Desk>,
    /// Files the user chose in a file dialog this session: the only paths
    /// the import commands read (see [`AppState::picked_path`]).
    picked: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// The running app, to tell the window about other desks' changes
    /// (set once the app is built).
    app: std::sync::OnceLock<tauri::AppHandle>,
    /// Why the database could not be opened at start, if it could not:
    /// the window shows it (`desk_state`), and nobody can sign in.
    failed: Option<banco::ErrorPayload>,
    /// The task following other desks' changes for who is signed in.
    feed: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// Set by `cancel_import` to stop the import running at this desk.
    import_cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The full per-row report of this desk's last people import, a file
    /// in the data folder, by the key its report carries
    /// (`ImportReport::full_report`); "save the report" copies it.
    import_report: std::sync::Mutex<Option<(uuid::Uuid, PathBuf)>>,
    /// This computer's outbox (a chain server's desk), opened on first use
    /// (see [`outbox_commands`]).
    outbox: tokio::sync::OnceCell<banco::store::outbox::Outbox>,
    /// Whether people, leads or deals changed (here or at another desk)
    /// since this desk last took its copy of the store's people.
    people_changed: std::sync::atomic::AtomicBool,
    /// Whether data changed (here or at another desk) since the desk's
    /// alerts were last checked ([`alerts`]): a meeting scheduled for the
    /// signed-in user is announced without waiting for the next check.
    alerts_stale: std::sync::atomic::AtomicBool,
    /// The window's language (`it`, `en`), as its menu last said
    /// ([`menu::desk_menu`]): every acting context speaks it.
    language: std::sync::RwLock<String>,
}

/// Where a desk's data lives.
#[derive(Clone)]
struct Place {
    /// The shop's embedded database (SQLite), open from the start; `None`
    /// on a chain server, where each signed-in person works on a
    /// connection of their own login (see [`Desk::db`]).
    shop: Option<Db>,
    /// The database URL (from the command line, the environment or the
    /// saved connection, never from the page), for "Forget this computer".
    url: String,
    /// Where the database lives, for display (a URL without password for Postgres).
    location: String,
}

/// Who is signed in at this desk. Only the sign-in commands
/// ([`desk_commands`]) change it, after checking a password.
#[derive(Debug, Clone, Default)]
struct Desk {
    /// The signed-in user's tenant and user (`None`: nobody).
    who: Option<Ctx>,
    /// Their database: the shop's, or on a chain server a pool connected
    /// as their own login (so the server's row security is theirs).
    db: Option<Db>,
    /// The desk is locked: the same user unlocks it with their password.
    locked: bool,
    /// Signed in while the chain server could not be reached (`db` is
    /// `None`): the login and password the desk reconnects with once the
    /// server is back (see [`outbox_commands::keep_sending`]).
    offline_login: Option<(String, banco::model::Password)>,
}

impl AppState {
    /// A desk where nobody is signed in yet: on the shop's embedded
    /// database `shop`, or (`None`) on the chain server of `url`.
    pub fn new(shop: Option<Db>, url: String, location: String, data_dir: PathBuf) -> Self {
        AppState {
            place: std::sync::RwLock::new(Place {
                shop,
                url,
                location,
            }),
            data_dir,
            desk: RwLock::new(Desk::default()),
            picked: Default::default(),
            app: Default::default(),
            feed: Default::default(),
            people_changed: std::sync::atomic::AtomicBool::new(true),
            language: std::sync::RwLock::new("it".into()),
            alerts_stale: std::sync::atomic::AtomicBool::new(true),
            outbox: Default::default(),
            import_cancel: Default::default(),
            import_report: Default::default(),
            failed: None,
        }
    }

    /// A desk whose database could not be opened at start: the window
    /// shows `error` instead of the sign-in.
    pub fn failed(
        url: String,
        location: String,
        data_dir: PathBuf,
        error: banco::ErrorPayload,
    ) -> Self {
        AppState {
            failed: Some(error),
            ..AppState::new(None, url, location, data_dir)
        }
    }

    fn place(&self) -> Place {
        self.place
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Where the database lives, for display (no password).
    pub fn location(&self) -> String {
        self.place().location
    }

    /// The data folder.
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// The first start's connection set-up chose the chain server of
    /// `url`: the shop's (unclaimed, empty) file is closed and every
    /// sign-in goes to the server from now on.
    pub async fn move_to_server(&self, url: String) {
        let location = banco::store::redact_url(&url);
        let old = std::mem::replace(
            &mut *self
                .place
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            Place {
                shop: None,
                url,
                location,
            },
        );
        if let Some(shop) = old.shop {
            shop.close().await;
        }
    }

    /// Puts backup `file` in place of the shop's database: signs the desk
    /// out, closes the file, restores
    /// ([`banco::services::backup::restore`]) and opens the result (or,
    /// when the restore failed, the file as it was).
    ///
    /// Errors: as `restore`, and those of opening the database again.
    pub async fn restore_shop(
        &self,
        file: &str,
    ) -> banco::Result<banco::services::backup::Restored> {
        self.set_desk(None).await;
        let place = self.place();
        if let Some(shop) = place.shop {
            shop.close().await;
        }
        let restored = banco::services::backup::restore(&self.data_dir, file).await;
        let reopened = async {
            let db = Db::connect(&place.url).await?;
            db.ready().await?;
            banco::services::context::bootstrap(&db).await?;
            Ok::<_, banco::Error>(db)
        }
        .await?;
        self.place
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .shop = Some(reopened);
        restored
    }

    /// Starts following other desks' changes for whoever is signed in
    /// (at start, once the app exists).
    fn start_following(&self) {
        let desk = self.desk.try_read().map(|d| d.clone()).unwrap_or_default();
        if let (Some(db), Some(who)) = (desk.db, desk.who) {
            self.follow_changes(Some((db, who.tenant_id())));
        }
    }

    /// The start-up failure, if the database could not be opened.
    pub fn start_up_failure(&self) -> Option<banco::Error> {
        self.failed
            .clone()
            .map(|p| banco::Error::StartUp(Box::new(p)))
    }

    /// Follows other desks' changes in `db` for `tenant` and tells the main
    /// window (`data-changed`, the tables when known) so that its boards,
    /// lists, queue and match panel re-read what they show. Replaces the
    /// feed of whoever was signed in before; `None` stops it.
    fn follow_changes(&self, signed_in: Option<(Db, uuid::Uuid)>) {
        let Ok(mut feed) = self.feed.lock() else {
            return;
        };
        if let Some(old) = feed.take() {
            old.abort();
        }
        let (Some((db, tenant)), Some(app)) = (signed_in, self.app.get().cloned()) else {
            return;
        };
        *feed = Some(tauri::async_runtime::spawn(async move {
            use tauri::{Emitter, Manager};
            loop {
                let mut changes = match banco::store::changes::ChangeFeed::open(&db, tenant).await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!("not following other desks' changes: {e}");
                        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                        continue;
                    }
                };
                loop {
                    match changes.next().await {
                        Ok(tables) => {
                            if tables
                                .iter()
                                .any(|t| ["people", "leads", "deals"].contains(&t.as_str()))
                            {
                                app.state::<AppState>()
                                    .people_changed
                                    .store(true, std::sync::atomic::Ordering::SeqCst);
                            }
                            app.state::<AppState>()
                                .alerts_stale
                                .store(true, std::sync::atomic::Ordering::SeqCst);
                            // Under the lock screen nothing is shown to refresh.
                            if app.state::<AppState>().locked_user().await.is_none() {
                                let _ = app.emit_to("main", "data-changed", tables);
                            }
                        }
                        Err(e) => {
                            tracing::warn!("change feed lost, reconnecting: {e}");
                            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                            break;
                        }
                    }
                }
            }
        }));
    }

    /// The database URL the app was started with.
    pub fn database_url(&self) -> String {
        self.place().url
    }

    /// Opens the system file picker for one file matching `filter` (a
    /// name and its extensions), or takes the end-to-end test's stand-in
    /// ([`test_pick`]); the chosen file becomes one the page may name
    /// ([`AppState::picked_path`]). `None` if cancelled.
    pub fn pick_file(&self, app: &tauri::AppHandle, filter: (&str, &[&str])) -> Option<String> {
        use tauri_plugin_dialog::DialogExt;
        let picked = test_pick().or_else(|| {
            app.dialog()
                .file()
                .add_filter(filter.0, filter.1)
                .blocking_pick_file()
                .and_then(|p| p.into_path().ok())
        })?;
        self.remember_pick(&picked);
        Some(picked.display().to_string())
    }

    /// Opens the system save dialog for a file named `name` by default
    /// (filter: a name and its extensions), or takes the end-to-end test's
    /// stand-in ([`test_pick`]). `None` if cancelled.
    pub fn pick_save(
        &self,
        app: &tauri::AppHandle,
        filter: (&str, &[&str]),
        name: &str,
    ) -> Option<PathBuf> {
        use tauri_plugin_dialog::DialogExt;
        test_pick().or_else(|| {
            app.dialog()
                .file()
                .add_filter(filter.0, filter.1)
                .set_file_name(name)
                .blocking_save_file()
                .and_then(|p| p.into_path().ok())
        })
    }

    /// Remembers a file the user chose in a file dialog.
    pub fn remember_pick(&self, path: &std::path::Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if let Ok(mut picked) = self.picked.lock() {
            picked.insert(path);
        }
    }

    /// `path` as the page sent it, if it is a file the user chose in a file
    /// dialog this session: the page cannot make Banco read any other
    /// file (`~/.pgpass`, another user's export).
    ///
    /// Errors: [`banco::Error::Validation`] (`path`: `not_picked`).
    pub fn picked_path(&self, path: &str) -> banco::Result<PathBuf> {
        let given = PathBuf::from(path.trim());
        let canonical = given.canonicalize().unwrap_or(given);
        let known = self
            .picked
            .lock()
            .map(|p| p.contains(&canonical))
            .unwrap_or(false);
        if known {
            Ok(canonical)
        } else {
            Err(banco::Error::field("path", "not_picked"))
        }
    }

    /// The window's language (`it` until the window says).
    pub fn language(&self) -> String {
        self.language
            .read()
            .map(|l| l.clone())
            .unwrap_or_else(|_| "it".into())
    }

    /// Records the window's language (`en`, else `it`).
    pub fn set_language(&self, language: &str) {
        if let Ok(mut l) = self.language.write() {
            *l = if language == "en" { "en" } else { "it" }.into();
        }
    }

    /// The acting user: the signed-in one, read fresh from the database so
    /// that a changed role or a deactivation counts at once,
    /// speaking the window's language.
    ///
    /// Errors: [`banco::Error::SignedOut`] when nobody is signed in, the
    /// desk is locked, or the user has been deactivated (then the desk
    /// signs them out).
    pub async fn acting(&self) -> banco::Result<(Db, Ctx)> {
        let desk = self.desk.read().await.clone();
        let (who, db) = match desk {
            Desk {
                who: Some(who),
                db: Some(db),
                locked: false,
                ..
            } => (who, db),
            Desk {
                who: Some(_),
                db: None,
                locked: false,
                ..
            } => return Err(banco::Error::Offline),
            _ => return Err(banco::Error::SignedOut),
        };
        match Ctx::of(&db, who.tenant_id(), who.user.id).await {
            Ok(ctx) => Ok((db, ctx.speaking(&self.language()))),
            Err(banco::Error::NotFound { .. }) => {
                self.set_desk(None).await;
                Err(banco::Error::SignedOut)
            }
            Err(e) => Err(e),
        }
    }

    /// The shop's embedded database, `None` on a chain server.
    pub fn shop(&self) -> Option<Db> {
        self.place().shop
    }

    /// The database of the person at the desk, signed in or locked out.
    pub async fn desk_db(&self) -> Option<Db> {
        self.desk.read().await.db.clone()
    }

    /// Signs `login` in with `password`: on the shop's database, or on the
    /// chain server as that login (a connection of their own); when that
    /// server cannot be reached, against what this computer kept of the
    /// user's last online sign-in ([`SignedIn::Offline`]).
    ///
    /// Errors: as [`banco::services::sign_in::sign_in`] and
    /// [`banco::services::sign_in::sign_in_server`]; for a server that
    /// cannot be reached, as [`banco::services::outbox::sign_in_offline`].
    pub async fn check_sign_in(
        &self,
        login: &str,
        password: banco::model::Password,
    ) -> banco::Result<SignedIn> {
        use banco::services::sign_in;
        if let Some(e) = self.start_up_failure() {
            return Err(e);
        }
        let place = self.place();
        if let Some(db) = &place.shop {
            let ctx = sign_in::sign_in(db, login, password).await?;
            return Ok(SignedIn::Online(db.clone(), ctx));
        }
        match sign_in::sign_in_server(&place.url, login, password.clone()).await {
            Ok((db, ctx)) => {
                self.remember_sign_in(&db, &ctx, login, &password).await;
                Ok(SignedIn::Online(db, ctx))
            }
            Err(e) if e.is_unreachable() => {
                tracing::warn!("chain server unreachable, signing {login} in offline: {e}");
                self.sign_in_offline(login, password).await
            }
            Err(e) => Err(e),
        }
    }

    /// Who is signed in, while the desk is not locked (read from memory).
    pub async fn signed_in_id(&self) -> Option<uuid::Uuid> {
        let desk = self.desk.read().await;
        desk.who
            .as_ref()
            .filter(|_| !desk.locked)
            .map(|w| w.user.id)
    }

    /// Who locked the desk, while it is locked.
    pub async fn locked_user(&self) -> Option<Ctx> {
        let desk = self.desk.read().await;
        desk.who.clone().filter(|_| desk.locked)
    }

    /// Locks the desk (nothing to do when nobody is signed in).
    pub async fn lock(&self) {
        let mut desk = self.desk.write().await;
        desk.locked = desk.who.is_some();
    }

    /// Sets who is signed in, on which database (or, with `None`, signs
    /// out). Called only after a password was checked. A chain-server pool
    /// of the person who leaves is closed.
    async fn set_desk(&self, signed_in: Option<(Db, Ctx)>) {
        // The last import's report is its importer's, not the next user's.
        self.forget_import_report();
        self.follow_changes(
            signed_in
                .as_ref()
                .map(|(db, who)| (db.clone(), who.tenant_id())),
        );
        let (db, who) = match signed_in {
            Some((db, who)) => (Some(db), Some(who)),
            None => (None, None),
        };
        let old = std::mem::replace(
            &mut *self.desk.write().await,
            Desk {
                who,
                db,
                locked: false,
                offline_login: None,
            },
        );
        if let Some(old) = old.db.filter(|_| self.shop().is_none()) {
            let next = self.desk.read().await.db.clone();
            if !next.is_some_and(|n| n.same_pool(&old)) {
                old.close().await;
            }
        }
    }
}

/// A checked sign-in: on the database, or offline (see
/// [`AppState::check_sign_in`]).
pub enum SignedIn {
    /// Signed in on the shop's file or the chain server.
    Online(Db, Ctx),
    /// The chain server could not be reached: the user as this computer
    /// knew them at their last online sign-in, with the login and password
    /// to reconnect with.
    Offline(Ctx, String, banco::model::Password),
}

/// The end-to-end test's stand-in for the native file dialog, which
/// WebDriver cannot drive: when `BANCO_E2E_PICKS` names a file, each pick
/// takes (and removes) its first line instead of opening the dialog. Only
/// the process's own environment can set it, which can read any file
/// anyway; the page cannot.
pub(crate) fn test_pick() -> Option<PathBuf> {
    let list = std::env::var_os("BANCO_E2E_PICKS")?;
    let text = std::fs::read_to_string(&list).ok()?;
    let mut lines = text.lines();
    let first = lines.next()?.trim().to_string();
    let rest: Vec<&str> = lines.collect();
    std::fs::write(&list, rest.join("\n")).ok()?;
    (!first.is_empty()).then(|| PathBuf::from(first))
}

/// Whether `url` is Banco's own page (the bundled UI, or trunk's dev
/// server), which the main window may navigate to.
fn is_app_url(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" | "about" | "data" | "blob" => true,
        "http" | "https" => matches!(
            url.host_str(),
            Some("tauri.localhost" | "localhost" | "127.0.0.1" | "ipc.localhost")
        ),
        _ => false,
    }
}

/// Keeps the main window on Banco: a link in a note (or anything else that
/// would navigate it away) opens in the system browser when it is `http`,
/// `https` or `mailto`, and is dropped otherwise. Meeting windows keep
/// their own navigation (Jitsi's frame).
fn external_links<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_opener::OpenerExt;
    tauri::plugin::Builder::new("external-links")
        .on_navigation(|webview, url| {
            if webview.label() != "main" || is_app_url(url) {
                return true;
            }
            if matches!(url.scheme(), "http" | "https" | "mailto") {
                if let Err(e) = webview.opener().open_url(url.as_str(), None::<&str>) {
                    tracing::warn!("cannot open {url} in the browser: {e}");
                }
            } else {
                tracing::warn!("navigation to {} refused", url.scheme());
            }
            false
        })
        .build()
}

/// Builds the main window from `tauri.conf.json` (where it is marked
/// `create: false`) with the web resource handler that gives each page its
/// content security policy ([`csp`]); it is the first webview, so on
/// WebKitGTK its handler serves every window.
fn main_window(app: &tauri::App) -> tauri::Result<()> {
    use tauri::Manager;
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let origins = app
        .state::<std::sync::Arc<csp::MeetingOrigins>>()
        .inner()
        .clone();
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .on_web_resource_request(csp::handler(origins))
        .build()?;
    Ok(())
}

/// Opens the database and runs the window. When the database cannot be
/// opened or migrated, the window opens all the same and says why
/// (`desk_state` answers the start-up error).
pub fn run() {
    let _log = logs::init();
    logs::report_panics();
    let (start, data_dir) = start::where_to_connect();
    let context = tauri::generate_context!();
    let single = desktop::single_instance(&context.config().identifier, &data_dir);
    // A panic of the runtime on this thread (GTK, the webview) is caught
    // and shown like an error it returns.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        tauri::Builder::default()
            .plugin(single)
            .plugin(desktop::window_state())
            .on_window_event(desktop::on_window_event)
            .on_menu_event(menu::on_menu_event)
            .plugin(tauri_plugin_dialog::init())
            .plugin(tauri_plugin_opener::init())
            .plugin(tauri_plugin_updater::Builder::new().build())
            .plugin(external_links())
            .manage(std::sync::Arc::new(csp::MeetingOrigins::default()))
            // The plugins (the single instance first) are set up before
            // this: a second start hands over and exits without opening
            // the database (a chain server's sign-in would delay the
            // caller's number it brings).
            .setup(move |app| {
                use tauri::Manager;
                let (state, _) = tauri::async_runtime::block_on(start::open(start, data_dir));
                app.manage(state);
                let version = app.package_info().version.to_string();
                tracing::info!(%version, pid = std::process::id(), "Banco started");
                if std::env::var_os(fatal::TEST_FAILURE_ENV).is_some() {
                    return Err(format!("{} is set", fatal::TEST_FAILURE_ENV).into());
                }
                main_window(app)?;
                let state = app.state::<AppState>();
                let _ = state.app.set(app.handle().clone());
                let _ = logs::APP.set(app.handle().clone());
                state.start_following();
                outbox_commands::keep_sending(app.handle().clone());
                alerts::keep_raising(app.handle().clone());
                Ok(())
            })
            .invoke_handler(handlers::all())
            .run(context)
    }));
    let failure = match result {
        Ok(Ok(())) => return,
        Ok(Err(e)) => e.to_string(),
        Err(panic) => logs::panic_text(panic.as_ref()),
    };
    if desktop::start_again_after_failed_handover(&failure) {
        std::process::exit(0);
    }
    fatal::show(&failure);
    std::process::exit(1);
}
