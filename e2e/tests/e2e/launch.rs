//! Starting the app under test for WebDriver: tauri-driver on free
//! loopback ports, the app's data and XDG folders of the test's own, and a
//! W3C session on its window.

use super::*;

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
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

pub async fn start(data_dir: &std::path::Path) -> (Driver, Client) {
    start_with(data_dir, &[]).await
}

/// [`start`] with more environment for tauri-driver and, through it, the app.
pub async fn start_with(data_dir: &std::path::Path, env: &[(&str, String)]) -> (Driver, Client) {
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
pub async fn launch(data_dir: &std::path::Path, env: &[(&str, String)]) -> (Driver, Client) {
    launch_binary(&app_under_test(), data_dir, env).await
}

/// [`launch`] of the binary `app` (an installed copy, see `update.rs`).
pub async fn launch_binary(
    app: &str,
    data_dir: &std::path::Path,
    env: &[(&str, String)],
) -> (Driver, Client) {
    let port = free_port();
    let native = free_port();
    let child = Command::new("tauri-driver")
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
        .stderr(Stdio::inherit())
        .spawn()
        .expect("tauri-driver on PATH (cargo install tauri-driver --locked)");
    let driver = Driver(child);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    caps.insert("browserName".into(), serde_json::json!("wry"));
    // Several TLS back-ends are linked in; WebDriver here is plain HTTP on
    // loopback, but rustls still wants one provider chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let started = Instant::now();
    let client = loop {
        match ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) if started.elapsed() < TIMEOUT => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(e) => panic!("cannot start a WebDriver session through tauri-driver: {e}"),
        }
    };
    (driver, client)
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
