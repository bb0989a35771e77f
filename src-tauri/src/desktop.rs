//! The desktop habits (issue 14): one Banco per data folder — starting it
//! again focuses the open window, and a phone link the second start was
//! given (`tel:`, `callto:`, `sip:`, as a softphone or a browser passes it)
//! opens the inbound-call dialog there with that number — and the main
//! window's size and place, kept as it moves and restored at the next start.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use banco::model::phone_link_number;
use banco::store::instance_id;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// The event that tells the main window a phone link reached Banco
/// (payload: the link's number as written, e.g. `+39 347 111 2222`).
pub const PHONE_LINK_EVENT: &str = "phone-link";

/// Shows and focuses the main window.
fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// The single-instance plugin (register it first): a second start of
/// Banco on the same data folder hands its arguments to this one and exits.
pub fn single_instance<R: Runtime>(
    identifier: &str,
    data_dir: &Path,
) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(identifier, data_dir))
        .callback(|app, argv, _cwd| {
            tracing::info!(
                args = argv.len(),
                "Banco started again: focusing this window"
            );
            focus_main(app);
            if let Some(number) = argv.iter().skip(1).find_map(|a| phone_link_number(a)) {
                let _ = app.emit_to("main", PHONE_LINK_EVENT, number);
            }
        })
        .build()
}

/// Which windows' size and place are kept: the main one (meeting windows
/// come and go).
pub fn window_state<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
        .with_filter(|label| label == "main")
        .build()
}

/// Bumped by every move or resize of the main window; a save runs once
/// it has been still for [`SETTLE`].
static MOVES: AtomicU64 = AtomicU64::new(0);
const SETTLE: Duration = Duration::from_millis(600);

/// Keeps the main window's size and place on disk as soon as it settles
/// after a move or a resize (not only at a clean exit, so a desk switched
/// off or a killed Banco still comes back where it was).
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    if window.label() != "main" {
        return;
    }
    if !matches!(
        event,
        tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_)
    ) {
        return;
    }
    let seen = MOVES.fetch_add(1, Ordering::SeqCst) + 1;
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        if MOVES.load(Ordering::SeqCst) == seen {
            if let Err(e) = app
                .save_window_state(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
            {
                tracing::warn!("cannot keep the window's size and place: {e}");
            }
        }
    });
}
