//! Banco's desktop costs against a bare Tauri 2 + Yew app built the same
//! way (`benches/bare-app`, create-tauri-app's Yew template), measured in
//! the same run on the same machine (issue 14's targets: installer ≤ 2×,
//! start to the first painted screen ≤ 1.5×, idle memory ≤ 1.3×):
//!
//! - **installer**: the `.deb` files' sizes (and the binaries');
//! - **start**: from asking WebDriver for a session (which starts the app)
//!   until the first screen is in the page and painted (two animation
//!   frames after it appears): Banco's sign-in, the bare app's page. Banco
//!   is then signed in and the time until the counter is painted is given
//!   too (no baseline: the bare app has no sign-in);
//! - **idle memory**: after `--idle` seconds at rest (Banco at the
//!   counter), the proportional set size (PSS, `/proc/<pid>/smaps_rollup`)
//!   summed over the app and every process it started (WebKit's web and
//!   network processes), RSS beside it.
//!
//! Each run starts each app once on a fresh data folder, alternating which
//! goes first; the medians and their ratios are printed as the Markdown
//! table `BENCHMARKS.md` keeps. Run by `scripts/bench-desktop.sh` (which
//! builds both apps and their installers) under Xvfb and a session bus:
//!
//! ```text
//! desktop --banco BIN --bare BIN [--banco-deb F --bare-deb F] [--runs 5] [--idle 10]
//! ```
#![allow(missing_docs, clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

const TIMEOUT: Duration = Duration::from_secs(60);
const ADMIN_PASSWORD: &str = "banco-bench-2026";

