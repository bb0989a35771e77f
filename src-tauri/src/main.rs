//! Banco desktop app entry point: everything is in [`banco_app::run`].
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    banco_app::run();
}
