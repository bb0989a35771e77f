//! The installer and the auto-update (issue 14), as a shop's computer
//! lives them: version N is installed from its `.deb` (no Rust tool
//! involved), an admin points the desks at the chain's update server
//! (here a loopback server inside the test, serving `latest.json` and the
//! artifacts), the desk is offered N+1 with its notes; a tampered
//! artifact and one signed by another key are refused, shown and logged,
//! and N keeps running; the genuine one is downloaded (with progress),
//! verified, installed through the OS's administrator prompt (a stand-in
//! `pkexec` first on PATH, which runs the install as the test's root
//! would after the password) and Banco restarts as N+1, which then opens
//! About again and says from which version it came.
//!
//! `scripts/test.sh` builds both installers with a throwaway release key
//! and names their folder in `BANCO_E2E_UPDATES` (`current.deb`,
//! `next.deb`, `next.deb.sig`, and `next.deb.other.sig` made with another
//! key). The test installs system-wide (`dpkg -i`, so as root) and removes
//! the package after.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::*;

/// The package the `.deb` installs, and its binary.
const PACKAGE: &str = "banco";
const INSTALLED_APP: &str = "/usr/bin/banco-app";

/// Removes the installed package when the test ends, however it ends.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = Command::new("dpkg").args(["-r", PACKAGE]).output();
    }
}

fn updates_dir() -> PathBuf {
    let dir = std::env::var_os("BANCO_E2E_UPDATES").unwrap_or_else(|| {
        panic!(
            "BANCO_E2E_UPDATES is not set: run ./scripts/test.sh, which builds version N and N+1 of the \
             installer with a throwaway release key and names their folder there."
        )
    });
    PathBuf::from(dir)
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The version a `.deb` carries.
fn deb_version(deb: &std::path::Path) -> String {
    run("dpkg-deb", &["-f", &deb.display().to_string(), "Version"])
}

/// The installed package's version, if it is installed.
fn installed_version() -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Version} ${Status}", PACKAGE])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.ends_with("install ok installed").then(|| {
        text.split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    })
}

/// A loopback web server answering each path from `files` (404 for the
/// rest); bodies go out in 64 KiB pieces 15 ms apart, so that a download
/// takes long enough for its progress to be seen.
async fn update_server(files: Arc<Mutex<HashMap<String, Vec<u8>>>>) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let files = files.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                let body = files.lock().unwrap().get(&path).cloned();
                let Some(body) = body else {
                    let _ = socket
                        .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .await;
                    return;
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for piece in body.chunks(64 * 1024) {
                    if socket.write_all(piece).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(15)).await;
                }
            });
        }
    });
    port
}

/// The update manifest (the updater's static `latest.json`) offering
/// `version` for a `.deb` install at `url`, signed `signature`.
fn manifest(version: &str, url: &str, signature: &str) -> Vec<u8> {
    serde_json::json!({
        "version": version,
        "notes": "Novità: la scheda del cliente si apre più in fretta.",
        "pub_date": "2026-12-04T08:00:00Z",
        "platforms": { "linux-x86_64-deb": { "url": url, "signature": signature } }
    })
    .to_string()
    .into_bytes()
}

/// The log lines of every file in `dir`.
fn log_text(dir: &std::path::Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    text
}

/// Asks for updates again after a refusal, which the new check clears.
async fn check_again(c: &Client) {
    click(c, "#update-check").await;
    wait_js(
        c,
        "the last refusal is cleared",
        "!document.querySelector('#about-message')",
    )
    .await;
}

