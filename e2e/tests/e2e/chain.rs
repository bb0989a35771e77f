//! A desk set up for a chain server in the real window: the first start's
//! "Chain server" choice, a refused password, the right one kept in the
//! OS keychain (a real Secret Service, `gnome-keyring-daemon`, on the
//! test's session bus) and never in the data folder, the next start signed
//! in from the keychain; the user's own password changed at the desk (the
//! keychain's copy and the offline record follow it); then the server going
//! away (a proxy stopped): the desk signs its user in offline (with the new
//! password, not the old), the counter saves into the outbox, and
//! once the server is back the capture arrives by itself, once; and a
//! server whose schema is newer than the app shown on a screen of its own.

use super::*;

/// The throwaway PostgreSQL cluster `scripts/test.sh` started.
fn cluster() -> url::Url {
    let raw = std::env::var("BANCO_TEST_PG_URL").unwrap_or_else(|_| {
        panic!(
            "BANCO_TEST_PG_URL is not set: this test needs the throwaway PostgreSQL that \
             ./scripts/test.sh starts (scripts/pg-cluster.sh)."
        )
    });
    url::Url::parse(&raw).unwrap()
}

fn run(program: &str, args: &[&str], stdin: Option<&str>) -> String {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// Runs the `banco` command line (target/debug/banco) with `stdin`.
fn banco_cli_raw(args: &[&str], stdin: &str) -> String {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let banco = target.join("debug/banco");
    run(banco.to_str().unwrap(), args, Some(stdin))
}
const MARTA_PASSWORD: &str = "sole-2026!";
/// What Marta changes her password to, at the desk.
const MARTA_NEW_PASSWORD: &str = "sole-2027?";

/// A Secret Service for the apps of this test process: GNOME Keyring on
/// this session bus, started once (the tests run side by side on one bus,
/// and a second daemon would take the first one's place), its login
/// keyring unlocked (as a desktop session's would be), once it owns its
/// name on the bus (asked without calling it, which would start another,
/// locked one through D-Bus activation).
pub(super) fn keychain() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let home = tempfile::tempdir().unwrap().keep();
        start_keychain(&home);
    });
}

