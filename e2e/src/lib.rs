//! End-to-end tests of the Banco app, in `tests/`: the real window driven
//! over W3C WebDriver (`tests/e2e.rs`), the installer and the auto-update
//! (`tests/e2e/update.rs`). This library is empty: the package exists so
//! that the tests build without the Tauri shell (they run the binary
//! `scripts/test.sh` built, named in `BANCO_E2E_APP`).