/// Clicks "Aggiorna e riavvia" until the page shows that it started (the
/// progress bar) or answered (a message): a click that lands while the
/// offer is still being laid out is lost, and the button is disabled once
/// one is taken, so a second click never starts a second install.
async fn start_install(c: &Client) {
    let started = "!!(document.querySelector('#update-progress') || document.querySelector('#about-message'))";
    for _ in 0..3 {
        click(c, "#update-install").await;
        let clicked = Instant::now();
        while clicked.elapsed() < Duration::from_secs(5) {
            let v = c.execute(&format!("return {started};"), vec![]).await;
            if v.ok().and_then(|v| v.as_bool()) == Some(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    shot(c, "timeout").await;
    panic!("\"Aggiorna e riavvia\" never started");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deb_installs_and_updates_itself_from_a_signed_artifact_refusing_tampered_ones() {
    within_limit(
        the_deb_installs_and_updates_itself_from_a_signed_artifact_refusing_tampered_ones_scenario(
        ),
    )
    .await;
}

async fn the_deb_installs_and_updates_itself_from_a_signed_artifact_refusing_tampered_ones_scenario(
) {
    assert_eq!(
        run("id", &["-u"]),
        "0",
        "installing a .deb needs root (CI runs scripts/test.sh as root)"
    );
    let dir = updates_dir();
    let (current, next) = (dir.join("current.deb"), dir.join("next.deb"));
    let (v_now, v_next) = (deb_version(&current), deb_version(&next));
    assert_ne!(v_now, v_next);

    assert_eq!(
        installed_version(),
        None,
        "{PACKAGE} is installed on this computer: this test installs and removes it, so it will not run here"
    );
    // A new user installs N from the .deb.
    let _installed = Installed;
    run("dpkg", &["-i", &current.display().to_string()]);
    assert_eq!(installed_version().as_deref(), Some(v_now.as_str()));

    let data = tempfile::tempdir().unwrap();
    let logs = data.path().join("logs");
    // The administrator's prompt: a stand-in pkexec that notes the call and
    // runs it (the test is root, as the prompt would make it).
    let bin = data.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let prompted = data.path().join("pkexec.txt");
    let pkexec = bin.join("pkexec");
    std::fs::write(
        &pkexec,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nexec \"$@\"\n",
            prompted.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&pkexec, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let env = [
        (
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        ),
        ("BANCO_LOG_DIR", logs.display().to_string()),
    ];

    let next_bytes = std::fs::read(&next).unwrap();
    let mut tampered = next_bytes.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x55;
    let files = Arc::new(Mutex::new(HashMap::from([
        ("/files/next.deb".to_string(), next_bytes),
        ("/files/tampered.deb".to_string(), tampered),
    ])));
    let port = update_server(files.clone()).await;
    let base = format!("http://127.0.0.1:{port}");
    let signature = |file: &str| {
        std::fs::read_to_string(dir.join(file))
            .unwrap()
            .trim()
            .to_string()
    };
    let offer = |url: &str, sig: &str| {
        files.lock().unwrap().insert(
            "/latest.json".into(),
            manifest(&v_next, &format!("{base}{url}"), sig),
        );
    };

    let (driver, c) = launch_binary(INSTALLED_APP, data.path(), &env).await;
    desk::claim(&c).await;
    click(&c, "#nav-about").await;
    wait_text(&c, "#about-version", &v_now).await;
    wait_text(&c, "#about-installed", "deb").await;
    wait_text(&c, "#updates", "Nessun server degli aggiornamenti").await;
    // Plain http to another computer is refused; the chain's server (here
    // on loopback) is kept.
    type_into(
        &c,
        "#update-endpoint",
        "http://aggiornamenti.example.it/latest.json",
    )
    .await;
    click(&c, "#update-server-save").await;
    wait_text(&c, "#about-message", "serve un indirizzo https").await;
    type_into(&c, "#update-endpoint", &format!("{base}/latest.json")).await;
    click(&c, "#update-server-save").await;
    wait_text(&c, "#about-message", "salvato").await;

    // 1. An artifact altered on the way: refused, N stays.
    offer("/files/tampered.deb", &signature("next.deb.sig"));
    click(&c, "#update-check").await;
    wait_text(&c, "#update-offer", &format!("Banco {v_next}")).await;
    wait_text(&c, "#update-notes", "Novità").await;
    shot(&c, "update-01-offer").await;
    start_install(&c).await;
    wait_text(&c, "#about-message", "la firma non è quella di Banco").await;
    shot(&c, "update-02-tampered").await;
    // 2. The genuine artifact with a signature from another key: refused.
    offer("/files/next.deb", &signature("next.deb.other.sig"));
    check_again(&c).await;
    start_install(&c).await;
    wait_text(&c, "#about-message", "la firma non è quella di Banco").await;
    assert_eq!(installed_version().as_deref(), Some(v_now.as_str()));
    assert!(
        !prompted.exists(),
        "nothing was installed, nobody was asked"
    );
    let log = log_text(&logs);
    assert!(
        log.matches("bad_signature").count() >= 2,
        "both refusals are in the log:\n{log}"
    );

    // 3. The genuine, signed N+1: progress, install, restart.
    offer("/files/next.deb", &signature("next.deb.sig"));
    check_again(&c).await;
    start_install(&c).await;
    wait_js(
        &c,
        "the download's progress bar moves",
        "document.querySelector('#update-progress progress')?.value > 0",
    )
    .await;
    shot(&c, "update-03-progress").await;
    let started = Instant::now();
    while installed_version().as_deref() != Some(v_next.as_str()) {
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "N+1 was never installed; log:\n{}",
            log_text(&logs)
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let asked = std::fs::read_to_string(&prompted).unwrap();
    assert!(
        asked.starts_with("dpkg -i "),
        "the OS prompt installed the package: {asked}"
    );
    // The restarted Banco is N+1: its start is in the log, with its pid.
    let mut restarted = None;
    while restarted.is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "Banco did not start again as {v_next}; log:\n{}",
            log_text(&logs)
        );
        restarted = log_text(&logs)
            .lines()
            .filter(|l| l.contains("Banco started") && l.contains(&v_next))
            .find_map(|l| {
                l.split("pid=")
                    .nth(1)?
                    .split_whitespace()
                    .next()?
                    .parse::<u32>()
                    .ok()
            });
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let pid = restarted.unwrap();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
    assert_eq!(
        exe,
        PathBuf::from(INSTALLED_APP),
        "the restarted process runs the installed binary"
    );
    screen_shot("update-04-restarted");
    // Nobody drives the restarted window: close it, and start N+1 under
    // WebDriver on the same data.
    let restarted = process_tree(pid);
    end_processes(&restarted);
    wait_ended(&restarted);
    drop(c);
    drop(driver);
    let (_driver, c) = launch_binary(INSTALLED_APP, data.path(), &env).await;
    wait_text(&c, "#sign-in-title", "").await;
    desk::sign_in_admin(&c).await;
    // Back where the update was started, told from which version.
    wait_text(
        &c,
        "#about-updated",
        &format!("dalla versione {v_now} alla {v_next}"),
    )
    .await;
    wait_text(&c, "#about-version", &v_next).await;
    shot(&c, "update-05-updated").await;
    let _ = c.close().await;
}
