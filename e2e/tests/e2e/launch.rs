//! Starting the app under test for WebDriver: tauri-driver on free
//! loopback ports, the app's data and XDG folders of the test's own, and a
//! W3C session on its window.

use super::*;

/// The environment variable that marks every process a test started,
/// and all they start in turn: its value is one [`Owned`]'s own.
const MARK_ENV: &str = "BANCO_E2E_MARK";

/// A process the test started (tauri-driver, a second Banco, a bus
/// monitor). Dropping it ends the process and everything it started
/// (tauri-driver's WebKitWebDriver, the app, the app's web processes) and
/// waits until they are gone: a test that fails leaves no app running on
/// its deleted data folder, and a test that starts the app again on the
/// same folder never hands over to the one it just closed (one Banco per
/// data folder, see the shell's `desktop.rs`). What it started is found
/// by its mark in their environment as well as below it: a process whose
/// parent has gone (WebKitWebDriver ends when its session does) is no
/// longer below it.
pub struct Owned {
    child: Child,
    mark: String,
}

impl Owned {
    /// Starts `command`, marked as this one's own.
    pub fn spawn(command: &mut Command) -> std::io::Result<Owned> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mark = format!("{}-{n}", std::process::id());
        let child = command.env(MARK_ENV, &mark).spawn()?;
        Ok(Owned { child, mark })
    }

    /// Whether it has exited, and how (see [`Child::try_wait`]).
    pub fn try_wait(&mut self) -> std::io::Result<Option<std::process::ExitStatus>> {
        self.child.try_wait()
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        let mut all = process_tree(self.child.id());
        for pid in marked(&self.mark) {
            all.extend(process_tree(pid));
        }
        all.sort_unstable();
        all.dedup();
        end_processes(&all);
        let _ = self.child.wait();
        wait_ended(&all);
    }
}

/// The processes whose environment carries `mark` (see [`MARK_ENV`]).
fn marked(mark: &str) -> Vec<u32> {
    with_env(&format!("{MARK_ENV}={mark}"))
}

/// Every process running now, by its id in `/proc`.
fn pids() -> impl Iterator<Item = u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
}

/// The processes whose environment holds `entry` (`NAME=value`).
pub fn with_env(entry: &str) -> Vec<u32> {
    pids()
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == entry.as_bytes()))
        })
        .collect()
}

/// `root` and every process below it, parents before children, as
/// `/proc/*/stat` tells them now.
pub fn process_tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = pids()
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // "pid (comm) state ppid ...": comm may hold spaces and ')'.
            let after = &stat[stat.rfind(')')? + 1..];
            let ppid = after.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(parents.iter().filter(|p| p.1 == parent).map(|p| p.0));
        i += 1;
    }
    tree
}

/// Sends SIGKILL to each of `pids`.
pub fn end_processes(pids: &[u32]) {
    signal("-KILL", pids);
}

/// Sends `signal` (as `kill(1)` takes it: `-KILL`, `-STOP`) to each of
/// `pids`, with `kill(1)`: the workspace forbids unsafe code, so no
/// `libc::kill`.
pub fn signal(signal: &str, pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .arg(signal)
        .args(pids.iter().map(u32::to_string))
        .stderr(Stdio::null())
        .status();
}

/// Waits (up to [`TIMEOUT`]) until none of `pids` runs; a zombie, dead but
/// not yet reaped by its new parent, counts as gone.
pub fn wait_ended(pids: &[u32]) {
    let running = |pid: &u32| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| {
                let after = s[s.rfind(')')? + 1..].to_string();
                after
                    .split_whitespace()
                    .next()
                    .map(|st| st != "Z" && st != "X")
            })
            .unwrap_or(false)
    };
    let started = Instant::now();
    while pids.iter().any(running) && started.elapsed() < TIMEOUT {
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub async fn start(data_dir: &std::path::Path) -> (Owned, Client) {
    start_with(data_dir, &[]).await
}

/// [`start`] with more environment for tauri-driver and, through it, the app.
pub async fn start_with(data_dir: &std::path::Path, env: &[(&str, String)]) -> (Owned, Client) {
    let (driver, client) = launch(data_dir, env).await;
    desk::claim(&client).await;
    (driver, client)
}

/// The environment the app runs in for a test on `data_dir`: its data
/// folder, and XDG folders of its own (the webview keeps localStorage, the
/// chosen language, under them; the window's size and place and the log
/// too), so that no earlier run leaks in.
pub fn app_env(data_dir: &std::path::Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("BANCO_DATA_DIR", data_dir.to_path_buf()),
        ("XDG_DATA_HOME", data_dir.join("xdg-data")),
        ("XDG_CONFIG_HOME", data_dir.join("xdg-config")),
        ("XDG_CACHE_HOME", data_dir.join("xdg-cache")),
        ("XDG_STATE_HOME", data_dir.join("xdg-state")),
        ("NO_AT_BRIDGE", PathBuf::from("1")),
    ]
}

