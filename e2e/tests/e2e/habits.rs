//! The desktop habits of issue 14 in the real window: starting Banco a
//! second time on the same data folder hands over to the open window (the
//! second process exits) — a phone link given to it (a softphone's
//! incoming call) opens the inbound-call dialog there on the caller — and
//! the window comes back at the size and place it had. The keyboard
//! shortcuts (Ctrl+N, Ctrl+,, Esc), the backups' retention and a restore
//! from Settings, "Save diagnostics…" (nothing personal in it) and "Open
//! log folder". A window the runtime cannot open is explained in a
//! message box. A start while the open Banco is closing opens the window.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_start_hands_its_phone_link_to_the_open_window() {
    within_limit(a_second_start_hands_its_phone_link_to_the_open_window_scenario()).await;
}

async fn a_second_start_hands_its_phone_link_to_the_open_window_scenario() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, c) = start(data.path()).await;
    capture(&c, "Marta", "Ferri", "347 555 0101").await;
    // A softphone starts Banco with the caller's number.
    let started = Instant::now();
    let mut second = Owned::spawn(
        Command::new(app_under_test())
            .arg("tel:+39%20347%20555%200101")
            .envs(app_env(data.path()))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .unwrap();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        // (Dropped on the way out, it is ended.)
        assert!(
            started.elapsed() <= TIMEOUT,
            "the second Banco kept running: there are two"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        status.success(),
        "the second start handed over and exited: {status}"
    );
    // The open window asks who is calling.
    wait_text(&c, "#inbound-matches", "Marta Ferri").await;
    let number = value_of(&c, "#inbound-phone").await;
    assert_eq!(number.as_deref(), Some("+39 347 555 0101"));
    shot(&c, "habits-01-phone-link").await;
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_comes_back_at_its_size_and_place() {
    within_limit(the_window_comes_back_at_its_size_and_place_scenario()).await;
}

async fn the_window_comes_back_at_its_size_and_place_scenario() {
    let data = tempfile::tempdir().unwrap();
    let (driver, c) = start(data.path()).await;
    c.set_window_rect(70, 50, 1100, 700).await.unwrap();
    let before = c.get_window_rect().await.unwrap();
    assert_eq!(
        (before.2, before.3),
        (1100, 700),
        "the window took the size asked"
    );
    // Kept as soon as the window settles, not only at a clean exit.
    let kept = data
        .path()
        .join("xdg-config/it.banco.crm/.window-state.json");
    wait_until(&c, "the window's size and place are kept", || kept.exists()).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    // WebDriver ends the app without a clean exit.
    let _ = c.close().await;
    drop(driver);
    let (_driver, c) = launch(data.path(), &[]).await;
    wait_text(&c, "#sign-in-title", "").await;
    let after = c.get_window_rect().await.unwrap();
    assert_eq!((after.2, after.3), (before.2, before.3), "the same size");
    assert!(
        after.0.abs_diff(before.0) <= 2 && after.1.abs_diff(before.1) <= 2,
        "the same place: {before:?} then {after:?}"
    );
    let _ = c.close().await;
}

const ESCAPE: &str = "\u{E00C}";

/// Every file of the zip at `path`, by name.
fn unzip(path: &std::path::Path) -> Vec<(String, String)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().unwrap().to_string(), text)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shortcuts_a_restore_from_settings_and_diagnostics() {
    within_limit(shortcuts_a_restore_from_settings_and_diagnostics_scenario()).await;
}

