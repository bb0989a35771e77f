//! The desk's menu (issue 14): Banco (New lead Ctrl+N, Search Ctrl+K,
//! Settings Ctrl+,, Quit Ctrl+Q), Edit (cut, copy, paste, select all) and
//! Help (Open log folder, Save diagnostics…, About). Its words come from
//! the window, which holds the translations ([`desk_menu`]); on Linux and
//! Windows it belongs to the main window only (not the meeting windows),
//! on macOS to the app, as there. "Open log folder" and "Quit" are done
//! here; the other choices go to the main window as
//! [`banco::model::MENU_EVENT`] with the entry's id, where the same
//! shortcuts typed in the page lead too. The same call brings the words
//! of the desk's notifications ([`crate::alerts`]).

use banco::model::{MenuLabels, MAX_MENU_LABEL_CHARS, MENU_EVENT};
use banco::wire::{self, Response};
use banco::{Error, Result};
use tauri::menu::{Menu, MenuBuilder, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The entries the main window acts on.
const TO_WINDOW: [&str; 5] = ["new-lead", "search", "settings", "diagnostics", "about"];

/// The menu with `labels`.
fn build<R: Runtime>(app: &AppHandle<R>, l: &MenuLabels) -> tauri::Result<Menu<R>> {
    let item = |id: &str, text: &str, keys: Option<&str>| {
        let b = MenuItemBuilder::with_id(id, text);
        match keys {
            Some(k) => b.accelerator(k),
            None => b,
        }
        .build(app)
    };
    let banco = SubmenuBuilder::new(app, &l.banco)
        .item(&item("new-lead", &l.new_lead, Some("CmdOrCtrl+N"))?)
        .item(&item("search", &l.search, Some("CmdOrCtrl+K"))?)
        .separator()
        .item(&item("settings", &l.settings, Some("CmdOrCtrl+,"))?)
        .separator()
        .item(&item("quit", &l.quit, Some("CmdOrCtrl+Q"))?)
        .build()?;
    let edit = SubmenuBuilder::new(app, &l.edit)
        .cut_with_text(&l.cut)
        .copy_with_text(&l.copy)
        .paste_with_text(&l.paste)
        .separator()
        .select_all_with_text(&l.select_all)
        .build()?;
    let help = SubmenuBuilder::new(app, &l.help)
        .item(&item("open-logs", &l.open_logs, None)?)
        .item(&item("diagnostics", &l.diagnostics, None)?)
        .separator()
        .item(&item("about", &l.about, None)?)
        .build()?;
    MenuBuilder::new(app).items(&[&banco, &edit, &help]).build()
}

/// Whether every label is short and on one line.
fn labels_ok(l: &MenuLabels) -> bool {
    [
        &l.banco,
        &l.new_lead,
        &l.search,
        &l.settings,
        &l.quit,
        &l.edit,
        &l.cut,
        &l.copy,
        &l.paste,
        &l.select_all,
        &l.help,
        &l.open_logs,
        &l.diagnostics,
        &l.about,
        &l.alerts.call_back,
        &l.alerts.meeting,
        &l.alerts.open,
    ]
    .iter()
    .all(|t| t.chars().count() <= MAX_MENU_LABEL_CHARS && !t.chars().any(char::is_control))
}

/// The words of the menu in place (a page reloaded with the same words
/// keeps it: GTK complains when a menu's accelerators are replaced).
static SHOWN: std::sync::Mutex<Option<MenuLabels>> = std::sync::Mutex::new(None);

/// Sets the desk's menu in the window's words (anyone, signed in or not).
#[tauri::command]
pub async fn desk_menu(
    app: AppHandle,
    state: tauri::State<'_, crate::AppState>,
    req: wire::DeskMenu,
) -> Result<Response<wire::DeskMenu>> {
    let wire::DeskMenu { labels, language } = req;
    state.set_language(&language);
    if !labels_ok(&labels) {
        return Err(Error::field("menu", "too_long"));
    }
    crate::alerts::set_words(labels.alerts.clone());
    let mut shown = SHOWN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if shown.as_ref() == Some(&labels) {
        return Ok(());
    }
    let failed = |e: tauri::Error| Error::Io {
        path: "menu".into(),
        source: std::io::Error::other(e),
    };
    let menu = build(&app, &labels).map_err(failed)?;
    if cfg!(target_os = "macos") {
        app.set_menu(menu).map_err(failed)?;
    } else if let Some(main) = app.get_webview_window("main") {
        main.set_menu(menu).map_err(failed)?;
    }
    *shown = Some(labels);
    Ok(())
}

/// Acts on a menu choice (register with `App::on_menu_event`).
pub fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    match id {
        "quit" => {
            tracing::info!("quit from the menu");
            app.exit(0);
        }
        "open-logs" => {
            if let Err(e) = crate::logs::open_dir(app) {
                tracing::warn!("cannot open the log folder: {e}");
            }
        }
        _ if TO_WINDOW.contains(&id) => {
            if let Some(main) = app.get_webview_window("main") {
                let _ = main.set_focus();
            }
            let _ = app.emit_to("main", MENU_EVENT, id);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_short_and_on_one_line() {
        let mut l = MenuLabels {
            banco: "Banco".into(),
            new_lead: "Nuovo lead".into(),
            ..Default::default()
        };
        assert!(labels_ok(&l));
        l.about = "x".repeat(MAX_MENU_LABEL_CHARS + 1);
        assert!(!labels_ok(&l));
        l.about = "Informazioni\nsu Banco".into();
        assert!(!labels_ok(&l));
    }
}