/// The app binary under test (`BANCO_E2E_APP`).
pub fn app_under_test() -> String {
    let app = std::env::var("BANCO_E2E_APP").unwrap_or_else(|_| {
        panic!(
            "BANCO_E2E_APP is not set: this test drives the real window. Run ./scripts/test.sh, which builds \
             the UI with trunk and the app's installer (its release binary serves the bundled UI), starts Xvfb \
             and a session bus, and sets BANCO_E2E_APP to the binary."
        )
    });
    assert!(
        std::path::Path::new(&app).exists(),
        "BANCO_E2E_APP={app} does not exist"
    );
    app
}

/// Starts the app on `data_dir` and opens a WebDriver session on its
/// window, as it first appears (nobody signed in).
pub async fn launch(data_dir: &std::path::Path, env: &[(&str, String)]) -> (Owned, Client) {
    launch_binary(&app_under_test(), data_dir, env).await
}

/// [`launch`] of the binary `app` (an installed copy, see `update.rs`).
pub async fn launch_binary(
    app: &str,
    data_dir: &std::path::Path,
    env: &[(&str, String)],
) -> (Owned, Client) {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    caps.insert("browserName".into(), serde_json::json!("wry"));
    // Several TLS back-ends are linked in; WebDriver here is plain HTTP on
    // loopback, but rustls still wants one provider chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    folder_released(data_dir).await;
    // A try that fails (WebKitWebDriver gave up waiting for the app on a
    // busy machine) ends all it started, so that the next one does not
    // hand over to an app still closing; each try is bounded, since a
    // session request has no time limit of its own.
    let started = Instant::now();
    let mut failure = String::new();
    while started.elapsed() < 3 * TIMEOUT {
        let (port, native) = (free_port(), free_port());
        let driver = Owned::spawn(
            Command::new("tauri-driver")
                .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native.to_string(),
                ])
                .envs(app_env(data_dir))
                .env("BANCO_E2E_PICKS", desk::picks_file(data_dir))
                .stdout(Stdio::null())
                .stderr(Stdio::inherit()),
        )
        .expect("tauri-driver on PATH (cargo install tauri-driver --locked)");
        if !listening(&[port, native]).await {
            failure = "tauri-driver and WebKitWebDriver did not listen".into();
            continue;
        }
        let mut builder = ClientBuilder::rustls().unwrap();
        builder.capabilities(caps.clone());
        let url = format!("http://127.0.0.1:{port}");
        let session = builder.connect(&url);
        match tokio::time::timeout(TIMEOUT, session).await {
            Ok(Ok(c)) => return (driver, c),
            Ok(Err(e)) => failure = e.to_string(),
            Err(_) => failure = format!("no window within {TIMEOUT:?}"),
        }
        eprintln!("e2e: no WebDriver session on the app ({failure}): trying again");
    }
    panic!("cannot start a WebDriver session on the app through tauri-driver: {failure}");
}

/// Waits (up to [`TIMEOUT`]) until no Banco holds `data_dir`'s name on
/// the session bus (`store::instance_id`). A Banco just ended has gone
/// before the bus daemon, busy, has released its name; the app started
/// in between would find the name taken and hand over to nobody (it then
/// starts itself again, outside WebDriver's reach).
pub async fn folder_released(data_dir: &std::path::Path) {
    let Ok(bus) = zbus::Connection::session().await else {
        return;
    };
    let Ok(proxy) = zbus::fdo::DBusProxy::new(&bus).await else {
        return;
    };
    let name = format!(
        "{}.SingleInstance",
        banco::store::instance_id("it.banco.crm", data_dir)
    );
    let Ok(name) = zbus::names::BusName::try_from(name) else {
        return;
    };
    let started = Instant::now();
    while proxy.name_has_owner(name.clone()).await.unwrap_or(false) && started.elapsed() < TIMEOUT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether every one of `ports` on loopback takes connections within
/// [`TIMEOUT`].
async fn listening(ports: &[u16]) -> bool {
    let started = Instant::now();
    for port in ports {
        while tokio::net::TcpStream::connect(("127.0.0.1", *port))
            .await
            .is_err()
        {
            if started.elapsed() > TIMEOUT {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    true
}

/// A stand-in `xdg-open` first on PATH, in `dir`: what the app asks the
/// system to open (a dialler's link, a folder, a browser's page) is
/// written, one line each, to the returned file instead. Returns that
/// file and the `PATH` to start the app with.
pub fn stand_in_opener(dir: &std::path::Path) -> (PathBuf, String) {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let opened = dir.join("opened.txt");
    let opener = bin.join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (opened, path)
}

/// The longest one scenario may take (the slowest, the update's, takes
/// about a minute and a half on CI's machine).
pub const SCENARIO_LIMIT: Duration = Duration::from_secs(600);

/// Runs one scenario, failing it if it is not over within
/// [`SCENARIO_LIMIT`]. A WebDriver request has no time limit of its own;
/// without this a window that stops answering would hang the whole run
/// until CI's limit, with no test named. On time-out the scenario is
/// dropped, so its [`Owned`] tauri-driver ends the app it started.
pub async fn within_limit(scenario: impl std::future::Future<Output = ()>) {
    if tokio::time::timeout(SCENARIO_LIMIT, scenario)
        .await
        .is_err()
    {
        panic!(
            "the scenario did not end within {SCENARIO_LIMIT:?}: a WebDriver request got no answer"
        );
    }
}
