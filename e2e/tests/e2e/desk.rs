//! Signing in at the real window: the first start's set-up, switching who
//! is at the counter with that person's PIN, the lock, what staff may not
//! open, and a database that cannot be opened at start; the counter's
//! question when a number is someone else's under another name.

use super::*;

/// The administrator's password chosen at the first start.
pub const ADMIN_PASSWORD: &str = "cassa-2026";
/// Giulia's PIN, given when an admin adds her.
pub const GIULIA_PIN: &str = "4821";

/// The first start on a fresh data folder: the administrator chooses a
/// password (typed twice: a mismatch is caught) and lands on the counter.
pub async fn claim(c: &Client) {
    wait_text(c, "#sign-in-title", "Benvenuto in Banco").await;
    shot(c, "00-first-start").await;
    let login = value_of(c, "#sign-in-login").await;
    assert_eq!(login.as_deref(), Some("admin"), "the login is proposed");
    type_into(c, "#sign-in-password", ADMIN_PASSWORD).await;
    type_into(c, "#sign-in-confirm", "cassa-2025").await;
    click(c, "#sign-in-submit").await;
    wait_text(c, ".sign-in", "le due password non coincidono").await;
    type_into(c, "#sign-in-confirm", ADMIN_PASSWORD).await;
    click(c, "#sign-in-submit").await;
    wait_text(c, "h1", "Nuovo cliente al banco").await;
}

/// The administrator signs in on the sign-in screen (after a lock, a
/// restore, a restart).
pub async fn sign_in_admin(c: &Client) {
    type_into(c, "#sign-in-login", "admin").await;
    type_into(c, "#sign-in-password", ADMIN_PASSWORD).await;
    click(c, "#sign-in-submit").await;
}

/// The name of the person the switcher shows at the counter.
fn at_counter_is(name: &str) -> String {
    format!("document.querySelector('#current_user').selectedOptions[0].text.startsWith('{name}')")
}

/// Giulia comes to the counter: a wrong PIN is refused, hers lets her in;
/// she is counter staff, so Settings, imports and the duplicates review are
/// not hers to open.
pub async fn switch_to_giulia(c: &Client) {
    let giulia = c
        .execute(
            "const o = [...document.querySelectorAll('#current_user option')].find(o => o.text.startsWith('Giulia')); return o.value",
            vec![],
        )
        .await
        .unwrap();
    click(
        c,
        &format!("#current_user option[value='{}']", giulia.as_str().unwrap()),
    )
    .await;
    wait_text(c, "#switch-dialog", "Giulia Conti").await;
    type_into(c, "#switch-password", "0000").await;
    click(c, "#switch-submit").await;
    wait_text(c, "#switch-error", "nome utente o password errati").await;
    shot(c, "25-switch-refused").await;
    type_into(c, "#switch-password", GIULIA_PIN).await;
    click(c, "#switch-submit").await;
    wait_gone(c, "#switch-dialog").await;
    wait_js(c, "Giulia at the counter", &at_counter_is("Giulia")).await;
    wait_text(c, "nav", "Banco").await;
    for manager_only in ["#nav-settings", "#nav-import", "#nav-duplicates"] {
        assert!(
            c.find(Locator::Css(manager_only)).await.is_err(),
            "staff have no {manager_only}"
        );
    }
}

/// Giulia locks the desk and unlocks it with her PIN, back where she left
/// off; then she locks it again and the administrator signs in instead,
/// changes their own password, and unlocks with the new one only.
pub async fn lock_and_come_back(c: &Client) {
    click(c, "#lock-desk").await;
    wait_text(c, "#lock-dialog", "Giulia Conti").await;
    shot(c, "26-locked").await;
    type_into(c, "#unlock-password", "1111").await;
    click(c, "#unlock-submit").await;
    wait_text(c, "#unlock-error", "nome utente o password errati").await;
    type_into(c, "#unlock-password", GIULIA_PIN).await;
    click(c, "#unlock-submit").await;
    wait_gone(c, "#lock-dialog").await;
    wait_text(c, "#record-title", "Rossi Impianti").await;

    click(c, "#lock-desk").await;
    click(c, "#unlock-other").await;
    sign_in_admin(c).await;
    wait_gone(c, ".overlay.lock").await;
    wait_js(
        c,
        "the admin at the counter",
        &at_counter_is("Amministratore"),
    )
    .await;
    wait_text(c, "#nav-settings", "Impostazioni").await;

    // The admin changes their own password: the current one first.
    click(c, "#open-account").await;
    type_into(c, "#account-current", "cassa-2025").await;
    type_into(c, "#account-new", "banco-2027").await;
    type_into(c, "#account-confirm", "banco-2027").await;
    click(c, "#account-save").await;
    wait_text(c, "#account-message", "nome utente o password errati").await;
    type_into(c, "#account-current", ADMIN_PASSWORD).await;
    click(c, "#account-save").await;
    wait_text(c, "#account-message", "Password cambiata.").await;
    click(c, "#account-close").await;
    click(c, "#lock-desk").await;
    type_into(c, "#unlock-password", ADMIN_PASSWORD).await;
    click(c, "#unlock-submit").await;
    wait_text(c, "#unlock-error", "nome utente o password errati").await;
    type_into(c, "#unlock-password", "banco-2027").await;
    click(c, "#unlock-submit").await;
    wait_gone(c, "#lock-dialog").await;
}

