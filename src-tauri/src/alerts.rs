//! System notifications (issue 14): a call-back falling due or a meeting
//! about to start ([`banco::services::alerts`]) raises one notification
//! through the OS, and a click on it brings the main window forward and
//! opens the record there ([`ALERT_EVENT`]). Checked every
//! [`CHECK_EVERY`] while someone is signed in and the desk is not locked
//! (a locked desk shows no customer's name), at once when who is signed
//! in changes, and when data changed here or at another desk (a meeting
//! just scheduled for the user). Each alert is raised once per run of the app.
//!
//! The notifications go through `notify-rust` (freedesktop notifications
//! on Linux, toasts on Windows, the notification centre on macOS), the
//! crate `tauri-plugin-notification` itself uses on desktops: the plugin
//! drops each notification's handle, so a click could not reach Banco
//! (tauri-apps/plugins-workspace#2150); here a thread keeps the handle and
//! waits for the answer. The words come from the window
//! ([`banco::model::AlertWords`], sent with the menu's).

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use banco::model::{AlertKind, AlertWords, DeskAlert, ALERT_EVENT};
use tauri::{AppHandle, Emitter, Manager};
use uuid::Uuid;

use crate::AppState;

/// How often the core is asked what is due.
pub const CHECK_EVERY: Duration = Duration::from_secs(30);
/// How often the desk looks whether someone else signed in.
const LOOK_EVERY: Duration = Duration::from_secs(3);

/// The words in the window's language (none until the window sent them:
/// nothing is raised before).
static WORDS: std::sync::Mutex<Option<AlertWords>> = std::sync::Mutex::new(None);

/// Keeps the words the window sent (see [`crate::menu::desk_menu`]).
pub fn set_words(words: AlertWords) {
    *WORDS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(words);
}

fn words() -> Option<AlertWords> {
    WORDS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// The notification's title and body for `alert` in `words`.
fn texts(alert: &DeskAlert, words: &AlertWords) -> (String, String) {
    match alert.kind {
        AlertKind::CallBack => (
            words.call_back.replace("%{name}", &alert.record_title),
            alert.detail.clone(),
        ),
        AlertKind::Meeting => {
            let time = alert
                .at
                .with_timezone(&chrono::Local)
                .format("%H:%M")
                .to_string();
            (
                words
                    .meeting
                    .replace("%{time}", &time)
                    .replace("%{title}", &alert.detail),
                alert.record_title.clone(),
            )
        }
    }
}

/// Starts the desk's alert loop (once, at start).
pub fn keep_raising(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut raised = HashSet::<Uuid>::new();
        let mut checked: Option<(Uuid, Instant)> = None;
        loop {
            tokio::time::sleep(LOOK_EVERY).await;
            let state = app.state::<AppState>();
            let Some(who) = state.signed_in_id().await else {
                checked = None;
                continue;
            };
            let stale = state.alerts_stale.swap(false, Ordering::SeqCst);
            let fresh =
                !stale && checked.is_some_and(|(u, at)| u == who && at.elapsed() < CHECK_EVERY);
            let Some(words) = words().filter(|_| !fresh) else {
                continue;
            };
            checked = Some((who, Instant::now()));
            let due = match state.acting().await {
                Ok((db, ctx)) => banco::services::alerts::due(&db, &ctx).await,
                Err(e) => Err(e),
            };
            match due {
                Ok(due) => {
                    for alert in due {
                        if raised.insert(alert.id) {
                            raise(app.clone(), alert, &words);
                        }
                    }
                }
                Err(e) => tracing::warn!("alerts not checked: {e}"),
            }
        }
    });
}

/// Shows `alert` as a system notification, on a thread of its own that
/// waits for a click and then opens the record in the main window.
fn raise(app: AppHandle, alert: DeskAlert, words: &AlertWords) {
    let (summary, body) = texts(&alert, words);
    let open = words.open.clone();
    let identifier = app.config().identifier.clone();
    std::thread::spawn(move || {
        let mut n = notify_rust::Notification::new();
        n.summary(&summary)
            .body(&body)
            .appname("Banco")
            .action("default", &open);
        #[cfg(target_os = "windows")]
        n.app_id(&identifier);
        #[cfg(target_os = "macos")]
        let _ = notify_rust::set_application(&identifier);
        #[cfg(not(any(target_os = "windows", target_os = "macos")))]
        let _ = identifier;
        let kind = alert.kind.as_str();
        match n.show() {
            Ok(handle) => {
                tracing::info!(kind, id = %alert.id, "notification raised");
                let _ = handle.wait_for_response(|r: &notify_rust::NotificationResponse| {
                    use notify_rust::NotificationResponse as R;
                    if matches!(r, R::Default | R::Action(_)) {
                        tracing::info!(kind, id = %alert.id, "notification opened");
                        open_record(&app, &alert);
                    }
                });
            }
            Err(e) => tracing::warn!(kind, id = %alert.id, "notification not shown: {e}"),
        }
    });
}

/// Brings the main window forward on `alert`'s record.
fn open_record(app: &AppHandle, alert: &DeskAlert) {
    if let Some(main) = app.get_webview_window("main") {
        let _ = main.unminimize();
        let _ = main.show();
        let _ = main.set_focus();
    }
    let _ = app.emit_to("main", ALERT_EVENT, alert);
}

#[cfg(test)]
mod tests {
    use super::*;
    use banco::model::EntityType;
    use chrono::TimeZone;

    fn alert(kind: AlertKind) -> DeskAlert {
        DeskAlert {
            kind,
            id: Uuid::nil(),
            at: chrono::Utc.with_ymd_and_hms(2026, 12, 5, 9, 30, 0).unwrap(),
            entity_type: EntityType::Lead,
            entity_id: Uuid::nil(),
            record_title: "Marta Rinaldi".into(),
            detail: "Offerta fibra".into(),
        }
    }

    #[test]
    fn the_words_are_filled_in() {
        let words = AlertWords {
            call_back: "Richiamare %{name}".into(),
            meeting: "Riunione alle %{time}: %{title}".into(),
            open: "Apri".into(),
        };
        let (title, body) = texts(&alert(AlertKind::CallBack), &words);
        assert_eq!(
            (title.as_str(), body.as_str()),
            ("Richiamare Marta Rinaldi", "Offerta fibra")
        );
        let meeting = alert(AlertKind::Meeting);
        let local = meeting.at.with_timezone(&chrono::Local).format("%H:%M");
        let (title, body) = texts(&meeting, &words);
        assert_eq!(title, format!("Riunione alle {local}: Offerta fibra"));
        assert_eq!(body, "Marta Rinaldi");
    }
}
