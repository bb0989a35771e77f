//! A chain server's password lives in the OS keychain and nowhere else:
//! stored and read back through a real Secret Service (GNOME Keyring on a
//! private session bus), used to connect as a login that must give its
//! password, deleted by `banco forget`, and absent from the data folder,
//! the logs and the output; and so does a meeting server's key.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

const SECRET: &str = "Kc-8f2!vetrina";
const NEW_SECRET: &str = "Nv-3q7!bancone";

/// What a script printed on a private session bus with a keyring daemon.
struct Session {
    stdout: String,
    stderr: String,
}

impl Session {
    /// Runs `script` under `dbus-run-session` with `HOME` (and its XDG
    /// folders) in `home`, the CLI as `$BANCO`, a debug log, `env` added
    /// and `unset` removed; fails when no Secret Service answered (the
    /// script's exit code 90).
    fn run(home: &Path, script: &str, env: &[(&str, &OsStr)], unset: &str) -> Session {
        let out = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", script])
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("share"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("BANCO", env!("CARGO_BIN_EXE_banco"))
            .env("BANCO_LOG", "debug")
            .envs(env.iter().copied())
            .env_remove(unset)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .output()
            .expect("dbus-run-session (dbus-x11) and gnome-keyring on PATH: ./scripts/test.sh installs them");
        let session = Session {
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        };
        assert_ne!(
            out.status.code(),
            Some(90),
            "no Secret Service answered: {}\n{}",
            std::fs::read_to_string(home.join("not-ready.txt")).unwrap_or_default(),
            session.stderr
        );
        session
    }

    /// What step `name` of the script printed (`== name` … `== rc=N`),
    /// and its exit code.
    fn step(&self, name: &str) -> (String, String) {
        let start = format!("== {name}\n");
        let from = self
            .stdout
            .find(&start)
            .unwrap_or_else(|| panic!("{name} did not run:\n{}\n{}", self.stdout, self.stderr));
        let rest = &self.stdout[from + start.len()..];
        let end = rest.find("== rc=").unwrap();
        let rc = rest[end + 6..].lines().next().unwrap().to_string();
        (rest[..end].to_string(), rc)
    }
}

/// Fails if any file under `dir` holds `secret` in plain text.
fn no_file_holds(dir: &Path, secret: &str) {
    let mut files = vec![dir.to_path_buf()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(secret),
                "{} holds the secret",
                path.display()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_password_lives_in_the_os_keychain_only() {
    // A chain server set up by `banco admin init`, whose admin login must
    // give its password (only the cluster's superuser is trusted).
    let owner = common::fresh_pg_url().await;
    let login = common::unique_login("cassa");
    banco::services::admin::init(
        &owner,
        "Banco",
        &login,
        "Cassa",
        banco::model::Password(SECRET.into()),
    )
    .await
    .unwrap();
    let url = {
        let mut u = url::Url::parse(&owner).unwrap();
        u.set_username(&login).unwrap();
        u.to_string()
    };
    assert!(url.contains(&login) && !url.contains(SECRET));

    // One private session bus with a keyring daemon; HOME is a fresh folder,
    // so the desk's own keyring is never touched.
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("banco-data");
    let script = r#"
        eval "$(printf 'unlock-keyring\n' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || exit 90
        export GNOME_KEYRING_CONTROL
        # The daemon answers on the bus a moment after it starts (longer on
        # a loaded machine: up to 30 s).
        ready=no
        for _ in $(seq 150); do
            if "$BANCO" forget >/dev/null 2>"$HOME/not-ready.txt"; then ready=yes; break; fi
            sleep 0.2
        done
        [ "$ready" = yes ] || exit 90
        step() { echo "== $1"; shift; "$@"; echo "== rc=$?"; }
        step without "$BANCO" lead list
        step connect-wrong sh -c 'printf "wrong\n" | "$BANCO" connect --password-stdin'
        step connect sh -c 'printf "%s\n" "$SECRET" | "$BANCO" connect --password-stdin'
        unset SECRET
        step from-keychain "$BANCO" lead list --format json
        # Their own new password: the keychain's copy follows it.
        me=$("$BANCO" user list --format json | grep -o '"id": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')
        step change sh -c 'printf "%s\n" "$NEW_SECRET" | "$BANCO" user password "$1" --password-stdin' sh "$me"
        unset NEW_SECRET
        step after-change "$BANCO" lead list --format json
        step forget "$BANCO" forget
        step after-forget "$BANCO" lead list
        step forget-again "$BANCO" forget
    "#;
    let session = Session::run(
        home.path(),
        script,
        &[
            ("BANCO_DATABASE_URL", url.as_ref()),
            ("BANCO_DATA_DIR", data.as_ref()),
            ("SECRET", SECRET.as_ref()),
            ("NEW_SECRET", NEW_SECRET.as_ref()),
        ],
        "PGPASSWORD",
    );
    let (stdout, stderr) = (&session.stdout, &session.stderr);
    let step = |name: &str| session.step(name);
    // No password anywhere: the server refuses.
    assert_ne!(step("without").1, "0", "{stdout}\n{stderr}");
    // A wrong one is checked against the server and not kept.
    assert_ne!(step("connect-wrong").1, "0", "{stdout}\n{stderr}");
    let (kept, rc) = step("connect");
    assert_eq!(rc, "0", "{stdout}\n{stderr}");
    assert!(kept.contains(&format!("{login}@127.0.0.1:")), "{kept}");
    // Later runs connect with the keychain's password alone.
    let (listed, rc) = step("from-keychain");
    assert_eq!(rc, "0", "{stdout}\n{stderr}");
    assert!(listed.contains("\"total\": 0"), "{listed}");
    // A change of their own password is kept in the keychain: the next
    // run signs in with the new one.
    assert_eq!(step("change").1, "0", "{stdout}\n{stderr}");
    let (listed, rc) = step("after-change");
    assert_eq!(rc, "0", "{stdout}\n{stderr}");
    assert!(listed.contains("\"total\": 0"), "{listed}");
    // "Forget this computer" deletes it: the server refuses again.
    assert!(step("forget").0.contains("deleted"), "{stdout}");
    assert_ne!(step("after-forget").1, "0", "{stdout}\n{stderr}");
    assert!(step("forget-again").0.contains("no password"), "{stdout}");

    // Nowhere else: not in the output, the debug log, or any file Banco or
    // the keyring wrote in plain text.
    for secret in [SECRET, NEW_SECRET] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
        no_file_holds(home.path(), secret);
    }
}

/// A meeting server's shared secret, entered by an admin on a desk that
/// hosts meetings (`banco meeting server key -`), lives in that desk's
/// OS keychain only: read back as "kept", gone after `forget-key`, and
/// never in the shop's database, any file, the log or the output.
#[test]
fn a_meeting_key_lives_in_the_os_keychain_only() {
    const MEETING_KEY: &str = "prosody-app-secret-7c1d9e0b2a4f8e63";
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("banco-data");
    let script = r#"
        eval "$(printf 'unlock-keyring\n' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || exit 90
        export GNOME_KEYRING_CONTROL
        step() { echo "== $1"; shift; "$@"; echo "== rc=$?"; }
        step set "$BANCO" meeting server set --domain video.negozio.it --auth shared_secret --app-id banco --guests token
        ready=no
        for _ in $(seq 150); do
            if "$BANCO" meeting server show >/dev/null 2>"$HOME/not-ready.txt"; then ready=yes; break; fi
            sleep 0.2
        done
        [ "$ready" = yes ] || exit 90
        step short sh -c 'printf "corta\n" | "$BANCO" meeting server key -'
        step key sh -c 'printf "%s\n" "$MEETING_KEY" | "$BANCO" meeting server key -'
        unset MEETING_KEY
        step show "$BANCO" meeting server show
        step forget "$BANCO" meeting server forget-key
    "#;
    let session = Session::run(
        home.path(),
        script,
        &[
            ("BANCO_DATA_DIR", data.as_ref()),
            ("MEETING_KEY", MEETING_KEY.as_ref()),
        ],
        "BANCO_DATABASE_URL",
    );
    let (stdout, stderr) = (&session.stdout, &session.stderr);
    let step = |name: &str| -> (serde_json::Value, String) {
        let (text, rc) = session.step(name);
        let json = serde_json::from_str(text.trim()).unwrap_or(serde_json::Value::Null);
        (json, rc)
    };
    let (set, rc) = step("set");
    assert_eq!(rc, "0", "{stdout}\n{stderr}");
    assert_eq!(set["access"]["auth"], "shared_secret", "{stdout}");
    // A secret too short for HS256 is refused and not kept.
    assert_ne!(step("short").1, "0", "{stdout}\n{stderr}");
    assert!(stderr.contains("too_short"), "{stderr}");
    let (kept, rc) = step("key");
    assert_eq!(rc, "0", "{stdout}\n{stderr}");
    assert_eq!(kept["key"]["kept"], true, "{stdout}");
    assert_eq!(step("show").0["key"]["kept"], true, "{stdout}");
    assert_eq!(step("forget").0["key"]["kept"], false, "{stdout}");

    // Nowhere else: the output, the debug log, the shop's database, any
    // file written in plain text.
    assert!(!stdout.contains(MEETING_KEY) && !stderr.contains(MEETING_KEY));
    no_file_holds(home.path(), MEETING_KEY);
}
