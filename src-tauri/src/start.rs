//! Start-up: where a desk connects (the command line, the environment,
//! the connection saved in the data folder) and opening it — the shop's
//! file migrated with its first tenant and its daily backup started, or a
//! chain server with its remembered login — or, when that fails, a desk
//! that shows why.

use std::path::PathBuf;

use banco::store::{default_data_dir, sqlite_url_in, Db};

use crate::AppState;

/// Where a desk connects at start.
pub(crate) enum Start {
    /// A database URL from the command line or the environment.
    Url(String),
    /// The chain server chosen in the window at first start.
    Server(banco::model::ServerSettings),
    /// The shop's file in the data folder.
    Shop(String),
    /// The saved connection cannot be read: shown, nothing opened.
    Broken(banco::Error),
}

/// Where to connect, from the command line, the environment and the
/// connection saved in the data folder; and the data folder.
pub(crate) fn where_to_connect() -> (Start, PathBuf) {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
            .or_else(|| {
                args.iter()
                    .find_map(|a| a.strip_prefix(&format!("{name}=")).map(str::to_string))
            })
    };
    let dir = flag("--data-dir")
        .map(PathBuf::from)
        .unwrap_or_else(default_data_dir);
    if let Some(url) = flag("--database-url").or_else(|| {
        std::env::var("BANCO_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
    }) {
        return (Start::Url(url), dir);
    }
    match banco::services::desk_connection::saved(&dir) {
        Ok(Some(banco::model::DeskConnection::Server { server })) => (Start::Server(server), dir),
        Ok(_) => (Start::Shop(sqlite_url_in(&dir)), dir),
        // An unreadable choice is not a reason to open another database.
        Err(e) => (Start::Broken(e), dir),
    }
}

/// Opens where `start` says: the shop's file (migrated, with its first
/// tenant), or a chain server (its remembered login signed in with the
/// keychain's password, when there is one).
pub(crate) async fn open(start: Start, data_dir: PathBuf) -> (AppState, String) {
    let url = match &start {
        Start::Url(url) | Start::Shop(url) => url.clone(),
        Start::Server(server) => server.url(),
        Start::Broken(_) => data_dir
            .join(banco::services::desk_connection::CONNECTION_FILE)
            .display()
            .to_string(),
    };
    let location = if banco::store::is_postgres_url(&url) {
        banco::store::redact_url(&url)
    } else {
        url.clone()
    };
    let opened = async {
        if let Start::Broken(e) = start {
            return Err(e);
        }
        if let Start::Server(server) = &start {
            let state = AppState::new(None, url.clone(), location.clone(), data_dir.clone());
            match banco::services::desk_connection::reopen(server).await {
                Ok(Some((db, ctx))) => {
                    // Kept for signing in offline, as after any online sign-in.
                    if let Ok(Some(pw)) = banco::store::keychain::saved_password(&url) {
                        state.remember_sign_in(&db, &ctx, &server.login, &pw).await;
                    }
                    state.set_desk(Some((db, ctx))).await;
                }
                Ok(None) => {}
                // The sign-in screen, where the user signs in offline.
                Err(e) if e.is_unreachable() => {
                    tracing::warn!("chain server unreachable at start: {e}");
                }
                Err(e) => return Err(e),
            }
            return Ok(state);
        }
        if banco::store::is_postgres_url(&url) {
            return Ok(AppState::new(
                None,
                url.clone(),
                location.clone(),
                data_dir.clone(),
            ));
        }
        let db = Db::connect(&url).await?;
        db.ready().await?;
        banco::services::context::bootstrap(&db).await?;
        // The shop's daily backup, taken while the shop works.
        let (shop, backups) = (
            db.clone(),
            data_dir.join(banco::services::backup::BACKUP_DIR),
        );
        tauri::async_runtime::spawn(async move {
            let keep = banco::services::backup::shop_keep_days(&shop)
                .await
                .unwrap_or(banco::services::backup::DEFAULT_KEEP_DAYS);
            match banco::services::backup::daily(&shop, &backups, keep).await {
                Ok(Some(b)) => tracing::info!(file = %b.file, "daily backup taken"),
                Ok(None) => {}
                Err(e) => tracing::error!("daily backup failed: {e}"),
            }
        });
        Ok::<_, banco::Error>(AppState::new(
            Some(db),
            url.clone(),
            location.clone(),
            data_dir.clone(),
        ))
    };
    match opened.await {
        Ok(state) => (state, url),
        Err(e) => {
            // Logged, and shown in the window (every OS: a Windows release
            // build has no console), instead of exiting with a message.
            tracing::error!(
                "cannot open the database at {}: {e}",
                banco::store::redact_url(&url)
            );
            eprintln!(
                "banco: cannot open the database at {}: {e}",
                banco::store::redact_url(&url)
            );
            (
                AppState::failed(url.clone(), location, data_dir, e.payload()),
                url,
            )
        }
    }
}