async fn shortcuts_a_restore_from_settings_and_diagnostics_scenario() {
    let data = tempfile::tempdir().unwrap();
    let (opened, path) = stand_in_opener(data.path());
    let (_driver, c) = start_with(data.path(), &[("PATH", path)]).await;
    capture(&c, "Zaccaria", "Quintavalle", "347 812 3456").await;

    // Ctrl+N from the leads list: the counter, its first field ready.
    click(&c, "#nav-leads").await;
    wait_text(&c, "#leads-table", "Quintavalle").await;
    press(&c, "\u{E009}n\u{E000}").await;
    wait_text(&c, "h1", "Nuovo cliente al banco").await;
    wait_js(
        &c,
        "the first field has the focus",
        "document.activeElement && document.activeElement.name === 'first_name'",
    )
    .await;
    // Ctrl+, opens Settings; Esc closes the dialog on top.
    press(&c, "\u{E009},\u{E000}").await;
    wait_text(&c, "#backups", "").await;
    click(&c, "#open-inbound").await;
    wait_text(&c, "#inbound-dialog", "").await;
    press(&c, ESCAPE).await;
    wait_gone(&c, "#inbound-dialog").await;

    // Backups: one taken now, with Zaccaria; kept 30 days, typed before
    // the backup and saved after it (the page's renders meanwhile leave
    // what was typed).
    type_into(&c, "#backup-keep-days", "30").await;
    click(&c, "#back-up-now").await;
    wait_text(&c, "#backups-message", "Copia fatta e controllata").await;
    click(&c, "#backup-keep-save").await;
    wait_text(&c, "#backups-message", "30 giorni").await;
    // Marta comes after the backup; restoring it takes her away.
    capture(&c, "Marta", "Ferri", "347 555 0101").await;
    click(&c, "#nav-settings").await;
    wait_text(&c, "#backup-keep-days", "").await;
    wait_js(
        &c,
        "the retention is kept",
        "document.querySelector('#backup-keep-days').value === '30'",
    )
    .await;
    click(&c, "#backups-table .restore-backup").await;
    wait_text(&c, "#restore-dialog", "(1 lead)").await;
    press(&c, ESCAPE).await;
    wait_gone(&c, "#restore-dialog").await;
    click(&c, "#backups-table .restore-backup").await;
    wait_text(&c, "#restore-dialog", "(1 lead)").await;
    shot(&c, "habits-02-restore").await;
    click(&c, "#restore-confirm").await;
    // Signed out: the restored database has its own users.
    wait_text(&c, "#sign-in-title", "").await;
    desk::sign_in_admin(&c).await;
    click(&c, "#nav-leads").await;
    wait_text(&c, "#leads-table", "Quintavalle").await;
    let rows = c
        .execute(
            "return document.querySelectorAll('#leads-table tbody tr').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows, 1, "the lead captured after the backup is gone");
    let replaced = std::fs::read_dir(data.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("banco.db.replaced-")
        });
    assert!(replaced, "the replaced database is kept beside it");

    // Diagnostics: saved where the dialog says, nothing personal inside.
    click(&c, "#nav-about").await;
    let out = data.path().join("diagnostica.zip");
    desk::pick(&c, data.path(), "#save-diagnostics", &out).await;
    wait_text(&c, "#diagnostics-message", "Diagnostica salvata").await;
    shot(&c, "habits-03-diagnostics").await;
    let files = unzip(&out);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for want in ["README.txt", "desk.json", "settings.json", "backups.json"] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    let logs: String = files
        .iter()
        .filter(|(n, _)| n.starts_with("logs/banco"))
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(logs.contains("Banco started"), "{logs}");
    assert!(logs.contains("backup restored"), "{logs}");
    let all = files
        .iter()
        .map(|(_, t)| t.to_lowercase())
        .collect::<String>();
    for personal in [
        "zaccaria",
        "quintavalle",
        "marta",
        "ferri",
        "3478123456",
        "812 3456",
        desk::ADMIN_PASSWORD,
    ] {
        assert!(!all.contains(personal), "{personal} is in the diagnostics");
    }
    // "Open log folder" asks the system to open it.
    click(&c, "#open-logs").await;
    let log_dir = data.path().join("xdg-state/banco/logs");
    wait_until(&c, "the log folder is opened", || {
        std::fs::read_to_string(&opened)
            .unwrap_or_default()
            .contains(&log_dir.display().to_string())
    })
    .await;
    let _ = c.close().await;
}

/// Waits up to [`TIMEOUT`] for `check`, then fails saying `what`.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < TIMEOUT, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_the_runtime_cannot_open_is_explained_in_a_message_box() {
    within_limit(a_window_the_runtime_cannot_open_is_explained_in_a_message_box_scenario()).await;
}