/// The file the app takes its "picked" files from instead of the native
/// dialog, which WebDriver cannot drive (see `test_pick` in the shell).
pub fn picks_file(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("e2e-picks.txt")
}

/// Chooses `file` through the "Browse…" button `button`, as the user would
/// in the file dialog.
pub async fn pick(c: &Client, data_dir: &std::path::Path, button: &str, file: &std::path::Path) {
    let list = picks_file(data_dir);
    std::fs::write(&list, file.display().to_string()).unwrap();
    click(c, button).await;
    let started = Instant::now();
    while std::fs::read_to_string(&list).unwrap_or_default().trim() != "" {
        assert!(
            started.elapsed() < TIMEOUT,
            "{button} never asked for a file"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A path the page names itself, not chosen in the file dialog, is refused
/// by every import command (a script cannot make Banco read `~/.pgpass`).
pub async fn typed_paths_are_refused(c: &Client, picked: &std::path::Path) {
    for (command, req) in [
        ("import_preview", r#"{"path": "/etc/passwd"}"#.to_string()),
        (
            "deal_import_preview",
            r#"{"path": "/etc/passwd"}"#.to_string(),
        ),
        (
            "company_import_preview",
            r#"{"path": "/etc/passwd"}"#.to_string(),
        ),
        (
            "import_check",
            format!(
                r#"{{"path": "{}/../{}", "mapping": []}}"#,
                picked.parent().unwrap().display(),
                "Cargo.toml"
            ),
        ),
    ] {
        let answer = c
            .execute_async(
                &format!(
                    "const done = arguments[arguments.length - 1]; \
                     window.__TAURI__.core.invoke('{command}', {{ req: {req} }}) \
                       .then(() => done('allowed'), e => done(JSON.stringify(e)));"
                ),
                vec![],
            )
            .await
            .unwrap();
        let answer = answer.as_str().unwrap_or_default();
        assert!(answer.contains("not_picked"), "{command}: {answer}");
    }
}

/// A database that cannot be opened: the window says so, in Italian,
/// instead of the app exiting with a message on a console nobody sees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_cannot_be_opened_is_explained_in_the_window() {
    within_limit(a_database_that_cannot_be_opened_is_explained_in_the_window_scenario()).await;
}

async fn a_database_that_cannot_be_opened_is_explained_in_the_window_scenario() {
    let data = tempfile::tempdir().unwrap();
    // A folder where the database file should be: SQLite cannot open it.
    std::fs::create_dir(data.path().join("banco.db")).unwrap();
    let (_driver, c) = launch(data.path(), &[]).await;
    wait_text(&c, "#start-failure h1", "non riesce ad aprire il database").await;
    let said = wait_text(&c, "#start-failure .banner", "").await;
    assert!(!said.trim().is_empty(), "the reason is shown");
    shot(&c, "start-failure").await;
    let _ = c.close().await;
}

/// A large file's import is stopped with "Annulla l'importazione" while its
/// progress bar moves: the window says nothing was written.
pub async fn cancel_a_large_import(c: &Client, data: &std::path::Path) {
    let big = data.join("elenco-grande.csv");
    const FIRST: [&str; 8] = [
        "Mario", "Anna", "Luca", "Giulia", "Marco", "Sara", "Paolo", "Elena",
    ];
    const LAST: [&str; 8] = [
        "Rossi", "Bianchi", "Russo", "Ferrari", "Esposito", "Romano", "Gallo", "Conti",
    ];
    let mut text = String::from("Nome;Cognome;Cellulare\n");
    for i in 0..20_000 {
        let (first, last) = (FIRST[i % 8], LAST[(i / 8) % 8]);
        text.push_str(&format!("{first};{last};+39 347 {:07}\n", 1_000_000 + i));
    }
    std::fs::write(&big, text).unwrap();
    pick(c, data, "#import-browse", &big).await;
    click(c, "#import-preview").await;
    wait_text(c, "#import-mapping", "Giulia").await;
    click(c, "#import-run").await;
    wait_js(
        c,
        "the import's progress",
        "document.querySelector('#import-progress') !== null \
         && Number(document.querySelector('#import-progress').value) > 0",
    )
    .await;
    click(c, "#import-cancel").await;
    wait_text(c, "#import-error", "annullato: nulla è stato scritto").await;
    shot(c, "06b-import-cancelled").await;
}

/// `owner`'s husband at the counter with her `phone`: the counter asks
/// before touching her record, and "a new person" saves him as his own.
pub async fn same_number_other_name(c: &Client, owner: &str, phone: &str) {
    click(c, "#nav-counter").await;
    type_into(c, "input[name=first_name]", "Bruno").await;
    type_into(c, "input[name=last_name]", "Ferri").await;
    type_into(c, "input[name=phone]", phone).await;
    click(c, "input[name=consent_service_contact]").await;
    click(c, "#counter-save").await;
    wait_text(c, "#counter-same-contact", owner).await;
    shot(c, "25b-same-contact").await;
    click(c, "#counter-new-person").await;
    wait_text(c, "#counter-saved", "Bruno Ferri").await;
}
