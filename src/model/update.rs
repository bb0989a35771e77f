//! New versions of Banco: where a tenant's desks look for them, and what
//! the window shows while one is offered and downloaded. The shell's
//! updater (`tauri-plugin-updater`) fetches the manifest and verifies the
//! artifact's signature; these are the shapes around it.

use serde::{Deserialize, Serialize};

use super::FieldError;

/// The variables the updater replaces in an endpoint (see
/// <https://v2.tauri.app/plugin/updater/#dynamic-update-server>).
pub const ENDPOINT_VARIABLES: [&str; 4] = [
    "{{current_version}}",
    "{{target}}",
    "{{arch}}",
    "{{bundle_type}}",
];

/// The longest endpoint kept, in characters.
pub const MAX_ENDPOINT_CHARS: usize = 2000;

/// Where a tenant's desks look for new versions: the URL of an update
/// manifest (`latest.json`, the updater's static JSON format), on the
/// chain's own server or a static folder any web server serves. `None`:
/// the desks never look.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateServer {
    /// The manifest's URL, checked by [`check_endpoint`].
    pub endpoint: Option<String>,
}

/// Checks an update endpoint as an admin types it: an absolute `https`
/// URL, or `http` only on this computer's loopback (a test server, a
/// folder served by the desk itself); the updater's variables
/// ([`ENDPOINT_VARIABLES`]) may appear in it. Returns the URL trimmed.
///
/// Errors: a [`FieldError`] on `update_endpoint`: `too_long`, `invalid_url`
/// (not a URL, or with a user name or password in it), `insecure_url`
/// (`http` to another computer, or another scheme).
pub fn check_endpoint(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    let field = "update_endpoint";
    if text.chars().count() > MAX_ENDPOINT_CHARS {
        return Err(FieldError::new(field, "too_long").with("max", MAX_ENDPOINT_CHARS.to_string()));
    }
    // The variables are not valid in a host; they only belong in the
    // path or the query, so a placeholder stands in for them here.
    let mut plain = text.to_string();
    for variable in ENDPOINT_VARIABLES {
        plain = plain.replace(variable, "x");
    }
    let url = url::Url::parse(&plain).map_err(|_| FieldError::new(field, "invalid_url"))?;
    if !url.username().is_empty() || url.password().is_some() || url.host_str().is_none() {
        return Err(FieldError::new(field, "invalid_url"));
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(text.to_string()),
        "http" if loopback => Ok(text.to_string()),
        _ => Err(FieldError::new(field, "insecure_url")),
    }
}

/// A newer version the endpoint offers this desk, as the update dialog
/// shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateOffer {
    /// The running version (semver, as in the workspace's `Cargo.toml`).
    pub current_version: String,
    /// The offered version (semver).
    pub version: String,
    /// The release notes the manifest carries (plain text or Markdown), if any.
    pub notes: Option<String>,
    /// When it was published, as the manifest says it (RFC 3339), if it does.
    pub date: Option<String>,
}

/// How far the download of an update is, sent to the window as
/// [`UPDATE_PROGRESS_EVENT`] while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateProgress {
    /// Bytes received so far.
    pub downloaded: u64,
    /// The artifact's size in bytes, when the server says it.
    pub total: Option<u64>,
}

impl UpdateProgress {
    /// The share downloaded, 0–100, when the size is known.
    pub fn percent(&self) -> Option<u8> {
        let total = self.total.filter(|t| *t > 0)?;
        Some((self.downloaded.min(total) * 100 / total) as u8)
    }
}

/// What the About screen shows about this desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AboutDesk {
    /// The running version (semver).
    pub version: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The database in use: the shop's file, or the chain server's URL
    /// without user or password.
    pub location: String,
    /// This desk's data folder (the shop's file, backups, the outbox).
    pub data_dir: String,
    /// The folder of this desk's log files.
    pub log_dir: String,
    /// How this copy was installed (`deb`, `rpm`, `msi`, `nsis`,
    /// `app`, `appimage`), `None` when it was not (built from source):
    /// only an installed copy updates itself.
    pub installed_as: Option<String>,
    /// Where the tenant's desks look for new versions, if anywhere.
    pub update_endpoint: Option<String>,
}

