//! The desk's log: every `tracing` event of the core and the shell (and
//! the `log` records of Tauri's plugins, the updater's among them) goes to
//! standard error and to a file a day in the OS log folder
//! ([`banco::store::default_log_dir`]), `banco.YYYY-MM-DD.log`, the last
//! [`KEPT_FILES`] kept. `$BANCO_LOG` filters (`tracing_subscriber`'s
//! `EnvFilter` syntax); the default is `info`.

use std::path::PathBuf;

use banco::error::{PanicReport, PANIC_EVENT};

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;

/// How many daily files are kept.
pub const KEPT_FILES: usize = 14;

/// Where this desk's log files are, once [`init`] ran.
static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The folder of this desk's log files.
pub fn dir() -> PathBuf {
    DIR.get()
        .cloned()
        .unwrap_or_else(banco::store::default_log_dir)
}

/// Opens the log folder (made if missing) in the system's file manager.
///
/// Errors: the folder cannot be made, or the opener fails.
pub fn open_dir<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> std::io::Result<()> {
    use tauri_plugin_opener::OpenerExt;
    let dir = dir();
    std::fs::create_dir_all(&dir)?;
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(std::io::Error::other)
}

/// Starts logging. Keep the returned guard for the life of the process:
/// dropping it flushes the file. When the folder cannot be made, logging
/// goes to standard error only and says so.
pub fn init() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = banco::store::default_log_dir();
    let filter = || EnvFilter::try_from_env("BANCO_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let file = std::fs::create_dir_all(&dir)
        .map_err(|e| e.to_string())
        .and_then(|_| {
            tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix("banco")
                .filename_suffix("log")
                .max_log_files(KEPT_FILES)
                .build(&dir)
                .map_err(|e| e.to_string())
        });
    match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter());
            let _ = tracing_subscriber::registry()
                .with(stderr)
                .with(layer)
                .try_init();
            let _ = DIR.set(dir);
            Some(guard)
        }
        Err(e) => {
            let _ = tracing_subscriber::registry().with(stderr).try_init();
            tracing::warn!("no log file in {}: {e}", dir.display());
            None
        }
    }
}

/// The running app, for the panic hook (set when the window is set up).
pub(crate) static APP: std::sync::OnceLock<tauri::AppHandle> = std::sync::OnceLock::new();

/// The text of a caught panic's payload.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Reports every panic of the core or the shell: to the log, with its
/// message and location (`file:line:column`), and to the main window as
/// [`PANIC_EVENT`], which fails the calls still waiting there (Tauri
/// answers nothing for a command whose task panicked). The default hook
/// still runs after (the message on standard error).
pub fn report_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let message = panic_text(info.payload());
        tracing::error!(%location, "panic: {message}");
        if let Some(app) = APP.get() {
            use tauri::Emitter;
            let report = PanicReport { message, location };
            let _ = app.emit_to("main", PANIC_EVENT, report);
        }
        default(info);
    }));
}
