//! The baseline of `scripts/bench-desktop.sh`: a bare Tauri 2 window on a
//! Yew page with one command, as create-tauri-app's Yew template makes it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// The template's one command: a greeting for `name`.
#[tauri::command]
fn greet(name: &str) -> String {
    format!("Hello, {name}! You've been greeted from Rust!")
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![greet])
        .run(tauri::generate_context!())
        .expect("error while running tauri application");
}
