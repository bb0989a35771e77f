//! A failure of the window itself (issue 14: "a start-up error shown in a
//! window on every OS"): when the Tauri runtime cannot open or run Banco's
//! window (WebView2 missing on Windows, a webview that cannot start), the
//! error is logged, printed, and shown in the OS's own message box (`rfd`:
//! MessageBox on Windows, NSAlert on macOS; GTK's on Linux), in Italian, or
//! in English on a system that speaks English, with the log folder. On a
//! Linux display GTK cannot open at all there is nowhere to show it: it is
//! logged and printed only. (A database that cannot be opened is shown in
//! the window itself, with the diagnostics buttons.)

use std::path::Path;

/// The environment variable that makes the app's set-up fail, for the
/// end-to-end test of this message box (nothing else reads it).
pub const TEST_FAILURE_ENV: &str = "BANCO_E2E_RUNTIME_FAILURE";

/// The language of the message box: `en` on a system whose locale is
/// English, else `it` (Italian first, like the window).
pub fn language(locale: Option<&str>) -> &'static str {
    match locale {
        Some(l) if l.to_ascii_lowercase().starts_with("en") => "en",
        _ => "it",
    }
}

/// What the message box says in `lang`: that the window could not open,
/// `error`, and where the log is.
pub fn message(lang: &str, error: &str, logs: &Path) -> String {
    let logs = logs.display().to_string();
    banco::services::words::word_with(
        lang,
        "fatal.window_failed",
        &[("error", error), ("logs", &logs)],
    )
    // The key is in ui/locales/app.yml (a test below reads it); should it
    // ever go, the error itself still reaches the user.
    .unwrap_or_else(|| format!("{error}\n\n{logs}"))
}

/// Logs and prints `error`, then shows it in a message box and waits for
/// the user to close it.
pub fn show(error: &str) {
    tracing::error!("the window failed: {error}");
    eprintln!("banco: the window failed: {error}");
    let text = message(
        language(sys_locale::get_locale().as_deref()),
        error,
        &crate::logs::dir(),
    );
    // On Linux GTK's own dialog on this (the main) thread, where the
    // runtime initialised GTK; rfd would run it on a thread of its own,
    // which never shows once the runtime's loop is gone.
    #[cfg(target_os = "linux")]
    {
        use gtk::prelude::*;
        if gtk::init().is_err() {
            // No display GTK can use: nowhere to show it.
            return;
        }
        // A window the runtime made before it failed shows nothing useful.
        for w in gtk::Window::list_toplevels() {
            w.hide();
        }
        let dialog = gtk::MessageDialog::new(
            None::<&gtk::Window>,
            gtk::DialogFlags::MODAL,
            gtk::MessageType::Error,
            gtk::ButtonsType::Ok,
            &text,
        );
        dialog.set_title("Banco");
        dialog.run();
        dialog.close();
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title("Banco")
            .set_description(text)
            .set_buttons(rfd::MessageButtons::Ok)
            .show();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_speaks_the_systems_language_italian_first() {
        assert_eq!(language(Some("en-GB")), "en");
        assert_eq!(language(Some("it-IT")), "it");
        assert_eq!(language(Some("de-DE")), "it");
        assert_eq!(language(None), "it");
        let logs = Path::new("/var/log/banco");
        let it = message("it", "WebView2 non trovato", logs);
        assert!(it.contains("WebView2 non trovato") && it.contains("/var/log/banco"));
        assert!(it.starts_with("Banco non è riuscito"), "{it}");
        let en = message("en", "no WebView2", logs);
        assert!(en.starts_with("Banco could not"), "{en}");
    }
}
