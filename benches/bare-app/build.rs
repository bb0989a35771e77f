//! Tauri's build step (the app's context and capabilities).
fn main() {
    tauri_build::build()
}