fn start_keychain(home: &std::path::Path) {
    let daemon = format!(
        "printf 'unlock-keyring\\n' | HOME={0} XDG_DATA_HOME={0}/share gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
         for _ in $(seq 100); do \
           dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
             org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
             | grep -q 'boolean true' && exit 0; sleep 0.1; \
         done; echo 'no Secret Service on the session bus' >&2; exit 1",
        home.display()
    );
    run("sh", &["-c", &daemon], None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_is_pointed_at_a_chain_server_and_comes_back_signed_in() {
    within_limit(a_desk_is_pointed_at_a_chain_server_and_comes_back_signed_in_scenario()).await;
}

async fn a_desk_is_pointed_at_a_chain_server_and_comes_back_signed_in_scenario() {
    let server = cluster();
    let (host, port) = (
        server.host_str().unwrap().to_string(),
        server.port().unwrap(),
    );
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros()
        .to_string();
    let (database, login) = (format!("catena_{stamp}"), format!("marta_{stamp}"));
    // First, as on a desktop, a running keychain (before any Banco
    // process asks for one and D-Bus starts a locked one instead).
    keychain();
    // The chain's DBA makes the database and runs `banco admin init`.
    run(
        &format!("{PG_BIN}/createdb"),
        &[
            "-h",
            &host,
            "-p",
            &port.to_string(),
            "-U",
            server.username(),
            &database,
        ],
        None,
    );
    let mut owner = server.clone();
    owner.set_path(&database);
    banco_cli_raw(
        &[
            "admin",
            "init",
            "--database-url",
            owner.as_str(),
            "--tenant",
            "Catena Sole",
            "--admin-login",
            &login,
            "--admin-name",
            "Marta Sole",
            "--password-stdin",
        ],
        MARTA_PASSWORD,
    );
    banco_cli_raw(
        &[
            "admin",
            "store",
            "add",
            "--database-url",
            owner.as_str(),
            "--tenant",
            "Catena Sole",
            "Negozio Nord",
        ],
        "",
    );

    // The desk reaches the server through a proxy the test can stop (a
    // cable pulled, the server down).
    let proxy = super::proxy::Proxy::start(server.as_str()).await;

    // First start: the chain server, with a wrong password first.
    let data = tempfile::tempdir().unwrap();
    let (driver, c) = launch(data.path(), &[("BANCO_LOG", "info".into())]).await;
    wait_text(&c, "#sign-in-title", "Benvenuto in Banco").await;
    click(&c, "#setup-server").await;
    wait_text(&c, "#connect-title", "server della catena").await;
    type_into(&c, "#connect-host", "127.0.0.1").await;
    type_into(&c, "#connect-port", &proxy.port.to_string()).await;
    type_into(&c, "#connect-database", &database).await;
    // The throwaway cluster on loopback speaks no TLS.
    click(&c, "#connect-tls option[value='disable']").await;
    wait_text(&c, ".first-start", "Nulla è cifrato").await;
    type_into(&c, "#connect-login", &login).await;
    type_into(&c, "#connect-password", "sole-2025").await;
    shot(&c, "40-chain-connect").await;
    click(&c, "#connect-submit").await;
    wait_text(&c, "#connect-error", "nome utente o password errati").await;
    assert!(
        !data.path().join("connection.json").exists(),
        "a refused connection is not kept"
    );
    type_into(&c, "#connect-password", MARTA_PASSWORD).await;
    click(&c, "#connect-submit").await;
    wait_text(&c, "h1", "Nuovo cliente al banco").await;
    wait_text(&c, "#current_user", "Marta Sole").await;
    shot(&c, "41-chain-connected").await;

    // Marta, the chain's admin, makes Paolo area manager of both stores
    // (a login role on the server), then deactivates him.
    let paolo = format!("paolo_{stamp}");
    click(&c, "#nav-settings").await;
    type_into(&c, "#user-name", "Paolo Zona").await;
    click(&c, "#user-role option[value='area_manager']").await;
    wait_text(&c, "#user-stores", "Negozio Nord").await;
    click_text(&c, "#user-stores label", "Negozio Nord").await;
    type_into(&c, "#user-login", &paolo).await;
    type_into(&c, "#user-password", &format!("zona-2026{ENTER}")).await;
    wait_text(&c, "#users-table", "Negozio principale, Negozio Nord").await;
    let deactivate = "[...document.querySelectorAll('#users-table tr')] \
        .find(r => r.textContent.includes('Paolo Zona')) \
        .querySelector('[id^=toggle-active]').click()";
    c.execute(deactivate, vec![]).await.unwrap();
    wait_text(&c, "#settings-message", "Paolo Zona è disattivato").await;
    wait_text(&c, "#users-table", "disattivato").await;
    c.execute(
        "document.querySelector('#users-table').scrollIntoView({block: 'center'})",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "43-staff-area-deactivated").await;
    let _ = c.close().await;
    drop(driver);

    // The settings are kept in the data folder; the password in no file.
    let kept = std::fs::read_to_string(data.path().join("connection.json")).unwrap();
    assert!(kept.contains(&database) && kept.contains(&login), "{kept}");
    in_no_file(data.path(), MARTA_PASSWORD);

    // The next start signs Marta in from the keychain. She captures Rita;
    // the desk takes its copy of the store's people for working offline.
    let (driver, c) = launch(data.path(), &[("BANCO_LOG", "info".into())]).await;
    wait_text(&c, "h1", "Nuovo cliente al banco").await;
    wait_text(&c, "#current_user", "Marta Sole").await;
    type_into(&c, "input[name=first_name]", "Rita").await;
    type_into(&c, "input[name=last_name]", "Galli").await;
    type_into(&c, "input[name=phone]", "347 000 3434").await;
    click(&c, "input[name=consent_service_contact]").await;
    click(&c, "#counter-save").await;
    wait_text(&c, "#counter-saved", "Rita Galli").await;
    let key = banco::store::server_key(&format!("postgres://127.0.0.1:{}/{database}", proxy.port))
        .unwrap();
    wait_for_copy(data.path(), &key).await;
    // Marta changes her own password: the server's login, this computer's
    // record for signing in offline and the keychain's copy all follow.
    click(&c, "#open-account").await;
    type_into(&c, "#account-current", MARTA_PASSWORD).await;
    type_into(&c, "#account-new", MARTA_NEW_PASSWORD).await;
    type_into(&c, "#account-confirm", MARTA_NEW_PASSWORD).await;
    click(&c, "#account-save").await;
    wait_text(&c, "#account-message", "Password cambiata.").await;
    click(&c, "#account-close").await;
    let _ = c.close().await;
    drop(driver);

    // The server goes away. The next start cannot reach it: Marta signs in
    // as this computer knew her, and the counter keeps saving, into the
    // outbox; only the counter and the outbox are offered.
    proxy.stop();
    let (driver, c) = launch(data.path(), &[("BANCO_LOG", "info".into())]).await;
    wait_text(&c, "#sign-in-title", "Accedi a Banco").await;
    type_into(&c, "#sign-in-login", &login).await;
    // The old password no longer signs her in, offline either.
    type_into(&c, "#sign-in-password", MARTA_PASSWORD).await;
    click(&c, "#sign-in-submit").await;
    wait_text(&c, "#sign-in-error", "nome utente o password errati").await;
    type_into(&c, "#sign-in-password", MARTA_NEW_PASSWORD).await;
    click(&c, "#sign-in-submit").await;
    wait_text(&c, "h1", "Nuovo cliente al banco").await;
    wait_text(&c, "#outbox-banner", "Offline").await;
    assert!(
        c.find(Locator::Css("#nav-deals")).await.is_err(),
        "offline, only the counter and the outbox are offered"
    );
    // The match panel answers from the copy, and says so.
    type_into(&c, "input[name=phone]", "3470003434").await;
    wait_text(&c, "#counter-matches", "Rita Galli").await;
    wait_text(&c, "#counter-matches-copy", "copia locale").await;
    shot(&c, "44a-offline-match-from-copy").await;
    // So does the search box; its hits show contacts and open nothing.
    search_for(&c, "gall 3434").await;
    wait_text(&c, "#search-results", "Rita Galli").await;
    wait_text(&c, "#search-copy", "copia locale").await;
    shot(&c, "44b-offline-search-from-copy").await;
    // A click beside the box closes it.
    c.execute("document.querySelector('.overlay').click()", vec![])
        .await
        .unwrap();
    wait_gone(&c, "#search-input").await;
    type_into(&c, "input[name=first_name]", "Elena").await;
    type_into(&c, "input[name=last_name]", "Fabbri").await;
    type_into(&c, "input[name=phone]", "347 555 1212").await;
    click(&c, "input[name=consent_service_contact]").await;
    click(&c, "#counter-save").await;
    wait_text(&c, "#counter-queued", "Salvato su questo computer").await;
    wait_text(&c, "#outbox-banner", "in attesa di invio: 1").await;
    shot(&c, "44-offline-queued").await;
    click(&c, "#outbox-open").await;
    wait_text(&c, "#outbox-table", "Elena Fabbri").await;
    shot(&c, "45-outbox").await;
    let leads = || {
        run(
            &format!("{PG_BIN}/psql"),
            &[
                "-h", &host, "-p", &port.to_string(), "-U", server.username(), "-d", &database,
                "-tA", "-c", "SELECT string_agg(p.first_name || ' ' || p.last_name, ',')                 FROM leads l JOIN people p ON p.id = l.person_id",
            ],
            None,
        )
    };
    assert_eq!(
        leads().trim(),
        "Rita Galli",
        "nothing reached the server yet"
    );

    // The server is back: within a retry the desk reconnects Marta, sends
    // the capture once, and offers every screen again.
    proxy.resume().await;
    wait_text(&c, "#outbox-empty", "tutto è in archivio").await;
    wait_gone(&c, "#outbox-banner").await;
    wait_text(&c, "#nav-deals", "Trattative").await;
    let on_server = leads();
    assert!(
        on_server.contains("Elena Fabbri") && on_server.contains("Rita Galli"),
        "{on_server}"
    );
    shot(&c, "46-back-online").await;
    let _ = c.close().await;
    drop(driver);

    // The server moves on to a schema this build does not know: the desk
    // says to update Banco instead of failing on every screen.
    run(
        &format!("{PG_BIN}/psql"),
        &[
            "-h", &host, "-p", &port.to_string(), "-U", server.username(), "-d", &database,
            "-v", "ON_ERROR_STOP=1", "-c",
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (999999, 'from a later Banco', true, '\\x00', 0)",
        ],
        None,
    );
    // (Reaching the server at all takes the keychain's copy of the new
    // password: with the old one the server would refuse the desk first.)
    let (_driver, c) = launch(data.path(), &[]).await;
    wait_text(
        &c,
        "#schema-mismatch h1",
        "non è alla versione di questo Banco",
    )
    .await;
    wait_text(
        &c,
        "#schema-mismatch",
        "installa l'ultima versione di Banco",
    )
    .await;
    shot(&c, "42-schema-newer").await;
    let _ = c.close().await;
    // The changed password is in no file either.
    in_no_file(data.path(), MARTA_NEW_PASSWORD);
}

/// Asserts that no file under `dir` holds `secret`.
fn in_no_file(dir: &std::path::Path, secret: &str) {
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "a password is in {}",
            entry.display()
        );
    }
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Waits (at most 90 s: the desk looks every 10 s, and again 30 s after a
/// change) until the desk in `data` holds a copy of the store's people of
/// chain server `key` with someone in it.
async fn wait_for_copy(data: &std::path::Path, key: &str) {
    let outbox = banco::store::outbox::Outbox::open(data).await.unwrap();
    let started = Instant::now();
    loop {
        if let Some((_, who)) = outbox.last_signed_in(key).await.unwrap() {
            if let Some(info) = outbox.copy_info(key, who.user.id).await.unwrap() {
                if info.people > 0 {
                    break;
                }
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "no copy of the store's people in the outbox"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    outbox.close().await;
}