/// A diagnostics zip saved ("Save diagnostics…").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosticsSaved {
    /// Where it was saved.
    pub path: String,
    /// The files in it (`README.txt`, `desk.json`, `logs/banco.…log`, …).
    pub files: Vec<String>,
}

/// The words of the desk's menu, in the language the window speaks (the
/// UI's translation layer gives them; the shell only places them).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MenuLabels {
    /// The first menu: "Banco".
    pub banco: String,
    /// "New lead" (Ctrl+N).
    pub new_lead: String,
    /// "Search" (Ctrl+K).
    pub search: String,
    /// "Settings" (Ctrl+,).
    pub settings: String,
    /// "Quit" (Ctrl+Q).
    pub quit: String,
    /// The edit menu and its entries.
    pub edit: String,
    /// "Cut".
    pub cut: String,
    /// "Copy".
    pub copy: String,
    /// "Paste".
    pub paste: String,
    /// "Select all".
    pub select_all: String,
    /// The help menu.
    pub help: String,
    /// "Open log folder".
    pub open_logs: String,
    /// "Save diagnostics…".
    pub diagnostics: String,
    /// "About Banco".
    pub about: String,
    /// The words of the desk's system notifications (sent with the menu's,
    /// as the language changes).
    #[serde(default)]
    pub alerts: AlertWords,
}

/// The words of the desk's system notifications, in the window's language:
/// templates with `%{…}` placeholders the shell fills.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AlertWords {
    /// A call-back's title: `%{name}` is the record's title.
    pub call_back: String,
    /// A meeting's title: `%{time}` its start (local `HH:MM`), `%{title}`
    /// the meeting's title.
    pub meeting: String,
    /// The button that opens the record.
    pub open: String,
}

/// Longest menu label, in characters.
pub const MAX_MENU_LABEL_CHARS: usize = 60;

/// The event that carries a menu choice the window acts on (payload: the
/// entry's id: `new-lead`, `search`, `settings`, `diagnostics`, `about`).
pub const MENU_EVENT: &str = "menu";

/// The event that carries [`UpdateProgress`] to the main window.
pub const UPDATE_PROGRESS_EVENT: &str = "update-progress";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        for ok in [
            "https://updates.example.it/banco/latest.json",
            "https://updates.example.it/banco/{{target}}/{{arch}}/{{current_version}}",
            "http://127.0.0.1:8123/latest.json",
            "http://localhost/latest.json",
            "http://[::1]:9000/latest.json",
        ] {
            assert_eq!(check_endpoint(&format!(" {ok} ")).unwrap(), ok);
        }
        for (bad, code) in [
            ("http://updates.example.it/latest.json", "insecure_url"),
            ("ftp://updates.example.it/latest.json", "insecure_url"),
            ("file:///srv/banco/latest.json", "invalid_url"),
            ("updates.example.it/latest.json", "invalid_url"),
            (
                "https://user:pw@updates.example.it/latest.json",
                "invalid_url",
            ),
            ("https://", "invalid_url"),
        ] {
            assert_eq!(check_endpoint(bad).unwrap_err().code, code, "{bad}");
        }
        let long = format!("https://a.it/{}", "x".repeat(MAX_ENDPOINT_CHARS));
        assert_eq!(check_endpoint(&long).unwrap_err().code, "too_long");
    }

    #[test]
    fn percent() {
        let p = |downloaded, total| UpdateProgress { downloaded, total }.percent();
        assert_eq!(p(50, Some(200)), Some(25));
        assert_eq!(p(300, Some(200)), Some(100));
        assert_eq!(p(5, None), None);
        assert_eq!(p(5, Some(0)), None);
    }
}
