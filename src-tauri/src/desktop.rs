//! The desktop habits (issue 14): one Banco per data folder — starting it
//! again focuses the open window, and a phone link the second start was
//! given (`tel:`, `callto:`, `sip:`, as a softphone or a browser passes it)
//! opens the inbound-call dialog there with that number; a start that finds
//! the open one closing, so that nobody answers its hand-over, starts once
//! more — and the main window's size and place, kept as it moves and
//! restored at the next start.

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

/// Set on the new start made after a failed hand-over (see
/// [`start_again_after_failed_handover`]): the Unix time, in seconds, it
/// was made at, so that it is made once, not in a loop.
const HANDOVER_RETRY_ENV: &str = "BANCO_HANDOVER_RETRY";
/// How long before the new start: time for the closing Banco to be gone.
const HANDOVER_PAUSE: Duration = Duration::from_millis(1500);

/// Whether `failure`, the runtime's error at start, is a second start on
/// the same data folder that found Banco open (its D-Bus name taken) but
/// got no answer to the hand-over: the open one was closing at that
/// moment. The text is `tauri-plugin-single-instance`'s ("failed to
/// initialize plugin `single-instance`: failed to forward arguments to the
/// running instance: …").
pub fn handover_failed(failure: &str) -> bool {
    failure.contains("single-instance") && failure.contains("failed to forward arguments")
}

/// Starts Banco again with the same arguments (a phone link included),
/// [`HANDOVER_PAUSE`] later, when the hand-over failed (see
/// [`handover_failed`]): a Banco closed and opened again at once, or a
/// softphone's phone link arriving as Banco closes. By then the closing
/// one has gone and the new start opens the window, or it answers and
/// takes the arguments. Returns whether the new start was made (the
/// caller then exits quietly); `false` on any other failure, on a start
/// that is itself such a new start (made less than a minute ago), or when
/// the executable cannot be started.
pub fn start_again_after_failed_handover(failure: &str) -> bool {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    };
    let retried_lately = std::env::var(HANDOVER_RETRY_ENV)
        .ok()
        .and_then(|at| at.parse::<u64>().ok())
        .is_some_and(|at| now().saturating_sub(at) < 60);
    if !handover_failed(failure) || retried_lately {
        return false;
    }
    tracing::warn!("the open Banco did not take the hand-over (it was closing): starting again");
    std::thread::sleep(HANDOVER_PAUSE);
    let Ok(exe) = std::env::current_exe() else {
        return false;
    };
    std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(HANDOVER_RETRY_ENV, now().to_string())
        .spawn()
        .is_ok()
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

#[cfg(test)]
mod tests {
    use super::handover_failed;

    #[test]
    fn a_hand_over_without_an_answer_is_told_from_other_failures() {
        // As CI's run printed it, when the open Banco was closing.
        let no_answer =
            "failed to initialize plugin `single-instance`: failed to forward arguments \
            to the running instance: org.freedesktop.DBus.Error.NoReply: Message recipient \
            disconnected from message bus without replying";
        assert!(handover_failed(no_answer));
        for other in [
            "failed to initialize plugin `updater`: invalid pubkey",
            "failed to create webview: WebKit could not start",
            "BANCO_E2E_RUNTIME_FAILURE is set",
        ] {
            assert!(!handover_failed(other), "{other}");
        }
    }
}