async fn a_window_the_runtime_cannot_open_is_explained_in_a_message_box_scenario() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    // A display of its own, black until something is shown on it.
    let n = 300 + std::process::id() % 600;
    let display = format!(":{n}");
    let mut xvfb = Command::new("Xvfb")
        .args([
            display.as_str(),
            "-screen",
            "0",
            "800x600x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb");
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
    eventually("Xvfb listens", || socket.exists()).await;
    let logs = d.join("logs");
    let mut app = Owned::spawn(
        Command::new(app_under_test())
            .envs(app_env(d))
            .env("BANCO_LOG_DIR", &logs)
            .env("DISPLAY", &display)
            .env("BANCO_E2E_RUNTIME_FAILURE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .unwrap();
    // Logged, with the runtime's own words.
    eventually("the failure is logged", || {
        std::fs::read_dir(&logs).is_ok_and(|files| {
            files.flatten().any(|f| {
                std::fs::read_to_string(f.path())
                    .is_ok_and(|t| t.contains("the window failed") && t.contains("setup hook"))
            })
        })
    })
    .await;
    // Shown: something is painted on the black screen, and Banco waits
    // for the user to read it instead of vanishing.
    let shot = repo_root().join("target/e2e-shots/habits-05-runtime-failure.png");
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    eventually("a message box is painted", || {
        let taken = Command::new("import")
            .args(["-display", display.as_str(), "-window", "root"])
            .arg(&shot)
            .status()
            .is_ok_and(|s| s.success());
        let mean = Command::new("convert")
            .arg(&shot)
            .args(["-format", "%[fx:mean]", "info:"])
            .output()
            .ok()
            .and_then(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .unwrap_or(0.0);
        taken && mean > 0.01
    })
    .await;
    assert!(
        app.try_wait().unwrap().is_none(),
        "Banco waits on the message box"
    );
    drop(app);
    // Asked to stop (not killed), Xvfb removes its socket and lock.
    let _ = Command::new("kill").arg(xvfb.id().to_string()).status();
    let _ = xvfb.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_while_the_open_banco_is_closing_opens_the_window() {
    within_limit(a_start_while_the_open_banco_is_closing_opens_the_window_scenario()).await;
}

/// The Banco processes running on `data` (its executable is the app under
/// test and its environment names the folder), as `/proc` tells them now.
fn bancos_on(data: &std::path::Path) -> Vec<u32> {
    let app = std::fs::canonicalize(app_under_test()).unwrap();
    with_env(&format!("BANCO_DATA_DIR={}", data.display()))
        .into_iter()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app))
        .collect()
}

/// Ends every Banco on its folder when dropped, with all they started: a
/// scenario that fails leaves none running.
struct EndBancosOn(std::path::PathBuf);

impl Drop for EndBancosOn {
    fn drop(&mut self) {
        let tree: Vec<u32> = bancos_on(&self.0)
            .into_iter()
            .flat_map(process_tree)
            .collect();
        end_processes(&tree);
        wait_ended(&tree);
    }
}

/// A Banco started while the open one is closing (an update's or a
/// restore's restart, a desk closed and opened again at once) finds the
/// folder's D-Bus name still taken, and its hand-over gets no answer. It
/// starts once more and opens the window, instead of a message box saying
/// it failed. The open Banco is held stopped between taking the hand-over
/// call and answering it, then ended.
async fn a_start_while_the_open_banco_is_closing_opens_the_window_scenario() {
    let data = tempfile::tempdir().unwrap();
    let _bancos = EndBancosOn(data.path().to_path_buf());
    let (driver, c) = start(data.path()).await;
    let open = bancos_on(data.path());
    assert_eq!(open.len(), 1, "one Banco on the folder: {open:?}");
    // The hand-over call, seen on the session bus.
    let name = format!(
        "{}.SingleInstance",
        banco::store::instance_id("it.banco.crm", data.path())
    );
    let calls = data.path().join("bus.txt");
    let _monitor = Owned::spawn(
        Command::new("dbus-monitor")
            .args(["--session", &format!("type=method_call,destination={name}")])
            .stdout(std::fs::File::create(&calls).unwrap())
            .stderr(Stdio::null()),
    )
    .unwrap();
    let seen = |what: &str| {
        std::fs::read_to_string(&calls)
            .unwrap_or_default()
            .contains(what)
    };
    eventually("the bus monitor is ready", || seen("NameLost")).await;

    signal("-STOP", &open);
    let log = data.path().join("second.log");
    let _second = Owned::spawn(
        Command::new(app_under_test())
            .envs(app_env(data.path()))
            .env("BANCO_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap()),
    )
    .unwrap();
    eventually("the second start calls the open Banco", || {
        seen("member=ExecuteCallback")
    })
    .await;
    // The open Banco goes before it answers.
    drop(c);
    drop(driver);
    let tree: Vec<u32> = open.iter().flat_map(|p| process_tree(*p)).collect();
    end_processes(&tree);
    wait_ended(&tree);

    let logged = || std::fs::read_to_string(&log).unwrap_or_default();
    let started = Instant::now();
    while !logged().contains("Banco started") {
        assert!(
            started.elapsed() < TIMEOUT,
            "no Banco runs on the folder again; the second start wrote: {}",
            logged()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        !logged().contains("the window failed"),
        "the second start failed: {}",
        logged()
    );
    let now = bancos_on(data.path());
    assert_eq!(now.len(), 1, "one Banco on the folder: {now:?}");
    screen_shot("habits-05-started-while-closing");
    // It is the open Banco: a third start hands over to it and exits.
    let mut third = Owned::spawn(
        Command::new(app_under_test())
            .envs(app_env(data.path()))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = third.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < TIMEOUT, "the third start kept running");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "the third start handed over: {status}");
}
