//! The desk's keyboard shortcuts and menu (issue 14). One listener for the
//! whole life of the page: Ctrl+N (⌘N) opens the counter on a new lead,
//! Ctrl+, opens Settings, Esc closes the dialog on top (its button marked
//! `data-escape`); Ctrl+K is the frame's own. The native menu (built by the
//! shell in the words of [`set_menu`]) sends its choices as
//! [`MENU_EVENT`], handled the same way. Everything goes through the page
//! as a click would (the nav, the dialog's button), so a shortcut does only
//! what the signed-in user could click, and nothing while signed out.

use banco::model::{AlertWords, MenuLabels, MENU_EVENT};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::api;
use crate::i18n::tr;

/// Sends the menu's words, and the desk notifications', in the current
/// language to the shell.
pub fn set_menu() {
    let labels = MenuLabels {
        banco: "Banco".into(),
        new_lead: tr("menu.new_lead"),
        search: tr("menu.search"),
        settings: tr("menu.settings"),
        quit: tr("menu.quit"),
        edit: tr("menu.edit"),
        cut: tr("menu.cut"),
        copy: tr("menu.copy"),
        paste: tr("menu.paste"),
        select_all: tr("menu.select_all"),
        help: tr("menu.help"),
        open_logs: tr("diagnostics.open_logs"),
        diagnostics: tr("diagnostics.save"),
        about: tr("menu.about"),
        // Templates: the shell fills the placeholders.
        alerts: AlertWords {
            call_back: tr("alerts.call_back"),
            meeting: tr("alerts.meeting"),
            open: tr("alerts.open"),
        },
    };
    let language = rust_i18n::locale().to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = api::desk_menu(labels, language).await;
    });
}

/// The element with `id`, if the page shows it.
fn element(selector: &str) -> Option<HtmlElement> {
    web_sys::window()?
        .document()?
        .query_selector(selector)
        .ok()
        .flatten()?
        .dyn_into::<HtmlElement>()
        .ok()
}

/// Clicks what `selector` finds; whether there was one.
fn click(selector: &str) -> bool {
    element(selector).map(|e| e.click()).is_some()
}

/// Clicks the escape button of the dialog on top (the last one in the
/// page that is shown); whether there was one.
fn escape() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Ok(list) = doc.query_selector_all("[data-escape]") else {
        return false;
    };
    (0..list.length())
        .rev()
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .find(|e| e.offset_parent().is_some())
        .map(|e| e.click())
        .is_some()
}

/// Does what menu entry or shortcut `id` stands for.
fn act(id: &str) {
    match id {
        // After the counter is drawn: its first field.
        "new-lead" if click("#nav-counter") => {
            gloo_timers::callback::Timeout::new(50, || {
                if let Some(first) = element("#counter-form input") {
                    let _ = first.focus();
                }
            })
            .forget();
        }
        "search" => {
            click("#open-search");
        }
        "settings" => {
            click("#nav-settings");
        }
        "about" => {
            click("#nav-about");
        }
        "diagnostics" if click("#nav-about") => {
            gloo_timers::callback::Timeout::new(300, || {
                click("#save-diagnostics");
            })
            .forget();
        }
        _ => {}
    }
}

/// The shortcut `e` stands for, if any.
fn shortcut(e: &KeyboardEvent) -> Option<&'static str> {
    let command = e.ctrl_key() || e.meta_key();
    match e.key().as_str() {
        "n" | "N" if command && !e.shift_key() && !e.alt_key() => Some("new-lead"),
        "," if command => Some("settings"),
        _ => None,
    }
}

/// Installs the shortcuts and the menu (once, at start).
pub fn install() {
    set_menu();
    wasm_bindgen_futures::spawn_local(api::listen(MENU_EVENT, |id: String| act(&id)));
    let Some(window) = web_sys::window() else {
        return;
    };
    gloo_events::EventListener::new(&window, "keydown", |e| {
        let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
            return;
        };
        if e.default_prevented() {
            return;
        }
        if e.key() == "Escape" {
            if escape() {
                e.prevent_default();
            }
        } else if let Some(id) = shortcut(e) {
            e.prevent_default();
            act(id);
        }
    })
    .forget();
}