/// One app's figures in one run.
#[derive(Debug, Default, Clone, Copy)]
struct Sample {
    /// Session asked → first screen painted, ms.
    start_ms: f64,
    /// Sign-in pressed → counter painted, ms (Banco only).
    counter_ms: Option<f64>,
    /// PSS of all its processes at rest, KiB.
    pss_kib: u64,
    /// RSS of all its processes at rest, KiB.
    rss_kib: u64,
    /// How many processes.
    processes: usize,
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Every process's parent, from `/proc/<pid>/stat`.
fn parents() -> HashMap<u32, u32> {
    let mut out = HashMap::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`: comm may hold spaces and parentheses.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
            continue;
        };
        if let Some(ppid) = rest.split(' ').nth(1).and_then(|p| p.parse().ok()) {
            out.insert(pid, ppid);
        }
    }
    out
}

/// The running processes of binary `exe`.
fn pids_of(exe: &Path) -> Vec<u32> {
    let exe = exe.canonicalize().unwrap();
    parents()
        .keys()
        .copied()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|p| p == exe))
        .collect()
}

/// `pid` and every process below it.
fn tree(pid: u32) -> Vec<u32> {
    let parents = parents();
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parents.iter().filter(|(_, pp)| **pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out
}

/// A field of `/proc/<pid>/smaps_rollup`, in KiB.
fn rollup(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Waits until `css` is in the page, then for two animation frames (it has
/// been painted).
async fn painted(c: &Client, css: &str) {
    let started = Instant::now();
    loop {
        let there = c
            .execute(
                "return !!document.querySelector(arguments[0])",
                vec![css.into()],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if there {
            break;
        }
        assert!(started.elapsed() < TIMEOUT, "`{css}` never appeared");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    c.execute_async(
        "const done = arguments[arguments.length - 1]; \
         requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    )
    .await
    .unwrap();
}

async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// What is measured of an app.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// The bare app.
    Bare,
    /// Banco's first start: the administrator's password is chosen.
    BancoFirstStart,
    /// Banco on a shop's existing database: the administrator signs in.
    Banco,
}

/// Starts `app` through tauri-driver on a data folder copied from `from`
/// (or a fresh one) and measures it; the folder is kept in `keep` if
/// given.
async fn measure(
    app: &Path,
    kind: Kind,
    idle: Duration,
    from: Option<&Path>,
    keep: Option<&Path>,
) -> Sample {
    let data = tempfile::tempdir().unwrap();
    if let Some(from) = from {
        let copied = Command::new("cp")
            .arg("-a")
            .arg(from.join("."))
            .arg(data.path())
            .status()
            .unwrap();
        assert!(copied.success(), "the data folder is copied");
    }
    let (port, native) = (free_port(), free_port());
    let d = data.path();
    let _driver = Driver(
        Command::new("tauri-driver")
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native.to_string()])
            .env("BANCO_DATA_DIR", d)
            .env("BANCO_LOG_DIR", d.join("logs"))
            .env("XDG_DATA_HOME", d.join("xdg-data"))
            .env("XDG_CONFIG_HOME", d.join("xdg-config"))
            .env("XDG_CACHE_HOME", d.join("xdg-cache"))
            .env("XDG_STATE_HOME", d.join("xdg-state"))
            .env("NO_AT_BRIDGE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver on PATH"),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < TIMEOUT, "tauri-driver never listened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    caps.insert("browserName".into(), serde_json::json!("wry"));
    // tauri-driver may listen before it can start a session: a refused
    // attempt starts no app, and the clock starts again.
    let (t0, c) = loop {
        let t0 = Instant::now();
        match ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break (t0, c),
            Err(e) if started.elapsed() < TIMEOUT => {
                eprintln!("session refused, again: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("no WebDriver session on the app: {e}"),
        }
    };
    let banco = kind != Kind::Bare;
    painted(&c, if banco { "#sign-in-title" } else { "#ready" }).await;
    let mut sample = Sample {
        start_ms: t0.elapsed().as_secs_f64() * 1000.0,
        ..Sample::default()
    };
    if banco {
        if kind == Kind::Banco {
            type_into(&c, "#sign-in-login", "admin").await;
        }
        type_into(&c, "#sign-in-password", ADMIN_PASSWORD).await;
        if kind == Kind::BancoFirstStart {
            type_into(&c, "#sign-in-confirm", ADMIN_PASSWORD).await;
        }
        let t1 = Instant::now();
        c.find(Locator::Css("#sign-in-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        painted(&c, "#counter-form").await;
        sample.counter_ms = Some(t1.elapsed().as_secs_f64() * 1000.0);
    }
    tokio::time::sleep(idle).await;
    let roots = pids_of(app);
    assert_eq!(roots.len(), 1, "one {} running: {roots:?}", app.display());
    let all = tree(roots[0]);
    sample.processes = all.len();
    sample.pss_kib = all.iter().map(|p| rollup(*p, "Pss:")).sum();
    for p in &all {
        let name = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
        eprintln!("  {}: PSS {} KiB", name.trim(), rollup(*p, "Pss:"));
    }
    sample.rss_kib = all.iter().map(|p| rollup(*p, "Rss:")).sum();
    if banco {
        let page = c
            .execute("return window.wasmBindings.wasm_memory_bytes()", vec![])
            .await
            .ok()
            .and_then(|v| v.as_f64());
        eprintln!(
            "  the page's wasm memory: {} KiB",
            page.unwrap_or(0.0) / 1024.0
        );
    }
    let _ = c.close().await;
    // The app must be gone before the next one starts.
    let gone = Instant::now();
    while !pids_of(app).is_empty() && gone.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for pid in pids_of(app) {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
    if let Some(keep) = keep {
        let kept = Command::new("cp")
            .arg("-a")
            .arg(data.path().join("."))
            .arg(keep)
            .status()
            .unwrap();
        assert!(kept.success(), "the data folder is kept");
    }
    sample
}

/// One figure of a sample.
type Field = fn(&Sample) -> f64;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn size(path: &Option<PathBuf>) -> Option<u64> {
    path.as_ref().map(|p| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .len()
    })
}

fn mib(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / 1024.0 / 1024.0)
}

fn row(what: &str, banco: String, bare: String, ratio: f64, target: &str) {
    println!("| {what} | {banco} | {bare} | {ratio:.2}× | {target} |");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut banco, mut bare, mut banco_deb, mut bare_deb) = (None, None, None, None);
    let (mut runs, mut idle) = (5usize, 10u64);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--banco" => banco = Some(PathBuf::from(value())),
            "--bare" => bare = Some(PathBuf::from(value())),
            "--banco-deb" => banco_deb = Some(PathBuf::from(value())),
            "--bare-deb" => bare_deb = Some(PathBuf::from(value())),
            "--runs" => runs = value().parse().unwrap(),
            "--idle" => idle = value().parse().unwrap(),
            // `cargo bench` passes `--bench`.
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    let banco = banco.expect("--banco BIN (Banco's release binary)");
    let bare = bare.expect("--bare BIN (the bare app's release binary)");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let idle = Duration::from_secs(idle);
    // The shop's database every run starts on: made by a first start
    // (measured apart: it creates the database and its first backup).
    let shop = tempfile::tempdir().unwrap();
    let first = measure(&banco, Kind::BancoFirstStart, idle, None, Some(shop.path())).await;
    eprintln!("first start: {first:?}");
    let on_shop = Some(shop.path());
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for run in 0..runs {
        // Alternate which app starts first: the second finds warmer caches.
        if run % 2 == 0 {
            ours.push(measure(&banco, Kind::Banco, idle, on_shop, None).await);
            theirs.push(measure(&bare, Kind::Bare, idle, None, None).await);
        } else {
            theirs.push(measure(&bare, Kind::Bare, idle, None, None).await);
            ours.push(measure(&banco, Kind::Banco, idle, on_shop, None).await);
        }
        eprintln!(
            "run {}: Banco {:?}, bare {:?}",
            run + 1,
            ours[run],
            theirs[run]
        );
    }
    let m = |v: &[Sample], f: Field| median(v.iter().map(f).collect());
    println!("| measure ({runs} runs, medians) | Banco | bare Tauri 2 + Yew | ratio | target |");
    println!("|---|---|---|---|---|");
    if let (Some(a), Some(b)) = (size(&banco_deb), size(&bare_deb)) {
        row(
            "installer (.deb)",
            mib(a as f64),
            mib(b as f64),
            a as f64 / b as f64,
            "≤ 2×",
        );
    }
    let (a, b) = (
        std::fs::metadata(&banco).unwrap().len() as f64,
        std::fs::metadata(&bare).unwrap().len() as f64,
    );
    row("binary", mib(a), mib(b), a / b, "—");
    let (a, b) = (m(&ours, |s| s.start_ms), m(&theirs, |s| s.start_ms));
    row(
        "start → first screen painted",
        format!("{a:.0} ms"),
        format!("{b:.0} ms"),
        a / b,
        "≤ 1.5×",
    );
    let counter = m(&ours, |s| s.counter_ms.unwrap_or(0.0));
    println!("| sign-in → counter painted | {counter:.0} ms | — | — | — |");
    println!(
        "| first start (new database) → first screen painted, once | {:.0} ms | — | — | — |",
        first.start_ms
    );
    let memory: [(&str, Field, &str); 2] = [
        ("PSS", |s| s.pss_kib as f64, "≤ 1.3×"),
        ("RSS", |s| s.rss_kib as f64, "—"),
    ];
    for (what, field, target) in memory {
        let (a, b) = (m(&ours, field), m(&theirs, field));
        row(
            &format!("idle memory, {what} of all processes"),
            mib(a * 1024.0),
            mib(b * 1024.0),
            a / b,
            target,
        );
    }
    println!(
        "| processes | {} | {} | — | — |",
        ours[0].processes, theirs[0].processes
    );
}
